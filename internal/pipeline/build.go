package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/crash"
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
	// Version names the build of publish (see CollectOptions.Version): a
	// dataset whose inputs and files are as the same build left them is
	// not built again.
	Version string
	// Drop names sources no longer in the sources file whose rows are
	// removed from their datasets; the rows of any other such source are
	// kept (vanished.go).
	Drop []string
	// Repo, when set, is the data repository: a new version never takes
	// a number that a tag already names, and a Parquet file that its
	// descriptor does not describe is compared with the committed one
	// (see checkVersion).
	Repo dataset.Repo
}

// DatasetResult is what the build did to one dataset.
type DatasetResult struct {
	Name    string
	Changed bool // new files were written
	Rows    int
	Version string
	Summary *diff.Summary // against the previously written version
	// Withheld counts the rows of each source that its terms keep out of
	// the published file.
	Withheld map[string]int
	// Removed counts the rows kept of each source no longer in the
	// sources file; Dropped those removed of each source retired or named
	// by --drop.
	Removed, Dropped map[string]int
}

// Build validates each source's collected records and writes every dataset
// whose rows changed: Parquet, datapackage.json and README.md, atomically. A
// source whose records are missing, invalid, fail their assertions or give
// a primary key that another source's rows give (see rejectSharedKeys)
// keeps its rows from the previous version; it is marked failed in the status
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
	if err := checkDrops(o.Config, o.Drop); err != nil {
		return nil, err
	}
	errs := &SourceErrors{}
	keys := ws.readReuse()
	var results []DatasetResult
	for _, def := range o.Datasets {
		if err := ctx.Err(); err != nil {
			return results, err
		}
		in, err := buildInputs(ws, o, st, def, sourcesOf(o.Config, def.Name))
		if err != nil {
			return results, fmt.Errorf("build %s: %w", def.Name, err)
		}
		// A run that drops sources' rows builds afresh.
		if k := keys.Build[def.Name]; in != "" && len(o.Drop) == 0 && k != nil && k.Inputs == in {
			if out, err := buildOutputs(ws, def, k.Version); err == nil && out == k.Outputs {
				o.Log.Info("dataset unchanged: its inputs and files are as the last build left them", "dataset", def.Name, "version", k.Version)
				results = append(results, DatasetResult{Name: def.Name, Rows: k.Rows, Version: k.Version,
					Summary: &diff.Summary{}, Withheld: k.Withheld})
				continue
			}
		}
		progress(o.Progress, "build %s", def.Name)
		failed := len(errs.Failed)
		res, err := buildDataset(ws, o, st, def, errs)
		if err != nil {
			return results, fmt.Errorf("build %s: %w", def.Name, err)
		}
		results = append(results, *res)
		delete(keys.Build, def.Name)
		if in != "" && len(errs.Failed) == failed {
			// The files were written and synced (WriteFileAtomic) before
			// their key is kept.
			out, err := buildOutputs(ws, def, res.Version)
			if err != nil {
				return results, fmt.Errorf("build %s: %w", def.Name, err)
			}
			keys.Build[def.Name] = &buildKey{Inputs: in, Outputs: out, Rows: res.Rows, Version: res.Version, Withheld: res.Withheld}
		}
	}
	if err := ws.WriteState(st); err != nil {
		return results, err
	}
	if err := ws.writeReuse(keys); err != nil {
		return results, err
	}
	crash.Point(crash.BuildDone)
	return results, errs.orNil()
}

