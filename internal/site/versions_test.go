package site

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/history"
	"github.com/defence-transparency/publish/internal/site/feed"
)

const versionsDir = "datasets/military-expenditure/versions/"

// feedFiles lists the Atom feeds of a built site.
func feedFiles(tb testing.TB, public string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(public, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".atom") {
			rel, _ := filepath.Rel(public, path)
			out = append(out, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func readFeed(tb testing.TB, public, name string) *feed.Feed {
	tb.Helper()
	var f feed.Feed
	if err := xml.Unmarshal([]byte(readFile(tb, public, name)), &f); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return &f
}

// cellTexts returns the text of each cell of the rows of a table.
func cellTexts(s *goquery.Selection) [][]string {
	var out [][]string
	s.Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
		var row []string
		tr.Children().Each(func(_ int, c *goquery.Selection) { row = append(row, strings.TrimSpace(c.Text())) })
		out = append(out, row)
	})
	return out
}

func TestVersions(t *testing.T) {
	in := historyInput(t, true)
	h := in.Datasets[0].History
	_, public := build(t, in)

	t.Run("changes page", func(t *testing.T) {
		doc := parseHTML(t, public, "changes/index.html")
		rows := cellTexts(doc.Find("table.versions"))
		var labels []string
		for _, r := range rows {
			labels = append(labels, strings.Fields(r[2])[0])
		}
		if diff := cmp.Diff([]string{"2026-04-28", "2026-04-27", "2026-04-26", "2026-04-25"}, labels); diff != "" {
			t.Errorf("versions listed (-want +got):\n%s", diff)
		}
		// Date, dataset, version, rows, added, removed, changed, revisions, marker changes.
		if want := []string{"26 April 2026", "Military expenditure by country", "2026-04-26 sample data", "16", "0", "1", "3", "2", "1"}; !cmp.Equal(rows[2], want) {
			t.Errorf("row of 2026-04-26 = %q, want %q", rows[2], want)
		}
		if !strings.Contains(rows[3][2], "first version") {
			t.Errorf("first version is not marked as such: %q", rows[3][2])
		}
		if href, _ := doc.Find("table.versions tbody tr a[href*='versions/2026-04-27/']").Attr("href"); href == "" {
			t.Errorf("no link to the page of 2026-04-27")
		}
		if !strings.Contains(doc.Find(".lead").Text(), "new version") {
			t.Errorf("changes page lacks its plain-language header")
		}
		if want := fmt.Sprintf("The last %d versions of each dataset have a page", DefaultVersionPages); !strings.Contains(doc.Find("main").Text(), want) {
			t.Errorf("changes page does not say %q", want)
		}
	})

	t.Run("revisions", func(t *testing.T) {
		doc := parseHTML(t, public, versionsDir+"2026-04-26/index.html")
		if got := doc.Find("h1").Text(); got != "Military expenditure by country, version 2026-04-26" {
			t.Errorf("h1 = %q", got)
		}
		rev := doc.Find("#changes-revised").Next().Next().Find("tbody tr")
		if rev.Length() != 1 {
			t.Fatalf("%d revised rows, want 1", rev.Length())
		}
		// Grouped by country (the country heads its rows), with the size of the revision.
		if got := cellTexts(doc.Find("#changes-revised + p + div table"))[0]; !cmp.Equal(got, []string{"Germany1 row", "2019", "Current US$", "SIPRI", "48,000 US$ m →changed to 49,012 US$ m", "+1,012 (+2.1%)"}) {
			t.Errorf("revised row = %q", got)
		}
		if v, _ := rev.Find("del data").Attr("value"); v != "48000.5" {
			t.Errorf("old value = %q, want the exact 48000.5", v)
		}
		if v, _ := rev.Find("ins data").Attr("value"); v != "49012.5" {
			t.Errorf("new value = %q, want the exact 49012.5", v)
		}
		if href, _ := rev.Find("a").Attr("href"); !strings.HasSuffix(href, "countries/deu/index.html") {
			t.Errorf("country link = %q, want the page of Germany", href)
		}
		marker := cellTexts(doc.Find("#changes-marker + p + div table"))
		if len(marker) != 1 || marker[0][0] != "Soviet Union1 row" || marker[0][4] != "Missing value: not available →changed to did not exist" {
			t.Errorf("marker changes = %q", marker)
		}
		withdrawn := cellTexts(doc.Find("#changes-withdrawn + p + div table"))
		if len(withdrawn) != 1 || withdrawn[0][4] != "51,000 US$ m →changed to not available" {
			t.Errorf("withdrawn = %q", withdrawn)
		}
		removed := doc.Find("#changes-removed + p + div table tbody tr")
		if removed.Length() != 1 || removed.Find("a").Length() != 0 || removed.Children().First().Text() != "France1 row" {
			t.Errorf("removed row %q: want France, without a link (it has no page)", removed.Text())
		}
		if doc.Find("#changes-added").Length() != 0 {
			t.Errorf("a section of added rows where none was added")
		}
	})

	t.Run("series change", func(t *testing.T) {
		doc := parseHTML(t, public, versionsDir+"2026-04-28/index.html")
		if got := doc.Find("ul.explained li").Text(); got != "Constant US$ now at 2023 prices instead of 2022 prices: 1 figure replaced." {
			t.Errorf("explained = %q", got)
		}
		if doc.Find("#changes-added, #changes-removed").Length() != 0 {
			t.Errorf("the replaced series is listed as rows added and removed")
		}
		if got := doc.Find(".lead").Text(); !strings.HasPrefix(got, "Constant US$ moved from 2022 to 2023 prices (1 figure)") {
			t.Errorf("summary = %q", got)
		}
		// 0.013 and 0.0134 both round to 1.3%: the page shows the precision that differs.
		if got := doc.Find("#changes-revised + p + div td.delta").Text(); got != "1.3% →changed to 1.34%" {
			t.Errorf("revised share of GDP shown as %q", got)
		}
		if got := doc.Find("#changes-other + p + div td.delta").Text(); got != "Estimate: no →changed to yes" {
			t.Errorf("other change shown as %q", got)
		}
	})

	t.Run("added period", func(t *testing.T) {
		doc := parseHTML(t, public, versionsDir+"2026-04-27/index.html")
		var explained []string
		doc.Find("ul.explained li").Each(func(_ int, s *goquery.Selection) { explained = append(explained, s.Text()) })
		want := []string{"Year 2022 added: 1 figure.", "Year 2023 added: 2 figures.", "New: Per person, 1 figure."}
		if diff := cmp.Diff(want, explained); diff != "" {
			t.Errorf("explained (-want +got):\n%s", diff)
		}
		added := cellTexts(doc.Find("#changes-added + p + div table"))
		if len(added) != 1 || !cmp.Equal(added[0], []string{"Germany1 row", "2020", "Share of GDP", "World Bank", "1.4%"}) {
			t.Errorf("added rows = %q, want only the World Bank's 2020 share of GDP", added)
		}
	})

	t.Run("first version", func(t *testing.T) {
		doc := parseHTML(t, public, versionsDir+"2026-04-25/index.html")
		if !strings.Contains(doc.Find("main").Text(), "This is the first published version of the dataset: all 17 rows are new") {
			t.Errorf("first version page does not say it is the first")
		}
		if doc.Find("table.changes").Length() != 0 {
			t.Errorf("first version lists rows")
		}
		if _, err := os.Stat(filepath.Join(public, versionsDir, "2026-04-25", "changes.csv")); err == nil {
			t.Errorf("first version has a changes.csv")
		}
	})

	t.Run("downloads", func(t *testing.T) {
		ds := parseHTML(t, public, "datasets/military-expenditure/index.html")
		for i := range h.Versions {
			v := &h.Versions[i]
			dir := versionsDir + v.Version + "/"
			want, err := h.Read(v)
			if err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, public, dir+"military-expenditure.parquet"); got != string(want) {
				t.Errorf("%s: Parquet download is not the committed file", v.Version)
			}
			tbl, err := h.Table(v)
			if err != nil {
				t.Fatal(err)
			}
			var csv bytes.Buffer
			if err := dataset.WriteCSV(&csv, tbl); err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, public, dir+"military-expenditure.csv"); got != csv.String() {
				t.Errorf("%s: CSV download differs from WriteCSV of the version", v.Version)
			}
			for _, file := range []string{"military-expenditure.csv", "military-expenditure.parquet"} {
				for _, page := range []*goquery.Document{ds, parseHTML(t, public, dir+"index.html")} {
					if page.Find(`a[href$="versions/`+v.Version+`/`+file+`"]`).Length() != 1 {
						t.Errorf("%s: %s is not linked once from the dataset page and the version page", v.Version, file)
					}
				}
			}
		}
		if got := ds.Find("table.versions tbody tr").Length(); got != 4 {
			t.Errorf("dataset page lists %d versions, want 4", got)
		}
	})

	t.Run("changes csv", func(t *testing.T) {
		want := `change,class,country_iso3,year,measure,source,field,old,new,difference,relative_difference,material
changed,revised,DEU,2019,current_usd,sipri,value,48000.5,49012.5,1012,0.02108311371756544,false
changed,withdrawn,DEU,2020,current_usd,sipri,value,51000,,,,
changed,withdrawn,DEU,2020,current_usd,sipri,missing,,not_available,,,
removed,removed,FRA,2019,current_usd,sipri,country_name,France,,,,
removed,removed,FRA,2019,current_usd,sipri,aggregate,false,,,,
removed,removed,FRA,2019,current_usd,sipri,value,52000,,,,
removed,removed,FRA,2019,current_usd,sipri,unit,US$ m,,,,
removed,removed,FRA,2019,current_usd,sipri,source_unit,US$ m,,,,
removed,removed,FRA,2019,current_usd,sipri,estimate,false,,,,
removed,removed,FRA,2019,current_usd,sipri,uncertain,false,,,,
changed,marker,SUN,1992,current_usd,sipri,missing,not_available,did_not_exist,,,
`
		if got := readFile(t, public, versionsDir+"2026-04-26/changes.csv"); got != want {
			t.Errorf("changes.csv (-want +got):\n%s", cmp.Diff(want, got))
		}
	})

	t.Run("country revisions", func(t *testing.T) {
		deu := parseHTML(t, public, "countries/deu/index.html")
		rows := cellTexts(deu.Find("#revisions ~ div table.changes"))
		want := [][]string{
			{"2026-04-28Revised", "2019", "Share of GDP", "SIPRI", "1.3% →changed to 1.34%+0.04 pp (+3.1%)"},
			{"2026-04-26Revised", "2019", "Current US$", "SIPRI", "48,000 US$ m →changed to 49,012 US$ m+1,012 (+2.1%)"},
			{"2026-04-26Withdrawn", "2020", "Current US$", "SIPRI", "51,000 US$ m →changed to not available"},
		}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("Germany's revisions (-want +got):\n%s", diff)
		}
		civ := parseHTML(t, public, "countries/civ/index.html")
		if got := civ.Find("#revisions + p").Text(); !strings.HasPrefix(got, "No revisions yet") {
			t.Errorf("Côte d'Ivoire revisions say %q, want no revisions yet", got)
		}
		if deu.Find(`.subscribe a[href$="countries/deu/changes.atom"]`).Length() != 1 {
			t.Errorf("country page has no Subscribe link to its feed")
		}
	})

	t.Run("feeds", func(t *testing.T) {
		feeds := feedFiles(t, public)
		want := []string{"changes.atom", "countries/civ/changes.atom", "countries/deu/changes.atom", "countries/sun/changes.atom",
			"datasets/military-expenditure/changes.atom"}
		if diff := cmp.Diff(want, feeds); diff != "" {
			t.Fatalf("feeds (-want +got):\n%s", diff)
		}
		for _, name := range feeds {
			if err := validateAtom([]byte(readFile(t, public, name))); err != nil {
				t.Errorf("%s is not valid Atom: %v", name, err)
			}
			f := readFeed(t, public, name)
			if !strings.HasSuffix(f.Title.Text, "(sample data)") {
				t.Errorf("%s: title %q does not say sample data", name, f.Title.Text)
			}
			var last time.Time
			for i, e := range f.Entries {
				u := parseTime(e.Updated)
				if i > 0 && u.After(last) {
					t.Errorf("%s: entries not newest first", name)
				}
				last = u
				if !strings.HasPrefix(e.Title.Text, "Sample data: ") {
					t.Errorf("%s: entry title %q does not say sample data", name, e.Title.Text)
				}
				// Relative links resolve against the feed's own URL.
				for _, l := range e.Links {
					target := filepath.Join(filepath.Dir(filepath.Join(public, name)), filepath.FromSlash(l.Href))
					if _, err := os.Stat(target); err != nil {
						t.Errorf("%s: link %s does not resolve to a file: %v", name, l.Href, err)
					}
				}
			}
			if len(f.Entries) > 0 && f.Updated != f.Entries[0].Updated {
				t.Errorf("%s: updated %s, want the newest entry's %s", name, f.Updated, f.Entries[0].Updated)
			}
		}
		all := readFeed(t, public, "changes.atom")
		if len(all.Entries) != 4 {
			t.Errorf("changes.atom has %d entries, want 4", len(all.Entries))
		}
		deu := readFeed(t, public, "countries/deu/changes.atom")
		if len(deu.Entries) != 3 || !strings.Contains(deu.Entries[2].Content.Text, "48,000 US$ m → 49,012 US$ m") {
			t.Errorf("Germany's feed: %d entries, want 3 with the revision of 2026-04-26", len(deu.Entries))
		}
		if !strings.Contains(deu.Entries[0].Summary.Text, "constant US$ now at 2023 prices instead of 2022 prices: 1 figure replaced") {
			t.Errorf("Germany's latest entry does not explain the series change: %q", deu.Entries[0].Summary.Text)
		}
		for page, feed := range map[string]string{
			"changes/index.html": "changes.atom", "datasets/military-expenditure/index.html": "datasets/military-expenditure/changes.atom",
			"countries/deu/index.html": "countries/deu/changes.atom", versionsDir + "2026-04-27/index.html": "datasets/military-expenditure/changes.atom",
		} {
			doc := parseHTML(t, public, page)
			if doc.Find(`head link[rel="alternate"][type="application/atom+xml"][href$="`+feed+`"]`).Length() != 1 {
				t.Errorf("%s: no <link rel=alternate> to %s in the head", page, feed)
			}
			if doc.Find(`main a[type="application/atom+xml"][href$="`+feed+`"]`).Length() == 0 {
				t.Errorf("%s: no visible link to %s", page, feed)
			}
		}
	})
}

