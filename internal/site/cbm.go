package site

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/defence-transparency/publish/internal/dataset"
)

// The CBM tracker: which states report to the UN confidence-building
// instruments, year by year. One page per instrument holds a matrix of
// states by years, a chart of the reporting rate with a table of the same
// counts, and a filter made of radio buttons and CSS alone. A nil report is
// a submission: it is shown as such, never as no report, and counted as a
// report everywhere.

// instrumentInfo names an instrument and says what it asks of states.
type instrumentInfo struct {
	Name, Short, About string
	Totals             bool // reports carry a total (UN Milex)
}

var instrumentInfos = map[string]instrumentInfo{
	dataset.InstrumentMilex: {
		Name: "UN Report on Military Expenditures", Short: "UN Milex", Totals: true,
		About: "Every year the United Nations asks each member state to report what it spent on its armed forces in its " +
			"last financial year: on a standardized form (spending broken down by service and by kind of cost), on a " +
			"simplified form, as a single figure, or in a nil report.",
	},
	dataset.InstrumentUNROCA: {
		Name: "UN Register of Conventional Arms", Short: "UNROCA",
		About: "Every year the United Nations asks each member state to report the major conventional arms it exported " +
			"and imported in the previous year (battle tanks, armoured vehicles, artillery, combat aircraft and " +
			"helicopters, warships, missiles) and, if it wishes, its holdings, its national production and its " +
			"transfers of small arms. A state with no transfers to report can send a nil report.",
	},
}

// instrumentOf returns what the site says about an instrument; one it does
// not know is named by its code.
func instrumentOf(code string) instrumentInfo {
	if i, ok := instrumentInfos[code]; ok {
		return i
	}
	name := strings.ReplaceAll(code, "_", " ")
	return instrumentInfo{Name: name, Short: name}
}

// instrumentRank orders the instruments: UN Milex, UNROCA, then others.
func instrumentRank(code string) int {
	switch code {
	case dataset.InstrumentMilex:
		return 0
	case dataset.InstrumentUNROCA:
		return 1
	}
	return 2
}

// kindParams describes one report kind for the legend and the cells. Code
// names the cell's CSS class, which gives it its pattern; Abbr is the text
// in the cell, so that no kind is told by colour alone.
type kindParams struct {
	Kind  string `json:"kind"`
	Code  string `json:"code"`
	Abbr  string `json:"abbr"`
	Label string `json:"label"`
	Text  string `json:"text"`
}

// cbmKinds are the report kinds in the order the legend lists them.
var cbmKinds = []kindParams{
	{Kind: dataset.ReportFull, Code: "full", Abbr: "F", Label: "full return",
		Text: "the standardized form: spending broken down by armed service and by kind of cost."},
	{Kind: dataset.ReportSimplified, Code: "simp", Abbr: "S", Label: "simplified return",
		Text: "the simplified form, with fewer categories."},
	{Kind: dataset.ReportFullOrSimplified, Code: "ret", Abbr: "F/S", Label: "return, form not stated",
		Text: "a full or a simplified return; the source does not say which."},
	{Kind: dataset.ReportSingleFigure, Code: "one", Abbr: "1", Label: "single figure",
		Text: "one total for the year, without a breakdown."},
	{Kind: dataset.ReportSubmitted, Code: "sub", Abbr: "R", Label: "report",
		Text: "the state reported; the source does not give the form of the report."},
	{Kind: dataset.ReportNil, Code: "nil", Abbr: "Nil", Label: "nil report",
		Text: "a submission saying the state has nothing to report (for example, a state without armed forces, or one that imported and exported no arms that year). The state took part: a nil report counts as a report, never as no report."},
	{Kind: dataset.ReportNone, Code: "none", Abbr: "–", Label: "no report",
		Text: "nothing was submitted for the year."},
}

// kindOf returns the description of a report kind; a kind the site does not
// know keeps its name.
func kindOf(kind string) kindParams {
	for _, k := range cbmKinds {
		if k.Kind == kind {
			return k
		}
	}
	label := strings.ReplaceAll(kind, "_", " ")
	return kindParams{Kind: kind, Code: "other", Abbr: "?", Label: label, Text: "a kind of report this site does not describe."}
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
	Year     int    `json:"year"`
	States   int    `json:"states"`
	Reported int    `json:"reported"`
	Nil      int    `json:"nils"`
	Rate     string `json:"rate"` // "33%"
}

