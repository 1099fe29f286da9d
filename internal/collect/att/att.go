// Package att collects which States Parties of the Arms Trade Treaty
// submitted their annual report on exports and imports (Article 13(3)) for
// each year, public or not, nil or not, from the ATT Secretariat's website.
//
// What is known of the site (thearmstradetreaty.org), from its own reporting
// page and from a public project that links it; the live site could not be
// reached from this machine, and no saved copy of the two pages below was
// found in the stored pages or public scrapers, so the layout read here is
// found by its header texts rather than by fixed positions:
//
//   - The annual reports are listed at
//     https://thearmstradetreaty.org/annual-reports.html?templateId=209826,
//     one row per report: the State Party, the year the report covers (the
//     calendar year of the exports and imports, due by 31 May of the year
//     after), and the report, a link to the file under /hyper-images/file/
//     when the state made it public. States may ask the Secretariat to keep
//     a report out of the public area of the website (reporting.html): the
//     row then has no link and says the report is not public. A nil report
//     (nothing exported or imported) says so in the row.
//   - The States Parties are listed with the date each deposited its
//     instrument of ratification, acceptance, approval or accession, and the
//     date the treaty entered into force for it: 24 December 2014 for the
//     states that deposited before, else ninety days after the deposit
//     (Article 22). A state that has only signed is not a party.
//
// The listing's table is the one whose header names a state and a year; the
// list of States Parties is the one whose header names an entry into force,
// or else a deposit (ratification, accession). A date column, where the
// listing has one, gives the submission date.
//
// Rows: one per State Party and year, from first_year (2015, the first year
// annual reports covered) to last_year (the latest year the listing shows):
// submitted or nil_report with public true or false, and no_report for a
// year the treaty was in force for the state from 1 January (so that the
// whole year's exports and imports were to be reported). A year before
// that has no row: the state owed nothing. A report listed for such a year
// (a state reporting on its first, partial year) is kept.
package att

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
)

// Addresses of the Secretariat's site.
const (
	// ReportsURL is the listing of the annual reports.
	ReportsURL = "https://thearmstradetreaty.org/annual-reports.html?templateId=209826"
	// PartiesURL is the list of States Parties with their dates.
	PartiesURL = "https://thearmstradetreaty.org/treaty-status.html"
)

// FirstYear is the first year annual reports covered: the treaty entered
// into force on 24 December 2014, and the first reports, due 31 May 2016,
// covered 2015.
const FirstYear = 2015

// EntryIntoForce is the day the treaty entered into force, for the states
// that deposited their instrument before it.
var EntryIntoForce = time.Date(2014, 12, 24, 0, 0, 0, 0, time.UTC)

// Errors the collector returns, wrapped.
var (
	// ErrFormat reports a page that is not of the layout read here.
	ErrFormat = errors.New("not the layout of the ATT Secretariat's pages")
	// ErrConfig reports options that cannot be met.
	ErrConfig = errors.New("source options cannot be met")
)

// Collector collects the ATT annual-reporting record. The zero value is
// ready to use.
type Collector struct{}

var _ collect.Collector = (*Collector)(nil)

// Check reports a mistake in the source's options or URLs before anything
// is fetched.
func (c *Collector) Check(src collect.Source) error {
	if len(src.URLs) != 2 {
		return fmt.Errorf("att: source %q: want two urls, the annual reports and the States Parties, got %d", src.Name, len(src.URLs))
	}
	if _, err := parseOptions(src.Options); err != nil {
		return fmt.Errorf("att: source %q: %w", src.Name, err)
	}
	return nil
}

// Collect reads the listing of annual reports and the list of States
// Parties, and returns one row per State Party and year it owed or made a
// report.
func (c *Collector) Collect(ctx context.Context, f collect.Fetcher, src collect.Source) (*dataset.Table, error) {
	if err := c.Check(src); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	opts, _ := parseOptions(src.Options)
	f = collect.TextFetcher{Next: f}
	var fetched collect.Unchanged
	var docs [2]*collect.Document
	for i, u := range src.URLs {
		d, err := fetched.Fetch(ctx, f, u)
		if err != nil {
			return nil, fmt.Errorf("att: fetch %s: %w", u, err)
		}
		docs[i] = d
	}
	if fetched.All() {
		return nil, fmt.Errorf("att: %d documents: %w", fetched.Len(), collect.ErrUnchanged)
	}
	if err := fetched.Missing(); err != nil {
		return nil, fmt.Errorf("att: %w", err)
	}
	reports, err := ParseReports(docs[0].Body, docs[0].Base())
	if err != nil {
		return nil, fmt.Errorf("att: %s: %w", docs[0].URL, err)
	}
	parties, err := ParseParties(docs[1].Body)
	if err != nil {
		return nil, fmt.Errorf("att: %s: %w", docs[1].URL, err)
	}
	name := src.Name
	if name == "" {
		name = "att"
	}
	return rows(ctx, name, docs[0].URL, reports, parties, opts)
}

