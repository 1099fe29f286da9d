package site

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/defence-transparency/publish/internal/dataset"
)

// fileCache keeps files the site derives from others (a version's CSV, a
// dataset's CSV and zstd Parquet downloads) in the site's cache between
// builds, each under a name that says what it was made from, beside its
// size and SHA-256 (NAME.sha256, written after the file). The entries a
// build does not use are pruned. With no directory every file is made
// anew. The downloads and the versions' files are made at the same time,
// so used is guarded.
type fileCache struct {
	dir  string
	mu   sync.Mutex
	used map[string]bool
}

func (c *fileCache) use(paths ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range paths {
		c.used[p] = true
	}
}

func (c *fileCache) isUsed(p string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used[p]
}

func newFileCache(dir string) *fileCache { return &fileCache{dir: dir, used: map[string]bool{}} }

// file makes dst: a link to or a copy of the cache entry name (a slash path
// under the cache), which write makes first when the cache lacks it. It
// returns dst's size and SHA-256.
func (c *fileCache) file(name, dst string, write func(io.Writer) error) (int64, string, error) {
	if c.dir == "" {
		return writeFile(dst, write)
	}
	n, sum, err := c.ensure(name, write)
	if err != nil {
		return 0, "", err
	}
	if err := dataset.LinkOrCopy(filepath.Join(c.dir, filepath.FromSlash(name)), dst); err != nil {
		return 0, "", fmt.Errorf("site: %s: %w", filepath.Base(dst), err)
	}
	return n, sum, nil
}

// ensure makes the cache entry name with write unless the cache holds it,
// and returns its size and SHA-256. The entry counts as made once its
// NAME.sha256 is written, after it.
func (c *fileCache) ensure(name string, write func(io.Writer) error) (int64, string, error) {
	cached := filepath.Join(c.dir, filepath.FromSlash(name))
	c.use(cached, cached+".sha256")
	if meta, err := os.ReadFile(cached + ".sha256"); err == nil {
		var n int64
		var sum string
		if _, err := fmt.Sscanf(string(meta), "%d %s", &n, &sum); err == nil {
			if _, err := os.Stat(cached); err == nil {
				return n, sum, nil // trusted as written: the sum is not checked again
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(cached), 0o755); err != nil {
		return 0, "", fmt.Errorf("site: cache %s: %w", name, err)
	}
	// Written atomically: an entry may be linked into a site built
	// earlier, whose file must not change, and it is durable before its
	// NAME.sha256 says it is made.
	var hw *hashWriter
	err := dataset.WriteFileAtomic(cached, func(w io.Writer) error {
		hw = newHashWriter(w)
		return write(hw)
	})
	if err != nil {
		return 0, "", err
	}
	n, sum := hw.n, hw.sum()
	if err := dataset.WriteFileAtomicBytes(cached+".sha256", fmt.Appendf(nil, "%d %s\n", n, sum)); err != nil {
		return 0, "", fmt.Errorf("site: cache %s: %w", name, err)
	}
	return n, sum, nil
}

// prune removes the entries under the cache folder sub (a slash path) that
// this build did not use.
func (c *fileCache) prune(sub string) error {
	if c.dir == "" {
		return nil
	}
	dir := filepath.Join(c.dir, filepath.FromSlash(sub))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil // nothing cached there yet
	}
	for _, e := range entries {
		if p := filepath.Join(dir, e.Name()); !c.isUsed(p) {
			if err := os.RemoveAll(p); err != nil {
				return fmt.Errorf("site: prune cache: %w", err)
			}
		}
	}
	return nil
}
