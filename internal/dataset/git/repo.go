// Package git is the data repository on disk: a dataset.Repo over a git
// repository, written with go-git. It is the one package that knows how git
// stores things; the stages and the site see dataset.Repo, dataset.Commit
// and dataset.ObjectID.
//
// Every object it reads is hashed and compared with its id before it is
// used (see verify.go). Blobs are read whole, through one long-lived
// "git cat-file --batch" where the git CLI is installed (several times
// faster than go-git on packed repositories, and holding one copy of a
// blob), else through go-git's in-memory delta resolution. go-git's
// streaming delta reader, which its large-object threshold turns on, is
// never used: it can return wrong bytes for a delta that copies backward
// (go-git issues #2378, #2295).
package git

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/defence-transparency/publish/internal/dataset"
)

// Repo is a data repository on disk.
//
// Commits are built from the HEAD tree plus the given paths, not from the
// index, so whatever else a user has changed or staged in the working tree
// is never committed; afterwards only the index entries of those paths are
// updated.
type Repo struct {
	dir   string
	repo  *gogit.Repository // reads through verified storage
	store storage.Storer    // the storage itself, for blobs (verified by readBlob)
	blobs blobReader
}

var _ dataset.Repo = (*Repo)(nil)

// Open opens the git repository at dir. With create set, a missing
// directory or repository is initialised with a main branch; without it,
// a directory that is not a repository is an error wrapping
// dataset.ErrNoRepo. The caller must Close the Repo.
func Open(dir string, create bool) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("git: open repository: %w", err)
	}
	r, err := gogit.PlainOpen(abs)
	if errors.Is(err, gogit.ErrRepositoryNotExists) {
		if !create {
			return nil, fmt.Errorf("git: open repository %s: %w", abs, dataset.ErrNoRepo)
		}
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return nil, fmt.Errorf("git: create repository: %w", err)
		}
		r, err = gogit.PlainInitWithOptions(abs, &gogit.PlainInitOptions{
			InitOptions: gogit.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
		})
	}
	if err != nil {
		return nil, fmt.Errorf("git: open repository %s: %w", abs, err)
	}
	wt, err := r.Worktree()
	if err != nil {
		return nil, fmt.Errorf("git: open repository %s: %w", abs, err)
	}
	// Reopen over storage that verifies what it returns. go-git's default
	// storage reads objects whole, resolving deltas in memory.
	store := r.Storer
	v := verified{Storer: store}
	gitDir := filepath.Join(abs, ".git")
	if fs, ok := store.(*filesystem.Storage); ok {
		gitDir = fs.Filesystem().Root() // the real one, for a linked worktree
		v.fs = fs.Filesystem()
	}
	if r, err = gogit.Open(v, wt.Filesystem); err != nil {
		return nil, fmt.Errorf("git: open repository %s: %w", abs, err)
	}
	return &Repo{dir: abs, repo: r, store: store, blobs: newBlobReader(gitDir, store)}, nil
}

// Dir returns the repository's working-tree root.
func (r *Repo) Dir() string { return r.dir }

// Close stops the git process that reads blobs, if one was started.
func (r *Repo) Close() error { return r.blobs.close() }

func id(h plumbing.Hash) dataset.ObjectID { return dataset.ObjectID(h) }

func hash(id dataset.ObjectID) plumbing.Hash { return plumbing.Hash(id) }

func toCommit(c *object.Commit) *dataset.Commit {
	out := &dataset.Commit{ID: id(c.Hash), Time: c.Committer.When, Message: c.Message}
	for _, p := range c.ParentHashes {
		out.Parents = append(out.Parents, id(p))
	}
	return out
}

// Head returns the commit HEAD points at, or nil when the branch has no
// commits yet.
func (r *Repo) Head() (*dataset.Commit, error) {
	c, err := r.head()
	if c == nil || err != nil {
		return nil, err
	}
	return toCommit(c), nil
}

