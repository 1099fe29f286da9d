package gao

// The listing. Verified against saved copies of
// https://www.gao.gov/reports-testimonies?f%5B0%5D=by_agency_name%3ADepartment%20of%20Defense
// and of other filtered listings (their text), and against the selectors of
// several public scrapers of gao.gov, which agree: a Drupal page of 20
// results a page, newest first, grouped under "Released on" headings, with
// a count ("1 - 20 of 11730 Reports") in div.result-count. Each result is a
// div.c-search-result (inside div.views-row) holding
//
//	h4.c-search-result__header a     the title, linking to /products/gao-24-106256
//	div.teaser-search--subheading
//	  span.d-block.text-small        the product number, GAO-24-106256
//	  span.text-small                "Published: <time datetime=…>…</time>.
//	                                  Publicly Released: <time …>…</time>."
//	div.c-search-result__summary     the Fast Facts text, cut at about 500
//	                                  characters with "..."
//
// Results show no topic and no count of recommendations; a count is read
// from the summary where it states one and survived the cut. Some results
// (on GAO's test site) show no product number; the link's slug gives it.
// Pages are numbered from 0 in a page parameter and linked by a USWDS pager
// (nav.usa-pagination) whose "Last page" link has the class
// usa-pagination__next-page and aria-label "Last page".
//
// Assumed, not seen: that the "Next page" link has that class with
// aria-label "Next page" (the USWDS pattern); Drupal's rel="next" and
// li.pager__item--next are accepted too. That <time> elements carry
// Drupal's date-only datetime attribute (2024-06-13T12:00:00Z) with the
// date shown as "Jun 13, 2024", as GAO's product pages show it. The
// summary's class may also be c-search-result__description or __body, as
// some scrapers expect.

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/defence-transparency/publish/internal/collect"
)

// listingPage is what one page of the listing shows.
type listingPage struct {
	results int     // div.c-search-result elements, used or not
	entries []entry // the results that could be read, in page order
	next    string  // absolute address of the next page, or ""
	total   int     // the count of reports the page states, or -1
}

var (
	numberRE = regexp.MustCompile(`^[A-Z0-9]+(?:[-.][A-Z0-9]+)+$`)
	totalRE  = regexp.MustCompile(`\bof\s+([\d,]+)`)
)

// Summary classes: the first is on gao.gov; scrapers also look for the
// others.
const summarySelector = ".c-search-result__summary, .c-search-result__description, .c-search-result__body, .search-result-description"

// parseListing reads one listing page. Results it cannot use (a link that is
// not a product page) are reported with collect.Warn and left out; a page
// without results, or with a date in an unknown format, is an error.
func parseListing(ctx context.Context, doc *collect.Document) (listingPage, error) {
	p := listingPage{total: -1}
	base, err := url.Parse(doc.Base())
	if err != nil {
		return p, fmt.Errorf("gao: listing page %s: %w", doc.URL, err)
	}
	d, err := goquery.NewDocumentFromReader(bytes.NewReader(doc.Body))
	if err != nil {
		return p, fmt.Errorf("gao: listing page %s: %w", doc.URL, err)
	}
	results := d.Find("div.c-search-result")
	p.results = results.Length()
	if p.results == 0 {
		return p, fmt.Errorf("gao: listing page %s: no div.c-search-result: not a page of GAO's reports listing, or its layout changed: %w",
			doc.URL, ErrFormat)
	}
	for i := range p.results {
		e, ok, err := parseResult(ctx, results.Eq(i), base, doc.URL, i+1)
		if err != nil {
			return p, err
		}
		if ok {
			p.entries = append(p.entries, e)
		}
	}
	if m := totalRE.FindStringSubmatch(clean(d.Find(".result-count").First().Text())); m != nil {
		if n, err := strconv.Atoi(strings.ReplaceAll(m[1], ",", "")); err == nil {
			p.total = n
		}
	}
	next, err := nextPage(d, base)
	if err != nil {
		return p, fmt.Errorf("gao: listing page %s: %w", doc.URL, err)
	}
	p.next = next
	return p, nil
}

