package site

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// searchScript is the path of the search box's script, fingerprinted.
var searchScript = regexp.MustCompile(`(^|/)js/search\.min\.[0-9a-f]{64}\.js$`)

func TestSearchWords(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"Côte d'Ivoire", []string{"cote", "d", "ivoire"}},
		{"Türkiye", []string{"turkiye"}},
		{"EU military mobility – Not yet in the fast lane", []string{"eu", "military", "mobility", "not", "yet", "in", "the", "fast", "lane"}},
		{"GAO-24-106256", []string{"gao", "24", "106256"}},
		{"", nil},
	} {
		if got := searchWords(tt.in); !cmp.Equal(got, tt.want) {
			t.Errorf("searchWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for in, want := range map[string]string{"deu": "de", "ö": "_f6", "ğa": "_11fa", "12": "12"} {
		if got := chunkOf(in); got != want {
			t.Errorf("chunkOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// readChunk reads one chunk of a built site's index.
func readChunk(t *testing.T, public, name string) searchChunk {
	t.Helper()
	var c searchChunk
	b, err := os.ReadFile(filepath.Join(public, "search", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSearchIndex reads the index of the families site as search.js does:
// each word's chunk, the documents it names and what they show.
func TestSearchIndex(t *testing.T) {
	_, public := build(t, familiesInput(t))
	var meta searchMeta
	if err := json.Unmarshal([]byte(readFile(t, public, "search/meta.json")), &meta); err != nil {
		t.Fatal(err)
	}
	find := func(word string) [][4]string {
		if !slices.Contains(meta.Chunks, chunkOf(word)) {
			return nil
		}
		c := readChunk(t, public, chunkOf(word))
		var out [][4]string
		for w, ids := range c.W {
			if !strings.HasPrefix(w, word) {
				continue
			}
			for _, id := range ids {
				d := c.D[itoa(id)]
				if !slices.Contains(out, d) {
					out = append(out, d)
				}
			}
		}
		return out
	}
	has := func(docs [][4]string, kind, title, path string) bool {
		return slices.ContainsFunc(docs, func(d [4]string) bool { return d[0] == kind && d[1] == title && d[2] == path })
	}
	for _, c := range []struct{ word, kind, title, path string }{
		{"deu", "country", "Germany", "countries/deu/index.html"},
		{"de", "country", "Germany", "countries/deu/index.html"}, // its ISO 3166 alpha-2 code
		{"germ", "country", "Germany", "countries/deu/index.html"},
		{"ivoire", "country", "Côte d'Ivoire", "countries/civ/index.html"},
		{"cape", "country", "Cabo Verde", ""}, // an alias; Cabo Verde has no page here
		{"auditors", "auditor", "European Court of Auditors", "audits/eu-eca/index.html"},
		{"court", "audit", "EU military mobility – Not yet in the fast lane", "audits/eu-eca/index.html#year-2025"},
		{"mobility", "audit", "EU military mobility – Not yet in the fast lane", "audits/eu-eca/index.html#year-2025"},
		{"register", "instrument", "UN Register of Conventional Arms", "cbm/unroca/index.html"},
		{"military", "dataset", "Military expenditure by country", "datasets/military-expenditure/index.html"},
		{"rankings", "page", "Rankings", "rankings/index.html"},
	} {
		docs := find(c.word)
		if c.path == "" {
			if len(docs) > 0 && has(docs, c.kind, c.title, "countries/cpv/index.html") {
				continue
			}
			if slices.ContainsFunc(docs, func(d [4]string) bool { return d[1] == c.title }) {
				t.Errorf("%s finds %s, which has no page", c.word, c.title)
			}
			continue
		}
		if !has(docs, c.kind, c.title, c.path) {
			t.Errorf("%s: %v, want %s %q at %s", c.word, docs, c.kind, c.title, c.path)
		}
	}
	// Without JavaScript the box is a form that leads to the A–Z list.
	form := parseHTML(t, public, "datasets/index.html").Find("form#search")
	if action, _ := form.Attr("action"); action != "../countries/index.html" {
		t.Errorf("search form leads to %q, want the list of countries", action)
	}
	if form.Find(`label[for="search-q"]`).Length() != 1 || form.Find("#search-status[aria-live=polite]").Length() != 1 {
		t.Error("search box: no label or no live status")
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