func (r *Repo) head() (*object.Commit, error) {
	ref, err := r.repo.Head()
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("git: head: %w", err)
	}
	return r.commit(ref.Hash())
}

func (r *Repo) commit(h plumbing.Hash) (*object.Commit, error) {
	c, err := r.repo.CommitObject(h)
	if err != nil {
		return nil, fmt.Errorf("git: commit %s: %w", h, err)
	}
	return c, nil
}

// Stat returns the id of the blob at path in commit, reading trees only.
func (r *Repo) Stat(commit dataset.ObjectID, path string) (dataset.ObjectID, error) {
	c, err := r.commit(hash(commit))
	if err != nil {
		return dataset.ObjectID{}, err
	}
	e, err := entry(c, path)
	if err != nil {
		return dataset.ObjectID{}, err
	}
	if e == nil || !e.Mode.IsFile() {
		return dataset.ObjectID{}, fmt.Errorf("git: %s at %s: %w", path, commit.Short(), os.ErrNotExist)
	}
	return id(e.Hash), nil
}

// entry returns the tree entry at the slash-separated path in commit c, or
// nil when c has nothing there.
func entry(c *object.Commit, path string) (*object.TreeEntry, error) {
	t, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("git: tree of %s: %w", c.Hash.String()[:10], err)
	}
	e, err := t.FindEntry(path)
	if errors.Is(err, object.ErrEntryNotFound) || errors.Is(err, object.ErrDirectoryNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("git: %s at %s: %w", path, c.Hash.String()[:10], err)
	}
	return e, nil
}

// ReadFile returns the verified content of the file at path in commit.
func (r *Repo) ReadFile(commit dataset.ObjectID, path string) ([]byte, error) {
	blob, err := r.Stat(commit, path)
	if err != nil {
		return nil, err
	}
	b, err := r.readBlob(blob)
	if err != nil {
		return nil, fmt.Errorf("git: %s at %s: %w", path, commit.Short(), err)
	}
	return b, nil
}

