package unmilex

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
)

// sampleDocs returns the generated sample pages keyed by their real URLs.
func sampleDocs() map[string][]byte {
	docs := map[string][]byte{}
	for name, b := range fixtureFiles() {
		name = filepath.ToSlash(name)
		u := "https://milex-reporting.unoda.org/" + strings.TrimSuffix(name, "index.html")
		docs[u] = b
	}
	return docs
}

// samplePages are the sample's page URLs in the order Collect fetches them.
func samplePages() []string {
	var urls []string
	for _, p := range fixturePages {
		urls = append(urls, PageURL(p.iso3, p.year))
	}
	return urls
}

func mirrorSource() collect.Source {
	return collect.Source{
		Name:      "unmilex",
		Dataset:   dataset.CBMReports.Name,
		Collector: "unmilex",
		URLs:      []string{StatesURL},
	}
}

// fixedNow is a clock in 2026, so the default last year is 2025.
func fixedNow() time.Time { return time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC) }

func TestCollectSample(t *testing.T) {
	f := &collecttest.MapFetcher{Docs: sampleDocs()}
	ctx, warnings := collect.WithWarnings(context.Background())
	tab, err := (&Collector{Now: fixedNow}).Collect(ctx, f, mirrorSource())
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	if err := tab.Check(); err != nil {
		t.Fatalf("Collect() table: %v", err)
	}
	if err := dataset.Validate(tab); err != nil {
		t.Fatalf("Collect() table does not validate: %v", err)
	}
	if tab.Len() != len(fixturePages) {
		t.Errorf("Collect() = %d rows, want %d (one per sample page)", tab.Len(), len(fixturePages))
	}
	if diff := cmp.Diff(append([]string{StatesURL}, samplePages()...), f.Fetched()); diff != "" {
		t.Errorf("Collect() fetched (-want +got):\n%s", diff)
	}
	want := []string{
		`unmilex: https://milex-reporting.unoda.org/en/states/CYP/2022: the page shows "error ()" in place of the national currency`,
		`unmilex: https://milex-reporting.unoda.org/en/states/CYP/2023: the page shows "error ()" in place of the national currency`,
		"unmilex: https://milex-reporting.unoda.org/en/states/CYP/2024: the page names a currency but shows no figures: a return without figures",
	}
	if diff := cmp.Diff(want, warnings.List()); diff != "" {
		t.Errorf("Collect() warnings (-want +got):\n%s", diff)
	}
	kinds := map[string]string{}
	kind, iso3, year := tab.Schema.Index("report_kind"), tab.Schema.Index("country_iso3"), tab.Schema.Index("year")
	for i := range tab.Len() {
		kinds[tab.Text(i, iso3)+"/"+tab.Text(i, year)] = tab.Text(i, kind)
	}
	for key, want := range map[string]string{
		"AFG/2024": dataset.ReportNone, "LIE/2024": dataset.ReportNil, "ARM/2024": dataset.ReportSingleFigure,
		"DEU/2024": dataset.ReportFull, "LTU/2024": dataset.ReportFullOrSimplified, "CYP/2023": dataset.ReportNone,
	} {
		if kinds[key] != want {
			t.Errorf("Collect() report_kind of %s = %q, want %q", key, kinds[key], want)
		}
	}
}

func TestCollectUnchanged(t *testing.T) {
	// The bodies are not pages at all: an unchanged source must not be
	// read.
	junk := map[string][]byte{StatesURL: sampleDocs()[StatesURL]}
	all := map[string]bool{StatesURL: true}
	errs := map[string]error{}
	for _, u := range samplePages() {
		junk[u] = []byte("<html>archived</html>")
		all[u] = true
		errs[u] = fmt.Errorf("get: %w", collect.ErrNotModified)
	}
	tests := []struct {
		name string
		f    *collecttest.MapFetcher
	}{
		{"archive answers 304", &collecttest.MapFetcher{Docs: junk, NotModified: all}},
		{"fetcher without archive for the pages", &collecttest.MapFetcher{Docs: junk, NotModified: map[string]bool{StatesURL: true}, Errs: errs}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := (&Collector{Now: fixedNow}).Collect(context.Background(), tt.f, mirrorSource())
			if !errors.Is(err, collect.ErrUnchanged) || tab != nil {
				t.Errorf("Collect() = %v, %v; want nil, ErrUnchanged", tab, err)
			}
		})
	}
}

