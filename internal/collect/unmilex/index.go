package unmilex

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
)

// index is what the states index links to.
type index struct {
	states []string // ISO3 codes of the states it links, sorted
	years  []int    // years of the state-year pages it links, sorted
}

// pageLink is a link's path below the states URL: a state, "AFG", or a
// state's page for a year, "AFG/2024".
var pageLink = regexp.MustCompile(`^([A-Za-z]{3})(?:/(\d{4}))?/?$`)

// readIndex returns the states and years that the links of the states index
// name: links to base/<ISO3> and base/<ISO3>/<year>. A page that links none,
// a shell the browser has yet to fill or an error page, gives an empty
// index.
func readIndex(d *collect.Document, base *url.URL) index {
	links, err := collect.Links(d)
	if err != nil {
		return index{}
	}
	states, years := map[string]bool{}, map[int]bool{}
	for _, l := range links {
		u := l.URL
		if u.Scheme != base.Scheme || !strings.EqualFold(u.Host, base.Host) || !strings.HasPrefix(u.Path, base.Path) {
			continue
		}
		m := pageLink.FindStringSubmatch(strings.TrimPrefix(u.Path, base.Path))
		if m == nil {
			continue
		}
		states[strings.ToUpper(m[1])] = true
		if m[2] != "" {
			y, _ := strconv.Atoi(m[2])
			years[y] = true
		}
	}
	var ix index
	for s := range states {
		ix.states = append(ix.states, s)
	}
	for y := range years {
		ix.years = append(ix.years, y)
	}
	slices.Sort(ix.states)
	slices.Sort(ix.years)
	return ix
}
