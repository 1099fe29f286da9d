// Package gao collects the reports of the US Government Accountability
// Office (GAO) on defence for the audit-outcomes dataset. It reads two kinds
// of document and merges them by report number:
//
//   - GAO's reports listing filtered to the Department of Defense
//     (ListingURL), an HTML page of 20 results followed through its "Next
//     page" link to the end. The listing decides which reports are about
//     defence.
//   - GAO's reports RSS feed (FeedURL), which holds the newest reports of
//     every agency. Items the listing also has fill in what the listing
//     leaves out; items it does not have are kept when their title matches
//     the source's feed filter (DefaultFeedFilter), since the feed names no
//     agency or topic.
//
// Each report becomes one row: auditor us_gao, the product number in upper
// case as report_id (GAO-24-106256), United States as jurisdiction, the
// published date, the title, and the canonical product page
// (https://www.gao.gov/products/gao-24-106256) as link. The number of
// recommendations is read where a summary states it ("GAO is making four
// recommendations", "We made 2 recommendations", "We are not making any
// recommendations"); otherwise it is null, never 0. Neither document shows a
// report's topic, so subject is the source's subject option, set when the
// listing is filtered by a topic, or null.
//
// When the two documents disagree on a report's title, date or count, the
// listing wins and the disagreement is reported with collect.Warn.
//
// What was verified against public scrapers of gao.gov and saved copies of
// its pages, and what is assumed, is listed in the comments of listing.go
// and feed.go.
package gao

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
)

// Addresses of the GAO documents this collector reads.
const (
	// FeedURL is GAO's RSS feed of its newest reports and testimonies.
	FeedURL = "https://www.gao.gov/rss/reports.xml"
	// ListingURL is GAO's reports listing filtered to the Department of
	// Defense, newest first, 20 reports a page.
	ListingURL = "https://www.gao.gov/reports-testimonies?f%5B0%5D=by_agency_name%3ADepartment%20of%20Defense"
	// ProductBase is the address of GAO's product pages; a report's page
	// is ProductBase + its lower-case number.
	ProductBase = "https://www.gao.gov/products/"
)

// DefaultMaxPages is the most listing pages Collect follows from one start
// URL when the source's max_pages option is not set. Reaching it with a
// further page to read is an error, never a silent truncation.
const DefaultMaxPages = 50

// DefaultFeedFilter matches the titles of feed items about defence, when the
// source's feed_filter option is not set. GAO titles open with the subject
// ("Defense Acquisitions:", "Navy Shipbuilding:", "F-35 Aircraft:"), so the
// title alone decides; descriptions mention the Department of Defense in
// passing too often to be used.
const DefaultFeedFilter = `(?i)\b(defen[cs]e|DOD|military|army|navy|naval|air force|marine corps|space force|` +
	`national guard|pentagon|weapons?|missiles?|munitions|nuclear (deterrent|security|triad)|shipbuilding|` +
	`submarines?|warships?|aircraft carriers?|F-35|tactical aircraft|service ?members?|troops)\b`

// Errors that callers test for. Each is wrapped with the document and the
// detail.
var (
	// ErrFormat reports a document that is neither GAO's reports feed nor a
	// page of its reports listing, or one whose layout has changed: a
	// listing page without results, a date in an unknown format, a next
	// link that goes back to a page already read.
	ErrFormat = errors.New("not in the layout of GAO's reports feed or listing")
	// ErrPageCap reports a listing with more pages than the source's
	// max_pages option allows.
	ErrPageCap = errors.New("listing has more pages than max_pages allows")
	// ErrOptions reports an unknown or malformed option of the source.
	ErrOptions = errors.New("bad source options")
)

// Collector collects GAO's reports on defence. Its source lists the start
// page of a reports listing (normally ListingURL) and, usually, the reports
// feed (FeedURL), in any order: Collect tells them apart by their content.
// Options (all optional):
//
//	max_pages    most pages followed per listing (DefaultMaxPages)
//	feed_filter  regular expression (Go syntax) a feed-only item's title
//	             must match to be kept (DefaultFeedFilter)
//	subject      topic of every report of the listing, for a listing
//	             filtered by topic ("National Defense"); empty by default
//
// The zero value is ready to use; it keeps no state between calls.
type Collector struct{}

var _ collect.Collector = (*Collector)(nil)

// Check reports a mistake in the source's options before anything is
// fetched; the pipeline calls it at start-up.
func (c *Collector) Check(src collect.Source) error {
	_, err := parseOptions(src.Options)
	if err != nil {
		return fmt.Errorf("gao: source %q: %w", src.Name, err)
	}
	return nil
}

// options are a source's settings.
type options struct {
	maxPages   int
	feedFilter *regexp.Regexp
	subject    string
}