// percentText returns part of whole as a whole percentage.
func percentText(part, whole int) string {
	if whole == 0 {
		return ""
	}
	return strconv.Itoa(int(math.Round(100*float64(part)/float64(whole)))) + "%"
}

// participation is an instrument's reporting in its latest year with a
// report, for the home page and the tracker's overview.
type participation struct {
	Instrument string `json:"instrument"`
	Short      string `json:"short"`
	Path       string `json:"path"`
	rateRow
}

// trackerPage is the front matter of an instrument's page.
type trackerPage struct {
	Title       string        `json:"title"`
	Description string        `json:"description"`
	Lastmod     string        `json:"lastmod,omitempty"`
	Weight      int           `json:"weight"`
	Params      trackerParams `json:"params"`
}

type trackerParams struct {
	Instrument  string            `json:"instrument"` // its code
	Short       string            `json:"short"`
	About       string            `json:"about"`
	Latest      int               `json:"latest,omitempty"` // latest year with a report
	Years       []int             `json:"years"`
	Kinds       []kindParams      `json:"kinds"` // the legend: the kinds the matrix uses
	Abbr        map[string]string `json:"abbr"`  // a kind's Code -> its Abbr, for the cells
	Blank       bool              `json:"blank,omitempty"`
	Filters     []filterParams    `json:"filters,omitempty"`
	Letters     []letterLink      `json:"letters"`
	Rows        []trackerRow      `json:"rows"`
	Rates       []rateRow         `json:"rates"`
	Chart       template.HTML     `json:"chart"` // drawn by rateChart.svg, escaped there
	Sources     []link            `json:"sources"`
	DatasetPath string            `json:"datasetpath"`
}

// filterParams is one choice of the CSS-only filter; Class is the class of
// the rows it shows ("" for all). The stylesheet knows each ID.
type filterParams struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

type letterLink struct {
	Letter string `json:"letter"`
	ID     string `json:"id"`
}

// trackerRow is one state of the matrix. Keys are short: an instrument's
// page holds a few thousand cells.
type trackerRow struct {
	Name  string   `json:"n"`
	Path  string   `json:"p,omitempty"`
	ID    string   `json:"id,omitempty"` // set on the first state of a letter
	Class string   `json:"c"`            // filter classes: rep, nil, none, never
	Cells []string `json:"k"`            // a kind's Code per year, "" where the source lists nothing
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
		out[k].Rate = percentText(out[k].Reported, out[k].States)
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
		info := instrumentOf(ins)
		p := participation{Instrument: info.Name, Short: info.Short, Path: urls.link(trackerPath(ins))}
		if r := latestReported(x.rates[ins]); r != nil {
			p.rateRow = *r
		}
		out = append(out, p)
	}
	return out
}

