package site

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
	"github.com/defence-transparency/publish/internal/site/catalog"
	"github.com/defence-transparency/publish/internal/site/format"
)

// datasetName is the form of a dataset name, which becomes a path.
var datasetName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// datasetPath is the path of a dataset's page from the site's root, and
// the directory of its downloads.
func datasetPath(name string) string { return "datasets/" + name + "/" }

// datasetPage is the front matter of a dataset's page.
type datasetPage struct {
	Title       string        `json:"title"`
	Description string        `json:"description"`
	Lastmod     string        `json:"lastmod,omitempty"`
	Weight      int           `json:"weight"`
	Params      datasetParams `json:"params"`
}

type datasetParams struct {
	Name       string          `json:"name"`
	Version    string          `json:"version,omitempty"`
	Created    when            `json:"created"`
	Rows       count           `json:"rows"`
	Coverage   *coverage       `json:"coverage,omitempty"`
	Method     string          `json:"method,omitempty"`
	PrimaryKey []string        `json:"primarykey"`
	Fields     []fieldParams   `json:"fields"`
	Downloads  []downloadItem  `json:"downloads"`
	Licences   []link          `json:"licences,omitempty"`
	Sources    []sourceRefItem `json:"sources,omitempty"`
	Citation   citation        `json:"citation"`
	// Versions lists the published versions, newest first; Feeds are the
	// Atom feeds of the dataset's changes.
	Versions     []changesRow `json:"versions,omitempty"`
	VersionPages count        `json:"versionpages"`
	Feeds        []feedLink   `json:"feeds,omitempty"`
	Notices      []failure    `json:"notices,omitempty"`
	// JSONLD is the schema.org description, marshalled by encoding/json
	// with HTML escaping, so it cannot close the script element it goes in.
	JSONLD string `json:"jsonld"`
}

// fieldParams is one field of the schema table.
type fieldParams struct {
	Name        string   `json:"name"`
	Title       string   `json:"title,omitempty"`
	Type        string   `json:"type"`
	Unit        string   `json:"unit,omitempty"`
	Description string   `json:"description,omitempty"`
	Key         bool     `json:"key,omitempty"`
	Required    bool     `json:"required,omitempty"`
	Enum        []string `json:"enum,omitempty"`
	Pattern     string   `json:"pattern,omitempty"`
	Min         string   `json:"min,omitempty"` // as published values are written
	Max         string   `json:"max,omitempty"`
}

// sourceRefItem is one source in a dataset's Sources and licences.
type sourceRefItem struct {
	Title       link   `json:"title"`
	Licence     link   `json:"licence"`
	Attribution string `json:"attribution,omitempty"`
	Rows        string `json:"rows,omitempty"`
	Updated     string `json:"updated,omitempty"` // RFC 3339
	// Terms is what the publisher's terms allow ("open", "excerpt",
	// "link"); Permission, one the operator holds beyond them.
	Terms      string          `json:"terms,omitempty"`
	Permission *permissionItem `json:"permission,omitempty"`
	Withheld   *withheldItem   `json:"withheld,omitempty"`
}

// permissionItem is a recorded permission to publish a source in full.
type permissionItem struct {
	GrantedBy string `json:"grantedby"`
	Granted   string `json:"granted"`
	Reference string `json:"reference"`
	Scope     string `json:"scope,omitempty"`
}

// withheldItem is what a version withholds of a source under its terms:
// the rows, why, the publisher's own download and what changed since the
// previous version (Counted false when that could not be counted).
type withheldItem struct {
	Rows     count        `json:"rows"`
	Reason   string       `json:"reason"`
	Download link         `json:"download"`
	Excerpt  bool         `json:"excerpt,omitempty"` // the country pages show excerpts
	Counted  bool         `json:"counted"`
	First    bool         `json:"first,omitempty"` // the first version that has the source
	Counts   countsParams `json:"counts"`
}

