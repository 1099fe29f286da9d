package site

import (
	"cmp"
	"math"
	"regexp"
	"slices"
	"strconv"

	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
)

// Does what a state reports to the UN hold up? For each state and year
// with a total in its report to the UN Report on Military Expenditures
// (cbm-reports), the total is set beside SIPRI's figure in local currency
// for the same financial year and beside the World Bank's, with the gap in
// percent. Only like is compared with like: the same currency (by ISO 4217
// code, so that a change of currency or a redenomination is never a gap)
// and the same period. What is not comparable says why, in a code the
// templates word (the why* constants).
//
// The UN's year is the fiscal year the state reported ("in the fiscal year
// 2023"); SIPRI's local_currency_fy year is the financial year starting in
// that year. The two are taken to name the same financial year: Canada's
// report for 2023 (C$37,785.0 million) and SIPRI's 2023 for its Apr-Mar
// year (C$37,774 million) show that they do. The page says so.

// Why a figure is not compared with the report.
const (
	whyMissing         = "missing"          // the source has no figure for the year
	whyCurrency        = "currency"         // in another currency than the report
	whyCurrencyUnknown = "currency_unknown" // the report's or the source's currency is not identified
	whyFiscalYear      = "fiscal_year"      // the financial years differ or are not known to match
	whyNoCurrency      = "no_currency"      // the source gives no figure in a currency for the year
	whyNoTotal         = "no_total"         // the report gives no total to compare
)

// simpleFY is a financial year SIPRI names as one span of months.
var simpleFY = regexp.MustCompile(`^[A-Z][a-z]{2}-[A-Z][a-z]{2}$`)

// reportedRow is one year of a state's reports to UN Milex.
type reportedRow struct {
	Year int    `json:"y"`
	Kind string `json:"kind"` // the report's kind (dataset.Report*)
	// Value is the reported total in whole units (exact), Text the same
	// in millions for reading; Currency the ISO 4217 code the report
	// names ("" when the page names none), Unit the multiplier the state
	// reported in.
	Value    string       `json:"v,omitempty"`
	Text     string       `json:"t,omitempty"`
	Currency string       `json:"cur,omitempty"`
	Unit     string       `json:"unit,omitempty"`
	Link     string       `json:"link,omitempty"`
	SIPRI    reportedCell `json:"sipri"`
	WB       reportedCell `json:"wb"`
	// gap is the gap the ranking uses: SIPRI's, else the World Bank's.
	gap    float64
	hasGap bool
}

// reportedCell is a source's figure beside a report.
type reportedCell struct {
	Value    string `json:"v,omitempty"`   // in whole units of Currency, exact
	Text     string `json:"t,omitempty"`   // in millions, for reading
	Currency string `json:"cur,omitempty"` // as the source names it
	Code     string `json:"code,omitempty"`
	FY       string `json:"fy,omitempty"` // the source's financial year, "" for the calendar year
	// Gap is (reported − figure) / figure in percent, one decimal, when the
	// two compare; GapExact more digits, for the page's data.
	Gap       string `json:"gap,omitempty"`
	GapExact  string `json:"gapx,omitempty"`
	Why       string `json:"why,omitempty"` // not comparable: a why* code
	Estimate  bool   `json:"e,omitempty"`
	Uncertain bool   `json:"u,omitempty"`
}

// reportedIndex holds the figures that reports are compared with, by
// country and year.
type reportedIndex struct {
	sipri map[string]map[int]*dataset.Expenditure // local_currency_fy
	wb    map[string]map[int][]*dataset.Expenditure
}

func newReportedIndex(recs []dataset.Expenditure) *reportedIndex {
	x := &reportedIndex{sipri: map[string]map[int]*dataset.Expenditure{}, wb: map[string]map[int][]*dataset.Expenditure{}}
	for i := range recs {
		r := &recs[i]
		if r.Aggregate {
			continue
		}
		switch {
		case r.Source == dataset.SourceSIPRI && r.Measure == dataset.MeasureLocalFY:
			if x.sipri[r.Country] == nil {
				x.sipri[r.Country] = map[int]*dataset.Expenditure{}
			}
			x.sipri[r.Country][r.Year] = r
		case r.Source == dataset.SourceWorldBank:
			if x.wb[r.Country] == nil {
				x.wb[r.Country] = map[int][]*dataset.Expenditure{}
			}
			x.wb[r.Country][r.Year] = append(x.wb[r.Country][r.Year], r)
		}
	}
	return x
}

