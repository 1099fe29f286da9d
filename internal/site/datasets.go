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

// coverage returns the first and last year a table covers and the number
// of countries it names (country_iso3). The years come from an integer
// field named year, else from the definition's period field (a year or a
// month, as text), else from its first required date; ok is false when
// the table has none of these or no row.
func coverageOf(t *dataset.Table, def *dataset.Definition) (from, to, countries int, ok bool) {
	if t.Len() == 0 {
		return 0, 0, 0, false
	}
	s := t.Schema
	var yearOf func(i int) (int, bool)
	if yi := s.Index("year"); yi >= 0 && s.Fields[yi].Type == dataset.Integer {
		yearOf = func(i int) (int, bool) { return int(t.Columns[yi].Ints[i]), !t.IsNull(i, yi) }
	} else {
		col := -1
		if def != nil && def.PeriodField != "" {
			if pi := s.Index(def.PeriodField); pi >= 0 && s.Fields[pi].Type == dataset.String {
				col = pi
			}
		}
		for i, f := range s.Fields {
			if col < 0 && f.Type == dataset.Date && f.Required {
				col = i
			}
		}
		if col < 0 {
			return 0, 0, 0, false
		}
		yearOf = func(i int) (int, bool) {
			v := t.Columns[col].Strings[i]
			if t.IsNull(i, col) || len(v) < 4 {
				return 0, false
			}
			y, err := strconv.Atoi(v[:4])
			return y, err == nil
		}
	}
	ci, ai := s.Index("country_iso3"), s.Index(dataset.AggregateField)
	seen := map[string]bool{}
	from, to = 1<<30, -1<<30
	for i := range t.Len() {
		y, ok := yearOf(i)
		if !ok {
			continue
		}
		from, to = min(from, y), max(to, y)
		// Aggregates are not countries: they are never counted as one.
		if ci >= 0 && !t.IsNull(i, ci) && (ai < 0 || !t.Columns[ai].Bools[i]) {
			seen[t.Columns[ci].Strings[i]] = true
		}
	}
	return from, to, len(seen), from <= to
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
func (g *generator) datasetPage(d *Dataset, t *dataset.Table, downloads []downloadItem, weight int) (datasetPage, *catalog.Dataset, error) {
	def, desc := d.Definition, d.Descriptor
	dir := datasetPath(def.Name)
	p := datasetPage{
		Title:       def.Title,
		Description: def.Description,
		Lastmod:     g.lastmod,
		Weight:      weight,
		Params: datasetParams{
			Name:       def.Name,
			Rows:       g.count(t.Len()),
			Method:     def.Method,
			PrimaryKey: t.Schema.PrimaryKey,
			Fields:     fieldRows(t.Schema),
			Downloads:  downloads,
			Notices:    g.failures(def.Name),
		},
	}
	cd := &catalog.Dataset{Name: def.Name, Title: def.Title, Description: def.Description, Keywords: def.Keywords, Publisher: g.title}
	if from, to, n, ok := coverageOf(t, def); ok {
		c := &coverage{Years: span{from, to}}
		if n > 0 {
			nc := g.count(n)
			c.Countries = &nc
		}
		p.Params.Coverage = c
		cd.From, cd.To, cd.Covered = from, to, true
	}
	for _, f := range t.Schema.Fields {
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
