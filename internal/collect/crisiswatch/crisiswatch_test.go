package crisiswatch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
)

func cwSource(u string, opts map[string]any) collect.Source {
	return collect.Source{Name: "crisiswatch", Dataset: "risk-reports", Collector: "crisiswatch", URLs: []string{u}, Options: opts}
}

// row is one row of the risk-reports table, the fields CrisisWatch sets.
type row struct {
	Country, Name, Period, Indicator, Category, Summary, Link string
}

func tableRows(t *testing.T, tab *dataset.Table) []row {
	t.Helper()
	s := tab.Schema
	get := func(i int, f string) string { return tab.Text(i, s.Index(f)) }
	var out []row
	for i := range tab.Len() {
		if get(i, "publisher") != "crisis_group" || get(i, "source") != "crisiswatch" || get(i, "value") != "" || get(i, "unit") != "" {
			t.Errorf("row %d: publisher %q, source %q, value %q, unit %q; want crisis_group, crisiswatch and no value",
				i, get(i, "publisher"), get(i, "source"), get(i, "value"), get(i, "unit"))
		}
		out = append(out, row{get(i, "country_iso3"), get(i, "country_name"), get(i, "period"), get(i, "indicator"),
			get(i, "category"), get(i, "summary"), get(i, "link")})
	}
	return out
}

const (
	sudanOct = "Sample entry: fighting intensified around besieged towns in the west, and a conflict risk alert is issued for the coming month.\n" +
		"Paramilitary forces pressed an offensive. Invented text for the offline mirror: clashes displaced thousands of people and aid convoys were halted."
	congoOct  = "Sample entry: a ceasefire held in the east, opening a window for the peace process.\nInvented text: mediators scheduled a new round of talks."
	sudanHist = "https://www.crisisgroup.org/crisiswatch/database?location%5B%5D=21"
)

// mirrorRows are the rows of the three sample pages, written out by hand.
var mirrorRows = []row{
	{"SDN", "Sudan", "2025-10", "crisiswatch_trend", "deteriorated", sudanOct, sudanHist},
	{"SDN", "Sudan", "2025-10", "crisiswatch_alert", "conflict_risk_alert", sudanOct, sudanHist},
	{"ETH", "Ethiopia", "2025-10", "crisiswatch_trend", "unchanged",
		"Sample entry: tensions persisted in the north while talks between federal and regional leaders made no progress.",
		"https://www.crisisgroup.org/crisiswatch/october-2025#ethiopia"},
	{"COD", "Congo, Democratic Republic of the", "2025-10", "crisiswatch_trend", "improved", congoOct, "https://www.crisisgroup.org/crisiswatch/october-2025#dr-congo"},
	{"COD", "Congo, Democratic Republic of the", "2025-10", "crisiswatch_resolution", "resolution_opportunity", congoOct, "https://www.crisisgroup.org/crisiswatch/october-2025#dr-congo"},
	{"MMR", "Myanmar", "2025-10", "crisiswatch_trend", "deteriorated",
		"Sample entry: air strikes on rebel-held areas increased ahead of planned elections.",
		"https://www.crisisgroup.org/crisiswatch/october-2025#myanmar"},
	{"YEM", "Yemen", "2025-10", "crisiswatch_trend", "unchanged",
		"Sample entry: Houthis & government forces traded fire near front lines. The UN envoy said talks were “still possible” <sample> – a 5 > 3 majority of the council backed them.",
		"https://www.crisisgroup.org/crisiswatch/october-2025#yemen"},
	{"SDN", "Sudan", "2025-09", "crisiswatch_trend", "deteriorated", "Sample entry: attacks on displacement camps killed dozens.", sudanHist},
	{"COL", "Colombia", "2025-09", "crisiswatch_trend", "improved",
		"Sample entry: talks with an armed group resumed and violence fell in the south west.",
		"https://www.crisisgroup.org/crisiswatch/september-2025#colombia"},
	{"RUS", "Russia", "2025-09", "crisiswatch_trend", "unchanged",
		"Sample entry: authorities continued to prosecute critics of the war.",
		"https://www.crisisgroup.org/crisiswatch/september-2025#russia-internal"},
	{"HTI", "Haiti", "2025-09", "crisiswatch_trend", "deteriorated",
		"Sample entry: gangs expanded their control of the capital’s outskirts.",
		"https://www.crisisgroup.org/crisiswatch/september-2025#haiti"},
}

