package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
)

// The split between what is published and what is withheld.
//
// A source whose terms do not allow its data to be redistributed (terms
// "excerpt" or "link" in the sources file, and no permission recorded) is
// withheld: build writes its rows not into the dataset's Parquet file,
// which is committed and offered for download, but into the cache, one
// file per version (WithheldPath), which is never committed. The published
// descriptor and README say, for each withheld source, how many rows were
// withheld, why, where the publisher offers them, a hash that tells whether
// they changed, and what changed since the previous version, counted
// against the previous version's withheld file. The site reads the
// withheld rows of "excerpt" sources only for each country's own page
// (SiteInput); commit refuses a dataset file that holds rows of a withheld
// source (ErrWithheldRows).

// ErrWithheldRows reports a dataset file, about to be committed, that holds
// rows of a source whose terms withhold them.
var ErrWithheldRows = errors.New("rows of a source whose terms withhold them")

// WithheldDir returns the cache directory of a dataset's withheld rows.
func (w Workspace) WithheldDir(name string) string {
	return filepath.Join(w.CacheDir, "withheld", name)
}

// WithheldPath returns the file of the rows withheld from a version of a
// dataset: the rows of its withheld sources, sorted by key, in the
// dataset's schema.
func (w Workspace) WithheldPath(name, version string) string {
	return filepath.Join(w.WithheldDir(name), version+".parquet")
}

// readWithheld returns the withheld rows of a version of def, or ok false
// when the cache does not hold them.
func readWithheld(ws Workspace, def *dataset.Definition, version string) (t *dataset.Table, ok bool, err error) {
	if version == "" {
		return nil, false, nil
	}
	t, err = dataset.ReadParquetFile(ws.WithheldPath(def.Name, version), def.Schema)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("read the withheld rows of %s %s: %w", def.Name, version, err)
	}
	return t, true, nil
}

// writeWithheld writes the withheld rows of a version. The previous
// version's file stays until pruneWithheld: should the build stop before
// the new descriptor is written, the next build still compares with it.
func writeWithheld(ws Workspace, def *dataset.Definition, version string, t *dataset.Table) error {
	var b bytes.Buffer
	if err := dataset.WriteParquet(&b, t); err != nil {
		return err
	}
	if err := os.MkdirAll(ws.WithheldDir(def.Name), 0o755); err != nil {
		return err
	}
	return dataset.WriteFileAtomicBytes(ws.WithheldPath(def.Name, version), b.Bytes())
}