// withheldOf returns the page data of a source's withheld rows, or nil.
func (g *generator) withheldOf(s dataset.SourceRef) *withheldItem {
	w := s.Withheld
	if w == nil {
		return nil
	}
	item := &withheldItem{Rows: g.count(w.Rows), Reason: w.Reason,
		Download: newLink(w.Download, w.Download), Excerpt: s.Terms == "excerpt"}
	if c := w.Changes; c != nil {
		item.Counted, item.First = true, c.Previous == ""
		item.Counts = countsOf(diff.Counts{Added: c.Added, Removed: c.Removed, Changed: c.Changed, Revisions: c.Revisions, Markers: c.Markers})
	}
	return item
}

func permissionOf(p *dataset.Permission) *permissionItem {
	if p == nil {
		return nil
	}
	return &permissionItem{GrantedBy: p.GrantedBy, Granted: p.Granted, Reference: p.Reference, Scope: p.Scope}
}

// coverage is the years and the countries a dataset covers.
type coverage struct {
	Years     span   `json:"years"`
	Countries *count `json:"countries,omitempty"` // nil when its rows name no country
}

// citation is how to cite a dataset, in the words of the key
// dataset_citation, which the page and the structured data share and
// which reads as the dataset's README does.
type citation struct {
	Site    string `json:"site"` // the site's title
	Title   string `json:"title"`
	Version string `json:"version,omitempty"`
	Date    string `json:"date,omitempty"` // the version's, YYYY-MM-DD
	URL     string `json:"url,omitempty"`  // the page's, with a base URL
	// Attributions are the published sources' credit lines, each without
	// a final full stop, so that they can be written as sentences.
	Attributions []string `json:"attributions,omitempty"`
}

// text returns the citation in words.
func (c citation) text(w *words) (string, error) {
	return w.get("dataset_citation", map[string]any{"Site": c.Site, "Title": c.Title, "Version": c.Version,
		"Date": c.Date, "URL": c.URL, "Attributions": c.Attributions})
}

// fieldRows describes the schema's fields for the schema table.
func fieldRows(s *dataset.Schema) []fieldParams {
	key := map[string]bool{}
	for _, k := range s.PrimaryKey {
		key[k] = true
	}
	out := make([]fieldParams, len(s.Fields))
	for i, f := range s.Fields {
		p := fieldParams{
			Name: f.Name, Title: f.Title, Type: string(f.Type), Unit: f.Unit, Description: f.Description,
			Key: key[f.Name], Required: f.Required, Enum: f.Enum,
		}
		if f.Pattern != nil {
			p.Pattern = f.Pattern.String()
		}
		if f.Min != nil {
			p.Min = format.Exact(*f.Min)
		}
		if f.Max != nil {
			p.Max = format.Exact(*f.Max)
		}
		out[i] = p
	}
	return out
}

// tableSum is what the pages need of a dataset's whole table: its
// schema, its rows and what they cover. A large dataset's table is not
// kept (its rows are read a row group at a time), its sum is.
type tableSum struct {
	schema *dataset.Schema
	rows   int
	cover  coverCounter
	// The size and SHA-256 of the dataset's Parquet file, when it has
	// one: the downloads made from it are cached under its hash.
	fileN   int64
	fileSum string
}

// sumOf returns the sum of a whole table.
func sumOf(t *dataset.Table, def *dataset.Definition) tableSum {
	s := tableSum{schema: t.Schema, cover: newCoverCounter(t.Schema, def)}
	s.add(t)
	return s
}

// add counts the rows of t, a part of the table.
func (s *tableSum) add(t *dataset.Table) {
	s.rows += t.Len()
	s.cover.add(t)
}

// coverCounter counts the years and the countries a table covers, one part
// of it at a time. The years come from an integer field named year, else
// from the definition's period field (a year or a month, as text), else
// from its first required date.
type coverCounter struct {
	yearCol  int // the integer year field, or -1
	textCol  int // else the field whose text starts with the year, or -1
	ci, ai   int // country_iso3 and the aggregate flag, or -1
	from, to int // the years seen
	seen     map[string]bool
}

