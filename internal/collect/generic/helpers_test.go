package generic

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
)

// datasets are the definitions the tests' sources use.
var datasets = []*dataset.Definition{dataset.CBMReports, dataset.AuditOutcomes, dataset.RiskReports, dataset.MilitaryExpenditure}

// The sources files the tests read: the repository's, whose configured
// sources the bundled mirror serves, and this package's over the real
// published files.
const (
	sourcesFile  = "../../../sources.toml"
	realdataFile = "testdata/realdata.toml"
)

// readSources reads the sources of a sources file.
func readSources(t testing.TB, path string) []collect.Source {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseSources(t, string(b))
}

func parseSources(t testing.TB, text string) []collect.Source {
	t.Helper()
	cfg, err := collect.ParseConfig([]byte(text))
	if err != nil {
		t.Fatalf("ParseConfig: %v", err)
	}
	return cfg.Sources
}

// sourceNamed returns the named source of a list.
func sourceNamed(t testing.TB, srcs []collect.Source, name string) collect.Source {
	t.Helper()
	for _, s := range srcs {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no source %q", name)
	return collect.Source{}
}

// records returns the table's rows as maps of field to text, nulls left
// out.
func records(t *dataset.Table) []map[string]string {
	out := make([]map[string]string, t.Len())
	for i := range out {
		m := map[string]string{}
		for c, f := range t.Schema.Fields {
			if !t.IsNull(i, c) {
				m[f.Name] = t.Text(i, c)
			}
		}
		out[i] = m
	}
	return out
}

// project returns, per record, the values of fields joined by spaces,
// for compact comparisons.
func project(recs []map[string]string, fields ...string) []string {
	var out []string
	for _, r := range recs {
		vals := make([]string, len(fields))
		for i, f := range fields {
			vals[i] = r[f]
		}
		out = append(out, strings.Join(vals, " "))
	}
	return out
}

// serve returns a fetcher of docs, each a URL's body as text.
func serve(docs map[string]string) *collecttest.MapFetcher {
	f := &collecttest.MapFetcher{Docs: make(map[string][]byte, len(docs))}
	for u, b := range docs {
		f.Docs[u] = []byte(b)
	}
	return f
}

// run collects src from the documents of f and returns the table and the
// warnings.
func run(t testing.TB, f collect.Fetcher, src collect.Source) (*dataset.Table, []string, error) {
	t.Helper()
	c, err := NewCollector(src.Collector, datasets)
	if err != nil {
		t.Fatal(err)
	}
	ctx, w := collect.WithWarnings(context.Background())
	tab, err := c.Collect(ctx, f, src)
	return tab, w.List(), err
}

// failed checks what Collect returned against want, the error it must
// wrap (nil: none), and reports whether Collect failed as wanted, so that
// the test has nothing more to check. An unwanted result stops the test.
func failed(t testing.TB, tab *dataset.Table, err, want error) bool {
	t.Helper()
	switch {
	case want != nil && (!errors.Is(err, want) || tab != nil):
		t.Fatalf("Collect() = %v, %v; want no table and an error wrapping %v", tab, err, want)
	case want == nil && err != nil:
		t.Fatalf("Collect() error = %v", err)
	}
	return want != nil
}

// source makes a source of the given collector and dataset from the TOML
// text of its options table (without the [source.options] line).
func source(t testing.TB, collector, ds, url, options string) collect.Source {
	t.Helper()
	text := fmt.Sprintf("[[source]]\nname = \"test\"\ndataset = %q\ncollector = %q\nurls = [%q]\nterms = \"open\"\n[source.options]\n%s",
		ds, collector, url, options)
	return parseSources(t, text)[0]
}

// column returns the values of one field, in row order.
func column(t *dataset.Table, name string) []string {
	c := t.Schema.Index(name)
	out := make([]string, t.Len())
	for i := range out {
		out[i] = t.Text(i, c)
	}
	return out
}

// joinLines is strings.Join with a newline, for readable failure messages.
func joinLines(s []string) string { return strings.Join(s, "\n") }

// docOf returns a fetched document of body at u.
func docOf(u, body string) *collect.Document {
	return &collect.Document{URL: u, Status: http.StatusOK, Body: []byte(body), SHA256: collect.Sum([]byte(body))}
}
