package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/defence-transparency/publish/internal/crash"
	"github.com/defence-transparency/publish/internal/dataset"
)

// A dataset's version is three files (Parquet, datapackage.json and
// README.md) that must change together: a Parquet file beside the
// descriptor of an older version would be committed under that version's
// number. They are written through a journal in the cache: first all three,
// synced, into a folder of their own, then a manifest naming where each
// goes (the commit point), then each is put in place atomically, and the
// folder is removed. A run killed before the manifest leaves the dataset
// as it was (the repair removes the folder); one killed after it leaves a
// journal that the repair at the next start plays to the end.

// unitFile is one file of a dataset's version: its slash-separated path in
// the data repository and its content.
type unitFile struct {
	path    string
	content []byte
}

// journalDir returns the journal folder of a dataset.
func (w Workspace) journalDir(name string) string { return filepath.Join(w.CacheDir, "journal", name) }

// manifestFile is the journal's commit point: once it exists, the files
// are complete and must all be put in place.
const manifestFile = "manifest.json"

// writeUnit writes a dataset's files as one unit.
func (w Workspace) writeUnit(name string, files []unitFile) error {
	dir := w.journalDir(name)
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("pipeline: journal: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("pipeline: journal: %w", err)
	}
	// The journal's folder outlives a power cut once its manifest does.
	if err := dataset.SyncDirs(filepath.Dir(dir), filepath.Dir(filepath.Dir(dir))); err != nil {
		return fmt.Errorf("pipeline: journal: %w", err)
	}
	var paths []string
	for i, f := range files {
		if err := dataset.WriteFileAtomicBytes(filepath.Join(dir, strconv.Itoa(i)), f.content); err != nil {
			return fmt.Errorf("pipeline: journal: %w", err)
		}
		paths = append(paths, f.path)
	}
	b, err := json.Marshal(paths)
	if err != nil {
		return fmt.Errorf("pipeline: journal: %w", err)
	}
	if err := dataset.WriteFileAtomicBytes(filepath.Join(dir, manifestFile), b); err != nil {
		return fmt.Errorf("pipeline: journal: %w", err)
	}
	crash.Point(crash.BuildJournal)
	return w.playJournal(dir)
}

// playJournal puts the files of a complete journal in place, then removes
// it. Playing it twice does no harm: each file is replaced atomically by
// the same content.
func (w Workspace) playJournal(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		return fmt.Errorf("pipeline: journal: %w", err)
	}
	var paths []string
	if err := json.Unmarshal(b, &paths); err != nil {
		return fmt.Errorf("pipeline: journal %s: %w", dir, err)
	}
	points := []string{crash.BuildParquet, crash.BuildDescriptor}
	for i, p := range paths {
		content, err := os.ReadFile(filepath.Join(dir, strconv.Itoa(i)))
		if err != nil {
			return fmt.Errorf("pipeline: journal: %w", err)
		}
		target := w.path(p)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("pipeline: journal: %w", err)
		}
		if err := dataset.WriteFileAtomicBytes(target, content); err != nil {
			return err
		}
		if i < len(points) {
			crash.Point(points[i])
		}
	}
	// The manifest goes first: a run killed while the folder is removed
	// must not leave a manifest naming files already gone.
	if err := os.Remove(filepath.Join(dir, manifestFile)); err != nil {
		return fmt.Errorf("pipeline: journal: %w", err)
	}
	if err := dataset.SyncDirs(dir); err != nil {
		return fmt.Errorf("pipeline: journal: %w", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("pipeline: journal: %w", err)
	}
	return nil
}

// recoverJournals finishes the journals a killed run completed and removes
// those it did not, and returns the datasets whose files it put in place.
func (w Workspace) recoverJournals() ([]string, error) {
	root := filepath.Join(w.CacheDir, "journal")
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pipeline: journal: %w", err)
	}
	var played []string
	for _, e := range entries {
		dir := filepath.Join(root, e.Name())
		if _, err := os.Stat(filepath.Join(dir, manifestFile)); err == nil {
			if err := w.playJournal(dir); err != nil {
				return played, err
			}
			played = append(played, e.Name())
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			return played, fmt.Errorf("pipeline: journal: %w", err)
		}
	}
	return played, nil
}
