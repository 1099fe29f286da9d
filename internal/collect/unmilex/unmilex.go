// Package unmilex collects who reports to the UN Report on Military
// Expenditures, and in what form, from the UNODA reporting site: one page per
// state and year, https://milex-reporting.unoda.org/en/states/<ISO3>/<year>,
// where the year is the fiscal year reported (the statements on the pages
// say "in the fiscal year <year>"). Each page becomes one row of the
// cbm-reports dataset.
//
// # What is known of the site, and how
//
// No page of the site could be fetched while this package was written (the
// machine had no network). What follows comes from the one public scraper of
// the site, nhamby/un-milex-database (October 2025: Selenium driving Chrome,
// BeautifulSoup reading the rendered page), and from the 5,209 pages it
// saved (realdata/unoda_milex in the project's test data). None of it was
// checked against the live site.
//
//   - The site renders the report in the browser. The scraper waits for a
//     div.spinner-container to give way to div.report.loaded, and the texts
//     it saved carry template artefacts of a JavaScript front end
//     ("[object Object]", "undefined", "A/RES/" where the resolution number is
//     empty). No API that the page calls is documented anywhere the search
//     tools reach, so this collector reads the HTML. If the server's HTML is
//     only the shell, every page fails with ErrNotRendered, the source fails
//     loudly, and the last good rows are kept; a shell is never read as "no
//     report". Pages rendered by a browser and saved (a mirror folder, or
//     file:// URLs) are read as they are.
//   - The rendered report, as the scraper's selectors show it: the national
//     currency and the unit of measure each in a div.currency-and-unit of
//     two paragraphs, "National Currency" and ": Euro (EUR)"; the total as an
//     h3 "Total expenditure" followed by an h1 with the figure; the
//     standardized matrix as a table with the force groups in the header row
//     (Strategic forces ... Undistributed, Total Expenditure) and the lines
//     of the form down the first column (1. Personnel, 1.1 Conscripts ... 5.
//     Total (1+2+3+4)); the explanatory remarks after a heading of that name.
//     Parse also reads the dt/dd pairs the scraper tried first.
//   - A single-figure or nil report is a paragraph in the report that the
//     site writes out from the state's entries: "The Government of Armenia,
//     with reference to General Assembly resolution A/RES/74/24, hereby
//     informs the United Nations that its total military expenditures in the
//     fiscal year 2019 were 298,100.2 million AMD", and "... that is possesses
//     neither armed nor military forces, and had no military expenditures in
//     the fiscal year 2019." Parse recognises them by these sentences, which
//     the site's template fixes (typos included).
//   - Figures use English digit grouping, "549,424,202,980" and "70,105.6";
//     ParseNumber reads exactly that and fails on anything else.
//   - A page without a report shows the empty form: "()" for the currency
//     and "No Multiplier" for the unit. 28 of the saved pages show "error
//     ()" instead (5 of them with figures): a warning, and the rest of the
//     page decides. 58 saved pages name a currency but show no figure, most
//     of them for states that report regularly: read as a return without
//     figures, with a warning.
//   - Neither the scraper nor its pages show a submission date, so the
//     submitted column stays empty; nor do they show which form a return
//     used. A return is therefore full_or_simplified unless a heading names
//     the form ("Simplified reporting form") or the matrix has a figure on a
//     sub-line (1.1, 3.1.10), which only the standardized form has: then it
//     is full.
//   - The saved pages for 1998 and 1999 show no report from any state, and
//     2000-2002 fewer than the UN's own counts (15, 28 and 50 against 35, 61
//     and 77 reports received): DefaultFirstYear is 2000, and the early years
//     are undercounted by the site itself.
//
// # Which pages
//
// The source's URL is the states index, https://milex-reporting.unoda.org/en/states/;
// page URLs are built below it. The collector reads the index first: the
// states it links (base/<ISO3> or base/<ISO3>/<year>) are the states read,
// and the years of its state-year links bound the years. An index that links
// no state (the shell of a page rendered in the browser, or absent, 404) gives
// way to the 193 UN member states (Members) with a warning, and to the years
// from DefaultFirstYear to the year before the current one. The real index's
// layout is as unknown as the pages'; the bundled mirror's index lists its
// six sample states, which is what keeps a sample run to the pages the
// mirror has.
//
// Options ([source.options]): first_year and last_year (override the
// years), states (a list of ISO3 codes to restrict to, each of which must be
// on the index), max_pages (DefaultMaxPages). All pages of 193 states over 26
// years are 5,018 requests; at the fetcher's default of one request per two
// seconds per host a full run takes close to three hours.
//
// # Incremental runs
//
// Where the index dates a state's entry (a time element, or a date written
// in the list item or table row of its link), a page of that state fetched
// after that date is taken from the raw archive without a request
// (collect.Request.Fresh), unless it was fetched longer ago than the refresh
// option (default DefaultRefresh, a week): then it is asked for again,
// conditionally. An unchanged day costs the index alone; a day with changes,
// the index and the changed states' pages; the weekly full refresh, every
// page, most of them answered 304. incremental = false asks for every page
// every run. Unchanged pages
// come back not modified (the archive keeps their bodies); Collect reports
// collect.ErrUnchanged only when the index and every page are unchanged, and
// otherwise parses every page, about a millisecond each.
package unmilex

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
)