func newCoverCounter(s *dataset.Schema, def *dataset.Definition) coverCounter {
	c := coverCounter{yearCol: -1, textCol: -1, ci: s.Index("country_iso3"), ai: s.Index(dataset.AggregateField),
		from: 1 << 30, to: -1 << 30, seen: map[string]bool{}}
	if yi := s.Index("year"); yi >= 0 && s.Fields[yi].Type == dataset.Integer {
		c.yearCol = yi
		return c
	}
	if def != nil && def.PeriodField != "" {
		if pi := s.Index(def.PeriodField); pi >= 0 && s.Fields[pi].Type == dataset.String {
			c.textCol = pi
		}
	}
	for i, f := range s.Fields {
		if c.textCol < 0 && f.Type == dataset.Date && f.Required {
			c.textCol = i
		}
	}
	return c
}

// add counts the rows of t.
func (c *coverCounter) add(t *dataset.Table) {
	if c.yearCol < 0 && c.textCol < 0 {
		return
	}
	for i := range t.Len() {
		var y int
		if c.yearCol >= 0 {
			if t.IsNull(i, c.yearCol) {
				continue
			}
			y = int(t.Columns[c.yearCol].Ints[i])
		} else {
			v := t.Columns[c.textCol].Strings[i]
			if t.IsNull(i, c.textCol) || len(v) < 4 {
				continue
			}
			var err error
			if y, err = strconv.Atoi(v[:4]); err != nil {
				continue
			}
		}
		c.from, c.to = min(c.from, y), max(c.to, y)
		// Aggregates are not countries: they are never counted as one.
		if c.ci >= 0 && !t.IsNull(i, c.ci) && (c.ai < 0 || !t.Columns[c.ai].Bools[i]) {
			c.seen[t.Columns[c.ci].Strings[i]] = true
		}
	}
}

// coverage returns the first and last year counted and the number of
// countries named (country_iso3); ok is false when the table has no year
// field or no row with a year.
func (c *coverCounter) coverage() (from, to, countries int, ok bool) {
	return c.from, c.to, len(c.seen), c.from <= c.to
}

// siteURLs makes the URLs of published files: absolute under the base URL
// when there is one, else relative to the page that names them.
type siteURLs struct {
	base string // with a trailing slash, or ""
}

// link returns the path from the site's root that a link to path should
// use: without a base URL the site may be read from file://, where a link to
// a directory must name its index.html.
func (u siteURLs) link(path string) string {
	if u.base == "" && (path == "" || strings.HasSuffix(path, "/")) {
		return path + "index.html"
	}
	return path
}

// page returns the URL of a path from the site's root ("datasets/x/"), or
// "" when the site has no base URL.
func (u siteURLs) page(path string) string {
	if u.base == "" {
		return ""
	}
	return u.base + path
}

// file returns the URL of a file: absolute under the base URL, or rel (a
// path relative to the document that holds the URL).
func (u siteURLs) file(path, rel string) string {
	if u.base == "" {
		return rel
	}
	return u.base + path
}

