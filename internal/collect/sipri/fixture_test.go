package sipri

import (
	"bytes"
	"cmp"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/dataset"
)

var update = flag.Bool("update", false, "rewrite the sample workbook of the bundled mirror")

// The SIPRI files of the bundled offline mirror, laid out by URL.
const (
	mirrorDir   = "../../mirror/files/www.sipri.org"
	landingFile = mirrorDir + "/databases/milex"
	sampleFile  = mirrorDir + "/sites/default/files/SIPRI-Milex-data-1949-2024.xlsx"
	landingURL  = "https://www.sipri.org/databases/milex"
	sampleURL   = "https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2024.xlsx"
)

// The sample workbook: the layout of SIPRI's release (every sheet, title
// rows, regions, notes, colours and missing-value marks) with invented
// figures for eleven states, 2005-2024. A few figures are SIPRI's own, so
// that the sample has the real orders of magnitude; the pipeline labels it
// all sample data.

// sampleCountry describes one state of the sample and how its figures are
// made up.
type sampleCountry struct {
	name, code, registryName string
	region, subregion        string
	currency, fiscal, notes  string // as the cells hold them, spaces included
	from, to                 int    // the years the state existed; 0 for open
	usd                      float64
	growth                   float64         // a year, for the invented series
	current                  map[int]float64 // current US$ m that replace the series
	rate                     float64         // local currency per US$
	gdp, govt                float64         // shares of GDP and of government spending
	pop                      float64         // millions
	estimate, uncertain      []int           // years in blue, in red
	unavailable              []int           // years marked "..." in every sheet
	govtUnavailable          []int           // years marked "..." in Share of Govt. spending
}

var sampleCountries = []sampleCountry{
	{name: "Algeria", code: "DZA", registryName: "Algeria", region: "Africa", subregion: "North Africa",
		currency: "Dinar", notes: "§", usd: 21600, growth: 0.06, rate: 134, gdp: 0.081, govt: 0.19, pop: 46,
		current: map[int]float64{2023: 18263.9679682621}, estimate: []int{2024}},
	{name: "Nigeria", code: "NGA", registryName: "Nigeria", region: "Africa", subregion: "sub-Saharan Africa",
		currency: "Naira     ", usd: 3200, growth: 0.03, rate: 800, gdp: 0.0055, govt: 0.045, pop: 220,
		govtUnavailable: []int{2010, 2011}},
	{name: "South Sudan", code: "SSD", registryName: "South Sudan", region: "Africa", subregion: "sub-Saharan Africa",
		currency: "Pounds    ", fiscal: "Jul-Jun", notes: "‡§¶16", from: 2011, usd: 1100, growth: 0.12, rate: 1100,
		gdp: 0.06, govt: 0.086, pop: 11.1, unavailable: []int{2011, 2015},
		uncertain: []int{2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024}},
	{name: "Canada", code: "CAN", registryName: "Canada", region: "Americas", subregion: "North America",
		currency: "Dollars", fiscal: "Apr-Mar", usd: 29300, growth: 0.045, rate: 1.37, gdp: 0.013, govt: 0.031, pop: 41},
	{name: "United States of America", code: "USA", registryName: "United States", region: "Americas", subregion: "North America",
		currency: "US dollars", usd: 997000, growth: 0.035, rate: 1, gdp: 0.034, govt: 0.09, pop: 336},
	{name: "Kazakhstan", code: "KAZ", registryName: "Kazakhstan", region: "Asia & Oceania", subregion: "Central Asia",
		currency: "Tenge     ", notes: "†", usd: 1300, growth: 0.02, rate: 470, gdp: 0.0049, govt: 0.021, pop: 20,
		estimate: []int{2005, 2006}},
	{name: "India", code: "IND", registryName: "India", region: "Asia & Oceania", subregion: "South Asia",
		currency: "Rupees", fiscal: "Apr-Mar", usd: 86100, growth: 0.06, rate: 83, gdp: 0.023, govt: 0.081, pop: 1440},
	{name: "Kosovo", code: "XKX", registryName: "Kosovo", region: "Europe", subregion: "Central Europe",
		currency: "Euro", from: 2008, usd: 140, growth: 0.09, rate: 0.92, gdp: 0.0125, govt: 0.04, pop: 1.6,
		current: map[int]float64{2023: 133.185465922792}, estimate: []int{2008, 2009}},
	{name: "Ukraine", code: "UKR", registryName: "Ukraine", region: "Europe", subregion: "Eastern Europe",
		currency: "Hryvnias  ", notes: "§‖1", usd: 7500, growth: 0.04, rate: 37, gdp: 0.035, govt: 0.085, pop: 37,
		current:  map[int]float64{2022: 41183.9274728119, 2023: 64753.1916041454, 2024: 64700},
		estimate: []int{2024}},
	{name: "USSR", code: "SUN", registryName: "Soviet Union", region: "Europe", subregion: "Eastern Europe",
		currency: "Roubles", to: 1991},
	{name: "Germany", code: "DEU", registryName: "Germany", region: "Europe", subregion: "Western Europe",
		currency: "Euro", notes: "44", usd: 88500, growth: 0.05, rate: 0.92, gdp: 0.019, govt: 0.038, pop: 84},
}

