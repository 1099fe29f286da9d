package dataset

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Repo is a data repository: a git repository whose datasets directory holds
// the published datasets, one commit per version.
//
// Commits are built from the HEAD tree plus the given paths, not from the
// index, so whatever else a user has changed or staged in the working tree is
// never committed; afterwards only the index entries of those paths are
// updated.
type Repo struct {
	dir  string
	repo *git.Repository
}

// ErrNoRepo reports a directory that is not a git repository.
var ErrNoRepo = errors.New("not a git repository")

// OpenRepo opens the git repository at dir. With create set, a missing
// directory or repository is initialised with a main branch.
func OpenRepo(dir string, create bool) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("dataset: open repository: %w", err)
	}
	r, err := git.PlainOpen(abs)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		if !create {
			return nil, fmt.Errorf("dataset: open repository %s: %w", abs, ErrNoRepo)
		}
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return nil, fmt.Errorf("dataset: create repository: %w", err)
		}
		r, err = git.PlainInitWithOptions(abs, &git.PlainInitOptions{
			InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
		})
	}
	if err != nil {
		return nil, fmt.Errorf("dataset: open repository %s: %w", abs, err)
	}
	if fi, err := os.Stat(filepath.Join(abs, ".git")); err == nil && fi.IsDir() {
		// Reopen with storage that streams large objects from disk instead
		// of holding each whole blob (and a cached copy) in memory: dataset
		// files run to tens of megabytes. A .git file (a linked worktree)
		// keeps go-git's default storage.
		st := filesystem.NewStorageWithOptions(osfs.New(filepath.Join(abs, ".git")), cache.NewObjectLRUDefault(),
			filesystem.Options{LargeObjectThreshold: largeObject})
		if r, err = git.Open(st, osfs.New(abs)); err != nil {
			return nil, fmt.Errorf("dataset: open repository %s: %w", abs, err)
		}
	}
	return &Repo{dir: abs, repo: r}, nil
}

// largeObject is the size above which git objects are read from disk as
// they are used rather than loaded whole.
const largeObject = 1 << 20

// Dir returns the repository's working-tree root.
func (r *Repo) Dir() string { return r.dir }

// Git returns the underlying go-git repository, for history walks.
func (r *Repo) Git() *git.Repository { return r.repo }

// Head returns the commit HEAD points at, or nil when the branch has no
// commits yet.
func (r *Repo) Head() (*object.Commit, error) {
	ref, err := r.repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("dataset: head: %w", err)
	}
	c, err := r.repo.CommitObject(ref.Hash())
	if err != nil {
		return nil, fmt.Errorf("dataset: head commit: %w", err)
	}
	return c, nil
}