// StatesURL is the site's states index, the URL a source starts from.
const StatesURL = "https://milex-reporting.unoda.org/en/states/"

// PageURL returns the address of a state's page for a fiscal year on the
// site.
func PageURL(iso3 string, year int) string {
	return StatesURL + iso3 + "/" + strconv.Itoa(year)
}

// More errors that callers test for.
var (
	// ErrCountry reports a state code on the index that the registry in
	// internal/country does not hold as a state.
	ErrCountry = errors.New("country registry out of date")
	// ErrConfig reports options that cannot be met: a year range outside
	// the schema's, a state not on the index, more pages than max_pages.
	ErrConfig = errors.New("source options cannot be met")
)

// Collector collects the UN Milex reporting record. The zero value is ready
// to use.
type Collector struct {
	// Now returns the current time, from which the default last year
	// follows; nil means time.Now.
	Now func() time.Time
}

var _ collect.Collector = (*Collector)(nil)

// Check reports a mistake in the source's options before anything is
// fetched; the pipeline calls it at start-up.
func (c *Collector) Check(src collect.Source) error {
	_, err := parseOptions(src.Options)
	if err != nil {
		return fmt.Errorf("unmilex: source %q: %w", src.Name, err)
	}
	return nil
}

// pendingPage is an unchanged page whose reading waits until the source is
// known to have changed.
type pendingPage struct {
	code    string
	year    int
	url     string
	fetched time.Time
}

// page is a state's page for a year, read.
type page struct {
	iso3   string
	year   int
	url    string
	report *Report
}