func parseOptions(m map[string]any) (options, error) {
	raw := struct {
		MaxPages   int    `toml:"max_pages"`
		FeedFilter string `toml:"feed_filter"`
		Subject    string `toml:"subject"`
	}{MaxPages: DefaultMaxPages, FeedFilter: DefaultFeedFilter}
	if err := collect.DecodeOptions(m, &raw); err != nil {
		return options{}, fmt.Errorf("%w: %w", err, ErrOptions)
	}
	o := options{maxPages: raw.MaxPages, feedFilter: defaultFilter, subject: strings.TrimSpace(raw.Subject)}
	if o.maxPages < 1 {
		return options{}, fmt.Errorf("max_pages = %d: want a whole number of at least 1: %w", o.maxPages, ErrOptions)
	}
	if strings.TrimSpace(raw.FeedFilter) == "" {
		return options{}, fmt.Errorf("feed_filter = %q: want a regular expression: %w", raw.FeedFilter, ErrOptions)
	}
	if raw.FeedFilter != DefaultFeedFilter {
		re, err := regexp.Compile(raw.FeedFilter)
		if err != nil {
			return options{}, fmt.Errorf("feed_filter: %v: %w", err, ErrOptions)
		}
		o.feedFilter = re
	}
	return o, nil
}

var defaultFilter = regexp.MustCompile(DefaultFeedFilter)

// run is the state of one Collect call: the fetcher, and what its answers
// say of whether the source changed.
type run struct {
	f       collect.Fetcher
	fetched collect.Unchanged
}

// fetch fetches u. It returns a nil document, and no error, when the
// fetcher answered not modified without keeping a body.
func (r *run) fetch(ctx context.Context, u string) (*collect.Document, error) {
	d, err := r.fetched.Fetch(ctx, r.f, u)
	if err != nil {
		return nil, fmt.Errorf("gao: fetch %s: %w", u, err)
	}
	return d, nil
}

// Collect fetches every URL of src, follows each listing to its last page,
// and returns one audit-outcomes row per report. It returns an error
// wrapping collect.ErrUnchanged, and no table, when every document (the
// feed and every listing page) came back not modified; finding the listing
// pages means reading each page's next link, so the pages are fetched
// (conditionally) and their links read even then.
func (c *Collector) Collect(ctx context.Context, f collect.Fetcher, src collect.Source) (*dataset.Table, error) {
	f = collect.TextFetcher{Next: f} // text in UTF-8, whatever its charset
	if len(src.URLs) == 0 {
		return nil, fmt.Errorf("gao: source %q lists no urls", src.Name)
	}
	opt, err := parseOptions(src.Options)
	if err != nil {
		return nil, fmt.Errorf("gao: source %q: %w", src.Name, err)
	}
	r := &run{f: f}
	var listed [][]entry // per listing, in page order
	var fed [][]entry    // per feed
	for _, u := range src.URLs {
		doc, err := r.fetch(ctx, u)
		if err != nil {
			return nil, err
		}
		if doc == nil {
			continue
		}
		if isFeed(doc.Body) {
			items, err := parseFeed(ctx, doc)
			if err != nil {
				return nil, err
			}
			fed = append(fed, items)
			continue
		}
		entries, err := r.crawl(ctx, doc, opt.maxPages)
		if err != nil {
			return nil, err
		}
		listed = append(listed, entries)
	}
	if r.fetched.All() {
		return nil, fmt.Errorf("gao: %w", collect.ErrUnchanged)
	}
	// Something changed, so every document is read again, and a body that
	// was not kept is an error.
	if err := r.fetched.Missing(); err != nil {
		return nil, fmt.Errorf("gao: %w", err)
	}
	if len(listed) == 0 {
		return nil, fmt.Errorf("gao: source %q: no reports listing among its urls, only feeds: the listing decides which reports are about defence: %w",
			src.Name, ErrFormat)
	}
	reports := merge(ctx, listed, fed, opt)
	return table(reports, src.Name)
}

// report is one row of the table.
type report struct {
	ID              string // GAO-24-106256
	Published       string // YYYY-MM-DD
	Title           string
	Subject         string // empty when not known
	Recommendations *int   // nil when not stated
	Link            string
}

// table returns the rows of reports, sorted by report number.
func table(reports []report, source string) (*dataset.Table, error) {
	usa, ok := country.Lookup("USA")
	if !ok {
		return nil, fmt.Errorf("gao: country registry has no USA")
	}
	if source == "" {
		source = "gao"
	}
	reports = slices.Clone(reports)
	sort.SliceStable(reports, func(i, j int) bool { return reports[i].ID < reports[j].ID })
	recs := make([]dataset.AuditReport, len(reports))
	for i, r := range reports {
		recs[i] = dataset.AuditReport{
			Auditor: dataset.AuditorGAO, ReportID: r.ID, Country: usa.ISO3, Jurisdiction: usa.Name,
			Published: r.Published, Title: r.Title, Subject: r.Subject, Link: r.Link, Source: source,
		}
		if r.Recommendations != nil {
			recs[i].Recommendations, recs[i].HasRecommendations = *r.Recommendations, true
		}
	}
	return dataset.AuditTable(recs), nil
}