func buildDataset(ws Workspace, o BuildOptions, st *State, def *dataset.Definition, errs *SourceErrors) (*DatasetResult, error) {
	// The published version, read a row group at a time when needed.
	prev, err := readLastVersion(ws.ParquetPath(def.Name), def.Schema)
	if err != nil {
		return nil, fmt.Errorf("read the published version: %w", err)
	}
	prevDesc, err := readDescriptor(ws.DescriptorPath(def.Name))
	if err != nil {
		return nil, err
	}
	// A Parquet file that its descriptor does not describe is no
	// published version (versions.go): what is built now is a new one.
	stale, prev, err := checkVersion(o, def, prevDesc, prev)
	if err != nil {
		return nil, err
	}
	// The rows the previous version withheld under their sources' terms
	// (withheld.go), from the cache.
	var prevHeld *dataset.Table
	heldKnown := false
	if prevDesc != nil {
		if prevHeld, heldKnown, err = readWithheld(ws, def, prevDesc.Version); err != nil {
			return nil, err
		}
	}
	sources := sourcesOf(o.Config, def.Name)
	heldCounts := countSources(prevHeld)
	removed, dropped := vanished(def, o.Config, sources, o.Drop, prevDesc, prev, heldCounts)
	for name, n := range dropped {
		o.Log.Warn("dropping the rows of a source retired or named by --drop", "dataset", def.Name, "source", name, "rows", n)
		if s := st.Sources[name]; s != nil && s.Status == dataset.SourceRemoved {
			delete(st.Sources, name)
		}
	}
	sources = append(sources, removed...)
	peaks, err := recentPeaks(o.Repo, def)
	if err != nil {
		return nil, fmt.Errorf("read the recent versions: %w", err)
	}
	// Each source's rows in the previous version are copied out only for
	// a source that falls back to them: a copy of every source's would be
	// a second copy of the version.
	previous := previousCounts(prev, heldCounts)
	last := func(source string) (*dataset.Table, error) { return previousRows(prev, prevHeld, source) }
	parts := make([]*part, len(sources))
	for i, src := range sources {
		p := &part{src: src, schema: def.Schema, keptRows: previous[src.Name], last: last}
		var err error
		if i >= len(sources)-len(removed) {
			err = errRemoved
		} else {
			p.fresh, err = sourceRecords(ws, def.Schema, src, st.Sources[src.Name], p.keptRows, peaks[src.Name])
		}
		if err != nil {
			if err := p.reject(err); err != nil {
				return nil, err
			}
		}
		parts[i] = p
	}
	// Each source's records were validated alone; what no source can
	// check alone is that no two of them give one primary key.
	if err := rejectSharedKeys(parts); err != nil {
		return nil, err
	}
	sample := false
	var inputs []dataset.Batches
	var heldTables []*dataset.Table
	rows, removedRows := map[string]int{}, map[string]int{}
	for _, p := range parts {
		if !p.src.Publishes() {
			r, err := p.table()
			if err != nil {
				return nil, err
			}
			heldTables = append(heldTables, r)
		} else if p.err == nil || p.kept != nil {
			b, err := p.batches()
			if err != nil {
				return nil, err
			}
			inputs = append(inputs, b)
			rows[p.src.Name] = p.len()
		}
		if p.err == nil {
			sample = sample || st.Sources[p.src.Name].Sample
			continue
		}
		if p.kept != nil && p.kept.Len() > 0 {
			// Published once, but the rules may have changed since.
			if err := dataset.Validate(p.kept); err != nil {
				return nil, fmt.Errorf("the last good rows of source %s: %w", p.src.Name, err)
			}
			o.Log.Warn("keeping the last good rows of a source", "source", p.src.Name, "rows", p.kept.Len(), "reason", p.err)
		}
		if errors.Is(p.err, errRemoved) {
			// Not a failure: the operator's word is awaited. The status
			// file carries it to the sources page.
			st.Sources[p.src.Name] = &SourceState{Name: p.src.Name, Dataset: def.Name, Status: dataset.SourceRemoved, Rows: p.keptRows}
			removedRows[p.src.Name] = p.keptRows
			if prevDesc != nil && prevDesc.Sample {
				sample = true
			}
			continue
		}
		markFailed(st, p.src, p.err)
		errs.add(p.src.Name, p.err)
		if prevDesc != nil && prevDesc.Sample {
			sample = true
		}
	}
	if prevDesc != nil && !prevDesc.Sample && sample {
		return nil, fmt.Errorf("%w in %s: run with --live, or choose another --data repository", ErrSampleOverLive, ws.DataDir)
	}
	held, err := dataset.Concat(def.Schema, heldTables...)
	if err != nil {
		return nil, err
	}
	held.SortByKey()
	dataset.KeepSameNumbers(prevHeld, held) // the withheld rows too: their changes are counted
	var withheld []*withholding
	for _, p := range parts {
		if p.src.Publishes() {
			continue
		}
		old, err := prev.sourceRows(p.src.Name)
		if err != nil {
			return nil, fmt.Errorf("read the published version: %w", err)
		}
		w, err := withhold(def, p.src, sourceRows(held, p.src.Name), prevDesc, old, prevHeld, heldKnown)
		if err != nil {
			return nil, err
		}
		withheld = append(withheld, w)
		if old != nil && old.Len() > 0 {
			o.Log.Warn("the published version held rows of a source whose terms withhold them: this version removes them, "+
				"but earlier commits of the data repository still hold them; remove them from its history before pushing it",
				"dataset", def.Name, "source", p.src.Name, "rows", old.Len(), "terms", string(p.src.Terms))
		}
	}
	n := 0
	for _, p := range parts {
		if p.src.Publishes() {
			n += p.len()
		}
	}
	if prev == nil && n == 0 && held.Len() == 0 {
		// No source has yielded anything yet: there is nothing to publish,
		// and an empty first version would only mislead.
		return &DatasetResult{Name: def.Name}, nil
	}
	// The dataset's rows are merged in key order from the sources' records
	// (or kept rows), read a row group at a time, and written and compared
	// with the published version as they come: never held whole.
	var pq bytes.Buffer
	keep, err := newKeeper(prev)
	if err != nil {
		return nil, fmt.Errorf("read the published version: %w", err)
	}
	old, err := prev.batches()
	if err != nil {
		return nil, fmt.Errorf("read the published version: %w", err)
	}
	pw, err := dataset.NewParquetBatchWriter(&pq, def.Schema)
	if err != nil {
		return nil, err
	}
	merged := dataset.NewMerge(def.Schema, inputs...)
	written := dataset.BatchFunc(func() (*dataset.Table, error) {
		t, err := merged.Next()
		if err == nil {
			// A figure printed again beyond the publishers' precision is
			// the same number: it keeps the published value, and makes
			// no version.
			err = keep.apply(t)
		}
		if err == nil {
			err = pw.Write(t)
		}
		return t, err
	})
	sum, err := diff.Compare(def.Schema, old, written, diff.OptionsFor(def), nil)
	if err != nil {
		pw.Abort()
		return nil, err
	}
	if err := pw.Close(); err != nil {
		return nil, err
	}
	if keep.kept > 0 {
		o.Log.Info("figures equal at 15 significant digits keep their published value", "dataset", def.Name, "figures", keep.kept)
	}
	res := &DatasetResult{Name: def.Name, Rows: n, Summary: sum, Withheld: map[string]int{},
		Removed: removedRows, Dropped: dropped}
	same, err := dataset.SameContent(ws.ParquetPath(def.Name), pq.Bytes())
	if err != nil {
		return nil, err
	}
	// A version is new when its published rows changed, or the rows it
	// withholds did: their counts of changes are published.
	dataChanged := !same || stale
	for _, w := range withheld {
		dataChanged = dataChanged || w.changed
		res.Withheld[w.src.Name] = w.entry.Rows
	}
	if !dataChanged && prevDesc != nil {
		// The same version: its counts stay those it was published with.
		for _, s := range prevDesc.Sources {
			for _, w := range withheld {
				if s.Name == w.src.Name && s.Withheld != nil {
					w.entry.Changes = s.Withheld.Changes
				}
			}
		}
	}
	leftOut := map[string][]string{}
	for _, src := range sources {
		if s := st.Sources[src.Name]; s != nil {
			leftOut[src.Name] = s.Warnings
		}
	}
	desc := describe(def, rows, withheld, leftOut, sources, prevDesc, pq.Bytes(), n, sample)
	if prevDesc != nil {
		desc.Version, desc.Created, desc.Changes = prevDesc.Version, prevDesc.Created, prevDesc.Changes
	}
	heldMissing := false
	if len(withheld) > 0 && !dataChanged {
		// The cache may have lost the version's withheld rows: they are
		// the same rows (same hash), so write them again.
		_, err := os.Stat(ws.WithheldPath(def.Name, desc.Version))
		heldMissing = errors.Is(err, os.ErrNotExist)
	}
	if !dataChanged && sameDescription(prevDesc, desc) {
		if heldMissing {
			if err := writeWithheld(ws, def, desc.Version, held); err != nil {
				return nil, fmt.Errorf("write the withheld rows: %w", err)
			}
		}
		res.Version = desc.Version
		return res, nil
	}
	if dataChanged {
		now := o.Now().UTC()
		version, err := freeVersion(o.Repo, def, prevDesc, now)
		if err != nil {
			return nil, err
		}
		desc.Version, desc.Created = version, now.Format(time.RFC3339)
		desc.Changes = &dataset.VersionChanges{Added: sum.Added, Removed: sum.Removed, Changed: sum.Changed,
			Revisions: sum.Revisions, Markers: sum.Markers, Replaced: sum.Replaced, Material: sum.Material}
		if prevDesc != nil {
			desc.Changes.Previous = prevDesc.Version
		}
		changedHeld := map[string]bool{}
		for _, w := range withheld {
			changedHeld[w.src.Name] = w.changed
		}
		for i := range desc.Sources {
			name := desc.Sources[i].Name
			if c := sum.BySource[name]; c != nil && c.Total() > 0 || changedHeld[name] || desc.Sources[i].Updated == "" {
				desc.Sources[i].Updated = desc.Created
			}
		}
	}
	if len(withheld) > 0 {
		// Before the descriptor that counts against them: a crash in
		// between leaves a file the next build writes again.
		if err := writeWithheld(ws, def, desc.Version, held); err != nil {
			return nil, fmt.Errorf("write the withheld rows: %w", err)
		}
	}
	descJSON, err := desc.Marshal()
	if err != nil {
		return nil, err
	}
	// The three files of a version change together (journal.go).
	err = ws.writeUnit(def.Name, []unitFile{
		{dataset.ParquetPath(def.Name), pq.Bytes()},
		{dataset.DescriptorPath(def.Name), descJSON},
		{dataset.ReadmePath(def.Name), Readme(def, desc)},
	})
	if err != nil {
		return nil, err
	}
	if err := pruneWithheld(ws, def, desc.Version); err != nil {
		return nil, fmt.Errorf("remove the withheld rows of earlier versions: %w", err)
	}
	res.Changed, res.Version = true, desc.Version
	o.Log.Info("dataset written", "dataset", def.Name, "version", desc.Version, "rows", n,
		"added", sum.Added, "removed", sum.Removed, "changed", sum.Changed)
	return res, nil
}

