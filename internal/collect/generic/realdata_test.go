package generic

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/realdata"
)

// realSources returns the configured sources of testdata/realdata.toml with
// their URLs pointing into the realdata folder.
func realSources(t *testing.T) []collect.Source {
	t.Helper()
	dir := realdata.Dir(t)
	b, err := os.ReadFile(realdataFile)
	if err != nil {
		t.Fatal(err)
	}
	return parseSources(t, strings.ReplaceAll(string(b), "file:///REALDATA", "file://"+dir))
}

// collectReal collects a source from local files and checks that the table
// passes the dataset's validation.
func collectReal(t *testing.T, src collect.Source) (*dataset.Table, []string) {
	t.Helper()
	tab, warns, err := run(t, collecttest.Fetcher(t, src, nil), src)
	if err != nil {
		t.Fatalf("Collect(%s) error = %v", src.Name, err)
	}
	if err := dataset.Validate(tab); err != nil {
		t.Fatalf("Validate(%s) = %v", src.Name, err)
	}
	return tab, warns
}

// countBy counts the rows of recs by the value of field, among those keep
// accepts.
func countBy(recs []map[string]string, field string, keep func(map[string]string) bool) map[string]int {
	n := map[string]int{}
	for _, r := range recs {
		if keep(r) {
			n[r[field]]++
		}
	}
	return n
}

