// Package unroca collects who reports to the UN Register of Conventional Arms
// (UNROCA), year by year, from the register's JSON API.
//
// The API, as the public scrapers of it read it (Klohto/UNROCA-scraper, a
// Scrapy spider of 2023, and an httpx client that names the list's fields;
// nothing here was checked against the live site, which this machine could
// not reach):
//
//   - GET https://www.unroca.org/api/country-list/ answers a JSON array, one
//     object per state: name_en, countryname_slug, iso_2_acronym. The slug
//     is the state's path on the site and the API. The list is not
//     paginated; a paginated form ({"results": [...], "next": URL}) is
//     followed too, up to max_pages pages, and hitting the cap is an error.
//   - GET https://www.unroca.org/api/<slug>/ answers the state's profile:
//     "country" (the same fields) and "available_reports", the years the
//     state reported as [{"year": 2019}, {"year": 2018}, ...], latest first,
//     empty for a state that never reported; and the transfers, which this
//     package does not read. A report year is the calendar year whose
//     transfers the report covers, as the site labels it
//     (https://www.unroca.org/<slug>/report/<year>/).
//   - Nothing in the answers tells a nil report from a report with
//     transfers, or gives a submission date: a year listed is "submitted",
//     every other year "no_report".
//
// Each state of the list is mapped to its registry code by iso_2_acronym,
// else by its name, else by its slug read as a name (aliases.csv spells out
// the slugs whose words differ from the registry's names, such as
// cote-divoire). One row is made per state and year from first_year (1992,
// the register's first year) to last_year (the latest year any state
// reported, unless the option sets it). That is one request for the list and
// one per state, 194 in all: under seven minutes at the fetcher's default of
// one request per two seconds per host.
//
// Links point at the report page for a year reported, and at the state's
// page on the site otherwise. A copy of the API saved by hand (wget -x) is
// read by naming its folder in the mirror setting of [fetch]; file:// URLs
// cannot serve it, as the profiles lie beside the list's folder, outside
// what the fetcher lets a file:// source read.
package unroca

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
)

// Addresses of the register.
const (
	// CountryListURL is the API's list of states, the URL a source starts
	// from.
	CountryListURL = "https://www.unroca.org/api/country-list/"
	// SiteURL is the register's site, where the links of the rows point.
	SiteURL = "https://www.unroca.org/"
)

// Defaults of the source's options.
const (
	// FirstYear is the register's first reporting year, and the default
	// first year of the rows.
	FirstYear = 1992
	// DefaultMaxPages caps the pages of the country list followed.
	DefaultMaxPages = 20
)

// ErrConfig reports options that cannot be met.
var ErrConfig = errors.New("source options cannot be met")

// ErrPageCap reports a country list with more pages than max_pages allows.
var ErrPageCap = errors.New("more pages than max_pages")

// ReportURL returns the address of a state's report for a year on the site.
func ReportURL(slug string, year int) string {
	return SiteURL + slug + "/report/" + strconv.Itoa(year) + "/"
}

// Collector collects the UNROCA reporting record. The zero value is ready
// to use.
type Collector struct{}

var _ collect.Collector = (*Collector)(nil)

// Check reports a mistake in the source's options before anything is
// fetched; the pipeline calls it at start-up.
func (c *Collector) Check(src collect.Source) error {
	_, err := parseOptions(src.Options)
	if err != nil {
		return fmt.Errorf("unroca: source %q: %w", src.Name, err)
	}
	return nil
}

// state is a state of the country list with its reports.
type state struct {
	iso3, name, slug string
	years            []int
}

