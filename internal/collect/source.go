package collect

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/defence-transparency/publish/internal/dataset"
)

// Config is the sources file: how to fetch, and what.
type Config struct {
	Fetch   FetchConfig `toml:"fetch"`
	Sources []Source    `toml:"source"`
}

// FetchConfig holds the fetcher's settings. Settings the sources file
// leaves out take the defaults of DefaultFetchConfig, and so do a zero
// UserAgent, Timeout, Backoff and MaxBody (see withDefaults).
type FetchConfig struct {
	// UserAgent names the project and a contact URL, so publishers can
	// reach whoever runs it.
	UserAgent string   `toml:"user_agent"`
	Timeout   Duration `toml:"timeout"` // per request
	// Delay is the minimum interval between two requests to one host.
	Delay   Duration `toml:"delay"`
	Retries int      `toml:"retries"` // further attempts after a temporary failure
	// Backoff is the wait before the first retry; it doubles each time.
	Backoff Duration `toml:"backoff"`
	MaxBody ByteSize `toml:"max_body"` // a larger body is an error, never truncated
	// Mirror, when set, serves every URL from this folder laid out by URL
	// (host/path, with "?query" written "@query") instead of the network.
	Mirror string `toml:"mirror"`
	// SourceDeadline bounds the whole collection of one source (every
	// request, retry and wait), on top of the per-request Timeout: a hung
	// host fails its source, not the run. A source's own deadline setting
	// replaces it. Zero means DefaultSourceDeadline.
	SourceDeadline Duration `toml:"source_deadline"`
}

// DefaultSourceDeadline is the time one source's collection may take when
// neither the source nor [fetch] sets it.
const DefaultSourceDeadline = 10 * time.Minute

// DefaultFetchConfig returns the settings used where the sources file is
// silent.
func DefaultFetchConfig() FetchConfig {
	return FetchConfig{
		UserAgent: "publish/1.0 (+https://github.com/defence-transparency/publish; open-data publisher for defence transparency)",
		Timeout:   Duration{2 * time.Minute},
		Delay:     Duration{2 * time.Second},
		Retries:   3,
		Backoff:   Duration{2 * time.Second},
		MaxBody:   100 << 20,
	}
}

// withDefaults returns c with the defaults of DefaultFetchConfig in place
// of a zero (or negative) UserAgent, Timeout, Backoff and MaxBody, and a
// negative Delay made zero. Delay and Retries keep their zero: no delay, no
// retries.
func (c FetchConfig) withDefaults() FetchConfig {
	def := DefaultFetchConfig()
	if c.UserAgent == "" {
		c.UserAgent = def.UserAgent
	}
	if c.Timeout.Duration <= 0 {
		c.Timeout = def.Timeout
	}
	if c.Backoff.Duration <= 0 {
		c.Backoff = def.Backoff
	}
	if c.MaxBody <= 0 {
		c.MaxBody = def.MaxBody
	}
	if c.Delay.Duration < 0 {
		c.Delay.Duration = 0
	}
	return c
}

// Source is one publisher's data as the sources file describes it.
type Source struct {
	Name      string `toml:"name"`      // unique, lower-case, used in file names and the source column
	Title     string `toml:"title"`     // the publisher's name for the data
	Dataset   string `toml:"dataset"`   // the dataset its records belong to
	Collector string `toml:"collector"` // which collector parses it
	// URLs are the documents to start from. A collector may discover more
	// (a workbook linked from a landing page). Each may be http(s) or
	// file://, so a user can run on files downloaded by hand.
	URLs []string `toml:"urls"`
	// Hosts is the allow-list of hosts the fetcher may contact for this
	// source; empty means the hosts (and ports) of URLs. A host matches
	// with its port: "example.org" allows ports 80 and 443 only, and
	// "example.org:8443" that port only (see AllowedHosts).
	Hosts []string `toml:"hosts"`
	// Delay, when set, replaces fetch.delay as the minimum interval between
	// two requests to the source's hosts.
	Delay       Duration `toml:"delay"`
	Homepage    string   `toml:"homepage"`
	Licence     string   `toml:"licence"`
	LicenceURL  string   `toml:"licence_url"`
	Attribution string   `toml:"attribution"`
	// Terms says what the publisher's terms allow to be published of its
	// data: TermsOpen, TermsExcerpt or TermsLink. Required.
	Terms Terms `toml:"terms"`
	// TermsNote is the reading of the terms in words (what they say, and
	// where), shown on the sources page.
	TermsNote string `toml:"terms_note"`
	// TermsVerified is set when the terms were read at the publisher; the
	// sources page says when they could not be confirmed.
	TermsVerified bool `toml:"terms_verified"`
	// Download is where the public gets the publisher's own data (default:
	// Homepage); the site links it wherever rows are withheld.
	Download string `toml:"download"`
	// Permission, when recorded, lifts the restriction of the terms.
	Permission *Permission `toml:"permission"`
	// MinRows blocks publishing when the source yields fewer rows.
	MinRows int `toml:"min_rows"`
	// MaxDrop blocks publishing when the source's rows fall by more than
	// this share (0.2 = 20%) against the last published version; 0 means
	// the default of 0.2 and a negative value disables the check.
	MaxDrop float64 `toml:"max_drop"`
	// Retired, when set, stops collecting the source and drops its rows
	// from its dataset (with a word in the run's output). A source merely
	// removed from the sources file keeps its rows.
	Retired bool `toml:"retired"`
	// Deadline, when set, replaces fetch.source_deadline for this source.
	Deadline Duration `toml:"deadline"`
	// MaxUnpacked bounds what one of the source's documents may unpack to
	// when read: a ZIP's members, a workbook's parts and the cells read
	// from its sheets; 0 means DefaultMaxUnpacked (see UnpackLimit).
	MaxUnpacked ByteSize `toml:"max_unpacked"`
	// Options holds settings of configured (generic) collectors.
	Options map[string]any `toml:"options"`
	// CountryPage says what the site's country pages show of the source's
	// rows; nil shows none of a risk-reports source's indicators, which
	// stay in the downloads.
	CountryPage *CountryPage `toml:"country_page"`
}

