package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/crash"
	"github.com/defence-transparency/publish/internal/dataset"
)

// ErrSourceDeadline reports a source whose collection took longer than its
// deadline (collect.Source.DeadlineIn).
var ErrSourceDeadline = errors.New("source took too long")

// Fetchers makes the fetcher each source fetches through.
type Fetchers interface {
	// Fetcher returns a fetcher limited to the source's hosts. With
	// conditional set it sends conditional requests based on the archive,
	// which the caller may only ask for when it still holds the records
	// parsed from the archived documents.
	Fetcher(src collect.Source, conditional bool) (collect.Fetcher, error)
	// Sync makes the archive's records of the fetches made so far
	// durable.
	Sync() error
}

// CollectOptions configure the collect stage.
type CollectOptions struct {
	Config     *collect.Config
	Collectors map[string]collect.Collector // by Source.Collector
	Datasets   []*dataset.Definition        // the schema of each source's dataset
	Fetchers   Fetchers
	// Only restricts the run to these sources; empty means all.
	Only []string
	// Bundled is set when http(s) URLs are served by the bundled offline
	// mirror: records of a source fetched that way are sample data.
	Bundled bool
	// Parallel is how many sources are collected at once (default 4).
	Parallel int
	Now      func() time.Time
	Log      *slog.Logger
	// Progress, when set, is told what each source is doing. Collect
	// calls it from one goroutine at a time.
	Progress func(msg string)
	// Version names the build of publish that parses (the CLI passes its
	// Go build ID). Documents that did not change since the last run are
	// parsed again only when the build that parsed them was another,
	// which may parse them differently.
	Version string
}

// Collect fetches and parses every source and keeps each one's records in
// the cache. A failing source keeps its previous records and state (it is
// marked failed) and does not stop the others; the returned error is then a
// *SourceErrors. The status file is written in every case.
func Collect(ctx context.Context, ws Workspace, o CollectOptions) (*State, error) {
	st, err := ws.ReadState()
	if err != nil {
		return nil, err
	}
	sources, err := selectSources(o.Config, o.Only)
	if err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Parallel <= 0 {
		o.Parallel = 4
	}
	if p := o.Progress; p != nil {
		// Sources are collected at once: their messages take turns.
		var mu sync.Mutex
		o.Progress = func(msg string) {
			mu.Lock()
			defer mu.Unlock()
			p(msg)
		}
	}
	defs := map[string]*dataset.Definition{}
	for _, d := range o.Datasets {
		defs[d.Name] = d
	}
	if err := CheckSources(sources, o.Collectors, defs); err != nil {
		return nil, err
	}
	var (
		mu   sync.Mutex
		errs = &SourceErrors{}
		wg   sync.WaitGroup
		sem  = make(chan struct{}, o.Parallel)
	)
	for _, src := range sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			mu.Lock()
			prev := st.Sources[src.Name]
			mu.Unlock()
			next, err := collectSource(ctx, ws, o, defs[src.Dataset], src, prev)
			mu.Lock()
			defer mu.Unlock()
			st.Sources[src.Name] = next
			if err != nil {
				errs.add(src.Name, err)
			}
		}()
	}
	wg.Wait()
	st.Updated = o.Now().UTC()
	// The status (and with it the documents whose validators the next run
	// may send) is written after every records file it names is durable,
	// and after the archive's records of the fetches, which the next run's
	// conditional requests read.
	if err := o.Fetchers.Sync(); err != nil {
		return st, err
	}
	if err := ws.WriteState(st); err != nil {
		return st, err
	}
	crash.Point(crash.CollectState)
	if err := ctx.Err(); err != nil {
		return st, err
	}
	return st, errs.orNil()
}

// ConfigError is a mistake in the sources file, found before anything is
// fetched.
type ConfigError struct {
	Source string
	Err    error
}

func (e *ConfigError) Error() string { return fmt.Sprintf("source %q: %v", e.Source, e.Err) }

func (e *ConfigError) Unwrap() error { return e.Err }

