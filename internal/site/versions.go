package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
	"github.com/defence-transparency/publish/internal/dataset/history"
)

// Defaults for Input.VersionPages and Input.VersionDownloads.
const (
	DefaultVersionPages     = 30
	DefaultVersionDownloads = 10
)

// Caps on the rows a version page and a country page list; the whole diff
// is in the version's changes.csv.
const (
	sectionCap = 200 // rows listed per section of a version page
	countryCap = 50  // revisions kept per country and version
)

// cacheFormat is the version of the cached diffs' layout; change it when
// pairDiff changes, so old entries are not misread.
const cacheFormat = 1

// textRow is a row as text, one entry per schema field; nil is null.
type textRow []*string

func rowText(s *dataset.Schema, r dataset.Row) textRow {
	if r == nil {
		return nil
	}
	out := make(textRow, len(s.Fields))
	for i, f := range s.Fields {
		if !r[i].Null {
			v := dataset.FormatValue(f.Type, r[i])
			out[i] = &v
		}
	}
	return out
}

// at returns field i as text and whether it is set.
func (r textRow) at(i int) (string, bool) {
	if i < 0 || i >= len(r) || r[i] == nil {
		return "", false
	}
	return *r[i], true
}

// changeRow is one changed row as the cache keeps it.
type changeRow struct {
	Class  diff.Class `json:"class"`
	Old    textRow    `json:"old,omitempty"`
	New    textRow    `json:"new,omitempty"`
	Fields []int      `json:"fields,omitempty"` // changed fields of a changed row
	seq    int        // position in key order, while the diff runs
}

// row returns the row as it stands in the newer version, or the removed row.
func (c *changeRow) row() textRow {
	if c.New != nil {
		return c.New
	}
	return c.Old
}

// rowSection is the rows of one class, at most sectionCap of them.
type rowSection struct {
	N    int         `json:"n"`
	Rows []changeRow `json:"rows,omitempty"`
}

// countryDelta is what one version changed in one country's rows.
type countryDelta struct {
	// Classes counts the changed rows by class.
	Classes map[diff.Class]int `json:"classes,omitempty"`
	// Buckets counts added and removed rows by kind, period and series
	// (bucketKey), so they can be explained once the whole diff is known.
	Buckets map[string]int `json:"buckets,omitempty"`
	// Rows are the revisions and marker changes, at most countryCap.
	Rows []changeRow `json:"rows,omitempty"`
}

// pairDiff is the diff between two versions as the site shows it, and as
// the cache keeps it.
type pairDiff struct {
	Format   int                        `json:"format"`
	First    bool                       `json:"first"` // no previous version: every row is new
	Counts   diff.Counts                `json:"counts"`
	OldRows  int                        `json:"old_rows"`
	NewRows  int                        `json:"new_rows"`
	BySource map[string]diff.Counts     `json:"by_source,omitempty"`
	Analysis diff.Analysis              `json:"analysis"`
	Periods  map[string]int             `json:"periods,omitempty"` // rows of each added (new) and removed (old) period
	Series   map[string]int             `json:"series,omitempty"`  // rows of each added (new) and removed (old) series
	Sections map[diff.Class]*rowSection `json:"sections,omitempty"`
	Country  map[string]*countryDelta   `json:"countries,omitempty"`
	CSV      bool                       `json:"csv"` // a changes.csv was written
	// buckets holds the added and removed rows by bucketKey while the
	// diff runs.
	buckets map[string]*rowSection
}

// bucketKey names the added or removed rows of one period and series.
func bucketKey(kind diff.Class, period, series string) string {
	return string(kind) + "\x1f" + period + "\x1f" + series
}

func splitBucket(k string) (kind diff.Class, period, series string) {
	parts := strings.SplitN(k, "\x1f", 3)
	for len(parts) < 3 {
		parts = append(parts, "")
	}
	return diff.Class(parts[0]), parts[1], parts[2]
}

