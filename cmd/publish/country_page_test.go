package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// TestConfiguredRiskSource adds a risk-reports source to a sources file,
// served by the generic csv collector, with a [source.country_page] that
// names its indicator, and finds it on the country pages: which indicators
// a page shows is configuration, not code.
func TestConfiguredRiskSource(t *testing.T) {
	tmp := t.TempDir()
	csv := filepath.Join(tmp, "conflict-index.csv")
	if err := os.WriteFile(csv, []byte("iso3,year,score,other\nDEU,2024,3.1,1\nDEU,2025,3.4,2\nFRA,2025,2.0,3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	source := func(page string) string {
		return `[[source]]
name = "conflict-index"
title = "Conflict Index of a fork"
dataset = "risk-reports"
collector = "csv"
urls = ["` + fileURL(csv) + `"]
homepage = "https://conflict-index.example.org/"
licence = "CC BY 4.0"
terms = "open"
min_rows = 1

[source.options.fields.publisher]
value = "conflict_index"
[source.options.fields.country_iso3]
column = "iso3"
[source.options.fields.country_name]
template = "{country_iso3}"
transforms = [{ op = "country_name" }]
[source.options.fields.period]
column = "year"
[source.options.fields.indicator]
value = "conflict_index"
[source.options.fields.value]
column = "score"
[source.options.fields.unit]
value = "index 0-10 (10 = most conflict)"
[source.options.fields.link]
value = "https://conflict-index.example.org/2025"
` + page
	}
	build := func(name, page string) string {
		sources := filepath.Join(tmp, name+".toml")
		if err := os.WriteFile(sources, []byte(source(page)), 0o644); err != nil {
			t.Fatal(err)
		}
		data, public := filepath.Join(tmp, name, "data"), filepath.Join(tmp, name, "public")
		if r := run(t, time.Date(2026, 5, 1, 6, 0, 0, 0, time.UTC), "run", "--sources", sources, "--data", data, "--out", public); r.code != exitOK {
			t.Fatalf("run: exit %d: %v\n%s", r.code, r.err, r.stderr)
		}
		return public
	}
	page := func(public, code string) *goquery.Document {
		b, err := os.ReadFile(filepath.Join(public, "countries", code, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}

	shown := build("shown", "\n[source.country_page]\nindicators = [\"conflict_index\"]\n")
	deu := page(shown, "deu")
	panel := deu.Find(`section[aria-labelledby="risk-conflict-index"]`)
	if panel.Length() != 1 {
		t.Fatalf("Germany's page has no panel of the configured source:\n%s", deu.Find("main").Text())
	}
	for _, want := range []string{
		"Conflict Index of a fork",
		"conflict index 3.4 in 2025, 0.3 higher than in 2024 (3.1).",
		"Scale: index 0-10 (10 = most conflict).",
	} {
		if !strings.Contains(panel.Text(), want) {
			t.Errorf("the panel lacks %q:\n%s", want, panel.Text())
		}
	}
	var rows []string
	panel.Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
		var cells []string
		tr.Children().Each(func(_ int, c *goquery.Selection) { cells = append(cells, c.Text()) })
		rows = append(rows, strings.Join(cells, " "))
	})
	if strings.Join(rows, "|") != "2025 3.4|2024 3.1" {
		t.Errorf("the panel's rows = %q, want 2025 3.4 and 2024 3.1", rows)
	}
	if href, _ := panel.Find("p.source a").Last().Attr("href"); href != "https://conflict-index.example.org/2025" {
		t.Errorf("the panel links to %q, want the publisher's page", href)
	}
	if page(shown, "fra").Find(`section[aria-labelledby="risk-conflict-index"]`).Length() != 1 {
		t.Errorf("France's page has no panel of the configured source")
	}

	// Without a country_page the rows stay in the downloads, and the
	// pages say so.
	hidden := build("hidden", "")
	deu = page(hidden, "deu")
	if deu.Find("section.risk").Length() != 0 {
		t.Errorf("a source without country_page shows on the country pages")
	}
	if got := deu.Find("#risk ~ p").Eq(1).Text(); !strings.Contains(got, "2 figures for this country, of indicators this page does not show") {
		t.Errorf("Germany's risk section = %q, want it to point to the downloads", got)
	}
}