// parseResult reads the n-th result of the page at where.
func parseResult(ctx context.Context, s *goquery.Selection, base *url.URL, where string, n int) (entry, bool, error) {
	a := s.Find(".c-search-result__header a[href]").First()
	href, _ := a.Attr("href")
	title := clean(a.Text())
	slug, ok := productSlug(base, href)
	switch {
	case a.Length() == 0:
		collect.Warn(ctx, "gao: listing page %s: result %d has no title link; left out", where, n)
		return entry{}, false, nil
	case !ok:
		collect.Warn(ctx, "gao: listing page %s: result %d %q links to %q, not a product page; left out", where, n, title, href)
		return entry{}, false, nil
	case title == "":
		collect.Warn(ctx, "gao: listing page %s: result %d (%s) has no title; left out", where, n, slug)
		return entry{}, false, nil
	}
	e := entry{id: strings.ToUpper(slug), slug: slug, title: title, where: where}
	sub := s.Find(".teaser-search--subheading")
	if sub.Length() == 0 {
		sub = s
	}
	if num := strings.ToUpper(clean(sub.Find("span.d-block.text-small").First().Text())); num != "" {
		switch {
		case !numberRE.MatchString(num):
			collect.Warn(ctx, "gao: listing page %s: %s shows the number %q, which is not a GAO product number; the link's %s is used",
				where, slug, num, e.id)
		case num != e.id:
			collect.Warn(ctx, "gao: listing page %s: the result numbered %s links to %s%s; the number shown is used",
				where, num, ProductBase, slug)
			e.id = num
		}
	}
	var err error
	if e.published, e.released, err = resultDates(ctx, sub, e.id, where); err != nil {
		return entry{}, false, err
	}
	e.recs, e.hasRecs = countIn(ctx, s.Find(summarySelector).First().Text(), e.id, "listing page "+where)
	return e, true, nil
}

// resultDates returns the dates a result labels Published and Publicly
// Released. A <time> is told by the label before it in its parent.
func resultDates(ctx context.Context, sub *goquery.Selection, id, where string) (published, released string, err error) {
	times := sub.Find("time")
	for i := range times.Length() {
		t := times.Eq(i)
		label := labelBefore(t)
		if label == "" {
			continue
		}
		date, err := timeDate(ctx, t, id, where)
		if err != nil {
			return "", "", fmt.Errorf("gao: listing page %s: %s: %s: %w", where, id, label, err)
		}
		switch {
		case label == "Publicly Released" && released == "":
			released = date
		case label == "Published" && published == "":
			published = date
		}
	}
	return published, released, nil
}

// labelBefore returns "Published" or "Publicly Released", whichever the
// text before t in its parent names last, or "".
func labelBefore(t *goquery.Selection) string {
	var before strings.Builder
	node := t.Get(0)
	t.Parent().Contents().EachWithBreak(func(_ int, c *goquery.Selection) bool {
		if c.Get(0) == node {
			return false
		}
		before.WriteString(c.Text())
		return true
	})
	text := before.String()
	r, p := strings.LastIndex(text, "Released"), strings.LastIndex(text, "Published")
	switch {
	case r > p:
		return "Publicly Released"
	case p >= 0:
		return "Published"
	}
	return ""
}

// timeDate returns the date of a <time> element: its datetime attribute, or
// its text when it has none. When both are there and disagree it warns and
// keeps the attribute, the machine-readable one.
func timeDate(ctx context.Context, t *goquery.Selection, id, where string) (string, error) {
	text := clean(t.Text())
	attr, ok := t.Attr("datetime")
	if !ok || strings.TrimSpace(attr) == "" {
		return shownDateOf(text)
	}
	date, err := attrDate(attr)
	if err != nil {
		return "", err
	}
	if shown, err := shownDateOf(text); err == nil && shown != date {
		collect.Warn(ctx, "gao: listing page %s: %s shows %q but its datetime is %s; %s is used", where, id, text, attr, date)
	}
	return date, nil
}