// explained reports whether an added or removed row of period and series is
// accounted for by the analysis: a period or series that came or went, or
// a series that replaced another. publish diff decides the same way.
func explained(a *diff.Analysis, period, series string) bool {
	if period != "" && (slices.Contains(a.AddedPeriods, period) || slices.Contains(a.RemovedPeriods, period)) {
		return true
	}
	if series != "" {
		return slices.Contains(a.AddedSeries, series) || slices.Contains(a.RemovedSeries, series) || a.Replaced(series)
	}
	return false
}

// fields resolves the columns a diff needs by name.
type fields struct {
	schema                  *dataset.Schema
	period, series, country int
	marker, value           int
	unit, currency          int
	source                  int
}

func fieldsOf(def *dataset.Definition) fields {
	s := def.Schema
	f := fields{schema: s, period: -1, series: -1, marker: -1, value: -1,
		country: s.Index("country_iso3"), unit: s.Index("unit"), currency: s.Index("currency"),
		source: s.Index(dataset.SourceField)}
	if def.PeriodField != "" {
		f.period = s.Index(def.PeriodField)
	}
	if def.SeriesField != "" {
		f.series = s.Index(def.SeriesField)
	}
	if def.MarkerField != "" {
		f.marker = s.Index(def.MarkerField)
	}
	if len(def.RevisionFields) == 1 {
		f.value = s.Index(def.RevisionFields[0])
	}
	return f
}

