package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/piprate/json-gold/ld"
	"golang.org/x/net/html"
)

// portal is the base URL of the tests: a site served below a path, as
// GitHub Pages serves a project's.
const portal = "https://example.org/portal/"

// TestBaseURLMakesEveryAddressAbsolute runs the README's command with
// --base-url and reads what machines read: the sitemap, robots.txt, every
// Atom feed, the DCAT catalogue (through a JSON-LD processor) and the
// schema.org JSON-LD and canonical link of every page. Every address in
// them must be absolute under the base URL, or another site's.
func TestBaseURLMakesEveryAddressAbsolute(t *testing.T) {
	tmp := t.TempDir()
	data, public := filepath.Join(tmp, "data"), filepath.Join(tmp, "public")
	day := time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)
	// Without the trailing slash: the flag adds it.
	r := run(t, day, "run", "--sources", sourcesFile, "--data", data, "--out", public, "--base-url", strings.TrimSuffix(portal, "/"))
	if r.code != exitOK {
		t.Fatalf("run: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	if !strings.Contains(r.stdout, "absolute under "+portal) {
		t.Errorf("run's output does not say the addresses are absolute:\n%s", r.stdout)
	}
	files := readFiles(t, public)
	rel := func(p string) string { s, _ := filepath.Rel(public, p); return filepath.ToSlash(s) }

	// ours checks that an address of the site is absolute and under the
	// base URL, and that the file it names was built.
	ours := func(where, u string) {
		t.Helper()
		if !strings.HasPrefix(u, portal) {
			t.Errorf("%s: address %q is not under %s", where, u, portal)
			return
		}
		p := strings.TrimPrefix(u, portal)
		if i := strings.IndexAny(p, "#?"); i >= 0 {
			p = p[:i]
		}
		if p == "" || strings.HasSuffix(p, "/") {
			p += "index.html"
		}
		if _, ok := files[filepath.Join(public, filepath.FromSlash(p))]; !ok {
			t.Errorf("%s: %s names no file of the site", where, u)
		}
	}
	// absolute checks any address: the site's own, or another site's.
	absolute := func(where, u string) {
		t.Helper()
		if strings.HasPrefix(u, "https://example.org/") {
			ours(where, u)
			return
		}
		if x, err := url.Parse(u); err != nil || !x.IsAbs() || x.Host == "" {
			t.Errorf("%s: address %q is not absolute", where, u)
		}
	}

	// The sitemap: every page, by its absolute address.
	var sitemap struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(files[filepath.Join(public, "sitemap.xml")], &sitemap); err != nil {
		t.Fatalf("sitemap.xml: %v", err)
	}
	pages := 0
	for p := range files {
		if strings.HasSuffix(p, ".html") && !strings.HasSuffix(p, "404.html") {
			pages++
		}
	}
	if len(sitemap.URLs) != pages {
		t.Errorf("sitemap.xml lists %d addresses, the site has %d pages", len(sitemap.URLs), pages)
	}
	for _, u := range sitemap.URLs {
		ours("sitemap.xml", u.Loc)
	}
	if !bytes.Contains(files[filepath.Join(public, "robots.txt")], []byte("Sitemap: "+portal+"sitemap.xml")) {
		t.Errorf("robots.txt does not point at the sitemap:\n%s", files[filepath.Join(public, "robots.txt")])
	}

	// Every Atom feed: its id and links, and each entry's.
	type atomLink struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	}
	feeds, entries := 0, 0
	for p, b := range files {
		if !strings.HasSuffix(p, ".atom") {
			continue
		}
		feeds++
		var f struct {
			ID     string     `xml:"id"`
			Links  []atomLink `xml:"link"`
			Author struct {
				URI string `xml:"uri"`
			} `xml:"author"`
			Entries []struct {
				ID    string     `xml:"id"`
				Links []atomLink `xml:"link"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(b, &f); err != nil {
			t.Fatalf("%s: %v", rel(p), err)
		}
		ours(rel(p)+" id", f.ID)
		ours(rel(p)+" author", f.Author.URI)
		rels := map[string]bool{}
		for _, l := range f.Links {
			rels[l.Rel] = true
			ours(rel(p)+" link "+l.Rel, l.Href)
		}
		if !rels["self"] || !rels["alternate"] {
			t.Errorf("%s: links %v, want self and alternate", rel(p), f.Links)
		}
		for _, e := range f.Entries {
			entries++
			ours(rel(p)+" entry id", e.ID)
			if len(e.Links) == 0 {
				t.Errorf("%s: entry %s has no link", rel(p), e.ID)
			}
			for _, l := range e.Links {
				ours(rel(p)+" entry link", l.Href)
			}
		}
	}
	if feeds < 2 || entries == 0 {
		t.Errorf("%d feeds with %d entries; want the site's feed, the datasets' and the countries'", feeds, entries)
	}

	// Every page: a canonical link to itself, and its structured data.
	blocks := 0
	for p, b := range files {
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		doc, err := html.Parse(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", rel(p), err)
		}
		var canonical []string
		var lds []string
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch {
				case n.Data == "link" && attr(n, "rel") == "canonical":
					canonical = append(canonical, attr(n, "href"))
				case n.Data == "script" && attr(n, "type") == "application/ld+json" && n.FirstChild != nil:
					lds = append(lds, n.FirstChild.Data)
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		page := rel(p)
		if page == "404.html" {
			if len(canonical) != 0 {
				t.Errorf("404.html has a canonical link %v: it is served at any address", canonical)
			}
		} else {
			want := portal + strings.TrimSuffix(page, "index.html")
			if len(canonical) != 1 || canonical[0] != want {
				t.Errorf("%s: canonical links %q, want %q", page, canonical, want)
			}
		}
		for _, s := range lds {
			blocks++
			var v map[string]any
			if err := json.Unmarshal([]byte(s), &v); err != nil {
				t.Fatalf("%s: JSON-LD: %v", page, err)
			}
			for _, k := range []string{"url", "citation", "isAccessibleForFree", "creator", "dateModified"} {
				if _, ok := v[k]; !ok {
					t.Errorf("%s: JSON-LD has no %s", page, k)
				}
			}
			if v["url"] != portal+strings.TrimSuffix(page, "index.html") {
				t.Errorf("%s: JSON-LD url %v, want the page's", page, v["url"])
			}
			if c, _ := v["citation"].(string); !strings.Contains(c, portal) {
				t.Errorf("%s: JSON-LD citation %q does not give the page's address", page, c)
			}
			addresses(v, "", func(key, u string) { absolute(page+" JSON-LD "+key, u) })
		}
	}
	if blocks == 0 {
		t.Error("no page carries JSON-LD")
	}

	// The DCAT catalogue, read by a JSON-LD processor: every IRI is
	// absolute and every statement the document makes reaches the graph.
	catalog := files[filepath.Join(public, "catalog.json")]
	var doc map[string]any
	if err := json.Unmarshal(catalog, &doc); err != nil {
		t.Fatalf("catalog.json: %v", err)
	}
	want := statements(doc)
	opts := ld.NewJsonLdOptions("")
	opts.SafeMode = true // an unknown term or a dropped value is an error
	proc := ld.NewJsonLdProcessor()
	out, err := proc.ToRDF(doc, opts)
	if err != nil {
		t.Fatalf("catalog.json: toRDF: %v", err)
	}
	triples := 0
	for graph, quads := range out.(*ld.RDFDataset).Graphs {
		if graph != "@default" {
			t.Errorf("catalog.json: named graph %q", graph)
		}
		for _, q := range quads {
			triples++
			for _, n := range []ld.Node{q.Subject, q.Predicate, q.Object} {
				if iri, ok := n.(ld.IRI); ok {
					absolute("catalog.json", iri.Value)
				}
			}
		}
	}
	if triples != want {
		t.Errorf("catalog.json: %d triples, want %d: the processor dropped statements", triples, want)
	}
	t.Logf("catalog.json: %d triples; %d JSON-LD blocks on pages; %d sitemap entries; %d feeds with %d entries",
		triples, blocks, len(sitemap.URLs), feeds, entries)
}

// noBaseURL checks a site built without --base-url, as a local copy (the
// run's output and its directory): it works, and both the build and the
// sources page say that its machine-readable addresses are relative.
func noBaseURL(t *testing.T, stdout, public string) {
	t.Helper()
	if !strings.Contains(stdout, "relative") || !strings.Contains(stdout, "--base-url") {
		t.Errorf("run's output does not say the addresses are relative:\n%s", stdout)
	}
	b, err := os.ReadFile(filepath.Join(public, "sources", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`id="relative-addresses"`)) {
		t.Error("the sources page does not say that the addresses are relative")
	}
	home, err := os.ReadFile(filepath.Join(public, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(home, []byte(`rel="canonical"`)) {
		t.Error("a site without a base URL has canonical links")
	}
}

func TestBaseURLIsChecked(t *testing.T) {
	for _, u := range []string{"example.org/portal/", "/portal/", "ftp://example.org/", "https:///x", "https://example.org/?a=b", "mailto:a@example.org"} {
		for _, cmd := range []string{"site", "run"} {
			tmp := t.TempDir()
			r := run(t, time.Now(), cmd, "--sources", sourcesFile, "--data", filepath.Join(tmp, "data"), "--out", filepath.Join(tmp, "public"), "--base-url", u)
			if r.code != exitUsage {
				t.Errorf("%s --base-url %q: exit %d, want %d (%v)", cmd, u, r.code, exitUsage, r.err)
			}
			if _, err := os.Stat(filepath.Join(tmp, "data")); err == nil {
				t.Errorf("%s --base-url %q: the data directory was made before the flag was checked", cmd, u)
			}
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// urlKeys are the schema.org properties whose values are addresses.
var urlKeys = map[string]bool{"url": true, "contentUrl": true, "license": true, "sameAs": true, "@id": true}

// pathLike is a string that reads as a path of the site.
var pathLike = regexp.MustCompile(`^(\.{0,2}/|datasets/|countries/|changes/)|\.(csv|parquet|json|atom|html)$`)

// addresses calls f with every address in a JSON-LD value: the values of
// the properties that hold addresses, and any other string that reads as a
// path of the site.
func addresses(v any, key string, f func(key, u string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if k == "@context" {
				continue
			}
			addresses(x, k, f)
		}
	case []any:
		for _, x := range v {
			addresses(x, key, f)
		}
	case string:
		if urlKeys[key] || (key != "encodingFormat" && pathLike.MatchString(v)) {
			f(key, v)
		}
	}
}

// statements counts the RDF statements a JSON-LD document in expanded-
// enough form makes: one per @type and one per value of each property of
// each node, nested nodes included. Value objects (@value) are one value.
func statements(v any) int {
	n := 0
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["@value"]; ok {
			return 0
		}
		for k, x := range v {
			switch k {
			case "@context", "@id":
			case "@type":
				if xs, ok := x.([]any); ok {
					n += len(xs)
				} else {
					n++
				}
			default:
				if xs, ok := x.([]any); ok {
					n += len(xs)
				} else {
					n++
				}
				n += statements(x)
			}
		}
	case []any:
		for _, x := range v {
			n += statements(x)
		}
	}
	return n
}
