// Package pipeline runs the stages of a publishing run: collect (fetch and
// parse every source into records), build (validate and write the
// datasets), commit (one git commit per run that changed data) and the
// assembly of the site's input. Each stage reads what the previous one left
// on disk and nothing else, so each can run on its own.
package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
)

// Workspace is the on-disk layout of one data repository and its cache.
type Workspace struct {
	// DataDir is the root of the data repository; datasets live in its
	// datasets directory.
	DataDir string
	// CacheDir holds what is not committed: the raw archive of fetched
	// documents, the records of each source's last collection and the
	// run status. Default: DataDir/.publish.
	CacheDir string
}

// NewWorkspace returns the workspace for a data directory, with the default
// cache location when cache is empty.
func NewWorkspace(data, cache string) Workspace {
	if cache == "" {
		cache = filepath.Join(data, ".publish")
	}
	return Workspace{DataDir: data, CacheDir: cache}
}

// path returns the file of the data repository at a slash-separated path
// (the layout is dataset's: dataset.ParquetPath and its siblings).
func (w Workspace) path(slashed string) string {
	return filepath.Join(w.DataDir, filepath.FromSlash(slashed))
}

// ParquetPath returns the published Parquet file of a dataset.
func (w Workspace) ParquetPath(name string) string { return w.path(dataset.ParquetPath(name)) }

// DescriptorPath returns the published datapackage.json of a dataset.
func (w Workspace) DescriptorPath(name string) string { return w.path(dataset.DescriptorPath(name)) }

// ReadmePath returns the published README.md of a dataset.
func (w Workspace) ReadmePath(name string) string { return w.path(dataset.ReadmePath(name)) }

// ArchiveDir returns the raw archive of fetched documents.
func (w Workspace) ArchiveDir() string { return filepath.Join(w.CacheDir, "archive") }

// RecordsPath returns where a source's last collected records are kept.
func (w Workspace) RecordsPath(source string) string {
	return filepath.Join(w.CacheDir, "records", source+".parquet")
}

// StatePath returns the run status file.
func (w Workspace) StatePath() string { return filepath.Join(w.CacheDir, "status.json") }

// SiteBuildDir returns the directory the site generator writes the Hugo
// project into, outside the tracked tree.
func (w Workspace) SiteBuildDir() string { return filepath.Join(w.CacheDir, "site") }

// State is the status of every source as of the last run, kept in the cache.
type State struct {
	Updated time.Time               `json:"updated"`
	Sources map[string]*SourceState `json:"sources"`
}