// CountryPage is what the country pages show of a source's rows: which of
// its indicators, in which of the site's layouts, and how many of the
// latest periods. Only risk-reports sources take one: the other datasets'
// country sections show every row.
type CountryPage struct {
	// Indicators are the indicators shown, in this order (the columns of
	// the source's table).
	Indicators []string `toml:"indicators"`
	// Layout names the template that draws them,
	// site/layouts/_partials/risk/LAYOUT.html; "" is "index", a table of
	// every period and a sentence on the latest figure of each indicator.
	Layout string `toml:"layout"`
	// Periods is how many of the latest periods are shown; 0 shows all.
	Periods int `toml:"periods"`
}

// sourceName is the form of a source's name, which names files in the
// cache (records, withheld rows) and so may hold no path separator, no
// dot-dot and nothing a file system treats specially.
var sourceName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// unknownKeys names the settings a strict decode did not know, as
// dotted keys ("source.bogus"), joined by ", ".
func unknownKeys(serr *toml.StrictMissingError) string {
	var keys []string
	for _, e := range serr.Errors {
		keys = append(keys, strings.Join(e.Key(), "."))
	}
	return strings.Join(keys, ", ")
}

// pageCode is the form of an indicator or layout name.
var pageCode = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

func (p *CountryPage) check(s *Source) error {
	if s.Dataset != dataset.RiskReports.Name {
		return fmt.Errorf("source %q: country_page is for risk-reports sources; the country pages show every row of %s", s.Name, s.Dataset)
	}
	if len(p.Indicators) == 0 {
		return fmt.Errorf("source %q: country_page.indicators is empty", s.Name)
	}
	for _, ind := range p.Indicators {
		if !pageCode.MatchString(ind) {
			return fmt.Errorf("source %q: country_page.indicators: %q is not an indicator code", s.Name, ind)
		}
	}
	if p.Layout != "" && !pageCode.MatchString(p.Layout) {
		return fmt.Errorf("source %q: country_page.layout %q: want lower-case letters, digits, - and _", s.Name, p.Layout)
	}
	if p.Periods < 0 {
		return fmt.Errorf("source %q: country_page.periods must not be negative", s.Name)
	}
	return nil
}

// AllowedHosts returns the hosts the source may contact, each as HostKey
// writes it: lower case, with its port unless the port is the scheme's
// default. A host of the hosts setting without a port allows the default
// ports of http and https only; "example.org:8443" allows that port only.
func (s Source) AllowedHosts() []string {
	var hosts []string
	if len(s.Hosts) > 0 {
		for _, h := range s.Hosts {
			h = strings.ToLower(strings.TrimSpace(h))
			if host, port, err := net.SplitHostPort(h); err == nil && (port == "80" || port == "443") {
				h = host
			}
			hosts = append(hosts, h)
		}
		return hosts
	}
	for _, raw := range s.URLs {
		if u, err := url.Parse(raw); err == nil && u.Hostname() != "" {
			hosts = append(hosts, HostKey(u))
		}
	}
	return hosts
}

// HostKey returns the host of an http(s) URL as the allow-list matches it:
// the host name in lower case, followed by ":port" when the URL names a
// port other than its scheme's default.
func HostKey(u *url.URL) string {
	h := strings.ToLower(u.Hostname())
	port := u.Port()
	if port == "" || u.Scheme == "http" && port == "80" || u.Scheme == "https" && port == "443" {
		return h
	}
	return net.JoinHostPort(h, port)
}

// DropLimit returns the share of rows the source may lose against the last
// version before publishing is blocked, or a negative number for no limit.
func (s Source) DropLimit() float64 {
	if s.MaxDrop == 0 {
		return 0.2
	}
	return s.MaxDrop
}

// DeadlineIn returns how long the source's collection may take under the
// fetch settings f: its own deadline, else f's, else
// DefaultSourceDeadline.
func (s Source) DeadlineIn(f FetchConfig) time.Duration {
	switch {
	case s.Deadline.Duration > 0:
		return s.Deadline.Duration
	case f.SourceDeadline.Duration > 0:
		return f.SourceDeadline.Duration
	}
	return DefaultSourceDeadline
}