const mirrorWarning = "crisiswatch: 3 entries name no single state and are left out: Israel/Palestine (1), Kashmir (1), Korean Peninsula (1)"

// TestCollectFromMirror runs the collector through the project's fetcher
// over the bundled mirror's three pages; a second run makes conditional
// requests, gets 304 for every page and reports the source unchanged.
func TestCollectFromMirror(t *testing.T) {
	s := collecttest.Session(t, os.DirFS(mirrorRoot))
	src := cwSource(DatabaseURL, nil)
	rec := &collecttest.Recorder{Next: collecttest.SessionFetcher(t, s, src, false)}
	ctx, warnings := collect.WithWarnings(context.Background())
	tab, err := (&Collector{}).Collect(ctx, rec, src)
	if err != nil {
		t.Fatalf("Collect(mirror) error = %v", err)
	}
	if diff := cmp.Diff(mirrorRows, tableRows(t, tab)); diff != "" {
		t.Errorf("Collect(mirror) rows (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{mirrorWarning}, warnings.List()); diff != "" {
		t.Errorf("Collect(mirror) warnings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{DatabaseURL, page1URL, page2URL}, rec.Fetched()); diff != "" {
		t.Errorf("Collect(mirror) fetched (-want +got):\n%s", diff)
	}
	if err := dataset.Validate(tab); err != nil {
		t.Errorf("Validate(Collect(mirror)) = %v", err)
	}

	if tab, err := (&Collector{}).Collect(ctx, collecttest.SessionFetcher(t, s, src, true), src); !errors.Is(err, collect.ErrUnchanged) || tab != nil {
		t.Errorf("Collect(mirror, again) = %v, %v; want ErrUnchanged", tab, err)
	}
}

// TestCollectWindow stops paginating at the first page with entries older
// than the months asked for, and reads no page after it.
func TestCollectWindow(t *testing.T) {
	tests := []struct {
		months  int
		fetched []string
		rows    int
	}{
		{1, []string{DatabaseURL, page1URL}, 7},
		{2, []string{DatabaseURL, page1URL, page2URL}, len(mirrorRows)},
		{24, []string{DatabaseURL, page1URL, page2URL}, len(mirrorRows)},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.months), func(t *testing.T) {
			src := cwSource(DatabaseURL, map[string]any{"months": int64(tt.months)})
			rec := &collecttest.Recorder{Next: collecttest.Fetcher(t, src, os.DirFS(mirrorRoot))}
			tab, err := (&Collector{}).Collect(t.Context(), rec, src)
			if err != nil {
				t.Fatalf("Collect(months %d) error = %v", tt.months, err)
			}
			if diff := cmp.Diff(tt.fetched, rec.Fetched()); diff != "" {
				t.Errorf("Collect(months %d) fetched (-want +got):\n%s", tt.months, diff)
			}
			if got := tableRows(t, tab); len(got) != tt.rows || !slices.Equal(got, mirrorRows[:tt.rows]) {
				t.Errorf("Collect(months %d) = %d rows, want the first %d of the mirror's", tt.months, len(got), tt.rows)
			}
		})
	}
}