// part is what one source gives a dataset: its fresh records, or, when
// they are missing or rejected (err says why), its rows in the previous
// version (kept; nil when there is none).
type part struct {
	src    collect.Source
	schema *dataset.Schema
	fresh  *records
	kept   *dataset.Table
	err    error
	// keptRows counts the source's rows in the previous version, which
	// last reads when the fresh records are rejected.
	keptRows int
	last     func(source string) (*dataset.Table, error)
}

// records are a source's checked records: the bytes of its records file,
// read again a row group at a time whenever they are needed, so that
// build holds no more than one source's table at a time; or, for records
// not sorted by key (collect writes them sorted), the sorted table.
type records struct {
	file  []byte
	table *dataset.Table
	rows  int
	own   bool // every row names the source itself in the source field
}

// len returns the number of rows the source publishes: fresh or kept.
func (p *part) len() int {
	switch {
	case p.err == nil:
		return p.fresh.rows
	case p.kept != nil:
		return p.kept.Len()
	}
	return 0
}

// own reports whether every row the source publishes names the source in
// its source field: kept rows were picked by it.
func (p *part) own() bool { return p.err != nil || p.fresh.own }

// batches returns the rows the source publishes, fresh or kept, a row
// group at a time in key order.
func (p *part) batches() (dataset.Batches, error) {
	switch {
	case p.err != nil:
		if p.kept != nil {
			p.kept.SortByKey() // as versions are written: a no-op
		}
		return dataset.Whole(p.kept), nil
	case p.fresh.table != nil:
		return dataset.Whole(p.fresh.table), nil
	}
	pr, err := dataset.NewParquetReader(bytes.NewReader(p.fresh.file), p.schema)
	if err != nil {
		return nil, fmt.Errorf("read the records of source %s: %w", p.src.Name, err)
	}
	pr.ReuseTables() // its users hold no more than two batches
	return pr, nil
}

