package sipri

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/workbook"
)

func parseBytes(t testing.TB, b []byte) ([]dataset.Expenditure, Stats) {
	t.Helper()
	recs, st, err := Parse(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("Parse() error: %v", err)
	}
	return recs, st
}

// find returns the record of code, year and measure.
func find(t testing.TB, recs []dataset.Expenditure, code string, year int, measure string) dataset.Expenditure {
	t.Helper()
	for _, r := range recs {
		if r.Country == code && r.Year == year && r.Measure == measure {
			return r
		}
	}
	t.Fatalf("no record %s %d %s", code, year, measure)
	return dataset.Expenditure{}
}

// count sums the records of one measure.
type count struct{ Records, Values, NotAvailable, DidNotExist, Estimate, Uncertain int }

// tally counts the records per measure.
func tally(recs []dataset.Expenditure) map[string]count {
	got := map[string]count{}
	for _, r := range recs {
		c := got[r.Measure]
		c.Records++
		switch {
		case r.HasValue:
			c.Values++
		case r.Missing == dataset.MissingNotAvailable:
			c.NotAvailable++
		case r.Missing == dataset.MissingDidNotExist:
			c.DidNotExist++
		}
		if r.Estimate {
			c.Estimate++
		}
		if r.Uncertain {
			c.Uncertain++
		}
		got[r.Measure] = c
	}
	return got
}