func TestCollectPageCap(t *testing.T) {
	for _, tt := range []struct {
		maxPages, months int
		err              error
	}{
		{2, 12, ErrPageCap},
		{3, 12, nil},
		{2, 1, nil}, // the window ends on page 2
		{1, 1, ErrPageCap},
	} {
		t.Run(fmt.Sprint(tt.maxPages, " pages, ", tt.months, " months"), func(t *testing.T) {
			src := cwSource(DatabaseURL, map[string]any{"max_pages": int64(tt.maxPages), "months": int64(tt.months)})
			tab, err := (&Collector{}).Collect(t.Context(), collecttest.Fetcher(t, src, os.DirFS(mirrorRoot)), src)
			if tt.err != nil {
				if !errors.Is(err, tt.err) || tab != nil {
					t.Errorf("Collect() = %v, %v; want an error wrapping %v", tab, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Errorf("Collect() error = %v", err)
			}
		})
	}
}

// site serves pages of the listing by their page parameter.
func site(t *testing.T, pages map[string]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Query().Get("page")]
		if !ok || r.URL.Path != "/crisiswatch/database" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, string(page(body)))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCollectErrors(t *testing.T) {
	next := func(p int) string { return fmt.Sprintf(`<a rel="next" href="?page=%d">Next</a>`, p) }
	tests := []struct {
		name  string
		pages map[string]string
		opts  map[string]any
		urls  int
		err   error
	}{
		{name: "no entries on the first page", pages: map[string]string{"": `<p>No Results Found.</p>`}, err: ErrNoEntries},
		{name: "a loop", pages: map[string]string{"": sudan + next(1), "1": sudan + next(2), "2": sudan + next(1)}, err: ErrLoop},
		{name: "a bad entry on a later page", pages: map[string]string{"": sudan + next(1),
			"1": `<div class="c-crisiswatch-entry"><h3>Chad</h3></div>`}, err: ErrFormat},
		{name: "a next page that is gone", pages: map[string]string{"": sudan + next(7)}, err: new(collect.StatusError)},
		{name: "unknown option", pages: map[string]string{"": sudan}, opts: map[string]any{"link": "x"}, err: ErrOption},
		{name: "months not a number", pages: map[string]string{"": sudan}, opts: map[string]any{"months": "12"}, err: ErrOption},
		{name: "max_pages zero", pages: map[string]string{"": sudan}, opts: map[string]any{"max_pages": int64(0)}, err: ErrOption},
		{name: "two URLs", pages: map[string]string{"": sudan}, urls: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := site(t, tt.pages)
			src := cwSource(srv.URL+"/crisiswatch/database", tt.opts)
			if tt.urls == 2 {
				src.URLs = append(src.URLs, src.URLs[0]+"?page=1")
			}
			tab, err := (&Collector{}).Collect(t.Context(), collecttest.Fetcher(t, src, nil), src)
			if err == nil || tab != nil {
				t.Fatalf("Collect() = %v, %v; want an error and no table", tab, err)
			}
			var se *collect.StatusError
			switch want := tt.err.(type) {
			case nil:
			case *collect.StatusError:
				if !errors.As(err, &se) || se.Code != http.StatusNotFound {
					t.Errorf("Collect() = %v, want an error wrapping HTTP 404", err)
				}
			default:
				if !errors.Is(err, want) {
					t.Errorf("Collect() = %v, want an error wrapping %v", err, want)
				}
			}
		})
	}
}

// notModified answers the listed pages as not modified: with an error, as a
// fetcher without an archive does, or with a Document marked NotModified
// (its body from the archive), as one with an archive does.
type notModified struct {
	collect.Fetcher
	pages    map[string]bool
	archived bool
}

func (f notModified) Fetch(ctx context.Context, req *collect.Request) (*collect.Document, error) {
	d, err := f.Fetcher.Fetch(ctx, req)
	if err != nil || !f.pages[req.URL] {
		return d, err
	}
	if !f.archived {
		return nil, collect.ErrNotModified
	}
	d.NotModified = true
	return d, nil
}