// sampleLiterals replace single figures: SIPRI's Ukraine 2023 in local
// currency and as a share of GDP. excelize writes numbers with 15
// significant digits, as Excel does, so SIPRI's 17-digit figures are given
// rounded to 15 here and in sampleCountries.
var sampleLiterals = map[string]map[int]float64{
	"UKR " + dataset.MeasureLocalCY:    {2023: 2382451228053},
	"UKR " + dataset.MeasureLocalFY:    {2023: 2382451228053},
	"UKR " + dataset.MeasureShareOfGDP: {2023: 0.366531099379099},
}

// sampleSheet describes one data sheet of the sample.
type sampleSheet struct {
	name    string
	measure string
	unit    string
	titles  []string
	cols    []string // header columns between Country and the years
	first   int      // first year; the last is 2024
	numFmt  int
	value   func(c *sampleCountry, year int) float64
}

const sampleLast = 2024

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

func (c *sampleCountry) currentUSD(y int) float64 {
	if v, ok := c.current[y]; ok {
		return v
	}
	return round(c.usd*math.Pow(1+c.growth, float64(y-sampleLast))*(1+0.03*math.Sin(float64(y))), 3)
}

func (c *sampleCountry) shareOfGDP(y int) float64 {
	gdp := c.usd / c.gdp * math.Pow(1+c.growth, float64(y-sampleLast))
	return round(c.currentUSD(y)/gdp, 6)
}

func (c *sampleCountry) local(y int) float64 { return round(c.currentUSD(y)*c.rate*1e6, 0) }

const legend = "Figures in blue are SIPRI estimates. Figures in red indicate highly uncertain data."
const marks = `". ." = data unavailable. "xxx" = country did not exist or was not independent during all or part of the year in question.`

