package site

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/site/feed"
)

// The test's own reading of an Atom document: every element is a slice so
// that missing and repeated elements can be told apart, and every name is
// in the Atom namespace, so a document in another namespace reads as empty.
type vFeed struct {
	XMLName xml.Name
	IDs     []string  `xml:"http://www.w3.org/2005/Atom id"`
	Titles  []vText   `xml:"http://www.w3.org/2005/Atom title"`
	Updated []string  `xml:"http://www.w3.org/2005/Atom updated"`
	Authors []vPerson `xml:"http://www.w3.org/2005/Atom author"`
	Links   []vLink   `xml:"http://www.w3.org/2005/Atom link"`
	Entries []vEntry  `xml:"http://www.w3.org/2005/Atom entry"`
}

type vEntry struct {
	IDs       []string  `xml:"http://www.w3.org/2005/Atom id"`
	Titles    []vText   `xml:"http://www.w3.org/2005/Atom title"`
	Updated   []string  `xml:"http://www.w3.org/2005/Atom updated"`
	Published []string  `xml:"http://www.w3.org/2005/Atom published"`
	Authors   []vPerson `xml:"http://www.w3.org/2005/Atom author"`
	Links     []vLink   `xml:"http://www.w3.org/2005/Atom link"`
	Summary   []vText   `xml:"http://www.w3.org/2005/Atom summary"`
	Content   []vText   `xml:"http://www.w3.org/2005/Atom content"`
}

type vText struct {
	Type string `xml:"type,attr"`
	Src  string `xml:"src,attr"`
	Text string `xml:",chardata"`
}

type vPerson struct {
	Names []string `xml:"http://www.w3.org/2005/Atom name"`
}

type vLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
	Href string `xml:"href,attr"`
}

// isIRI reports whether s is an absolute IRI, as atom:id must be.
func isIRI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && !strings.ContainsAny(s, " \t\n<>\"") && (u.Opaque != "" || u.Host != "" || u.Path != "")
}

// validateAtom checks a document against the MUSTs of RFC 4287 that a
// reader relies on: the root is atom:feed; the feed has exactly one id (an
// absolute IRI), title and updated (RFC 3339), and an author unless every
// entry has one; at most one alternate link per type and exactly one self
// link; every link has an href; each entry has exactly one id, title and
// updated, an author (its own or the feed's), and an alternate link where
// it has no content; text constructs have type text, html or xhtml.
func validateAtom(b []byte) error {
	var f vFeed
	if err := xml.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("not XML: %w", err)
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if f.XMLName.Space != feed.NS || f.XMLName.Local != "feed" {
		return fmt.Errorf("root element is {%s}%s, want atom:feed", f.XMLName.Space, f.XMLName.Local)
	}
	date := func(where string, ds []string, required bool) {
		if len(ds) != 1 {
			if required || len(ds) > 1 {
				bad("%s: %d updated/published elements, want 1", where, len(ds))
			}
			return
		}
		if _, err := time.Parse(time.RFC3339, ds[0]); err != nil {
			bad("%s: date %q is not RFC 3339", where, ds[0])
		}
	}
	text := func(where string, ts []vText, required bool) {
		if len(ts) != 1 {
			if required || len(ts) > 1 {
				bad("%s: %d elements, want 1", where, len(ts))
			}
			return
		}
		switch ts[0].Type {
		case "", "text", "html", "xhtml":
		default:
			if !strings.HasPrefix(where, "content") {
				bad("%s: type %q", where, ts[0].Type)
			}
		}
	}
	links := func(where string, ls []vLink) (self, alternate int) {
		alt := map[string]int{}
		for _, l := range ls {
			if l.Href == "" {
				bad("%s: link without href", where)
			}
			switch l.Rel {
			case "self":
				self++
			case "", "alternate":
				alternate++
				alt[l.Type]++
				if alt[l.Type] > 1 {
					bad("%s: two alternate links of type %q", where, l.Type)
				}
			}
		}
		return self, alternate
	}
	if len(f.IDs) != 1 || !isIRI(f.IDs[0]) {
		bad("feed: ids %q, want one absolute IRI", f.IDs)
	}
	text("feed title", f.Titles, true)
	date("feed", f.Updated, true)
	if self, _ := links("feed", f.Links); self != 1 {
		bad("feed: %d self links, want 1", self)
	}
	feedAuthor := len(f.Authors) > 0
	for _, a := range f.Authors {
		if len(a.Names) != 1 || a.Names[0] == "" {
			bad("feed: author without a name")
		}
	}
	ids := map[string]bool{}
	for i, e := range f.Entries {
		where := fmt.Sprintf("entry %d", i)
		if len(e.IDs) != 1 || !isIRI(e.IDs[0]) {
			bad("%s: ids %q, want one absolute IRI", where, e.IDs)
		} else if ids[e.IDs[0]] {
			bad("%s: id %s repeated", where, e.IDs[0])
		} else {
			ids[e.IDs[0]] = true
		}
		text(where+" title", e.Titles, true)
		date(where, e.Updated, true)
		date(where+" published", e.Published, false)
		text(where+" summary", e.Summary, false)
		text("content of "+where, e.Content, false)
		if !feedAuthor && len(e.Authors) == 0 {
			bad("%s: no author, and the feed has none", where)
		}
		if _, alternate := links(where, e.Links); alternate == 0 && len(e.Content) == 0 {
			bad("%s: neither an alternate link nor content", where)
		}
		if len(e.Content) == 1 && e.Content[0].Src != "" && len(e.Summary) == 0 {
			bad("%s: content with src and no summary", where)
		}
	}
	return errors.Join(errs...)
}

