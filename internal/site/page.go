package site

import (
	"net/url"
	"strings"

	"github.com/defence-transparency/publish/internal/site/chart"
)

// The front matter of the pages holds data, never words: numbers, codes,
// dates (RFC 3339), URLs and booleans, and the text that comes from the
// sources (names, titles, notes). The templates make sentences of them with
// the words of site/i18n. The types below are shared by every section.

// count is a number of things: N chooses the plural form of the words
// around it, Text is N written for reading (format.Numbers).
type count struct {
	N    int    `json:"n"`
	Text string `json:"t"`
}

// count returns n as a count.
func (g *generator) count(n int) count { return count{N: n, Text: g.num.Int(int64(n))} }

// when is a date or a time: ISO (RFC 3339, or YYYY-MM-DD for a date) when
// it could be read, which the templates write in words, else Raw, the text
// as the source gave it.
type when struct {
	ISO string `json:"iso,omitempty"`
	Raw string `json:"raw,omitempty"`
}

// link is a piece of text that may be a link: Href is set only when the
// target is a web URL (see webURL).
type link struct {
	Text string `json:"text"`
	Href string `json:"href,omitempty"`
}

// newLink returns a link with text, pointing at target when target is a web
// URL. Empty text becomes the target itself.
func newLink(text, target string) link {
	target = strings.TrimSpace(target)
	if text == "" {
		text = target
	}
	return link{Text: text, Href: webURL(target)}
}

// webURL returns s if it is an absolute http or https URL with a host, and
// "" otherwise. Links that come from sources pass through it before they
// become an href: anything else (javascript:, data:, relative paths) is
// shown as text.
func webURL(s string) string {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return ""
	}
	return u.String()
}

// navLink is a link to a page of the site or a part of a page: Text is data
// (a name) or, with Key set, empty, and the template words it by Key.
type navLink struct {
	Key  string `json:"key,omitempty"`
	Text string `json:"text,omitempty"`
	Path string `json:"path"`
}

// feedLink is an Atom feed a page offers, for the head and the Subscribe
// link: Kind is all, dataset or country; Name is the country's name, for
// its feed's title.
type feedLink struct {
	Kind string `json:"kind"`
	Name string `json:"name,omitempty"`
	Path string `json:"path"`
}

// failure is a source that could not be collected, for the notices of the
// home page, its dataset's page and the sources page.
type failure struct {
	Source  string `json:"source"`            // its label
	Attempt string `json:"attempt,omitempty"` // when it failed (RFC 3339)
	Error   string `json:"error,omitempty"`   // the start of the error, on one line, without a final full stop
	Success string `json:"success,omitempty"` // when its figures were last collected (RFC 3339)
}

// failureOf describes a failed source for its notices.
func failureOf(s *SourceStatus) failure {
	f := failure{Source: s.label(), Attempt: machineTime(s.LastAttempt), Success: machineTime(s.LastSuccess)}
	if e := oneLine(s.Error); e != "" {
		f.Error = strings.TrimRight(chart.Truncate(e, noticeErrorRunes), ".")
	}
	return f
}

// oneLine joins the lines of an error message.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// span is a range of years, which the templates write "1990–2023", or
// "2023" for one year.
type span struct {
	From int `json:"from"`
	To   int `json:"to"`
}
