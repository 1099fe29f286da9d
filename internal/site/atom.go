package site

import (
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
	"github.com/defence-transparency/publish/internal/site/feed"
)

// The site's Atom feeds: one for all datasets, one per dataset and one per
// country that has a page, built from the change pages' data. Package feed
// writes them; its comment says how ids and links are made.

// feedHref returns the href of target (a path from the site's root) in the
// feed at feedPath: absolute under the base URL, or relative to the feed.
func (cs *changeSite) feedHref(feedPath, target string) string {
	if cs.urls.base != "" {
		return cs.urls.base + target
	}
	return strings.Repeat("../", strings.Count(feedPath, "/")) + cs.urls.link(target)
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
func (cs *changeSite) versionEntry(dh *datasetHistory, sv *siteVersion, feedPath string) (feed.Entry, error) {
	def, p := dh.def, sv.diff
	page := sv.dir(def.Name)
	summary := cs.g.words.summary(def, p)
	title := cs.g.words.say("feed_entry_title", map[string]any{"Dataset": def.Title, "Version": sv.v.Label(),
		"Summary": strings.TrimSuffix(summary, "."), "Sample": sv.v.Sample})
	explained := append(cs.g.words.explanations(def, p), cs.g.words.withheldLines(sv.v.Withheld)...)
	content, err := feed.Content(summary, explained, nil, "")
	if err != nil {
		return feed.Entry{}, err
	}
	e := feed.Entry{
		ID:      cs.entryID(page, "", "entry/"+def.Name+"/"+sv.v.Commit),
		Title:   feed.Text{Type: "text", Text: title},
		Updated: machineTime(sv.when), Published: machineTime(sv.when),
		Summary: &feed.Text{Type: "text", Text: strings.Join(append([]string{summary}, explained...), " ")},
		Content: &feed.Text{Type: "html", Text: content},
		When:    sv.when,
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
func (cs *changeSite) withLinks(e feed.Entry, sv *siteVersion, page, feedPath string) feed.Entry {
	e.Links = []feed.Link{{Rel: "alternate", Type: "text/html", Href: cs.feedHref(feedPath, page)}}
	if sv.changes != nil {
		e.Links = append(e.Links, feed.Link{Rel: "related", Type: dataset.CSVMediaType, Href: cs.feedHref(feedPath, page+"changes.csv"), Title: cs.g.words.say("feed_all_changes_csv", nil)})
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
	return feed.UUIDURN(name)
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
func (cs *changeSite) feedOf(path, page, title, subtitle, idName string, entries []feed.Entry) *feed.Feed {
	slices.SortStableFunc(entries, func(a, b feed.Entry) int { return b.When.Compare(a.When) })
	updated := cs.newest()
	if len(entries) > 0 {
		updated = entries[0].When
	}
	f := &feed.Feed{
		Lang:     cs.g.words.lang,
		ID:       cs.entryID(path, "", idName),
		Title:    feed.Text{Type: "text", Text: title},
		Subtitle: &feed.Text{Type: "text", Text: subtitle},
		Updated:  machineTime(updated),
		Authors:  []feed.Person{{Name: cs.siteTitle, URI: cs.urls.base}},
		Links: []feed.Link{
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
	var all []feed.Entry
	byCountry := map[string][]feed.Entry{}
	for _, dh := range cs.hist {
		if dh == nil {
			continue
		}
		def := dh.def
		path := datasetPath(def.Name) + "changes.atom"
		var entries []feed.Entry
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
				content, err := feed.Content(summary, nil, rows, more)
				if err != nil {
					return err
				}
				title := cs.g.words.say("feed_country_entry_title", map[string]any{"Country": name, "Summary": strings.TrimSuffix(summary, "."),
					"Dataset": def.Title, "Version": sv.v.Label(), "Sample": sv.v.Sample})
				page := sv.dir(def.Name)
				byCountry[code] = append(byCountry[code], feed.Entry{
					ID:      cs.entryID(page, "country-"+strings.ToLower(code), "entry/"+def.Name+"/"+sv.v.Commit+"/"+code),
					Title:   feed.Text{Type: "text", Text: title},
					Updated: machineTime(sv.when), Published: machineTime(sv.when),
					Links:   []feed.Link{{Rel: "alternate", Type: "text/html", Href: cs.feedHref(cpath, page)}},
					Summary: &feed.Text{Type: "text", Text: summary},
					Content: &feed.Text{Type: "html", Text: content},
					When:    sv.when,
				})
			}
		}
		f := cs.feedOf(path, datasetPath(def.Name), cs.g.words.say("feed_dataset_title", map[string]any{"Name": def.Title, "Sample": sample}),
			cs.g.words.say("feed_dataset_subtitle", map[string]any{"Name": def.Title}), "feed/"+path+"/"+dh.first, entries)
		if err := cs.g.out.putFeed(filepath.Join(static, filepath.FromSlash(path)), f); err != nil {
			return err
		}
	}
	f := cs.feedOf("changes.atom", "changes/", cs.g.words.say("feed_dataset_title", map[string]any{"Name": cs.siteTitle, "Sample": sample}),
		cs.g.words.say("feed_all_subtitle", nil), "feed/changes.atom/"+root, all)
	if err := cs.g.out.putFeed(filepath.Join(static, "changes.atom"), f); err != nil {
		return err
	}
	for code, name := range cs.pages {
		path := countryPath(code) + "changes.atom"
		name := countryInProse(code, name)
		f := cs.feedOf(path, countryPath(code), cs.g.words.say("feed_country_title", map[string]any{"Country": name, "Sample": sample}),
			cs.g.words.say("feed_country_subtitle", map[string]any{"Country": name}), "feed/"+path+"/"+root, byCountry[code])
		if err := cs.g.out.putFeed(filepath.Join(static, filepath.FromSlash(path)), f); err != nil {
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
