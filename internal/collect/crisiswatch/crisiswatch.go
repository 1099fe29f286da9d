// Package crisiswatch collects CrisisWatch, the International Crisis Group's
// monthly conflict tracker, from its database listing
// (https://www.crisisgroup.org/crisiswatch/database): for each conflict or
// country and month, the trend of the month (deteriorated, improved or
// unchanged situation), the alerts for the month ahead (conflict risk
// alert, resolution opportunity) and a short text.
//
// Each entry naming a state gives one row crisiswatch_trend with the trend
// as category, and one row crisiswatch_alert per alert, with the entry's
// text as summary, in the risk-reports dataset (publisher crisis_group, the
// month as period YYYY-MM). Entries naming no single state are left out and
// reported (see State).
//
// The listing's markup, as public scrapers written between 2019 and 2026
// read it (no live page could be read here, so the sample pages of the
// bundled mirror are written to it):
//
//   - verified in several scrapers: each entry is a div with the class
//     c-crisiswatch-entry (with utility classes that changed over the
//     years: "[ o-container o-container--m u-pr ]", "u-pr"), lately with a
//     data-entry-country slug; its name is the text of its h3, after the
//     icons (span.o-icon holding <svg><use xlink:href="#deteriorated">, and
//     #improved, #unchanged, #risk-alert, #resolution); its month is a
//     <time> ("January 2025"); its text is in div.o-crisis-states__detail,
//     in <p> elements, the first opening with a bold summary line;
//     entries may carry a strip of the past months' states
//     (div.o-state-entry with a title "Month YYYY" and span.state-*
//     icons), which are other months' markers and are ignored;
//   - verified: the listing is paginated with ?page=N counted from 0,
//     newest entries first, and filtered with location[], created,
//     from_month, from_year, to_month, to_year; a pager (.o-pagination)
//     shows "N of M";
//   - assumed: the pager's next link carries rel="next" or says "next"
//     (Drupal's pager does both); region and month headings may stand
//     between entries; a paragraph linking the country's history in the
//     database ("Click here for past entries") may close an entry.
package crisiswatch

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
)

// DatabaseURL is the first page of the CrisisWatch database listing.
const DatabaseURL = "https://www.crisisgroup.org/crisiswatch/database"

// Defaults of the source options.
const (
	DefaultMonths   = 12
	DefaultMaxPages = 500
)

// Errors that callers test for.
var (
	// ErrPageCap reports a listing that still went on, within the months
	// asked for, after max_pages pages: no records rather than a part.
	ErrPageCap = errors.New("page cap reached before the end of the months asked for")
	// ErrOption reports a source option this collector does not take, or
	// a value out of range.
	ErrOption = errors.New("bad source option")
	// ErrLoop reports a next-page link back to a page already read.
	ErrLoop = errors.New("pagination leads back to a page already read")
)

// Collector collects CrisisWatch. The zero value is ready to use; it keeps
// no state between calls.
//
// Source options:
//
//	months     how many months back to go, counted from the newest month
//	           in the listing (default 12: that month and the 11 before)
//	max_pages  the most pages to read (default 500); a listing still in
//	           the window after that many pages is an error
type Collector struct{}

var _ collect.Collector = (*Collector)(nil)

// Check reports a mistake in the source's options before anything is
// fetched; the pipeline calls it at start-up.
func (c *Collector) Check(src collect.Source) error {
	_, err := readOptions(src.Options)
	if err != nil {
		return fmt.Errorf("crisiswatch: source %q: %w", src.Name, err)
	}
	return nil
}

// options are the source's settings, decoded from [source.options].
type options struct {
	Months   int `toml:"months"`
	MaxPages int `toml:"max_pages"`
}

// Collect reads the listing at src's URL page by page, newest first, until
// the entries are older than the months asked for or the pages end, and
// returns the entries naming a state as a risk-reports table. It returns
// an error wrapping collect.ErrUnchanged when every page came back not
// modified (or the first page did, from a fetcher that keeps no copy: new
// entries appear on the first page), ErrPageCap when the listing goes on
// past max_pages, and ErrNoEntries when the first page has none.
func (c *Collector) Collect(ctx context.Context, f collect.Fetcher, src collect.Source) (*dataset.Table, error) {
	f = collect.TextFetcher{Next: f} // text in UTF-8, whatever its charset
	if len(src.URLs) != 1 {
		return nil, fmt.Errorf("crisiswatch: source %q: want one URL (the database listing), have %d", src.Name, len(src.URLs))
	}
	opts, err := readOptions(src.Options)
	if err != nil {
		return nil, fmt.Errorf("crisiswatch: source %q: %w", src.Name, err)
	}
	entries, err := collectEntries(ctx, f, src.URLs[0], opts)
	if err != nil {
		return nil, err
	}
	name := src.Name
	if name == "" {
		name = dataset.PublisherCrisisGroup
	}
	t, warnings, err := Table(entries, name)
	if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		collect.Warn(ctx, "crisiswatch: %s", w)
	}
	return t, nil
}

