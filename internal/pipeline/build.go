package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
)

// ErrSampleOverLive reports a sample run aimed at a repository that holds
// live data.
var ErrSampleOverLive = errors.New("refusing to write sample data over live data")

// BuildOptions configure the build stage.
type BuildOptions struct {
	Config   *collect.Config
	Datasets []*dataset.Definition
	Now      func() time.Time
	Log      *slog.Logger
	Progress func(msg string)
}

// DatasetResult is what the build did to one dataset.
type DatasetResult struct {
	Name    string
	Changed bool // new files were written
	Rows    int
	Version string
	Summary *diff.Summary // against the previously written version
}

// Build validates each source's collected records and writes every dataset
// whose rows changed: Parquet, datapackage.json and README.md, atomically. A
// source whose records are missing, invalid or fail their assertions keeps
// its rows from the previous version; it is marked failed in the status
// file and reported in the returned *SourceErrors, while the other sources
// are published. Any other error means the dataset was left untouched.
func Build(ctx context.Context, ws Workspace, o BuildOptions) ([]DatasetResult, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	st, err := ws.ReadState()
	if err != nil {
		return nil, err
	}
	errs := &SourceErrors{}
	var results []DatasetResult
	for _, def := range o.Datasets {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		progress(o.Progress, "build %s", def.Name)
		res, err := buildDataset(ws, o, st, def, errs)
		if err != nil {
			return results, fmt.Errorf("build %s: %w", def.Name, err)
		}
		results = append(results, *res)
	}
	if err := ws.WriteState(st); err != nil {
		return results, err
	}
	return results, errs.orNil()
}

