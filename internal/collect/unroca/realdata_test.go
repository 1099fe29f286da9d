package unroca

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/realdata"
)

// unMembers returns the 193 states of realdata/unoda_milex, whose pages a
// third party read for every UN member state.
func unMembers(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(realdata.Path(t, "unoda_milex", "un_milex_reports_1998-2024_scraped.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range recs[1:] {
		seen[r[0]] = true
	}
	var codes []string
	for c := range seen {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(realdata.Path(t, "unroca", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// TestRealSlugs maps every slug of the register's real country list
// (realdata/unroca/countries.json, which kept only the slugs) by the slug
// alone, the weakest of Lookup's ways: each must give a distinct UN member
// state, and together the 193 UN members.
func TestRealSlugs(t *testing.T) {
	var list []struct {
		Country string `json:"country"`
	}
	readJSON(t, "countries.json", &list)
	var codes []string
	for _, e := range list {
		c, _, err := Lookup(Entry{Slug: e.Country})
		if err != nil {
			t.Errorf("Lookup(slug %s) error = %v", e.Country, err)
			continue
		}
		codes = append(codes, c.ISO3)
	}
	slices.Sort(codes)
	if n := len(slices.Compact(slices.Clone(codes))); n != len(codes) {
		t.Errorf("the %d slugs map to %d distinct codes", len(codes), n)
	}
	if diff := cmp.Diff(unMembers(t), codes); diff != "" {
		t.Errorf("slugs' codes against the UN member states (-members +slugs):\n%s", diff)
	}
}

// TestRealYears makes the rows of the real available reports
// (realdata/unroca/years.json, the available_reports of each state's
// profile) and checks them against the counts SOURCES.md gives.
func TestRealYears(t *testing.T) {
	var profiles []struct {
		Country string `json:"country"`
		Years   []struct {
			Year int `json:"year"`
		} `json:"years"`
	}
	readJSON(t, "years.json", &profiles)
	var states []state
	for _, p := range profiles {
		c, _, err := Lookup(Entry{Slug: p.Country})
		if err != nil {
			t.Fatalf("Lookup(slug %s) error = %v", p.Country, err)
		}
		s := state{iso3: c.ISO3, name: c.Name, slug: p.Country}
		for _, y := range p.Years {
			s.years = append(s.years, y.Year)
		}
		states = append(states, s)
	}
	ctx, warnings := collect.WithWarnings(context.Background())
	tab, err := table(ctx, collect.Source{Name: "unroca"}, SiteURL, states, options{})
	if err != nil {
		t.Fatalf("table() error = %v", err)
	}
	if err := dataset.Validate(tab); err != nil {
		t.Fatalf("table() does not validate: %v", err)
	}
	if w := warnings.List(); len(w) != 0 {
		t.Errorf("table() warnings = %q, want none", w)
	}
	// 193 states, 1992 to 2022 (the snapshot's latest year), less the
	// years before the 17 states that joined the UN after 1992 were
	// members (98 state-years, counted by hand from
	// internal/country/un_admissions.csv), except the 24 of those years
	// they reported anyway (Switzerland 1992-2001, Tuvalu 1992-1999, Serbia
	// 1992-1994, Czechia, Slovakia 1992, Kiribati 1997; counted with Python
	// over years.json).
	if want := 193*31 - (98 - 24); tab.Len() != want {
		t.Errorf("table() = %d rows, want %d", tab.Len(), want)
	}
	perYear := map[string]int{}
	reporters := map[string]bool{}
	for i := range tab.Len() {
		if cell(tab, i, "report_kind") == dataset.ReportSubmitted {
			perYear[cell(tab, i, "year")]++
			reporters[cell(tab, i, "country_iso3")] = true
		}
	}
	if len(reporters) != 169 {
		t.Errorf("%d states with a report, want 169", len(reporters))
	}
	for year, want := range map[string]int{"1992": 94, "2001": 124, "2016": 43, "2020": 43, "2021": 57, "2022": 35} {
		if perYear[year] != want {
			t.Errorf("%s: %d reports, want %d", year, perYear[year], want)
		}
	}
}
