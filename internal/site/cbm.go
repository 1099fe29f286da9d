package site

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/site/chart"
	"github.com/defence-transparency/publish/internal/site/format"
)

// The CBM tracker: which states report to the UN confidence-building
// instruments, year by year. One page per instrument holds a matrix of
// states by years, a chart of the reporting rate with a table of the same
// counts, and a filter made of radio buttons and CSS alone. A nil report is
// a submission: it is shown as such, never as no report, and counted as a
// report everywhere.
//
// Instruments and kinds of report are codes here: the templates name them
// and say what they ask of states (cbm_* and instrument_* in the i18n
// file). An instrument or a kind the i18n file does not know is named by
// its code.

// instrumentRank orders the instruments: UN Milex, UNROCA, the ATT, then
// others.
func instrumentRank(code string) int {
	switch code {
	case dataset.InstrumentMilex:
		return 0
	case dataset.InstrumentUNROCA:
		return 1
	case dataset.InstrumentATT:
		return 2
	}
	return 3
}

// kindCodes are the report kinds in the order the legend lists them, by
// the code of each in the templates, which gives its cell its pattern.
var kindCodes = []struct{ kind, code string }{
	{dataset.ReportFull, "full"},
	{dataset.ReportSimplified, "simp"},
	{dataset.ReportFullOrSimplified, "ret"},
	{dataset.ReportSingleFigure, "one"},
	{dataset.ReportSubmitted, "sub"},
	{dataset.ReportNil, "nil"},
	{dataset.ReportNone, "none"},
}

// kindCode returns the code of a report kind; a kind the site does not
// know is "other".
func kindCode(kind string) string {
	for _, k := range kindCodes {
		if k.kind == kind {
			return k.code
		}
	}
	return "other"
}

// kindParams is one kind of report in a legend: its code and, for a kind
// the site does not know, its name as the dataset writes it.
type kindParams struct {
	Code  string `json:"code"`
	Other string `json:"other,omitempty"`
}

func kindOf(kind string) kindParams {
	k := kindParams{Code: kindCode(kind)}
	if k.Code == "other" {
		k.Other = strings.ReplaceAll(kind, "_", " ")
	}
	return k
}

// allKinds is the legend of every kind the site knows.
func allKinds() []kindParams {
	out := make([]kindParams, len(kindCodes))
	for i, k := range kindCodes {
		out[i] = kindParams{Code: k.code}
	}
	return out
}

// submitted reports whether a report kind is a submission: anything but no
// report. A nil report is a submission.
func submitted(kind string) bool {
	switch kind {
	case dataset.ReportFull, dataset.ReportSimplified, dataset.ReportFullOrSimplified,
		dataset.ReportSingleFigure, dataset.ReportSubmitted, dataset.ReportNil:
		return true
	}
	return false
}

// rateRow is one year of an instrument's reporting: how many of the states
// the source lists for the year submitted a report, nil reports included.
type rateRow struct {
	Year     int `json:"year"`
	States   int `json:"states"`
	Reported int `json:"reported"`
	Nil      int `json:"nils"`
	Rate     int `json:"rate"` // whole percent; meaningless when States is 0
}

// instrument names an instrument for the templates: its code, and the
// words for a code the i18n file does not know.
type instrument struct {
	Code string `json:"code"`
	Name string `json:"name"` // the code in words, used when the i18n file has none
}

func instrumentOf(code string) instrument {
	return instrument{Code: code, Name: strings.ReplaceAll(code, "_", " ")}
}

// participation is an instrument's reporting in its latest year with a
// report, for the home page and the tracker's overview.
type participation struct {
	Instrument instrument `json:"instrument"`
	Path       string     `json:"path"`
	rateRow
}

// trackerPage is the front matter of an instrument's page.
type trackerPage struct {
	Lastmod string        `json:"lastmod,omitempty"`
	Weight  int           `json:"weight"`
	Params  trackerParams `json:"params"`
}

type trackerParams struct {
	Instrument  instrument      `json:"instrument"`
	Span        span            `json:"span"`
	Latest      int             `json:"latest,omitempty"` // latest year with a report
	Years       []int           `json:"years"`
	Kinds       []kindParams    `json:"kinds"` // the legend: the kinds the matrix uses
	Blank       bool            `json:"blank,omitempty"`
	Filters     []filterParams  `json:"filters,omitempty"`
	Letters     []letterLink    `json:"letters"`
	Rows        []trackerRow    `json:"rows"`
	Rates       []rateRow       `json:"rates"`
	Chart       *chart.BarsData `json:"chart,omitempty"`
	Sources     []link          `json:"sources"`
	DatasetPath string          `json:"datasetpath"`
}