// trackerPages builds the page of every instrument.
func (x *cbmIndex) trackerPages(names *sourceNames, urls siteURLs, pages map[string]string, datasetName, lastmod string) ([]trackerPage, error) {
	var out []trackerPage
	for w, ins := range x.instruments {
		info := instrumentOf(ins)
		idx := x.byInstrument[ins]
		rates := x.rates[ins]
		from := rates[0].Year
		p := trackerPage{
			Title: info.Name + ": who reports",
			Description: fmt.Sprintf("Which states reported to the %s, year by year from %s, and in what form: a full or simplified return, a single figure, a nil report, or no report.",
				info.Name, yearSpan(from, rates[len(rates)-1].Year)),
			Lastmod: lastmod,
			Weight:  w + 1,
			Params: trackerParams{
				Instrument: ins, Short: info.Short, About: info.About, Rates: rates,
				DatasetPath: urls.link(datasetPath(datasetName)),
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
				if _, ok := pages[r.Country]; ok {
					row.Path = urls.link(countryPath(r.Country))
				}
				byState[r.Country] = row
				keys[r.Country] = sortKey(name)
			}
			k := kindOf(r.Kind)
			row.Cells[r.Year-from] = k.Code
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
			var class []string
			if p.Params.Latest != 0 {
				switch k := latestKind[c]; {
				case k == dataset.ReportNil:
					class = append(class, "rep", "nil")
				case submitted(k):
					class = append(class, "rep")
				default:
					class = append(class, "none")
				}
			}
			if !reported[c] {
				class = append(class, "never")
			}
			for _, cl := range class {
				counts[cl]++
			}
			row.Class = strings.Join(class, " ")
			if slices.Contains(row.Cells, "") {
				p.Params.Blank = true
			}
			letter := initial(keys[c])
			if n := len(p.Params.Letters); n == 0 || p.Params.Letters[n-1].Letter != letter {
				row.ID = "states-" + slug(letter)
				if letter == "#" {
					row.ID = "states-other"
				}
				p.Params.Letters = append(p.Params.Letters, letterLink{Letter: letter, ID: row.ID})
			}
			p.Params.Rows = append(p.Params.Rows, *row)
		}
		for _, k := range cbmKinds {
			if used[k.Kind] {
				p.Params.Kinds = append(p.Params.Kinds, k)
			}
		}
		for _, k := range sortedKeys(used) {
			if kindOf(k).Code == "other" {
				p.Params.Kinds = append(p.Params.Kinds, kindOf(k))
			}
		}
		p.Params.Abbr = map[string]string{}
		for _, k := range p.Params.Kinds {
			p.Params.Abbr[k.Code] = k.Abbr
		}
		// The choices of the filter; one that would show no state is left
		// out.
		p.Params.Filters = []filterParams{{ID: "show-all", Label: "All states", Count: len(codes)}}
		choices := []filterParams{{ID: "show-never", Label: "Never reported", Count: counts["never"]}}
		if y := p.Params.Latest; y != 0 {
			choices = append([]filterParams{
				{ID: "show-rep", Label: fmt.Sprintf("Reported for %d", y), Count: counts["rep"]},
				{ID: "show-nil", Label: fmt.Sprintf("Nil report for %d", y), Count: counts["nil"]},
				{ID: "show-none", Label: fmt.Sprintf("No report for %d", y), Count: counts["none"]},
			}, choices...)
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
		slices.SortFunc(srcs, names.compare)
		for _, s := range srcs {
			p.Params.Sources = append(p.Params.Sources, names.linkOf(s))
		}

		ch := rateChart{ID: "rate-" + slug(ins), Instrument: info.Name, Bars: rates}
		svg, err := ch.svg()
		if err != nil {
			return nil, err
		}
		p.Params.Chart = svg
		out = append(out, p)
	}
	return out, nil
}

// cbmOverview is the front matter of the tracker's overview page.
type cbmOverview struct {
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Lastmod     string         `json:"lastmod,omitempty"`
	Params      cbmOverviewPar `json:"params"`
}

type cbmOverviewPar struct {
	Instruments   []instrumentLink `json:"instruments"`
	Participation []participation  `json:"participation"`
	Kinds         []kindParams     `json:"kinds"`
	DatasetPath   string           `json:"datasetpath"`
}

type instrumentLink struct {
	Name  string `json:"name"`
	Short string `json:"short"`
	About string `json:"about"`
	Path  string `json:"path"`
	Span  string `json:"span"`
}

func (x *cbmIndex) overview(urls siteURLs, datasetName, lastmod string) cbmOverview {
	p := cbmOverview{
		Title: "Reporting to the UN",
		Description: "Which states report to the UN confidence-building instruments, the UN Report on Military Expenditures " +
			"and the UN Register of Conventional Arms, year by year: the CBM tracker.",
		Lastmod: lastmod,
		Params: cbmOverviewPar{Participation: x.participations(urls), Kinds: cbmKinds,
			DatasetPath: urls.link(datasetPath(datasetName))},
	}
	for _, ins := range x.instruments {
		info := instrumentOf(ins)
		rates := x.rates[ins]
		p.Params.Instruments = append(p.Params.Instruments, instrumentLink{Name: info.Name, Short: info.Short, About: info.About,
			Path: urls.link(trackerPath(ins)), Span: yearSpan(rates[0].Year, rates[len(rates)-1].Year)})
	}
	return p
}

// cbmCountryParams is one instrument's record on a country's page.
type cbmCountryParams struct {
	ID      string          `json:"id"`
	Name    string          `json:"name"`
	Path    string          `json:"path"` // the instrument's tracker page
	Summary string          `json:"summary"`
	Totals  bool            `json:"totals,omitempty"`
	Dates   bool            `json:"dates,omitempty"` // some report has a submission date
	Rows    []cbmYearParams `json:"rows"`
	Sources []link          `json:"sources"`
}

type cbmYearParams struct {
	Year         int    `json:"year"`
	Code         string `json:"code"`
	Abbr         string `json:"abbr"`
	Label        string `json:"label"`
	Submitted    string `json:"submitted,omitempty"`
	SubmittedISO string `json:"submittediso,omitempty"`
	Total        string `json:"total,omitempty"`
	TotalValue   string `json:"totalvalue,omitempty"`
	Link         string `json:"link,omitempty"` // checked http(s)
}

// countrySections returns a country's record for each instrument, newest
// year first.
func (x *cbmIndex) countrySections(code string, names *sourceNames, urls siteURLs) []cbmCountryParams {
	idx := x.byCountry[code]
	if len(idx) == 0 {
		return nil
	}
	var out []cbmCountryParams
	for _, ins := range x.instruments {
		info := instrumentOf(ins)
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
		s := cbmCountryParams{ID: "cbm-" + slug(ins), Name: info.Name, Path: urls.link(trackerPath(ins))}
		sources := map[string]bool{}
		n, nils, latest := 0, 0, 0
		for _, i := range rows {
			r := &x.recs[i]
			k := kindOf(r.Kind)
			y := cbmYearParams{Year: r.Year, Code: k.Code, Abbr: k.Abbr, Label: k.Label, Link: webURL(r.Link)}
			if t := parseDate(r.Submitted); !t.IsZero() {
				y.Submitted, y.SubmittedISO = day(t), r.Submitted
				s.Dates = true
			}
			if r.HasTotal {
				y.Total, y.TotalValue = cbmTotal(r), exact(r.Total)
				s.Totals = true
			}
			s.Rows = append(s.Rows, y)
			sources[r.Source] = true
			if submitted(r.Kind) {
				n++
				latest = max(latest, r.Year)
			}
			if r.Kind == dataset.ReportNil {
				nils++
			}
		}
		span := yearSpan(x.recs[rows[len(rows)-1]].Year, x.recs[rows[0]].Year)
		years := plural(len(rows), "year", "years")
		switch {
		case len(rows) == 1 && n == 1:
			s.Summary = fmt.Sprintf("Reported for %d, the one year listed.", latest)
		case len(rows) == 1:
			s.Summary = fmt.Sprintf("No report for %s, the one year listed.", span)
		case n == 0:
			s.Summary = fmt.Sprintf("No report in the %s listed (%s).", years, span)
		case n == len(rows):
			s.Summary = fmt.Sprintf("Reported in every one of the %s listed (%s).", years, span)
		default:
			s.Summary = fmt.Sprintf("Reported in %d of the %s listed (%s), most recently for %d.", n, years, span, latest)
		}
		switch {
		case nils == 1:
			s.Summary += " One of the reports is a nil report."
		case nils > 1 && nils == n:
			s.Summary += " All of them are nil reports."
		case nils > 1:
			s.Summary += fmt.Sprintf(" %d of them are nil reports.", nils)
		}
		for _, src := range sortedKeys(sources) {
			s.Sources = append(s.Sources, names.linkOf(src))
		}
		out = append(out, s)
	}
	return out
}

// cbmTotal writes a reported total in words: "EUR 70,105.6 million". The
// dataset holds every total in whole units of its currency, whatever
// multiplier the state reported in; from a million up it reads in millions,
// the decimal point moved on the published digits.
func cbmTotal(r *dataset.CBMReport) string {
	s := groupDigits(exact(r.Total))
	if r.Total >= 1e6 {
		s = groupDigits(exact(dataset.ShiftDecimal(r.Total, -6))) + " million"
	}
	if r.Currency != "" {
		s = r.Currency + " " + s
	}
	if r.Currency == "" {
		s += " (currency not stated)"
	}
	return s
}