// Collect reads the country list at src's URL, then each state's profile,
// and returns one row per state and year.
func (c *Collector) Collect(ctx context.Context, f collect.Fetcher, src collect.Source) (*dataset.Table, error) {
	f = collect.TextFetcher{Next: f} // text in UTF-8, whatever its charset
	if len(src.URLs) != 1 {
		return nil, fmt.Errorf("unroca: source %q: want one url, the country list, got %d", src.Name, len(src.URLs))
	}
	opts, err := parseOptions(src.Options)
	if err != nil {
		return nil, fmt.Errorf("unroca: source %q: %w: %w", src.Name, ErrConfig, err)
	}
	start := src.URLs[0]
	api, site, err := addresses(start)
	if err != nil {
		return nil, fmt.Errorf("unroca: %w", err)
	}

	var fetched collect.Unchanged
	// fetch returns the document at u, or nil for one that is not
	// modified and whose body the fetcher did not keep.
	fetch := func(u string) (*collect.Document, error) {
		d, err := fetched.Fetch(ctx, f, u)
		if err != nil {
			return nil, fmt.Errorf("unroca: fetch %s: %w", u, err)
		}
		return d, nil
	}

	// The country list, every page of it.
	var entries []Entry
	next, pages := start, 0
	for next != "" {
		if pages == opts.MaxPages {
			return nil, fmt.Errorf("unroca: country list %s: %d pages and more: %w", start, pages, ErrPageCap)
		}
		d, err := fetch(next)
		if err != nil {
			return nil, err
		}
		if d == nil {
			return nil, fmt.Errorf("unroca: fetch %s: not modified and no archived copy to read the states from: %w",
				next, collect.ErrNotModified)
		}
		pages++
		list, nextRef, err := ParseList(d.Body)
		if err != nil {
			return nil, fmt.Errorf("unroca: %s: %w", next, err)
		}
		entries = append(entries, list...)
		next = ""
		if nextRef != "" {
			u, err := resolve(d.Base(), nextRef)
			if err != nil {
				return nil, fmt.Errorf("unroca: %s: next page %q: %w", d.URL, nextRef, ErrFormat)
			}
			next = u
		}
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("unroca: country list %s: no state: %w", start, ErrFormat)
	}
	states, err := lookupAll(ctx, entries)
	if err != nil {
		return nil, err
	}

	// Each state's profile.
	var deferred error // a read error while every document so far was unchanged
	for i := range states {
		s := &states[i]
		u := api.JoinPath(s.slug).String() + "/"
		d, err := fetch(u)
		if err != nil {
			return nil, err
		}
		if d == nil {
			continue
		}
		if deferred != nil && !fetched.All() {
			return nil, deferred
		}
		p, err := ParseProfile(d.Body)
		if err == nil && p.Country.Slug != "" && p.Country.Slug != s.slug {
			err = fmt.Errorf("the profile is of %q: %w", p.Country.Slug, ErrFormat)
		}
		if err != nil {
			err = fmt.Errorf("unroca: %s: %w", u, err)
			if !fetched.All() {
				return nil, err
			}
			// Every document so far is unchanged: the source may be
			// unchanged as a whole, and then this body is not read.
			if deferred == nil {
				deferred = err
			}
			continue
		}
		s.years = p.Years
	}
	if fetched.All() {
		return nil, fmt.Errorf("unroca: %d documents: %w", fetched.Len(), collect.ErrUnchanged)
	}
	if deferred != nil {
		return nil, deferred
	}
	if err := fetched.Missing(); err != nil {
		return nil, fmt.Errorf("unroca: %w", err)
	}
	return table(ctx, src, site, states, opts)
}

// addresses returns, from the country list's URL, the API's base, under
// which a state's profile is <slug>/, and the site's root, where the rows
// link to. A folder saved by hand is read through the fetcher's mirror
// setting, not file:// URLs: the profiles lie beside the list's folder, where
// the fetcher lets no file:// source read.
func addresses(list string) (api *url.URL, site string, err error) {
	u, err := url.Parse(list)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "", fmt.Errorf("country list url %q: want an http(s) URL (for a folder saved by hand, set mirror in [fetch])", list)
	}
	p := strings.TrimSuffix(u.Path, "/")
	if path.Base(p) != "country-list" {
		return nil, "", fmt.Errorf("country list url %q: want a path ending in country-list/", list)
	}
	api = &url.URL{Scheme: u.Scheme, Host: u.Host, Path: path.Dir(p) + "/"}
	site = (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/"}).String()
	return api, site, nil
}

