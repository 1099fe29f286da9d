package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
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

// fields resolves the columns the pages of changes need by name.
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
	slug    string       // path element of its page and downloads
	when    time.Time    // created, else committed
	diff    *diff.Report // nil for versions without a page
	files   []downloadItem
	changes *downloadItem // changes.csv
}

// page reports whether the version has a page of its own.
func (sv *siteVersion) page() bool { return sv.diff != nil }

// dir returns the path of the version's directory from the site's root.
func (sv *siteVersion) dir(name string) string {
	return datasetPath(name) + "versions/" + sv.slug + "/"
}

// historyBuilder computes the histories of the datasets for one build; the
// diffs themselves, and their cache, are package history's.
type historyBuilder struct {
	g         *generator
	static    string // the build's static directory
	pages     int
	downloads int
	diffs     *history.Diffs
}

// loadHistories computes the diffs of the newest versions of every dataset
// with a history and writes their downloads and changes.csv files. It
// returns one entry per dataset, nil where it has no history.
func (g *generator) loadHistories(static string) ([]*datasetHistory, error) {
	in := g.in
	hb := &historyBuilder{g: g, static: static, pages: versionPagesOf(in), downloads: in.VersionDownloads,
		diffs: &history.Diffs{Dir: in.CacheDir}}
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

// warmDiffs computes the diffs of the versions of d that get a page into
// the cache, where it does not hold them. loadTables calls it before it
// reads a large dataset's records: a diff of millions of rows takes
// hundreds of MB while it is made (its report is small), which the
// records need not sit beside; loadHistories then finds it in the cache.
func (g *generator) warmDiffs(d *Dataset) error {
	h := d.History
	if g.in.CacheDir == "" || h == nil {
		return nil
	}
	diffs := &history.Diffs{Dir: g.in.CacheDir}
	tmp, err := os.CreateTemp(g.in.CacheDir, "changes-*.csv")
	if err != nil {
		return fmt.Errorf("site: history: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	// As build walks them: from the oldest version with a page.
	for i := min(versionPagesOf(g.in), len(h.Versions)) - 1; i >= 0; i-- {
		var prev *history.Version
		if i+1 < len(h.Versions) {
			prev = &h.Versions[i+1]
		}
		if _, _, err := diffs.Report(h, prev, &h.Versions[i], tmp.Name()); err != nil {
			return fmt.Errorf("site: history of %s: %w", d.Definition.Name, err)
		}
	}
	return nil
}

// blobOf returns the id of the dataset's Parquet blob at version v, or
// "none" where the version has no file; the CSV cache is keyed by it.
func blobOf(v *history.Version) string {
	if v == nil || v.Parquet.IsZero() {
		return "none"
	}
	return v.Parquet.String()
}

// csvKey names everything besides a version's file that shapes its CSV,
// so that a change of schema misses the cache.
func csvKey(def *dataset.Definition) string {
	h := sha256.New()
	for _, f := range def.Schema.Fields {
		fmt.Fprintf(h, "%s:%s,", f.Name, f.Type)
	}
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
	// Walk from the oldest version with a page to the newest, so that each
	// version's file, read for one diff, serves the next one too.
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
		csvPath := filepath.Join(dir, "changes.csv")
		r, wroteCSV, err := hb.diffs.Report(h, prev, sv.v, csvPath)
		if err != nil {
			return nil, fmt.Errorf("site: history of %s: %w", name, err)
		}
		sv.diff = r
		if wroteCSV {
			hb.g.out.keep(csvPath)
			size, sum, err := hashFile(csvPath)
			if err != nil {
				return nil, err
			}
			c := hb.g.download(downloadChanges, "changes.csv", "csv", dataset.CSVMediaType, size, sum)
			sv.changes = &c
		}
		if i < hb.downloads && sv.v.Version != "" {
			// Read, and so verified against its id, on every build,
			// even when the cache holds what is made of it: a corrupt
			// object fails the build rather than being served from an
			// old copy.
			cur, err := h.Read(sv.v)
			if err != nil {
				return nil, fmt.Errorf("site: history of %s: %w", name, err)
			}
			if cur != nil {
				if sv.files, err = hb.versionFiles(def, dir, blobOf(sv.v), cur); err != nil {
					return nil, err
				}
			}
		}
	}
	return dh, nil
}

// versionFiles writes the downloads of one version into dir: its Parquet
// file pq as committed, and its rows as CSV, both kept in the cache by blob
// and linked from there, so that a build writes neither again.
func (hb *historyBuilder) versionFiles(def *dataset.Definition, dir, blob string, pq []byte) ([]downloadItem, error) {
	name := def.Name
	var items []downloadItem
	// A row group at a time: the version is never held whole.
	n, sum, err := hb.g.out.fromCache(hb.g.files, "csv/"+name+"/"+blob+"-"+csvKey(def)+".csv", filepath.Join(dir, name+".csv"),
		func(w io.Writer) error {
			r, err := dataset.NewParquetReader(bytes.NewReader(pq), def.Schema)
			if err != nil {
				return fmt.Errorf("site: history of %s: %w", name, err)
			}
			return dataset.WriteCSVFrom(w, r)
		})
	if err != nil {
		return nil, fmt.Errorf("site: write %s.csv: %w", name, err)
	}
	items = append(items, hb.g.download(downloadVersionCSV, name+".csv", "csv", dataset.CSVMediaType, n, sum))
	pn, psum, err := hb.g.out.fromCache(hb.g.files, "parquet/"+name+"/"+blob+".parquet", filepath.Join(dir, name+".parquet"), dataset.WriteBytes(pq))
	if err != nil {
		return nil, fmt.Errorf("site: write %s: %w", name+".parquet", err)
	}
	items = append(items, hb.g.download(downloadVersionPq, name+".parquet", "parquet", dataset.ParquetMediaType, pn, psum))
	return items, nil
}

// prune removes the cache entries this build did not use, so the cache
// holds the diffs and files of the versions shown and no more.
func (hb *historyBuilder) prune(in *Input) error {
	if hb.g.in.CacheDir == "" {
		return nil
	}
	names := make([]string, len(in.Datasets))
	for i := range in.Datasets {
		names[i] = in.Datasets[i].Definition.Name
	}
	if err := hb.diffs.Prune(names...); err != nil {
		return fmt.Errorf("site: %w", err)
	}
	for _, name := range names {
		for _, kind := range []string{"csv/", "parquet/"} {
			if err := hb.g.files.prune(kind + name); err != nil {
				return err
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
