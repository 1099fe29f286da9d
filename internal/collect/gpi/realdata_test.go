package gpi

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/realdata"
)

// Counts in the real 2025 release (GPI_public_release_2025.xlsx), made once
// outside Go from the sheet XML: unzip the workbook, and for each of
// xl/worksheets/sheet2.xml (Overall Scores) to sheet20.xml (2025) count the
// <c> elements that have a <v> and no t attribute (numbers; strings have
// t="s", the error cells t="e") in a column other than A and B and in a row
// below the header (row 1 on Overall Scores, row 6 on the year sheets). A
// short Python script with zipfile and xml.etree gave:
const (
	realNumericCells = 90582 // 5,844 on Overall Scores (163 × 36 − 24 empty) and 84,738 on the 18 year sheets
	// realYearOverall is how many of them are the year sheets' "overall
	// score" column (column Z: 161 states in 2008-2011, 162 in 2012-2015,
	// 163 in 2016-2025), which repeats Overall Scores and is not published
	// again.
	realYearOverall = 2922
)

// TestRealRelease2025 parses the real 2025 release completely.
func TestRealRelease2025(t *testing.T) {
	path := realdata.Path(t, "gpi", "GPI_public_release_2025.xlsx")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, st, err := parseBytes(b)
	if err != nil {
		t.Fatalf("Parse(%s) error = %v", path, err)
	}

	if got, want := len(recs), realNumericCells-realYearOverall; got != want {
		t.Errorf("Parse(%s) = %d records, want %d (numeric cells less the repeated overall scores)", path, got, want)
	}
	var years []int
	for y := 2008; y <= 2025; y++ {
		years = append(years, y)
	}
	if diff := cmp.Diff(years, st.YearSheets); diff != "" {
		t.Errorf("Parse(%s) year sheets (-want +got):\n%s", path, diff)
	}
	if diff := cmp.Diff([]string{"Contents"}, st.Skipped); diff != "" {
		t.Errorf("Parse(%s) skipped sheets (-want +got):\n%s", path, diff)
	}
	if st.Countries != 163 {
		t.Errorf("Parse(%s) = %d states, want 163", path, st.Countries)
	}
	// Both #VALUE! cells are reported, and the one figure off the scale.
	if diff := cmp.Diff([]string{"2024!A1 #VALUE!", "2025!A1 #VALUE!"}, st.ErrorCells); diff != "" {
		t.Errorf("Parse(%s) error cells (-want +got):\n%s", path, diff)
	}
	wantWarnings := []string{
		`sheet "2024" cell A1 holds the spreadsheet error #VALUE!; nothing is published for it`,
		`sheet "2025" cell A1 holds the spreadsheet error #VALUE!; nothing is published for it`,
		`sheet "2025" cell T135: nuclear and heavy weapons 0.996 is outside the scale 1-5; published as given`,
	}
	if diff := cmp.Diff(wantWarnings, st.Warnings); diff != "" {
		t.Errorf("Parse(%s) warnings (-want +got):\n%s", path, diff)
	}

	// Overall Scores has 163 states, each with a 2025 score and rank.
	states := map[string]bool{}
	byKey := map[recordKey]Record{}
	for _, r := range recs {
		if r.Sheet == "Overall Scores" {
			states[r.Country] = true
		}
		byKey[recordKey{r.Country, r.Indicator, r.Year}] = r
	}
	if len(states) != 163 {
		t.Errorf("Overall Scores: %d states, want 163", len(states))
	}

	// Checked by hand against the sheet XML.
	spot := []struct {
		country   string
		year      int
		indicator string
		value     float64
		cell      string
	}{
		{"ISL", 2025, OverallScore, 1.095, "Overall Scores!AK"},
		{"ISL", 2025, OverallRank, 1, "Overall Scores!AL"},
		{"NOR", 2025, OverallScore, 1.644, "Overall Scores!AK"},
		{"NOR", 2025, OverallRank, 32, "Overall Scores!AL"},
		{"NOR", 2008, OverallRank, 8, "Overall Scores!D"},
		{"USA", 2025, OverallRank, 128, "Overall Scores!AL"},
		{"UKR", 2025, OverallScore, 3.434, "Overall Scores!AK"},
		{"RUS", 2025, OverallRank, 163, "Overall Scores!AL"},
		{"AFG", 2008, OverallScore, 3.125, "Overall Scores!C"},
		{"XKX", 2025, OverallScore, 1.908, "Overall Scores!AK"}, // IEP's KSV
		{"AFG", 2025, "gpi_military_expenditure_pct_gdp", 5, "2025!Q"},
		{"AFG", 2025, "gpi_homicide_rate", 2.473, "2025!D"},
		{"AFG", 2008, "gpi_perceptions_of_criminality", 4.15, "2008!C"},
		{"AFG", 2025, "gpi_militarisation", 2.622, "2025!AE"},
		{"XKX", 2025, "gpi_military_expenditure_pct_gdp", 1.703, "2025!Q"},
		{"SVK", 2025, "gpi_nuclear_and_heavy_weapons", 0.996, "2025!T"},
	}
	for _, s := range spot {
		r, ok := byKey[recordKey{s.country, s.indicator, s.year}]
		if !ok {
			t.Errorf("no record %s %d %s", s.country, s.year, s.indicator)
			continue
		}
		if r.Value != s.value || !strings.HasPrefix(r.Sheet+"!"+r.Cell, s.cell) {
			t.Errorf("record %s %d %s = %v at %s!%s, want %v at %s", s.country, s.year, s.indicator, r.Value, r.Sheet, r.Cell, s.value, s.cell)
		}
	}
	// Palestine and South Sudan were not scored in the early years.
	for _, k := range []recordKey{{"PSE", OverallScore, 2015}, {"SSD", OverallRank, 2011}, {"PSE", "gpi_homicide_rate", 2008}} {
		if r, ok := byKey[k]; ok {
			t.Errorf("record %v = %v, want none (empty in the release)", k, r)
		}
	}
	// Every indicator of the table is published, and only those.
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.Indicator] = true
	}
	var got []string
	for k := range seen {
		got = append(got, k)
	}
	slices.Sort(got)
	want := []string{OverallRank}
	for _, h := range indicatorHeaders {
		want = append(want, Slug(h))
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse(%s) indicators (-want +got):\n%s", path, diff)
	}

	tab, err := Table(recs, "gpi", DefaultLink)
	if err != nil {
		t.Fatalf("Table() error = %v", err)
	}
	if tab.Len() != len(recs) {
		t.Errorf("Table() = %d rows, want %d", tab.Len(), len(recs))
	}
}