// table returns the rows the source publishes, fresh or kept, as one
// table (nil for none).
func (p *part) table() (*dataset.Table, error) {
	switch {
	case p.err != nil:
		return p.kept, nil
	case p.fresh.table != nil:
		return p.fresh.table, nil
	}
	t, err := dataset.ReadParquetBytes(p.fresh.file, p.schema)
	if err != nil {
		return nil, fmt.Errorf("read the records of source %s: %w", p.src.Name, err)
	}
	return t, nil
}

// reject falls back to the source's kept rows for err.
func (p *part) reject(err error) error {
	p.fresh, p.err = nil, err
	if p.kept != nil || p.keptRows == 0 {
		return nil
	}
	kept, rerr := p.last(p.src.Name)
	if rerr != nil {
		return fmt.Errorf("read the last good rows of source %s: %w", p.src.Name, rerr)
	}
	p.kept = kept
	return nil
}

// markFailed records a source's failure in the status file: a source whose
// records were usable becomes failed, with err as its error; one that has
// not run keeps that status, and its own error if it has one.
func markFailed(st *State, src collect.Source, err error) {
	s := st.Sources[src.Name]
	if s == nil {
		s = &SourceState{Name: src.Name, Dataset: src.Dataset, Status: dataset.SourceNotRun}
		st.Sources[src.Name] = s
	}
	if s.Usable() {
		s.Status = dataset.SourceFailed
	}
	if s.Status == dataset.SourceFailed || s.Error == "" {
		s.Error = err.Error()
	}
}

