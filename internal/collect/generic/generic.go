// Package generic holds the configured collectors: one per common document
// shape (an HTML list or table, an RSS or Atom feed, a CSV file, a JSON
// document or API, an xlsx sheet), each set up by the [source.options] of a
// source in the sources file, so that a fork adds a source of a common shape
// without writing Go. README.md beside this file documents every option.
//
// A configured source says where each field of its dataset comes from (a
// CSS selector, a feed item element, a column, a JSON path, a constant or a
// template combining other values), how the text is cleaned (trimmed,
// extracted by a regular expression, mapped, parsed as a date or a number,
// turned into a country code), which rows to skip, and, where a source lists
// only what exists, how to complete the rows (a state's years without a
// report). The dataset's schema, found by the source's dataset name, types
// the values: the collectors set every field as text through
// dataset.Builder.Text.
//
// Options are checked strictly before anything is fetched: an unknown
// setting, a regular expression or selector that does not compile, a field
// the dataset does not have, or a required field left unset is an error
// naming the source and the setting (see Collector.Check).
package generic

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
)

// Names of the configured collectors, as a source's collector setting names
// them.
const (
	HTML = "html" // a list or table on web pages, optionally paginated
	Feed = "feed" // an RSS or Atom feed
	CSV  = "csv"  // a delimited text file
	JSON = "json" // a JSON document or a paginated JSON API
	XLSX = "xlsx" // a sheet of an Excel workbook
)

// Shapes returns the names of the configured collectors.
func Shapes() []string { return []string{HTML, Feed, CSV, JSON, XLSX} }

// Errors that callers test for. Each is wrapped with the source's name and
// the detail.
var (
	// ErrConfig reports options that cannot work: an unknown setting, a
	// missing one, a bad pattern, a field the dataset does not have.
	ErrConfig = errors.New("bad options")
	// ErrFormat reports a document that is not of the collector's shape,
	// or lacks what the options look for in it (a column, a sheet).
	ErrFormat = errors.New("document not in the configured format")
	// ErrNoRecords reports a document in which the options find no
	// records: a changed layout usually shows this way, so it fails the
	// source rather than publish nothing.
	ErrNoRecords = errors.New("no records found")
	// ErrValue reports a value that cannot be read as its setting says: a
	// date in none of the layouts, a number that is not one, a country the
	// registry does not know, a code missing from a value map.
	ErrValue = errors.New("value cannot be read")
	// ErrPageCap reports a paginated listing with more pages than the
	// source's page cap: the collector fails rather than publish part of
	// the listing.
	ErrPageCap = errors.New("page cap reached")
)

// Collector is a configured collector of one shape. Make one with New or
// NewCollector; it keeps no state between calls and is safe for concurrent
// use.
type Collector struct {
	shape    string
	datasets map[string]*dataset.Definition
}

var _ collect.Collector = (*Collector)(nil)

// New returns a configured collector of every shape, keyed by its name
// (HTML, Feed, CSV, JSON, XLSX), for sources whose dataset is one of defs.
func New(defs []*dataset.Definition) map[string]collect.Collector {
	m := map[string]collect.Collector{}
	for _, s := range Shapes() {
		c, _ := NewCollector(s, defs) // the names are ours, so this cannot fail
		m[s] = c
	}
	return m
}

// NewCollector returns the configured collector of one shape, for sources
// whose dataset is one of defs.
func NewCollector(shape string, defs []*dataset.Definition) (*Collector, error) {
	if _, ok := shapes[shape]; !ok {
		return nil, fmt.Errorf("generic: no collector named %q (have %v): %w", shape, Shapes(), ErrConfig)
	}
	c := &Collector{shape: shape, datasets: map[string]*dataset.Definition{}}
	for _, d := range defs {
		c.datasets[d.Name] = d
	}
	return c, nil
}

// Shape returns the collector's name: HTML, Feed, CSV, JSON or XLSX.
func (c *Collector) Shape() string { return c.shape }

// Check reports, without fetching anything, whether src's options configure
// this collector correctly for src's dataset. The error wraps ErrConfig and
// names the source and the setting. The pipeline may call it for every
// source at start-up, so that a mistake in the sources file shows before
// any fetch; Collect calls it too.
func (c *Collector) Check(src collect.Source) error {
	_, err := c.compile(src)
	return err
}

// Collect fetches src's URLs, and the pages their pagination leads to,
// through f and returns the rows its options make of them, as one table of
// the source's dataset. It returns an error wrapping collect.ErrUnchanged,
// without parsing, when every document came back not modified; any other
// error means no rows: a source yields all its rows or none.
func (c *Collector) Collect(ctx context.Context, f collect.Fetcher, src collect.Source) (*dataset.Table, error) {
	cfg, err := c.compile(src)
	if err != nil {
		return nil, err
	}
	docs, err := cfg.fetchAll(ctx, f)
	if err != nil {
		return nil, err
	}
	return cfg.table(ctx, docs)
}

// compile decodes and checks src's options for this collector.
func (c *Collector) compile(src collect.Source) (*config, error) {
	def, ok := c.datasets[src.Dataset]
	if !ok {
		names := make([]string, 0, len(c.datasets))
		for n := range c.datasets {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("generic: source %q: dataset %q is not one of %v: %w", src.Name, src.Dataset, names, ErrConfig)
	}
	if len(src.URLs) == 0 {
		return nil, fmt.Errorf("generic: source %q: no urls: %w", src.Name, ErrConfig)
	}
	return compile(c.shape, def, src)
}