// pruneWithheld removes the withheld files of versions other than keep,
// once keep's descriptor is written: the next build compares with keep.
func pruneWithheld(ws Workspace, def *dataset.Definition, keep string) error {
	entries, err := os.ReadDir(ws.WithheldDir(def.Name))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	version := keep
	for _, e := range entries {
		if e.Name() != version+".parquet" && strings.HasSuffix(e.Name(), ".parquet") {
			if err := os.Remove(filepath.Join(ws.WithheldDir(def.Name), e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// sourceRows returns the rows of t that source gave; nil t gives nil.
func sourceRows(t *dataset.Table, source string) *dataset.Table {
	if t == nil {
		return nil
	}
	col := t.Schema.Index(dataset.SourceField)
	return t.Filter(func(i int) bool { return t.Columns[col].Strings[i] == source })
}

// previousRows returns the rows a source had in the previous version: in
// the published file, or in the withheld file of that version (held).
func previousRows(prev *lastVersion, held *dataset.Table, source string) (*dataset.Table, error) {
	rows, err := prev.sourceRows(source)
	if err != nil || rows != nil && rows.Len() > 0 {
		return rows, err
	}
	return sourceRows(held, source), nil
}

// previousCounts counts the rows each source had in the previous version,
// as previousRows finds them: in the published file, or else in the
// withheld file (whose counts are held).
func previousCounts(prev *lastVersion, held map[string]int) map[string]int {
	counts := map[string]int{}
	if prev != nil {
		maps.Copy(counts, prev.counts)
	}
	for name, n := range held {
		if counts[name] == 0 {
			counts[name] = n
		}
	}
	return counts
}

// countSources counts the rows of t by source; nil t has none.
func countSources(t *dataset.Table) map[string]int {
	counts := map[string]int{}
	if t != nil {
		addSourceCounts(counts, t)
	}
	return counts
}

// addSourceCounts adds the rows of t to counts, by source.
func addSourceCounts(counts map[string]int, t *dataset.Table) {
	col := t.Schema.Index(dataset.SourceField)
	if col < 0 {
		return
	}
	for _, name := range t.Columns[col].Strings[:t.Len()] {
		counts[name]++
	}
}

// withholding is what build withholds of one source in a version.
type withholding struct {
	src     collect.Source
	entry   *dataset.Withheld
	changed bool // the rows differ from the previous version's
}

// withhold describes the withheld rows of src (rows, never nil) against
// the previous version: prevDesc (nil for the first version), its
// published rows of the source (prevPublic, nil for none) and its withheld
// rows (held, known when the cache holds them).
func withhold(def *dataset.Definition, src collect.Source, rows *dataset.Table, prevDesc *dataset.Descriptor,
	prevPublic, held *dataset.Table, heldKnown bool) (*withholding, error) {
	var b bytes.Buffer
	if err := dataset.WriteParquet(&b, rows); err != nil {
		return nil, err
	}
	w := &withholding{src: src, entry: &dataset.Withheld{
		Rows: rows.Len(), Reason: src.WithheldReason(), Download: src.DownloadURL(), Hash: dataset.ContentHash(b.Bytes()),
	}}
	var before *dataset.Withheld // the source's entry in the previous version
	if prevDesc != nil {
		for _, s := range prevDesc.Sources {
			if s.Name == src.Name {
				before = s.Withheld
			}
		}
	}
	var old *dataset.Table
	known := true
	switch {
	case prevDesc == nil:
	case before != nil:
		old, known = sourceRows(held, src.Name), heldKnown
	default:
		// Published in full before (its terms or a permission changed).
		old = prevPublic
	}
	if before != nil {
		w.changed = before.Hash != w.entry.Hash
	} else {
		w.changed = rows.Len() > 0 || (old != nil && old.Len() > 0)
	}
	if !known {
		return w, nil
	}
	sum, err := diff.Compare(def.Schema, diff.Tables(old), diff.Tables(rows), diff.OptionsFor(def), nil)
	if err != nil {
		return nil, fmt.Errorf("compare the withheld rows of source %s: %w", src.Name, err)
	}
	w.entry.Changes = &dataset.VersionChanges{Added: sum.Added, Removed: sum.Removed, Changed: sum.Changed,
		Revisions: sum.Revisions, Markers: sum.Markers}
	if prevDesc != nil {
		w.entry.Changes.Previous = prevDesc.Version
	}
	return w, nil
}

// checkPublishable returns an error wrapping ErrWithheldRows when the
// Parquet file at path (missing: none) holds rows of a source of cfg that
// does not publish. It reads one row group at a time.
func checkPublishable(path string, def *dataset.Definition, cfg *collect.Config) error {
	col := def.Schema.Index(dataset.SourceField)
	if cfg == nil || col < 0 {
		return nil
	}
	pr, err := dataset.OpenParquet(path, def.Schema)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer pr.Close()
	counts := map[string]int{}
	if err := dataset.EachBatch(pr, func(t *dataset.Table) error { addSourceCounts(counts, t); return nil }); err != nil {
		return err
	}
	for _, src := range cfg.Sources {
		if n := counts[src.Name]; n > 0 && !src.Publishes() {
			return fmt.Errorf("%w: %d rows of source %s (terms %q, no permission recorded): run publish build, which withholds them",
				ErrWithheldRows, n, src.Name, src.Terms)
		}
	}
	return nil
}
