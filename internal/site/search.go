package site

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/defence-transparency/publish/internal/country"
)

// The search index: what the search box of every page finds (countries by
// name, alternative name and ISO code; datasets; audit reports by title and
// auditor; the UN instruments; sources), written as static JSON files that
// site/assets/js/search.js reads, with no server. The index is split by the
// first two letters of each word, as Pagefind splits its index into
// chunks, so that a query loads the one small file of each word typed: each
// chunk holds its words, the documents they occur in and what a result
// shows of those documents.

// searchDir is where the index is written, under static/.
const searchDir = "search"

// searchPrefix is how many letters of a word name its chunk; words shorter
// than that are not indexed (the box waits for a second letter).
const searchPrefix = 2

// searchDoc is one thing the search finds: Kind says what it is (the
// templates' search_kind_KIND), Title what a result shows, Path where it
// leads, Sub a line under it (a code, an auditor and a date), and words
// what it is found by besides its title.
type searchDoc struct {
	Kind  string
	Title string
	Path  string
	Sub   string
	words []string
	kind  int    // the Kind's place in searchKinds, for sorting
	key   string // sortKey(Title), for sorting
}

// searchKinds orders the results of equal relevance.
var searchKinds = []string{"country", "page", "instrument", "dataset", "auditor", "source", "audit"}

// searchDocs lists everything the search finds.
func (g *generator) searchDocs(countryNames map[string]string, audits *auditIndex) ([]searchDoc, error) {
	var docs []searchDoc
	aliases := country.Aliases()
	for _, code := range sortedKeys(countryNames) {
		d := searchDoc{Kind: "country", Title: countryNames[code], Path: g.urls.link(countryPath(code)), Sub: code,
			words: []string{code}}
		if c, ok := country.Lookup(code); ok {
			d.words = append(d.words, c.ISO2, c.Name)
		}
		d.words = append(d.words, aliases[code]...)
		docs = append(docs, d)
	}
	for i := range g.in.Datasets {
		def := g.in.Datasets[i].Definition
		docs = append(docs, searchDoc{Kind: "dataset", Title: def.Title, Path: g.urls.link(datasetPath(def.Name)),
			words: []string{def.Name, def.Description}})
	}
	if len(g.fam.cbm) > 0 {
		for _, ins := range newCBMIndex(g.fam.cbm).instruments {
			name, err := g.wordOr("instrument_"+ins+"_name", strings.ReplaceAll(ins, "_", " "))
			if err != nil {
				return nil, err
			}
			short, _ := g.wordOr("instrument_"+ins+"_short", "")
			docs = append(docs, searchDoc{Kind: "instrument", Title: name, Path: g.urls.link(trackerPath(ins)), Sub: short,
				words: []string{short, ins}})
		}
	}
	if audits != nil {
		names := map[string]string{}
		for _, a := range audits.auditors {
			name, err := g.wordOr("auditor_"+a+"_name", audits.info[a].Name)
			if err != nil {
				return nil, err
			}
			short, _ := g.wordOr("auditor_"+a+"_short", "")
			names[a] = name
			docs = append(docs, searchDoc{Kind: "auditor", Title: name, Path: g.urls.link(auditorPath(a)), Sub: short,
				words: []string{short}})
		}
		for _, i := range audits.newest {
			r, it := &audits.recs[i], &audits.items[i]
			path := auditorPath(r.Auditor)
			if len(audits.byAuditor[r.Auditor]) > auditPageCap {
				path += auditYear(r) + "/"
			}
			path = g.urls.link(path)
			if len(audits.byAuditor[r.Auditor]) <= auditPageCap {
				path += "#year-" + auditYear(r)
			}
			sub := names[r.Auditor]
			if it.Date.ISO != "" {
				sub += ", " + it.Date.ISO
			}
			docs = append(docs, searchDoc{Kind: "audit", Title: it.Title.Text, Path: path, Sub: sub,
				words: []string{names[r.Auditor], r.ReportID, it.Jurisdiction}})
		}
	}
	for i := range g.in.Sources {
		s := &g.in.Sources[i]
		docs = append(docs, searchDoc{Kind: "source", Title: s.label(), Path: g.urls.link("sources/") + "#source-" + slug(s.Name),
			words: []string{s.Name}})
	}
	return docs, nil
}

// wordOr returns the site's words for key, or fallback when the i18n file
// has none.
func (g *generator) wordOr(key, fallback string) (string, error) {
	if _, ok := g.words.msgs[key]; !ok {
		return fallback, nil
	}
	return g.words.get(key, nil)
}

