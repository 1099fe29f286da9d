package generic

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/rss"

	"github.com/defence-transparency/publish/internal/collect"
)

// feedFormat reads an RSS 2.0, RSS 1.0 or Atom 1.0 feed: one record per
// item or entry.
type feedFormat struct{ onePage }

// feedItems are the values a feed field's item setting may name.
var feedItems = []string{"title", "link", "guid", "id", "published", "updated", "date", "description", "summary",
	"content", "categories", "author"}

func decodeFeed(opts map[string]any) (*common, format, error) {
	var o feedOptions
	if err := collect.DecodeOptions(opts, &o); err != nil {
		return nil, nil, err
	}
	return &o.common, feedFormat{}, nil
}

func locateFeed(s *fieldSpec) (any, bool, error) {
	if s.Item == "" {
		return nil, false, nil
	}
	if !slices.Contains(feedItems, s.Item) {
		return nil, false, fmt.Errorf("item: %q, want one of %s", s.Item, strings.Join(feedItems, ", "))
	}
	return feedLoc(s.Item), true, nil
}

type feedLoc string

func (feedFormat) records(_ context.Context, p *page) ([]record, error) {
	// The fetcher has decoded the feed to UTF-8 by what it declares, its
	// XML declaration included (see config.text).
	body := collect.DeclareUTF8(p.doc.Body)
	var items []map[string]string
	switch gofeed.DetectFeedType(bytes.NewReader(body)) {
	case gofeed.FeedTypeRSS:
		feed, err := (&rss.Parser{}).Parse(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("not an RSS feed: %v: %w", err, ErrFormat)
		}
		for _, it := range feed.Items {
			items = append(items, rssItem(it))
		}
	case gofeed.FeedTypeAtom:
		feed, err := (&atom.Parser{}).Parse(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("not an Atom feed: %v: %w", err, ErrFormat)
		}
		for _, e := range feed.Entries {
			items = append(items, atomItem(e))
		}
	default:
		return nil, fmt.Errorf("not an RSS or Atom feed (want a root element <rss>, <rdf:RDF> or <feed>; starts %q): %w",
			collect.Head(body), ErrFormat)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("the feed has no items: %w", ErrNoRecords)
	}
	recs := make([]record, len(items))
	base := p.base()
	for i, it := range items {
		recs[i] = &feedRecord{item: it, at: fmt.Sprintf("%s item %d", p.doc.URL, i+1), url: base}
	}
	return recs, nil
}

// rssItem returns the values of an RSS 2.0 or RSS 1.0 item.
func rssItem(it *rss.Item) map[string]string {
	guid := ""
	if it.GUID != nil {
		guid = strings.TrimSpace(it.GUID.Value)
	}
	link := strings.TrimSpace(it.Link)
	if guid == "" {
		guid = link // RSS 1.0 names an item by its rdf:about, its link
	}
	pub, author := it.PubDate, strings.TrimSpace(it.Author)
	var cats []string
	for _, c := range it.Categories {
		cats = append(cats, c.Value)
	}
	if dc := it.DublinCoreExt; dc != nil {
		if strings.TrimSpace(pub) == "" && len(dc.Date) > 0 {
			pub = dc.Date[0]
		}
		if author == "" {
			author = joinTrimmed(dc.Creator)
		}
		cats = append(cats, dc.Subject...)
	}
	desc := oneLineHTML(it.Description)
	m := map[string]string{
		"title":       oneLineHTML(it.Title),
		"link":        link,
		"guid":        guid,
		"id":          guid,
		"published":   feedDate(pub),
		"updated":     "",
		"description": desc,
		"summary":     desc,
		"content":     oneLineHTML(it.Content),
		"categories":  joinTrimmed(cats),
		"author":      author,
	}
	m["date"] = m["published"]
	return m
}

// atomItem returns the values of an Atom entry. The parser has read its
// text constructs (text, html, xhtml) into text or markup.
func atomItem(e *atom.Entry) map[string]string {
	link := ""
	for _, l := range e.Links {
		if l.Rel == "" || l.Rel == "alternate" {
			link = strings.TrimSpace(l.Href)
			break
		}
	}
	var cats, authors []string
	for _, c := range e.Categories {
		if c.Label != "" {
			cats = append(cats, c.Label)
		} else {
			cats = append(cats, c.Term)
		}
	}
	for _, a := range e.Authors {
		authors = append(authors, a.Name)
	}
	content := ""
	if e.Content != nil {
		content = oneLineHTML(e.Content.Value)
	}
	summary := oneLineHTML(e.Summary)
	m := map[string]string{
		"title":       oneLineHTML(e.Title),
		"link":        link,
		"guid":        strings.TrimSpace(e.ID),
		"id":          strings.TrimSpace(e.ID),
		"published":   feedDate(e.Published),
		"updated":     feedDate(e.Updated),
		"description": summary,
		"summary":     summary,
		"content":     content,
		"categories":  joinTrimmed(cats),
		"author":      joinTrimmed(authors),
	}
	m["date"] = m["published"]
	if m["date"] == "" {
		m["date"] = m["updated"]
	}
	return m
}

func joinTrimmed(vals []string) string {
	var out []string
	for _, v := range vals {
		if v = squash(v); v != "" {
			out = append(out, v)
		}
	}
	return strings.Join(out, "; ")
}

// feedDates are the date forms of RSS (RFC 822 and its variants in the
// wild) and Atom (RFC 3339).
var feedDates = []string{
	time.RFC3339, time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST",
	"2 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:04 -0700", "Mon, 2 Jan 2006 15:04 MST",
	"Mon, 2 Jan 06 15:04:05 -0700", "Mon, 2 Jan 2006", "2006-01-02T15:04:05", "2006-01-02",
}

// feedDate returns a feed's date in RFC 3339, in the feed's own offset, so
// the date op reads it without layouts; a date in no known form is kept as
// it is.
func feedDate(s string) string {
	s = squash(s)
	for _, l := range feedDates {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format(time.RFC3339)
		}
	}
	return s
}

type feedRecord struct {
	item map[string]string
	at   string
	url  *url.URL
}

func (r *feedRecord) where() string  { return r.at }
func (r *feedRecord) base() *url.URL { return r.url }
func (r *feedRecord) lookup(_ context.Context, l any) (string, error) {
	return r.item[string(l.(feedLoc))], nil
}

// oneLineHTML returns the text of an HTML fragment on one line.
func oneLineHTML(s string) string { return collect.OneLine(collect.HTMLText(s)) }