func TestCollectUnchanged(t *testing.T) {
	all := map[string]bool{DatabaseURL: true, page1URL: true, page2URL: true}
	tests := []struct {
		name     string
		pages    map[string]bool
		archived bool
		wantErr  error // nil: a table of the mirror's rows
	}{
		{"every page, archived", all, true, collect.ErrUnchanged},
		{"first page, no archive", map[string]bool{DatabaseURL: true}, false, collect.ErrUnchanged},
		{"first page only, archived", map[string]bool{DatabaseURL: true}, true, nil},
		{"a later page, no archive", map[string]bool{page2URL: true}, false, collect.ErrNotModified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := cwSource(DatabaseURL, nil)
			f := notModified{collecttest.Fetcher(t, src, os.DirFS(mirrorRoot)), tt.pages, tt.archived}
			tab, err := (&Collector{}).Collect(t.Context(), f, src)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || tab != nil {
					t.Errorf("Collect() = %v, %v; want an error wrapping %v", tab, err, tt.wantErr)
				}
				if tt.wantErr == collect.ErrNotModified && errors.Is(err, collect.ErrUnchanged) {
					t.Errorf("Collect() = %v: says unchanged though a page before changed", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Collect() error = %v", err)
			}
			if tab.Len() != len(mirrorRows) {
				t.Errorf("Collect() = %d rows, want %d", tab.Len(), len(mirrorRows))
			}
		})
	}
}

func TestTableWarnings(t *testing.T) {
	entries := []Entry{
		{Name: "Sudan", Month: "2025-10", Trends: []string{Deteriorated}, Alerts: []string{ConflictRiskAlert, ResolutionOpportunity}, Link: "https://www.crisisgroup.org/a"},
		{Name: "Sudan", Month: "2025-10", Trends: []string{Improved}, Link: "https://www.crisisgroup.org/b"},
		{Name: "Chad", Month: "2025-10", Link: "https://www.crisisgroup.org/c"},
		{Name: "Niger", Month: "2025-10", Trends: []string{Improved, Deteriorated}, Alerts: []string{ResolutionOpportunity}, Link: "https://www.crisisgroup.org/d"},
		{Name: "Israel/Palestine", Month: "2025-10", Trends: []string{Deteriorated}},
		{Name: "Israel/Palestine", Month: "2025-09", Trends: []string{Deteriorated}},
		{Name: "Nile Waters", Month: "2025-09", Trends: []string{Unchanged}},
	}
	tab, warnings, err := Table(entries, "crisiswatch")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`SDN 2025-10: a second entry ("Sudan") for the same state and month; left out`,
		`TCD 2025-10 ("Chad"): no trend marker; no trend row`,
		`NER 2025-10 ("Niger"): trend markers ["improved" "deteriorated"] disagree; no trend row`,
		`3 entries name no single state and are left out: Israel/Palestine (2), Nile Waters (1)`,
	}
	if diff := cmp.Diff(want, warnings); diff != "" {
		t.Errorf("Table() warnings (-want +got):\n%s", diff)
	}
	got := tableRows(t, tab)
	wantRows := []row{
		{"SDN", "Sudan", "2025-10", "crisiswatch_trend", "deteriorated", "", "https://www.crisisgroup.org/a"},
		{"SDN", "Sudan", "2025-10", "crisiswatch_alert", "conflict_risk_alert", "", "https://www.crisisgroup.org/a"},
		{"SDN", "Sudan", "2025-10", "crisiswatch_resolution", "resolution_opportunity", "", "https://www.crisisgroup.org/a"},
		{"NER", "Niger", "2025-10", "crisiswatch_resolution", "resolution_opportunity", "", "https://www.crisisgroup.org/d"},
	}
	if diff := cmp.Diff(wantRows, got); diff != "" {
		t.Errorf("Table() rows (-want +got):\n%s", diff)
	}
	if err := dataset.Validate(tab); err != nil {
		t.Errorf("Validate(Table()) = %v", err)
	}
}