// reportedRows returns, by country, the years of its UN Milex reports that
// hold a total, newest first, each beside the figures of x.
func (g *generator) reportedRows(cbm []dataset.CBMReport, x *reportedIndex) map[string][]reportedRow {
	out := map[string][]reportedRow{}
	for i := range cbm {
		r := &cbm[i]
		if r.Instrument != dataset.InstrumentMilex || !r.HasTotal {
			continue
		}
		if c, ok := country.Lookup(r.Country); ok && !c.IsState() {
			continue
		}
		row := reportedRow{Year: r.Year, Kind: r.Kind, Currency: r.Currency, Unit: r.UnitOfMeasure,
			Value: exact(r.Total), Text: g.num.Exact(dataset.ShiftDecimal(r.Total, -6)), Link: webURL(r.Link)}
		row.SIPRI = g.compareSIPRI(r, x.sipri[r.Country][r.Year])
		row.WB = g.compareWB(r, x.sipri[r.Country][r.Year], x.wb[r.Country][r.Year])
		for _, c := range []*reportedCell{&row.SIPRI, &row.WB} {
			if c.GapExact != "" {
				row.gap, _ = strconv.ParseFloat(c.GapExact, 64)
				row.hasGap = true
				break
			}
		}
		out[r.Country] = append(out[r.Country], row)
	}
	for _, rows := range out {
		slices.SortFunc(rows, func(a, b reportedRow) int { return cmp.Compare(b.Year, a.Year) })
	}
	return out
}

// compareSIPRI sets SIPRI's figure for the financial year beside report r.
func (g *generator) compareSIPRI(r *dataset.CBMReport, e *dataset.Expenditure) reportedCell {
	if e == nil || !e.HasValue || e.Unit != dataset.UnitLocal {
		return reportedCell{Why: whyMissing}
	}
	c := g.figure(e, e.Value)
	switch {
	case r.Currency == "" || c.Code == "":
		c.Why = whyCurrencyUnknown
	case r.Currency != c.Code:
		c.Why = whyCurrency
	case c.FY != "" && !simpleFY.MatchString(c.FY):
		// SIPRI's financial year changed over the years ("Till: 2000
		// Apr-Mar ..."), or it refers to a footnote.
		c.Why = whyFiscalYear
	default:
		g.gap(&c, r.Total, e.Value)
	}
	return c
}

// compareWB sets the World Bank's figure beside report r. The World Bank
// publishes military expenditure in current US$ for calendar years (and as
// shares, which compare with no total): it compares with a report in US
// dollars of a state whose financial year is the calendar year, by SIPRI's
// figures (fy, which may be nil: then the year is not known to match).
func (g *generator) compareWB(r *dataset.CBMReport, fy *dataset.Expenditure, recs []*dataset.Expenditure) reportedCell {
	var usd *dataset.Expenditure
	for _, e := range recs {
		if e.Measure == dataset.MeasureCurrentUSD && e.HasValue && e.Unit == dataset.UnitMillionUSD {
			usd = e
		}
	}
	if usd == nil {
		if len(recs) > 0 {
			return reportedCell{Why: whyNoCurrency}
		}
		return reportedCell{Why: whyMissing}
	}
	v := dataset.ShiftDecimal(usd.Value, 6) // US$ m to US$
	c := g.figure(usd, v)
	c.Currency, c.Code = "US$", "USD"
	switch {
	case r.Currency == "":
		c.Why = whyCurrencyUnknown
	case r.Currency != "USD":
		c.Why = whyCurrency
	case fy == nil || fy.FiscalYear != "" && fy.FiscalYear != "Jan-Dec":
		c.Why = whyFiscalYear
	default:
		g.gap(&c, r.Total, v)
	}
	return c
}

