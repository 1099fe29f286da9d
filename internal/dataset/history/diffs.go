package history

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
)

// Diffs computes the diffs between versions as people read them
// (diff.Report) with the whole of each diff as CSV, and keeps both in a
// cache directory keyed by the two Parquet blobs, so that a site build
// compares only the versions it has not compared before. The zero value
// computes without a cache; the caps are diff.DefaultCap and
// diff.DefaultCountryCap when zero.
type Diffs struct {
	// Dir is the cache directory; "" keeps nothing. Entries live in
	// Dir/diffs/<dataset>/.
	Dir string
	// Cap and CountryCap bound the rows a report lists per section and
	// per country.
	Cap, CountryCap int

	used map[string]bool // cache files read or written since the last Prune
	memo struct {        // the last file read: consecutive pairs of versions share one
		key string
		b   []byte
	}
}

// cacheFormat is the version of the cached entries' layout; change it when
// diff.Report or the CSV changes, so that old entries are not misread.
const cacheFormat = 2

// entry is a cached diff.
type entry struct {
	Format int          `json:"format"`
	CSV    bool         `json:"csv"` // a changes.csv was written
	Report *diff.Report `json:"report"`
}

// Report returns the diff between versions from and to of h (from nil for
// the first version, of which every row is new) and, unless from is nil,
// writes the whole diff as CSV (diff.CSVWriter's columns) to csvPath; it
// reports whether it wrote one. A cached diff of the same two files under
// the same definition and caps is used when there is one.
func (d *Diffs) Report(h *History, from, to *Version, csvPath string) (*diff.Report, bool, error) {
	fromBlob, err := h.blob(from)
	if err != nil {
		return nil, false, err
	}
	toBlob, err := h.blob(to)
	if err != nil {
		return nil, false, err
	}
	base := ""
	if d.Dir != "" {
		base = filepath.Join(d.Dir, "diffs", h.Def.Name, fromBlob+"-"+toBlob+"-"+d.optionsKey(h.Def))
		if r, csv, ok := d.cached(base, csvPath); ok {
			return r, csv, nil
		}
	}
	old, err := d.read(h, from)
	if err != nil {
		return nil, false, err
	}
	cur, err := d.read(h, to)
	if err != nil {
		return nil, false, err
	}
	var r *diff.Report
	first := old == nil
	if first {
		r, err = compare(h.Def, old, cur, nil, d.caps())
	} else {
		err = dataset.WriteFileAtomic(csvPath, func(w io.Writer) error {
			var err error
			r, err = compare(h.Def, old, cur, w, d.caps())
			return err
		})
	}
	if err != nil {
		return nil, false, fmt.Errorf("history: diff of %s %s: %w", h.Def.Name, to.Label(), err)
	}
	if base != "" {
		if err := d.store(base, entry{Format: cacheFormat, CSV: !first, Report: r}, csvPath); err != nil {
			return nil, false, err
		}
	}
	return r, !first, nil
}

func (d *Diffs) caps() [2]int {
	c := [2]int{d.Cap, d.CountryCap}
	if c[0] == 0 {
		c[0] = diff.DefaultCap
	}
	if c[1] == 0 {
		c[1] = diff.DefaultCountryCap
	}
	return c
}

// compare compares two versions' Parquet files (old nil for none),
// writing the CSV of every change to csvOut when it is not nil.
func compare(def *dataset.Definition, old, cur []byte, csvOut io.Writer, caps [2]int) (*diff.Report, error) {
	batches := func(b []byte) (diff.Batches, error) {
		if b == nil {
			return diff.Tables(), nil
		}
		r, err := dataset.NewParquetReader(bytes.NewReader(b), def.Schema)
		if err == nil {
			r.ReuseTables() // diff.Compare holds two batches at most
		}
		return r, err
	}
	a, err := batches(old)
	if err != nil {
		return nil, err
	}
	b, err := batches(cur)
	if err != nil {
		return nil, err
	}
	opts := diff.OptionsFor(def)
	g := diff.NewGrouper(def.Schema, opts, old == nil, caps[0], caps[1])
	fn := g.Add
	var cw *diff.CSVWriter
	if csvOut != nil {
		if cw, err = diff.NewCSVWriter(csvOut, def.Schema); err != nil {
			return nil, err
		}
		fn = func(c *diff.Change) error {
			if err := cw.Write(c); err != nil {
				return err
			}
			return g.Add(c)
		}
	}
	sum, err := diff.Compare(def.Schema, a, b, opts, fn)
	if err != nil {
		return nil, err
	}
	if cw != nil {
		if err := cw.Flush(); err != nil {
			return nil, err
		}
	}
	return g.Report(sum), nil
}

