// Package site generates the published website. Generate turns the
// datasets and the state of their sources into a complete Hugo project: a
// copy of the tracked project in the top-level site directory, plus the
// content files, charts and downloads made from the data. The CLI then runs
// the embedded Hugo on it with HugoArgs.
//
// Besides the page of each dataset, Generate makes a page for every country
// that has a row in any dataset, with the sections it has data for:
// military spending (country.go), its reporting to the UN instruments
// (cbm.go), audits of its defence (audits.go) and its risk context
// (risk.go). The CBM tracker has a page per instrument with a matrix of
// states by years, filtered by CSS alone, and a chart of the reporting rate
// (ratechart.go); the audits have a list per auditor and per country. A nil
// report is a report throughout: shown as such, never as no report, and
// counted in every rate.
//
// Everything that comes from a source (names, titles, notes, error
// messages, URLs) reaches Hugo as front-matter data, never as HTML, so the
// templates escape it; links from sources become links only when they are
// http(s) (webURL). The exceptions are the charts, which Generate draws as
// SVG with html/template, which escapes every piece of text it inserts, and
// the rows of the country pages' figures tables, which it draws the same
// way from figures.html.tmpl (figures.go): as data, their thousands of
// cells took Hugo ten times the memory.
//
// When a dataset has a History, Generate also makes the pages about its
// versions: the changes page, a page per version with its diff against the
// previous one (the diff package's Compare, as publish diff uses it), the
// revisions on each country's page, the downloads of earlier versions read
// from git, and Atom feeds written with encoding/xml (see atom.go). Diffs
// are kept in Input.CacheDir between builds.
package site

import (
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/history"
)

// Input is everything the site shows.
type Input struct {
	// Generated is when the data last changed (the latest version's
	// commit time), shown as "updated" and as every page's lastmod: never
	// the time of the run, so that a run that finds nothing new changes no
	// byte of the site.
	Generated time.Time
	// Sample is set when the data came from the bundled offline mirror:
	// every page then carries a banner saying so.
	Sample bool
	// BaseURL is the absolute URL the site is served from. Empty means
	// relative URLs throughout, so the site works from any host, under any
	// path and from file://.
	BaseURL  string
	Datasets []Dataset
	Sources  []SourceStatus
	// CacheDir keeps the diffs between versions and the CSV files of
	// earlier versions from one build to the next, keyed by the hashes of
	// the Parquet blobs they come from, so a build after one new version
	// computes one new diff. Empty means no cache. It must not be inside
	// the directory Generate writes, which every build empties.
	CacheDir string
	// VersionPages is how many of each dataset's newest versions get a page
	// with their diff and an entry in the feeds (DefaultVersionPages when
	// zero); VersionDownloads is how many of them offer their own CSV and
	// Parquet files (DefaultVersionDownloads when zero).
	VersionPages, VersionDownloads int
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
	// History is the dataset's published versions, read from the data
	// repository; nil when there is none (a data directory that is not a
	// git repository). The site shows the changes of each version, offers
	// earlier versions for download and makes the Atom feeds from it.
	History *history.History
	// Excerpts holds rows that are not in the published file because
	// their sources' terms allow excerpts only (see the pipeline's
	// withheld.go); nil when there are none. Each country's page shows its
	// own rows of them, attributed; nothing else does: not the downloads,
	// the previews, the versions, the feeds, the tracker, the lists or any
	// ranking across countries, which all use Table.
	Excerpts *dataset.Table
}

// SourceStatus is the state of one source after a run.
type SourceStatus struct {
	Name        string // identifier in the sources file, e.g. "sipri"
	Title       string // e.g. "SIPRI Military Expenditure Database"
	Dataset     string // name of the dataset the source feeds
	Homepage    string
	Licence     string
	LicenceURL  string
	Attribution string // the credit line the publisher asks for
	Status      string // dataset.SourceOK, SourceUnchanged, SourceFailed or SourceNotRun
	Error       string // when failed: what went wrong (may quote the publisher's page)
	LastAttempt time.Time
	LastSuccess time.Time // zero: never collected successfully in this cache
	// Changed is when the source's rows in the dataset last changed (its
	// descriptor's x_updated); zero when no version holds them.
	Changed time.Time
	Rows    int
	// Warnings are what the collector noticed in the publisher's files and
	// left out rather than publish (a spreadsheet error value, say).
	Warnings []string
	// Terms is what the publisher's terms allow: "open", "excerpt" or
	// "link"; TermsNote is the reading of them, and TermsVerified whether
	// they were read at the publisher. Publishes is set when the source's
	// rows are in the published files (open terms, or a Permission);
	// otherwise Withheld counts the rows kept out of them, and Download is
	// the publisher's own download.
	Terms         string
	TermsNote     string
	TermsVerified bool
	Publishes     bool
	Permission    *dataset.Permission
	Withheld      int
	Download      string
	// CountryPage says what the country pages show of a risk-reports
	// source's rows; nil shows none of them.
	CountryPage *CountryPage
}

// CountryPage is what the country pages show of a source's rows: the
// [source.country_page] of the sources file.
type CountryPage struct {
	// Indicators are the indicators shown, in this order; the source's
	// other indicators are in the dataset's downloads.
	Indicators []string
	// Layout names the template that draws them,
	// site/layouts/_partials/risk/LAYOUT.html; "" is "index".
	Layout string
	// Periods is how many of the latest periods are shown; 0 shows all.
	Periods int
}

// label returns the name people know the source by.
func (s *SourceStatus) label() string {
	if s.Title != "" {
		return s.Title
	}
	return s.Name
}
