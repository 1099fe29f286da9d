package collect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Merge copies into a what the archive in folder from holds and a lacks:
// every body (checked against its SHA-256 before it is written), every
// fetch record, and the latest fetch of each URL where from's is later.
// It is how the archives of collect runs on separate machines (one per
// source) join the cache of the run that publishes them. A body whose
// content does not match its name is an error and nothing of it is copied.
func (a *DirArchive) Merge(ctx context.Context, from string) error {
	// What a's fetches recorded goes to disk first: a merged latest.json
	// is compared with it, and must not be written over by it after.
	if err := a.Sync(); err != nil {
		return err
	}
	src := &DirArchive{dir: from}
	objects := filepath.Join(from, "objects")
	err := filepath.WalkDir(objects, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		sum := d.Name()
		if !isSum(sum) {
			return nil // a temporary file a crash left
		}
		if _, err := os.Stat(a.objectPath(sum)); err == nil {
			return nil
		}
		b, err := src.Body(ctx, sum)
		if err != nil {
			return err
		}
		return a.write(a.objectPath(sum), b)
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("collect: merge archive %s: %w", from, err)
	}
	fetches := filepath.Join(from, "fetches")
	keys, err := os.ReadDir(fetches)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("collect: merge archive %s: %w", from, err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, k := range keys {
		if !k.IsDir() || !isSum(k.Name()) {
			continue
		}
		dir := filepath.Join(fetches, k.Name())
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("collect: merge archive %s: %w", from, err)
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				return fmt.Errorf("collect: merge archive %s: %w", from, err)
			}
			var s Snapshot
			if err := json.Unmarshal(b, &s); err != nil {
				return fmt.Errorf("collect: merge archive %s: %s: %w", from, e.Name(), err)
			}
			if urlKey(s.URL) != k.Name() {
				return fmt.Errorf("collect: merge archive %s: %s records %s, which is not its folder's URL", from, e.Name(), s.URL)
			}
			target := filepath.Join(a.dir, "fetches", k.Name(), e.Name())
			if e.Name() == "latest.json" {
				if cur, err := a.latest(s.URL); err == nil && !s.Fetched.After(cur.Fetched) {
					continue
				}
			} else if _, err := os.Stat(target); err == nil {
				continue
			}
			if err := a.write(target, b); err != nil {
				return fmt.Errorf("collect: merge archive %s: %w", from, err)
			}
		}
	}
	return nil
}
