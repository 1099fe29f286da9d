package site

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
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
	Created    string          `json:"created,omitempty"`
	CreatedISO string          `json:"creatediso,omitempty"`
	Rows       string          `json:"rows"`
	RowCount   int             `json:"rowcount"`
	Coverage   string          `json:"coverage,omitempty"`
	Method     string          `json:"method,omitempty"`
	Keywords   []string        `json:"keywords,omitempty"`
	PrimaryKey []string        `json:"primarykey"`
	Fields     []fieldParams   `json:"fields"`
	Downloads  []downloadItem  `json:"downloads"`
	Licences   []link          `json:"licences,omitempty"`
	Sources    []sourceRefItem `json:"sources,omitempty"`
	Citation   string          `json:"citation"`
	// Versions lists the published versions, newest first; Feeds are the
	// Atom feeds of the dataset's changes.
	Versions     []changesRow `json:"versions,omitempty"`
	VersionPages string       `json:"versionpages,omitempty"`
	Feeds        []feedLink   `json:"feeds,omitempty"`
	Notices      []string     `json:"notices,omitempty"`
	// JSONLD is the schema.org description, marshalled by encoding/json
	// with HTML escaping, so it cannot close the script element it goes in.
	JSONLD string `json:"jsonld"`
}

type fieldParams struct {
	Name        string `json:"name"`
	Title       string `json:"title,omitempty"`
	Type        string `json:"type"`
	Unit        string `json:"unit,omitempty"`
	Description string `json:"description,omitempty"`
	Constraints string `json:"constraints,omitempty"`
	Key         bool   `json:"key,omitempty"`
}

// downloadItem is one file offered for download beside the dataset page.
type downloadItem struct {
	Label     string `json:"label"`
	File      string `json:"file"` // name in the dataset's directory
	Format    string `json:"format"`
	MediaType string `json:"mediatype"`
	Bytes     int64  `json:"bytes"`
	Size      string `json:"size"`
	SHA256    string `json:"sha256"`
	Note      string `json:"note,omitempty"`
}

type sourceRefItem struct {
	Title       link   `json:"title"`
	Licence     link   `json:"licence"`
	Attribution string `json:"attribution,omitempty"`
	Rows        string `json:"rows,omitempty"`
	Updated     string `json:"updated,omitempty"`
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
	Rows     string       `json:"rows"`
	RowCount int          `json:"rowcount"`
	Reason   string       `json:"reason"`
	Download link         `json:"download"`
	Excerpt  bool         `json:"excerpt,omitempty"` // the country pages show excerpts
	Counted  bool         `json:"counted"`
	First    bool         `json:"first,omitempty"` // the first version that has the source
	Counts   countsParams `json:"counts"`
}