// SourceState is one source's status.
type SourceState struct {
	Name        string    `json:"name"`
	Dataset     string    `json:"dataset"`
	Status      string    `json:"status"`
	Error       string    `json:"error,omitempty"`
	LastAttempt time.Time `json:"last_attempt"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	Rows        int       `json:"rows"`
	// Records is the SHA-256 of the records file the last success wrote.
	Records string `json:"records,omitempty"`
	// Parser names the build of publish that parsed the records
	// (CollectOptions.Version).
	Parser string `json:"parser,omitempty"`
	// Sample is set when the records came from the bundled offline mirror.
	Sample    bool          `json:"sample"`
	Documents []DocumentRef `json:"documents,omitempty"`
	// Warnings are what the collector noticed in the documents and left
	// out, such as a spreadsheet error value.
	Warnings []string `json:"warnings,omitempty"`
}

// DocumentRef is the provenance of one document a source was built from.
type DocumentRef struct {
	URL         string    `json:"url"`
	SHA256      string    `json:"sha256"`
	Fetched     time.Time `json:"fetched"`
	NotModified bool      `json:"not_modified,omitempty"`
}

// Usable reports whether the source's records file holds its current
// records.
func (s *SourceState) Usable() bool {
	return s != nil && (s.Status == dataset.SourceOK || s.Status == dataset.SourceUnchanged) && s.Records != ""
}

// ReadState reads the run status; a missing file is an empty state.
func (w Workspace) ReadState() (*State, error) {
	st := &State{Sources: map[string]*SourceState{}}
	b, err := os.ReadFile(w.StatePath())
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pipeline: read status: %w", err)
	}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("pipeline: read status %s: %w", w.StatePath(), err)
	}
	if st.Sources == nil {
		st.Sources = map[string]*SourceState{}
	}
	return st, nil
}

// WriteState writes the run status atomically.
func (w Workspace) WriteState(st *State) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("pipeline: write status: %w", err)
	}
	if err := os.MkdirAll(w.CacheDir, 0o755); err != nil {
		return fmt.Errorf("pipeline: write status: %w", err)
	}
	return dataset.WriteFileAtomicBytesIfChanged(w.StatePath(), append(b, '\n'))
}

// SourceErrors lists the sources that failed in a run whose other sources
// went ahead. Their last good data stays published.
type SourceErrors struct {
	Failed []SourceError
}

// SourceError is one failed source.
type SourceError struct {
	Source string
	Err    error
}

func (e *SourceErrors) Error() string {
	var b strings.Builder
	if len(e.Failed) == 1 {
		b.WriteString("1 source failed")
	} else {
		fmt.Fprintf(&b, "%d sources failed", len(e.Failed))
	}
	for _, f := range e.Failed {
		fmt.Fprintf(&b, "\n  %s: %v", f.Source, f.Err)
	}
	b.WriteString("\nthe last good data of each failed source is kept")
	return b.String()
}

// Unwrap returns the sources' errors, for errors.Is.
func (e *SourceErrors) Unwrap() []error {
	errs := make([]error, len(e.Failed))
	for i, f := range e.Failed {
		errs[i] = f.Err
	}
	return errs
}

func (e *SourceErrors) add(source string, err error) {
	e.Failed = append(e.Failed, SourceError{Source: source, Err: err})
	sort.Slice(e.Failed, func(i, j int) bool { return e.Failed[i].Source < e.Failed[j].Source })
}

// orNil returns e when it holds failures, else nil.
func (e *SourceErrors) orNil() error {
	if e == nil || len(e.Failed) == 0 {
		return nil
	}
	return e
}

// prepareRepo sets up a data repository's local git settings, which are
// never committed: the cache kept out of git status, and the Parquet diff
// driver named for the dataset files (publish textconv).
func (w Workspace) prepareRepo() error {
	if err := appendLine(filepath.Join(w.DataDir, ".git", "info", "attributes"),
		dataset.DatasetsDir+"/**/*.parquet diff=parquet", "# show Parquet versions as CSV rows: git config diff.parquet.textconv \"publish textconv\""); err != nil {
		return err
	}
	// The run lock's folder, whatever the cache.
	if err := w.excludeDir(filepath.Dir(w.LockPath())); err != nil {
		return err
	}
	return w.excludeCache()
}

// excludeCache keeps a cache inside the data repository out of git status,
// through the repository's own .git/info/exclude (nothing is committed).
func (w Workspace) excludeCache() error {
	rel, err := filepath.Rel(w.DataDir, w.CacheDir)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") || filepath.IsAbs(rel) {
		return nil
	}
	return appendLine(filepath.Join(w.DataDir, ".git", "info", "exclude"),
		"/"+filepath.ToSlash(rel)+"/", "# publish's cache of raw documents, records and site build")
}

// appendLine adds line, after a comment, to a file unless it holds it.
func appendLine(path, pattern, comment string) error {
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("pipeline: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == pattern {
			return nil
		}
	}
	if len(b) > 0 && !strings.HasSuffix(string(b), "\n") {
		b = append(b, '\n')
	}
	b = append(b, []byte(comment+"\n"+pattern+"\n")...)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("pipeline: %w", err)
	}
	return os.WriteFile(path, b, 0o644)
}
