package unmilex

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
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
)

// options are the source's settings ([source.options] in the sources file).
type options struct {
	firstYear, lastYear int      // 0: from the index, else the defaults
	states              []string // restrict to these states; nil: all
	maxPages            int
}

var iso3 = regexp.MustCompile(`^[A-Z]{3}$`)

func parseOptions(m map[string]any) (options, error) {
	o := options{maxPages: DefaultMaxPages}
	for _, k := range sortedKeys(m) {
		v := m[k]
		var err error
		switch k {
		case "first_year":
			o.firstYear, err = intOption(k, v)
		case "last_year":
			o.lastYear, err = intOption(k, v)
		case "max_pages":
			o.maxPages, err = intOption(k, v)
			if err == nil && o.maxPages < 1 {
				err = fmt.Errorf("option max_pages: %d is not a positive number", o.maxPages)
			}
		case "states":
			o.states, err = statesOption(v)
		default:
			err = fmt.Errorf("unknown option %q (want first_year, last_year, states, max_pages)", k)
		}
		if err != nil {
			return options{}, err
		}
	}
	return o, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// intOption reads a whole number as TOML (int64) or Go code (int) gives it.
func intOption(name string, v any) (int, error) {
	switch n := v.(type) {
	case int:
		return n, nil
	case int64:
		if n >= math.MinInt32 && n <= math.MaxInt32 {
			return int(n), nil
		}
	case float64:
		if n == math.Trunc(n) && math.Abs(n) <= math.MaxInt32 {
			return int(n), nil
		}
	}
	return 0, fmt.Errorf("option %s: %v is not a whole number", name, v)
}

// statesOption reads a list of ISO 3166-1 alpha-3 codes.
func statesOption(v any) ([]string, error) {
	var list []string
	switch s := v.(type) {
	case []string:
		list = s
	case []any:
		for _, e := range s {
			str, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("option states: %v is not a string", e)
			}
			list = append(list, str)
		}
	default:
		return nil, fmt.Errorf("option states: want a list of ISO 3166-1 alpha-3 codes, got %v", v)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("option states: an empty list; leave the option out to read every state")
	}
	var codes []string
	for _, s := range list {
		c := strings.ToUpper(strings.TrimSpace(s))
		if !iso3.MatchString(c) {
			return nil, fmt.Errorf("option states: %q is not an ISO 3166-1 alpha-3 code", s)
		}
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return slices.Compact(codes), nil
}