// figure returns a source's figure v (whole units) for a cell.
func (g *generator) figure(e *dataset.Expenditure, v float64) reportedCell {
	c := reportedCell{Value: exact(v), Text: g.num.Exact(dataset.ShiftDecimal(v, -6)),
		Currency: e.Currency, FY: e.FiscalYear, Estimate: e.Estimate, Uncertain: e.Uncertain}
	if code, ok := country.CurrencyCode(e.Country, e.Currency); ok {
		c.Code = code
	}
	return c
}

// gap sets the gap of reported against figure, in percent of figure.
func (g *generator) gap(c *reportedCell, reported, figure float64) {
	if figure == 0 {
		c.Why = whyMissing
		return
	}
	p := (reported - figure) / figure * 100
	if math.IsNaN(p) || math.IsInf(p, 0) {
		c.Why = whyMissing
		return
	}
	c.Gap = g.num.Fixed(p, 1)
	c.GapExact = strconv.FormatFloat(p, 'f', 4, 64)
}

// reportedCountry is the section of a country's page on its reports.
type reportedCountry struct {
	Rows []reportedRow `json:"rows"`
	// Gaps counts the years that compare with a figure.
	Gaps count `json:"gaps"`
}

// reportedSection returns a country's section, or nil when it reported no
// total.
func (g *generator) reportedSection(rows []reportedRow) *reportedCountry {
	if len(rows) == 0 {
		return nil
	}
	n := 0
	for _, r := range rows {
		if r.hasGap {
			n++
		}
	}
	return &reportedCountry{Rows: rows, Gaps: g.count(n)}
}

// reportedPage is the front matter of the ranking of the largest gaps.
type reportedPage struct {
	Type    string         `json:"type"`
	Lastmod string         `json:"lastmod,omitempty"`
	Params  reportedParams `json:"params"`
}

type reportedParams struct {
	// Rows is each state's latest year with a gap, the largest gap (either
	// way) first.
	Rows []reportedRank `json:"rows"`
	// States counts the states with a total reported; Years the years of
	// theirs that compare, Uncompared those that do not.
	States     count `json:"states"`
	Years      count `json:"years"`
	Uncompared count `json:"uncompared"`
	// SIPRI says whether SIPRI's figures are published, and so ranked;
	// without a permission its terms allow excerpts only, which each
	// country's own page shows.
	SIPRI      bool `json:"sipri"`
	SIPRILabel link `json:"sipriLabel"`
}

type reportedRank struct {
	ISO3 string      `json:"iso3"`
	Name string      `json:"name"`
	Path string      `json:"path"`
	Row  reportedRow `json:"row"`
}

// reportedRanking makes the ranking from the published rows alone (recs
// and cbm, no excerpts); names are the countries that have a page.
func (g *generator) reportedRanking(cbm []dataset.CBMReport, recs []dataset.Expenditure, names map[string]string) reportedPage {
	byCountry := g.reportedRows(cbm, newReportedIndex(recs))
	p := reportedPage{Type: "reported", Lastmod: g.lastmod}
	years, un := 0, 0
	for code, rows := range byCountry {
		best := -1
		for k, r := range rows {
			if r.hasGap {
				years++
				if best < 0 {
					best = k
				}
			} else {
				un++
			}
		}
		if best < 0 {
			continue
		}
		rk := reportedRank{ISO3: code, Name: names[code], Row: rows[best]}
		if rk.Name == "" {
			rk.Name = countryName(code, "")
		}
		if _, ok := names[code]; ok {
			rk.Path = g.urls.link(countryPath(code))
		}
		p.Params.Rows = append(p.Params.Rows, rk)
	}
	slices.SortFunc(p.Params.Rows, func(a, b reportedRank) int {
		if c := cmp.Compare(math.Abs(b.Row.gap), math.Abs(a.Row.gap)); c != 0 {
			return c
		}
		return cmp.Compare(a.ISO3, b.ISO3)
	})
	for i := range recs {
		if recs[i].Source == dataset.SourceSIPRI {
			p.Params.SIPRI = true
			break
		}
	}
	p.Params.States, p.Params.Years, p.Params.Uncompared = g.count(len(byCountry)), g.count(years), g.count(un)
	p.Params.SIPRILabel = g.names.linkOf(dataset.SourceSIPRI)
	return p
}
