package gao

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
)

// mirrorSource is the gao source of the repository's sources.toml without its
// options: the listing and the feed in the bundled mirror.
func mirrorSource() collect.Source {
	return collect.Source{
		Name: "gao", Dataset: dataset.AuditOutcomes.Name, Collector: "gao",
		URLs:  []string{ListingURL, FeedURL},
		Hosts: []string{"www.gao.gov"},
	}
}

// wantMirror is every row the bundled mirror yields, by report number: the
// eight reports of the listing's three pages and the one defence report of
// the feed the listing does not have yet.
var wantMirror = []report{
	{ID: "GAO-23-105833", Published: "2023-08-30", Title: "Military Personnel: Services Should Clarify Who May Sit on Separation Boards",
		Link: "https://www.gao.gov/products/gao-23-105833"},
	{ID: "GAO-23-106512", Published: "2023-09-14", Title: "Weapon System Sustainment: Ship Availability Has Declined as Repair Costs Rose",
		Recommendations: intp(6), Link: "https://www.gao.gov/products/gao-23-106512"},
	{ID: "GAO-24-105987", Published: "2024-05-22", Title: "Nuclear Weapons: NNSA and DOD Should Align Warhead Delivery Schedules",
		Recommendations: intp(1), Link: "https://www.gao.gov/products/gao-24-105987"},
	{ID: "GAO-24-106044", Published: "2024-05-30", Title: "Space Acquisitions: Satellite Ground Systems Lag Behind the Satellites They Control",
		Recommendations: intp(2), Link: "https://www.gao.gov/products/gao-24-106044"},
	{ID: "GAO-24-106198", Published: "2024-06-05", Title: "Defense Health Care: Military Clinic Staffing Data Are Incomplete",
		Recommendations: intp(0), Link: "https://www.gao.gov/products/gao-24-106198"},
	{ID: "GAO-24-106256", Published: "2024-06-13", Title: "F-35 Aircraft: DOD’s Sustainment Cost Goals Need Clearer Targets",
		Recommendations: intp(4), Link: "https://www.gao.gov/products/gao-24-106256"},
	{ID: "GAO-24-106301", Published: "2024-06-11", Title: "Navy Ship Maintenance: Delays Are Recorded but Their Causes Are Not Tracked",
		Recommendations: intp(3), Link: "https://www.gao.gov/products/gao-24-106301"},
	{ID: "GAO-24-107120T", Published: "2024-06-12", Title: "Defense Acquisitions: Observations on Cost Growth in Major Weapon Programs",
		Link: "https://www.gao.gov/products/gao-24-107120t"},
	{ID: "GAO-24-107311", Published: "2024-06-20", Title: "Army Modernization: Vehicle Fielding Plans Lack Cost Baselines",
		Recommendations: intp(5), Link: "https://www.gao.gov/products/gao-24-107311"},
}

// wantMirrorWarnings are the disagreements between the mirror's listing and
// feed, which it holds on purpose.
var wantMirrorWarnings = []string{
	`gao: GAO-24-106301: the listing's title "Navy Ship Maintenance: Delays Are Recorded but Their Causes Are Not Tracked" differs from the feed's "Navy Readiness: Ship Maintenance Delays Need Better Tracking"; the listing's is kept`,
	`gao: GAO-24-106044: the listing dates it 2024-05-30 but the feed 2024-06-03; the listing's date is kept`,
}

// reportsOf reads a table of mirrorSource back into reports, checking the
// columns every row shares.
func reportsOf(t *testing.T, tab *dataset.Table) []report {
	t.Helper()
	if err := tab.Check(); err != nil {
		t.Fatalf("table: %v", err)
	}
	col := func(name string) int {
		i := tab.Schema.Index(name)
		if i < 0 {
			t.Fatalf("table has no column %q", name)
		}
		return i
	}
	var out []report
	for i := range tab.Len() {
		fixed := map[string]string{"auditor": "us_gao", "country_iso3": "USA", "jurisdiction": "United States", dataset.SourceField: mirrorSource().Name}
		for name, want := range fixed {
			if got := tab.Text(i, col(name)); got != want {
				t.Errorf("row %d: %s = %q, want %q", i, name, got, want)
			}
		}
		r := report{
			ID: tab.Text(i, col("report_id")), Published: tab.Text(i, col("published")), Title: tab.Text(i, col("title")),
			Subject: tab.Text(i, col("subject")), Link: tab.Text(i, col("link")),
		}
		if c := col("recommendations"); !tab.IsNull(i, c) {
			r.Recommendations = intp(int(tab.Value(i, c).Int))
		}
		out = append(out, r)
	}
	return out
}