// withheldOf returns the page data of a source's withheld rows, or nil.
func withheldOf(s dataset.SourceRef) *withheldItem {
	w := s.Withheld
	if w == nil {
		return nil
	}
	item := &withheldItem{Rows: integer(int64(w.Rows)), RowCount: w.Rows, Reason: w.Reason,
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

// datasetSummary is a dataset as the home page and the dataset list show it.
type datasetSummary struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Path        string `json:"path"`
	Rows        string `json:"rows"`
	Version     string `json:"version,omitempty"`
	Created     string `json:"created,omitempty"`
	Coverage    string `json:"coverage,omitempty"`
}

// hashWriter counts and hashes what passes through it.
type hashWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func newHashWriter(w io.Writer) *hashWriter { return &hashWriter{w: w, h: sha256.New()} }

func (hw *hashWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	return n, err
}

func (hw *hashWriter) sum() string { return hex.EncodeToString(hw.h.Sum(nil)) }

// writeFile creates path and writes it with write, returning its size and
// SHA-256.
func writeFile(path string, write func(io.Writer) error) (int64, string, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, "", err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	hw := newHashWriter(bw)
	err = write(hw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, "", err
	}
	return hw.n, hw.sum(), nil
}

// writeDownloads writes the files of one dataset into dir: the committed
// Parquet file as it is, a CSV and a zstd-compressed Parquet copy made
// from t, and the descriptor with the copies added as resources.
func writeDownloads(dir string, d *Dataset, t *dataset.Table) ([]downloadItem, error) {
	name := d.Definition.Name
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("site: downloads: %w", err)
	}
	var items []downloadItem
	add := func(label, file, format, media, note string, write func(io.Writer) error) error {
		n, sum, err := writeFile(filepath.Join(dir, file), write)
		if err != nil {
			return fmt.Errorf("site: write %s: %w", file, err)
		}
		items = append(items, downloadItem{
			Label: label, File: file, Format: format, MediaType: media,
			Bytes: n, Size: byteSize(n), SHA256: sum, Note: note,
		})
		return nil
	}
	if err := add("CSV", name+".csv", "csv", dataset.CSVMediaType,
		"UTF-8, comma-separated, one header row; empty fields are missing values.",
		func(w io.Writer) error { return dataset.WriteCSV(w, t) }); err != nil {
		return nil, err
	}
	parquet := func(w io.Writer) error { return dataset.WriteParquet(w, t) }
	if d.ParquetPath != "" {
		parquet = copyFrom(d.ParquetPath)
	}
	if err := add("Parquet", name+".parquet", "parquet", dataset.ParquetMediaType,
		"The published file, uncompressed, as the repository keeps it.", parquet); err != nil {
		return nil, err
	}
	if err := add("Parquet, zstd-compressed", name+".zstd.parquet", "parquet", dataset.ParquetMediaType,
		"The same rows, smaller to download.",
		func(w io.Writer) error { return dataset.WriteParquetCompressed(w, t) }); err != nil {
		return nil, err
	}
	if d.Descriptor != nil {
		desc := *d.Descriptor
		desc.Resources = append([]dataset.Resource(nil), desc.Resources...)
		for _, it := range items {
			if hasResource(desc.Resources, it.File) {
				continue
			}
			r := dataset.Resource{
				Profile:   dataset.TabularDataResource,
				Name:      name + "-" + strings.ReplaceAll(strings.TrimPrefix(it.File, name+"."), ".", "-"),
				Path:      it.File,
				Format:    it.Format,
				MediaType: it.MediaType,
				Bytes:     it.Bytes,
				Hash:      "sha256:" + it.SHA256,
				Rows:      t.Len(),
				Schema:    dataset.TableSchemaOf(t.Schema),
			}
			if it.Format == "csv" {
				r.Encoding = "utf-8"
			}
			desc.Resources = append(desc.Resources, r)
		}
		b, err := desc.Marshal()
		if err != nil {
			return nil, fmt.Errorf("site: %w", err)
		}
		if err := add("Data package descriptor", dataset.DescriptorFile, "json", "application/json",
			"Frictionless Data Package: schema, units, licences, sources and the hash of each file.",
			func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
			return nil, err
		}
	}
	return items, nil
}

func hasResource(rs []dataset.Resource, path string) bool {
	for _, r := range rs {
		if r.Path == path {
			return true
		}
	}
	return false
}

// fieldRows describes the schema's fields for the schema table.
func fieldRows(s *dataset.Schema) []fieldParams {
	key := map[string]bool{}
	for _, k := range s.PrimaryKey {
		key[k] = true
	}
	out := make([]fieldParams, len(s.Fields))
	for i, f := range s.Fields {
		var c []string
		if f.Required {
			c = append(c, "required")
		}
		if len(f.Enum) > 0 {
			c = append(c, "one of: "+strings.Join(f.Enum, ", "))
		}
		if f.Pattern != nil {
			c = append(c, "pattern "+f.Pattern.String())
		}
		if f.Min != nil {
			c = append(c, "minimum "+exact(*f.Min))
		}
		if f.Max != nil {
			c = append(c, "maximum "+exact(*f.Max))
		}
		out[i] = fieldParams{
			Name: f.Name, Title: f.Title, Type: string(f.Type), Unit: f.Unit, Description: f.Description,
			Constraints: strings.Join(c, "; "), Key: key[f.Name],
		}
	}
	return out
}

