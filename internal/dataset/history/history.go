// Package history lists the published versions of a dataset from the data
// repository's git history and reads any version straight from git
// objects, without checking anything out.
package history

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
)

// Version is one published version of a dataset: a commit that changed it.
type Version struct {
	Commit  string    // full hash
	Time    time.Time // commit time
	Subject string    // first line of the commit message
	// Version, Created, Rows and Sample come from the version's
	// datapackage.json; Version is empty where the commit removed the
	// dataset.
	Version string
	Created string
	Rows    int
	Sample  bool
	// Changes counts the rows changed against the previous version.
	Changes dataset.VersionChanges
	// Parquet is the blob of the version's Parquet file, zero where the
	// commit has none. Equal blobs are equal files, so it keys caches.
	Parquet dataset.ObjectID
	// Withheld lists the sources whose rows the version withheld under
	// their terms, with the counts its descriptor gives.
	Withheld []dataset.SourceRef
}

// Short returns the abbreviated commit hash.
func (v Version) Short() string { return v.Commit[:min(10, len(v.Commit))] }

// Label returns the version, or the short hash where there is none.
func (v Version) Label() string {
	if v.Version != "" {
		return v.Version
	}
	return v.Short()
}

// History is a dataset's versions in one repository.
type History struct {
	Repo     dataset.Repo
	Def      *dataset.Definition
	Versions []Version // newest first
}

// Load lists the versions of def in repo, newest first. Counts of changes
// come from each version's descriptor; versions whose descriptor lacks them
// are compared with the version before.
func Load(repo dataset.Repo, def *dataset.Definition) (*History, error) {
	commits, err := repo.Log(dataset.DirPath(def.Name))
	if err != nil {
		return nil, err
	}
	h := &History{Repo: repo, Def: def}
	descPath, pqPath := dataset.DescriptorPath(def.Name), dataset.ParquetPath(def.Name)
	var uncounted []int // versions whose descriptor records no counts
	for _, c := range commits {
		v := Version{Commit: c.ID.String(), Time: c.Time, Subject: strings.SplitN(c.Message, "\n", 2)[0]}
		v.Parquet, err = repo.Stat(c.ID, pqPath)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		b, err := repo.ReadFile(c.ID, descPath)
		switch {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return nil, err
		default:
			var d dataset.Descriptor
			if err := json.Unmarshal(b, &d); err != nil {
				return nil, fmt.Errorf("history: %s at %s: %w", descPath, v.Short(), err)
			}
			v.Version, v.Created, v.Sample = d.Version, d.Created, d.Sample
			v.Withheld = d.WithheldSources()
			if len(d.Resources) > 0 {
				v.Rows = d.Resources[0].Rows
			}
			if d.Changes != nil {
				v.Changes = *d.Changes
			} else {
				uncounted = append(uncounted, len(h.Versions))
			}
		}
		h.Versions = append(h.Versions, v)
	}
	// Count what no descriptor recorded by comparing with the version before.
	for _, i := range uncounted {
		v := &h.Versions[i]
		var prev *Version
		if i+1 < len(h.Versions) {
			prev = &h.Versions[i+1]
		}
		sum, err := h.Diff(prev, v, nil)
		if err != nil {
			return nil, err
		}
		v.Changes = dataset.VersionChanges{Added: sum.Added, Removed: sum.Removed, Changed: sum.Changed,
			Revisions: sum.Revisions, Markers: sum.Markers, Replaced: sum.Replaced, Material: sum.Material}
		if prev != nil {
			v.Changes.Previous = prev.Version
		}
	}
	return h, nil
}

// Previous returns the version before v, or nil for the first.
func (h *History) Previous(v *Version) *Version {
	for i := range h.Versions {
		if h.Versions[i].Commit == v.Commit && i+1 < len(h.Versions) {
			return &h.Versions[i+1]
		}
	}
	return nil
}

// ErrNoVersion reports a reference that names no version.
var ErrNoVersion = errors.New("no such version")

