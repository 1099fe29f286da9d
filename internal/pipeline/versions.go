package pipeline

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
)

// checkVersion reports whether the dataset's Parquet file in the working
// tree is not the one its descriptor describes (stale): left by a run
// killed between writing the two before they were written as one unit, or
// by a descriptor restored by hand. Such a file is no published version, so
// what the build writes is a new version, never the old number over new
// rows. The rows to compare the new version with are then those of the
// version the descriptor names, read from the repository's HEAD when it
// holds them; otherwise the working tree's file stays the comparison.
func checkVersion(ws Workspace, o BuildOptions, def *dataset.Definition, desc *dataset.Descriptor, prev *dataset.Table) (bool, *dataset.Table, error) {
	want := parquetHash(desc)
	if desc == nil || prev == nil || want == "" {
		return false, prev, nil
	}
	b, err := os.ReadFile(ws.ParquetPath(def.Name))
	if err != nil {
		return false, nil, err
	}
	if dataset.ContentHash(b) == want {
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
	t, err := dataset.ReadParquetBytes(committed, def.Schema)
	if err != nil {
		return true, nil, fmt.Errorf("read the committed version %s: %w", desc.Version, err)
	}
	return true, t, nil
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
