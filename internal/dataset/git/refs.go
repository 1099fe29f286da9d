package git

import (
	"bufio"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"
)

// go-git writes a reference by truncating its file and then writing the
// new id, and the index the same way: a run killed between the two leaves
// an empty file, which git reads as a tag pointing at 0000… (git fsck
// fails) or a branch or index that no later run can read. The methods
// below replace those writes with git's own way: the new content goes to
// a file of its own, is synced, and is renamed over the old, so that after
// a kill the file is either the old one or the new one.

// SetReference writes ref whole or not at all.
func (s verified) SetReference(ref *plumbing.Reference) error {
	if s.fs == nil {
		return s.Storer.SetReference(ref)
	}
	return s.replace(string(ref.Name()), refContent(ref))
}

// CheckAndSetReference writes ref whole or not at all, if the reference
// still points where old says.
func (s verified) CheckAndSetReference(ref, old *plumbing.Reference) error {
	if s.fs == nil {
		return s.Storer.CheckAndSetReference(ref, old)
	}
	if old != nil {
		cur, err := s.Storer.Reference(old.Name())
		if err != nil && !errors.Is(err, plumbing.ErrReferenceNotFound) {
			return err
		}
		if cur == nil || cur.Hash() != old.Hash() {
			return storage.ErrReferenceHasChanged
		}
	}
	return s.replace(string(ref.Name()), refContent(ref))
}

// SetIndex writes the index whole or not at all.
func (s verified) SetIndex(idx *index.Index) error {
	if s.fs == nil {
		return s.Storer.SetIndex(idx)
	}
	var b strings.Builder
	w := bufio.NewWriter(&b)
	if err := index.NewEncoder(w).Encode(idx); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return s.replace("index", b.String())
}

func refContent(ref *plumbing.Reference) string {
	if ref.Type() == plumbing.SymbolicReference {
		return "ref: " + string(ref.Target()) + "\n"
	}
	return ref.Hash().String() + "\n"
}

// replace writes content to name (a path inside the git directory) by way
// of a temporary file beside it in the same git directory: under info/
// for what lives under refs/ (git and go-git read every file under refs/
// as a reference, so a temporary file must not be there), at the top for
// the rest. A linked worktree keeps refs/ and info/ in the common
// directory and HEAD and the index in its own, so the rename never
// crosses the two.
func (s verified) replace(name, content string) (err error) {
	tmpDir := "."
	if strings.HasPrefix(name, "refs/") {
		tmpDir = "info"
	}
	if err := s.fs.MkdirAll(tmpDir, 0o777); err != nil {
		return fmt.Errorf("git: write %s: %w", name, err)
	}
	if dir := path.Dir(name); dir != "." {
		if err := s.fs.MkdirAll(dir, 0o777); err != nil {
			return fmt.Errorf("git: write %s: %w", name, err)
		}
	}
	f, err := s.fs.TempFile(tmpDir, "publish-write-")
	if err != nil {
		return fmt.Errorf("git: write %s: %w", name, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = s.fs.Remove(tmp)
		}
	}()
	if _, err := f.Write([]byte(content)); err != nil {
		f.Close()
		return fmt.Errorf("git: write %s: %w", name, err)
	}
	if syncer, ok := f.(interface{ Sync() error }); ok {
		if err := syncer.Sync(); err != nil {
			f.Close()
			return fmt.Errorf("git: write %s: %w", name, err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("git: write %s: %w", name, err)
	}
	if err := s.fs.Rename(tmp, name); err != nil {
		return fmt.Errorf("git: write %s: %w", name, err)
	}
	return nil
}

var _ storer.ReferenceStorer = verified{}
