// Package feed writes the site's Atom 1.0 feeds (RFC 4287): the feed and
// entry constructs, name-based ids, and the HTML of an entry's content. The
// site package decides what the feeds hold.
package feed

import (
	"bytes"
	"crypto/sha1"
	_ "embed"
	"encoding/xml"
	"fmt"
	"html/template"
	"strings"
	"time"
)

// The Atom 1.0 feeds (RFC 4287) of the site's changes: one for all
// datasets, one per dataset and one per country. They are written by
// encoding/xml from the structs below, which escapes every text.
//
// Identifiers: with a base URL, a feed's id is its own URL and an entry's
// id the URL of the version page it announces (a country's entry adds
// #country-<code>), since the site keeps those URLs stable. Without one the
// site may be served from anywhere, so the ids must not depend on where it
// is: they are name-based (version 5) UUIDs, urn:uuid:..., made from the
// commit of the version (entries) or of the dataset's first version
// (feeds), which a rebuild does not change.
//
// Links: with a base URL every href is absolute. Without one they are
// relative references, which RFC 4287 allows (section 2: IRI references
// are resolved by RFC 3986 against xml:base or the document's own URI). The
// feeds set no xml:base, so a reader resolves each href against the URL it
// fetched the feed from; the hrefs are written relative to the feed's own
// directory, which gives the same result in readers that ignore xml:base
// and in those that honour it.

// NS is the Atom namespace.
const NS = "http://www.w3.org/2005/Atom"

// Feed is an Atom feed document.
type Feed struct {
	XMLName   xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID        string   `xml:"id"`
	Title     Text     `xml:"title"`
	Subtitle  *Text    `xml:"subtitle,omitempty"`
	Updated   string   `xml:"updated"`
	Authors   []Person `xml:"author"`
	Links     []Link   `xml:"link"`
	Generator string   `xml:"generator,omitempty"`
	Entries   []Entry  `xml:"entry"`
}

// Text is an Atom text construct.
type Text struct {
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

// Person is an Atom person construct.
type Person struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

// Link is an Atom link.
type Link struct {
	Rel   string `xml:"rel,attr,omitempty"`
	Type  string `xml:"type,attr,omitempty"`
	Href  string `xml:"href,attr"`
	Title string `xml:"title,attr,omitempty"`
}

// Entry is an Atom entry.
type Entry struct {
	ID        string    `xml:"id"`
	Title     Text      `xml:"title"`
	Updated   string    `xml:"updated"`
	Published string    `xml:"published,omitempty"`
	Links     []Link    `xml:"link"`
	Summary   *Text     `xml:"summary,omitempty"`
	Content   *Text     `xml:"content,omitempty"`
	When      time.Time `xml:"-"` // for sorting, newest first
}

// feedNamespace is the UUID namespace of the site's name-based ids.
var feedNamespace = [16]byte{0x6f, 0x1d, 0x2a, 0x8e, 0x3c, 0x54, 0x4b, 0x0e, 0x9a, 0x77, 0x21, 0x5d, 0xc4, 0x10, 0x8b, 0x39}

// UUIDURN returns the version 5 UUID of name in feedNamespace (RFC 9562)
// as a URN.
func UUIDURN(name string) string {
	h := sha1.New()
	h.Write(feedNamespace[:])
	h.Write([]byte(name))
	s := h.Sum(nil)[:16]
	s[6] = s[6]&0x0f | 0x50
	s[8] = s[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

// entryMarkup is the HTML of a feed entry's content, an element a line.
//
//go:embed entry.html.tmpl
var entryMarkup string

// entryContent is the HTML of an entry's content, escaped by html/template.
var entryContent = template.Must(template.New("entry").Parse(strings.ReplaceAll(entryMarkup, "\n", "")))

// Content is the HTML of an entry's content: a summary, lists of
// explanations and changed rows, and a closing line.
func Content(summary string, explained, rows []string, more string) (string, error) {
	var b bytes.Buffer
	err := entryContent.Execute(&b, struct {
		Summary         string
		Explained, Rows []string
		More            string
	}{summary, explained, rows, more})
	if err != nil {
		return "", fmt.Errorf("feed: entry: %w", err)
	}
	return b.String(), nil
}

// Marshal returns f as an XML document.
func Marshal(f *Feed) ([]byte, error) {
	b, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	out := append([]byte(xml.Header), b...)
	return append(out, '\n'), nil
}