func TestCollectMirror(t *testing.T) {
	orders := []struct {
		name string
		urls []string
	}{
		{"listing first", []string{ListingURL, FeedURL}},
		{"feed first", []string{FeedURL, ListingURL}},
	}
	for _, order := range orders {
		t.Run(order.name, func(t *testing.T) {
			src := mirrorSource()
			src.URLs = order.urls
			ctx, w := collect.WithWarnings(t.Context())
			tab, err := new(Collector).Collect(ctx, collecttest.Fetcher(t, src, mirror.FS), src)
			if err != nil {
				t.Fatalf("Collect() error = %v", err)
			}
			if diff := cmp.Diff(wantMirror, reportsOf(t, tab)); diff != "" {
				t.Errorf("Collect(mirror) rows mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantMirrorWarnings, w.List()); diff != "" {
				t.Errorf("Collect(mirror) warnings mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCollectValidates runs the mirror's table through the checks that block
// publishing: schema, types, patterns, ranges and the primary key.
func TestCollectValidates(t *testing.T) {
	src := mirrorSource()
	tab, err := new(Collector).Collect(t.Context(), collecttest.Fetcher(t, src, mirror.FS), src)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Schema != dataset.AuditSchema {
		t.Errorf("Collect() schema is not dataset.AuditSchema")
	}
	if !tab.IsSorted() {
		t.Errorf("Collect() rows are not sorted by the primary key")
	}
	if err := dataset.Validate(tab); err != nil {
		t.Errorf("Validate(Collect()) = %v", err)
	}
}

func TestCollectPagination(t *testing.T) {
	src := mirrorSource()
	rec := &collecttest.Recorder{Next: collecttest.Fetcher(t, src, mirror.FS)}
	if _, err := new(Collector).Collect(t.Context(), rec, src); err != nil {
		t.Fatal(err)
	}
	want := []string{ListingURL, pageURL(1), pageURL(2), FeedURL}
	if diff := cmp.Diff(want, rec.Fetched()); diff != "" {
		t.Errorf("Collect() fetched (-want +got):\n%s", diff)
	}
}

func TestCollectPageCap(t *testing.T) {
	tests := []struct {
		maxPages any
		wantErr  error
	}{
		{int64(1), ErrPageCap},
		{int64(2), ErrPageCap},
		{int64(3), nil}, // exactly the listing's pages
		{3.0, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.maxPages), func(t *testing.T) {
			src := mirrorSource()
			src.Options = map[string]any{"max_pages": tt.maxPages}
			tab, err := new(Collector).Collect(t.Context(), collecttest.Fetcher(t, src, mirror.FS), src)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tab != nil) {
				t.Errorf("Collect(max_pages = %v) = %v rows, %v; want error %v", tt.maxPages, rowCount(tab), err, tt.wantErr)
			}
		})
	}
}

func rowCount(t *dataset.Table) int {
	if t == nil {
		return -1
	}
	return t.Len()
}

// mapMirror returns a copy of the bundled mirror's GAO files, to edit.
func mapMirror(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(mirror.FS, "www.gao.gov", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(mirror.FS, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// pageFile returns the mirror's file name of a listing page.
func pageFile(n int) string {
	return "www.gao.gov/reports-testimonies@" + strings.TrimPrefix(pageURL(n), "https://www.gao.gov/reports-testimonies?")
}

// edit replaces old with new in the file name of m, once.
func edit(t *testing.T, m fstest.MapFS, name, old, new string) {
	t.Helper()
	s := string(m[name].Data)
	if !strings.Contains(s, old) {
		t.Fatalf("%s has no %q", name, old)
	}
	m[name] = &fstest.MapFile{Data: []byte(strings.Replace(s, old, new, 1))}
}

func TestCollectBrokenListing(t *testing.T) {
	next1 := `href="?f%5B0%5D=by_agency_name%3ADepartment%20of%20Defense&amp;page=2" class="usa-pagination__link usa-pagination__next-page" aria-label="Next page"`
	tests := []struct {
		name    string
		edit    func(t *testing.T, m fstest.MapFS)
		wantErr error
	}{
		{"next link back to the first page", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, pageFile(1), next1, `href="?f%5B0%5D=by_agency_name%3ADepartment%20of%20Defense" class="usa-pagination__link usa-pagination__next-page" aria-label="Next page"`)
		}, ErrFormat},
		{"a page missing", func(t *testing.T, m fstest.MapFS) { delete(m, pageFile(2)) }, collect.ErrNotInMirror},
		{"a page without results", func(t *testing.T, m fstest.MapFS) {
			m[pageFile(2)] = &fstest.MapFile{Data: []byte(listingHTML("0 Reports", "<p>No results.</p>", ""))}
		}, ErrFormat},
		{"a feed date in a new format", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "www.gao.gov/rss/reports.xml", "Thu, 13 Jun 2024 10:00:00 -0400", "2024-06-13T10:00:00-04:00")
		}, ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mapMirror(t)
			tt.edit(t, m)
			src := mirrorSource()
			tab, err := new(Collector).Collect(t.Context(), collecttest.Fetcher(t, src, m), src)
			if !errors.Is(err, tt.wantErr) || tab != nil {
				t.Errorf("Collect() = %d rows, %v; want no table and an error wrapping %v", rowCount(tab), err, tt.wantErr)
			}
		})
	}
}

func TestCollectDuplicateAcrossPages(t *testing.T) {
	// A report published while the listing is read pushes the last result
	// of page 1 to the top of page 2.
	m := mapMirror(t)
	p1 := string(m[pageFile(1)].Data)
	i := strings.Index(p1, `                <h3>Released on <time datetime="2024-05-22`)
	j := strings.Index(p1, `              </div>
              <nav`)
	edit(t, m, pageFile(2), `<div class="view-content">
`, `<div class="view-content">
`+p1[i:j])
	src := mirrorSource()
	ctx, w := collect.WithWarnings(t.Context())
	tab, err := new(Collector).Collect(ctx, collecttest.Fetcher(t, src, m), src)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantMirror, reportsOf(t, tab)); diff != "" {
		t.Errorf("Collect() rows mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantMirrorWarnings, w.List()); diff != "" {
		t.Errorf("Collect() warnings mismatch (-want +got):\n%s", diff)
	}
}

func TestCollectCountMismatch(t *testing.T) {
	m := mapMirror(t)
	edit(t, m, pageFile(0), "1 - 3 of 8 Reports", "1 - 3 of 9 Reports")
	src := mirrorSource()
	ctx, w := collect.WithWarnings(t.Context())
	if _, err := new(Collector).Collect(ctx, collecttest.Fetcher(t, src, m), src); err != nil {
		t.Fatal(err)
	}
	if got := w.List(); len(got) != 3 || !strings.Contains(got[0], "states 9 reports but 8 were read") {
		t.Errorf("Collect() warnings = %q; want the count warning first and the mirror's two", got)
	}
}

func TestCollectSubject(t *testing.T) {
	src := mirrorSource()
	src.Options = map[string]any{"subject": " National Defense "}
	tab, err := new(Collector).Collect(t.Context(), collecttest.Fetcher(t, src, mirror.FS), src)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reportsOf(t, tab) {
		want := "National Defense"
		if r.ID == "GAO-24-107311" { // only in the feed
			want = ""
		}
		if r.Subject != want {
			t.Errorf("Collect() %s subject = %q, want %q", r.ID, r.Subject, want)
		}
	}
}

func TestCollectFeedFilter(t *testing.T) {
	src := mirrorSource()
	src.Options = map[string]any{"feed_filter": "Broadband"}
	tab, err := new(Collector).Collect(t.Context(), collecttest.Fetcher(t, src, mirror.FS), src)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range reportsOf(t, tab) {
		ids = append(ids, r.ID)
	}
	if !slices.Contains(ids, "GAO-24-106290") || slices.Contains(ids, "GAO-24-107311") || len(ids) != len(wantMirror) {
		t.Errorf("Collect(feed_filter = Broadband) = %q; want the listing's eight and GAO-24-106290", ids)
	}
}

func TestCollectErrors(t *testing.T) {
	tests := []struct {
		name    string
		mod     func(*collect.Source)
		wantErr error
	}{
		{"unknown option", func(s *collect.Source) { s.Options = map[string]any{"max_page": int64(3)} }, ErrOptions},
		{"max_pages zero", func(s *collect.Source) { s.Options = map[string]any{"max_pages": int64(0)} }, ErrOptions},
		{"max_pages text", func(s *collect.Source) { s.Options = map[string]any{"max_pages": "50"} }, ErrOptions},
		{"max_pages fraction", func(s *collect.Source) { s.Options = map[string]any{"max_pages": 2.5} }, ErrOptions},
		{"bad filter", func(s *collect.Source) { s.Options = map[string]any{"feed_filter": "(defen[cs]e"} }, ErrOptions},
		{"empty filter", func(s *collect.Source) { s.Options = map[string]any{"feed_filter": " "} }, ErrOptions},
		{"subject not text", func(s *collect.Source) { s.Options = map[string]any{"subject": int64(1)} }, ErrOptions},
		{"feed without a listing", func(s *collect.Source) { s.URLs = []string{FeedURL} }, ErrFormat},
		{"a url the mirror lacks", func(s *collect.Source) { s.URLs = append(s.URLs, "https://www.gao.gov/rss/testimonies.xml") }, collect.ErrNotInMirror},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := mirrorSource()
			tt.mod(&src)
			tab, err := new(Collector).Collect(t.Context(), collecttest.Fetcher(t, src, mirror.FS), src)
			if !errors.Is(err, tt.wantErr) || tab != nil {
				t.Errorf("Collect() = %d rows, %v; want no table and an error wrapping %v", rowCount(tab), err, tt.wantErr)
			}
		})
	}
	t.Run("no urls", func(t *testing.T) {
		src := mirrorSource()
		src.URLs = nil
		if tab, err := new(Collector).Collect(t.Context(), collecttest.Fetcher(t, src, mirror.FS), src); err == nil || tab != nil {
			t.Errorf("Collect() = %d rows, %v; want an error", rowCount(tab), err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		src := mirrorSource()
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if tab, err := new(Collector).Collect(ctx, collecttest.Fetcher(t, src, mirror.FS), src); !errors.Is(err, context.Canceled) || tab != nil {
			t.Errorf("Collect() = %d rows, %v; want an error wrapping context.Canceled", rowCount(tab), err)
		}
	})
}