// CheckSources checks that every source names a known dataset and
// collector, and lets its collector check its settings, so that a mistake
// in the sources file stops the run before any fetch.
func CheckSources(sources []collect.Source, collectors map[string]collect.Collector, defs map[string]*dataset.Definition) error {
	for _, src := range sources {
		if defs[src.Dataset] == nil {
			return &ConfigError{src.Name, fmt.Errorf("dataset %q is not known", src.Dataset)}
		}
		c, ok := collectors[src.Collector]
		if !ok {
			return &ConfigError{src.Name, fmt.Errorf("collector %q is not known", src.Collector)}
		}
		if err := c.Check(src); err != nil {
			return &ConfigError{src.Name, err}
		}
	}
	return nil
}

func selectSources(cfg *collect.Config, only []string) ([]collect.Source, error) {
	var out []collect.Source
	if len(only) == 0 {
		for _, s := range cfg.Sources {
			if !s.Retired {
				out = append(out, s)
			}
		}
		return out, nil
	}
	for _, name := range only {
		s, ok := cfg.Source(name)
		if !ok {
			return nil, fmt.Errorf("pipeline: no source named %q in the sources file", name)
		}
		if s.Retired {
			return nil, fmt.Errorf("pipeline: source %q is retired (retired = true in the sources file)", name)
		}
		out = append(out, s)
	}
	return out, nil
}

// collectSource runs one source's collector and returns its new state. On
// failure the previous records file is left as it was, and the state keeps
// the previous success's details.
func collectSource(ctx context.Context, ws Workspace, o CollectOptions, def *dataset.Definition, src collect.Source, prev *SourceState) (*SourceState, error) {
	now := o.Now().UTC()
	next := &SourceState{Name: src.Name, Dataset: src.Dataset, Status: dataset.SourceFailed, LastAttempt: now}
	if prev != nil {
		next.LastSuccess, next.Rows, next.Records, next.Documents = prev.LastSuccess, prev.Rows, prev.Records, prev.Documents
		next.Sample, next.Warnings, next.Parser = prev.Sample, prev.Warnings, prev.Parser
	}
	fail := func(err error) (*SourceState, error) {
		// A message may quote a damaged document: it is kept and shown
		// with its invalid bytes written as \xNN.
		err = collect.Printable(err)
		next.Status, next.Error = dataset.SourceFailed, err.Error()
		o.Log.Error("source failed", "source", src.Name, "err", err)
		return next, err
	}
	if def == nil {
		return fail(fmt.Errorf("dataset %q is not known", src.Dataset))
	}
	c, ok := o.Collectors[src.Collector]
	if !ok {
		return fail(fmt.Errorf("collector %q is not known", src.Collector))
	}
	recordsPath := ws.RecordsPath(src.Name)
	// Conditional requests are safe only when the records parsed from the
	// archived documents are still here, and came from the same kind of run.
	sample := o.Bundled && !allFiles(src.URLs)
	conditional := prev.Usable() && prev.Sample == sample && prev.Parser == o.Version && fileHasSum(recordsPath, prev.Records)
	f, err := o.Fetchers.Fetcher(src, conditional)
	if err != nil {
		return fail(err)
	}
	rec := &recorder{f: f}
	progress(o.Progress, "collect %s: fetching %s", src.Name, src.URLs[0])
	start := time.Now()
	// The whole source has a deadline, on top of each request's timeout:
	// a host that hangs (or trickles) fails its source, not the run.
	deadline := src.DeadlineIn(o.Config.Fetch)
	errDeadline := fmt.Errorf("%w: the source's deadline of %s passed (set deadline in its entry, or source_deadline in [fetch] of sources.toml; default %s)",
		ErrSourceDeadline, deadline, collect.DefaultSourceDeadline)
	ctx, cancel := context.WithTimeoutCause(ctx, deadline, errDeadline)
	defer cancel()
	if conditional {
		// Validators count only for the documents the kept records came
		// from: the archive may hold a newer one whose records a killed run
		// never kept.
		docs := map[string]string{}
		for _, d := range prev.Documents {
			docs[d.URL] = d.SHA256
		}
		ctx = collect.WithKept(ctx, docs)
	}
	wctx, warnings := collect.WithWarnings(ctx)
	t, err := c.Collect(wctx, rec, src)
	next.Documents = rec.docs
	if err == nil {
		next.Warnings = warnings.List()
		for _, w := range next.Warnings {
			o.Log.Warn("source warning", "source", src.Name, "warning", w)
		}
	}
	switch {
	case errors.Is(err, collect.ErrUnchanged) && conditional:
		next.Status, next.Error, next.LastSuccess = dataset.SourceUnchanged, "", now
		o.Log.Info("source unchanged", "source", src.Name, "duration", time.Since(start).Round(time.Millisecond))
		return next, nil
	case errors.Is(err, collect.ErrUnchanged):
		return fail(fmt.Errorf("%w, but no records of it are kept: run again", err))
	case err != nil && errors.Is(context.Cause(ctx), ErrSourceDeadline):
		return fail(fmt.Errorf("%w (%v)", context.Cause(ctx), err))
	case err != nil:
		return fail(err)
	case t == nil:
		return fail(errors.New("collector returned no table"))
	}
	crash.Point(crash.CollectParsed)
	if err := stampSource(t, src.Name); err != nil {
		return fail(err)
	}
	if !t.Schema.SameFields(def.Schema) {
		return fail(fmt.Errorf("collector %q returned rows of another dataset than %q", src.Collector, def.Name))
	}
	t.SortByKey()
	var buf bytes.Buffer
	if err := dataset.WriteParquet(&buf, t); err != nil {
		return fail(fmt.Errorf("keep records: %w", err))
	}
	if err := os.MkdirAll(filepath.Dir(recordsPath), 0o755); err != nil {
		return fail(err)
	}
	if err := dataset.WriteFileAtomicBytes(recordsPath, buf.Bytes()); err != nil {
		return fail(fmt.Errorf("keep records: %w", err))
	}
	crash.Point(crash.CollectRecords)
	next.Status, next.Error, next.LastSuccess, next.Parser = dataset.SourceOK, "", now, o.Version
	// Label by what was actually fetched: a file:// page may link to http
	// documents, which the bundled mirror then served.
	next.Rows, next.Records, next.Sample = t.Len(), collect.Sum(buf.Bytes()), o.Bundled && !allFiles(docURLs(rec.docs))
	o.Log.Info("source collected", "source", src.Name, "rows", t.Len(), "duration", time.Since(start).Round(time.Millisecond))
	return next, nil
}