var sampleSheets = []sampleSheet{
	{name: "Local currency financial years", measure: dataset.MeasureLocalFY, unit: UnitLocal, first: 2005, numFmt: 3,
		titles: []string{
			"Military expenditure by country, in local currency, 2005-2024 (sample data)",
			"Figures are in local currency at current prices and are for financial years. Countries are grouped by region and subregion.",
			"Financial years are treated as starting in the year given: for an Apr-Mar financial year, FY2020 means April 2020-March 2021.",
			legend, marks},
		cols: []string{"Currency", "Fiscal Year (Jan-Dec if not stated)", "Notes"},
		value: func(c *sampleCountry, y int) float64 {
			if c.fiscal != "" {
				return round(c.local(y)*0.985, 0)
			}
			return c.local(y)
		}},
	{name: "Local currency calendar years", measure: dataset.MeasureLocalCY, unit: UnitLocal, first: 2005, numFmt: 3,
		titles: []string{
			"Military expenditure by country, in local currency, 2005-2024 (sample data)",
			"Figures are in local currency at current prices and are for calendar years. Countries are grouped by region and subregion.",
			legend, marks},
		cols:  []string{"Currency", "Notes"},
		value: (*sampleCountry).local},
	{name: "Constant (2023) US$", measure: "constant_usd_2023", unit: UnitMillionUSD, first: 2005, numFmt: 4,
		titles: []string{
			"Military expenditure by country, in constant (2023) US$ m., 2005-2024 (sample data)",
			"Figures are in US$ m., at constant 2023 prices and exchange rates.",
			legend, marks},
		cols: []string{"", "Notes"},
		value: func(c *sampleCountry, y int) float64 {
			return round(c.currentUSD(y)*math.Pow(1.025, float64(2023-y)), 3)
		}},
	{name: "Current US$", measure: dataset.MeasureCurrentUSD, unit: UnitMillionUSD, first: 2005, numFmt: 4,
		titles: []string{
			"Military expenditure by country, in millions of US$ at current prices and exchange rates, 2005-2024 (sample data)",
			"Figures are in US$ m., in current prices, converted at the exchange rate for the given year.",
			legend, marks},
		cols:  []string{"Notes"},
		value: (*sampleCountry).currentUSD},
	{name: "Share of GDP", measure: dataset.MeasureShareOfGDP, unit: UnitFraction, first: 2005, numFmt: 10,
		titles: []string{
			"Military expenditure by country as percentage of gross domestic product, 2005-2024 (sample data)",
			"Countries are grouped by region and subregion",
			legend, marks},
		cols:  []string{"Notes"},
		value: (*sampleCountry).shareOfGDP},
	{name: "Per capita", measure: dataset.MeasurePerCapita, unit: UnitUSD, first: 2010, numFmt: 4,
		titles: []string{
			"Military expenditure per capita by country, 2010-2024 (sample data)",
			"Figures are in current US$",
			"Countries are grouped by region and subregion",
			legend, marks},
		cols: []string{"Notes"},
		value: func(c *sampleCountry, y int) float64 {
			return round(c.currentUSD(y)/c.pop, 2)
		}},
	{name: "Share of Govt. spending", measure: dataset.MeasureShareOfGovt, unit: UnitFraction, first: 2010, numFmt: 10,
		titles: []string{
			"Military expenditure by country as percentage of government spending, 2010-2024 (sample data)",
			"Countries are grouped by region and subregion",
			"Figures are military expenditure as a share of general government expenditure, for calendar years except where stated.",
			legend, marks},
		cols: []string{"Notes", "Reporting year"},
		value: func(c *sampleCountry, y int) float64 {
			return round(c.shareOfGDP(y)*c.govt/c.gdp, 6)
		}},
}

// cell says what the sample has for country c in year y of sheet s: a
// value, or a missing-value mark, and its font.
func (s *sampleSheet) cell(c *sampleCountry, y int) (v float64, mark string, font string) {
	switch {
	case c.from != 0 && y < c.from, c.to != 0 && y > c.to:
		return 0, "xxx", ""
	case slices.Contains(c.uncertain, y):
		font = "red"
	case slices.Contains(c.estimate, y):
		font = "blue"
	}
	if slices.Contains(c.unavailable, y) || (s.measure == dataset.MeasureShareOfGovt && slices.Contains(c.govtUnavailable, y)) {
		return 0, "...", font
	}
	if lit, ok := sampleLiterals[c.code+" "+s.measure][y]; ok {
		return lit, "", font
	}
	return s.value(c, y), "", font
}