// ReadFile returns the content of a slash-separated path at commit c, or an
// error wrapping os.ErrNotExist when the commit has no such file.
func (r *Repo) ReadFile(c *object.Commit, name string) ([]byte, error) {
	if c == nil {
		return nil, fmt.Errorf("dataset: read %s: no commit: %w", name, os.ErrNotExist)
	}
	f, err := c.File(name)
	if errors.Is(err, object.ErrFileNotFound) {
		return nil, fmt.Errorf("dataset: read %s at %s: %w", name, c.Hash.String()[:10], os.ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("dataset: read %s at %s: %w", name, c.Hash.String()[:10], err)
	}
	rd, err := f.Reader()
	if err != nil {
		return nil, fmt.Errorf("dataset: read %s: %w", name, err)
	}
	defer rd.Close()
	// The blob's size is known: one allocation rather than ReadAll's
	// doublings, which matters for files of tens of megabytes.
	b := make([]byte, f.Size)
	if _, err := io.ReadFull(rd, b); err != nil {
		return nil, fmt.Errorf("dataset: read %s: %w", name, err)
	}
	return b, nil
}

// Changes returns the files under the given slash-separated directories
// whose working-tree content differs from HEAD: added, modified or deleted.
func (r *Repo) Changes(dirs ...string) ([]string, error) {
	head, err := r.Head()
	if err != nil {
		return nil, err
	}
	headFiles := map[string]plumbing.Hash{}
	if head != nil {
		tree, err := head.Tree()
		if err != nil {
			return nil, fmt.Errorf("dataset: changes: %w", err)
		}
		err = tree.Files().ForEach(func(f *object.File) error {
			if under(f.Name, dirs) {
				headFiles[f.Name] = f.Hash
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("dataset: changes: %w", err)
		}
	}
	var changed []string
	seen := map[string]bool{}
	for _, d := range dirs {
		root := filepath.Join(r.dir, filepath.FromSlash(d))
		err := filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
			if err != nil || e.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(r.dir, p)
			name := filepath.ToSlash(rel)
			seen[name] = true
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if h, ok := headFiles[name]; !ok || h != plumbing.ComputeHash(plumbing.BlobObject, b) {
				changed = append(changed, name)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("dataset: changes: %w", err)
		}
	}
	for name := range headFiles {
		if !seen[name] {
			changed = append(changed, name)
		}
	}
	sort.Strings(changed)
	return changed, nil
}

func under(name string, dirs []string) bool {
	for _, d := range dirs {
		if strings.HasPrefix(name, strings.TrimSuffix(d, "/")+"/") {
			return true
		}
	}
	return false
}

// Signature names the author of a commit.
type Signature struct {
	Name, Email string
	When        time.Time
}

// Commit records the working-tree content of the given slash-separated
// files (a missing file is recorded as deleted) on top of HEAD, and nothing
// else. It returns the new commit's hash.
func (r *Repo) Commit(files []string, message string, sig Signature) (plumbing.Hash, error) {
	head, err := r.Head()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	var base *object.Tree
	var parents []plumbing.Hash
	if head != nil {
		if base, err = head.Tree(); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("dataset: commit: %w", err)
		}
		parents = []plumbing.Hash{head.Hash}
	}
	changes := map[string]*change{}
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(name)))
		switch {
		case errors.Is(err, os.ErrNotExist):
			changes[name] = nil
		case err != nil:
			return plumbing.ZeroHash, fmt.Errorf("dataset: commit: %w", err)
		default:
			h, err := r.writeObject(plumbing.BlobObject, b)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			changes[name] = &change{hash: h, size: len(b)}
		}
	}
	treeHash, err := r.buildTree(base, "", changes)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	s := object.Signature{Name: sig.Name, Email: sig.Email, When: sig.When}
	c := &object.Commit{Author: s, Committer: s, Message: message, TreeHash: treeHash, ParentHashes: parents}
	obj := r.repo.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("dataset: commit: %w", err)
	}
	hash, err := r.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("dataset: commit: %w", err)
	}
	if err := r.advance(head, hash); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := r.updateIndex(changes); err != nil {
		return plumbing.ZeroHash, err
	}
	return hash, nil
}

type change struct {
	hash plumbing.Hash
	size int
}

func (r *Repo) writeObject(t plumbing.ObjectType, b []byte) (plumbing.Hash, error) {
	obj := r.repo.Storer.NewEncodedObject()
	obj.SetType(t)
	obj.SetSize(int64(len(b)))
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("dataset: write object: %w", err)
	}
	if _, err := w.Write(b); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("dataset: write object: %w", err)
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("dataset: write object: %w", err)
	}
	h, err := r.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("dataset: write object: %w", err)
	}
	return h, nil
}

// buildTree returns the hash of base (which may be nil) with the changes
// under prefix applied, writing the new trees.
func (r *Repo) buildTree(base *object.Tree, prefix string, changes map[string]*change) (plumbing.Hash, error) {
	entries := map[string]object.TreeEntry{}
	if base != nil {
		for _, e := range base.Entries {
			entries[e.Name] = e
		}
	}
	// Group the changes by their first path element below prefix.
	subdirs := map[string]map[string]*change{}
	for name, c := range changes {
		rest := strings.TrimPrefix(name, prefix)
		if first, _, isDir := strings.Cut(rest, "/"); isDir {
			if subdirs[first] == nil {
				subdirs[first] = map[string]*change{}
			}
			subdirs[first][name] = c
		} else if c == nil {
			delete(entries, rest)
		} else {
			entries[rest] = object.TreeEntry{Name: rest, Mode: filemode.Regular, Hash: c.hash}
		}
	}
	for dir, sub := range subdirs {
		var subBase *object.Tree
		if e, ok := entries[dir]; ok && e.Mode == filemode.Dir {
			t, err := r.repo.TreeObject(e.Hash)
			if err != nil {
				return plumbing.ZeroHash, fmt.Errorf("dataset: commit: tree %s: %w", prefix+dir, err)
			}
			subBase = t
		}
		h, err := r.buildTree(subBase, prefix+dir+"/", sub)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if h == emptyTree {
			delete(entries, dir)
		} else {
			entries[dir] = object.TreeEntry{Name: dir, Mode: filemode.Dir, Hash: h}
		}
	}
	t := &object.Tree{}
	for _, e := range entries {
		t.Entries = append(t.Entries, e)
	}
	// Git orders tree entries by name, comparing a directory as if its name
	// ended in a slash.
	sortName := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(t.Entries, func(i, j int) bool { return sortName(t.Entries[i]) < sortName(t.Entries[j]) })
	if len(t.Entries) == 0 {
		return emptyTree, nil
	}
	obj := r.repo.Storer.NewEncodedObject()
	if err := t.Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("dataset: commit: %w", err)
	}
	return r.repo.Storer.SetEncodedObject(obj)
}