// rejectSharedKeys rejects the fresh records of a source that give a
// primary key that another source's rows give too (datasets whose key
// holds the source never have one; the others may). Of two sources, the
// one listed later in the sources file is rejected, so that a source added
// at the end cannot push out one already published; when the later one is
// already down to its kept rows, the earlier one is. A rejected source
// publishes its kept rows, which may share keys in turn, so the check runs
// until no key is shared. Kept rows all come from one valid version and
// share no key, so it ends; if they do share one, the published version
// is broken and the error says so.
func rejectSharedKeys(parts []*part) error {
	for changed := true; changed; {
		changed = false
		for i, a := range parts {
			for _, b := range parts[i+1:] {
				loser, other := b, a
				if b.err != nil {
					loser, other = a, b
				}
				verr, err := sharedKeys(loser, other)
				if err != nil {
					return err
				}
				if verr == nil {
					continue
				}
				if loser.err != nil {
					return fmt.Errorf("the published rows of sources %s and %s: %w", a.src.Name, b.src.Name, verr)
				}
				if err := loser.reject(fmt.Errorf("records rejected: %w", verr)); err != nil {
					return err
				}
				changed = true
			}
		}
	}
	return nil
}

// maxSharedKeys bounds the problems a key collision lists, as
// dataset.Validate bounds its own.
const maxSharedKeys = 100