// sampleWorkbook returns the sheets of the sample workbook, in SIPRI's order.
func sampleWorkbook() []xsheet {
	text := xstyle{font: "text"}
	sheets := []xsheet{{name: "Front page"}, regionalTotals()}
	for i := range sampleSheets {
		s := &sampleSheets[i]
		var rows [][]xcell
		for j, title := range s.titles {
			st := text
			switch {
			case j == 0:
				st = xstyle{font: "title"}
			case title == legend:
				st = xstyle{font: "red"}
			}
			rows = append(rows, []xcell{{v: title, style: st}})
		}
		rows = append(rows, []xcell{{v: "", style: text}})
		// As in SIPRI's files: the header and regions in the title font,
		// subregions in bold.
		head := xstyle{font: "title"}
		header := []xcell{{v: "Country", style: head}}
		for _, c := range s.cols {
			header = append(header, xcell{v: c, style: head})
		}
		for y := s.first; y <= sampleLast; y++ {
			header = append(header, xcell{v: y, style: head})
		}
		rows = append(rows, header, nil)
		region, subregion := "", ""
		for k := range sampleCountries {
			c := &sampleCountries[k]
			if c.region != region {
				region, subregion = c.region, ""
				rows = append(rows, []xcell{{v: region, style: head}})
			}
			if c.subregion != subregion {
				subregion = c.subregion
				rows = append(rows, []xcell{{v: subregion, style: xstyle{font: "bold"}}})
			}
			rows = append(rows, s.countryRow(c))
			if c.name == "Germany" {
				rows = append(rows, s.europeanUnion())
			}
		}
		sheets = append(sheets, xsheet{name: s.name, rows: rows})
	}
	return append(sheets, footnotes())
}

// countryRow returns the row of c in sheet s.
func (s *sampleSheet) countryRow(c *sampleCountry) []xcell {
	row := []xcell{{v: c.name}}
	for _, col := range s.cols {
		switch col {
		case "Currency":
			row = append(row, xcell{v: c.currency})
		case "Notes":
			row = append(row, xcell{v: c.notes})
		case "Reporting year", "":
			row = append(row, xcell{})
		default: // Fiscal Year
			row = append(row, xcell{v: c.fiscal})
		}
	}
	for y := s.first; y <= sampleLast; y++ {
		v, mark, font := s.cell(c, y)
		st := xstyle{font: font}
		if mark != "" {
			row = append(row, xcell{v: mark, style: st})
			continue
		}
		if font == "" {
			st.font = "text"
		}
		st.numFmt = s.numFmt
		row = append(row, xcell{v: v, style: st})
	}
	return row
}

// sampleEU is the European Union's row: the EU's own budget, an aggregate,
// from 2021, in the sample.
var sampleEU = sampleCountry{name: "European Union", code: "XEU", registryName: "European Union (EU budget)",
	currency: "Euro", notes: "†¶", from: 2021, usd: 1400, growth: 0.1, rate: 0.92, gdp: 0.0001, govt: 0.001, pop: 450}

// europeanUnion returns the row of the European Union.
func (s *sampleSheet) europeanUnion() []xcell { return s.countryRow(&sampleEU) }

// sampleRegion is one row of the sample's Regional totals, laid out as in
// SIPRI's 1948-2023 release: a constant-price figure per year (US$ b), the
// last year at its own prices, and the states the total leaves out.
type sampleRegion struct {
	name, code, registryName string
	base                     float64 // US$ b in the last year
	omitted                  string
	unavailable, red         []int
}

var sampleRegions = []sampleRegion{
	{name: "World", code: "WLD", registryName: "World", base: 2300, unavailable: []int{2005}},
	{name: "Africa", code: "XAF", registryName: "Africa (SIPRI region)", base: 48, omitted: "Djibouti, Eritrea, Somalia", red: []int{2005, 2006}},
	{name: "North Africa", code: "XNF", registryName: "North Africa (SIPRI region)", base: 29.5},
	{name: "Americas", code: "XAM", registryName: "Americas (SIPRI region)", base: 1050, omitted: "Cuba"},
	{name: "Asia & Oceania", code: "XAO", registryName: "Asia and Oceania (SIPRI region)", base: 620},
	{name: "Europe", code: "XEP", registryName: "Europe (SIPRI region)", base: 570, omitted: "Yugoslavia"},
}

// constantUSD is the region's total in year y at 2023 prices, US$ b.
func (r *sampleRegion) constantUSD(y int) float64 {
	return round(r.base*math.Pow(1.03, float64(y-sampleLast)), 1)
}