// stampSource sets every row's source column to the source's name, so the
// rows of a source can be told apart whatever the collector wrote.
func stampSource(t *dataset.Table, name string) error {
	col := t.Schema.Index(dataset.SourceField)
	if col < 0 {
		return fmt.Errorf("dataset schema has no %q field", dataset.SourceField)
	}
	c := &t.Columns[col]
	for i := range c.Strings {
		c.Strings[i] = name
	}
	c.Valid = nil
	return nil
}

// allFiles reports whether every URL is a file:// URL, which no mirror
// serves: such a source reads the user's own files, so it is not sample data.
func allFiles(urls []string) bool {
	for _, u := range urls {
		if !strings.HasPrefix(u, "file://") {
			return false
		}
	}
	return true
}

func docURLs(docs []DocumentRef) []string {
	urls := make([]string, len(docs))
	for i, d := range docs {
		urls[i] = d.URL
	}
	return urls
}

func fileHasSum(path, sum string) bool {
	b, err := os.ReadFile(path)
	return err == nil && collect.Sum(b) == sum
}

// recorder notes the documents a collector fetched, for provenance.
type recorder struct {
	f    collect.Fetcher
	mu   sync.Mutex
	docs []DocumentRef
}

func (r *recorder) Fetch(ctx context.Context, req *collect.Request) (*collect.Document, error) {
	d, err := r.f.Fetch(ctx, req)
	if err == nil {
		r.mu.Lock()
		r.docs = append(r.docs, DocumentRef{URL: d.URL, SHA256: d.SHA256, Fetched: d.Fetched.UTC(), NotModified: d.NotModified})
		r.mu.Unlock()
	}
	return d, err
}

func progress(p func(string), format string, args ...any) {
	if p != nil {
		p(fmt.Sprintf(format, args...))
	}
}