func buildDataset(ws Workspace, o BuildOptions, st *State, def *dataset.Definition, errs *SourceErrors) (*DatasetResult, error) {
	prev, err := readTable(ws.ParquetPath(def.Name), def.Schema)
	if err != nil {
		return nil, fmt.Errorf("read the published version: %w", err)
	}
	prevDesc, err := readDescriptor(ws.DescriptorPath(def.Name))
	if err != nil {
		return nil, err
	}
	var sources []collect.Source
	for _, s := range o.Config.Sources {
		if s.Dataset == def.Name {
			sources = append(sources, s)
		}
	}
	srcCol := def.Schema.Index(dataset.SourceField)
	sample := false
	var parts []*dataset.Table
	for _, src := range sources {
		var kept *dataset.Table
		if prev != nil {
			kept = prev.Filter(func(i int) bool { return prev.Columns[srcCol].Strings[i] == src.Name })
		}
		s := st.Sources[src.Name]
		recs, err := sourceRecords(ws, def.Schema, src, s, kept)
		if err != nil {
			if s == nil {
				s = &SourceState{Name: src.Name, Dataset: src.Dataset, Status: StatusNotRun}
				st.Sources[src.Name] = s
			}
			if s.Usable() {
				s.Status = StatusFailed
			}
			if s.Status == StatusFailed || s.Error == "" {
				s.Error = err.Error()
			}
			if kept != nil && kept.Len() > 0 {
				o.Log.Warn("keeping the last good rows of a source", "source", src.Name, "rows", kept.Len(), "reason", err)
			}
			errs.add(src.Name, err)
			parts = append(parts, kept)
			if prevDesc != nil && prevDesc.Sample {
				sample = true
			}
			continue
		}
		sample = sample || s.Sample
		parts = append(parts, recs)
	}
	if prevDesc != nil && !prevDesc.Sample && sample {
		return nil, fmt.Errorf("%w in %s: run with --live, or choose another --data repository", ErrSampleOverLive, ws.DataDir)
	}
	t, err := dataset.Concat(def.Schema, parts...)
	if err != nil {
		return nil, err
	}
	t.SortByKey()
	if prev == nil && t.Len() == 0 {
		// No source has yielded anything yet: there is nothing to publish,
		// and an empty first version would only mislead.
		return &DatasetResult{Name: def.Name}, nil
	}
	if err := dataset.Validate(t); err != nil {
		return nil, err
	}
	var pq bytes.Buffer
	if err := dataset.WriteParquet(&pq, t); err != nil {
		return nil, err
	}
	sum, err := diff.Compare(def.Schema, diff.Tables(prev), diff.Tables(t), diff.OptionsFor(def), nil)
	if err != nil {
		return nil, err
	}
	res := &DatasetResult{Name: def.Name, Rows: t.Len(), Summary: sum}
	desc := describe(def, t, sources, prevDesc, pq.Bytes(), sample)
	dataChanged := !sameFile(ws.ParquetPath(def.Name), pq.Bytes())
	if prevDesc != nil {
		desc.Version, desc.Created, desc.Changes = prevDesc.Version, prevDesc.Created, prevDesc.Changes
	}
	if !dataChanged && sameDescription(prevDesc, desc) {
		res.Version = desc.Version
		return res, nil
	}
	if dataChanged {
		now := o.Now().UTC()
		desc.Version, desc.Created = nextVersion(prevDesc, now), now.Format(time.RFC3339)
		desc.Changes = &dataset.VersionChanges{Added: sum.Added, Removed: sum.Removed, Changed: sum.Changed,
			Revisions: sum.Revisions, Markers: sum.Markers}
		if prevDesc != nil {
			desc.Changes.Previous = prevDesc.Version
		}
		for i := range desc.Sources {
			if c := sum.BySource[desc.Sources[i].Name]; c != nil && c.Total() > 0 || desc.Sources[i].Updated == "" {
				desc.Sources[i].Updated = desc.Created
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(ws.ParquetPath(def.Name)), 0o755); err != nil {
		return nil, err
	}
	descJSON, err := desc.Marshal()
	if err != nil {
		return nil, err
	}
	if err := dataset.WriteFileAtomicBytes(ws.ParquetPath(def.Name), pq.Bytes()); err != nil {
		return nil, err
	}
	if err := dataset.WriteFileAtomicBytes(ws.DescriptorPath(def.Name), descJSON); err != nil {
		return nil, err
	}
	if err := dataset.WriteFileAtomicBytes(ws.DatasetPath(def.Name, "README.md"), Readme(def, desc)); err != nil {
		return nil, err
	}
	res.Changed, res.Version = true, desc.Version
	o.Log.Info("dataset written", "dataset", def.Name, "version", desc.Version, "rows", t.Len(),
		"added", sum.Added, "removed", sum.Removed, "changed", sum.Changed)
	return res, nil
}

// sourceRecords returns a source's freshly collected records after checking
// them, or an error saying why the previous rows (kept) stay.
func sourceRecords(ws Workspace, schema *dataset.Schema, src collect.Source, s *SourceState, kept *dataset.Table) (*dataset.Table, error) {
	switch {
	case s == nil || s.Status == StatusNotRun:
		return nil, errors.New("not collected yet")
	case s.Status == StatusFailed:
		return nil, fmt.Errorf("collect failed: %s", s.Error)
	case !s.Usable():
		return nil, fmt.Errorf("no usable records (status %s)", s.Status)
	}
	b, err := os.ReadFile(ws.RecordsPath(src.Name))
	if err != nil {
		return nil, fmt.Errorf("read records: %w", err)
	}
	if collect.Sum(b) != s.Records {
		return nil, fmt.Errorf("records file %s does not match the status file: collect again", ws.RecordsPath(src.Name))
	}
	t, err := dataset.ReadParquetBytes(b, schema)
	if err != nil {
		return nil, fmt.Errorf("read records: %w", err)
	}
	if err := dataset.Validate(t); err != nil {
		return nil, fmt.Errorf("records rejected: %w", err)
	}
	previous := 0
	if kept != nil {
		previous = kept.Len()
	}
	// min_rows describes the publisher's real files; the bundled mirror holds
	// small samples, where only an empty result is refused.
	minRows := src.MinRows
	if s.Sample {
		minRows = 1
	}
	a := dataset.Assertions{MinRows: max(minRows, 1), MaxDrop: src.DropLimit()}
	if err := a.Check(t.Len(), previous); err != nil {
		return nil, fmt.Errorf("records rejected: %w", err)
	}
	return t, nil
}

func readTable(path string, s *dataset.Schema) (*dataset.Table, error) {
	t, err := dataset.ReadParquetFile(path, s)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return t, err
}

func readDescriptor(path string) (*dataset.Descriptor, error) {
	d, err := dataset.ReadDescriptor(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return d, err
}

func sameFile(path string, b []byte) bool {
	old, err := os.ReadFile(path)
	return err == nil && bytes.Equal(old, b)
}

// nextVersion names a new version by its UTC date, adding .2, .3 ... when
// the day already has one.
func nextVersion(prev *dataset.Descriptor, now time.Time) string {
	day := now.Format("2006-01-02")
	if prev == nil || !strings.HasPrefix(prev.Version, day) {
		return day
	}
	n := 1
	if _, suffix, ok := strings.Cut(prev.Version, "."); ok {
		n, _ = strconv.Atoi(suffix)
	}
	return fmt.Sprintf("%s.%d", day, n+1)
}
