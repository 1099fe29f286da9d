package gao

// The feed. Verified against a copy of https://www.gao.gov/rss/reports.xml
// kept as a test fixture by a public project and against the tests of other
// public readers of it: an RSS 2.0 document (with an xml-stylesheet
// instruction) holding one channel, "Reports News from the GAO", with
// atom:link, lastBuildDate, generator and image, and about 25 items, newest
// first. Each item has title; link, the product page
// (https://www.gao.gov/products/gao-26-107879); description, the report's
// highlights as plain text in sections ("What GAO Found", "Why GAO Did This
// Study", and for reports with recommendations "What GAO Recommends"), with
// ampersands escaped twice (T&amp;amp;E); pubDate with a numeric zone
// (Mon, 14 Sep 2026 07:16:14 -0400); and guid, the product path
// (/products/gao-26-107879, isPermaLink="false"). Items name no agency,
// topic or category.
//
// Assumed: that descriptions may carry HTML markup (they are read as HTML,
// which costs nothing when they do not), and that a pubDate may name its zone
// (EST) as RFC 822 allows.

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"

	"github.com/mmcdole/gofeed/rss"

	"github.com/defence-transparency/publish/internal/collect"
)

// entry is one report as one document shows it, before the documents are
// merged. Empty strings are what the document does not show.
type entry struct {
	id        string // GAO-24-106256
	slug      string // gao-24-106256, the last element of the product page's path
	title     string
	published string // YYYY-MM-DD
	released  string // listing only: the "Publicly Released" date
	recs      int
	hasRecs   bool
	where     string // the document's URL, for messages
}

var bom = []byte("\xef\xbb\xbf")

// isFeed reports whether b is meant as an XML feed rather than an HTML page:
// it opens with an XML declaration or an rss element and its root is not
// html. A feed that then fails to parse is reported by parseFeed.
func isFeed(b []byte) bool {
	b = bytes.TrimLeft(bytes.TrimPrefix(b, bom), " \t\r\n")
	if !bytes.HasPrefix(b, []byte("<?xml")) && !bytes.HasPrefix(b, []byte("<rss")) {
		return false
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.Token()
		if err != nil {
			return true
		}
		if se, ok := tok.(xml.StartElement); ok {
			return !strings.EqualFold(se.Name.Local, "html")
		}
	}
}

// productPath matches the path of a product page; its group is the slug.
var productPath = regexp.MustCompile(`^/products/([A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)+)/?$`)

// productSlug returns the lower-case slug of a product page's address, ref
// resolved against base, or false when ref is not a product page.
func productSlug(base *url.URL, ref string) (string, bool) {
	u, err := base.Parse(strings.TrimSpace(ref))
	if err != nil {
		return "", false
	}
	m := productPath.FindStringSubmatch(u.Path)
	if m == nil {
		return "", false
	}
	return strings.ToLower(m[1]), true
}

// parseFeed returns the reports of a reports feed, in feed order. Items it
// cannot use (no title, no product link) are reported with collect.Warn and
// left out; a document that is not an RSS 2.0 feed, or a pubDate in an
// unknown format, is an error.
func parseFeed(ctx context.Context, doc *collect.Document) ([]entry, error) {
	base, err := url.Parse(doc.Base())
	if err != nil {
		return nil, fmt.Errorf("gao: feed %s: %w", doc.URL, err)
	}
	body := collect.DeclareUTF8(doc.Body) // the fetcher has decoded it
	feed, err := (&rss.Parser{}).Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("gao: feed %s: %v: %w", doc.URL, err, ErrFormat)
	}
	if feed.Version != "2.0" {
		return nil, fmt.Errorf("gao: feed %s: rss version %q, want 2.0: %w", doc.URL, feed.Version, ErrFormat)
	}
	// The parser keeps the last channel of a feed that has several, which
	// would drop the others' items without a word.
	if n := channels(body); n != 1 {
		return nil, fmt.Errorf("gao: feed %s: %d channels, want one: %w", doc.URL, n, ErrFormat)
	}
	var out []entry
	seen := map[string]bool{}
	for i, it := range feed.Items {
		title := clean(html.UnescapeString(it.Title))
		ref := it.Link
		if strings.TrimSpace(ref) == "" && it.GUID != nil {
			ref = it.GUID.Value
		}
		slug, ok := productSlug(base, ref)
		switch {
		case title == "":
			collect.Warn(ctx, "gao: feed %s: item %d (%s) has no title; left out", doc.URL, i+1, clean(ref))
			continue
		case !ok:
			collect.Warn(ctx, "gao: feed %s: item %d %q links to %q, not a product page; left out", doc.URL, i+1, title, clean(ref))
			continue
		}
		e := entry{id: strings.ToUpper(slug), slug: slug, title: title, where: doc.URL}
		if seen[e.id] {
			collect.Warn(ctx, "gao: feed %s: %s appears twice; the first item is kept", doc.URL, e.id)
			continue
		}
		seen[e.id] = true
		if strings.TrimSpace(it.PubDate) != "" {
			if e.published, err = pubDate(it.PubDate); err != nil {
				return nil, fmt.Errorf("gao: feed %s: %s: %w", doc.URL, e.id, err)
			}
		}
		// Descriptions escape ampersands twice (T&amp;amp;E): the XML
		// decoder undoes one, the unescape the other, before the HTML is read.
		text := collect.HTMLText(html.UnescapeString(it.Description))
		e.recs, e.hasRecs = countIn(ctx, text, e.id, "feed "+doc.URL)
		out = append(out, e)
	}
	return out, nil
}

// channels counts the channel elements of an RSS document's root.
func channels(body []byte) int {
	d := xml.NewDecoder(bytes.NewReader(body))
	depth, n := 0, 0
	for {
		tok, err := d.Token()
		if err != nil {
			return n
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 && t.Name.Local == "channel" {
				n++
			}
		case xml.EndElement:
			depth--
		}
	}
}

// countIn returns the number of recommendations text states, and warns
// when it states several.
func countIn(ctx context.Context, text, id, where string) (int, bool) {
	n, ok, conflict := recommendations(text)
	if conflict != nil {
		collect.Warn(ctx, "gao: %s: %s states %v recommendations; the count is left empty", where, id, conflict)
	}
	return n, ok
}