// TestParseGolden checks a handful of records of the sample workbook
// against values read from it by hand (with Python's zipfile and
// ElementTree, not this parser), in the dataset's units: SIPRI's fractions
// become percent and its regional US$ b become US$ m by moving the decimal
// point of the published digits, the published unit kept.
func TestParseGolden(t *testing.T) {
	recs, _ := parseBytes(t, readFile(t, sampleFile))
	sipri := func(r dataset.Expenditure) dataset.Expenditure {
		r.Source = dataset.SourceSIPRI
		if r.SourceUnit == "" {
			r.SourceUnit = r.Unit
		}
		return r
	}
	tests := []dataset.Expenditure{
		{Country: "UKR", CountryName: "Ukraine", Year: 2023, Measure: "local_currency_cy", Value: 2382451228053, HasValue: true,
			Unit: "local currency", Currency: "Hryvnias", Notes: "§‖", Footnotes: "1"},
		{Country: "UKR", CountryName: "Ukraine", Year: 2023, Measure: "share_of_gdp", Value: 36.6531099379099, HasValue: true, // 0.366531099379099
			Unit: "percent", SourceUnit: "fraction", Notes: "§‖", Footnotes: "1"},
		{Country: "UKR", CountryName: "Ukraine", Year: 2024, Measure: "current_usd", Value: 64700, HasValue: true,
			Unit: "US$ m", Notes: "§‖", Footnotes: "1", Estimate: true},
		{Country: "SSD", CountryName: "South Sudan", Year: 2010, Measure: "current_usd", Unit: "US$ m",
			Missing: "did_not_exist", Notes: "‡§¶", Footnotes: "16"},
		{Country: "SSD", CountryName: "South Sudan", Year: 2015, Measure: "local_currency_fy", Unit: "local currency",
			Currency: "Pounds", FiscalYear: "Jul-Jun", Missing: "not_available", Uncertain: true, Notes: "‡§¶", Footnotes: "16"},
		{Country: "SUN", CountryName: "Soviet Union", Year: 2005, Measure: "constant_usd_2023", Unit: "US$ m", Missing: "did_not_exist"},
		{Country: "XKX", CountryName: "Kosovo", Year: 2008, Measure: "constant_usd_2023", Value: 50.305, HasValue: true,
			Unit: "US$ m", Estimate: true},
		{Country: "XKX", CountryName: "Kosovo", Year: 2023, Measure: "current_usd", Value: 133.185465922792, HasValue: true, Unit: "US$ m"},
		{Country: "KAZ", CountryName: "Kazakhstan", Year: 2005, Measure: "local_currency_cy", Value: 427162320000, HasValue: true,
			Unit: "local currency", Currency: "Tenge", Notes: "†", Estimate: true},
		{Country: "DZA", CountryName: "Algeria", Year: 2024, Measure: "current_usd", Value: 22071.269, HasValue: true,
			Unit: "US$ m", Notes: "§", Estimate: true},
		{Country: "USA", CountryName: "United States", Year: 2010, Measure: "per_capita", Value: 1801.2, HasValue: true, Unit: "US$"},
		{Country: "DEU", CountryName: "Germany", Year: 2024, Measure: "share_of_govt", Value: 3.883, HasValue: true, // 0.03883
			Unit: "percent", SourceUnit: "fraction", Footnotes: "44"},
		{Country: "NGA", CountryName: "Nigeria", Year: 2010, Measure: "share_of_govt", Unit: "percent", SourceUnit: "fraction", Missing: "not_available"},
		{Country: "CAN", CountryName: "Canada", Year: 2024, Measure: "local_currency_fy", Value: 40401543853, HasValue: true,
			Unit: "local currency", Currency: "Dollars", FiscalYear: "Apr-Mar"},
		// The European Union's own budget: an aggregate.
		{Country: "XEU", CountryName: "European Union (EU budget)", Aggregate: true, Year: 2020, Measure: "current_usd",
			Unit: "US$ m", Missing: "did_not_exist", Notes: "†¶"},
		// Regional totals: US$ b in the workbook (Africa 2005: 27.4, red;
		// World 2024 at 2024 prices: 2355.2; World 2005: "...").
		{Country: "XAF", CountryName: "Africa (SIPRI region)", Aggregate: true, Year: 2005, Measure: "constant_usd_2023",
			Value: 27400, HasValue: true, Unit: "US$ m", SourceUnit: "US$ b", Estimate: true},
		{Country: "WLD", CountryName: "World", Aggregate: true, Year: 2024, Measure: "current_usd",
			Value: 2355200, HasValue: true, Unit: "US$ m", SourceUnit: "US$ b"},
		{Country: "WLD", CountryName: "World", Aggregate: true, Year: 2005, Measure: "constant_usd_2023",
			Unit: "US$ m", SourceUnit: "US$ b", Missing: "not_available"},
	}
	for _, want := range tests {
		want = sipri(want)
		t.Run(fmt.Sprintf("%s %d %s", want.Country, want.Year, want.Measure), func(t *testing.T) {
			got := find(t, recs, want.Country, want.Year, want.Measure)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Parse(sample) record (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseSampleCounts(t *testing.T) {
	recs, st := parseBytes(t, readFile(t, sampleFile))
	var states []dataset.Expenditure
	for _, r := range recs {
		if !r.Aggregate {
			states = append(states, r)
		}
	}
	got := tally(states)
	// 11 states x 20 years (x 15 from 2010). xxx: South Sudan 2005-2010,
	// Kosovo 2005-2007, USSR throughout. "...": South Sudan 2011 and 2015,
	// Nigeria's share of government spending 2010-2011. Blue: Algeria 2024,
	// Kazakhstan 2005-2006, Kosovo 2008-2009, Ukraine 2024. Red: South
	// Sudan 2015-2024.
	main := count{220, 189, 2, 29, 6, 10}
	late := count{165, 147, 2, 16, 2, 10}
	want := map[string]count{
		"local_currency_fy": main, "local_currency_cy": main, "constant_usd_2023": main, "current_usd": main, "share_of_gdp": main,
		"per_capita":    late,
		"share_of_govt": {165, 145, 4, 16, 2, 10},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse(sample) counts per measure (-want +got):\n%s", diff)
	}
	if st.Countries != 11 || len(st.Sheets) != 7 {
		t.Errorf("Parse(sample) stats: %d countries, %d sheets; want 11, 7", st.Countries, len(st.Sheets))
	}
	if diff := cmp.Diff([]string{"Front page", "Footnotes"}, st.Skipped); diff != "" {
		t.Errorf("Parse(sample) skipped sheets (-want +got):\n%s", diff)
	}
	for _, s := range st.Sheets {
		years := s.LastYear - s.FirstYear + 1
		if s.Regions != 12 || s.Countries != 11 || s.Empty != 0 || !cmp.Equal(s.Aggregates, []string{"European Union"}) ||
			s.AggregateRecords != years || s.LastYear != 2024 {
			t.Errorf("Parse(sample) sheet %q stats = %+v; want 12 regions, 11 countries, the European Union's %d records, to 2024", s.Name, s, years)
		}
	}
	// Six regions x (20 years at 2023 prices + 2024 at its own prices).
	wantRegional := &RegionalStats{Name: "Regional totals", Base: 2023, FirstYear: 2005, LastYear: 2024, CurrentYear: 2024,
		Regions: 6, Records: 6 * 21, Omitted: []Omission{{"XAF", "Djibouti, Eritrea, Somalia"}, {"XAM", "Cuba"}, {"XEP", "Yugoslavia"}}}
	if diff := cmp.Diff(wantRegional, st.Regional); diff != "" {
		t.Errorf("Parse(sample) regional stats (-want +got):\n%s", diff)
	}
	if got, want := st.Aggregates(), 20+20+20+20+20+15+15+6*21; got != want {
		t.Errorf("Parse(sample) Aggregates() = %d, want %d", got, want)
	}
	if st.Footnotes != 3 {
		t.Errorf("Parse(sample) Footnotes = %d, want 3", st.Footnotes)
	}
	for _, r := range recs {
		if r.Country == "EUU" || r.Aggregate != (r.Country == "XEU" || r.SourceUnit == UnitBillionUSD) {
			t.Fatalf("Parse(sample): %+v is not marked as the aggregate it is", r)
		}
		if want, _ := dataset.ExpenditureUnits.Of(r.Measure); r.Unit != want {
			t.Fatalf("Parse(sample): %s %d %s in %s, want %s", r.Country, r.Year, r.Measure, r.Unit, want)
		}
	}
	if err := dataset.Validate(dataset.ExpenditureTable(recs)); err != nil {
		t.Errorf("Validate(Parse(sample)) = %v", err)
	}
}

// exportSheets returns the sample as SIPRI's custom-export tool writes it:
// only some sheets, years as floats, a trailing empty header cell, a
// Front page with one empty cell and no Regional totals.
func exportSheets(t testing.TB, names ...string) []xsheet {
	t.Helper()
	all := clone(sampleWorkbook())
	out := []xsheet{{name: "Front page", rows: [][]xcell{{{v: ""}}}}}
	for _, n := range names {
		s := *sheetNamed(t, all, n)
		h := s.row(t, "Country")
		for j, c := range s.rows[h] {
			if y, ok := c.v.(int); ok {
				s.rows[h][j].v = yearf(y)
			}
		}
		s.rows[h] = append(s.rows[h], xcell{v: ""})
		out = append(out, s)
	}
	return append(out, *sheetNamed(t, all, "Footnotes"))
}

func TestParseVariants(t *testing.T) {
	sample := sampleRecords()
	byKey := func(recs []dataset.Expenditure, measures ...string) []dataset.Expenditure {
		var out []dataset.Expenditure
		for _, r := range recs {
			for _, m := range measures {
				if r.Measure == m {
					out = append(out, r)
				}
			}
		}
		sortRecords(out)
		return out
	}
	t.Run("custom export", func(t *testing.T) {
		recs, st := parseBytes(t, buildWorkbook(t, exportSheets(t, "Current US$", "Share of GDP")))
		sortRecords(recs)
		var want []dataset.Expenditure
		for _, r := range byKey(sample, "current_usd", "share_of_gdp") {
			if r.SourceUnit != UnitBillionUSD { // an export without Regional totals
				want = append(want, r)
			}
		}
		if diff := cmp.Diff(want, recs); diff != "" {
			t.Errorf("Parse(export) records (-want +got):\n%s", diff)
		}
		if len(st.Sheets) != 2 || st.Sheets[0].FirstYear != 2005 || st.Sheets[0].LastYear != 2024 {
			t.Errorf("Parse(export) stats = %+v", st)
		}
	})
	t.Run("colours as RGB and palette index", func(t *testing.T) {
		sheets := clone(sampleWorkbook())
		s := sheetNamed(t, sheets, "Current US$")
		s.set(t, "Germany", 2020, xcell{v: 1.5, style: xstyle{font: "rgb-blue"}})
		s.set(t, "Germany", 2021, xcell{v: 2.5, style: xstyle{font: "rgb-red"}})
		s.set(t, "Germany", 2022, xcell{v: 3.5, style: xstyle{font: "idx-blue"}})
		s.set(t, "Germany", 2023, xcell{v: 4.5, style: xstyle{font: "navy"}})
		s.set(t, "Germany", 2024, xcell{v: "...", style: xstyle{font: "black"}})
		recs, _ := parseBytes(t, buildWorkbook(t, sheets))
		for _, tt := range []struct {
			year                int
			estimate, uncertain bool
		}{{2019, false, false}, {2020, true, false}, {2021, false, true}, {2022, true, false}, {2023, false, false}, {2024, false, false}} {
			r := find(t, recs, "DEU", tt.year, "current_usd")
			if r.Estimate != tt.estimate || r.Uncertain != tt.uncertain {
				t.Errorf("Parse() DEU %d estimate, uncertain = %v, %v; want %v, %v", tt.year, r.Estimate, r.Uncertain, tt.estimate, tt.uncertain)
			}
		}
	})
	t.Run("empty cell and reporting year", func(t *testing.T) {
		sheets := clone(sampleWorkbook())
		s := sheetNamed(t, sheets, "Share of Govt. spending")
		s.set(t, "India", 2015, xcell{})
		r := s.row(t, "India")
		s.rows[r][2] = xcell{v: "Apr-Mar "}
		recs, st := parseBytes(t, buildWorkbook(t, sheets))
		got := find(t, recs, "IND", 2015, "share_of_govt")
		if got.HasValue || got.Missing != dataset.MissingNotAvailable || got.FiscalYear != "Apr-Mar" {
			t.Errorf("Parse() IND 2015 share_of_govt = %+v; want not_available, FiscalYear Apr-Mar", got)
		}
		if n := st.Sheets[6].Empty; n != 1 {
			t.Errorf("Parse() %s Empty = %d, want 1", st.Sheets[6].Name, n)
		}
	})
	t.Run("unknown sheets and blank rows", func(t *testing.T) {
		sheets := clone(sampleWorkbook())
		s := sheetNamed(t, sheets, "Current US$")
		r := s.row(t, "India")
		s.rows = append(s.rows[:r:r], append([][]xcell{nil, {{v: " "}, {v: ""}}}, s.rows[r:]...)...)
		sheets = append(sheets, xsheet{name: "Notes on sources", rows: [][]xcell{{{v: "Country"}, {v: "text"}}}})
		recs, st := parseBytes(t, buildWorkbook(t, sheets))
		if len(recs) != len(sample) || st.Skipped[len(st.Skipped)-1] != "Notes on sources" {
			t.Errorf("Parse() = %d records, skipped %q; want %d and the unknown sheet skipped", len(recs), st.Skipped, len(sample))
		}
	})
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, sheets []xsheet) []xsheet
		want   []string // substrings of the error
	}{
		{"unknown country", func(t *testing.T, s []xsheet) []xsheet {
			c := sheetNamed(t, s, "Share of GDP")
			c.rows[c.row(t, "Kosovo")][0] = xcell{v: "Atlantis"}
			return s
		}, []string{`sheet "Share of GDP" row`, `unknown country "Atlantis"`, "internal/country/aliases.csv"}},
		{"garbage in a year cell", func(t *testing.T, s []xsheet) []xsheet {
			sheetNamed(t, s, "Per capita").set(t, "India", 2012, xcell{v: "n/a"})
			return s
		}, []string{`sheet "Per capita" cell `, `"n/a"`}},
		{"NaN in a year cell", func(t *testing.T, s []xsheet) []xsheet {
			sheetNamed(t, s, "Per capita").set(t, "India", 2012, xcell{v: "NaN"})
			return s
		}, []string{`"NaN"`}},
		{"unknown note", func(t *testing.T, s []xsheet) []xsheet {
			c := sheetNamed(t, s, "Current US$")
			c.rows[c.row(t, "India")][1] = xcell{v: "§*"}
			return s
		}, []string{`sheet "Current US$" cell B`, `notes "§*"`}},
		{"state listed twice", func(t *testing.T, s []xsheet) []xsheet {
			c := sheetNamed(t, s, "Current US$")
			r := c.row(t, "Germany")
			c.rows = append(c.rows, append([]xcell{{v: "germany"}}, c.rows[r][1:]...))
			return s
		}, []string{"DEU listed twice"}},
		{"no header row", func(t *testing.T, s []xsheet) []xsheet {
			c := sheetNamed(t, s, "Current US$")
			c.rows[c.row(t, "Country")][0] = xcell{v: "State"}
			return s
		}, []string{`sheet "Current US$": no header row`}},
		{"no currency column", func(t *testing.T, s []xsheet) []xsheet {
			c := sheetNamed(t, s, "Local currency calendar years")
			c.rows[c.row(t, "Country")][1] = xcell{v: ""}
			return s
		}, []string{"no Currency column"}},
		{"unexpected header", func(t *testing.T, s []xsheet) []xsheet {
			c := sheetNamed(t, s, "Current US$")
			h := c.row(t, "Country")
			c.rows[h] = append(c.rows[h], xcell{v: "Total"})
			return s
		}, []string{`unexpected header "Total"`}},
		{"year twice", func(t *testing.T, s []xsheet) []xsheet {
			c := sheetNamed(t, s, "Current US$")
			h := c.row(t, "Country")
			c.rows[h] = append(c.rows[h], xcell{v: 2024})
			return s
		}, []string{"year 2024 in two columns"}},
		{"no year columns", func(t *testing.T, s []xsheet) []xsheet {
			c := sheetNamed(t, s, "Current US$")
			h := c.row(t, "Country")
			c.rows[h] = c.rows[h][:2]
			return s
		}, []string{"header has no year columns"}},
		{"figures without a name", func(t *testing.T, s []xsheet) []xsheet {
			c := sheetNamed(t, s, "Current US$")
			c.rows[c.row(t, "India")][0] = xcell{}
			return s
		}, []string{"figures without a country name"}},
		{"measure twice", func(t *testing.T, s []xsheet) []xsheet {
			c := *sheetNamed(t, s, "Current US$")
			c.name = "current  US$"
			return append(s, c)
		}, []string{`sheets "Current US$" and "current  US$" both hold current_usd`}},
		{"no data sheet", func(t *testing.T, s []xsheet) []xsheet {
			return []xsheet{s[0], s[1], s[len(s)-1]}
		}, []string{"no data sheet", `"Regional totals"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := buildWorkbook(t, tt.change(t, clone(sampleWorkbook())))
			recs, _, err := Parse(bytes.NewReader(b), int64(len(b)))
			if err == nil || recs != nil {
				t.Fatalf("Parse(%s) = %d records, %v; want an error and no records", tt.name, len(recs), err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Parse(%s) error %q does not contain %q", tt.name, err, w)
				}
			}
		})
	}
	t.Run("not an xlsx", func(t *testing.T) {
		for _, b := range [][]byte{[]byte("<html>not found</html>"), nil} {
			if _, _, err := Parse(bytes.NewReader(b), int64(len(b))); err == nil || !strings.HasPrefix(err.Error(), "sipri: parse: open workbook") {
				t.Errorf("Parse(%q) error = %v, want an open error", b, err)
			}
		}
	})
}

func TestSplitNotes(t *testing.T) {
	tests := []struct {
		in, notes, footnotes string
		ok                   bool
	}{
		{"", "", "", true},
		{"§", "§", "", true},
		{"†¶", "†¶", "", true},
		{"§4", "§", "4", true},
		{"‡§¶16", "‡§¶", "16", true},
		{"§‖1", "§‖", "1", true},
		{"44", "", "44", true},
		{"†§¶11", "†§¶", "11", true},
		{"§ 4, 12", "§", "4,12", true},
		{"12;13", "", "12,13", true},
		{"§*", "", "", false},
		{"see note", "", "", false},
	}
	for _, tt := range tests {
		notes, foot, ok := splitNotes(tt.in)
		if notes != tt.notes || foot != tt.footnotes || ok != tt.ok {
			t.Errorf("splitNotes(%q) = %q, %q, %v; want %q, %q, %v", tt.in, notes, foot, ok, tt.notes, tt.footnotes, tt.ok)
		}
	}
}

func TestSheetMeasure(t *testing.T) {
	tests := []struct {
		name    string
		measure string
		unit    string
		ok      bool
	}{
		{"Constant (2022) US$", "constant_usd_2022", "US$ m", true},
		{"constant  (2024) us$ ", "constant_usd_2024", "US$ m", true},
		{"Current US$", "current_usd", "US$ m", true},
		{"Share of GDP", "share_of_gdp", "fraction", true},
		{"Per capita", "per_capita", "US$", true},
		{"Share of Govt. spending", "share_of_govt", "fraction", true},
		{"Local currency financial years", "local_currency_fy", "local currency", true},
		{"Local currency calendar years", "local_currency_cy", "local currency", true},
		{"Regional totals", "", "", false},
		{"Front page", "", "", false},
		{"Footnotes", "", "", false},
		{"Constant US$", "", "", false},
	}
	for _, tt := range tests {
		m, ok := sheetMeasure(tt.name)
		if m.name != tt.measure || m.unit != tt.unit || ok != tt.ok {
			t.Errorf("sheetMeasure(%q) = %q, %q, %v; want %q, %q, %v", tt.name, m.name, m.unit, ok, tt.measure, tt.unit, tt.ok)
		}
	}
}

func TestIsUnavailable(t *testing.T) {
	for s, want := range map[string]bool{"...": true, ". .": true, "..": true, ". . .": true, ".": false, "xxx": false, "1.5": false, "": false} {
		if got := isUnavailable(s); got != want {
			t.Errorf("isUnavailable(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestFontColour(t *testing.T) {
	x := excelize.NewFile()
	buf, err := x.WriteToBuffer()
	x.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, err := workbook.Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), collect.DefaultMaxUnpacked)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	theme := 1
	tests := []struct {
		font *excelize.Font
		want string
	}{
		{nil, ""},
		{&excelize.Font{}, "000000"},
		{&excelize.Font{ColorIndexed: 8}, "000000"},
		{&excelize.Font{ColorIndexed: 12}, blue},
		{&excelize.Font{ColorIndexed: 4}, blue},
		{&excelize.Font{ColorIndexed: 10}, red},
		{&excelize.Font{ColorIndexed: 2}, red},
		{&excelize.Font{Color: "0000FF"}, blue},   // ARGB FF0000FF with excelize's FF removed
		{&excelize.Font{Color: "ff0000"}, red},    // ARGB FFFF0000
		{&excelize.Font{Color: "0000"}, red},      // RGB FF0000 with excelize's FF removed
		{&excelize.Font{Color: "800000FF"}, blue}, // ARGB with alpha 80
		{&excelize.Font{Color: "000080"}, "000080"},
		{&excelize.Font{ColorTheme: &theme}, "000000"}, // dark 1 of the default theme
	}
	for _, tt := range tests {
		if got := fontColour(f, tt.font); got != tt.want {
			t.Errorf("fontColour(%+v) = %q, want %q", tt.font, got, tt.want)
		}
	}
}