// TestValidateAtom checks that the validator finds each kind of breakage,
// so that a feed passing it means something.
func TestValidateAtom(t *testing.T) {
	good := &feed.Feed{
		ID: "urn:uuid:6f1d2a8e-3c54-4b0e-9a77-215dc4108b39", Title: feed.Text{Text: "Changes"}, Updated: "2026-04-28T06:30:00Z",
		Authors: []feed.Person{{Name: "Site"}},
		Links:   []feed.Link{{Rel: "self", Href: "changes.atom"}, {Rel: "alternate", Type: "text/html", Href: "changes/"}},
		Entries: []feed.Entry{{ID: "urn:uuid:1b4e28ba-2fa1-51d2-883f-0016d3cca427", Title: feed.Text{Text: "v1"}, Updated: "2026-04-28T06:30:00Z",
			Links: []feed.Link{{Rel: "alternate", Href: "v1/"}}}},
	}
	marshal := func(f *feed.Feed) []byte {
		b, err := xml.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if err := validateAtom(marshal(good)); err != nil {
		t.Fatalf("validateAtom(good feed) = %v, want nil", err)
	}
	for _, tt := range []struct {
		name string
		edit func(f *feed.Feed)
		raw  func(b []byte) []byte
	}{
		{name: "no feed id", edit: func(f *feed.Feed) { f.ID = "" }},
		{name: "relative feed id", edit: func(f *feed.Feed) { f.ID = "changes.atom" }},
		{name: "no title", raw: func(b []byte) []byte { return bytes.Replace(b, []byte("<title>Changes</title>"), nil, 1) }},
		{name: "date not RFC 3339", edit: func(f *feed.Feed) { f.Updated = "28 April 2026" }},
		{name: "entry date", edit: func(f *feed.Feed) { f.Entries[0].Updated = "2026-04-28" }},
		{name: "no author", edit: func(f *feed.Feed) { f.Authors = nil }},
		{name: "two self links", edit: func(f *feed.Feed) { f.Links = append(f.Links, feed.Link{Rel: "self", Href: "x.atom"}) }},
		{name: "no self link", edit: func(f *feed.Feed) { f.Links = f.Links[1:] }},
		{name: "entry without id", edit: func(f *feed.Feed) { f.Entries[0].ID = "" }},
		{name: "entry ids repeated", edit: func(f *feed.Feed) { f.Entries = append(f.Entries, f.Entries[0]) }},
		{name: "entry without link or content", edit: func(f *feed.Feed) { f.Entries[0].Links = nil }},
		{name: "wrong namespace", raw: func(b []byte) []byte {
			return bytes.Replace(b, []byte(feed.NS), []byte("http://purl.org/atom/ns#"), 1)
		}},
		{name: "not XML", raw: func(b []byte) []byte { return b[:len(b)/2] }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := *good
			f.Links = append([]feed.Link(nil), good.Links...)
			f.Entries = append([]feed.Entry(nil), good.Entries...)
			if tt.edit != nil {
				tt.edit(&f)
			}
			b := marshal(&f)
			if tt.raw != nil {
				b = tt.raw(b)
			}
			if err := validateAtom(b); err == nil {
				t.Errorf("validateAtom(feed with %s) = nil, want an error\n%s", tt.name, b)
			}
		})
	}
}

func TestUUIDURN(t *testing.T) {
	a, b := feed.UUIDURN("entry/x/1"), feed.UUIDURN("entry/x/2")
	if a == b || a != feed.UUIDURN("entry/x/1") {
		t.Errorf("uuidURN is not a function of its name: %s, %s", a, b)
	}
	// Version 5, RFC 4122 variant: xxxxxxxx-xxxx-5xxx-[89ab]xxx-xxxxxxxxxxxx.
	parts := strings.Split(strings.TrimPrefix(a, "urn:uuid:"), "-")
	if len(parts) != 5 || parts[2][0] != '5' || !strings.ContainsRune("89ab", rune(parts[3][0])) || !isIRI(a) {
		t.Errorf("uuidURN = %s, want a version 5 UUID URN", a)
	}
}
