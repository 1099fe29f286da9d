package site

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/dataset"
)

func testNames() *sourceNames {
	return &sourceNames{
		label: map[string]string{"sipri": "SIPRI", "worldbank": "World Bank"},
		rank:  map[string]int{"sipri": 0, "worldbank": 1},
	}
}

// spendingPages builds the pages of the countries of recs, from their
// military expenditure alone.
func spendingPages(t *testing.T, recs []dataset.Expenditure, lastmod string) ([]countryPage, []letterGroup) {
	t.Helper()
	rows, err := countryRows(recs)
	if err != nil {
		t.Fatal(err)
	}
	g := &generator{words: testWords(t), recs: recs, rows: rows, names: testNames(), lastmod: lastmod}
	pages, groups, err := g.countryPages(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pages, groups
}

func TestCountryPages(t *testing.T) {
	pages, groups := spendingPages(t, testRecords(), "2026-04-28T06:30:00Z")
	var got []string
	for _, g := range groups {
		for _, c := range g.Countries {
			got = append(got, g.Letter+" "+c.Name+" "+c.Path)
		}
	}
	want := []string{
		"C Côte d'Ivoire countries/civ/index.html",
		"G Germany countries/deu/index.html",
		"S Soviet Union countries/sun/index.html",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("country list (-want +got):\n%s", diff)
	}
	byCode := map[string]countryPage{}
	for _, p := range pages {
		byCode[p.Params.ISO3] = p
	}
	deu := byCode["DEU"]
	var heads []string
	for _, tb := range deu.Params.Tables {
		var cols []string
		for _, c := range tb.Columns {
			cols = append(cols, c.Label+" ["+c.Unit+"]")
		}
		heads = append(heads, tb.Source+": "+strings.Join(cols, ", "))
	}
	wantHeads := []string{
		"SIPRI: Current US$ [US$ m], Constant (2023) US$ [US$ m], Share of GDP [%], Local currency, financial year (Jan-Dec) [Euro]",
		"World Bank: Current US$ [US$ m], Share of GDP [%]",
	}
	if diff := cmp.Diff(wantHeads, heads); diff != "" {
		t.Errorf("DEU tables (-want +got):\n%s", diff)
	}
	if got := strings.Count(string(deu.Params.Tables[0].Body), "<tr>"); got != 4 {
		t.Errorf("DEU SIPRI table has %d years, want 4 (2019-2022)", got)
	}
	if !deu.Params.Estimates || !deu.Params.Uncertain || !deu.Params.Footnotes || !deu.Params.Blanks {
		t.Errorf("DEU marks = %+v, want estimates, uncertain, footnotes and blanks", deu.Params)
	}
	if got := byCode["SUN"].Params.Former; got == nil || got.From != 1922 || got.To != 1991 {
		t.Errorf("SUN former = %+v, want 1922–1991", got)
	}
	if byCode["DEU"].Params.Former != nil {
		t.Errorf("Germany is marked as a former state")
	}
	if _, err := countryRows([]dataset.Expenditure{{Country: "de", Year: 2000}}); err == nil {
		t.Errorf("countryRows accepted the code %q", "de")
	}
}

func TestHoistNotes(t *testing.T) {
	rec := func(year int, measure, notes, fns string) dataset.Expenditure {
		return dataset.Expenditure{Country: "UKR", CountryName: "Ukraine", Year: year, Measure: measure,
			Source: dataset.SourceSIPRI, Unit: "US$ m", Value: float64(year), HasValue: true, Notes: notes, Footnotes: fns,
			Estimate: year == 2021}
	}
	recs := []dataset.Expenditure{
		rec(2020, dataset.MeasureCurrentUSD, "§‖", "1"),
		rec(2021, dataset.MeasureCurrentUSD, "§‖", "1"),
		rec(2022, dataset.MeasureCurrentUSD, "§‖", "1"),
		rec(2020, dataset.MeasurePerCapita, "§", ""),
		rec(2021, dataset.MeasurePerCapita, "", ""),
	}
	pages, _ := spendingPages(t, recs, "")
	tb := pages[0].Params.Tables[0]
	if got := tb.Columns[0]; got.Notes != "§‖" || got.Footnotes != "1" {
		t.Errorf("current US$ heading = %+v, want the notes every figure shares", got)
	}
	if got := tb.Columns[1]; got.Notes != "" || got.Footnotes != "" {
		t.Errorf("per-person heading = %+v, want no notes: the figures differ", got)
	}
	// The rows as drawn: the year, then the current US$ and the
	// per-person cells.
	want := []string{
		`<tr><th scope="row">2020</th><td><data value="2020">2,020</data></td><td><data value="2020">2,020</data> <span class="notes">§</span></td></tr>`,
		`<tr><th scope="row">2021</th><td class="est"><data value="2021">2,021</data><sup class="mark">e</sup></td><td class="est"><data value="2021">2,021</data><sup class="mark">e</sup></td></tr>`,
		`<tr><th scope="row">2022</th><td><data value="2022">2,022</data></td><td></td></tr>`,
	}
	if diff := cmp.Diff(want, strings.Split(strings.TrimPrefix(string(tb.Body), "\n"), "\n")); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

func TestDisplayValue(t *testing.T) {
	for _, tt := range []struct {
		r    dataset.Expenditure
		col  column
		want string
	}{
		{dataset.Expenditure{Unit: "US$ m", Value: 43.143085155943012}, column{unit: "US$ m"}, "43.1"},
		{dataset.Expenditure{Unit: "fraction", Value: 0.0345}, column{unit: "fraction"}, "3.5%"},
		{dataset.Expenditure{Unit: "percent", Value: 3.45}, column{unit: "percent"}, "3.5%"},
		{dataset.Expenditure{Unit: "US$", Value: 1234.5}, column{unit: "\x00"}, "1,234 US$"},
		{dataset.Expenditure{Unit: "local currency", Value: 2e6, Currency: "Hryvnia"}, column{unit: "local currency", currency: "\x00"}, "2,000,000 Hryvnia"},
		{dataset.Expenditure{Unit: "local currency", Value: 2e6, Currency: "Hryvnia"}, column{unit: "local currency", currency: "Hryvnia"}, "2,000,000"},
	} {
		if got := displayValue(&tt.r, &tt.col); got != tt.want {
			t.Errorf("displayValue(%v %s) = %q, want %q", tt.r.Value, tt.r.Unit, got, tt.want)
		}
	}
}
