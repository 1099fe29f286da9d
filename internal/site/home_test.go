package site

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestHomeFiguresAndRisk reads the home page's figures and the risk page
// of the families site: the world's total from its aggregate row, the
// rises and falls, the newest audit reports linking on, and each shown
// risk source's latest figures for every state.
func TestHomeFiguresAndRisk(t *testing.T) {
	_, public := build(t, familiesInput(t))
	home := parseHTML(t, public, "index.html")
	world := home.Find("table.totals tr.world")
	if got := strings.Join(strings.Fields(world.Text()), " "); got != "World1,859,928" {
		t.Errorf("world total = %q, want the aggregate's 2019 figure in US$ million", got)
	}
	if home.Find("#latest-audits-heading").Length() != 1 || home.Find("ol.audits li").Length() == 0 {
		t.Error("home page: no latest audit reports")
	}
	if href, _ := home.Find(`a[href$="rankings/index.html"]`).Attr("href"); href == "" {
		t.Error("home page: no link to the rankings")
	}

	risk := parseHTML(t, public, "risk/index.html")
	if got := risk.Find("h1").Text(); got != "Risk of conflict" {
		t.Errorf("risk page h1 = %q", got)
	}
	var gpi []string
	risk.Find("#risk-gpi-table tbody tr").Each(func(_ int, s *goquery.Selection) {
		gpi = append(gpi, s.AttrOr("data-iso3", "")+" "+strings.Join(strings.Fields(s.Find("td").First().Text()), " "))
	})
	// 2025, least peaceful first; Iceland has no score.
	if want := []string{"AFG 3.294", "NOR 1.6", "DEU 1.533"}; strings.Join(gpi, ",") != strings.Join(want, ",") {
		t.Errorf("GPI rows = %q, want %q", gpi, want)
	}
	if got := strings.Join(strings.Fields(risk.Find("#risk-crisiswatch-table tbody tr").First().Text()), " "); !strings.HasPrefix(got, "SudanDeteriorated") {
		t.Errorf("CrisisWatch row = %q, want Sudan's October trend", got)
	}
}
