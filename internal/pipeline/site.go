package pipeline

import (
	"maps"
	"path/filepath"
	"slices"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/history"
	"github.com/defence-transparency/publish/internal/site"
)

// SiteInput reads the published datasets and the run status into the site
// generator's input. Datasets with no published version are left out. The
// versions come from repo, the data repository; with a nil repo (a data
// directory that is not one) there is no history. The site is dated by
// when its data last changed (see changedAt); now only when no dataset
// says.
func SiteInput(ws Workspace, repo dataset.Repo, cfg *collect.Config, defs []*dataset.Definition, now time.Time) (*site.Input, error) {
	st, err := ws.ReadState()
	if err != nil {
		return nil, err
	}
	in := &site.Input{CacheDir: ws.SiteCacheDir()}
	descs := map[string]*dataset.Descriptor{}
	for _, def := range defs {
		desc, err := readDescriptor(ws.DescriptorPath(def.Name))
		if err != nil {
			return nil, err
		}
		if desc == nil {
			continue
		}
		descs[def.Name] = desc
		in.Sample = in.Sample || desc.Sample
		// The site reads the rows from the file itself, a large dataset a
		// row group at a time.
		d := site.Dataset{Definition: def, Descriptor: desc, ParquetPath: ws.ParquetPath(def.Name)}
		if d.Excerpts, err = excerpts(ws, cfg, def, desc); err != nil {
			return nil, err
		}
		if repo != nil {
			if d.History, err = history.Load(repo, def); err != nil {
				return nil, err
			}
		}
		in.Datasets = append(in.Datasets, d)
		in.Generated = later(in.Generated, changedAt(d.History, desc))
	}
	if in.Generated.IsZero() {
		in.Generated = now.UTC()
	}
	in.Sources = siteSources(cfg, st, descs)
	return in, nil
}

// siteSources returns the status of every source in the sources file as
// the site shows it: nothing in it changes on a run that finds nothing
// new.
func siteSources(cfg *collect.Config, st *State, descs map[string]*dataset.Descriptor) []site.SourceStatus {
	var out []site.SourceStatus
	for _, src := range cfg.Sources {
		s := site.SourceStatus{
			Name: src.Name, Title: src.Title, Dataset: src.Dataset, Homepage: src.Homepage,
			Licence: src.Licence, LicenceURL: src.LicenceURL, Attribution: src.Attribution,
			Status: dataset.SourceNotRun,
			Terms:  string(src.Terms), TermsNote: src.TermsNote, TermsVerified: src.TermsVerified,
			Publishes: src.Publishes(), Download: src.DownloadURL(),
		}
		if p := src.Permission; p != nil {
			s.Permission = &dataset.Permission{GrantedBy: p.GrantedBy, Granted: p.Granted, Reference: p.Reference, Scope: p.Scope}
		}
		if desc := descs[src.Dataset]; desc != nil {
			for _, ref := range desc.Sources {
				if ref.Name != src.Name {
					continue
				}
				if ref.Withheld != nil {
					s.Withheld = ref.Withheld.Rows
				}
				if t, err := time.Parse(time.RFC3339, ref.Updated); err == nil {
					s.Changed = t.UTC()
				}
			}
		}
		if p := src.CountryPage; p != nil {
			s.CountryPage = &site.CountryPage{Indicators: p.Indicators, Layout: p.Layout, Periods: p.Periods}
		}
		if ss := st.Sources[src.Name]; ss != nil {
			s.Status, s.Error, s.Rows = ss.Status, ss.Error, ss.Rows
			if ss.Status == dataset.SourceFailed {
				// When a source that works was last checked is the
				// run's news, not the source's: the site shows when its
				// data last changed (Changed).
				s.LastAttempt, s.LastSuccess = ss.LastAttempt, ss.LastSuccess
			}
			s.Warnings = ss.Warnings
		}
		out = append(out, s)
	}
	// A source removed from the sources file whose rows are kept is
	// listed too, as removed, until the operator drops it.
	for _, name := range slices.Sorted(maps.Keys(st.Sources)) {
		ss := st.Sources[name]
		if _, ok := cfg.Source(name); ok || ss.Status != dataset.SourceRemoved {
			continue
		}
		s := site.SourceStatus{Name: name, Title: name, Dataset: ss.Dataset, Status: ss.Status, Rows: ss.Rows, Publishes: true}
		if desc := descs[ss.Dataset]; desc != nil {
			for _, ref := range desc.Sources {
				if ref.Name == name {
					s.Title, s.Homepage, s.Licence, s.LicenceURL, s.Attribution, s.Terms = ref.Title, ref.Path, ref.Licence, ref.LicenceURL, ref.Attribution, ref.Terms
					s.Publishes = ref.Withheld == nil
					if ref.Withheld != nil {
						s.Withheld = ref.Withheld.Rows
					}
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// excerpts returns the rows of a dataset's version withheld from the
// published file whose sources' terms, as the sources file states them now,
// allow excerpts; nil when there are none or the cache does not hold them.
func excerpts(ws Workspace, cfg *collect.Config, def *dataset.Definition, desc *dataset.Descriptor) (*dataset.Table, error) {
	allowed := map[string]bool{}
	for _, ref := range desc.WithheldSources() {
		if src, ok := cfg.Source(ref.Name); ok && src.Dataset == def.Name && src.Excerpts() {
			allowed[src.Name] = true
		}
	}
	if len(allowed) == 0 {
		return nil, nil
	}
	held, ok, err := readWithheld(ws, def, desc.Version)
	if err != nil || !ok {
		return nil, err
	}
	col := held.Schema.Index(dataset.SourceField)
	t := held.Filter(func(i int) bool { return allowed[held.Columns[col].Strings[i]] })
	if t.Len() == 0 {
		return nil, nil
	}
	return t, nil
}

// SiteCacheDir returns where the site generator keeps what it can reuse
// from one build to the next (the diffs between versions, the CSV files of
// earlier versions). It is beside SiteBuildDir, which every build empties.
func (w Workspace) SiteCacheDir() string { return filepath.Join(w.CacheDir, "site-cache") }

// changedAt returns when a dataset's data last changed: its latest
// version's commit time, or without a history the time its descriptor
// says the version was created; zero when neither is known.
func changedAt(h *history.History, desc *dataset.Descriptor) time.Time {
	if h != nil && len(h.Versions) > 0 {
		return h.Versions[0].Time.UTC() // newest first
	}
	t, err := time.Parse(time.RFC3339, desc.Created)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
