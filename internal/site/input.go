// Package site generates the published website. Generate turns the
// datasets and the state of their sources into a complete Hugo project: a
// copy of the tracked project in the top-level site directory, plus the
// content files, charts and downloads made from the data. The CLI then runs
// the embedded Hugo on it with HugoArgs.
//
// Everything that comes from a source (names, titles, notes, error
// messages, URLs) reaches Hugo as front-matter data, never as HTML, so the
// templates escape it. The one exception is the charts: Generate draws them
// as SVG with html/template, which escapes every piece of text it inserts.
package site

import (
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
)

// Input is everything the site shows.
type Input struct {
	Generated time.Time // time of the run, shown as "updated"
	// Sample is set when the data came from the bundled offline mirror:
	// every page then carries a banner saying so.
	Sample bool
	// BaseURL is the absolute URL the site is served from. Empty means
	// relative URLs throughout, so the site works from any host, under any
	// path and from file://.
	BaseURL  string
	Datasets []Dataset
	Sources  []SourceStatus
}

// Dataset is one published dataset.
type Dataset struct {
	Definition *dataset.Definition // name, title, description, schema and method
	Descriptor *dataset.Descriptor // version, licences, sources; nil if not written yet
	// Table holds the published rows. When nil, Generate reads ParquetPath.
	Table *dataset.Table
	// ParquetPath is the published Parquet file, offered for download as
	// it is.
	ParquetPath string
}

// Statuses of a source, as SourceStatus.Status holds them.
const (
	StatusOK        = "ok"        // new data was collected
	StatusUnchanged = "unchanged" // the publisher's files had not changed since the last run
	StatusFailed    = "failed"    // collection failed; the last good data stays published
	StatusNotRun    = "not run"   // the source was not collected in this run
)

// SourceStatus is the state of one source after a run.
type SourceStatus struct {
	Name        string // identifier in the sources file, e.g. "sipri"
	Title       string // e.g. "SIPRI Military Expenditure Database"
	Dataset     string // name of the dataset the source feeds
	Homepage    string
	Licence     string
	LicenceURL  string
	Attribution string // the credit line the publisher asks for
	Status      string // StatusOK, StatusUnchanged, StatusFailed or StatusNotRun
	Error       string // when failed: what went wrong (may quote the publisher's page)
	LastAttempt time.Time
	LastSuccess time.Time // zero: never collected successfully in this cache
	Rows        int
}

// label returns the name people know the source by.
func (s *SourceStatus) label() string {
	if s.Title != "" {
		return s.Title
	}
	return s.Name
}