// searchWords splits text into the words the index knows: lower case,
// without accents, letters and digits only.
func searchWords(text string) []string {
	var out []string
	var b []byte // the word so far, reused: a word costs one string
	flush := func() {
		if len(b) > 0 {
			out = append(out, string(b))
			b = b[:0]
		}
	}
	// Text in ASCII alone, most of it, has no accents to take off.
	if !isASCII(text) {
		text = norm.NFD.String(text)
	}
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b = utf8.AppendRune(b, unicode.ToLower(r))
		case r == '\'' || r == '’':
			// Côte d'Ivoire is found by "ivoire" and by "divoire".
			flush()
		default:
			flush()
		}
	}
	flush()
	return out
}

// isASCII reports whether s is ASCII alone.
func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// chunkOf names the chunk of a word: its first searchPrefix letters,
// hex-encoded beyond ASCII letters and digits so the name is a safe file
// name.
func chunkOf(word string) string {
	var b strings.Builder
	n := 0
	for _, r := range word {
		if n == searchPrefix {
			break
		}
		if r < 128 {
			b.WriteRune(r)
		} else {
			b.WriteString("_" + strconv.FormatInt(int64(r), 16))
		}
		n++
	}
	return b.String()
}

// searchChunk is one file of the index: W maps each of its words to the
// documents it occurs in (their numbers), D holds those documents as a
// result shows them: kind, title, path and sub-line.
type searchChunk struct {
	W    map[string][]int     `json:"w"`
	D    map[string][4]string `json:"d"`
	docs []int                // the documents of D, while the index is made
}

// searchMeta is the index's table of contents, the first file a query
// loads: the chunks that exist, and the order of kinds.
type searchMeta struct {
	Version int      `json:"v"`
	Chunks  []string `json:"chunks"`
	Kinds   []string `json:"kinds"`
	Docs    int      `json:"docs"`
}

// writeSearch writes the index under static/search.
func (g *generator) writeSearch(docs []searchDoc) error {
	// Each title's key is computed once: computing it in the comparison
	// cost half a second of every site build (thousands of audit reports).
	for i := range docs {
		docs[i].kind, docs[i].key = slices.Index(searchKinds, docs[i].Kind), sortKey(docs[i].Title)
	}
	slices.SortStableFunc(docs, func(a, b searchDoc) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.key, b.key))
	})
	// The documents of each word are gathered first, and put in the
	// word's chunk once: a word's chunk is worked out once, and each
	// occurrence costs one map lookup.
	type posting struct {
		docs  []int
		chunk *searchChunk
	}
	chunks := map[string]*searchChunk{}
	postings := map[string]*posting{}
	var seen []string
	for i, d := range docs {
		seen = seen[:0] // a document has a few dozen words at most
		for _, text := range append([]string{d.Title}, d.words...) {
			for _, w := range searchWords(text) {
				if utf8.RuneCountInString(w) < searchPrefix || slices.Contains(seen, w) {
					continue
				}
				seen = append(seen, w)
				p := postings[w]
				if p == nil {
					key := chunkOf(w)
					c := chunks[key]
					if c == nil {
						c = &searchChunk{W: map[string][]int{}}
						chunks[key] = c
					}
					p = &posting{chunk: c}
					postings[w] = p
				}
				p.docs = append(p.docs, i)
				// A document goes in a chunk once, however many of its
				// words the chunk holds.
				if c := p.chunk; len(c.docs) == 0 || c.docs[len(c.docs)-1] != i {
					c.docs = append(c.docs, i)
				}
			}
		}
	}
	for w, p := range postings {
		p.chunk.W[w] = p.docs
	}
	ids := make([]string, len(docs))
	for i := range docs {
		ids[i] = strconv.Itoa(i)
	}
	for _, c := range chunks {
		c.D = make(map[string][4]string, len(c.docs))
		for _, i := range c.docs {
			d := &docs[i]
			c.D[ids[i]] = [4]string{d.Kind, d.Title, d.Path, d.Sub}
		}
	}
	dir := filepath.Join(g.dir, "static", searchDir)
	meta := searchMeta{Version: 1, Chunks: sortedKeys(chunks), Kinds: searchKinds, Docs: len(docs)}
	err := parallel(len(meta.Chunks), func(i int) error {
		k := meta.Chunks[i]
		return g.out.putCompact(filepath.Join(dir, k+".json"), chunks[k])
	})
	if err != nil {
		return err
	}
	if err := g.out.putCompact(filepath.Join(dir, "meta.json"), meta); err != nil {
		return fmt.Errorf("site: search: %w", err)
	}
	return nil
}