// Find returns the version a reference names: a version ("2026-11-25"), a
// tag ("military-expenditure/2026-11-25"), a commit hash or its prefix (at
// least 4 characters), HEAD, or HEAD~N (N versions back).
func (h *History) Find(ref string) (*Version, error) {
	if len(h.Versions) == 0 {
		return nil, fmt.Errorf("history: %s has no published version: %w", h.Def.Name, ErrNoVersion)
	}
	if ref == "HEAD" || ref == "latest" {
		return &h.Versions[0], nil
	}
	if n, ok := strings.CutPrefix(ref, "HEAD~"); ok {
		var back int
		if _, err := fmt.Sscan(n, &back); err == nil && back >= 0 {
			if back < len(h.Versions) {
				return &h.Versions[back], nil
			}
			return nil, fmt.Errorf("history: %s has %d versions, not %d: %w", h.Def.Name, len(h.Versions), back+1, ErrNoVersion)
		}
	}
	version := strings.TrimPrefix(ref, h.Def.Name+"/")
	for i := range h.Versions {
		if h.Versions[i].Version == version {
			return &h.Versions[i], nil
		}
	}
	var found *Version
	if len(ref) >= 4 {
		for i := range h.Versions {
			if strings.HasPrefix(h.Versions[i].Commit, strings.ToLower(ref)) {
				if found != nil {
					return nil, fmt.Errorf("history: %q names more than one version", ref)
				}
				found = &h.Versions[i]
			}
		}
	}
	if found == nil {
		return nil, fmt.Errorf("history: %q is not a version, tag or commit of %s: %w", ref, h.Def.Name, ErrNoVersion)
	}
	return found, nil
}

// Read returns the Parquet file of version v, from git objects, verified
// against its id. A nil version, or one that removed the dataset, reads as
// no file (nil).
func (h *History) Read(v *Version) ([]byte, error) {
	if v == nil || v.Version == "" || v.Parquet.IsZero() {
		return nil, nil
	}
	b, err := h.Repo.ReadBlob(v.Parquet)
	if err != nil {
		return nil, fmt.Errorf("history: %s at %s: %w", dataset.ParquetPath(h.Def.Name), v.Label(), err)
	}
	return b, nil
}

// batches returns version v's rows one row group at a time, from a
// verified copy of its blob in a temporary file, so that neither version of
// a diff is held whole; nil v, or one that removed the dataset, is an empty
// version. The caller must call done.
func (h *History) batches(v *Version) (b diff.Batches, done func(), err error) {
	if v == nil || v.Version == "" || v.Parquet.IsZero() {
		return diff.Tables(), func() {}, nil
	}
	blob, err := h.Repo.OpenBlob(v.Parquet)
	if err != nil {
		return nil, nil, fmt.Errorf("history: %s at %s: %w", dataset.ParquetPath(h.Def.Name), v.Label(), err)
	}
	r, err := dataset.NewParquetReader(blob, h.Def.Schema)
	if err != nil {
		blob.Close()
		return nil, nil, fmt.Errorf("history: %s at %s: %w", dataset.ParquetPath(h.Def.Name), v.Label(), err)
	}
	r.ReuseTables() // diff.Compare holds two batches at most
	return r, func() { blob.Close() }, nil
}

// Table returns the whole of version v.
func (h *History) Table(v *Version) (*dataset.Table, error) {
	b, err := h.Read(v)
	if err != nil || b == nil {
		return nil, err
	}
	return dataset.ReadParquetBytes(b, h.Def.Schema)
}

// Diff compares two versions (from may be nil: everything is added) and
// calls fn for every changed row in key order.
func (h *History) Diff(from, to *Version, fn func(*diff.Change) error) (*diff.Summary, error) {
	a, doneA, err := h.batches(from)
	if err != nil {
		return nil, err
	}
	defer doneA()
	b, doneB, err := h.batches(to)
	if err != nil {
		return nil, err
	}
	defer doneB()
	return diff.Compare(h.Def.Schema, a, b, diff.OptionsFor(h.Def), fn)
}