// collectEntries reads the listing's pages and returns the entries within
// the window.
func collectEntries(ctx context.Context, f collect.Fetcher, start string, opts options) ([]Entry, error) {
	var entries []Entry
	visited := map[string]bool{}
	unchanged := true
	first := -1 // the window's first month, as an index
	u := start
	for page := 1; ; page++ {
		if page > opts.MaxPages {
			return nil, fmt.Errorf("crisiswatch: %s: %w (max_pages = %d; raise it or lower months)", u, ErrPageCap, opts.MaxPages)
		}
		visited[u] = true
		doc, err := f.Fetch(ctx, &collect.Request{URL: u})
		switch {
		case errors.Is(err, collect.ErrNotModified) && page == 1:
			return nil, fmt.Errorf("crisiswatch: %s: %w", u, collect.ErrUnchanged)
		case err != nil:
			return nil, fmt.Errorf("crisiswatch: fetch %s: %w", u, err)
		}
		if !doc.NotModified {
			unchanged = false
		}
		p, err := ParsePage(doc.Base(), doc.Body)
		if err != nil {
			return nil, err
		}
		if len(p.Entries) == 0 {
			if page == 1 {
				return nil, fmt.Errorf("crisiswatch: %s: %w", doc.URL, ErrNoEntries)
			}
			break // the listing ended with an empty page
		}
		if first < 0 {
			newest := 0
			for _, e := range p.Entries {
				newest = max(newest, monthIndex(e.Month))
			}
			first = newest - (opts.Months - 1)
		}
		older := false
		for _, e := range p.Entries {
			if monthIndex(e.Month) < first {
				older = true // newest first: the pages after are older still
				continue
			}
			entries = append(entries, e)
		}
		if older || p.Next == "" {
			break
		}
		if visited[p.Next] {
			return nil, fmt.Errorf("crisiswatch: %s links %s as the next page: %w", u, p.Next, ErrLoop)
		}
		u = p.Next
	}
	if unchanged {
		return nil, fmt.Errorf("crisiswatch: %s: %w", start, collect.ErrUnchanged)
	}
	return entries, nil
}

// monthIndex returns a YYYY-MM month as a count of months.
func monthIndex(m string) int {
	y, mo, _ := strings.Cut(m, "-")
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(mo)
	return yi*12 + mi - 1
}

// Table returns entries as a risk-reports table whose source column is
// source, in the order of entries, with what it left out as warnings: the
// entries naming no single state (listed once, with counts), an entry
// repeated for a state and month, an entry without a trend marker or with
// two, and a resolution opportunity flagged with a conflict risk alert,
// which the dataset's key (one crisiswatch_alert per state and month)
// cannot hold beside it.
func Table(entries []Entry, source string) (*dataset.Table, []string, error) {
	var recs []dataset.RiskReport
	var warnings []string
	skipped := map[string]int{}
	seen := map[string]bool{}
	for _, e := range entries {
		c, ok := State(e.Name)
		if !ok {
			skipped[e.Name]++
			continue
		}
		key := c.ISO3 + " " + e.Month
		if seen[key] {
			warnings = append(warnings, fmt.Sprintf("%s %s: a second entry (%q) for the same state and month; left out", c.ISO3, e.Month, e.Name))
			continue
		}
		seen[key] = true
		add := func(indicator, category string) {
			recs = append(recs, dataset.RiskReport{
				Publisher: dataset.PublisherCrisisGroup, Country: c.ISO3, CountryName: c.Name, Period: e.Month,
				Indicator: indicator, Category: category, Summary: e.Summary, Link: e.Link, Source: source,
			})
		}
		switch len(e.Trends) {
		case 1:
			add(dataset.CrisisWatchTrend, trendCategory(e.Trends[0]))
		case 0:
			warnings = append(warnings, fmt.Sprintf("%s %s (%q): no trend marker; no trend row", c.ISO3, e.Month, e.Name))
		default:
			warnings = append(warnings, fmt.Sprintf("%s %s (%q): trend markers %q disagree; no trend row", c.ISO3, e.Month, e.Name, e.Trends))
		}
		// A month can carry both a conflict risk alert and a resolution
		// opportunity; each is an indicator of its own.
		seen := map[string]bool{}
		for _, a := range e.Alerts {
			indicator, category := alertIndicator(a)
			if seen[indicator] {
				continue
			}
			seen[indicator] = true
			add(indicator, category)
		}
	}
	if len(skipped) > 0 {
		names := make([]string, 0, len(skipped))
		for n := range skipped {
			names = append(names, n)
		}
		sort.Strings(names)
		list := make([]string, len(names))
		total := 0
		for i, n := range names {
			list[i] = fmt.Sprintf("%s (%d)", n, skipped[n])
			total += skipped[n]
		}
		warnings = append(warnings, fmt.Sprintf("%d entries name no single state and are left out: %s", total, strings.Join(list, ", ")))
	}
	return dataset.RiskTable(recs), warnings, nil
}

func trendCategory(m string) string {
	switch m {
	case Deteriorated:
		return dataset.TrendDeteriorated
	case Improved:
		return dataset.TrendImproved
	}
	return dataset.TrendUnchanged
}

// alertIndicator returns the indicator and category of an alert marker.
func alertIndicator(m string) (indicator, category string) {
	if m == ResolutionOpportunity {
		return dataset.CrisisWatchResolution, dataset.AlertResolutionChance
	}
	return dataset.CrisisWatchAlert, dataset.AlertConflictRisk
}

// readOptions reads months and max_pages and rejects any other option.
func readOptions(raw map[string]any) (options, error) {
	o := options{Months: DefaultMonths, MaxPages: DefaultMaxPages}
	if err := collect.DecodeOptions(raw, &o); err != nil {
		return options{}, fmt.Errorf("%w: %w", err, ErrOption)
	}
	for _, opt := range []struct {
		name string
		n    int
	}{{"months", o.Months}, {"max_pages", o.MaxPages}} {
		if opt.n < 1 || opt.n > 100000 {
			return options{}, fmt.Errorf("option %s = %d: want a whole number from 1 to 100000: %w", opt.name, opt.n, ErrOption)
		}
	}
	return o, nil
}