var emptyTree = plumbing.ComputeHash(plumbing.TreeObject, nil)

// advance moves the branch HEAD names from old to hash, failing if someone
// else moved it in between.
func (r *Repo) advance(old *object.Commit, hash plumbing.Hash) error {
	headRef, err := r.repo.Storer.Reference(plumbing.HEAD)
	if err != nil {
		return fmt.Errorf("dataset: commit: read HEAD: %w", err)
	}
	branch := plumbing.HEAD
	if headRef.Type() == plumbing.SymbolicReference {
		branch = headRef.Target()
	}
	newRef := plumbing.NewHashReference(branch, hash)
	if old == nil {
		return r.repo.Storer.SetReference(newRef)
	}
	if err := r.repo.Storer.CheckAndSetReference(newRef, plumbing.NewHashReference(branch, old.Hash)); err != nil {
		return fmt.Errorf("dataset: commit: move %s: %w", branch, err)
	}
	return nil
}

// updateIndex makes the index agree with the new commit for the changed
// paths only, so that git status shows them clean and leaves every other
// entry (a user's staged work) as it was.
func (r *Repo) updateIndex(changes map[string]*change) error {
	idx, err := r.repo.Storer.Index()
	if err != nil {
		return fmt.Errorf("dataset: commit: read index: %w", err)
	}
	for name, c := range changes {
		if c == nil {
			_, _ = idx.Remove(name)
			continue
		}
		e, err := idx.Entry(name)
		if errors.Is(err, index.ErrEntryNotFound) {
			e = idx.Add(name)
		}
		e.Hash, e.Mode, e.Size = c.hash, filemode.Regular, uint32(c.size)
		if fi, err := os.Stat(filepath.Join(r.dir, filepath.FromSlash(name))); err == nil {
			e.ModifiedAt = fi.ModTime()
			fillStat(e, fi)
		}
	}
	if err := r.repo.Storer.SetIndex(idx); err != nil {
		return fmt.Errorf("dataset: commit: write index: %w", err)
	}
	return nil
}

// Tag creates an annotated tag name on commit hash. An existing tag of that
// name is an error.
func (r *Repo) Tag(name string, hash plumbing.Hash, message string, sig Signature) error {
	_, err := r.repo.CreateTag(name, hash, &git.CreateTagOptions{
		Tagger:  &object.Signature{Name: sig.Name, Email: sig.Email, When: sig.When},
		Message: message,
	})
	if err != nil {
		return fmt.Errorf("dataset: tag %s: %w", name, err)
	}
	return nil
}

// Log returns the commits that changed files under dir, newest first,
// following first parents from HEAD. Each commit's tree is looked into once:
// the parent's entry for dir is kept for the next step.
func (r *Repo) Log(dir string) ([]*object.Commit, error) {
	head, err := r.Head()
	if err != nil || head == nil {
		return nil, err
	}
	dir = strings.TrimSuffix(dir, "/")
	var out []*object.Commit
	cur, err := entryHash(head, dir)
	if err != nil {
		return nil, err
	}
	for c := head; c != nil; {
		var parent *object.Commit
		var prev plumbing.Hash // zero for a root commit, as for an absent dir
		if c.NumParents() > 0 {
			if parent, err = c.Parent(0); err != nil {
				return nil, fmt.Errorf("dataset: log: %w", err)
			}
			if prev, err = entryHash(parent, dir); err != nil {
				return nil, err
			}
		}
		if cur != prev {
			out = append(out, c)
		}
		c, cur = parent, prev
	}
	return out, nil
}

// entryHash returns the hash of the tree entry at path in commit c, or the
// zero hash when c has nothing there.
func entryHash(c *object.Commit, path string) (plumbing.Hash, error) {
	t, err := c.Tree()
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("dataset: log: %w", err)
	}
	e, err := t.FindEntry(path)
	if errors.Is(err, object.ErrEntryNotFound) || errors.Is(err, object.ErrDirectoryNotFound) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("dataset: log: %w", err)
	}
	return e.Hash, nil
}