// TestVersionsRebuild builds twice with the cache, then again after a new
// version: feeds and pages are the same whether the diffs came from the
// cache or not, ids stay, updated moves forward, and only the new version's
// diff is computed.
func TestVersionsRebuild(t *testing.T) {
	versions := fixtureHistory()
	labels := append(slices.Clone(fixtureVersions), "2026-04-29")
	repo, h := historyRepo(t, false, labels, versions)
	in := testInput(t, false)
	in.Datasets[0].History = h
	in.CacheDir = t.TempDir()

	project1 := t.TempDir()
	if err := Generate(project1, in); err != nil {
		t.Fatal(err)
	}
	cached := func() map[string]time.Time {
		out := map[string]time.Time{}
		matches, _ := filepath.Glob(filepath.Join(in.CacheDir, "diffs", "military-expenditure", "*.json"))
		for _, m := range matches {
			fi, err := os.Stat(m)
			if err != nil {
				t.Fatal(err)
			}
			out[filepath.Base(m)] = fi.ModTime()
		}
		return out
	}
	before := cached()
	if len(before) != 4 {
		t.Fatalf("cache holds %d diffs after the first build, want 4", len(before))
	}
	project2 := t.TempDir()
	if err := Generate(project2, in); err != nil {
		t.Fatal(err)
	}
	// Cold and warm builds write the same files.
	for _, dir := range []string{"static", "content"} {
		err := filepath.WalkDir(filepath.Join(project1, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(project1, path)
			a, _ := os.ReadFile(path)
			b, err := os.ReadFile(filepath.Join(project2, rel))
			if err != nil || !bytes.Equal(a, b) {
				t.Errorf("%s differs between a build without and with the cache", rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	// The versions' Parquet files are linked from the cache, not written
	// again.
	entries, _ := filepath.Glob(filepath.Join(in.CacheDir, "parquet", "military-expenditure", "*.parquet"))
	files, _ := filepath.Glob(filepath.Join(project2, "static", "datasets", "military-expenditure", "versions", "*", "military-expenditure.parquet"))
	if len(entries) == 0 || len(files) != len(entries) {
		t.Errorf("%d versions' Parquet files and %d cache entries, want as many, and some", len(files), len(entries))
	}
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		linked := false
		for _, e := range entries {
			if ei, err := os.Stat(e); err == nil && os.SameFile(fi, ei) {
				linked = true
			}
		}
		if !linked {
			t.Errorf("%s is not the cache's file", f)
		}
	}

	// A new version: the last fixture version with one more revision.
	next := slices.Clone(versions[len(versions)-1])
	next[0].Value = 50000
	commitVersion(t, repo, "2026-04-29", testTime.Add(24*time.Hour), false, next)
	h2, err := history.Load(repo, dataset.MilitaryExpenditure)
	if err != nil {
		t.Fatal(err)
	}
	in.Datasets[0].History = h2
	project3 := t.TempDir()
	if err := Generate(project3, in); err != nil {
		t.Fatal(err)
	}
	after := cached()
	if len(after) != 5 {
		t.Errorf("cache holds %d diffs after a new version, want 5", len(after))
	}
	for k, mt := range before {
		if !after[k].Equal(mt) {
			t.Errorf("cached diff %s was computed again", k)
		}
	}
	read := func(project, name string) *feed.Feed {
		var f feed.Feed
		b, err := os.ReadFile(filepath.Join(project, "static", filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if err := validateAtom(b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if err := xml.Unmarshal(b, &f); err != nil {
			t.Fatal(err)
		}
		return &f
	}
	for _, name := range []string{"changes.atom", "datasets/military-expenditure/changes.atom", "countries/deu/changes.atom"} {
		old, cur := read(project1, name), read(project3, name)
		if old.ID != cur.ID {
			t.Errorf("%s: id changed from %s to %s", name, old.ID, cur.ID)
		}
		if !parseTime(cur.Updated).After(parseTime(old.Updated)) {
			t.Errorf("%s: updated %s after a new version, was %s", name, cur.Updated, old.Updated)
		}
		ids := map[string]string{}
		for _, e := range cur.Entries {
			ids[e.Title.Text] = e.ID
		}
		for _, e := range old.Entries {
			if id, ok := ids[e.Title.Text]; ok && id != e.ID {
				t.Errorf("%s: entry %q changed id from %s to %s", name, e.Title.Text, e.ID, id)
			}
		}
		if len(cur.Entries) != len(old.Entries)+1 {
			t.Errorf("%s: %d entries after a new version, was %d", name, len(cur.Entries), len(old.Entries))
		}
	}
}

// TestVersionsLimits checks that only the newest versions get pages and
// downloads, and that the others are still listed.
func TestVersionsLimits(t *testing.T) {
	in := historyInput(t, false)
	in.VersionPages, in.VersionDownloads = 2, 1
	project := t.TempDir()
	if err := Generate(project, in); err != nil {
		t.Fatal(err)
	}
	pages, _ := filepath.Glob(filepath.Join(project, "content", "changes", "military-expenditure", "*.md"))
	if len(pages) != 2 {
		t.Errorf("%d version pages, want 2", len(pages))
	}
	for _, v := range fixtureVersions {
		_, err := os.Stat(filepath.Join(project, "static", versionsDir, v, "military-expenditure.parquet"))
		if got, want := err == nil, v == "2026-04-28"; got != want {
			t.Errorf("version %s downloadable: %v, want %v", v, got, want)
		}
	}
	var cp changesPage
	readFrontMatter(t, filepath.Join(project, "content", "changes", "_index.md"), &cp)
	if len(cp.Params.Versions) != 4 {
		t.Errorf("changes page lists %d versions, want all 4", len(cp.Params.Versions))
	}
	for _, r := range cp.Params.Versions {
		if got, want := r.Version.Path != "", r.Version.Label >= "2026-04-27"; got != want {
			t.Errorf("version %s linked: %v, want %v", r.Version.Label, got, want)
		}
	}
}

// TestVersionsBaseURL checks the URLs and ids of a site with a base URL.
func TestVersionsBaseURL(t *testing.T) {
	in := historyInput(t, false)
	in.BaseURL = "https://data.example.org/milex"
	_, public := build(t, in)
	doc := parseHTML(t, public, versionsDir+"2026-04-28/index.html")
	if href, _ := doc.Find(`link[rel="canonical"]`).Attr("href"); href != "https://data.example.org/milex/"+versionsDir+"2026-04-28/" {
		t.Errorf("canonical = %q", href)
	}
	f := readFeed(t, public, "datasets/military-expenditure/changes.atom")
	if f.ID != "https://data.example.org/milex/datasets/military-expenditure/changes.atom" {
		t.Errorf("feed id = %q, want its URL", f.ID)
	}
	if f.Links[0].Rel != "self" || f.Links[0].Href != f.ID {
		t.Errorf("self link = %+v, want the feed's URL", f.Links[0])
	}
	if e := f.Entries[0]; e.ID != "https://data.example.org/milex/"+versionsDir+"2026-04-28/" || e.Links[0].Href != e.ID {
		t.Errorf("entry id %q, link %q: want the version page's URL", e.ID, e.Links[0].Href)
	}
	if err := validateAtom([]byte(readFile(t, public, "changes.atom"))); err != nil {
		t.Error(err)
	}
	if !strings.Contains(readFile(t, public, "sitemap.xml"), "https://data.example.org/milex/"+versionsDir+"2026-04-28/") {
		t.Errorf("sitemap lacks the version pages")
	}
}

// readFrontMatter reads a content file Generate wrote.
func readFrontMatter(tb testing.TB, path string, v any) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
}