// currentUSD is the region's total in the last year at its prices, US$ b.
func (r *sampleRegion) currentUSD() float64 { return round(r.base*1.024, 1) }

func regionalTotals() xsheet {
	text := xstyle{font: "text"}
	rows := [][]xcell{
		{{v: "Military expenditure by region in constant US dollars (sample data)", style: xstyle{font: "title"}}},
		{{v: "Figures are in US$ b., at constant 2023 prices and exchange rates, except for the last figure which is in US$ b. at 2024 prices and exchange rates.", style: text}},
		{{v: "Figures do not always add up to totals because of the conventions of rounding.", style: text}},
		{{v: "Figures in red indicate that more than 10% of the total figure consists of estimates for countries for which data is missing.", style: xstyle{font: "red"}}},
		{{v: `The symbol ". ." indicates that data is unavailable, or that the estimate is too uncertain to be reliable.`, style: text}},
		{{v: "", style: text}},
		nil,
	}
	header := []xcell{{v: "Region", style: xstyle{font: "bold"}}}
	for y := 2005; y <= sampleLast; y++ {
		header = append(header, xcell{v: y, style: xstyle{font: "bold"}})
	}
	header = append(header, xcell{v: "2024 (current prices)", style: xstyle{font: "bold"}}, xcell{v: "", style: text},
		xcell{v: "Omitted countries", style: xstyle{font: "bold"}})
	rows = append(rows, header)
	for _, r := range sampleRegions {
		row := []xcell{{v: r.name, style: xstyle{font: "bold"}}}
		for y := 2005; y <= sampleLast; y++ {
			st := xstyle{font: "text", numFmt: 4}
			if slices.Contains(r.red, y) {
				st.font = "red"
			}
			if slices.Contains(r.unavailable, y) {
				row = append(row, xcell{v: "...", style: st})
				continue
			}
			row = append(row, xcell{v: r.constantUSD(y), style: st})
		}
		row = append(row, xcell{v: r.currentUSD(), style: xstyle{font: "text", numFmt: 4}})
		if r.omitted != "" {
			row = append(row, xcell{v: "", style: text}, xcell{v: r.omitted, style: text})
		}
		rows = append(rows, row)
	}
	return xsheet{name: "Regional totals", rows: rows}
}

// sampleRegionalRecords returns the records of the sample's Regional
// totals, converted from US$ b to US$ m.
func sampleRegionalRecords() []dataset.Expenditure {
	var recs []dataset.Expenditure
	for _, r := range sampleRegions {
		base := dataset.Expenditure{Country: r.code, CountryName: r.registryName, Aggregate: true, Source: dataset.SourceSIPRI,
			Unit: dataset.UnitMillionUSD, SourceUnit: dataset.UnitBillionUSD}
		for y := 2005; y <= sampleLast; y++ {
			rec := base
			rec.Year, rec.Measure, rec.Estimate = y, "constant_usd_2023", slices.Contains(r.red, y)
			if slices.Contains(r.unavailable, y) {
				rec.Missing = dataset.MissingNotAvailable
			} else {
				rec.Value, rec.HasValue = dataset.ShiftDecimal(r.constantUSD(y), 3), true
			}
			recs = append(recs, rec)
		}
		rec := base
		rec.Year, rec.Measure, rec.Value, rec.HasValue = sampleLast, dataset.MeasureCurrentUSD, dataset.ShiftDecimal(r.currentUSD(), 3), true
		recs = append(recs, rec)
	}
	return recs
}