// letterLink is a letter of the states' index and the anchor of its first
// row: the letter in lower case, or "other".
type letterLink struct {
	Letter string `json:"letter"`
	Anchor string `json:"anchor"`
}

// filterParams is one choice of the CSS-only filter: all, rep, nil, none
// or never, and how many states it shows. The stylesheet knows each code.
type filterParams struct {
	Code  string `json:"code"`
	Count int    `json:"count"`
}

// trackerRow is one state of the matrix. Keys are short: an instrument's
// page holds a few thousand cells.
type trackerRow struct {
	Name string `json:"n"`
	Path string `json:"p,omitempty"`
	// Anchor is set on the first state of a letter: the letter, in
	// lower case, or "other".
	Anchor  string   `json:"a,omitempty"`
	Filters string   `json:"f"` // the filters that show it, space-separated: rep, nil, none, never
	Cells   []string `json:"k"` // a kind's code per year, "" where the source lists nothing
}

// cbmIndex groups the rows of cbm-reports by instrument and by country,
// and holds each instrument's reporting rates.
type cbmIndex struct {
	recs         []dataset.CBMReport
	instruments  []string
	byInstrument map[string][]int
	byCountry    map[string][]int
	rates        map[string][]rateRow // by instrument, from its first to its last year
}

func newCBMIndex(recs []dataset.CBMReport) *cbmIndex {
	x := &cbmIndex{recs: recs, byInstrument: map[string][]int{}, byCountry: map[string][]int{}, rates: map[string][]rateRow{}}
	for i := range recs {
		r := &recs[i]
		if _, ok := x.byInstrument[r.Instrument]; !ok {
			x.instruments = append(x.instruments, r.Instrument)
		}
		x.byInstrument[r.Instrument] = append(x.byInstrument[r.Instrument], i)
		x.byCountry[r.Country] = append(x.byCountry[r.Country], i)
	}
	slices.SortFunc(x.instruments, func(a, b string) int {
		if c := cmp.Compare(instrumentRank(a), instrumentRank(b)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for _, ins := range x.instruments {
		x.rates[ins] = x.countRates(ins)
	}
	return x
}

// trackerPath is the path of an instrument's page from the site's root.
func trackerPath(instrument string) string {
	return "cbm/" + strings.ReplaceAll(instrument, "_", "-") + "/"
}

// countRates counts the reports of an instrument per year, from its first
// to its last year; a year with no row at all counts no state.
func (x *cbmIndex) countRates(instrument string) []rateRow {
	idx := x.byInstrument[instrument]
	if len(idx) == 0 {
		return nil
	}
	from, to := math.MaxInt, math.MinInt
	for _, i := range idx {
		from, to = min(from, x.recs[i].Year), max(to, x.recs[i].Year)
	}
	out := make([]rateRow, to-from+1)
	for k := range out {
		out[k].Year = from + k
	}
	for _, i := range idx {
		r := &x.recs[i]
		row := &out[r.Year-from]
		row.States++
		if submitted(r.Kind) {
			row.Reported++
		}
		if r.Kind == dataset.ReportNil {
			row.Nil++
		}
	}
	for k := range out {
		if out[k].States > 0 {
			out[k].Rate = chart.Percent(out[k].Reported, out[k].States)
		}
	}
	return out
}

// latestReported returns the latest year with a report among rates, or
// nil.
func latestReported(rates []rateRow) *rateRow {
	for k := len(rates) - 1; k >= 0; k-- {
		if rates[k].Reported > 0 {
			return &rates[k]
		}
	}
	return nil
}

// participations returns each instrument's reporting in its latest year
// with a report.
func (x *cbmIndex) participations(urls siteURLs) []participation {
	var out []participation
	for _, ins := range x.instruments {
		p := participation{Instrument: instrumentOf(ins), Path: urls.link(trackerPath(ins))}
		if r := latestReported(x.rates[ins]); r != nil {
			p.rateRow = *r
		}
		out = append(out, p)
	}
	return out
}

// trackerPages builds the page of every instrument.
func (g *generator) trackerPages(x *cbmIndex, countryPages map[string]string) []trackerPage {
	var out []trackerPage
	for w, ins := range x.instruments {
		idx := x.byInstrument[ins]
		rates := x.rates[ins]
		from := rates[0].Year
		p := trackerPage{
			Lastmod: g.lastmod,
			Weight:  w + 1,
			Params: trackerParams{
				Instrument: instrumentOf(ins), Span: span{from, rates[len(rates)-1].Year}, Rates: rates,
				DatasetPath: g.urls.link(datasetPath(g.fam.cbmDataset)),
			},
		}
		for _, r := range rates {
			p.Params.Years = append(p.Params.Years, r.Year)
		}
		if l := latestReported(rates); l != nil {
			p.Params.Latest = l.Year
		}

		// One row per state, its cells by year.
		byState := map[string]*trackerRow{}
		reported := map[string]bool{}
		latestKind := map[string]string{}
		used := map[string]bool{}
		sources := map[string]bool{}
		keys := map[string]string{} // the states' sort keys
		for _, i := range idx {
			r := &x.recs[i]
			row := byState[r.Country]
			if row == nil {
				name := countryName(r.Country, r.CountryName)
				row = &trackerRow{Name: name, Cells: make([]string, len(rates))}
				if _, ok := countryPages[r.Country]; ok {
					row.Path = g.urls.link(countryPath(r.Country))
				}
				byState[r.Country] = row
				keys[r.Country] = sortKey(name)
			}
			row.Cells[r.Year-from] = kindCode(r.Kind)
			used[r.Kind] = true
			sources[r.Source] = true
			if submitted(r.Kind) {
				reported[r.Country] = true
			}
			if r.Year == p.Params.Latest {
				latestKind[r.Country] = r.Kind
			}
		}
		codes := make([]string, 0, len(byState))
		for c := range byState {
			codes = append(codes, c)
		}
		slices.SortFunc(codes, func(a, b string) int {
			return cmp.Or(cmp.Compare(keys[a], keys[b]), cmp.Compare(a, b))
		})
		counts := map[string]int{}
		for _, c := range codes {
			row := byState[c]
			var filters []string
			if p.Params.Latest != 0 {
				switch k := latestKind[c]; {
				case k == dataset.ReportNil:
					filters = append(filters, "rep", "nil")
				case submitted(k):
					filters = append(filters, "rep")
				default:
					filters = append(filters, "none")
				}
			}
			if !reported[c] {
				filters = append(filters, "never")
			}
			for _, f := range filters {
				counts[f]++
			}
			row.Filters = strings.Join(filters, " ")
			if slices.Contains(row.Cells, "") {
				p.Params.Blank = true
			}
			letter := initial(keys[c])
			if n := len(p.Params.Letters); n == 0 || p.Params.Letters[n-1].Letter != letter {
				row.Anchor = slug(letter)
				if letter == "#" {
					row.Anchor = "other"
				}
				p.Params.Letters = append(p.Params.Letters, letterLink{Letter: letter, Anchor: row.Anchor})
			}
			p.Params.Rows = append(p.Params.Rows, *row)
		}
		for _, k := range kindCodes {
			if used[k.kind] {
				p.Params.Kinds = append(p.Params.Kinds, kindParams{Code: k.code})
			}
		}
		for _, k := range sortedKeys(used) {
			if kindCode(k) == "other" {
				p.Params.Kinds = append(p.Params.Kinds, kindOf(k))
			}
		}
		// The choices of the filter; one that would show no state is left
		// out.
		p.Params.Filters = []filterParams{{Code: "all", Count: len(codes)}}
		choices := []filterParams{{Code: "never", Count: counts["never"]}}
		if p.Params.Latest != 0 {
			choices = append([]filterParams{{Code: "rep", Count: counts["rep"]}, {Code: "nil", Count: counts["nil"]},
				{Code: "none", Count: counts["none"]}}, choices...)
		}
		for _, c := range choices {
			if c.Count > 0 {
				p.Params.Filters = append(p.Params.Filters, c)
			}
		}
		srcs := make([]string, 0, len(sources))
		for s := range sources {
			srcs = append(srcs, s)
		}
		slices.SortFunc(srcs, g.names.compare)
		for _, s := range srcs {
			p.Params.Sources = append(p.Params.Sources, g.names.linkOf(s))
		}

		bars := chart.Bars{ID: "rate-" + slug(ins)}
		for _, r := range rates {
			bars.Bars = append(bars.Bars, chart.Bar{Year: r.Year, States: r.States, Reported: r.Reported, Nil: r.Nil})
		}
		p.Params.Chart = bars.Layout()
		out = append(out, p)
	}
	return out
}

// cbmOverview is the front matter of the tracker's overview page.
type cbmOverview struct {
	Lastmod string         `json:"lastmod,omitempty"`
	Params  cbmOverviewPar `json:"params"`
}

type cbmOverviewPar struct {
	Instruments   []instrumentLink `json:"instruments"`
	Participation []participation  `json:"participation"`
	Kinds         []kindParams     `json:"kinds"`
	DatasetPath   string           `json:"datasetpath"`
}

type instrumentLink struct {
	Instrument instrument `json:"instrument"`
	Path       string     `json:"path"`
	Span       span       `json:"span"`
}

func (g *generator) cbmOverview(x *cbmIndex) cbmOverview {
	p := cbmOverview{
		Lastmod: g.lastmod,
		Params: cbmOverviewPar{Participation: x.participations(g.urls), Kinds: allKinds(),
			DatasetPath: g.urls.link(datasetPath(g.fam.cbmDataset))},
	}
	for _, ins := range x.instruments {
		rates := x.rates[ins]
		p.Params.Instruments = append(p.Params.Instruments, instrumentLink{Instrument: instrumentOf(ins),
			Path: g.urls.link(trackerPath(ins)), Span: span{rates[0].Year, rates[len(rates)-1].Year}})
	}
	return p
}

// cbmCountryParams is one instrument's record on a country's page.
type cbmCountryParams struct {
	Instrument instrument      `json:"instrument"`
	Slug       string          `json:"slug"` // of the instrument, for the section's id
	Path       string          `json:"path"` // the instrument's tracker page
	Summary    cbmSummary      `json:"summary"`
	Totals     bool            `json:"totals,omitempty"`
	Dates      bool            `json:"dates,omitempty"` // some report has a submission date
	Rows       []cbmYearParams `json:"rows"`
	Sources    []link          `json:"sources"`
}

// cbmSummary is what the summary of a country's record counts: the years
// listed, those with a report, the nil reports, and the latest report.
type cbmSummary struct {
	Listed   count `json:"listed"`
	Reported int   `json:"reported"`
	Nils     int   `json:"nils"`
	Latest   int   `json:"latest,omitempty"`
	Span     span  `json:"span"`
}

type cbmYearParams struct {
	Year      int        `json:"year"`
	Kind      kindParams `json:"kind"`
	Submitted string     `json:"submitted,omitempty"` // YYYY-MM-DD
	Total     *cbmTotal  `json:"total,omitempty"`
	Link      string     `json:"link,omitempty"` // checked http(s)
}

// cbmTotal is a reported total: EUR 70,105.6 million.
type cbmTotal struct {
	Value      string `json:"value"` // exact, in whole units of the currency, for the data element
	Text       string `json:"text"`  // exact, with separators, in Multiplier
	Currency   string `json:"currency,omitempty"`
	Multiplier string `json:"multiplier,omitempty"` // "million", or "" for whole units
}

// totalOf shapes a total. The dataset holds every total in whole units of
// its currency, whatever multiplier the state reported in; from a million
// up it reads in millions, the decimal point moved on the published digits.
func totalOf(r *dataset.CBMReport, num format.Numbers) *cbmTotal {
	t := &cbmTotal{Value: format.Exact(r.Total), Text: num.Exact(r.Total), Currency: r.Currency}
	if r.Total >= 1e6 {
		t.Text, t.Multiplier = num.Exact(dataset.ShiftDecimal(r.Total, -6)), "million"
	}
	return t
}

// cbmCountry returns a country's record for each instrument, newest year
// first.
func (g *generator) cbmCountry(x *cbmIndex, code string) []cbmCountryParams {
	idx := x.byCountry[code]
	if len(idx) == 0 {
		return nil
	}
	var out []cbmCountryParams
	for _, ins := range x.instruments {
		var rows []int
		for _, i := range idx {
			if x.recs[i].Instrument == ins {
				rows = append(rows, i)
			}
		}
		if len(rows) == 0 {
			continue
		}
		slices.SortFunc(rows, func(a, b int) int { return cmp.Compare(x.recs[b].Year, x.recs[a].Year) })
		s := cbmCountryParams{Instrument: instrumentOf(ins), Slug: slug(ins), Path: g.urls.link(trackerPath(ins))}
		sources := map[string]bool{}
		for _, i := range rows {
			r := &x.recs[i]
			y := cbmYearParams{Year: r.Year, Kind: kindOf(r.Kind), Link: webURL(r.Link)}
			if t := parseDate(r.Submitted); !t.IsZero() {
				y.Submitted = r.Submitted
				s.Dates = true
			}
			if r.HasTotal {
				y.Total = totalOf(r, g.num)
				s.Totals = true
			}
			s.Rows = append(s.Rows, y)
			sources[r.Source] = true
			if submitted(r.Kind) {
				s.Summary.Reported++
				s.Summary.Latest = max(s.Summary.Latest, r.Year)
			}
			if r.Kind == dataset.ReportNil {
				s.Summary.Nils++
			}
		}
		s.Summary.Listed = g.count(len(rows))
		s.Summary.Span = span{x.recs[rows[len(rows)-1]].Year, x.recs[rows[0]].Year}
		for _, src := range sortedKeys(sources) {
			s.Sources = append(s.Sources, g.names.linkOf(src))
		}
		out = append(out, s)
	}
	return out
}
