package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
)

// Errors of Merge, which callers test with errors.Is.
var (
	// ErrMissingPart reports a source that no cache part holds, or a part
	// that is not the cache of a collect run.
	ErrMissingPart = errors.New("missing cache part")
	// ErrStalePart reports a part whose records do not match its status
	// (a partial upload, a file edited by hand) or that is older than what
	// the cache, or another part, holds for the same source.
	ErrStalePart = errors.New("stale cache part")
)

// MergeOptions says which cache parts to merge and what they must hold.
type MergeOptions struct {
	// Parts are the cache folders of separate collect runs (each
	// "publish collect --source NAME --cache PART").
	Parts []string
	// Sources are the sources each of which some part (or the cache
	// already) must hold; a source missing is ErrMissingPart.
	Sources []string
}

// partSource is one source's status in one part.
type partSource struct {
	part  string
	state *SourceState
}

// Merge brings the cache parts of collect runs made apart (one per source,
// on as many machines) into ws's cache, so that build, commit and site run
// on them as on the cache of one collect run: each source's records file
// and status, and the raw archive. Every part is checked before anything
// is written: a part without a status is ErrMissingPart, a records file
// whose SHA-256 is not the one its status names, or a source whose last
// attempt is older than the cache's or another part's, is ErrStalePart,
// and a source of opts.Sources that neither a part nor the cache holds is
// ErrMissingPart. A failed source merges as failed, keeping the records
// it had. The status is written last, after the records and the archive
// are on disk.
func Merge(ctx context.Context, ws Workspace, opts MergeOptions) (*State, error) {
	if len(opts.Parts) == 0 {
		return nil, fmt.Errorf("pipeline: merge: no cache part given: %w", ErrMissingPart)
	}
	st, err := ws.ReadState()
	if err != nil {
		return nil, err
	}
	chosen := map[string]partSource{}
	for _, part := range opts.Parts {
		pw := Workspace{CacheDir: part}
		if _, err := os.Stat(pw.StatePath()); err != nil {
			return nil, fmt.Errorf("pipeline: merge: part %s has no status.json (not the cache of a collect run, or its upload failed): %w", part, ErrMissingPart)
		}
		pst, err := pw.ReadState()
		if err != nil {
			return nil, err
		}
		if len(pst.Sources) == 0 {
			return nil, fmt.Errorf("pipeline: merge: part %s holds no source: %w", part, ErrMissingPart)
		}
		for name, s := range pst.Sources {
			if s.Usable() {
				b, err := os.ReadFile(pw.RecordsPath(name))
				if err != nil {
					return nil, fmt.Errorf("pipeline: merge: part %s: records of %s: %v: %w", part, name, err, ErrStalePart)
				}
				if sum := collect.Sum(b); sum != s.Records {
					return nil, fmt.Errorf("pipeline: merge: part %s: the records of %s are not those its status names (SHA-256 %s, want %s): %w",
						part, name, sum, s.Records, ErrStalePart)
				}
			}
			if prev, ok := chosen[name]; ok {
				switch c := s.LastAttempt.Compare(prev.state.LastAttempt); {
				case c < 0:
					continue
				case c == 0 && s.Records != prev.state.Records:
					return nil, fmt.Errorf("pipeline: merge: parts %s and %s hold different records of %s from the same time: %w",
						prev.part, part, name, ErrStalePart)
				}
			}
			chosen[name] = partSource{part: part, state: s}
		}
	}
	for name, c := range chosen {
		if cur := st.Sources[name]; cur != nil && c.state.LastAttempt.Before(cur.LastAttempt) {
			return nil, fmt.Errorf("pipeline: merge: part %s holds %s as of %s, older than the cache's %s: %w",
				c.part, name, c.state.LastAttempt.Format("2006-01-02T15:04:05Z07:00"), cur.LastAttempt.Format("2006-01-02T15:04:05Z07:00"), ErrStalePart)
		}
	}
	var missing []string
	for _, name := range opts.Sources {
		if _, ok := chosen[name]; !ok && st.Sources[name] == nil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, fmt.Errorf("pipeline: merge: no part holds %s: %w", strings.Join(missing, ", "), ErrMissingPart)
	}

	archive, err := collect.OpenArchive(ws.ArchiveDir())
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(chosen))
	for name := range chosen {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, part := range opts.Parts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := archive.Merge(ctx, Workspace{CacheDir: part}.ArchiveDir()); err != nil {
			return nil, fmt.Errorf("pipeline: merge: %w", err)
		}
	}
	for _, name := range names {
		c := chosen[name]
		if c.state.Records != "" {
			b, err := os.ReadFile(Workspace{CacheDir: c.part}.RecordsPath(name))
			if err != nil {
				return nil, fmt.Errorf("pipeline: merge: %w", err)
			}
			if err := os.MkdirAll(ws.CacheDir+"/records", 0o755); err != nil {
				return nil, fmt.Errorf("pipeline: merge: %w", err)
			}
			if err := dataset.WriteFileAtomicBytes(ws.RecordsPath(name), b); err != nil {
				return nil, fmt.Errorf("pipeline: merge: %w", err)
			}
		}
		st.Sources[name] = c.state
		if c.state.LastAttempt.After(st.Updated) {
			st.Updated = c.state.LastAttempt
		}
	}
	for _, part := range opts.Parts {
		pst, _ := Workspace{CacheDir: part}.ReadState()
		if pst != nil && pst.Updated.After(st.Updated) {
			st.Updated = pst.Updated
		}
	}
	if err := ws.WriteState(st); err != nil {
		return nil, err
	}
	return st, nil
}
