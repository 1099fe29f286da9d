package collect

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Terms is what a publisher's terms of use allow this project to publish
// of the publisher's data, as the sources file states it for each source
// (terms = "..."). The pipeline keeps the rows of a source whose terms do
// not allow redistribution out of everything public (the committed
// datasets, the downloads, the versions, the feeds) unless the operator
// records a Permission.
type Terms string

// The terms a source may have.
const (
	// TermsOpen: the whole data may be redistributed under its licence
	// (attribution and the like). Its rows are published in full.
	TermsOpen Terms = "open"
	// TermsExcerpt: only excerpts may be reproduced. Its rows stay in the
	// cache; each country's page shows that country's own figures, with
	// attribution, and the public files count what was withheld and what
	// changed between releases.
	TermsExcerpt Terms = "excerpt"
	// TermsLink: nothing of the data may be reproduced. Its rows stay in
	// the cache; the site links to the publisher's own download and counts
	// the rows withheld and what changed between releases.
	TermsLink Terms = "link"
)

// terms lists the valid values, in the order the documentation names them.
var terms = []Terms{TermsOpen, TermsExcerpt, TermsLink}

// Permission records a permission the operator holds to publish a source's
// data beyond its published terms (written permission from the publisher,
// a licence agreement). A source with a permission is published in full,
// like an open one; the descriptor, the dataset README and the sources page
// say who granted it, when, and under which reference.
type Permission struct {
	// GrantedBy names who granted it: a person and the organisation.
	GrantedBy string `toml:"granted_by"`
	// Granted is the day it was granted, YYYY-MM-DD.
	Granted string `toml:"granted"`
	// Reference identifies the grant: a letter's or e-mail's date and
	// subject, an agreement's number, a ticket.
	Reference string `toml:"reference"`
	// Scope, optional, says what it covers in the grantor's words.
	Scope string `toml:"scope"`
}

// Publishes reports whether the source's rows go into the published
// files: its terms are open, or a permission is recorded.
func (s Source) Publishes() bool { return s.Terms == TermsOpen || s.Permission != nil }

// Excerpts reports whether the source's rows, withheld from the published
// files, may still be shown as excerpts: each country's own figures on its
// page.
func (s Source) Excerpts() bool { return !s.Publishes() && s.Terms == TermsExcerpt }

// DownloadURL returns where the public gets the publisher's own data: the
// download setting, or else the homepage.
func (s Source) DownloadURL() string {
	if s.Download != "" {
		return s.Download
	}
	return s.Homepage
}

// WithheldReason says, in a sentence, why a source's rows are withheld
// from the published files; "" when they are not.
func (s Source) WithheldReason() string {
	switch {
	case s.Publishes():
		return ""
	case s.Terms == TermsExcerpt:
		return "the publisher's terms allow excerpts only, and no permission to publish more is recorded"
	default:
		return "the publisher's terms allow no reproduction of the data, and no permission is recorded"
	}
}

// checkTerms checks a source's terms, permission and download settings,
// naming the source and the key in its errors.
func checkTerms(s Source) error {
	valid := false
	for _, t := range terms {
		valid = valid || s.Terms == t
	}
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = fmt.Sprintf("%q", string(t))
	}
	switch {
	case s.Terms == "":
		return fmt.Errorf("source %q: terms: not set; say what the publisher's terms allow: %s (see the comments in sources.toml)",
			s.Name, strings.Join(quoted, ", "))
	case !valid:
		return fmt.Errorf("source %q: terms: %q is not one of %s", s.Name, string(s.Terms), strings.Join(quoted, ", "))
	}
	if s.Download != "" {
		if u, err := url.Parse(s.Download); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("source %q: download: %q is not an http or https URL", s.Name, s.Download)
		}
	}
	p := s.Permission
	if p == nil {
		return nil
	}
	switch {
	case strings.TrimSpace(p.GrantedBy) == "":
		return fmt.Errorf("source %q: permission.granted_by: not set; name who granted the permission", s.Name)
	case strings.TrimSpace(p.Granted) == "":
		return fmt.Errorf("source %q: permission.granted: not set; give the day it was granted, YYYY-MM-DD", s.Name)
	case strings.TrimSpace(p.Reference) == "":
		return fmt.Errorf("source %q: permission.reference: not set; identify the letter, e-mail or agreement that grants it", s.Name)
	}
	if _, err := time.Parse(time.DateOnly, p.Granted); err != nil {
		return fmt.Errorf("source %q: permission.granted: %q is not a day written YYYY-MM-DD", s.Name, p.Granted)
	}
	return nil
}
