package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
)

// A stage whose inputs are what they were when it last ran, and whose
// outputs are still the ones it left, has nothing to do: a rerun that finds
// nothing new skips the build of each dataset and the site. Each stage's
// inputs and outputs are summed into keys kept in the cache (ReusePath).
// A key is saved only once the outputs it describes are on disk for good,
// and anything missing, unreadable or different makes the stage run: the
// keys can only save work, never skip work that was not done.

// reuse is the keys of the last build of each dataset, of the last Hugo
// project generated and of the last site.
type reuse struct {
	Build   map[string]*buildKey `json:"build,omitempty"`
	Project *siteKey             `json:"project,omitempty"`
	Site    *siteKey             `json:"site,omitempty"`
}

// buildKey is the last build of one dataset: the sum of what it read
// (Inputs), of what it left (Outputs), and what it reported.
type buildKey struct {
	Inputs   string         `json:"inputs"`
	Outputs  string         `json:"outputs"`
	Rows     int            `json:"rows"`
	Version  string         `json:"version"`
	Withheld map[string]int `json:"withheld,omitempty"`
}

// siteKey is the last site built (or Hugo project generated): the sum of
// its inputs, the directory it was written into and the sum of that
// directory's files as they were left.
type siteKey struct {
	Inputs string `json:"inputs"`
	Out    string `json:"out"`
	Files  string `json:"files"`
}

// ReusePath returns the file that keeps the keys of the last build of each
// dataset and of the last site.
func (w Workspace) ReusePath() string { return filepath.Join(w.CacheDir, "reuse.json") }

// readReuse returns the keys kept; a missing or unreadable file is no keys,
// which only means that every stage runs.
func (w Workspace) readReuse() *reuse {
	r := &reuse{}
	if b, err := os.ReadFile(w.ReusePath()); err == nil {
		if json.Unmarshal(b, r) != nil {
			r = &reuse{}
		}
	}
	if r.Build == nil {
		r.Build = map[string]*buildKey{}
	}
	return r
}

// writeReuse keeps the keys, atomically.
func (w Workspace) writeReuse(r *reuse) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("pipeline: keep the keys of the stages: %w", err)
	}
	if err := os.MkdirAll(w.CacheDir, 0o755); err != nil {
		return fmt.Errorf("pipeline: keep the keys of the stages: %w", err)
	}
	return dataset.WriteFileAtomicBytesIfChanged(w.ReusePath(), append(b, '\n'))
}

// summer sums the parts of a key; each part is written with its length, so
// that no two lists of parts sum alike.
type summer struct{ h hash.Hash }

func newSummer(kind string) *summer {
	s := &summer{h: sha256.New()}
	s.add(kind)
	return s
}

func (s *summer) add(parts ...string) {
	for _, p := range parts {
		fmt.Fprintf(s.h, "%d:%s;", len(p), p)
	}
}

// addJSON adds v as JSON.
func (s *summer) addJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	s.add(string(b))
	return nil
}

// addFile adds the content of a small file, or "-" when it is missing.
func (s *summer) addFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		s.add(path, "-")
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	s.add(path, hex.EncodeToString(h.Sum(nil)))
	return nil
}

// addStamp adds a file's size and modification time, or "-" when it is
// missing: how git's index tells a large file has not changed without
// reading it.
func (s *summer) addStamp(path string) error {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		s.add(path, "-")
		return nil
	}
	if err != nil {
		return err
	}
	s.add(path, fmt.Sprintf("%d:%d:%v", info.Size(), info.ModTime().UnixNano(), info.Mode()))
	return nil
}

func (s *summer) sum() string { return hex.EncodeToString(s.h.Sum(nil)) }

// treeStamp sums the names, sizes and modification times of every file
// and directory under dir; "" when dir is missing.
func treeStamp(dir string) (string, error) {
	s := newSummer("tree")
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		paths = append(paths, p)
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	sort.Strings(paths)
	for _, p := range paths {
		if err := s.addStamp(p); err != nil {
			return "", err
		}
	}
	return s.sum(), nil
}

