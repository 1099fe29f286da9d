package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
)

// A source that disappears from the sources file (deleted by mistake, a
// merge gone wrong) must not take its published rows with it: its rows are
// kept, and the run says so, until the operator drops them on purpose,
// with --drop NAME for one run or retired = true in its entry.

// errRemoved marks the part of a source that is no longer in the sources
// file: it publishes its kept rows.
var errRemoved = errors.New("removed from the sources file")

// recentVersions is how many of a dataset's latest versions a source's new
// row count is checked against (max_drop), so that a slow slide (two
// drops of 12%) is caught as well as a fall.
const recentVersions = 5

// checkDrops refuses a --drop naming a source that is still configured
// and not retired: its rows would come back with the next collection.
func checkDrops(cfg *collect.Config, drop []string) error {
	for _, name := range drop {
		if s, ok := cfg.Source(name); ok && !s.Retired {
			return fmt.Errorf("--drop %s: the source is still in the sources file; remove its entry or mark it retired = true, then drop it", name)
		}
	}
	return nil
}

// vanished returns, for a dataset, the sources whose rows the previous
// version holds but which the sources file no longer lists for it (kept:
// their rows stay, under an entry rebuilt from the previous descriptor),
// and the rows of those dropped on purpose (retired, or named by --drop),
// by source.
func vanished(def *dataset.Definition, cfg *collect.Config, active []collect.Source, drop []string, prevDesc *dataset.Descriptor, prev *lastVersion, held map[string]int) (kept []collect.Source, dropped map[string]int) {
	listed := map[string]bool{}
	for _, s := range active {
		listed[s.Name] = true
	}
	retired := map[string]bool{}
	for _, s := range cfg.Sources {
		if s.Retired {
			retired[s.Name] = true
		}
	}
	counts := map[string]int{}
	maps.Copy(counts, held)
	if prev != nil {
		for name, n := range prev.counts {
			counts[name] += n
		}
	}
	dropped = map[string]int{}
	names := make([]string, 0, len(counts))
	for name := range counts {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		switch {
		case listed[name]:
		case retired[name] || slices.Contains(drop, name):
			dropped[name] = counts[name]
		default:
			kept = append(kept, removedSource(def, name, prevDesc))
		}
	}
	return kept, dropped
}

// removedSource rebuilds the entry of a source no longer in the sources
// file from what the previous descriptor says of it, so that its kept rows
// keep their attribution, licence and terms.
func removedSource(def *dataset.Definition, name string, prevDesc *dataset.Descriptor) collect.Source {
	src := collect.Source{Name: name, Dataset: def.Name, Title: name, Terms: collect.TermsOpen}
	if prevDesc == nil {
		return src
	}
	for _, ref := range prevDesc.Sources {
		if ref.Name != name {
			continue
		}
		src.Title, src.Homepage, src.Licence, src.LicenceURL, src.Attribution = ref.Title, ref.Path, ref.Licence, ref.LicenceURL, ref.Attribution
		if ref.Terms != "" {
			src.Terms = collect.Terms(ref.Terms)
		}
		if p := ref.Permission; p != nil {
			src.Permission = &collect.Permission{GrantedBy: p.GrantedBy, Granted: p.Granted, Reference: p.Reference, Scope: p.Scope}
		}
	}
	return src
}

// peak is a source's largest row count in a dataset's recent versions.
type peak struct {
	rows    int
	version string
}

// recentPeaks returns each source's largest row count (published and
// withheld) over the dataset's last recentVersions versions in repo.
func recentPeaks(repo dataset.Repo, def *dataset.Definition) (map[string]peak, error) {
	peaks := map[string]peak{}
	if repo == nil {
		return peaks, nil
	}
	commits, err := repo.Log(dataset.DirPath(def.Name))
	if err != nil {
		return nil, err
	}
	for i, c := range commits {
		if i == recentVersions {
			break
		}
		b, err := repo.ReadFile(c.ID, dataset.DescriptorPath(def.Name))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var desc dataset.Descriptor
		if err := json.Unmarshal(b, &desc); err != nil {
			return nil, fmt.Errorf("descriptor at %s: %w", c.ID.Short(), err)
		}
		for _, ref := range desc.Sources {
			n := ref.Rows
			if ref.Withheld != nil {
				n += ref.Withheld.Rows
			}
			if n > peaks[ref.Name].rows {
				peaks[ref.Name] = peak{rows: n, version: desc.Version}
			}
		}
	}
	return peaks, nil
}