func TestCollectPartlyUnchanged(t *testing.T) {
	docs := sampleDocs()
	fresh, err := (&Collector{Now: fixedNow}).Collect(context.Background(), &collecttest.MapFetcher{Docs: docs}, mirrorSource())
	if err != nil {
		t.Fatal(err)
	}
	// Everything but the last page is unchanged: bodies come from the
	// archive and every page is read again.
	pages := samplePages()
	nm := map[string]bool{StatesURL: true}
	for _, u := range pages[:len(pages)-1] {
		nm[u] = true
	}
	got, err := (&Collector{Now: fixedNow}).Collect(context.Background(), &collecttest.MapFetcher{Docs: docs, NotModified: nm}, mirrorSource())
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	if diff := cmp.Diff(collecttest.Rows(fresh), collecttest.Rows(got)); diff != "" {
		t.Errorf("Collect() partly unchanged rows mismatch (-fresh +got):\n%s", diff)
	}

	// A page unchanged but without an archived body cannot be read again.
	f := &collecttest.MapFetcher{Docs: docs, Errs: map[string]error{pages[0]: collect.ErrNotModified}}
	tab, err := (&Collector{Now: fixedNow}).Collect(context.Background(), f, mirrorSource())
	if !errors.Is(err, collect.ErrNotModified) || errors.Is(err, collect.ErrUnchanged) || tab != nil {
		t.Errorf("Collect() without an archived body = %v, %v; want nil, an error wrapping ErrNotModified", tab, err)
	}

	// An unchanged page that cannot be read is an error once another page
	// turns out changed: unchanged pages are read only then, after every
	// page was asked for, so that a day without change reads none.
	junk := sampleDocs()
	junk[pages[0]] = []byte("<html>archived</html>")
	f = &collecttest.MapFetcher{Docs: junk, NotModified: map[string]bool{StatesURL: true, pages[0]: true}}
	tab, err = (&Collector{Now: fixedNow}).Collect(context.Background(), f, mirrorSource())
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), pages[0]) || tab != nil {
		t.Errorf("Collect() with an unreadable unchanged page = %v, %v; want nil, an error wrapping ErrFormat naming %s", tab, err, pages[0])
	}
	if n := len(f.Fetched()); n != 1+len(pages)+1 {
		t.Errorf("Collect() fetched %d documents, want %d: the index, every page, then the unchanged page read again", n, 1+len(pages)+1)
	}
}

