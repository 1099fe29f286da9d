package site

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/dataset"
)

// TestRankings builds the rankings of the small site: SIPRI's rows of
// testRecords rank beside the World Bank's, with their marks; the world
// never ranks; SIPRI, once its terms withhold it, is named with the
// reason instead of ranked.
func TestRankings(t *testing.T) {
	t.Run("published", func(t *testing.T) {
		_, public := build(t, testInput(t, true))
		doc := parseHTML(t, public, "rankings/name/index.html")
		var codes []string
		doc.Find("#rankings tbody tr").Each(func(_ int, s *goquery.Selection) {
			codes = append(codes, s.AttrOr("data-iso3", ""))
		})
		// Sorted by name; the world (an aggregate) and the USSR (no
		// figure in a ranked year) are not there.
		if diff := cmp.Diff([]string{"CIV", "DEU"}, codes); diff != "" {
			t.Errorf("states ranked (-want +got):\n%s", diff)
		}
		heads := doc.Find("#rankings thead th").Map(func(_ int, s *goquery.Selection) string {
			return strings.Join(strings.Fields(s.Text()), " ")
		})
		// No 10-year change: no state has a figure ten years before.
		want := []string{"Rank and state", "Spending in constant US$2021, US$ million at 2023 prices",
			"Share of GDP2023, percent", "Spending per person2023, current US$"}
		if diff := cmp.Diff(want, heads); diff != "" {
			t.Errorf("columns (-want +got):\n%s", diff)
		}
		// Share of GDP: SIPRI's (first in the sources), for its latest
		// year; Germany has none in 2023.
		page := parseHTML(t, public, "rankings/share-of-gdp/index.html")
		first := page.Find("#rankings tbody tr").First()
		if got := strings.Join(strings.Fields(first.Text()), " "); !strings.HasPrefix(got, "1 Côte d'Ivoire") || !strings.Contains(got, "0.99%") {
			t.Errorf("first row sorted by share of GDP: %q", got)
		}
		if page.Find("#rankings thead th[aria-sort=descending] a").Length() != 0 {
			t.Error("the sorted column links to itself")
		}
		if !strings.Contains(readFile(t, public, "rankings/index.html"), "1 aggregate (the world, a region or a group of states)") {
			t.Error("the world is not counted as left out")
		}
	})
	t.Run("withheld", func(t *testing.T) {
		in := testInput(t, true)
		var wb []dataset.Expenditure
		for _, r := range testRecords() {
			if r.Source == dataset.SourceWorldBank {
				wb = append(wb, r)
			}
		}
		tab := dataset.ExpenditureTable(wb)
		tab.SortByKey()
		in.Datasets[0].Table, in.Datasets[0].ParquetPath = tab, ""
		in.Sources[0].Terms, in.Sources[0].Withheld, in.Sources[0].Download = "excerpt", 15, "https://www.sipri.org/databases/milex"
		_, public := build(t, in)
		page := readFile(t, public, "rankings/index.html")
		for _, want := range []string{
			`<a href="https://www.sipri.org/databases/milex">SIPRI</a> is not ranked here: its terms allow excerpts only`,
			"Sorted by “Share of GDP”",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("rankings lack %q", want)
			}
		}
		if strings.Contains(page, "constant US$") {
			t.Error("withheld SIPRI figures ranked")
		}
	})
}
