package generic

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

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

// The feed elements read. encoding/xml matches a tag without a namespace
// in any namespace, so dc:date and atom:link arrive in the same slices as
// date and link; XMLName tells them apart where it matters.
type (
	feedDoc struct {
		XMLName xml.Name
		Channel struct {
			Items []rssItem `xml:"item"`
		} `xml:"channel"`
		Items   []rssItem   `xml:"item"` // RSS 1.0 keeps items beside the channel
		Entries []atomEntry `xml:"entry"`
	}
	rssItem struct {
		Title       string     `xml:"title"`
		Links       []feedLink `xml:"link"`
		GUID        string     `xml:"guid"`
		About       string     `xml:"about,attr"` // RSS 1.0
		PubDate     string     `xml:"pubDate"`
		Date        string     `xml:"http://purl.org/dc/elements/1.1/ date"`
		Description string     `xml:"description"`
		Content     string     `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
		Categories  []string   `xml:"category"`
		Subjects    []string   `xml:"http://purl.org/dc/elements/1.1/ subject"`
		Author      string     `xml:"author"`
		Creators    []string   `xml:"http://purl.org/dc/elements/1.1/ creator"`
	}
	atomEntry struct {
		Title      atomText       `xml:"title"`
		Links      []feedLink     `xml:"link"`
		ID         string         `xml:"id"`
		Published  string         `xml:"published"`
		Updated    string         `xml:"updated"`
		Summary    atomText       `xml:"summary"`
		Content    atomText       `xml:"content"`
		Categories []atomCategory `xml:"category"`
		Authors    []struct {
			Name string `xml:"name"`
		} `xml:"author"`
	}
	feedLink struct {
		XMLName xml.Name
		Href    string `xml:"href,attr"`
		Rel     string `xml:"rel,attr"`
		Text    string `xml:",chardata"`
	}
	atomText struct {
		Type  string `xml:"type,attr"`
		Inner string `xml:",innerxml"`
		Text  string `xml:",chardata"`
	}
	atomCategory struct {
		Term  string `xml:"term,attr"`
		Label string `xml:"label,attr"`
	}
)

const atomNS = "http://www.w3.org/2005/Atom"

func (feedFormat) records(_ context.Context, p *page) ([]record, error) {
	body := bytes.TrimPrefix(p.doc.Body, utf8BOM)
	d := xml.NewDecoder(bytes.NewReader(body))
	// Feeds in the wild carry HTML entities such as &nbsp;. (No
	// AutoClose: HTML's list has link, which RSS uses as a container.)
	d.Strict, d.Entity = false, xml.HTMLEntity
	// The fetcher has decoded the feed to UTF-8 by what it declares, its
	// XML declaration included (see config.text).
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	var doc feedDoc
	if err := d.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not an RSS or Atom feed: %v: %w", err, ErrFormat)
	}
	var items []map[string]string
	switch doc.XMLName.Local {
	case "rss":
		items = rssItems(doc.Channel.Items)
	case "RDF":
		items = rssItems(doc.Items)
	case "feed":
		for _, e := range doc.Entries {
			items = append(items, atomItem(e))
		}
	default:
		return nil, fmt.Errorf("root element <%s>, want <rss>, <rdf:RDF> or <feed>: %w", doc.XMLName.Local, ErrFormat)
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

func rssItems(in []rssItem) []map[string]string {
	var out []map[string]string
	for _, it := range in {
		link := ""
		for _, l := range it.Links {
			if l.XMLName.Space == atomNS {
				continue
			}
			if link = strings.TrimSpace(l.Text); link != "" {
				break
			}
		}
		guid := strings.TrimSpace(it.GUID)
		if guid == "" {
			guid = strings.TrimSpace(it.About)
		}
		pub := it.PubDate
		if strings.TrimSpace(pub) == "" {
			pub = it.Date
		}
		author := strings.TrimSpace(it.Author)
		if author == "" {
			author = joinTrimmed(it.Creators)
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
			"categories":  joinTrimmed(append(slices.Clone(it.Categories), it.Subjects...)),
			"author":      author,
		}
		m["date"] = m["published"]
		out = append(out, m)
	}
	return out
}

func atomItem(e atomEntry) map[string]string {
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
	m := map[string]string{
		"title":       e.Title.text(),
		"link":        link,
		"guid":        strings.TrimSpace(e.ID),
		"id":          strings.TrimSpace(e.ID),
		"published":   feedDate(e.Published),
		"updated":     feedDate(e.Updated),
		"description": e.Summary.text(),
		"summary":     e.Summary.text(),
		"content":     e.Content.text(),
		"categories":  joinTrimmed(cats),
		"author":      joinTrimmed(authors),
	}
	m["date"] = m["published"]
	if m["date"] == "" {
		m["date"] = m["updated"]
	}
	return m
}

// text returns an Atom text construct as plain text: html is unescaped
// markup, xhtml is markup inline, text is text.
func (t atomText) text() string {
	switch t.Type {
	case "xhtml":
		return oneLineHTML(t.Inner)
	case "html":
		return oneLineHTML(t.Text)
	}
	return squash(t.Text)
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
