package site

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/pelletier/go-toml/v2"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/site/format"
	project "github.com/defence-transparency/publish/site"
)

// generator is one build of the site: the input, checked and loaded, and
// what every page needs, made once by newGenerator. The code of each
// section is a method of it.
type generator struct {
	in  *Input
	dir string // the build directory

	urls  siteURLs
	names *sourceNames   // the sources' labels, order and homepages
	num   format.Numbers // numbers in the site's language
	words *words         // words in the site's language, for what Go writes itself
	files *fileCache     // files derived from others, kept between builds
	out   *projectFiles  // the files of the project, as generate writes them

	// lastmod is when the data last changed (RFC 3339): every page's
	// lastmod, so that a run that finds nothing new changes no page.
	lastmod string
	// title and description are the site's, from the project's hugo.toml,
	// whose settings are config and params.
	title, description string
	config, params     map[string]any
	sample             bool // the data comes from the bundled mirror

	// tables holds each dataset's rows, as in.Datasets, except a
	// military-expenditure dataset read from its file (nil: recs hold its
	// rows); sums, what the pages need of each.
	tables []*dataset.Table
	sums   []tableSum
	fam    *families // the published rows of the other datasets
	// xs adds the excerpts of sources whose terms allow no more to the
	// published rows, for the country pages alone (excerpts.go).
	xs   *excerpts
	recs []dataset.Expenditure // the rows of military expenditure, excerpts included
	// pubRecs are the published rows of military expenditure alone, for
	// what compares countries (the ranking of reported-vs-estimated gaps).
	pubRecs []dataset.Expenditure
	rows    map[string][]int // recs by country
}

// newGenerator checks and loads everything in before anything is written.
func newGenerator(dir string, in *Input) (*generator, error) {
	if in == nil {
		return nil, errors.New("site: generate: no input")
	}
	base, err := BaseURL(in.BaseURL)
	if err != nil {
		return nil, err
	}
	g := &generator{in: in, dir: dir, urls: siteURLs{base: base}, lastmod: machineTime(in.Generated), sample: in.Sample,
		files: newFileCache(in.CacheDir)}
	if err := g.readConfig(); err != nil {
		return nil, err
	}
	lang, _ := g.config["locale"].(string)
	if lang == "" {
		lang = "en"
	}
	g.num = format.New(lang)
	if g.words, err = loadWords(lang); err != nil {
		return nil, err
	}
	var recs []dataset.Expenditure
	if g.tables, g.sums, recs, g.fam, err = g.loadTables(); err != nil {
		return nil, err
	}
	// The country pages also show each country's own excerpts of the
	// sources whose terms allow no more; nothing else does.
	if g.xs, err = readExcerpts(in, g.tables, recs, g.fam); err != nil {
		return nil, err
	}
	g.recs, g.pubRecs = g.xs.recs, recs
	if g.rows, err = countryRows(g.recs); err != nil {
		return nil, err
	}
	for _, d := range in.Datasets {
		if d.Descriptor != nil && d.Descriptor.Sample {
			g.sample = true
		}
	}
	g.names = sourceNamesOf(in)
	return g, nil
}

// readConfig reads the project's hugo.toml: the site's title and
// description, and the settings writeConfig adds to.
func (g *generator) readConfig() error {
	b, err := fs.ReadFile(project.FS, "hugo.toml")
	if err != nil {
		return fmt.Errorf("site: config: %w", err)
	}
	if err := toml.Unmarshal(b, &g.config); err != nil {
		return fmt.Errorf("site: config: %w", err)
	}
	g.params, _ = g.config["params"].(map[string]any)
	if g.params == nil {
		g.params = map[string]any{}
	}
	g.title, _ = g.config["title"].(string)
	g.description, _ = g.params["description"].(string)
	return nil
}