// Collect reads the states index at src's URL, then each state's page for
// each year, and returns one row per state and year.
func (c *Collector) Collect(ctx context.Context, f collect.Fetcher, src collect.Source) (*dataset.Table, error) {
	f = collect.TextFetcher{Next: f} // text in UTF-8, whatever its charset
	if len(src.URLs) != 1 {
		return nil, fmt.Errorf("unmilex: source %q: want one url, the states index, got %d", src.Name, len(src.URLs))
	}
	opts, err := parseOptions(src.Options)
	if err != nil {
		return nil, fmt.Errorf("unmilex: source %q: %w: %w", src.Name, ErrConfig, err)
	}
	start := src.URLs[0]
	base, err := url.Parse(start)
	if err != nil || base.Host == "" && base.Scheme != "file" {
		return nil, fmt.Errorf("unmilex: states index url %q: want an absolute URL", start)
	}
	// Pages are below the index: .../states/ or, for a folder saved by
	// hand, .../states/index.html.
	base.Path = strings.TrimSuffix(base.Path, "index.html")
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	base.RawQuery, base.Fragment = "", ""

	var fetched collect.Unchanged
	var ix index
	d, err := f.Fetch(ctx, &collect.Request{URL: start})
	switch se, ok := errors.AsType[*collect.StatusError](err); {
	case ok && se.Code == 404:
		collect.Warn(ctx, "unmilex: the states index %s is not found (404)", start)
	case errors.Is(err, collect.ErrNotModified):
		return nil, fmt.Errorf("unmilex: fetch %s: not modified and no archived copy to read the states from: %w", start, err)
	case err != nil:
		return nil, fmt.Errorf("unmilex: fetch %s: %w", start, err)
	case d == nil:
		return nil, fmt.Errorf("unmilex: fetch %s: the fetcher returned no document", start)
	default:
		fetched.Add(d)
		ix = readIndex(d, base)
	}

	states, err := c.states(ctx, ix, opts, start)
	if err != nil {
		return nil, err
	}
	first, last, err := c.years(ix, opts)
	if err != nil {
		return nil, err
	}
	if n := len(states) * (last - first + 1); n > opts.MaxPages {
		return nil, fmt.Errorf("unmilex: %d states from %d to %d are %d pages, more than max_pages %d: %w",
			len(states), first, last, n, opts.MaxPages, ErrConfig)
	}

	var (
		pages     []page
		pending   []pendingPage // unchanged pages not parsed yet
		linkSite  = base.Scheme == "http" || base.Scheme == "https"
		pageCount = 0
	)
	parse := func(d *collect.Document, code string, year int, u string) error {
		r, err := Parse(d.Body)
		if err != nil {
			return fmt.Errorf("unmilex: parse %s: %w", u, err)
		}
		link := u
		if !linkSite {
			link = PageURL(code, year)
		}
		pages = append(pages, page{iso3: code, year: year, url: link, report: r})
		return nil
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	for _, code := range states {
		fresh := c.fresh(ix, opts, code, now())
		for year := first; year <= last; year++ {
			u := base.JoinPath(code, strconv.Itoa(year)).String()
			pageCount++
			d, err := fetched.Do(ctx, f, &collect.Request{URL: u, Fresh: fresh})
			if err != nil {
				return nil, fmt.Errorf("unmilex: fetch %s: %w", u, err)
			}
			if d == nil {
				continue
			}
			if d.NotModified {
				// Parsed only if something else changed: on a day
				// without change no page is read at all.
				pending = append(pending, pendingPage{code: code, year: year, url: u, fetched: d.Fetched})
				continue
			}
			if err := parse(d, code, year, u); err != nil {
				return nil, err
			}
		}
	}
	if fetched.All() {
		return nil, fmt.Errorf("unmilex: %d pages: %w", pageCount, collect.ErrUnchanged)
	}
	if err := fetched.Missing(); err != nil {
		return nil, fmt.Errorf("unmilex: %w", err)
	}
	// The source changed: read the unchanged pages too, from the archive
	// (each was fetched or confirmed at its fetched time, so no request).
	for _, p := range pending {
		d, err := f.Fetch(ctx, &collect.Request{URL: p.url, Fresh: p.fetched})
		if err != nil {
			return nil, fmt.Errorf("unmilex: fetch %s: %w", p.url, err)
		}
		if err := parse(d, p.code, p.year, p.url); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(pages, func(a, b page) int {
		if c := strings.Compare(a.iso3, b.iso3); c != 0 {
			return c
		}
		return a.year - b.year
	})
	return table(ctx, src, pages)
}

// fresh returns the time after which the archived copies of a state's pages
// may be reused without asking the site: the index's date of the state's
// last change, but no earlier than one refresh cycle ago, so that every
// page is asked for again at least once a cycle. Zero (ask for every page,
// conditionally) when the index gives the state no date or the source is
// not incremental.
func (c *Collector) fresh(ix index, opts options, code string, now time.Time) time.Time {
	changed, ok := ix.changed[code]
	if !opts.incremental || !ok {
		return time.Time{}
	}
	if cycle := now.Add(-opts.refresh); cycle.After(changed) {
		return cycle
	}
	return changed
}

// states returns the states to read: those of the index, else the UN
// members, restricted by the states option.
func (c *Collector) states(ctx context.Context, ix index, opts options, start string) ([]string, error) {
	offered := ix.states
	if len(offered) == 0 {
		offered = Members()
		collect.Warn(ctx, "unmilex: the states index %s links no state pages (a page the browser has yet to render?); reading the %d UN member states",
			start, len(offered))
	}
	for _, code := range offered {
		if k, ok := country.Lookup(code); !ok || !k.IsState() {
			return nil, fmt.Errorf("unmilex: the states index links %s, which is not a state in the registry: %w", code, ErrCountry)
		}
	}
	if opts.States == nil {
		return offered, nil
	}
	for _, code := range opts.States {
		if !slices.Contains(offered, code) {
			return nil, fmt.Errorf("unmilex: option states: %s is not on the states index %s: %w", code, start, ErrConfig)
		}
	}
	return opts.States, nil
}

// years returns the range of years to read: the options', else the
// index's, else DefaultFirstYear to the year before the current one.
func (c *Collector) years(ix index, opts options) (first, last int, err error) {
	first, last = opts.FirstYear, opts.LastYear
	if first == 0 {
		first = DefaultFirstYear
		if len(ix.years) > 0 {
			first = ix.years[0]
		}
	}
	if last == 0 {
		now := time.Now
		if c.Now != nil {
			now = c.Now
		}
		last = now().Year() - 1
		if len(ix.years) > 0 {
			last = ix.years[len(ix.years)-1]
		}
	}
	if first < 1990 || last > 2100 || first > last {
		return 0, 0, fmt.Errorf("unmilex: years %d to %d: want a range within 1990 to 2100: %w", first, last, ErrConfig)
	}
	return first, last, nil
}

// table makes the rows of the pages and reports their warnings.
func table(ctx context.Context, src collect.Source, pages []page) (*dataset.Table, error) {
	name := src.Name
	if name == "" {
		name = "unmilex"
	}
	var recs []dataset.CBMReport
	for _, p := range pages {
		r := p.report
		if r.Kind == dataset.ReportNone && p.year < country.JoinedUN(p.iso3) {
			// Not yet a member: silence then is not a failure to report.
			continue
		}
		for _, w := range r.Warnings {
			collect.Warn(ctx, "unmilex: %s: %s", p.url, w)
		}
		if r.FiscalYear != "" && r.FiscalYear != strconv.Itoa(p.year) {
			collect.Warn(ctx, "unmilex: %s: the statement names the fiscal year %q", p.url, r.FiscalYear)
		}
		k, _ := country.Lookup(p.iso3)
		// One unit for every total: whole units of the currency, the
		// reported digits' decimal point moved by the multiplier.
		total, hasTotal := r.Total, r.HasTotal
		if hasTotal {
			places, ok := dataset.MultiplierPlaces(r.Unit)
			if ok {
				total = dataset.ShiftDecimal(r.Total, places)
			} else {
				collect.Warn(ctx, "unmilex: %s: the total %s is left out: its unit of measure %q is not one the form offers", p.url, format(r.Total), r.Unit)
				total, hasTotal = 0, false
			}
		}
		recs = append(recs, dataset.CBMReport{
			Country: p.iso3, CountryName: k.Name, Instrument: dataset.InstrumentMilex, Year: p.year, Kind: r.Kind,
			Currency: r.Currency, UnitOfMeasure: r.Unit, Total: total, HasTotal: hasTotal, Link: p.url, Source: name,
		})
	}
	return dataset.CBMTable(recs), nil
}