// sharedKeys returns a ValidationError listing the rows that a
// publishes whose primary key a row that b publishes has, or nil when
// there is none. It reads both a row group at a time. Both must be sorted
// by key, as collect writes records and build writes versions. (Should
// one not be, writing the dataset still fails if a key is in it twice.)
// Where the key holds the source and each row names its own source, no
// key can be shared, and nothing is read.
func sharedKeys(a, b *part) (*dataset.ValidationError, error) {
	if a.own() && b.own() && a.src.Name != b.src.Name && slices.Contains(a.schema.PrimaryKey, dataset.SourceField) {
		return nil, nil // each key names its own source
	}
	ta, err := a.batches()
	if err != nil {
		return nil, err
	}
	tb, err := b.batches()
	if err != nil {
		return nil, err
	}
	var verr dataset.ValidationError
	keyName := strings.Join(a.schema.PrimaryKey, ",")
	t, u := &dataset.Cursor{B: ta}, &dataset.Cursor{B: tb}
	for {
		if err := t.Fill(); err != nil {
			return nil, fmt.Errorf("read the rows of source %s: %w", a.src.Name, err)
		}
		if err := u.Fill(); err != nil {
			return nil, fmt.Errorf("read the rows of source %s: %w", b.src.Name, err)
		}
		if t.Done || u.Done {
			break
		}
		switch c := dataset.CompareKey(t.T, t.I, u.T, u.I); {
		case c < 0:
			t.Advance()
		case c > 0:
			u.Advance()
		default:
			verr.Count++
			if len(verr.Problems) < maxSharedKeys {
				verr.Problems = append(verr.Problems, dataset.Problem{Row: t.N, Field: keyName, Value: keyText(t.T, t.I),
					Message: "primary key also given by source " + b.src.Name})
			}
			t.Advance()
			u.Advance()
		}
	}
	if verr.Count == 0 {
		return nil, nil
	}
	return &verr, nil
}

// keeper gives the rows of a new version, a batch at a time in key order,
// the published value of each figure that is the same figure at the
// publishers' precision (dataset.KeepSameNumbers), reading the last
// version alongside.
type keeper struct {
	last *dataset.Cursor
	kept int
}

func newKeeper(v *lastVersion) (*keeper, error) {
	b, err := v.batches()
	if err != nil {
		return nil, err
	}
	return &keeper{last: &dataset.Cursor{B: b}}, nil
}

// apply keeps the published values in t, whose rows follow those of the
// batches before.
func (k *keeper) apply(t *dataset.Table) error {
	for j := 0; j < t.Len(); {
		if err := k.last.Fill(); err != nil {
			return fmt.Errorf("read the published version: %w", err)
		}
		if k.last.Done {
			return nil
		}
		var n int
		n, k.last.I, j = dataset.KeepSameNumbersFrom(k.last.T, k.last.I, t, j)
		k.kept += n
	}
	return nil
}

// keyText returns row i's primary key as its values joined by "|", as
// dataset.Validate shows a duplicate key.
func keyText(t *dataset.Table, i int) string {
	key := t.Schema.KeyIndex()
	parts := make([]string, len(key))
	for k, col := range key {
		parts[k] = t.Text(i, col)
	}
	return strings.Join(parts, "|")
}

// sourceRecords returns a source's freshly collected records after checking
// them, or an error saying why the previous rows (kept) stay.
func sourceRecords(ws Workspace, schema *dataset.Schema, src collect.Source, s *SourceState, previous int, recent peak) (*records, error) {
	switch {
	case s == nil || s.Status == dataset.SourceNotRun:
		return nil, errors.New("not collected yet")
	case s.Status == dataset.SourceFailed:
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
	// max_drop holds against the recent versions too: two falls of 12%
	// in a row are a fall of 22.6%.
	if recent.rows > previous {
		if err := (dataset.Assertions{MaxDrop: a.MaxDrop}).Check(t.Len(), recent.rows); err != nil {
			return nil, fmt.Errorf("records rejected: %w, against version %s, the largest of the last %d", err, recent.version, recentVersions)
		}
	}
	own := false
	if col := schema.Index(dataset.SourceField); col >= 0 && t.Columns[col].Valid == nil {
		own = !slices.ContainsFunc(t.Columns[col].Strings, func(name string) bool { return name != src.Name })
	}
	if !t.IsSorted() {
		t.SortByKey()
		return &records{table: t, rows: t.Len(), own: own}, nil
	}
	// The table goes: the file is read again, a row group at a time.
	return &records{file: b, rows: t.Len(), own: own}, nil
}

func readDescriptor(path string) (*dataset.Descriptor, error) {
	d, err := dataset.ReadDescriptor(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return d, err
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
