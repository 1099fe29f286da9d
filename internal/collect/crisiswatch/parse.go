package crisiswatch

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/defence-transparency/publish/internal/collect"
)

// ErrNoEntries reports a first page without CrisisWatch entries: an error
// page, a page of another site, or a change of the database's markup.
var ErrNoEntries = errors.New("no CrisisWatch entries (div.c-crisiswatch-entry) on the page")

// ErrFormat reports an entry the parser cannot read: no name, no month.
var ErrFormat = errors.New("not in the layout of the CrisisWatch database")

// Markers of an entry: the trend of the past month and the alerts for the
// coming one.
const (
	Deteriorated          = "deteriorated"
	Improved              = "improved"
	Unchanged             = "unchanged"
	ConflictRiskAlert     = "conflict_risk_alert"
	ResolutionOpportunity = "resolution_opportunity"
)

// Entry is one entry of the database: a conflict or country in one month.
type Entry struct {
	Name  string // the heading as Crisis Group writes it: "Sudan", "Israel/Palestine"
	Slug  string // data-entry-country, where the page gives it: "israel-palestine"
	Month string // YYYY-MM
	// Trends holds the entry's trend markers: normally one of
	// Deteriorated, Improved, Unchanged.
	Trends []string
	// Alerts holds ConflictRiskAlert and ResolutionOpportunity when
	// flagged, in that order.
	Alerts  []string
	Summary string // the entry's text, plain, paragraphs joined by "\n"
	Link    string // the entry's country history or month edition on crisisgroup.org
}

// Page is one page of the database listing.
type Page struct {
	Entries []Entry
	// Next is the absolute URL of the next page, or "" on the last.
	Next string
}

// markerOf maps what names a marker on the icons of an entry's heading to
// the marker: the fragment of the icon's <use xlink:href="#deteriorated">
// (as public scrapers of the database read it, 2019-2026), the state-*
// classes of the month strip's icons, and the legend's words, which the
// icons carry as title or aria-label.
var markerOf = map[string]string{
	"deteriorated":                 Deteriorated,
	"improved":                     Improved,
	"unchanged":                    Unchanged,
	"risk-alert":                   ConflictRiskAlert,
	"resolution":                   ResolutionOpportunity,
	"resolution-opportunity":       ResolutionOpportunity,
	"state-deteriorated":           Deteriorated,
	"state-improved":               Improved,
	"state-unchanged":              Unchanged,
	"state-risk-alert":             ConflictRiskAlert,
	"state-resolution-opportunity": ResolutionOpportunity,
	"deteriorated situation":       Deteriorated,
	"improved situation":           Improved,
	"unchanged situation":          Unchanged,
	"conflict risk alert":          ConflictRiskAlert,
	"resolution opportunity":       ResolutionOpportunity,
}

// ParsePage reads one page of the CrisisWatch database listing, fetched
// from pageURL: every entry, and the link to the next page. An entry
// without a name or a month is an error; a page without entries is not
// (the listing can end with one), the caller decides.
func ParsePage(pageURL string, body []byte) (*Page, error) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil, fmt.Errorf("crisiswatch: page URL %q: %w", pageURL, err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("crisiswatch: read %s: %w", pageURL, err)
	}
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if b, err := base.Parse(strings.TrimSpace(href)); err == nil {
			base = b
		}
	}
	p := &Page{}
	// Headings outside the entries may carry the month ("October 2025")
	// that the entries below them belong to; each entry's own <time>
	// comes first.
	heading := ""
	var perr error
	doc.Find("h1, h2, h3, h4, .c-crisiswatch-entry").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if !s.HasClass("c-crisiswatch-entry") {
			if s.Closest(".c-crisiswatch-entry").Length() == 0 {
				if m, ok := parseMonth(text(s)); ok {
					heading = m
				}
			}
			return true
		}
		e, err := parseEntry(s, base, heading)
		if err != nil {
			perr = fmt.Errorf("crisiswatch: %s: entry %d: %w", pageURL, len(p.Entries)+1, err)
			return false
		}
		p.Entries = append(p.Entries, e)
		return true
	})
	if perr != nil {
		return nil, perr
	}
	p.Next = nextPage(doc, base)
	return p, nil
}