// nextPage returns the absolute address of the page the pager's "Next page"
// link points to, or "" on the last page.
func nextPage(d *goquery.Document, base *url.URL) (string, error) {
	href, ok := d.Find(`a[rel~="next"][href]`).First().Attr("href")
	if !ok {
		d.Find("a.usa-pagination__next-page[href]").EachWithBreak(func(_ int, a *goquery.Selection) bool {
			label, hasLabel := a.Attr("aria-label")
			if hasLabel && strings.EqualFold(clean(label), "next page") ||
				!hasLabel && strings.Contains(strings.ToLower(a.Text()), "next") {
				href, ok = a.Attr("href")
				return false
			}
			return true
		})
	}
	if !ok {
		href, ok = d.Find("li.pager__item--next a[href]").First().Attr("href")
	}
	if !ok {
		return "", lastWithoutNext(d, base)
	}
	u, err := base.Parse(strings.TrimSpace(href))
	if err != nil {
		return "", fmt.Errorf("next page link %q: %v: %w", href, err, ErrFormat)
	}
	u.Fragment = ""
	if u.Scheme != "http" && u.Scheme != "https" && !(u.Scheme == "file" && base.Scheme == "file") {
		return "", fmt.Errorf("next page link %q is not a page address: %w", href, ErrFormat)
	}
	return u.String(), nil
}

// lastWithoutNext returns an error when the pager links to a last page
// other than this one but offers no next page: the listing goes on, but
// its next link is no longer recognised, and stopping would truncate it.
func lastWithoutNext(d *goquery.Document, base *url.URL) error {
	var err error
	d.Find(`a.usa-pagination__next-page[href], li.pager__item--last a[href], a[rel~="last"][href]`).EachWithBreak(func(_ int, a *goquery.Selection) bool {
		if label, ok := a.Attr("aria-label"); ok && !strings.EqualFold(clean(label), "last page") {
			return true
		}
		href, _ := a.Attr("href")
		u, perr := base.Parse(strings.TrimSpace(href))
		if perr != nil {
			return true
		}
		u.Fragment = ""
		if u.String() != base.String() {
			err = fmt.Errorf("the pager links to a last page, %s, but to no next page: its layout changed: %w", u, ErrFormat)
			return false
		}
		return true
	})
	return err
}

// crawl reads the listing whose first page is doc and every page after it,
// and returns its reports in page order, each once.
func (r *run) crawl(ctx context.Context, doc *collect.Document, maxPages int) ([]entry, error) {
	start := doc.URL
	visited := map[string]bool{}
	var all []entry
	total, complete := -1, true
	for page := 1; ; page++ {
		visited[doc.URL], visited[doc.Base()] = true, true
		p, err := parseListing(ctx, doc)
		if err != nil {
			return nil, err
		}
		if page == 1 {
			total = p.total
		}
		all = append(all, p.entries...)
		if p.next == "" {
			break
		}
		if visited[p.next] {
			return nil, fmt.Errorf("gao: listing %s: page %d (%s) gives %s, a page already read, as the next page: %w",
				start, page, doc.URL, p.next, ErrFormat)
		}
		if page >= maxPages {
			return nil, fmt.Errorf("gao: listing %s: page %d links to a further page, %s, and max_pages is %d; raise max_pages in the source's options: %w",
				start, page, p.next, maxPages, ErrPageCap)
		}
		next, err := r.fetch(ctx, p.next)
		if err != nil {
			return nil, err
		}
		if next == nil {
			// Not modified and no body to find the next link in: Collect
			// reports it unless every document is unchanged.
			complete = false
			break
		}
		doc = next
	}
	entries := dedupe(ctx, all, "listing "+start)
	if complete && total >= 0 && len(entries) != total {
		collect.Warn(ctx, "gao: listing %s: states %d reports but %d were read; it may have changed while it was read",
			start, total, len(entries))
	}
	return entries, nil
}

// dedupe keeps the first entry of each report, warning when a later one
// differs: a report published while a listing is read pushes the others one
// place down, so the last of a page shows again at the top of the next.
func dedupe(ctx context.Context, all []entry, where string) []entry {
	seen := map[string]entry{}
	var out []entry
	for _, e := range all {
		if first, dup := seen[e.id]; dup {
			if !sameEntry(first, e) {
				collect.Warn(ctx, "gao: %s: %s is shown twice with different details (%q, %s on %s; %q, %s on %s); the first is kept",
					where, e.id, first.title, first.published, first.where, e.title, e.published, e.where)
			}
			continue
		}
		seen[e.id] = e
		out = append(out, e)
	}
	return out
}

func sameEntry(a, b entry) bool {
	return sameText(a.title, b.title) && a.published == b.published && a.released == b.released &&
		a.hasRecs == b.hasRecs && a.recs == b.recs && a.slug == b.slug
}
