package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DefaultLockWait is how long a run waits for another run on the same data
// repository to finish before giving up (publish's --wait flag).
const DefaultLockWait = 3 * time.Minute

// ErrLocked reports a data repository that another run holds.
var ErrLocked = errors.New("another publish run is using the data repository")

// LockedError is a run that gave up waiting for the run lock.
type LockedError struct {
	Path   string        // the lock file
	Holder string        // what the holder wrote in it: its process id and start time
	Waited time.Duration // how long this run waited
}

func (e *LockedError) Error() string {
	holder := ""
	if e.Holder != "" {
		holder = " (" + e.Holder + ")"
	}
	return fmt.Sprintf("%v%s: waited %s for its lock %s", ErrLocked, holder, e.Waited.Round(time.Second), e.Path)
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// Hint tells the user what to do.
func (e *LockedError) Hint() string {
	return "one run at a time per data repository: wait for the other run to end, or pass --wait with a longer duration " +
		"(a lock left by a killed run is released with its process, so it never needs removing by hand)"
}

// LockPath returns the run lock of the data repository. It lies in
// DATA/.publish whatever the cache, so that two runs with different caches
// still exclude each other.
func (w Workspace) LockPath() string { return filepath.Join(w.DataDir, ".publish", "run.lock") }

// Lock is a held run lock.
type Lock struct {
	f *os.File
}

// Lock takes the run lock of the data repository, waiting up to wait for
// a run that holds it (0 means do not wait). The lock is an flock on
// LockPath: the system releases it when its process ends, however it
// ends, so the lock of a killed run is simply taken over. The caller must
// Unlock it; a nil Lock is returned with an error wrapping ErrLocked when
// the wait ran out, or ctx's error.
func (w Workspace) Lock(ctx context.Context, wait time.Duration) (*Lock, error) {
	path := w.LockPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("pipeline: run lock: %w", err)
	}
	if err := w.excludeDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("pipeline: run lock: %w", err)
	}
	start := time.Now()
	poll := 50 * time.Millisecond
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("pipeline: run lock %s: %w", path, err)
		}
		if ok {
			break
		}
		waited := time.Since(start)
		if waited >= wait {
			b, _ := os.ReadFile(path)
			f.Close()
			return nil, &LockedError{Path: path, Holder: strings.TrimSpace(string(b)), Waited: waited}
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(min(poll, wait-waited)):
		}
		poll = min(2*poll, time.Second)
	}
	// Say who holds it, for the message of a run that waits in vain.
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "held by process %d since %s\n", os.Getpid(), time.Now().UTC().Format(time.RFC3339))
	}
	return &Lock{f: f}, nil
}

// Unlock releases the lock. It may be called on a nil Lock.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := unlock(l.f)
	err = errors.Join(err, l.f.Close())
	l.f = nil
	return err
}

// excludeDir keeps a directory inside the data repository out of git
// status, as excludeCache does for the cache.
func (w Workspace) excludeDir(dir string) error {
	if _, err := os.Stat(filepath.Join(w.DataDir, ".git")); err != nil {
		return nil // not a repository yet: commit prepares it
	}
	rel, err := filepath.Rel(w.DataDir, dir)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") || filepath.IsAbs(rel) {
		return nil
	}
	return appendLine(filepath.Join(w.DataDir, ".git", "info", "exclude"),
		"/"+filepath.ToSlash(rel)+"/", "# publish's run lock and cache")
}
