package site

import (
	"bytes"
	"crypto/sha1"
	_ "embed"
	"encoding/xml"
	"fmt"
	"html/template"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
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

const atomNS = "http://www.w3.org/2005/Atom"

type atomFeed struct {
	XMLName   xml.Name     `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string       `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID        string       `xml:"id"`
	Title     atomText     `xml:"title"`
	Subtitle  *atomText    `xml:"subtitle,omitempty"`
	Updated   string       `xml:"updated"`
	Authors   []atomPerson `xml:"author"`
	Links     []atomLink   `xml:"link"`
	Generator string       `xml:"generator,omitempty"`
	Entries   []atomEntry  `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomLink struct {
	Rel   string `xml:"rel,attr,omitempty"`
	Type  string `xml:"type,attr,omitempty"`
	Href  string `xml:"href,attr"`
	Title string `xml:"title,attr,omitempty"`
}

type atomEntry struct {
	ID        string     `xml:"id"`
	Title     atomText   `xml:"title"`
	Updated   string     `xml:"updated"`
	Published string     `xml:"published,omitempty"`
	Links     []atomLink `xml:"link"`
	Summary   *atomText  `xml:"summary,omitempty"`
	Content   *atomText  `xml:"content,omitempty"`
	when      time.Time
}

// feedNamespace is the UUID namespace of the site's name-based ids.
var feedNamespace = [16]byte{0x6f, 0x1d, 0x2a, 0x8e, 0x3c, 0x54, 0x4b, 0x0e, 0x9a, 0x77, 0x21, 0x5d, 0xc4, 0x10, 0x8b, 0x39}

// uuidURN returns the version 5 UUID of name in feedNamespace (RFC 9562)
// as a URN.
func uuidURN(name string) string {
	h := sha1.New()
	h.Write(feedNamespace[:])
	h.Write([]byte(name))
	s := h.Sum(nil)[:16]
	s[6] = s[6]&0x0f | 0x50
	s[8] = s[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

// feedHref returns the href of target (a path from the site's root) in the
// feed at feedPath: absolute under the base URL, or relative to the feed.
func (cs *changeSite) feedHref(feedPath, target string) string {
	if cs.urls.base != "" {
		return cs.urls.base + target
	}
	return strings.Repeat("../", strings.Count(feedPath, "/")) + cs.urls.link(target)
}

// entryMarkup is the HTML of a feed entry's content, an element a line.
//
//go:embed entry.html.tmpl
var entryMarkup string

// entryContent is the HTML of an entry's content, escaped by html/template.
var entryContent = template.Must(template.New("entry").Parse(strings.ReplaceAll(entryMarkup, "\n", "")))

func contentHTML(summary string, explained, rows []string, more string) (string, error) {
	var b bytes.Buffer
	err := entryContent.Execute(&b, struct {
		Summary         string
		Explained, Rows []string
		More            string
	}{summary, explained, rows, more})
	if err != nil {
		return "", fmt.Errorf("site: feed entry: %w", err)
	}
	return b.String(), nil
}

// deltaText writes a changed row as one line of text.
func deltaText(key []keyCell, fields []fieldDelta) string {
	var k []string
	for _, c := range key {
		k = append(k, c.Text)
	}
	var f []string
	for _, d := range fields {
		s := ""
		if d.Label != "" {
			s = d.Label + ": "
		}
		switch {
		case d.Old != "" && d.New != "":
			s += d.Old + " → " + d.New
		case d.New != "":
			s += d.New
		default:
			s += d.Old
		}
		f = append(f, s)
	}
	return strings.Join(k, ", ") + ": " + strings.Join(f, "; ")
}

// versionEntry announces one version of a dataset in the feed at
// feedPath; withLinks gives the same entry in another feed.
func (cs *changeSite) versionEntry(dh *datasetHistory, sv *siteVersion, feedPath string) (atomEntry, error) {
	def, p := dh.def, sv.diff
	page := sv.dir(def.Name)
	summary := cs.g.words.summary(def, p)
	title := cs.g.words.say("feed_entry_title", map[string]any{"Dataset": def.Title, "Version": sv.v.Label(),
		"Summary": strings.TrimSuffix(summary, "."), "Sample": sv.v.Sample})
	explained := append(cs.g.words.explanations(def, p), cs.g.words.withheldLines(sv.v.Withheld)...)
	content, err := contentHTML(summary, explained, nil, "")
	if err != nil {
		return atomEntry{}, err
	}
	e := atomEntry{
		ID:      cs.entryID(page, "", "entry/"+def.Name+"/"+sv.v.Commit),
		Title:   atomText{Type: "text", Text: title},
		Updated: machineTime(sv.when), Published: machineTime(sv.when),
		Summary: &atomText{Type: "text", Text: strings.Join(append([]string{summary}, explained...), " ")},
		Content: &atomText{Type: "html", Text: content},
		when:    sv.when,
	}
	return cs.withLinks(e, sv, page, feedPath), nil
}

// withheldLines says, for a feed entry, what a version withheld under its
// sources' terms and what changed in it: counts only, never rows.
func (w *words) withheldLines(ws []dataset.SourceRef) []string {
	var out []string
	for _, s := range ws {
		d := w.n(s.Withheld.Rows, "Source", s.Title, "Counted", s.Withheld.Changes != nil)
		if c := s.Withheld.Changes; c != nil && c.Previous != "" {
			d["Since"] = true
			d["Added"], d["Removed"], d["Changed"] = integer(int64(c.Added)), integer(int64(c.Removed)), integer(int64(c.Changed))
		}
		out = append(out, w.say("feed_withheld", d))
	}
	return out
}

// withLinks returns e, about the version page at page, with the links it
// has in the feed at feedPath: they are relative to the feed without a
// base URL.
func (cs *changeSite) withLinks(e atomEntry, sv *siteVersion, page, feedPath string) atomEntry {
	e.Links = []atomLink{{Rel: "alternate", Type: "text/html", Href: cs.feedHref(feedPath, page)}}
	if sv.changes != nil {
		e.Links = append(e.Links, atomLink{Rel: "related", Type: dataset.CSVMediaType, Href: cs.feedHref(feedPath, page+"changes.csv"), Title: cs.g.words.say("feed_all_changes_csv", nil)})
	}
	return e
}

// entryID returns the id of an entry about the page at path (a fragment
// added for a country), or the UUID of name without a base URL.
func (cs *changeSite) entryID(path, fragment, name string) string {
	if cs.urls.base != "" {
		id := cs.urls.base + path
		if fragment != "" {
			id += "#" + fragment
		}
		return id
	}
	return uuidURN(name)
}

// root returns the commit that names the site's history in ids: the
// oldest first version of its datasets.
func (cs *changeSite) root() string {
	var root string
	var when time.Time
	for _, dh := range cs.hist {
		if dh == nil {
			continue
		}
		first := dh.versions[len(dh.versions)-1]
		if root == "" || first.when.Before(when) {
			root, when = dh.first, first.when
		}
	}
	return root
}

// newest returns the time of the newest version of any dataset.
func (cs *changeSite) newest() time.Time {
	var t time.Time
	for _, dh := range cs.hist {
		if dh != nil && dh.versions[0].when.After(t) {
			t = dh.versions[0].when
		}
	}
	return t
}

// feedOf wraps entries, newest first, in a feed. Its updated time is the
// newest entry's, so a rebuild without a new version changes nothing.
func (cs *changeSite) feedOf(path, page, title, subtitle, idName string, entries []atomEntry) *atomFeed {
	slices.SortStableFunc(entries, func(a, b atomEntry) int { return b.when.Compare(a.when) })
	updated := cs.newest()
	if len(entries) > 0 {
		updated = entries[0].when
	}
	f := &atomFeed{
		Lang:     cs.g.words.lang,
		ID:       cs.entryID(path, "", idName),
		Title:    atomText{Type: "text", Text: title},
		Subtitle: &atomText{Type: "text", Text: subtitle},
		Updated:  machineTime(updated),
		Authors:  []atomPerson{{Name: cs.siteTitle, URI: cs.urls.base}},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: cs.feedHref(path, path)},
			{Rel: "alternate", Type: "text/html", Href: cs.feedHref(path, page)},
		},
		Generator: "publish",
		Entries:   entries,
	}
	if cs.urls.base == "" {
		f.Links[0].Href = filepath.Base(path) // the feed itself, relative to itself
	}
	return f
}

// writeFeeds writes every feed into the build's static directory: the
// site's, each dataset's, and each country's that has a page.
func (cs *changeSite) writeFeeds(static string, sample bool) error {
	if !cs.any() {
		return nil
	}
	root := cs.root()
	var all []atomEntry
	byCountry := map[string][]atomEntry{}
	for _, dh := range cs.hist {
		if dh == nil {
			continue
		}
		def := dh.def
		path := datasetPath(def.Name) + "changes.atom"
		var entries []atomEntry
		d := cs.display(def)
		for _, sv := range dh.versions {
			if !sv.page() {
				continue
			}
			e, err := cs.versionEntry(dh, sv, path)
			if err != nil {
				return err
			}
			entries = append(entries, e)
			all = append(all, cs.withLinks(e, sv, sv.dir(def.Name), "changes.atom"))
			for code, cd := range sv.diff.Countries {
				name, ok := cs.pages[code]
				if !ok {
					continue
				}
				summary := cs.g.words.countryChange(def, sv.diff, cd)
				if summary == "" {
					continue
				}
				cpath := countryPath(code) + "changes.atom"
				var rows []string
				for j := range cd.Rows {
					rows = append(rows, deltaText(d.key(cd.Rows[j].Current(), true), d.deltas(&cd.Rows[j])))
				}
				more := ""
				if n := countRevisions(cd) - len(cd.Rows); n > 0 {
					more = cs.g.words.say("feed_more_revisions", cs.g.words.n(n))
				}
				content, err := contentHTML(summary, nil, rows, more)
				if err != nil {
					return err
				}
				title := cs.g.words.say("feed_country_entry_title", map[string]any{"Country": name, "Summary": strings.TrimSuffix(summary, "."),
					"Dataset": def.Title, "Version": sv.v.Label(), "Sample": sv.v.Sample})
				page := sv.dir(def.Name)
				byCountry[code] = append(byCountry[code], atomEntry{
					ID:      cs.entryID(page, "country-"+strings.ToLower(code), "entry/"+def.Name+"/"+sv.v.Commit+"/"+code),
					Title:   atomText{Type: "text", Text: title},
					Updated: machineTime(sv.when), Published: machineTime(sv.when),
					Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: cs.feedHref(cpath, page)}},
					Summary: &atomText{Type: "text", Text: summary},
					Content: &atomText{Type: "html", Text: content},
					when:    sv.when,
				})
			}
		}
		f := cs.feedOf(path, datasetPath(def.Name), cs.g.words.say("feed_dataset_title", map[string]any{"Name": def.Title, "Sample": sample}),
			cs.g.words.say("feed_dataset_subtitle", map[string]any{"Name": def.Title}), "feed/"+path+"/"+dh.first, entries)
		if err := writeFeed(filepath.Join(static, filepath.FromSlash(path)), f); err != nil {
			return err
		}
	}
	f := cs.feedOf("changes.atom", "changes/", cs.g.words.say("feed_dataset_title", map[string]any{"Name": cs.siteTitle, "Sample": sample}),
		cs.g.words.say("feed_all_subtitle", nil), "feed/changes.atom/"+root, all)
	if err := writeFeed(filepath.Join(static, "changes.atom"), f); err != nil {
		return err
	}
	for code, name := range cs.pages {
		path := countryPath(code) + "changes.atom"
		name := countryInProse(code, name)
		f := cs.feedOf(path, countryPath(code), cs.g.words.say("feed_country_title", map[string]any{"Country": name, "Sample": sample}),
			cs.g.words.say("feed_country_subtitle", map[string]any{"Country": name}), "feed/"+path+"/"+root, byCountry[code])
		if err := writeFeed(filepath.Join(static, filepath.FromSlash(path)), f); err != nil {
			return err
		}
	}
	return nil
}

// countRevisions counts the changes a country's Rows are drawn from:
// revisions and marker changes.
func countRevisions(cd *diff.CountryDelta) int {
	n := 0
	for _, class := range []diff.Class{diff.ClassRevised, diff.ClassFilled, diff.ClassWithdrawn, diff.ClassMarker} {
		n += cd.Classes[class]
	}
	return n
}

// writeFeed writes a feed as XML.
func writeFeed(path string, f *atomFeed) error {
	b, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("site: feed %s: %w", filepath.Base(path), err)
	}
	out := append([]byte(xml.Header), b...)
	return writeOut(path, append(out, '\n'))
}