func parseEntry(s *goquery.Selection, base *url.URL, heading string) (Entry, error) {
	e := Entry{Slug: strings.TrimSpace(s.AttrOr("data-entry-country", ""))}
	h := s.Find("h3").First()
	if h.Length() == 0 {
		h = s.Find("h2, h4").First()
	}
	name := h.Clone()
	name.Find("svg, [class*='o-icon'], .visually-hidden, .u-visually-hidden, .sr-only").Remove()
	e.Name = text(name)
	if e.Name == "" {
		return Entry{}, fmt.Errorf("no name in the entry's heading: %w", ErrFormat)
	}

	t := s.Find("time").First()
	if dt, ok := t.Attr("datetime"); ok {
		e.Month, _ = parseMonth(dt)
	}
	if e.Month == "" {
		e.Month, _ = parseMonth(text(t))
	}
	if e.Month == "" {
		e.Month = heading
	}
	if e.Month == "" {
		return Entry{}, fmt.Errorf("%s: no month (a <time> such as \"October 2025\"): %w", e.Name, ErrFormat)
	}

	// The markers of the entry are the icons of its heading; the strip of
	// past months (.o-state-entry) has icons too, for other months.
	seen := map[string]bool{}
	h.Find("use, [class*='o-icon'], [title], [aria-label]").AddBack().Each(func(_ int, m *goquery.Selection) {
		for _, v := range markerWords(m) {
			mk, ok := markerOf[v]
			if !ok || seen[mk] {
				continue
			}
			seen[mk] = true
			switch mk {
			case Deteriorated, Improved, Unchanged:
				e.Trends = append(e.Trends, mk)
			}
		}
	})
	for _, a := range []string{ConflictRiskAlert, ResolutionOpportunity} {
		if seen[a] {
			e.Alerts = append(e.Alerts, a)
		}
	}

	detail := s.Find(".o-crisis-states__detail").First()
	var paras []string
	detail.Find("p").Each(func(_ int, p *goquery.Selection) {
		if isHistoryLink(p, base) {
			return
		}
		if t := text(p); t != "" {
			paras = append(paras, t)
		}
	})
	if len(paras) == 0 && detail.Find("p").Length() == 0 {
		if t := text(detail); t != "" {
			paras = append(paras, t)
		}
	}
	e.Summary = strings.Join(paras, "\n")
	e.Link = entryLink(s, base, e)
	return e, nil
}

// markerWords returns the words that can name a marker on an icon element:
// the fragment of a <use> reference, its classes, its title and label.
func markerWords(m *goquery.Selection) []string {
	var out []string
	for _, attr := range []string{"xlink:href", "href"} {
		if v, ok := m.Attr(attr); ok {
			if i := strings.LastIndexByte(v, '#'); i >= 0 {
				out = append(out, strings.ToLower(v[i+1:]))
			}
		}
	}
	for _, c := range strings.Fields(m.AttrOr("class", "")) {
		out = append(out, strings.ToLower(c))
	}
	for _, attr := range []string{"title", "aria-label"} {
		if v, ok := m.Attr(attr); ok {
			out = append(out, strings.ToLower(strings.Join(strings.Fields(v), " ")))
		}
	}
	return out
}

// isHistoryLink reports whether paragraph p is only the "past entries"
// link to the country's history in the database.
func isHistoryLink(p *goquery.Selection, base *url.URL) bool {
	a := p.Find("a[href]")
	if a.Length() != 1 || text(a) != text(p) {
		return false
	}
	u, err := base.Parse(strings.TrimSpace(a.AttrOr("href", "")))
	return err == nil && strings.Contains(u.Path, "/crisiswatch/database")
}

// webURL resolves href against base: an http(s) address whose text holds
// no space, control character or replacement character (the HTML parser
// turns a NUL into U+FFFD, and url.Parse keeps a query's text as it is), so
// that a link published in a row is one a reader can follow.
func webURL(base *url.URL, href string) (*url.URL, bool) {
	u, err := base.Parse(strings.TrimSpace(href))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, false
	}
	bad := func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError }
	if s := u.String(); !utf8.ValidString(s) || strings.ContainsFunc(s, bad) {
		return nil, false
	}
	return u, true
}