// syncTree flushes every file under dir to stable storage, so that a key
// that says they are there is never saved before they are: the whole file
// system at once where the system can, else file by file.
func syncTree(dir string) error {
	if err := dataset.SyncFS(dir); !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() && !d.IsDir() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		err = f.Sync()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

// buildInputs sums what the build of def reads: the build of publish, the
// configuration of the dataset's sources, and each one's status and
// records. It returns "" when a source has no usable records: the build
// then has failures to report, and runs.
func buildInputs(ws Workspace, o BuildOptions, st *State, def *dataset.Definition, sources []collect.Source) (string, error) {
	s := newSummer("build")
	s.add(o.Version, def.Name)
	for _, src := range sources {
		ss := st.Sources[src.Name]
		if !ss.Usable() {
			return "", nil
		}
		if err := s.addJSON(src); err != nil {
			return "", err
		}
		if err := s.addJSON([]any{ss.Status == dataset.SourceOK || ss.Status == dataset.SourceUnchanged, ss.Records, ss.Sample, ss.Warnings}); err != nil {
			return "", err
		}
		if err := s.addStamp(ws.RecordsPath(src.Name)); err != nil {
			return "", err
		}
	}
	// Sources removed from the sources file whose rows are kept
	// (vanished.go).
	for _, name := range slices.Sorted(maps.Keys(st.Sources)) {
		if ss := st.Sources[name]; ss.Dataset == def.Name && ss.Status == dataset.SourceRemoved {
			s.add("removed", name)
		}
	}
	return s.sum(), nil
}

// buildOutputs sums what the build of def left: the dataset's files (the
// descriptor and README read whole, the Parquet file, which the
// descriptor sums, by size and time) and the version's withheld rows.
func buildOutputs(ws Workspace, def *dataset.Definition, version string) (string, error) {
	s := newSummer("built")
	for _, p := range []string{ws.DescriptorPath(def.Name), ws.ReadmePath(def.Name)} {
		if err := s.addFile(p); err != nil {
			return "", err
		}
	}
	if err := s.addStamp(ws.ParquetPath(def.Name)); err != nil {
		return "", err
	}
	if version != "" {
		if err := s.addStamp(ws.WithheldPath(def.Name, version)); err != nil {
			return "", err
		}
	}
	return s.sum(), nil
}

// sourcesOf returns the sources of a dataset that are not retired, in the
// sources file's order.
func sourcesOf(cfg *collect.Config, name string) []collect.Source {
	var out []collect.Source
	for _, s := range cfg.Sources {
		if s.Dataset == name && !s.Retired {
			out = append(out, s)
		}
	}
	return out
}

// SiteKey sums what the site is built from: the build of publish (which
// embeds the templates and Hugo), the data repository's HEAD, each
// dataset's files and withheld rows as the working tree and the cache hold
// them, the sources file, each source's status as the site shows it, and
// args (the flags that shape the site, such as Hugo's). A site built from
// the same key is the same site.
func SiteKey(ws Workspace, repo dataset.Repo, cfg *collect.Config, defs []*dataset.Definition, version string, args ...string) (string, error) {
	s := newSummer("site")
	s.add(version)
	s.add(args...)
	if repo != nil {
		head, err := repo.Head()
		if err != nil {
			return "", err
		}
		if head != nil {
			s.add(head.ID.String())
		}
	}
	descs := map[string]*dataset.Descriptor{}
	for _, def := range defs {
		desc, err := readDescriptor(ws.DescriptorPath(def.Name))
		if err != nil {
			return "", err
		}
		if desc != nil {
			descs[def.Name] = desc
		}
		if err := s.addFile(ws.DescriptorPath(def.Name)); err != nil {
			return "", err
		}
		if err := s.addStamp(ws.ParquetPath(def.Name)); err != nil {
			return "", err
		}
		held, err := treeStamp(ws.WithheldDir(def.Name))
		if err != nil {
			return "", err
		}
		s.add(held)
	}
	if err := s.addJSON(cfg); err != nil {
		return "", err
	}
	st, err := ws.ReadState()
	if err != nil {
		return "", err
	}
	sources := siteSources(cfg, st, descs)
	for i := range sources {
		if sources[i].Status == dataset.SourceUnchanged {
			sources[i].Status = dataset.SourceOK // the site shows them alike
		}
	}
	if err := s.addJSON(sources); err != nil {
		return "", err
	}
	return s.sum(), nil
}

// SiteUnchanged reports whether out holds the site that key describes,
// file for file as its build left it.
func SiteUnchanged(ws Workspace, key, out string) bool {
	return ws.readReuse().Site.holds(key, out)
}

// SiteBuilt records that out holds the site that key describes, once
// its files are on stable storage.
func SiteBuilt(ws Workspace, key, out string) error {
	return ws.keepTree(key, out, "the site", func(r *reuse) **siteKey { return &r.Site })
}

// ProjectUnchanged reports whether dir holds the Hugo project that key
// describes, file for file as site.Generate left it: the site is then
// built from it again (into another folder, or with the same inputs after
// a failed Hugo build) without generating it again.
func ProjectUnchanged(ws Workspace, key, dir string) bool {
	return ws.readReuse().Project.holds(key, dir)
}

// ProjectGenerated records that dir holds the Hugo project that key
// describes, once its files are on stable storage.
func ProjectGenerated(ws Workspace, key, dir string) error {
	return ws.keepTree(key, dir, "the generated site project", func(r *reuse) **siteKey { return &r.Project })
}

// SiteOutKey is the key of a site built from the project of key project
// with Hugo's arguments args (which name the folder it is built into).
func SiteOutKey(project string, args ...string) string {
	s := newSummer("site-out")
	s.add(project)
	s.add(args...)
	return s.sum()
}

// holds reports whether dir holds, file for file, what k says it does.
func (k *siteKey) holds(key, dir string) bool {
	if k == nil || k.Inputs != key || k.Out != dir {
		return false
	}
	files, err := treeStamp(dir)
	return err == nil && files != "" && files == k.Files
}

// keepTree syncs dir to stable storage, then keeps in the field of the
// keys that field picks that dir holds what key describes; what names
// dir in an error.
func (w Workspace) keepTree(key, dir, what string, field func(*reuse) **siteKey) error {
	if err := syncTree(dir); err != nil {
		return fmt.Errorf("pipeline: sync %s: %w", what, err)
	}
	files, err := treeStamp(dir)
	if err != nil {
		return fmt.Errorf("pipeline: sum %s: %w", what, err)
	}
	r := w.readReuse()
	*field(r) = &siteKey{Inputs: key, Out: dir, Files: files}
	return w.writeReuse(r)
}