// read returns version v's Parquet file, remembering the last one read.
func (d *Diffs) read(h *History, v *Version) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	// One commit holds every dataset's file: the key names both.
	key := v.Commit + "\x00" + h.Def.Name
	if d.memo.key == key {
		return d.memo.b, nil
	}
	b, err := h.Read(v)
	if err != nil {
		return nil, err
	}
	d.memo.key, d.memo.b = key, b
	return b, nil
}

// optionsKey names everything besides the two files that shapes a cached
// diff, so that a change of schema, options or caps misses the cache.
func (d *Diffs) optionsKey(def *dataset.Definition) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d|%v|%+v|", cacheFormat, d.caps(), diff.OptionsFor(def))
	for _, f := range def.Schema.Fields {
		fmt.Fprintf(h, "%s:%s,", f.Name, f.Type)
	}
	fmt.Fprintf(h, "|%v", def.Schema.PrimaryKey)
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// cached returns the cached report at base and copies its CSV to csvPath,
// or reports false when the cache has no whole entry.
func (d *Diffs) cached(base, csvPath string) (*diff.Report, bool, bool) {
	b, err := os.ReadFile(base + ".json")
	if err != nil {
		return nil, false, false // not cached, or unreadable: compute it again
	}
	var e entry
	if err := json.Unmarshal(b, &e); err != nil || e.Format != cacheFormat || e.Report == nil {
		return nil, false, false
	}
	if e.CSV {
		if err := dataset.LinkOrCopy(base+".csv", csvPath); err != nil {
			return nil, false, false
		}
		d.use(base + ".csv")
	}
	d.use(base + ".json")
	return e.Report, e.CSV, true
}

// store keeps an entry and its CSV; the JSON goes last, since its presence
// says the entry is whole.
func (d *Diffs) store(base string, e entry, csvPath string) error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("history: cache diff: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		return fmt.Errorf("history: cache diff: %w", err)
	}
	if e.CSV {
		if err := dataset.WriteFileAtomic(base+".csv", dataset.CopyFrom(csvPath)); err != nil {
			return fmt.Errorf("history: cache diff: %w", err)
		}
		d.use(base + ".csv")
	}
	if err := dataset.WriteFileAtomicBytes(base+".json", b); err != nil {
		return fmt.Errorf("history: cache diff: %w", err)
	}
	d.use(base + ".json")
	return nil
}

func (d *Diffs) use(path string) {
	if d.used == nil {
		d.used = map[string]bool{}
	}
	d.used[path] = true
}

// Prune removes the cached diffs of the named datasets that were not used
// since the last Prune, so that the cache holds the diffs of the versions
// shown and no more.
func (d *Diffs) Prune(datasets ...string) error {
	if d.Dir == "" {
		return nil
	}
	for _, name := range datasets {
		dir := filepath.Join(d.Dir, "diffs", name)
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			if !d.used[p] {
				if err := os.RemoveAll(p); err != nil {
					return fmt.Errorf("history: prune cache: %w", err)
				}
			}
		}
	}
	d.used = nil
	return nil
}

// blob returns the id of the dataset's Parquet blob at version v, or
// "none" where there is no version or no file: the cache is keyed by it.
func (h *History) blob(v *Version) (string, error) {
	if v == nil || v.Parquet.IsZero() {
		return "none", nil
	}
	return v.Parquet.String(), nil
}