func resolve(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	u, err := b.Parse(ref)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// lookupAll maps the list's states to registry codes; a code or slug that
// comes twice is an error.
func lookupAll(ctx context.Context, entries []Entry) ([]state, error) {
	var states []state
	codes, slugs := map[string]string{}, map[string]bool{}
	for _, e := range entries {
		k, warning, err := Lookup(e)
		if err != nil {
			return nil, fmt.Errorf("unroca: country list: %w", err)
		}
		if warning != "" {
			collect.Warn(ctx, "unroca: country list: %s", warning)
		}
		if prev, dup := codes[k.ISO3]; dup {
			return nil, fmt.Errorf("unroca: country list: %s and %s are both %s: %w", prev, e.Slug, k.ISO3, ErrFormat)
		}
		if slugs[e.Slug] {
			return nil, fmt.Errorf("unroca: country list: %s twice: %w", e.Slug, ErrFormat)
		}
		codes[k.ISO3], slugs[e.Slug] = e.Slug, true
		states = append(states, state{iso3: k.ISO3, name: k.Name, slug: e.Slug})
	}
	return states, nil
}

// table makes the rows: for each state, sorted by code, each year from the
// first to the last.
func table(ctx context.Context, src collect.Source, site string, states []state, opts options) (*dataset.Table, error) {
	first, last := opts.FirstYear, opts.LastYear
	if first == 0 {
		first = FirstYear
	}
	if last == 0 {
		for _, s := range states {
			for _, y := range s.years {
				last = max(last, y)
			}
		}
		if last == 0 {
			return nil, fmt.Errorf("unroca: no state lists a report; set last_year to publish %d states without any: %w", len(states), ErrFormat)
		}
	}
	if first < 1990 || last > 2100 || first > last {
		return nil, fmt.Errorf("unroca: years %d to %d: want a range within 1990 to 2100: %w", first, last, ErrConfig)
	}
	name := src.Name
	if name == "" {
		name = "unroca"
	}
	slices.SortFunc(states, func(a, b state) int { return strings.Compare(a.iso3, b.iso3) })
	var recs []dataset.CBMReport
	for _, s := range states {
		reported := map[int]bool{}
		var outside []string
		for _, y := range s.years {
			if y < first || y > last {
				outside = append(outside, strconv.Itoa(y))
				continue
			}
			reported[y] = true
		}
		if len(outside) > 0 {
			collect.Warn(ctx, "unroca: %s lists reports for %s, outside %d to %d; they are left out",
				s.slug, strings.Join(outside, ", "), first, last)
		}
		for y := first; y <= last; y++ {
			kind, link := dataset.ReportNone, site+s.slug+"/"
			if reported[y] {
				kind, link = dataset.ReportSubmitted, site+s.slug+"/report/"+strconv.Itoa(y)+"/"
			} else if y < country.JoinedUN(s.iso3) {
				// Not yet a UN member: no row rather than a false "no
				// report" (a state may report before it joins, as above).
				continue
			}
			recs = append(recs, dataset.CBMReport{Country: s.iso3, CountryName: s.name, Instrument: dataset.InstrumentUNROCA,
				Year: y, Kind: kind, Link: link, Source: name})
		}
	}
	return dataset.CBMTable(recs), nil
}

// options are the source's settings ([source.options] in the sources file).
type options struct {
	FirstYear int `toml:"first_year"` // 0: the default
	LastYear  int `toml:"last_year"`  // 0: the default
	MaxPages  int `toml:"max_pages"`
}

func parseOptions(m map[string]any) (options, error) {
	o := options{MaxPages: DefaultMaxPages}
	if err := collect.DecodeOptions(m, &o); err != nil {
		return options{}, err
	}
	if o.MaxPages < 1 {
		return options{}, fmt.Errorf("option max_pages: %d is not a positive number", o.MaxPages)
	}
	return o, nil
}
