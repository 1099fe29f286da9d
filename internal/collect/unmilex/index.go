package unmilex

import (
	"bytes"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/defence-transparency/publish/internal/collect"
)

// index is what the states index links to.
type index struct {
	states []string // ISO3 codes of the states it links, sorted
	years  []int    // years of the state-year pages it links, sorted
	// changed is, for the states whose entry on the index carries a date,
	// the time after which their pages are known not to have changed: the
	// date's end for a day, the time itself for a moment.
	changed map[string]time.Time
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
	ix := index{changed: indexDates(d, base)}
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

// dayText is a date written in an index entry's text.
var dayText = regexp.MustCompile(`\b(\d{4}-\d{2}-\d{2})\b|\b(\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4})\b`)

// indexDates reads the date each state's entry on the index gives of its
// last change: a time element's datetime (or text), else a date written in
// the entry, where the entry is the list item or table row holding the
// state's link. A state with several dates takes the latest. The real
// index's layout is unknown (see the package documentation); an index
// without dates gives none, and every page is then asked for, conditionally.
func indexDates(d *collect.Document, base *url.URL) map[string]time.Time {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(d.Body))
	if err != nil {
		return nil
	}
	from, err := url.Parse(d.Base())
	if err != nil {
		return nil
	}
	out := map[string]time.Time{}
	doc.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		u, err := from.Parse(strings.TrimSpace(href))
		if err != nil || !strings.EqualFold(u.Host, base.Host) || !strings.HasPrefix(u.Path, base.Path) {
			return
		}
		m := pageLink.FindStringSubmatch(strings.TrimPrefix(u.Path, base.Path))
		if m == nil {
			return
		}
		entry := a.Closest("li, tr")
		if entry.Length() == 0 {
			return
		}
		t, ok := entryDate(entry)
		if !ok {
			return
		}
		code := strings.ToUpper(m[1])
		if t.After(out[code]) {
			out[code] = t
		}
	})
	return out
}

// entryDate returns the time after which an index entry's pages are
// unchanged.
func entryDate(entry *goquery.Selection) (time.Time, bool) {
	if tm := entry.Find("time").First(); tm.Length() > 0 {
		s, ok := tm.Attr("datetime")
		if !ok {
			s = tm.Text()
		}
		s = strings.TrimSpace(s)
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t.UTC(), true
		}
		if t, err := time.Parse("2006-01-02", s); err == nil {
			return t.AddDate(0, 0, 1), true // the day's end
		}
	}
	m := dayText.FindStringSubmatch(entry.Text())
	if m == nil {
		return time.Time{}, false
	}
	if m[1] != "" {
		if t, err := time.Parse("2006-01-02", m[1]); err == nil {
			return t.AddDate(0, 0, 1), true
		}
		return time.Time{}, false
	}
	if t, err := time.Parse("2 January 2006", m[2]); err == nil {
		return t.AddDate(0, 0, 1), true
	}
	return time.Time{}, false
}
