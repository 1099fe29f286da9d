package generic

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
)

// datasets are the definitions the tests' sources use.
var datasets = []*dataset.Definition{dataset.CBMReports, dataset.AuditOutcomes, dataset.RiskReports, dataset.MilitaryExpenditure}

// readSources reads the sources of a sources file in testdata.
func readSources(t testing.TB, name string) []collect.Source {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
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

// collectFrom runs the source's configured collector with a test fetcher
// serving fsys (nil: the network and local files), and returns the table
// and the warnings.
func collectFrom(t testing.TB, src collect.Source, fsys fs.FS) (*dataset.Table, []string, error) {
	t.Helper()
	c, err := NewCollector(src.Collector, datasets)
	if err != nil {
		t.Fatal(err)
	}
	ctx, w := collect.WithWarnings(context.Background())
	tab, err := c.Collect(ctx, collecttest.Fetcher(t, src, fsys), src)
	return tab, w.List(), err
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

// serve returns a fetcher of docs, each a URL's body as text.
func serve(docs map[string]string) *collecttest.MapFetcher {
	f := &collecttest.MapFetcher{Docs: make(map[string][]byte, len(docs))}
	for u, b := range docs {
		f.Docs[u] = []byte(b)
	}
	return f
}

// run collects src from the documents of f.
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

// source makes a source of the given collector and dataset from the TOML
// text of its options table (without the [source.options] line).
func source(t testing.TB, collector, ds, url, options string) collect.Source {
	t.Helper()
	text := fmt.Sprintf("[[source]]\nname = \"test\"\ndataset = %q\ncollector = %q\nurls = [%q]\n[source.options]\n%s",
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