func footnotes() xsheet {
	text, bold := xstyle{font: "text"}, xstyle{font: "bold"}
	return xsheet{name: "Footnotes", rows: [][]xcell{
		{{v: "Footnotes and special notes", style: xstyle{font: "title"}}},
		nil,
		nil,
		{{v: "The following special notes are used in each worksheet", style: bold}},
		{{v: "†", style: text}, {v: "Figures for these countries do not include military pensions", style: text}},
		{{v: "‡", style: text}, {v: "Figures for these countries are for current spending only (i.e. exclude capital spending)", style: text}},
		{{v: "§", style: text}, {v: "Figures for these countries are for the adopted budget, rather than actual expenditure", style: text}},
		{{v: "¶", style: text}, {v: "Figures for these countries do not include spending on paramilitary forces", style: text}},
		{{v: "‖", style: text}, {v: "This country changed or redenominated its currency during the period; all figures are in the latest currency.", style: text}},
		nil,
		{{v: "Numbered footnote references can be found in each of the data sheets", style: bold}},
		{{v: "1", style: text}, {v: "Sample footnote: figures from 2022 include spending from the general budget on the war.", style: text}},
		{{v: "16", style: text}, {v: "Sample footnote: figures are highly uncertain because of exchange-rate changes.", style: text}},
		{{v: "44", style: text}, {v: "Sample footnote: figures include the special defence fund from 2022.", style: text}},
	}}
}

// sampleRecords returns the records the sample workbook holds, worked out
// from the spec rather than read back: the states' and the European
// Union's, in the dataset's units (shares in percent, not fractions), and
// the regional totals.
func sampleRecords() []dataset.Expenditure {
	var recs []dataset.Expenditure
	countries := append(slices.Clone(sampleCountries), sampleEU)
	for i := range sampleSheets {
		s := &sampleSheets[i]
		unit, _ := dataset.ExpenditureUnits.Of(s.measure)
		shift, err := dataset.UnitShift(s.unit, unit)
		if err != nil {
			panic(err)
		}
		for k := range countries {
			c := &countries[k]
			notes, foot, _ := splitNotes(c.notes)
			for y := s.first; y <= sampleLast; y++ {
				v, mark, font := s.cell(c, y)
				r := dataset.Expenditure{
					Country: c.code, CountryName: c.registryName, Aggregate: c.code == "XEU", Year: y, Measure: s.measure,
					Source: dataset.SourceSIPRI, Unit: unit, SourceUnit: s.unit, Notes: notes, Footnotes: foot,
					Estimate: font == "blue", Uncertain: font == "red",
				}
				switch mark {
				case "xxx":
					r.Missing = dataset.MissingDidNotExist
				case "...":
					r.Missing = dataset.MissingNotAvailable
				default:
					r.Value, r.HasValue = dataset.ShiftDecimal(v, shift), true
				}
				if slices.Contains(s.cols, "Currency") {
					r.Currency = strings.TrimSpace(c.currency)
				}
				if slices.Contains(s.cols, "Fiscal Year (Jan-Dec if not stated)") {
					r.FiscalYear = c.fiscal
				}
				recs = append(recs, r)
			}
		}
	}
	return append(recs, sampleRegionalRecords()...)
}

// sortRecords sorts by the primary key, so that two lists compare.
func sortRecords(recs []dataset.Expenditure) {
	slices.SortFunc(recs, func(a, b dataset.Expenditure) int {
		return cmp.Or(cmp.Compare(a.Country, b.Country), cmp.Compare(a.Year, b.Year), cmp.Compare(a.Measure, b.Measure),
			cmp.Compare(a.Source, b.Source))
	})
}

// TestFixture checks that the committed sample workbook holds what the spec
// above says; with -update it writes the workbook first.
func TestFixture(t *testing.T) {
	built := buildWorkbook(t, sampleWorkbook())
	if *update {
		if err := os.MkdirAll(filepath.Dir(sampleFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(sampleFile, built, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	committed, err := os.ReadFile(sampleFile)
	if err != nil {
		t.Fatalf("read sample workbook (run go test -run TestFixture -update to write it): %v", err)
	}
	want := sampleRecords()
	sortRecords(want)
	for _, tc := range []struct {
		name string
		data []byte
	}{{"committed", committed}, {"built", built}} {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := Parse(bytes.NewReader(tc.data), int64(len(tc.data)))
			if err != nil {
				t.Fatalf("Parse(%s) error: %v", sampleFile, err)
			}
			sortRecords(got)
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("Parse(%s) records differ from the spec (-want +got); run go test -run TestFixture -update if the spec changed:\n%s", sampleFile, diff)
			}
		})
	}
}
