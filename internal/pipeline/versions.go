package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
)

// checkVersion reports whether the dataset's Parquet file in the working
// tree (prev) is not the one its descriptor describes (stale): left by a
// run killed between writing the two before they were written as one
// unit, or by a descriptor restored by hand. Such a file is no published
// version, so what the build writes is a new version, never the old number
// over new rows. The version to compare the new one with is then the one
// the descriptor names, read from the repository's HEAD when it holds it;
// otherwise the working tree's file stays the comparison.
func checkVersion(o BuildOptions, def *dataset.Definition, desc *dataset.Descriptor, prev *lastVersion) (bool, *lastVersion, error) {
	want := parquetHash(desc)
	if desc == nil || prev == nil || want == "" {
		return false, prev, nil
	}
	if dataset.ContentHash(prev.file) == want {
		return false, prev, nil
	}
	o.Log.Warn("the dataset's Parquet file is not the one its descriptor describes: building a new version",
		"dataset", def.Name, "descriptor version", desc.Version)
	if o.Repo == nil {
		return true, prev, nil
	}
	head, err := o.Repo.Head()
	if err != nil || head == nil {
		return true, prev, err
	}
	committed, err := o.Repo.ReadFile(head.ID, dataset.ParquetPath(def.Name))
	if errors.Is(err, os.ErrNotExist) || err == nil && dataset.ContentHash(committed) != want {
		return true, prev, nil
	}
	if err != nil {
		return true, nil, err
	}
	v, err := newLastVersion(committed, def.Schema)
	if err != nil {
		return true, nil, fmt.Errorf("read the committed version %s: %w", desc.Version, err)
	}
	return true, v, nil
}

// lastVersion is the version a build compares the new one with: its
// Parquet file, read a row group at a time whenever it is needed. Held as
// a table, it would be a second copy of the dataset beside the new rows.
type lastVersion struct {
	schema *dataset.Schema
	file   []byte
	counts map[string]int // rows by source
}

// readLastVersion reads the Parquet file at path, or returns nil when
// there is none.
func readLastVersion(path string, s *dataset.Schema) (*lastVersion, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return newLastVersion(b, s)
}

// newLastVersion reads the Parquet file b through once, counting its rows
// by source; a damaged file fails here.
func newLastVersion(b []byte, s *dataset.Schema) (*lastVersion, error) {
	v := &lastVersion{schema: s, file: b, counts: map[string]int{}}
	if err := v.each(func(t *dataset.Table) error { addSourceCounts(v.counts, t); return nil }); err != nil {
		return nil, err
	}
	return v, nil
}

// batches returns the version's rows a row group at a time, as diff.Compare
// takes them; an absent version (nil) has none.
func (v *lastVersion) batches() (diff.Batches, error) {
	if v == nil {
		return diff.Tables(), nil
	}
	pr, err := dataset.NewParquetReader(bytes.NewReader(v.file), v.schema)
	if err != nil {
		return nil, err
	}
	pr.ReuseTables() // its users keep no more than two batches
	return pr, nil
}

// each calls fn with each row group in turn.
func (v *lastVersion) each(fn func(*dataset.Table) error) error {
	b, err := v.batches()
	if err != nil {
		return err
	}
	return dataset.EachBatch(b, fn)
}

// sourceRows returns a copy of the version's rows of source, or nil when
// it has none.
func (v *lastVersion) sourceRows(source string) (*dataset.Table, error) {
	if v == nil || v.counts[source] == 0 {
		return nil, nil
	}
	var parts []*dataset.Table
	err := v.each(func(t *dataset.Table) error {
		parts = append(parts, sourceRows(t, source)) // a copy: t is reused
		return nil
	})
	if err != nil {
		return nil, err
	}
	return dataset.Concat(v.schema, parts...)
}

// parquetHash returns the hash the descriptor gives its Parquet resource.
func parquetHash(desc *dataset.Descriptor) string {
	if desc == nil {
		return ""
	}
	for _, r := range desc.Resources {
		if r.Format == "parquet" {
			return r.Hash
		}
	}
	return ""
}

// freeVersion names the new version of a dataset: nextVersion's name, made
// later (.2, .3 ...) while a tag of the repository already has it, so that
// a version number never names two different versions.
func freeVersion(repo dataset.Repo, def *dataset.Definition, prev *dataset.Descriptor, now time.Time) (string, error) {
	v := nextVersion(prev, now)
	if repo == nil {
		return v, nil
	}
	for range 1000 {
		_, err := repo.TagTarget(def.Name + "/" + v)
		if errors.Is(err, os.ErrNotExist) {
			return v, nil
		}
		if err != nil {
			return "", err
		}
		v = nextVersion(&dataset.Descriptor{Version: v}, now)
	}
	return "", fmt.Errorf("no free version number for %s on %s", def.Name, now.Format("2006-01-02"))
}