// entryLink returns the page of an entry: the country's history in the
// database when the entry links it, else the link of its heading, else
// the month's edition with the entry's anchor
// (https://www.crisisgroup.org/crisiswatch/october-2025#sudan).
func entryLink(s *goquery.Selection, base *url.URL, e Entry) string {
	var history, heading string
	s.Find("a[href]").EachWithBreak(func(_ int, a *goquery.Selection) bool {
		if a.Closest(".o-state-entry").Length() > 0 {
			return true // another month's edition
		}
		u, ok := webURL(base, a.AttrOr("href", ""))
		if !ok {
			return true
		}
		switch {
		case strings.Contains(u.Path, "/crisiswatch/database") && u.RawQuery != "" && history == "":
			history = u.String()
		case a.Closest("h3").Length() > 0 && heading == "":
			heading = u.String()
		}
		return history == ""
	})
	if history != "" {
		return history
	}
	if heading != "" {
		return heading
	}
	y, m, _ := strings.Cut(e.Month, "-")
	mi, _ := strconv.Atoi(m)
	u := url.URL{Scheme: base.Scheme, Host: base.Host,
		Path: "/crisiswatch/" + strings.ToLower(time.Month(mi).String()) + "-" + y}
	if u.Scheme != "http" {
		u.Scheme = "https"
	}
	if u.Host == "" {
		u.Host = "www.crisisgroup.org"
	}
	if e.Slug != "" {
		u.Fragment = e.Slug
	}
	return u.String()
}

var pageOf = regexp.MustCompile(`(?i)(\d+)\s+of\s+(\d+)`)

// nextPage returns the next page of the listing: the rel="next" link, or a
// pager link that says "next", or, when the pager only says "Page 2 of 5",
// the page parameter one on (Drupal numbers pages from 0, so the page
// showing "2 of 5" is page=1 and the next is page=2).
func nextPage(doc *goquery.Document, base *url.URL) string {
	resolve := func(href string) string {
		u, ok := webURL(base, href)
		if !ok {
			return ""
		}
		u.Fragment = ""
		return u.String()
	}
	var next string
	doc.Find("a[rel~='next'][href], link[rel~='next'][href]").EachWithBreak(func(_ int, a *goquery.Selection) bool {
		next = resolve(a.AttrOr("href", ""))
		return next == ""
	})
	if next != "" {
		return next
	}
	pager := doc.Find(".o-pagination, .pager, nav.pagination, [role='navigation'][aria-label*='agination']")
	pager.Find("a[href]").EachWithBreak(func(_ int, a *goquery.Selection) bool {
		words := strings.ToLower(text(a) + " " + a.AttrOr("title", "") + " " + a.AttrOr("class", "") + " " +
			a.Parent().AttrOr("class", ""))
		if strings.Contains(words, "next") || strings.Contains(words, "›") || strings.TrimSpace(text(a)) == "»" {
			next = resolve(a.AttrOr("href", ""))
		}
		return next == ""
	})
	if next != "" {
		return next
	}
	if m := pageOf.FindStringSubmatch(text(pager)); m != nil {
		cur, _ := strconv.Atoi(m[1])
		last, _ := strconv.Atoi(m[2])
		if cur >= 1 && cur < last {
			u := *base
			q := u.Query()
			q.Set("page", strconv.Itoa(cur))
			u.RawQuery = q.Encode()
			u.Fragment = ""
			return u.String()
		}
	}
	return ""
}

var monthText = regexp.MustCompile(`(?i)^([a-z]+)\.?\s+(\d{4})$`)
var monthISO = regexp.MustCompile(`^(\d{4})-(\d{2})(?:-\d{2}(?:[T ].*)?)?$`)

// parseMonth reads "October 2025", "Oct 2025" or "2025-10(-01)" as
// "2025-10".
func parseMonth(s string) (string, bool) {
	s = strings.Join(strings.Fields(s), " ")
	if m := monthISO.FindStringSubmatch(s); m != nil {
		mo, _ := strconv.Atoi(m[2])
		if mo >= 1 && mo <= 12 {
			return m[1] + "-" + m[2], true
		}
		return "", false
	}
	m := monthText.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	name := strings.ToLower(m[1])
	for mo := time.January; mo <= time.December; mo++ {
		full := strings.ToLower(mo.String())
		if name == full || (len(name) >= 3 && strings.HasPrefix(full, name)) {
			return fmt.Sprintf("%s-%02d", m[2], int(mo)), true
		}
	}
	return "", false
}

// text returns the text of s with its spaces collapsed.
func text(s *goquery.Selection) string { return collect.OneLine(collect.NodeText(s.Nodes...)) }