// UnpackLimit returns the most, in bytes, that one of the source's
// documents may unpack to (see UnpackError).
func (s Source) UnpackLimit() int64 {
	if s.MaxUnpacked <= 0 {
		return DefaultMaxUnpacked
	}
	return int64(s.MaxUnpacked)
}

// ReadConfig reads and checks a sources file.
func ReadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("sources: %s: %w", path, err)
	}
	return c, nil
}

// ParseConfig parses and checks the text of a sources file.
func ParseConfig(b []byte) (*Config, error) {
	c := &Config{Fetch: DefaultFetchConfig()}
	dec := toml.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		var derr *toml.DecodeError
		var serr *toml.StrictMissingError
		switch {
		case errors.As(err, &serr) && len(serr.Errors) > 0:
			row, _ := serr.Errors[0].Position()
			return nil, fmt.Errorf("%sunknown setting %s (line %d):\n%s", sourceAt(b, row), unknownKeys(serr), row, strings.TrimSpace(serr.String()))
		case errors.As(err, &derr):
			row, col := derr.Position()
			msg := derr.Error()
			if strings.Contains(msg, "TOML local date") {
				msg += `; write a day in quotes, as "2026-03-01"`
			}
			return nil, fmt.Errorf("%sline %d column %d: %s", sourceAt(b, row), row, col, msg)
		}
		return nil, err
	}
	c.Fetch = c.Fetch.withDefaults()
	if c.Fetch.Retries < 0 {
		return nil, fmt.Errorf("fetch.retries must not be negative")
	}
	if c.Fetch.SourceDeadline.Duration < 0 {
		return nil, fmt.Errorf("fetch.source_deadline must not be negative")
	}
	seen := map[string]bool{}
	for i, s := range c.Sources {
		switch {
		case s.Name == "":
			return nil, fmt.Errorf("source %d: no name", i+1)
		case !sourceName.MatchString(s.Name):
			// The name becomes part of file names in the cache: checked
			// here, before anything is written.
			return nil, fmt.Errorf("source %q: name: want lower-case letters, digits, - and _, starting with a letter or digit, at most 64", s.Name)
		case seen[s.Name]:
			return nil, fmt.Errorf("source %q: name used twice", s.Name)
		case s.Dataset == "":
			return nil, fmt.Errorf("source %q: no dataset", s.Name)
		case s.Collector == "":
			return nil, fmt.Errorf("source %q: no collector", s.Name)
		case len(s.URLs) == 0:
			return nil, fmt.Errorf("source %q: no urls", s.Name)
		}
		for _, raw := range s.URLs {
			u, err := url.Parse(raw)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "file") {
				return nil, fmt.Errorf("source %q: url %q: want an http, https or file URL", s.Name, raw)
			}
		}
		if s.Deadline.Duration < 0 {
			return nil, fmt.Errorf("source %q: deadline must not be negative", s.Name)
		}
		if err := checkTerms(s); err != nil {
			return nil, err
		}
		if s.CountryPage != nil {
			if err := s.CountryPage.check(&s); err != nil {
				return nil, err
			}
		}
		seen[s.Name] = true
	}
	return c, nil
}

// sourceAt names the source whose [[source]] block holds line row (from
// 1) of the sources file b, as "source \"NAME\": ", or returns "" when the
// line is outside any source.
func sourceAt(b []byte, row int) string {
	name := ""
	for i, line := range strings.Split(string(b), "\n") {
		if i+1 > row {
			break
		}
		switch t := strings.TrimSpace(line); {
		case t == "[[source]]":
			name = "?"
		case strings.HasPrefix(t, "[") && !strings.HasPrefix(t, "[source.") && !strings.HasPrefix(t, "[[source."):
			name = ""
		case name == "?" && strings.HasPrefix(t, "name"):
			if _, v, ok := strings.Cut(t, "="); ok {
				if n, err := strconv.Unquote(strings.TrimSpace(v)); err == nil {
					name = n
				}
			}
		}
	}
	if name == "" || name == "?" {
		return ""
	}
	return fmt.Sprintf("source %q: ", name)
}

// Source returns the named source.
func (c *Config) Source(name string) (Source, bool) {
	for _, s := range c.Sources {
		if s.Name == name {
			return s, true
		}
	}
	return Source{}, false
}

// Duration is a time.Duration written as "90s" or "2m" in the sources file.
type Duration struct{ time.Duration }

// UnmarshalText parses a duration such as "1m30s".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration as time.Duration.String does.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// ByteSize is a size in bytes, written as 1048576, "64MiB", "100MB" or "2GB".
type ByteSize int64

// UnmarshalText parses a size with an optional unit.
func (s *ByteSize) UnmarshalText(b []byte) error {
	text := strings.TrimSpace(string(b))
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(text, u.suffix) {
			mult, text = u.mult, strings.TrimSpace(strings.TrimSuffix(text, u.suffix))
			break
		}
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("size %q: want a number with an optional unit (B, KB, MB, GB, KiB, MiB, GiB)", b)
	}
	*s = ByteSize(n * mult)
	return nil
}