func TestCollectErrors(t *testing.T) {
	docs := sampleDocs()
	pages := samplePages()
	with := func(u string, body []byte) map[string][]byte {
		d := sampleDocs()
		d[u] = body
		return d
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	shell := []byte(`<!DOCTYPE html><html><body><div class="spinner-container"></div><script src="/main.js"></script></body></html>`)
	unknownState := with(StatesURL, []byte(`<html><body><a href="/en/states/ZZZ/2024">?</a></body></html>`))

	tests := []struct {
		name    string
		ctx     context.Context
		options map[string]any
		urls    []string
		f       *collecttest.MapFetcher
		want    error  // nil: any error
		naming  string // a URL the error must name
	}{
		{"page shell", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: with(pages[4], shell)}, ErrNotRendered, pages[4]},
		{"error page", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: with(pages[7], []byte("<html><body>Maintenance</body></html>"))}, ErrFormat, pages[7]},
		{"bad total", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: with(pages[9], sitePage(eurMillion+headline("50.120,3")))}, ErrNumber, pages[9]},
		{"server error", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: docs, Errs: map[string]error{pages[2]: &collect.StatusError{URL: pages[2], Code: 503}}}, nil, pages[2]},
		{"page missing", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: with(pages[5], nil), Errs: map[string]error{pages[5]: &collect.StatusError{URL: pages[5], Code: 404}}}, nil, pages[5]},
		{"too large", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: docs, Errs: map[string]error{pages[0]: collect.ErrTooLarge}}, collect.ErrTooLarge, pages[0]},
		{"index fails", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: docs, Errs: map[string]error{StatesURL: &collect.StatusError{URL: StatesURL, Code: 500}}}, nil, StatesURL},
		{"unknown state on the index", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: unknownState}, ErrCountry, ""},
		{"state not on the index", context.Background(), map[string]any{"states": []any{"FRA"}}, nil, &collecttest.MapFetcher{Docs: docs}, ErrConfig, ""},
		{"unknown option", context.Background(), map[string]any{"first_yaer": int64(2000)}, nil, &collecttest.MapFetcher{Docs: docs}, ErrConfig, ""},
		{"bad states option", context.Background(), map[string]any{"states": "DEU"}, nil, &collecttest.MapFetcher{Docs: docs}, ErrConfig, ""},
		{"bad state code", context.Background(), map[string]any{"states": []any{"DE"}}, nil, &collecttest.MapFetcher{Docs: docs}, ErrConfig, ""},
		{"empty states", context.Background(), map[string]any{"states": []any{}}, nil, &collecttest.MapFetcher{Docs: docs}, ErrConfig, ""},
		{"years reversed", context.Background(), map[string]any{"first_year": int64(2024), "last_year": int64(2022)}, nil, &collecttest.MapFetcher{Docs: docs}, ErrConfig, ""},
		{"year not whole", context.Background(), map[string]any{"first_year": 2022.5}, nil, &collecttest.MapFetcher{Docs: docs}, ErrConfig, ""},
		{"too many pages", context.Background(), map[string]any{"max_pages": int64(17)}, nil, &collecttest.MapFetcher{Docs: docs}, ErrConfig, ""},
		{"cancelled", cancelled, nil, nil, &collecttest.MapFetcher{Docs: docs}, context.Canceled, ""},
		{"two urls", context.Background(), nil, []string{StatesURL, StatesURL}, &collecttest.MapFetcher{Docs: docs}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := mirrorSource()
			src.Options = tt.options
			if tt.urls != nil {
				src.URLs = tt.urls
			}
			tab, err := (&Collector{Now: fixedNow}).Collect(tt.ctx, tt.f, src)
			if tab != nil || err == nil {
				t.Fatalf("Collect() = %v, %v; want nil and an error", tab, err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Collect() error = %v, want %v", err, tt.want)
			}
			if tt.naming != "" && !strings.Contains(err.Error(), tt.naming) {
				t.Errorf("Collect() error = %v, want it to name %s", err, tt.naming)
			}
		})
	}
}