// datasetPage builds the page of one dataset and its description for the
// catalogue.
func (g *generator) datasetPage(d *Dataset, t *tableSum, downloads []downloadItem, weight int) (datasetPage, *catalog.Dataset, error) {
	def, desc := d.Definition, d.Descriptor
	dir := datasetPath(def.Name)
	p := datasetPage{
		Title:       def.Title,
		Description: def.Description,
		Lastmod:     g.lastmod,
		Weight:      weight,
		Params: datasetParams{
			Name:       def.Name,
			Rows:       g.count(t.rows),
			Method:     def.Method,
			PrimaryKey: t.schema.PrimaryKey,
			Fields:     fieldRows(t.schema),
			Downloads:  downloads,
			Notices:    g.failures(def.Name),
		},
	}
	cd := &catalog.Dataset{Name: def.Name, Title: def.Title, Description: def.Description, Keywords: def.Keywords, Publisher: g.title}
	if from, to, n, ok := t.cover.coverage(); ok {
		c := &coverage{Years: span{from, to}}
		if n > 0 {
			nc := g.count(n)
			c.Countries = &nc
		}
		p.Params.Coverage = c
		cd.From, cd.To, cd.Covered = from, to, true
	}
	for _, f := range t.schema.Fields {
		cd.Fields = append(cd.Fields, catalog.Field{Name: f.Name, Description: f.Description, Unit: f.Unit})
	}
	for _, dl := range downloads {
		title, err := g.downloadTitle(dl.Kind)
		if err != nil {
			return p, nil, err
		}
		sz, err := g.sizeText(dl)
		if err != nil {
			return p, nil, err
		}
		cd.Files = append(cd.Files, catalog.File{Title: title, File: dl.File, MediaType: dl.MediaType, Bytes: dl.Bytes, Size: sz, SHA256: dl.SHA256})
	}

	var attributions []string
	if desc != nil {
		p.Params.Version, cd.Version = desc.Version, desc.Version
		if c := parseTime(desc.Created); !c.IsZero() {
			p.Params.Created.ISO = machineTime(c)
			cd.Modified = machineTime(c)
		} else {
			p.Params.Created.Raw = desc.Created
		}
		for _, l := range desc.Licenses {
			text := l.Title
			if text == "" {
				text = l.Name
			}
			p.Params.Licences = append(p.Params.Licences, newLink(text, l.Path))
			if u := webURL(l.Path); u != "" {
				cd.Licences = append(cd.Licences, u)
			}
		}
		for _, s := range desc.Sources {
			item := sourceRefItem{
				Title:       newLink(s.Title, s.Path),
				Licence:     newLink(s.Licence, s.LicenceURL),
				Attribution: s.Attribution,
				Rows:        g.num.Int(int64(s.Rows)),
				Terms:       s.Terms,
				Permission:  permissionOf(s.Permission),
				Withheld:    g.withheldOf(s),
			}
			if u := parseTime(s.Updated); !u.IsZero() {
				item.Updated = machineTime(u)
			}
			p.Params.Sources = append(p.Params.Sources, item)
			if s.Withheld != nil {
				// Not in the files this page describes: neither credited
				// nor licensed for them.
				continue
			}
			if a := strings.TrimSuffix(strings.TrimSpace(s.Attribution), "."); a != "" {
				attributions = append(attributions, a)
			}
			cd.Sources = append(cd.Sources, catalog.Source{Title: s.Title, URL: webURL(s.Path), LicenceURL: webURL(s.LicenceURL)})
			if u := webURL(s.LicenceURL); u != "" && !slices.Contains(cd.Licences, u) {
				cd.Licences = append(cd.Licences, u)
			}
		}
	}
	if len(p.Params.Sources) == 0 {
		// No descriptor yet: describe the sources from their status.
		for i := range g.in.Sources {
			s := &g.in.Sources[i]
			if s.Dataset != def.Name {
				continue
			}
			p.Params.Sources = append(p.Params.Sources, sourceRefItem{
				Title:       newLink(s.label(), s.Homepage),
				Licence:     newLink(s.Licence, s.LicenceURL),
				Attribution: s.Attribution,
				Rows:        g.num.Int(int64(s.Rows)),
				Updated:     machineTime(s.Changed),
			})
			if a := strings.TrimSuffix(strings.TrimSpace(s.Attribution), "."); a != "" {
				attributions = append(attributions, a)
			}
		}
	}
	if len(attributions) > 0 {
		cd.Credit = strings.Join(attributions, ". ") + "."
	}
	p.Params.Citation = citation{Site: g.title, Title: def.Title, Version: p.Params.Version,
		Date: p.Params.Created.ISO[:min(10, len(p.Params.Created.ISO))], URL: g.urls.page(dir), Attributions: attributions}
	cite, err := p.Params.Citation.text(g.words)
	if err != nil {
		return p, nil, err
	}
	cd.Citation = cite

	ld, err := cd.JSONLD(g.urls.base)
	if err != nil {
		return p, nil, err
	}
	p.Params.JSONLD = ld
	return p, cd, nil
}

// downloadTitle returns the name of a kind of download, for the
// catalogue and the structured data.
func (g *generator) downloadTitle(kind string) (string, error) {
	return g.words.get("download_"+strings.ReplaceAll(kind, "-", "_"), nil)
}

// sizeText returns a download's size in words, for the structured data.
func (g *generator) sizeText(dl downloadItem) (string, error) {
	if dl.Size.Unit == "B" {
		return g.words.get("size_bytes", map[string]any{"Count": int(dl.Bytes), "N": dl.Size.Value})
	}
	return dl.Size.Value + " " + dl.Size.Unit, nil
}