// Report is one row of the listing of annual reports.
type Report struct {
	State     string // as the listing names it
	Year      int
	Submitted string // YYYY-MM-DD, or ""
	Nil       bool
	Public    bool
	Link      string // the report's file, when public
}

// Party is one State Party of the list.
type Party struct {
	State string    // as the list names it
	Force time.Time // the day the treaty entered into force for it
}

// owes reports whether a party owed a report for year: the treaty was in
// force for it from the year's first day.
func (p Party) owes(year int) bool {
	return !p.Force.After(time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC))
}

type key struct {
	iso3 string
	year int
}

// rows makes the rows, sorted by code and year.
func rows(ctx context.Context, name, listing string, reports []Report, parties []Party, opts options) (*dataset.Table, error) {
	type state struct {
		iso3, name string
		party      *Party
	}
	states := map[string]*state{}
	lookup := func(what, s string) (*state, error) {
		c, ok := country.ByName(s)
		if !ok || !c.IsState() {
			return nil, fmt.Errorf("att: %s: %q is not a state of the country registry (add an alias to internal/country/aliases.csv): %w", what, s, ErrFormat)
		}
		st := states[c.ISO3]
		if st == nil {
			st = &state{iso3: c.ISO3, name: c.Name}
			states[c.ISO3] = st
		}
		return st, nil
	}
	for i := range parties {
		st, err := lookup("States Parties", parties[i].State)
		if err != nil {
			return nil, err
		}
		if st.party != nil {
			return nil, fmt.Errorf("att: States Parties: %s listed twice: %w", st.iso3, ErrFormat)
		}
		st.party = &parties[i]
	}
	first, last := opts.FirstYear, opts.LastYear
	got := map[key]Report{}
	for _, r := range reports {
		st, err := lookup("annual reports", r.State)
		if err != nil {
			return nil, err
		}
		k := key{st.iso3, r.Year}
		if _, dup := got[k]; dup {
			return nil, fmt.Errorf("att: annual reports: %s %d listed twice: %w", st.iso3, r.Year, ErrFormat)
		}
		if st.party == nil {
			collect.Warn(ctx, "att: %s reported for %d but is not on the list of States Parties; its report is kept", r.State, r.Year)
		}
		got[k] = r
		if opts.LastYear == 0 {
			last = max(last, r.Year)
		}
	}
	if last == 0 {
		return nil, fmt.Errorf("att: the listing holds no annual report; set last_year to publish the States Parties without any: %w", ErrFormat)
	}
	if first > last {
		return nil, fmt.Errorf("att: years %d to %d: %w", first, last, ErrConfig)
	}
	codes := make([]string, 0, len(states))
	for c := range states {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var recs []dataset.CBMReport
	for _, code := range codes {
		st := states[code]
		for y := first; y <= last; y++ {
			rec := dataset.CBMReport{Country: st.iso3, CountryName: st.name, Instrument: dataset.InstrumentATT, Year: y, Source: name}
			if r, ok := got[key{code, y}]; ok {
				rec.Kind, rec.Submitted, rec.Public, rec.HasPublic, rec.Link = dataset.ReportSubmitted, r.Submitted, r.Public, true, r.Link
				if r.Nil {
					rec.Kind = dataset.ReportNil
				}
				if rec.Link == "" {
					rec.Link = listing
				}
			} else if st.party != nil && st.party.owes(y) {
				rec.Kind, rec.Link = dataset.ReportNone, listing
			} else {
				continue // not (yet) a State Party that owed a report
			}
			recs = append(recs, rec)
		}
	}
	for k, r := range got {
		if k.year < first || k.year > last {
			collect.Warn(ctx, "att: %s's report for %d is outside %d to %d and left out", r.State, k.year, first, last)
		}
	}
	return dataset.CBMTable(recs), nil
}

// options are the source's settings ([source.options] in the sources file).
type options struct {
	FirstYear int `toml:"first_year"` // default FirstYear
	LastYear  int `toml:"last_year"`  // 0: the latest year of the listing
}

func parseOptions(m map[string]any) (options, error) {
	o := options{}
	if err := collect.DecodeOptions(m, &o); err != nil {
		return options{}, err
	}
	if o.FirstYear == 0 {
		o.FirstYear = FirstYear
	}
	if o.FirstYear < FirstYear || o.FirstYear > 2100 || o.LastYear != 0 && (o.LastYear < o.FirstYear || o.LastYear > 2100) {
		return options{}, fmt.Errorf("years %d to %d: want %d or later, first before last", o.FirstYear, o.LastYear, FirstYear)
	}
	return o, nil
}

// year reads a four-digit year in s.
func year(s string) (int, bool) {
	for f := range strings.FieldsSeq(s) {
		if len(f) == 4 {
			if y, err := strconv.Atoi(f); err == nil && y >= 1990 && y <= 2100 {
				return y, true
			}
		}
	}
	return 0, false
}