// TestCollectIndexFallback: an index that links no state, or none at all,
// gives way to the UN members and the default years.
func TestCollectIndexFallback(t *testing.T) {
	docs := sampleDocs()
	opts := map[string]any{"states": []any{"lie", "AFG"}, "first_year": int64(2023)}
	tests := []struct {
		name string
		f    *collecttest.MapFetcher
	}{
		{"shell", &collecttest.MapFetcher{Docs: map[string][]byte{StatesURL: []byte(`<html><body><div class="spinner-container"></div></body></html>`)}}},
		{"404", &collecttest.MapFetcher{Errs: map[string]error{StatesURL: &collect.StatusError{URL: StatesURL, Code: 404}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := maps.Clone(docs)
			maps.Copy(all, tt.f.Docs)
			tt.f.Docs = all
			// 2025 is past the sample: its pages are served as the
			// empty form.
			for _, code := range []string{"AFG", "LIE"} {
				tt.f.Docs[PageURL(code, 2025)] = docs[PageURL("AFG", 2024)]
			}
			src := mirrorSource()
			src.Options = opts
			ctx, warnings := collect.WithWarnings(context.Background())
			tab, err := (&Collector{Now: fixedNow}).Collect(ctx, tt.f, src)
			if err != nil {
				t.Fatalf("Collect() error = %v", err)
			}
			want := []string{StatesURL,
				PageURL("AFG", 2023), PageURL("AFG", 2024), PageURL("AFG", 2025),
				PageURL("LIE", 2023), PageURL("LIE", 2024), PageURL("LIE", 2025)}
			if diff := cmp.Diff(want, tt.f.Fetched()); diff != "" {
				t.Errorf("Collect() fetched (-want +got):\n%s", diff)
			}
			if tab.Len() != 6 {
				t.Errorf("Collect() = %d rows, want 6", tab.Len())
			}
			if w := warnings.List(); len(w) == 0 || !strings.Contains(strings.Join(w, "\n"), "193 UN member states") {
				t.Errorf("Collect() warnings = %q, want one about reading the UN member states", w)
			}
		})
	}
}

// TestCollectFiles reads pages saved by hand into a folder, with an index
// that links them relatively: the rows link to the site, not the disk.
func TestCollectFiles(t *testing.T) {
	dir := t.TempDir()
	index := `<html><body><ul><li><a href="DEU/2024">Germany 2024</a></li><li><a href="LIE/2024">Liechtenstein 2024</a></li></ul></body></html>`
	files := map[string][]byte{"index.html": []byte(index)}
	for _, code := range []string{"DEU", "LIE"} {
		files[filepath.Join(code, "2024")] = fixtureFiles()[filepath.Join("en", "states", code, "2024")]
	}
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := mirrorSource()
	src.URLs = []string{"file://" + filepath.ToSlash(filepath.Join(dir, "index.html"))}
	tab, err := (&Collector{Now: fixedNow}).Collect(context.Background(), collecttest.Fetcher(t, src, nil), src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	link := tab.Schema.Index("link")
	var got []string
	for i := range tab.Len() {
		got = append(got, tab.Text(i, link))
	}
	if diff := cmp.Diff([]string{PageURL("DEU", 2024), PageURL("LIE", 2024)}, got); diff != "" {
		t.Errorf("Collect() links (-want +got):\n%s", diff)
	}
}

func TestPageURL(t *testing.T) {
	if got, want := PageURL("DEU", 2024), "https://milex-reporting.unoda.org/en/states/DEU/2024"; got != want {
		t.Errorf("PageURL(DEU, 2024) = %q, want %q", got, want)
	}
}

func TestMembers(t *testing.T) {
	m := Members()
	if len(m) != 193 {
		t.Errorf("Members() = %d states, want 193", len(m))
	}
	for i, code := range m {
		if i > 0 && m[i-1] >= code {
			t.Errorf("Members() not sorted or repeats at %s", code)
		}
	}
	for _, non := range []string{"PSE", "VAT", "TWN", "XKX"} {
		if slices.Contains(m, non) {
			t.Errorf("Members() holds %s, which is not a UN member", non)
		}
	}
	for _, code := range m {
		if c, ok := country.Lookup(code); !ok || c.Kind != country.KindCountry {
			t.Errorf("Members() holds %s, which the registry does not hold as a country", code)
		}
	}
}

// Every total is in whole units of its currency, whatever multiplier the
// state reported in; one with a multiplier the form does not offer is left
// out, with a warning.
func TestTableTotalsInOneUnit(t *testing.T) {
	ctx, warnings := collect.WithWarnings(context.Background())
	pages := []page{
		{iso3: "DEU", year: 2024, url: "https://milex-reporting.unoda.org/en/states/DEU/2024",
			report: &Report{Kind: dataset.ReportFull, Currency: "EUR", Unit: "Million", Total: 70105.6, HasTotal: true}},
		{iso3: "ARM", year: 2023, url: "https://milex-reporting.unoda.org/en/states/ARM/2023",
			report: &Report{Kind: dataset.ReportSingleFigure, Currency: "AMD", Unit: "Thousand", Total: 601250000.5, HasTotal: true}},
		{iso3: "ARM", year: 2024, url: "https://milex-reporting.unoda.org/en/states/ARM/2024",
			report: &Report{Kind: dataset.ReportSingleFigure, Currency: "AMD", Unit: "No Multiplier", Total: 648900120000, HasTotal: true}},
		{iso3: "LTU", year: 2024, url: "https://milex-reporting.unoda.org/en/states/LTU/2024",
			report: &Report{Kind: dataset.ReportFull, Currency: "EUR", Unit: "Hundred", Total: 5, HasTotal: true}},
	}
	tbl, err := table(ctx, collect.Source{Name: "unmilex"}, pages)
	if err != nil {
		t.Fatal(err)
	}
	total := dataset.CBMSchema.Index("total")
	var got []string
	for i := range tbl.Len() {
		got = append(got, tbl.Text(i, 0)+" "+tbl.Text(i, dataset.CBMSchema.Index("year"))+" "+tbl.Text(i, total))
	}
	want := []string{"DEU 2024 70105600000", "ARM 2023 601250000500", "ARM 2024 648900120000", "LTU 2024 "}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("totals (-want +got):\n%s", diff)
	}
	if w := warnings.List(); len(w) != 1 || !strings.Contains(w[0], `the total 5 is left out: its unit of measure "Hundred"`) {
		t.Errorf("warnings = %q", w)
	}
}