// Changes returns the files under the given slash-separated directories
// whose working-tree content differs from HEAD: added, modified or deleted.
func (r *Repo) Changes(dirs ...string) ([]string, error) {
	head, err := r.head()
	if err != nil {
		return nil, err
	}
	headFiles := map[string]plumbing.Hash{}
	if head != nil {
		for _, d := range dirs {
			d = strings.TrimSuffix(d, "/")
			e, err := entry(head, d)
			if err != nil {
				return nil, fmt.Errorf("git: changes: %w", err)
			}
			if e == nil || e.Mode != filemode.Dir {
				continue
			}
			if err := r.files(e.Hash, d+"/", headFiles); err != nil {
				return nil, fmt.Errorf("git: changes: %w", err)
			}
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
			if dataset.IsTemp(e.Name()) {
				// A half-written file of a killed run: never committed.
				return nil
			}
			rel, _ := filepath.Rel(r.dir, p)
			name := filepath.ToSlash(rel)
			seen[name] = true
			h, ok := headFiles[name]
			if ok {
				same, err := sameBlob(p, h)
				if err != nil || same {
					return err
				}
			}
			changed = append(changed, name)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("git: changes: %w", err)
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

// files adds the files of tree h and its subtrees to out, by path under
// prefix. It reads trees only, never a blob.
func (r *Repo) files(h plumbing.Hash, prefix string, out map[string]plumbing.Hash) error {
	t, err := r.repo.TreeObject(h)
	if err != nil {
		return fmt.Errorf("tree %s: %w", strings.TrimSuffix(prefix, "/"), err)
	}
	for _, e := range t.Entries {
		switch {
		case e.Mode == filemode.Dir:
			if err := r.files(e.Hash, prefix+e.Name+"/", out); err != nil {
				return err
			}
		case e.Mode.IsFile():
			out[prefix+e.Name] = e.Hash
		}
	}
	return nil
}

// sameBlob reports whether the file at path has the content of blob h,
// hashing it as git does without holding it in memory.
func sameBlob(path string, h plumbing.Hash) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	hasher := plumbing.NewHasher(plumbing.BlobObject, fi.Size())
	n, err := io.Copy(hasher, f)
	if err != nil {
		return false, err
	}
	return n == fi.Size() && hasher.Sum() == h, nil
}

// Commit records the working-tree content of the given slash-separated
// files (a missing file is recorded as deleted) on top of HEAD, and nothing
// else. It returns the new commit's id.
func (r *Repo) Commit(files []string, message string, sig dataset.Signature) (dataset.ObjectID, error) {
	head, err := r.head()
	if err != nil {
		return dataset.ObjectID{}, err
	}
	h, err := r.commitFiles(head, files, message, sig)
	return id(h), err
}

func (r *Repo) commitFiles(head *object.Commit, files []string, message string, sig dataset.Signature) (plumbing.Hash, error) {
	var base *object.Tree
	var parents []plumbing.Hash
	if head != nil {
		var err error
		if base, err = head.Tree(); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("git: commit: %w", err)
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
			return plumbing.ZeroHash, fmt.Errorf("git: commit: %w", err)
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
		return plumbing.ZeroHash, fmt.Errorf("git: commit: %w", err)
	}
	hash, err := r.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("git: commit: %w", err)
	}
	// The index is made to agree with the new commit before the branch
	// moves: a run killed in between leaves the change staged, which the
	// next run commits (Changes compares with HEAD), whereas an index left
	// behind a moved branch would show the files modified for good. The
	// objects are durable before the branch names them, and the branch
	// before anything (a tag) follows.
	if err := r.updateIndex(changes); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := syncFS(r.dir); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := r.advance(head, hash); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := syncFS(r.dir); err != nil {
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
		return plumbing.ZeroHash, fmt.Errorf("git: write object: %w", err)
	}
	if _, err := w.Write(b); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("git: write object: %w", err)
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("git: write object: %w", err)
	}
	h, err := r.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("git: write object: %w", err)
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
				return plumbing.ZeroHash, fmt.Errorf("git: commit: tree %s: %w", prefix+dir, err)
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
		return plumbing.ZeroHash, fmt.Errorf("git: commit: %w", err)
	}
	return r.repo.Storer.SetEncodedObject(obj)
}

var emptyTree = plumbing.ComputeHash(plumbing.TreeObject, nil)

// advance moves the branch HEAD names from old to hash, failing if someone
// else moved it in between.
func (r *Repo) advance(old *object.Commit, hash plumbing.Hash) error {
	headRef, err := r.repo.Storer.Reference(plumbing.HEAD)
	if err != nil {
		return fmt.Errorf("git: commit: read HEAD: %w", err)
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
		return fmt.Errorf("git: commit: move %s: %w", branch, err)
	}
	return nil
}

// updateIndex makes the index agree with the new commit for the changed
// paths only, so that git status shows them clean and leaves every other
// entry (a user's staged work) as it was.
func (r *Repo) updateIndex(changes map[string]*change) error {
	idx, err := r.repo.Storer.Index()
	if err != nil {
		return fmt.Errorf("git: commit: read index: %w", err)
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
		return fmt.Errorf("git: commit: write index: %w", err)
	}
	return nil
}

// Tag creates an annotated tag name on commit. An existing tag of that
// name is an error.
func (r *Repo) Tag(name string, commit dataset.ObjectID, message string, sig dataset.Signature) error {
	_, err := r.repo.CreateTag(name, hash(commit), &gogit.CreateTagOptions{
		Tagger:  &object.Signature{Name: sig.Name, Email: sig.Email, When: sig.When},
		Message: message,
	})
	if err != nil {
		return fmt.Errorf("git: tag %s: %w", name, err)
	}
	return syncFS(r.dir)
}

