package collecttest

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
)

// csvCollector is a small real collector: it fetches each of the source's
// URLs, a CSV file of country_iso3,year,value (a share of GDP), and checks
// every row. Its variants misbehave the way collectors do.
type csvCollector struct {
	swallow bool // on a failure, return an empty table and no error
	partial bool // on a failure, return the rows parsed so far with the error
	unwrap  bool // report fetch errors with %v, losing what they wrap
	trust   bool // take any document for data without checking it
	stale   bool // say "unchanged" whatever happens
}

var iso3 = regexp.MustCompile(`^[A-Z]{3}$`)

// Check takes any settings: the fake reads only the source's URLs.
func (c *csvCollector) Check(collect.Source) error { return nil }

func (c *csvCollector) Collect(ctx context.Context, f collect.Fetcher, src collect.Source) (*dataset.Table, error) {
	if c.stale {
		return nil, fmt.Errorf("fake: %w", collect.ErrUnchanged)
	}
	var recs []dataset.Expenditure
	fail := func(err error) (*dataset.Table, error) {
		switch {
		case c.swallow:
			return dataset.ExpenditureTable(nil), nil
		case c.partial:
			return dataset.ExpenditureTable(recs), err
		}
		return nil, err
	}
	for _, u := range src.URLs {
		doc, err := f.Fetch(ctx, &collect.Request{URL: u})
		if err != nil {
			if c.unwrap {
				return fail(fmt.Errorf("fake: fetch %s: %v", u, err))
			}
			return fail(fmt.Errorf("fake: fetch %s: %w", u, err))
		}
		if c.trust {
			recs = append(recs, dataset.Expenditure{Country: "SWE", CountryName: "Sweden", Year: 2023,
				Measure: dataset.MeasureShareOfGDP, Source: src.Name, Unit: "percent", Value: float64(len(doc.Body)), HasValue: true})
			continue
		}
		rows, err := csv.NewReader(bytes.NewReader(doc.Body)).ReadAll()
		if err != nil {
			return fail(fmt.Errorf("fake: %s: %w", u, err))
		}
		if len(rows) < 2 || fmt.Sprint(rows[0]) != "[country_iso3 year value]" {
			return fail(fmt.Errorf("fake: %s: want a header country_iso3,year,value and rows", u))
		}
		for i, row := range rows[1:] {
			year, yerr := strconv.Atoi(row[1])
			value, verr := strconv.ParseFloat(row[2], 64)
			if !iso3.MatchString(row[0]) || yerr != nil || verr != nil {
				return fail(fmt.Errorf("fake: %s: row %d: %q is not a country, year and number", u, i+2, row))
			}
			recs = append(recs, dataset.Expenditure{Country: row[0], CountryName: row[0], Year: year,
				Measure: dataset.MeasureShareOfGDP, Source: src.Name, Unit: "percent", Value: value, HasValue: true})
		}
	}
	return dataset.ExpenditureTable(recs), nil
}

func target(c *csvCollector) Target {
	return Target{
		Paths: []string{"/gdp.csv", "/api/indicator?format=csv"},
		New: func(urls []string) (collect.Collector, collect.Source) {
			return c, collect.Source{Name: "fake", Dataset: "military-expenditure", Collector: "fake", URLs: urls}
		},
	}
}

// TestSuite runs the suite against a collector that fails properly.
func TestSuite(t *testing.T) {
	Suite(t, target(&csvCollector{}))
}

// TestCollectorWorks shows the fake collector succeeds on good data, from a
// server and from a mirror, so that the suite's checks of it mean something.
func TestCollectorWorks(t *testing.T) {
	const data = "country_iso3,year,value\nSWE,2023,1.5\nNOR,2023,1.6\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, data)
	}))
	defer srv.Close()
	mirror := fstest.MapFS{"stats.example.org/gdp.csv": {Data: []byte(data)}}
	tests := []struct {
		name string
		url  string
		fsys fs.FS // nil: the network
	}{
		{"server", srv.URL + "/gdp.csv", nil},
		{"mirror", "https://stats.example.org/gdp.csv", mirror},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := collect.Source{Name: "fake", URLs: []string{tt.url}}
			table, err := (&csvCollector{}).Collect(t.Context(), Fetcher(t, src, tt.fsys), src)
			if err != nil {
				t.Fatal(err)
			}
			if table.Len() != 2 {
				t.Errorf("Collect() = %d rows, want 2", table.Len())
			}
		})
	}
}

// TestCheckCatchesBadCollectors proves the suite can fail: each collector
// here mishandles failures, and Check must report it for the faults listed.
func TestCheckCatchesBadCollectors(t *testing.T) {
	all := map[string]bool{}
	for _, f := range Faults() {
		all[f.Name] = true
	}
	fetchFaults := map[string]bool{}
	for name := range all {
		if name != "html-error-page" && name != "binary-garbage" {
			fetchFaults[name] = true
		}
	}
	tests := []struct {
		name     string
		c        *csvCollector
		caughtBy map[string]bool
	}{
		{"swallows errors", &csvCollector{swallow: true}, all},
		{"returns part of the rows", &csvCollector{partial: true}, all},
		{"says unchanged", &csvCollector{stale: true}, all},
		{"loses the fetch error", &csvCollector{unwrap: true}, fetchFaults},
		{"trusts any content", &csvCollector{trust: true}, map[string]bool{"html-error-page": true, "binary-garbage": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, f := range Faults() {
				t.Run(f.Name, func(t *testing.T) {
					t.Parallel()
					err := Check(t.Context(), target(tt.c), f)
					if caught := err != nil; caught != tt.caughtBy[f.Name] {
						t.Errorf("Check(%s) = %v, want caught %v", f.Name, err, tt.caughtBy[f.Name])
					}
				})
			}
		})
	}
}

// TestCheckWantsTheSuitesHost reports a source that does not allow the
// suite's server.
func TestCheckWantsTheSuitesHost(t *testing.T) {
	tg := Target{New: func(urls []string) (collect.Collector, collect.Source) {
		return &csvCollector{}, collect.Source{Name: "fake", URLs: urls, Hosts: []string{"www.sipri.org"}}
	}}
	err := Check(t.Context(), tg, Faults()[0])
	if err == nil {
		t.Errorf("Check() with a source that does not allow the suite's server = nil, want an error")
	}
	if errors.Is(err, collect.ErrHostNotAllowed) {
		t.Errorf("Check() = %v, want an error about the source, not a fetch", err)
	}
}
