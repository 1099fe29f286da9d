package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/defence-transparency/publish/internal/dataset"
)

// The site is never built into --out in place: a reader (or a run killed
// half-way) would see old and new pages mixed. It is built into a sibling
// folder, NewOut, which is then swapped with --out in one rename, where
// the system can exchange two folders atomically (Linux), or in two
// renames elsewhere, the old site waiting in OldOut in between.

// NewOut returns the folder the site is built into before it replaces out.
func NewOut(out string) string { return sibling(out, "publish-new") }

// OldOut returns where the old site waits while a new one replaces it.
func OldOut(out string) string { return sibling(out, "publish-old") }

func sibling(out, suffix string) string {
	out = filepath.Clean(out)
	return filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+"."+suffix)
}

// RecoverOut repairs out after a build stopped half-way: when out is
// missing and the old site waits beside it, the old site comes back; then
// whatever is left of a new or old site beside out is removed.
func RecoverOut(out string) error {
	old := OldOut(out)
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Lstat(old); err == nil {
			if err := os.Rename(old, out); err != nil {
				return fmt.Errorf("site: restore %s: %w", out, err)
			}
		}
	}
	for _, dir := range []string{old, NewOut(out)} {
		if err := keepDotDirs(dir, out); err != nil {
			return err
		}
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("site: remove %s: %w", dir, err)
		}
	}
	return nil
}

// SwapIn puts the site built in NewOut(out) in place of out, and removes
// the old site. Readers of out see the old site or the new one, whole.
// The old site is removed in the background once the new one is in place:
// removed waits for that and reports its error. A run that stops before
// leaves the rest of it to RecoverOut.
func SwapIn(out string, swapped func()) (removed func() error, err error) {
	none := func() error { return nil }
	next := NewOut(out)
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(next, out); err != nil {
			return nil, fmt.Errorf("site: put %s in place: %w", out, err)
		}
		swapped()
		return none, dataset.SyncDirs(filepath.Dir(out))
	}
	old := next
	if err := exchange(next, out); err == nil {
		// next now holds the old site.
		if err := dataset.SyncDirs(filepath.Dir(out)); err != nil {
			return nil, fmt.Errorf("site: put %s in place: %w", out, err)
		}
	} else {
		old = OldOut(out)
		if err := os.RemoveAll(old); err != nil {
			return nil, fmt.Errorf("site: put %s in place: %w", out, err)
		}
		if err := os.Rename(out, old); err != nil {
			return nil, fmt.Errorf("site: put %s in place: %w", out, err)
		}
		if err := os.Rename(next, out); err != nil {
			return nil, fmt.Errorf("site: put %s in place: %w", out, err)
		}
		if err := dataset.SyncDirs(filepath.Dir(out)); err != nil {
			return nil, fmt.Errorf("site: put %s in place: %w", out, err)
		}
	}
	swapped()
	if err := keepDotDirs(old, out); err != nil {
		return nil, err
	}
	// A thousand files take a tenth of a second to remove: the caller
	// goes on meanwhile.
	done := make(chan error, 1)
	go func() { done <- os.RemoveAll(old) }()
	return sync.OnceValue(func() error {
		if err := <-done; err != nil {
			return fmt.Errorf("site: remove the old site: %w", err)
		}
		return nil
	}), nil
}

// keepDotDirs moves the folders whose names start with a dot (a .git of
// a checkout that deploys the site, say) from the old site in from to the
// new one in out, as Hugo's --cleanDestinationDir keeps them. A run killed
// before they move finds them in the old site, which RecoverOut moves
// them from before it removes it.
func keepDotDirs(from, out string) error {
	entries, err := os.ReadDir(from)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("site: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if _, err := os.Lstat(filepath.Join(out, e.Name())); err == nil {
			continue
		}
		if err := os.Rename(filepath.Join(from, e.Name()), filepath.Join(out, e.Name())); err != nil {
			return fmt.Errorf("site: keep %s: %w", e.Name(), err)
		}
	}
	return nil
}
