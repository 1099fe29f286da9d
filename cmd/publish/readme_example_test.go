package main

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
)

// TestReadmeForkExample runs the worked example of README.md's "Adding a
// source in a fork" as written: its sources entry over its HTML page.
func TestReadmeForkExample(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "## Adding a source in a fork")
	if start < 0 {
		t.Fatal("README.md has no section on adding a source in a fork")
	}
	section := text[start:]
	block := func(lang string) string {
		m := regexp.MustCompile("(?s)```" + lang + "\n(.*?)```").FindStringSubmatch(section)
		if m == nil {
			t.Fatalf("no %s block in the section", lang)
		}
		// The TOML block is indented inside a list item.
		lines := strings.Split(m[1], "\n")
		for i, l := range lines {
			lines[i] = strings.TrimPrefix(l, "   ")
		}
		return strings.Join(lines, "\n")
	}
	page := block("html")
	cfg, err := collect.ParseConfig([]byte(block("toml")))
	if err != nil {
		t.Fatalf("the example's sources entry: %v", err)
	}
	src := cfg.Sources[0]
	c, ok := collectors()[src.Collector]
	if !ok {
		t.Fatalf("collector %q is not wired", src.Collector)
	}
	if err := c.(interface{ Check(collect.Source) error }).Check(src); err != nil {
		t.Fatalf("Check: %v", err)
	}
	fsys := fstest.MapFS{"www.riksrevisionen.se/en/audit-reports.html": {Data: []byte(page)}}
	f := collecttest.Fetcher(t, src, fsys)
	// The page links a second page, which the example does not show: give
	// it one row that is not about defence, so the skip rule shows too.
	fsys["www.riksrevisionen.se/en/audit-reports.html@page=2"] = &fstest.MapFile{Data: []byte(
		`<table class="reports"><thead><tr><th>No.</th><th>Title</th><th>Published</th><th>Topics</th><th>Recommendations</th></tr></thead>` +
			`<tbody><tr><td>RiR 2024:2</td><td><a href="/en/reports/2024-2">Pension fees</a></td><td>1 February 2024</td><td>Pensions</td><td>3</td></tr></tbody></table>`)}
	tbl, err := c.Collect(context.Background(), f, src)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	if tbl.Len() != 1 {
		t.Fatalf("rows = %d, want 1 (the defence report)", tbl.Len())
	}
	row := map[string]string{}
	for i, fld := range tbl.Schema.Fields {
		row[fld.Name] = tbl.Text(0, i)
	}
	want := map[string]string{"auditor": "se_nao", "report_id": "RiR 2024:3", "country_iso3": "SWE", "jurisdiction": "Sweden",
		"published": "2024-03-04", "title": "Defence materiel procurement", "subject": "Defence", "recommendations": "6",
		"link": "https://www.riksrevisionen.se/en/reports/2024-3"}
	for k, v := range want {
		if row[k] != v {
			t.Errorf("field %s = %q, want %q", k, row[k], v)
		}
	}
	if tbl.Schema != dataset.AuditSchema {
		t.Errorf("rows of another dataset than audit-outcomes")
	}
}