// computeDiff compares two versions given as Parquet bytes (old is nil for
// the first version) and writes the whole diff as CSV to csvOut when it is
// not nil, with the columns of publish diff --csv.
func computeDiff(def *dataset.Definition, old, cur []byte, csvOut io.Writer) (*pairDiff, error) {
	s := def.Schema
	f := fieldsOf(def)
	batches := func(b []byte) (diff.Batches, error) {
		if b == nil {
			return diff.Tables(), nil
		}
		return dataset.NewParquetReader(bytes.NewReader(b), s)
	}
	a, err := batches(old)
	if err != nil {
		return nil, fmt.Errorf("site: history of %s: %w", def.Name, err)
	}
	b, err := batches(cur)
	if err != nil {
		return nil, fmt.Errorf("site: history of %s: %w", def.Name, err)
	}
	p := &pairDiff{Format: cacheFormat, First: old == nil, Sections: map[diff.Class]*rowSection{},
		Country: map[string]*countryDelta{}, buckets: map[string]*rowSection{}}
	var cw *diff.CSVWriter
	if csvOut != nil && !p.First {
		if cw, err = diff.NewCSVWriter(csvOut, s); err != nil {
			return nil, err
		}
	}
	seq := 0
	text := func(r textRow, i int) string { v, _ := r.at(i); return v }
	sum, err := diff.Compare(s, a, b, diff.OptionsFor(def), func(c *diff.Change) error {
		seq++
		if cw != nil {
			if err := cw.Write(c); err != nil {
				return err
			}
		}
		if p.First {
			return nil // the first version lists nothing row by row
		}
		cr := changeRow{Class: c.Class, Old: rowText(s, c.Old), New: rowText(s, c.New), seq: seq}
		if c.Kind == diff.Changed {
			for _, fc := range c.Fields {
				cr.Fields = append(cr.Fields, s.Index(fc.Field))
			}
		}
		row := cr.row()
		var cd *countryDelta
		if code := text(row, f.country); code != "" {
			if cd = p.Country[code]; cd == nil {
				cd = &countryDelta{}
				p.Country[code] = cd
			}
		}
		if c.Kind != diff.Changed {
			k := bucketKey(c.Class, text(row, f.period), text(row, f.series))
			bk := p.buckets[k]
			if bk == nil {
				bk = &rowSection{}
				p.buckets[k] = bk
			}
			bk.N++
			if len(bk.Rows) < sectionCap {
				bk.Rows = append(bk.Rows, cr)
			}
			if cd != nil {
				if cd.Buckets == nil {
					cd.Buckets = map[string]int{}
				}
				cd.Buckets[k]++
			}
			return nil
		}
		sec := p.Sections[c.Class]
		if sec == nil {
			sec = &rowSection{}
			p.Sections[c.Class] = sec
		}
		sec.N++
		if len(sec.Rows) < sectionCap {
			sec.Rows = append(sec.Rows, cr)
		}
		if cd != nil {
			if cd.Classes == nil {
				cd.Classes = map[diff.Class]int{}
			}
			cd.Classes[c.Class]++
			if (c.Revision() || c.Class == diff.ClassMarker) && len(cd.Rows) < countryCap {
				cd.Rows = append(cd.Rows, cr)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("site: history of %s: %w", def.Name, err)
	}
	if cw != nil {
		if err := cw.Flush(); err != nil {
			return nil, err
		}
		p.CSV = true
	}
	p.Counts, p.OldRows, p.NewRows = sum.Counts, sum.OldRows, sum.NewRows
	p.BySource = map[string]diff.Counts{}
	for src, c := range sum.BySource {
		p.BySource[src] = *c
	}
	if p.First {
		p.Country = nil
		return p, nil
	}
	p.Analysis = diff.Analyze(sum)
	p.Periods, p.Series = map[string]int{}, map[string]int{}
	for _, x := range p.Analysis.AddedPeriods {
		p.Periods[x] = sum.NewPeriods[x]
	}
	for _, x := range p.Analysis.RemovedPeriods {
		p.Periods[x] = sum.OldPeriods[x]
	}
	for _, x := range p.Analysis.AddedSeries {
		p.Series[x] = sum.NewSeries[x]
	}
	for _, x := range p.Analysis.RemovedSeries {
		p.Series[x] = sum.OldSeries[x]
	}
	// The added and removed rows that nothing explains, in key order: each
	// bucket kept its first rows, so the first of their union are among them.
	for k, bk := range p.buckets {
		kind, period, series := splitBucket(k)
		if explained(&p.Analysis, period, series) {
			continue
		}
		sec := p.Sections[kind]
		if sec == nil {
			sec = &rowSection{}
			p.Sections[kind] = sec
		}
		sec.N += bk.N
		sec.Rows = append(sec.Rows, bk.Rows...)
	}
	for _, kind := range []diff.Class{diff.ClassAdded, diff.ClassRemoved} {
		if sec := p.Sections[kind]; sec != nil {
			slices.SortFunc(sec.Rows, func(a, b changeRow) int { return a.seq - b.seq })
			sec.Rows = sec.Rows[:min(len(sec.Rows), sectionCap)]
		}
	}
	p.buckets = nil
	return p, nil
}

// versionSlug is the form of a version that may become a path.
var versionSlug = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._-]*$`)

// datasetHistory is the versions of one dataset the site shows.
type datasetHistory struct {
	def      *dataset.Definition
	h        *history.History
	versions []*siteVersion // newest first: every version, with a page for the newest
	first    string         // commit of the oldest version
}

// siteVersion is one version and what the site made of it.
type siteVersion struct {
	v       *history.Version
	slug    string    // path element of its page and downloads
	when    time.Time // created, else committed
	diff    *pairDiff // nil for versions without a page
	files   []downloadItem
	changes *downloadItem // changes.csv
}

// page reports whether the version has a page of its own.
func (sv *siteVersion) page() bool { return sv.diff != nil }

// dir returns the path of the version's directory from the site's root.
func (sv *siteVersion) dir(name string) string {
	return datasetPath(name) + "versions/" + sv.slug + "/"
}

// historyBuilder computes the histories of the datasets for one build.
type historyBuilder struct {
	g         *generator
	static    string // the build's static directory
	cache     string // "" for no cache
	pages     int
	downloads int
	used      map[string]bool // cache files this build read or wrote
}

// loadHistories computes the diffs of the newest versions of every dataset
// with a history and writes their downloads and changes.csv files. It
// returns one entry per dataset, nil where it has no history.
func (g *generator) loadHistories(static string) ([]*datasetHistory, error) {
	in := g.in
	hb := &historyBuilder{g: g, static: static, cache: in.CacheDir, pages: versionPagesOf(in), downloads: in.VersionDownloads,
		used: map[string]bool{}}
	if hb.downloads <= 0 {
		hb.downloads = DefaultVersionDownloads
	}
	out := make([]*datasetHistory, len(in.Datasets))
	for i := range in.Datasets {
		d := &in.Datasets[i]
		if d.History == nil || len(d.History.Versions) == 0 {
			continue
		}
		dh, err := hb.build(d)
		if err != nil {
			return nil, err
		}
		out[i] = dh
	}
	if err := hb.prune(in); err != nil {
		return nil, err
	}
	return out, nil
}

// blobOf returns the id of the dataset's Parquet blob at version v, or
// "none" where the version has no file; the cache is keyed by it.
func blobOf(v *history.Version) string {
	if v == nil || v.Parquet.IsZero() {
		return "none"
	}
	return v.Parquet.String()
}

// optionsKey names everything besides the two files that shapes a cached
// diff, so that a change of schema, options or caps misses the cache.
func optionsKey(def *dataset.Definition) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d|%d|%d|%+v|", cacheFormat, sectionCap, countryCap, diff.OptionsFor(def))
	for _, f := range def.Schema.Fields {
		fmt.Fprintf(h, "%s:%s,", f.Name, f.Type)
	}
	fmt.Fprintf(h, "|%v", def.Schema.PrimaryKey)
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func (hb *historyBuilder) build(d *Dataset) (*datasetHistory, error) {
	h, def := d.History, d.Definition
	name := def.Name
	dh := &datasetHistory{def: def, h: h, first: h.Versions[len(h.Versions)-1].Commit}
	seen := map[string]bool{}
	for i := range h.Versions {
		v := &h.Versions[i]
		sv := &siteVersion{v: v, slug: v.Version, when: parseTime(v.Created)}
		if sv.when.IsZero() {
			sv.when = v.Time.UTC()
		}
		if !versionSlug.MatchString(sv.slug) || seen[sv.slug] {
			sv.slug = v.Short()
		}
		seen[sv.slug] = true
		dh.versions = append(dh.versions, sv)
	}
	n := min(hb.pages, len(dh.versions))
	okey := optionsKey(def)
	// Walk from the oldest version with a page to the newest, so that each
	// version's file, read for one diff, serves the next one too.
	var memo struct {
		commit string
		b      []byte
	}
	read := func(v *history.Version) ([]byte, error) {
		if v == nil {
			return nil, nil
		}
		if memo.commit == v.Commit {
			return memo.b, nil
		}
		b, err := h.Read(v)
		if err != nil {
			return nil, fmt.Errorf("site: history of %s: %w", name, err)
		}
		memo.commit, memo.b = v.Commit, b
		return b, nil
	}
	for i := n - 1; i >= 0; i-- {
		sv := dh.versions[i]
		var prev *history.Version
		if i+1 < len(dh.versions) {
			prev = dh.versions[i+1].v
		}
		dir := filepath.Join(hb.static, "datasets", name, "versions", sv.slug)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("site: history: %w", err)
		}
		from, to := blobOf(prev), blobOf(sv.v)
		csvPath := filepath.Join(dir, "changes.csv")
		pd, err := hb.cachedDiff(name, from+"-"+to+"-"+okey, csvPath)
		if err != nil {
			return nil, err
		}
		var csvSize int64
		var csvSum string
		switch {
		case pd != nil && pd.CSV:
			// From the cache: the file is hashed, the diff not computed.
			if csvSize, csvSum, err = hashFile(csvPath); err != nil {
				return nil, err
			}
		case pd == nil:
			var old []byte
			if prev != nil {
				if old, err = read(prev); err != nil {
					return nil, err
				}
			}
			cur, err := read(sv.v)
			if err != nil {
				return nil, err
			}
			if pd, csvSize, csvSum, err = hb.diff(def, old, cur, from+"-"+to+"-"+okey, csvPath); err != nil {
				return nil, err
			}
		}
		sv.diff = pd
		if pd.CSV {
			c := hb.g.download(downloadChanges, "changes.csv", "csv", dataset.CSVMediaType, csvSize, csvSum)
			sv.changes = &c
		}
		if i < hb.downloads && sv.v.Version != "" {
			cur, err := read(sv.v)
			if err != nil {
				return nil, err
			}
			if cur != nil {
				if sv.files, err = hb.versionFiles(def, dir, to, cur); err != nil {
					return nil, err
				}
			}
		}
	}
	return dh, nil
}

// diff computes one diff, writing changes.csv, and keeps both in the
// cache. It returns the diff and the size and SHA-256 of changes.csv.
func (hb *historyBuilder) diff(def *dataset.Definition, old, cur []byte, key, csvPath string) (*pairDiff, int64, string, error) {
	var pd *pairDiff
	n, sum, err := writeFile(csvPath, func(w io.Writer) error {
		var err error
		pd, err = computeDiff(def, old, cur, w)
		return err
	})
	if err != nil {
		return nil, 0, "", fmt.Errorf("site: history of %s: %w", def.Name, err)
	}
	if !pd.CSV {
		os.Remove(csvPath)
	}
	if hb.cache == "" {
		return pd, n, sum, nil
	}
	base := filepath.Join(hb.cache, "diffs", def.Name, key)
	b, err := json.Marshal(pd)
	if err != nil {
		return nil, 0, "", fmt.Errorf("site: cache diff: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return nil, 0, "", fmt.Errorf("site: cache diff: %w", err)
	}
	if pd.CSV {
		if err := copyFile(csvPath, base+".csv"); err != nil {
			return nil, 0, "", fmt.Errorf("site: cache diff: %w", err)
		}
		hb.used[base+".csv"] = true
	}
	// The JSON goes last: its presence says the entry is whole.
	if err := dataset.WriteFileAtomicBytes(base+".json", b); err != nil {
		return nil, 0, "", fmt.Errorf("site: cache diff: %w", err)
	}
	hb.used[base+".json"] = true
	return pd, n, sum, nil
}

// cachedDiff returns the cached diff of key and copies its changes.csv to
// csvPath, or returns nil when the cache has no whole entry for it.
func (hb *historyBuilder) cachedDiff(name, key, csvPath string) (*pairDiff, error) {
	if hb.cache == "" {
		return nil, nil
	}
	base := filepath.Join(hb.cache, "diffs", name, key)
	b, err := os.ReadFile(base + ".json")
	if err != nil {
		return nil, nil // not cached, or unreadable: compute it again
	}
	var pd pairDiff
	if err := json.Unmarshal(b, &pd); err != nil || pd.Format != cacheFormat {
		return nil, nil
	}
	if pd.CSV {
		if err := linkOrCopy(base+".csv", csvPath); err != nil {
			return nil, nil
		}
		hb.used[base+".csv"] = true
	}
	hb.used[base+".json"] = true
	return &pd, nil
}

// versionFiles writes the downloads of one version into dir: its Parquet
// file as committed, and its rows as CSV (kept in the cache by blob).
func (hb *historyBuilder) versionFiles(def *dataset.Definition, dir, blob string, pq []byte) ([]downloadItem, error) {
	name := def.Name
	var items []downloadItem
	csvPath := filepath.Join(dir, name+".csv")
	var n int64
	var sum string
	cached := ""
	if hb.cache != "" {
		cached = filepath.Join(hb.cache, "csv", name, blob+"-"+optionsKey(def)+".csv")
	}
	if cached != "" {
		if meta, err := os.ReadFile(cached + ".sha256"); err == nil {
			if err := linkOrCopy(cached, csvPath); err == nil {
				if _, err := fmt.Sscanf(string(meta), "%d %s", &n, &sum); err == nil {
					hb.used[cached], hb.used[cached+".sha256"] = true, true
				}
			}
		}
	}
	if sum == "" {
		t, err := dataset.ReadParquetBytes(pq, def.Schema)
		if err != nil {
			return nil, fmt.Errorf("site: history of %s: %w", name, err)
		}
		if n, sum, err = writeFile(csvPath, func(w io.Writer) error { return dataset.WriteCSV(w, t) }); err != nil {
			return nil, fmt.Errorf("site: write %s: %w", csvPath, err)
		}
		if cached != "" {
			if err := os.MkdirAll(filepath.Dir(cached), 0o755); err != nil {
				return nil, fmt.Errorf("site: cache csv: %w", err)
			}
			if err := copyFile(csvPath, cached); err != nil {
				return nil, fmt.Errorf("site: cache csv: %w", err)
			}
			if err := dataset.WriteFileAtomicBytes(cached+".sha256", fmt.Appendf(nil, "%d %s\n", n, sum)); err != nil {
				return nil, fmt.Errorf("site: cache csv: %w", err)
			}
			hb.used[cached], hb.used[cached+".sha256"] = true, true
		}
	}
	items = append(items, hb.g.download(downloadVersionCSV, name+".csv", "csv", dataset.CSVMediaType, n, sum))
	pn, psum, err := writeFile(filepath.Join(dir, name+".parquet"), func(w io.Writer) error { _, err := w.Write(pq); return err })
	if err != nil {
		return nil, fmt.Errorf("site: write %s: %w", name+".parquet", err)
	}
	items = append(items, hb.g.download(downloadVersionPq, name+".parquet", "parquet", dataset.ParquetMediaType, pn, psum))
	return items, nil
}

// prune removes the cache entries this build did not use, so the cache
// holds the diffs of the versions shown and no more.
func (hb *historyBuilder) prune(in *Input) error {
	if hb.cache == "" {
		return nil
	}
	for _, sub := range []string{"diffs", "csv"} {
		for i := range in.Datasets {
			dir := filepath.Join(hb.cache, sub, in.Datasets[i].Definition.Name)
			entries, err := os.ReadDir(dir)
			if err != nil {
				continue
			}
			for _, e := range entries {
				p := filepath.Join(dir, e.Name())
				if !hb.used[p] {
					if err := os.RemoveAll(p); err != nil {
						return fmt.Errorf("site: prune cache: %w", err)
					}
				}
			}
		}
	}
	return nil
}

// hashFile returns the size and SHA-256 of a file.
func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", fmt.Errorf("site: %w", err)
	}
	defer f.Close()
	hw := newHashWriter(io.Discard)
	if _, err := io.Copy(hw, f); err != nil {
		return 0, "", fmt.Errorf("site: %w", err)
	}
	return hw.n, hw.sum(), nil
}

// copyFile copies src to dst through a temporary file, so a crash never
// leaves a half-written dst.
func copyFile(src, dst string) error { return dataset.WriteFileAtomic(dst, copyFrom(src)) }

// copyFrom returns a function that writes the content of the file src.
func copyFrom(src string) func(io.Writer) error {
	return func(w io.Writer) error {
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(w, f)
		return err
	}
}

// linkOrCopy makes dst a hard link to src where the file system allows,
// else a copy: the build directory is emptied before every build and Hugo
// only reads the file, so sharing it with the cache is safe.
func linkOrCopy(src, dst string) error {
	if _, err := os.Stat(src); err != nil {
		return err
	}
	os.Remove(dst)
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	return copyFile(src, dst)
}