// TagTarget returns the commit tag name points at, lightweight or
// annotated; an error wrapping os.ErrNotExist when there is no such tag.
func (r *Repo) TagTarget(name string) (dataset.ObjectID, error) {
	ref, err := r.repo.Tag(name)
	if errors.Is(err, gogit.ErrTagNotFound) {
		return dataset.ObjectID{}, fmt.Errorf("git: tag %s: %w", name, os.ErrNotExist)
	}
	if err != nil {
		return dataset.ObjectID{}, fmt.Errorf("git: tag %s: %w", name, err)
	}
	h := ref.Hash()
	if t, err := r.repo.TagObject(h); err == nil {
		c, err := t.Commit()
		if err != nil {
			return dataset.ObjectID{}, fmt.Errorf("git: tag %s: %w", name, err)
		}
		h = c.Hash
	}
	return id(h), nil
}

// Log returns the commits that changed files under dir, newest first,
// following first parents from HEAD. Each commit's tree is looked into once:
// the parent's entry for dir is kept for the next step.
func (r *Repo) Log(dir string) ([]dataset.Commit, error) {
	head, err := r.head()
	if err != nil || head == nil {
		return nil, err
	}
	dir = strings.TrimSuffix(dir, "/")
	var out []dataset.Commit
	cur, err := entryHash(head, dir)
	if err != nil {
		return nil, err
	}
	for c := head; c != nil; {
		var parent *object.Commit
		var prev plumbing.Hash // zero for a root commit, as for an absent dir
		if c.NumParents() > 0 {
			if parent, err = r.commit(c.ParentHashes[0]); err != nil {
				return nil, fmt.Errorf("git: log: %w", err)
			}
			if prev, err = entryHash(parent, dir); err != nil {
				return nil, err
			}
		}
		if cur != prev {
			out = append(out, *toCommit(c))
		}
		c, cur = parent, prev
	}
	return out, nil
}

// entryHash returns the hash of the tree entry at path in commit c, or the
// zero hash when c has nothing there.
func entryHash(c *object.Commit, path string) (plumbing.Hash, error) {
	e, err := entry(c, path)
	if err != nil || e == nil {
		return plumbing.ZeroHash, err
	}
	return e.Hash, nil
}

// ReadBlob returns the verified content of blob id.
func (r *Repo) ReadBlob(blob dataset.ObjectID) ([]byte, error) {
	b, err := r.readBlob(blob)
	if err != nil {
		return nil, fmt.Errorf("git: %w", err)
	}
	return b, nil
}

func (r *Repo) readBlob(blob dataset.ObjectID) ([]byte, error) {
	var buf []byte
	err := r.blobs.read(hash(blob), func(size int64) (io.Writer, error) {
		buf = make([]byte, 0, size)
		return (*appender)(&buf), nil
	})
	if err != nil {
		return nil, blobError(blob, err)
	}
	return buf, nil
}

// blobError names blob in err unless err names it already.
func blobError(blob dataset.ObjectID, err error) error {
	var ce *corruptError
	if errors.As(err, &ce) {
		return err
	}
	return fmt.Errorf("read blob %s: %w", blob, err)
}

// appender appends what is written to a slice, made with the capacity of
// the whole blob: one allocation rather than a buffer's doublings, which
// matters for files of tens of megabytes.
type appender []byte

func (a *appender) Write(p []byte) (int, error) {
	*a = append(*a, p...)
	return len(p), nil
}

// OpenBlob returns the verified content of blob id in a temporary file.
func (r *Repo) OpenBlob(blob dataset.ObjectID) (*dataset.Blob, error) {
	f, err := os.CreateTemp("", "publish-blob-*")
	if err != nil {
		return nil, fmt.Errorf("git: read blob %s: %w", blob, err)
	}
	err = r.blobs.read(hash(blob), func(int64) (io.Writer, error) { return f, nil })
	if err == nil {
		var b *dataset.Blob
		if b, err = dataset.NewBlob(blob, f); err == nil {
			return b, nil
		}
	}
	f.Close()
	os.Remove(f.Name())
	return nil, fmt.Errorf("git: %w", blobError(blob, err))
}