// TestRealUNMilex loads the scraped UN Milex participation file through the
// configured CSV source and checks the reports per year against a count of
// the file made here with encoding/csv, and against SOURCES.md. A report is
// every kind but no_report: nil reports are submissions.
func TestRealUNMilex(t *testing.T) {
	src := sourceNamed(t, realSources(t), "un-milex-scraped")
	tab, warns := collectReal(t, src)
	recs := records(tab)

	// The independent count, straight from the file.
	f, err := os.Open(realdata.Path(t, "unoda_milex", "un_milex_reports_1998-2024_scraped.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	want := map[string]int{}
	wantNil, nilNoData, failed := 0, 0, 0
	for _, r := range rows[1:] {
		switch {
		case r[col["scrape_status"]] == "failed":
			failed++
			continue
		case r[col["report_kind"]] == "nil_report":
			wantNil++
			if r[col["scrape_status"]] == "no_data" {
				nilNoData++
			}
		}
		if r[col["report_kind"]] != "none_found" {
			want[r[col["year"]]]++
		}
	}
	if got := tab.Len(); got != len(rows)-1-failed {
		t.Errorf("Collect(un-milex) = %d rows, want %d (every row of the file but %d failed)", got, len(rows)-1-failed, failed)
	}
	if len(warns) != failed {
		t.Errorf("Collect(un-milex) warnings = %d, want one per failed row (%d):\n%s", len(warns), failed, joinLines(warns))
	}
	got := countBy(recs, "year", func(r map[string]string) bool { return r["report_kind"] != dataset.ReportNone })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reports per year differ from the file (-file +table):\n%s", diff)
	}
	// SOURCES.md's figures, counted independently by whoever wrote it.
	for year, n := range map[string]int{"2000": 15, "2001": 28, "2002": 50, "2019": 45, "2020": 44, "2021": 45,
		"2022": 63, "2023": 57, "2024": 64} {
		if got[year] != n {
			t.Errorf("reports in %s = %d, want %d (SOURCES.md)", year, got[year], n)
		}
	}
	kinds := countBy(recs, "report_kind", func(map[string]string) bool { return true })
	if kinds[dataset.ReportNil] != wantNil || wantNil != 48 || nilNoData != 47 {
		t.Errorf("nil reports = %d (file: %d, of which %d marked no_data), want all 48, 47 of them no_data",
			kinds[dataset.ReportNil], wantNil, nilNoData)
	}
	for _, r := range recs {
		if r["report_kind"] == dataset.ReportNone && (r["currency"] != "" || r["unit_of_measure"] != "" || r["total"] != "") {
			t.Errorf("no_report row %s %s has currency %q, unit %q, total %q; want none", r["country_iso3"], r["year"],
				r["currency"], r["unit_of_measure"], r["total"])
		}
		if strings.Contains(r["currency"], "()") {
			t.Errorf("row %s %s: currency %q, want the () placeholders cleaned", r["country_iso3"], r["year"], r["currency"])
		}
	}
	// Spot checks from SOURCES.md, read off the file by hand.
	spot := map[string]map[string]string{}
	for _, r := range recs {
		switch r["country_iso3"] + " " + r["year"] {
		case "USA 2023", "DEU 2024", "CHN 2022", "AND 2019":
			spot[r["country_iso3"]+" "+r["year"]] = r
		}
	}
	wantSpot := map[string]map[string]string{
		"USA 2023": {"country_iso3": "USA", "country_name": "United States", "instrument": "un_milex", "year": "2023",
			"report_kind": "full_or_simplified", "currency": "United States Dollar (USD)", "unit_of_measure": "Million",
			"total": "820263000000", "link": "https://milex-reporting.unoda.org/en/states/USA/2023", "source": "un-milex-scraped"},
		"DEU 2024": {"country_iso3": "DEU", "country_name": "Germany", "instrument": "un_milex", "year": "2024",
			"report_kind": "full_or_simplified", "currency": "Euro (EUR)", "unit_of_measure": "Million",
			"total": "70105600000", "link": "https://milex-reporting.unoda.org/en/states/DEU/2024", "source": "un-milex-scraped"},
		"CHN 2022": {"country_iso3": "CHN", "country_name": "China", "instrument": "un_milex", "year": "2022",
			"report_kind": "single_figure", "currency": "Chinese Renminbi (CNY)", "unit_of_measure": "Million",
			"total": "1475222000000", "link": "https://milex-reporting.unoda.org/en/states/CHN/2022", "source": "un-milex-scraped"},
		"AND 2019": {"country_iso3": "AND", "country_name": "Andorra", "instrument": "un_milex", "year": "2019",
			"report_kind": "nil_report", "link": "https://milex-reporting.unoda.org/en/states/AND/2019", "source": "un-milex-scraped"},
	}
	if diff := cmp.Diff(wantSpot, spot); diff != "" {
		t.Errorf("spot rows differ (-want +got):\n%s", diff)
	}
}

// TestRealUNROCA loads the scraped UNROCA years through the configured JSON
// source: every state's reported years are submitted, every other year
// from 1992 to the last year in the file is no_report.
func TestRealUNROCA(t *testing.T) {
	src := sourceNamed(t, realSources(t), "unroca-scraped")
	tab, warns := collectReal(t, src)
	if len(warns) != 0 {
		t.Errorf("Collect(unroca) warnings:\n%s", joinLines(warns))
	}
	recs := records(tab)

	// The independent count, straight from the file.
	b, err := os.ReadFile(realdata.Path(t, "unroca", "years.json"))
	if err != nil {
		t.Fatal(err)
	}
	var states []struct {
		Country string
		Years   []struct{ Year int }
	}
	if err := json.Unmarshal(b, &states); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	reporting, last := 0, 0
	for _, s := range states {
		if len(s.Years) > 0 {
			reporting++
		}
		for _, y := range s.Years {
			want[strconv.Itoa(y.Year)]++
			last = max(last, y.Year)
		}
	}
	got := countBy(recs, "year", func(r map[string]string) bool { return r["report_kind"] == dataset.ReportSubmitted })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reports per year differ from the file (-file +table):\n%s", diff)
	}
	for year, n := range map[string]int{"1992": 94, "2001": 124, "2016": 43, "2020": 43, "2021": 57, "2022": 35} {
		if got[year] != n {
			t.Errorf("reports in %s = %d, want %d (SOURCES.md)", year, got[year], n)
		}
	}
	states193 := countBy(recs, "country_iso3", func(map[string]string) bool { return true })
	withReport := countBy(recs, "country_iso3", func(r map[string]string) bool { return r["report_kind"] == dataset.ReportSubmitted })
	if len(states193) != 193 || len(withReport) != 169 || reporting != 169 {
		t.Errorf("states = %d, with a report = %d (file: %d); want 193 and 169", len(states193), len(withReport), reporting)
	}
	years := last - 1992 + 1
	if tab.Len() != 193*years || last != 2022 {
		t.Errorf("Collect(unroca) = %d rows up to %d, want 193 states x %d years (1992-2022)", tab.Len(), last, years)
	}
	for code, n := range states193 {
		if n != years {
			t.Errorf("%s has %d rows, want one per year 1992-%d", code, n, last)
		}
	}
	spot := map[string]map[string]string{}
	for _, r := range recs {
		switch r["country_iso3"] + " " + r["year"] {
		case "HND 2003", "HND 2004", "GNB 1995", "CIV 1992":
			spot[r["country_iso3"]+" "+r["year"]] = r
		}
	}
	row := func(code, name, year, kind, link string) map[string]string {
		m := map[string]string{"country_iso3": code, "country_name": name, "instrument": "unroca", "year": year,
			"report_kind": kind, "source": "unroca-scraped"}
		if link != "" {
			m["link"] = link
		}
		return m
	}
	wantSpot := map[string]map[string]string{
		"HND 2003": row("HND", "Honduras", "2003", "submitted", "https://www.unroca.org/honduras/report/2003/"),
		"HND 2004": row("HND", "Honduras", "2004", "no_report", ""),
		"GNB 1995": row("GNB", "Guinea-Bissau", "1995", "no_report", ""),
		"CIV 1992": row("CIV", "Côte d'Ivoire", "1992", "no_report", ""),
	}
	if diff := cmp.Diff(wantSpot, spot); diff != "" {
		t.Errorf("spot rows differ (-want +got):\n%s", diff)
	}
}

