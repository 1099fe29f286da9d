package worldbank

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
)

// mirrorDocs returns the committed mirror downloads keyed by their real URLs.
func mirrorDocs(t testing.TB) map[string][]byte {
	t.Helper()
	docs := map[string][]byte{}
	for _, code := range []string{ShareOfGDP, CurrentUSD} {
		b, err := os.ReadFile(mirrorFile(code))
		if err != nil {
			t.Fatalf("%v (generate with go test -update)", err)
		}
		docs[BulkURL(code)] = b
	}
	return docs
}

func mirrorSource() collect.Source {
	return collect.Source{
		Name:      "worldbank",
		Dataset:   dataset.MilitaryExpenditure.Name,
		Collector: "worldbank",
		URLs:      []string{BulkURL(ShareOfGDP), BulkURL(CurrentUSD)},
	}
}

// parseAll parses the documents of urls in order, as Collect should.
func parseAll(t *testing.T, docs map[string][]byte, urls ...string) []dataset.Expenditure {
	t.Helper()
	var all []dataset.Expenditure
	for _, u := range urls {
		recs, _, err := Parse(u, docs[u])
		if err != nil {
			t.Fatalf("Parse(%q) error = %v", u, err)
		}
		all = append(all, recs...)
	}
	return all
}

func TestCollectMirror(t *testing.T) {
	docs := mirrorDocs(t)
	src := mirrorSource()
	f := &collecttest.MapFetcher{Docs: docs}
	tab, err := new(Collector).Collect(context.Background(), f, src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	if err := tab.Check(); err != nil {
		t.Fatalf("Collect() table: %v", err)
	}
	want := parseAll(t, docs, src.URLs...)
	if diff := cmp.Diff(want, dataset.Expenditures(tab)); diff != "" {
		t.Errorf("Collect() records mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(src.URLs, f.Fetched()); diff != "" {
		t.Errorf("Collect() fetched (-want +got):\n%s", diff)
	}
	tab.SortByKey()
	if !tab.IsSorted() {
		t.Errorf("Collect() table has duplicate keys")
	}
}

func TestCollectUnchanged(t *testing.T) {
	src := mirrorSource()
	// The bodies are not downloads at all: an unchanged source must not be
	// parsed.
	junk := map[string][]byte{src.URLs[0]: []byte("<html>archived</html>"), src.URLs[1]: nil}
	tests := []struct {
		name string
		f    *collecttest.MapFetcher
	}{
		{"archive answers 304", &collecttest.MapFetcher{Docs: junk, NotModified: map[string]bool{src.URLs[0]: true, src.URLs[1]: true}}},
		{"fetcher without archive", &collecttest.MapFetcher{Errs: map[string]error{
			src.URLs[0]: fmt.Errorf("get: %w", collect.ErrNotModified),
			src.URLs[1]: fmt.Errorf("get: %w", collect.ErrNotModified)}}},
		{"mixed", &collecttest.MapFetcher{Docs: junk, NotModified: map[string]bool{src.URLs[0]: true},
			Errs: map[string]error{src.URLs[1]: collect.ErrNotModified}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := new(Collector).Collect(context.Background(), tt.f, src)
			if !errors.Is(err, collect.ErrUnchanged) || tab != nil {
				t.Errorf("Collect() = %v, %v; want nil, ErrUnchanged", tab, err)
			}
		})
	}
}

func TestCollectPartlyUnchanged(t *testing.T) {
	docs := mirrorDocs(t)
	src := mirrorSource()
	// The share of GDP is unchanged: its body comes from the archive and is
	// parsed again along with the changed current-US$ download.
	f := &collecttest.MapFetcher{Docs: docs, NotModified: map[string]bool{src.URLs[0]: true}}
	tab, err := new(Collector).Collect(context.Background(), f, src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	if diff := cmp.Diff(parseAll(t, docs, src.URLs...), dataset.Expenditures(tab)); diff != "" {
		t.Errorf("Collect() records mismatch (-want +got):\n%s", diff)
	}

	// A fetcher that keeps no archive cannot give the unchanged body back.
	f = &collecttest.MapFetcher{Docs: docs, Errs: map[string]error{src.URLs[0]: collect.ErrNotModified}}
	tab, err = new(Collector).Collect(context.Background(), f, src)
	if !errors.Is(err, collect.ErrNotModified) || errors.Is(err, collect.ErrUnchanged) || tab != nil {
		t.Errorf("Collect() without an archived body = %v, %v; want nil, an error wrapping ErrNotModified", tab, err)
	}
}

func TestCollectErrors(t *testing.T) {
	docs := mirrorDocs(t)
	gdp, usd := BulkURL(ShareOfGDP), BulkURL(CurrentUSD)
	members, err := fixtureMembers(fixtureIndicators[0])
	if err != nil {
		t.Fatal(err)
	}
	extracted := "file:///data/" + members[1].name
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	tests := []struct {
		name string
		ctx  context.Context
		urls []string
		f    *collecttest.MapFetcher
		want error // nil: any error
	}{
		{"HTML instead of the ZIP", context.Background(), []string{gdp, usd},
			&collecttest.MapFetcher{Docs: map[string][]byte{gdp: docs[gdp], usd: []byte("<!DOCTYPE html><html><body>Maintenance</body></html>")}},
			ErrFormat},
		{"one indicator twice", context.Background(), []string{gdp, extracted},
			&collecttest.MapFetcher{Docs: map[string][]byte{gdp: docs[gdp], extracted: members[1].body}},
			ErrIndicator},
		{"too large", context.Background(), []string{gdp, usd},
			&collecttest.MapFetcher{Docs: docs, Errs: map[string]error{usd: fmt.Errorf("get: %w", collect.ErrTooLarge)}},
			collect.ErrTooLarge},
		{"cancelled", cancelled, []string{gdp, usd}, &collecttest.MapFetcher{Docs: docs}, context.Canceled},
		{"no urls", context.Background(), nil, &collecttest.MapFetcher{Docs: docs}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := mirrorSource()
			src.URLs = tt.urls
			tab, err := new(Collector).Collect(tt.ctx, tt.f, src)
			if tab != nil || err == nil {
				t.Fatalf("Collect() = %v, %v; want nil and an error", tab, err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Collect() error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCollectStatusError(t *testing.T) {
	docs := mirrorDocs(t)
	usd := BulkURL(CurrentUSD)
	f := &collecttest.MapFetcher{Docs: docs, Errs: map[string]error{usd: &collect.StatusError{URL: usd, Code: http.StatusServiceUnavailable}}}
	tab, err := new(Collector).Collect(context.Background(), f, mirrorSource())
	se, ok := errors.AsType[*collect.StatusError](err)
	if tab != nil || !ok || se.Code != http.StatusServiceUnavailable {
		t.Errorf("Collect() = %v, %v; want nil, a *collect.StatusError 503", tab, err)
	}
}