// coverage returns the first and last year a table covers and the number
// of countries it names (country_iso3). The years come from an integer
// field named year, else from the definition's period field (a year or a
// month, as text), else from its first required date; ok is false when
// the table has none of these or no row.
func coverage(t *dataset.Table, def *dataset.Definition) (from, to, countries int, ok bool) {
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

// coverageText says what coverage found, in words.
func coverageText(from, to, countries int) string {
	if countries == 0 {
		return yearSpan(from, to)
	}
	return fmt.Sprintf("%s, %s", yearSpan(from, to), plural(countries, "country or former state", "countries and former states"))
}

// Schema.org Dataset, the part of it search engines and catalogues read.
type ldDataset struct {
	Context             string         `json:"@context"`
	Type                string         `json:"@type"`
	Name                string         `json:"name"`
	Description         string         `json:"description"`
	URL                 string         `json:"url,omitempty"`
	Identifier          string         `json:"identifier"`
	Version             string         `json:"version,omitempty"`
	DateModified        string         `json:"dateModified,omitempty"`
	Keywords            []string       `json:"keywords,omitempty"`
	License             any            `json:"license,omitempty"`
	IsAccessibleForFree bool           `json:"isAccessibleForFree"`
	CreditText          string         `json:"creditText,omitempty"`
	Creator             []ldOrg        `json:"creator,omitempty"`
	Publisher           ldOrg          `json:"publisher"`
	TemporalCoverage    string         `json:"temporalCoverage,omitempty"`
	SpatialCoverage     *ldPlace       `json:"spatialCoverage,omitempty"`
	VariableMeasured    []ldVariable   `json:"variableMeasured,omitempty"`
	Distribution        []ldDownload   `json:"distribution"`
	IsBasedOn           []ldCreativeWk `json:"isBasedOn,omitempty"`
}

type ldOrg struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type ldPlace struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

type ldVariable struct {
	Type        string `json:"@type"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	UnitText    string `json:"unitText,omitempty"`
}

type ldDownload struct {
	Type           string `json:"@type"`
	Name           string `json:"name"`
	EncodingFormat string `json:"encodingFormat"`
	ContentURL     string `json:"contentUrl"`
	ContentSize    string `json:"contentSize"`
	SHA256         string `json:"sha256"`
}

type ldCreativeWk struct {
	Type    string `json:"@type"`
	Name    string `json:"name"`
	URL     string `json:"url,omitempty"`
	License string `json:"license,omitempty"`
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

// datasetPageOf builds the page of one dataset.
func datasetPageOf(d *Dataset, t *dataset.Table, downloads []downloadItem, in *Input, urls siteURLs, siteTitle, lastmod string, weight int) (datasetPage, *ldDataset, error) {
	def, desc := d.Definition, d.Descriptor
	dir := datasetPath(def.Name)
	p := datasetPage{
		Title:       def.Title,
		Description: def.Description,
		Lastmod:     lastmod,
		Weight:      weight,
		Params: datasetParams{
			Name:       def.Name,
			Rows:       integer(int64(t.Len())),
			RowCount:   t.Len(),
			Method:     def.Method,
			Keywords:   def.Keywords,
			PrimaryKey: t.Schema.PrimaryKey,
			Fields:     fieldRows(t.Schema),
			Downloads:  downloads,
		},
	}
	ld := ldDataset{
		Context: "https://schema.org/", Type: "Dataset",
		Name: def.Title, Description: def.Description, URL: urls.page(dir), Identifier: def.Name,
		Keywords: def.Keywords, IsAccessibleForFree: true,
		Publisher: ldOrg{Type: "Organization", Name: siteTitle},
	}
	if from, to, n, ok := coverage(t, def); ok {
		p.Params.Coverage = coverageText(from, to, n)
		ld.TemporalCoverage = strconv.Itoa(from) + "/" + strconv.Itoa(to)
		if from == to {
			ld.TemporalCoverage = strconv.Itoa(from)
		}
		ld.SpatialCoverage = &ldPlace{Type: "Place", Name: "World"}
	}
	for _, f := range t.Schema.Fields {
		ld.VariableMeasured = append(ld.VariableMeasured, ldVariable{Type: "PropertyValue", Name: f.Name, Description: f.Description, UnitText: f.Unit})
	}
	for _, dl := range downloads {
		ld.Distribution = append(ld.Distribution, ldDownload{
			Type: "DataDownload", Name: dl.Label, EncodingFormat: dl.MediaType,
			ContentURL: urls.file(dir+dl.File, dl.File), ContentSize: dl.Size, SHA256: dl.SHA256,
		})
	}

	var attributions []string
	if desc != nil {
		p.Params.Version = desc.Version
		ld.Version = desc.Version
		if c := parseTime(desc.Created); !c.IsZero() {
			p.Params.Created, p.Params.CreatedISO = day(c), machineTime(c)
			ld.DateModified = machineTime(c)
		} else {
			p.Params.Created = desc.Created
		}
		var lic []string
		for _, l := range desc.Licenses {
			text := l.Title
			if text == "" {
				text = l.Name
			}
			p.Params.Licences = append(p.Params.Licences, newLink(text, l.Path))
			if u := webURL(l.Path); u != "" {
				lic = append(lic, u)
			}
		}
		for _, s := range desc.Sources {
			item := sourceRefItem{
				Title:       newLink(s.Title, s.Path),
				Licence:     newLink(s.Licence, s.LicenceURL),
				Attribution: s.Attribution,
				Rows:        integer(int64(s.Rows)),
				Terms:       s.Terms,
				Permission:  permissionOf(s.Permission),
				Withheld:    withheldOf(s),
			}
			if u := parseTime(s.Updated); !u.IsZero() {
				item.Updated = day(u)
			}
			p.Params.Sources = append(p.Params.Sources, item)
			if s.Withheld != nil {
				// Not in the files this page describes: neither credited
				// nor licensed for them.
				continue
			}
			if s.Attribution != "" {
				attributions = append(attributions, s.Attribution)
			}
			ld.Creator = append(ld.Creator, ldOrg{Type: "Organization", Name: s.Title, URL: webURL(s.Path)})
			ld.IsBasedOn = append(ld.IsBasedOn, ldCreativeWk{Type: "CreativeWork", Name: s.Title, URL: webURL(s.Path), License: webURL(s.LicenceURL)})
			if u := webURL(s.LicenceURL); u != "" && !slices.Contains(lic, u) {
				lic = append(lic, u)
			}
		}
		switch len(lic) {
		case 0:
		case 1:
			ld.License = lic[0]
		default:
			ld.License = lic
		}
	}
	if len(p.Params.Sources) == 0 {
		// No descriptor yet: describe the sources from their status.
		for i := range in.Sources {
			s := &in.Sources[i]
			if s.Dataset != def.Name {
				continue
			}
			p.Params.Sources = append(p.Params.Sources, sourceRefItem{
				Title:       newLink(s.label(), s.Homepage),
				Licence:     newLink(s.Licence, s.LicenceURL),
				Attribution: s.Attribution,
				Rows:        integer(int64(s.Rows)),
				Updated:     day(s.LastSuccess),
			})
			if s.Attribution != "" {
				attributions = append(attributions, s.Attribution)
			}
		}
	}
	ld.CreditText = strings.Join(attributions, " ")

	for i := range in.Sources {
		if s := &in.Sources[i]; s.Dataset == def.Name && s.Status == dataset.SourceFailed {
			p.Params.Notices = append(p.Params.Notices, failureNotice(s))
		}
	}

	var c strings.Builder
	fmt.Fprintf(&c, "%s. %s", siteTitle, def.Title)
	if p.Params.Version != "" {
		fmt.Fprintf(&c, ", version %s", p.Params.Version)
	}
	if p.Params.Created != "" {
		fmt.Fprintf(&c, " (%s)", p.Params.Created)
	}
	c.WriteString(".")
	if u := urls.page(dir); u != "" {
		c.WriteString(" " + u)
	}
	if len(attributions) > 0 {
		c.WriteString(" Data from: " + strings.Join(attributions, " "))
	}
	p.Params.Citation = c.String()

	b, err := json.Marshal(ld) // escapes <, > and &, so the text cannot end the script element
	if err != nil {
		return p, nil, fmt.Errorf("site: dataset %s: json-ld: %w", def.Name, err)
	}
	p.Params.JSONLD = string(b)
	return p, &ld, nil
}
