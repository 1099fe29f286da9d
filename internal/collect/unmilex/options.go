package unmilex

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
)

// Defaults of the source's options.
const (
	// DefaultFirstYear is the first year read. The site's pages for 1998
	// and 1999 show no report from any state (its database starts with
	// 2000 in effect), and the years up to 2002 hold fewer reports than the
	// UN received: see the package documentation.
	DefaultFirstYear = 2000
	// DefaultMaxPages caps the pages of one run, so that a wrong year
	// range fails at once instead of fetching for days: 193 states and 26
	// years are 5,018 pages.
	DefaultMaxPages = 10000
	// DefaultRefresh is how long a page the index says is unchanged is
	// reused from the archive before it is asked for again: a full
	// refresh of every page once a week, whatever the index says.
	DefaultRefresh = 7 * 24 * time.Hour
)

// options are the source's settings ([source.options] in the sources file).
type options struct {
	// FirstYear and LastYear bound the years read; 0 takes the index's
	// years, else the defaults.
	FirstYear int `toml:"first_year"`
	LastYear  int `toml:"last_year"`
	// States restricts the run to these ISO 3166-1 alpha-3 codes; nil
	// reads every state.
	States   []string `toml:"states"`
	MaxPages int      `toml:"max_pages"`
	// Incremental, on by default, reuses the archived copy of a state's
	// pages when the index dates the state's last change before the copy
	// was fetched, and the copy is younger than Refresh.
	Incremental *bool `toml:"incremental"`
	// Refresh is the full-refresh cycle: "168h", "7d" (DefaultRefresh).
	Refresh string `toml:"refresh"`

	incremental bool
	refresh     time.Duration
}

var iso3 = regexp.MustCompile(`^[A-Z]{3}$`)

func parseOptions(m map[string]any) (options, error) {
	o := options{MaxPages: DefaultMaxPages}
	if err := collect.DecodeOptions(m, &o); err != nil {
		return options{}, err
	}
	if o.MaxPages < 1 {
		return options{}, fmt.Errorf("option max_pages: %d is not a positive number", o.MaxPages)
	}
	o.incremental = o.Incremental == nil || *o.Incremental
	o.refresh = DefaultRefresh
	if o.Refresh != "" {
		d, err := duration(o.Refresh)
		if err != nil || d <= 0 {
			return options{}, fmt.Errorf("option refresh: %q is not a positive duration such as \"168h\" or \"7d\"", o.Refresh)
		}
		o.refresh = d
	}
	if o.States == nil {
		return o, nil
	}
	if len(o.States) == 0 {
		return options{}, fmt.Errorf("option states: an empty list; leave the option out to read every state")
	}
	codes := make([]string, 0, len(o.States))
	for _, s := range o.States {
		c := strings.ToUpper(strings.TrimSpace(s))
		if !iso3.MatchString(c) {
			return options{}, fmt.Errorf("option states: %q is not an ISO 3166-1 alpha-3 code", s)
		}
		codes = append(codes, c)
	}
	slices.Sort(codes)
	o.States = slices.Compact(codes)
	return o, nil
}

// duration reads a Go duration ("168h") or a number of days ("7d").
func duration(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(strings.TrimSpace(s), "d"); ok {
		n, err := strconv.Atoi(d)
		return time.Duration(n) * 24 * time.Hour, err
	}
	return time.ParseDuration(s)
}