// TestRealINFORM parses the INFORM trend workbook through the configured
// xlsx source of the repository's sources file (the mirror's URL replaced by the local
// file), completely: one row per country and release year.
func TestRealINFORM(t *testing.T) {
	src := sourceNamed(t, readSources(t, sourcesFile), "inform-risk")
	src.URLs = []string{"file://" + realdata.Path(t, "inform", "INFORM2024_TREND_2015_2024_v70_ALL.xlsx")}
	tab, warns := collectReal(t, src)
	if len(warns) != 0 {
		t.Errorf("Collect(inform) warnings:\n%s", joinLines(warns))
	}
	recs := records(tab)
	countries := countBy(recs, "country_iso3", func(map[string]string) bool { return true })
	periods := countBy(recs, "period", func(map[string]string) bool { return true })
	wantPeriods := map[string]int{}
	for y := 2016; y <= 2025; y++ {
		wantPeriods[strconv.Itoa(y)] = 191
	}
	if tab.Len() != 1910 || len(countries) != 191 {
		t.Errorf("Collect(inform) = %d rows of %d countries, want 1910 rows of 191", tab.Len(), len(countries))
	}
	if diff := cmp.Diff(wantPeriods, periods); diff != "" {
		t.Errorf("rows per release year (-want +got):\n%s", diff)
	}
	// Values read off the workbook by hand.
	want := map[string]string{"AFG 2025": "7.8", "AFG 2024": "7.9", "AFG 2018": "8", "GBR 2025": "2.1", "SOM 2025": "8.4",
		"UKR 2025": "5.6"}
	got := map[string]string{}
	for _, r := range recs {
		if _, ok := want[r["country_iso3"]+" "+r["period"]]; ok {
			got[r["country_iso3"]+" "+r["period"]] = r["value"]
		}
		if r["indicator"] != "inform_risk" || r["publisher"] != "inform" || r["unit"] != "score 0-10 (10 = highest risk)" {
			t.Fatalf("row %v: want publisher inform, indicator inform_risk and the unit of the score", r)
		}
		if v, _ := strconv.ParseFloat(r["value"], 64); v < 0 || v > 10 {
			t.Errorf("row %s %s: value %s outside 0-10", r["country_iso3"], r["period"], r["value"])
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spot values (-want +got):\n%s", diff)
	}
}

// TestRealNATO loads NATO's wide table of defence expenditure as a share of
// GDP through the configured CSV source, one row per ally and year, and
// checks every value against the file as encoding/csv reads it.
func TestRealNATO(t *testing.T) {
	src := sourceNamed(t, realSources(t), "nato")
	tab, warns := collectReal(t, src)
	if len(warns) != 0 {
		t.Errorf("Collect(nato) warnings:\n%s", joinLines(warns))
	}
	f, err := os.Open(realdata.Path(t, "nato", "defence_per.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, r := range rows[1:] {
		if strings.HasPrefix(r[0], "NATO ") {
			continue
		}
		for i, h := range rows[0][1:] {
			want[r[0]+" "+strings.TrimSuffix(h, "e")] = r[i+1]
		}
	}
	got := map[string]string{}
	estimates := 0
	for _, r := range records(tab) {
		v := r["value"]
		if v != "" {
			// The file's text, as the table holds the number.
			f, _ := strconv.ParseFloat(v, 64)
			v = strconv.FormatFloat(f, 'f', -1, 64)
		}
		got[r["country_name"]+" "+r["year"]] = v
		if r["estimate"] == "true" {
			estimates++
			if r["year"] != "2024" {
				t.Errorf("row %v: estimate outside 2024e", r)
			}
		}
		if (r["value"] == "") != (r["missing"] == "not_available") {
			t.Errorf("row %v: want missing set exactly when value is empty", r)
		}
	}
	// The file's names, as the registry names the same states.
	rename := map[string]string{"Slovak Republic": "Slovakia"}
	norm := map[string]string{}
	for k, v := range want {
		name, year, _ := strings.Cut(k, " 2")
		if r, ok := rename[name]; ok {
			name = r
		}
		if v != "" {
			f, _ := strconv.ParseFloat(v, 64)
			v = strconv.FormatFloat(f, 'f', -1, 64)
		}
		norm[name+" 2"+year] = v
	}
	if diff := cmp.Diff(norm, got); diff != "" {
		t.Errorf("values differ from the file (-file +table):\n%s", diff)
	}
	if tab.Len() != 31*11 || estimates != 31 {
		t.Errorf("Collect(nato) = %d rows, %d estimates; want 31 allies x 11 years, 31 estimates", tab.Len(), estimates)
	}
}

// TestRealNATOSourcesFile collects NATO's real Table 3 through the nato
// source of the repository's sources file (its URL replaced by the local
// file) and compares every row with the file as encoding/csv reads it: the
// value is the cell's number, a year headed "2024e" is an estimate, every
// ally maps to the code written out below, and NATO's two totals are
// aggregates, not dropped.
func TestRealNATOSourcesFile(t *testing.T) {
	src := sourceNamed(t, readSources(t, sourcesFile), "nato")
	src.URLs = []string{"file://" + realdata.Path(t, "nato", "defence_per.csv")}
	tab, warns := collectReal(t, src)
	if len(warns) != 0 {
		t.Errorf("Collect(nato) warnings:\n%s", joinLines(warns))
	}
	// The codes of the file's names, written out by hand.
	codes := map[string]string{
		"Albania": "ALB", "Belgium": "BEL", "Bulgaria": "BGR", "Canada": "CAN", "Croatia": "HRV", "Czechia": "CZE",
		"Denmark": "DNK", "Estonia": "EST", "Finland": "FIN", "France": "FRA", "Germany": "DEU", "Greece": "GRC",
		"Hungary": "HUN", "Italy": "ITA", "Latvia": "LVA", "Lithuania": "LTU", "Luxembourg": "LUX", "Montenegro": "MNE",
		"Netherlands": "NLD", "North Macedonia": "MKD", "Norway": "NOR", "Poland": "POL", "Portugal": "PRT",
		"Romania": "ROU", "Slovak Republic": "SVK", "Slovenia": "SVN", "Spain": "ESP", "Sweden": "SWE",
		"Türkiye": "TUR", "United Kingdom": "GBR", "United States": "USA",
		"NATO Europe and Canada": "XNE", "NATO Total": "XNT",
	}
	f, err := os.Open(realdata.Path(t, "nato", "defence_per.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Value               float64
		HasValue            bool
		Estimate, Aggregate bool
	}
	want := map[string]row{}
	for _, r := range rows[1:] {
		code, ok := codes[r[0]]
		if !ok {
			t.Fatalf("the file names %q, which the test does not know", r[0])
		}
		for i, h := range rows[0][1:] {
			year, est := strings.CutSuffix(h, "e")
			w := row{Estimate: est, Aggregate: strings.HasPrefix(code, "XN")}
			if cell := r[i+1]; cell != "" && cell != ".." {
				v, err := strconv.ParseFloat(cell, 64)
				if err != nil {
					t.Fatalf("%s %s: %v", r[0], h, err)
				}
				w.Value, w.HasValue = v, true
			}
			want[code+" "+year] = w
		}
	}
	got := map[string]row{}
	for _, r := range records(tab) {
		var g row
		if r["value"] != "" {
			v, err := strconv.ParseFloat(r["value"], 64)
			if err != nil {
				t.Fatalf("row %v: %v", r, err)
			}
			g.Value, g.HasValue = v, true
		}
		g.Estimate, g.Aggregate = r["estimate"] == "true", r["aggregate"] == "true"
		got[r["country_iso3"]+" "+r["year"]] = g
		if r["measure"] != "share_of_gdp" || r["unit"] != "percent" || r["source_unit"] != "percent" || r["source"] != "nato" {
			t.Errorf("row %v: want share_of_gdp in percent, published in percent, source nato", r)
		}
		if g.HasValue == (r["missing"] != "") {
			t.Errorf("row %v: want missing set exactly when value is empty", r)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows differ from the file (-file +table):\n%s", diff)
	}
	if tab.Len() != 33*11 {
		t.Errorf("Collect(nato) = %d rows, want 31 allies and 2 totals x 11 years = %d", tab.Len(), 33*11)
	}
}
