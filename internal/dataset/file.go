package dataset

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/defence-transparency/publish/internal/crash"
)

// WriteFileAtomic replaces the file at path with what write produces, so
// that a reader or a crash sees either the old file or the whole new one.
// write's output goes, buffered, to a temporary file in the same directory,
// which is synced, closed and renamed over path; the directory is then
// synced so the rename itself survives a crash. On an error before the
// rename the temporary file is removed and the old file is left as it was;
// an error syncing the directory comes after the rename, when the new file
// is in place but might not survive a crash. The new file keeps the old
// file's permissions, or gets 0644.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	return WriteFileAtomicIn("", path, write)
}

// WriteFileAtomicIn is WriteFileAtomic with the temporary file in the
// folder temps, on path's file system, rather than beside path ("" is
// beside path), and both folders synced after the rename. A store of many
// folders (the raw archive) so keeps the temporary files a kill leaves in
// one place, where they are found without walking the store.
func WriteFileAtomicIn(temps, path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if temps == "" {
		temps = dir
	}
	tmp, err := writeTemp(temps, path, write, true)
	if err != nil {
		return fmt.Errorf("dataset: write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("dataset: write %s: %w", path, err)
	}
	dirs := []string{dir}
	if filepath.Clean(temps) != dir {
		dirs = append(dirs, temps)
	}
	if err := SyncDirs(dirs...); err != nil {
		return fmt.Errorf("dataset: write %s: %w", path, err)
	}
	return nil
}

// writeTemp writes what write produces, buffered, to a new temporary file
// for path (".NAME.tmp-N") in the folder temps, with path's permissions or
// 0644, syncs it when sync is set, closes it and returns its name. On an
// error it removes the file.
func writeTemp(temps, path string, write func(io.Writer) error, sync bool) (name string, err error) {
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(temps, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			f.Close() // may already be closed; the error is the first one
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := write(bw); err != nil {
		return "", err
	}
	if err := bw.Flush(); err != nil {
		return "", err
	}
	if err := f.Chmod(mode); err != nil {
		return "", err
	}
	if sync {
		if err := f.Sync(); err != nil {
			return "", err
		}
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return f.Name(), nil
}

// A run killed while WriteFileAtomic's temporary file (".NAME.tmp-N")
// exists leaves it; git.Repo.Changes never reports one, so it is never
// committed, and the repair at the next start removes it.
//
// IsTemp reports whether a file's base name is that of a temporary file of
// WriteFileAtomic.
func IsTemp(base string) bool {
	if !strings.HasPrefix(base, ".") {
		return false
	}
	i := strings.LastIndex(base, ".tmp-")
	if i <= 0 {
		return false
	}
	for _, r := range base[i+len(".tmp-"):] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return len(base) > i+len(".tmp-")
}

// SyncDirs makes the renames in each of dirs durable. Windows cannot sync
// a directory and does not need to.
func SyncDirs(dirs ...string) error {
	for _, dir := range dirs {
		if err := syncDir(dir); err != nil {
			return err
		}
	}
	return nil
}

func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	return syncFile(dir)
}

// WriteFilesAtomic replaces each file named in files (a path under root,
// a folder on one file system) with its content, as WriteFileAtomic does,
// creating the folders it needs. All of them cost two syncs of the file
// system rather than two syncs each: every content is first written to a
// temporary file in root itself (as WriteFileAtomicIn does), then they are
// all made durable, and only then renamed into place, so that a crash at
// any point leaves each file either as it was or whole and new, never
// torn. Where syncfs(2) is missing each temporary file and each folder is
// synced instead. On an error before the renames, the temporary files are
// removed and every file is left as it was.
func WriteFilesAtomic(root string, files map[string][]byte) (err error) {
	if len(files) == 0 {
		return nil
	}
	paths := slices.Sorted(maps.Keys(files))
	temps := make([]string, 0, len(paths))
	defer func() {
		if err != nil {
			for _, tmp := range temps {
				os.Remove(tmp)
			}
		}
	}()
	perFile := false
	for _, path := range paths {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("dataset: write %s: %w", path, err)
		}
		tmp, err := writeTemp(root, path, WriteBytes(files[path]), false)
		if err != nil {
			return fmt.Errorf("dataset: write %s: %w", path, err)
		}
		temps = append(temps, tmp)
	}
	if err := SyncFS(root); errors.Is(err, errors.ErrUnsupported) {
		perFile = true
		for k, tmp := range temps {
			if err := syncFile(tmp); err != nil {
				return fmt.Errorf("dataset: write %s: %w", paths[k], err)
			}
		}
	} else if err != nil {
		return fmt.Errorf("dataset: write under %s: %w", root, err)
	}
	crash.Point(crash.FilesSynced)
	for k, path := range paths {
		if err := os.Rename(temps[k], path); err != nil {
			return fmt.Errorf("dataset: write %s: %w", path, err)
		}
	}
	temps = nil // renamed: nothing left to remove
	if !perFile {
		if err := SyncFS(root); err != nil {
			return fmt.Errorf("dataset: write under %s: %w", root, err)
		}
		return nil
	}
	dirs := map[string]bool{root: true}
	for _, path := range paths {
		dirs[filepath.Dir(path)] = true
	}
	if err := SyncDirs(slices.Sorted(maps.Keys(dirs))...); err != nil {
		return fmt.Errorf("dataset: write under %s: %w", root, err)
	}
	return nil
}

// syncFile syncs the file or folder name.
func syncFile(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	err = f.Sync()
	return errors.Join(err, f.Close())
}

// WriteFileAtomicBytes replaces the file at path with b, as WriteFileAtomic
// does.
func WriteFileAtomicBytes(path string, b []byte) error {
	return WriteFileAtomic(path, WriteBytes(b))
}

// WriteBytes returns a write function, as WriteFileAtomic and the like
// take, that writes b.
func WriteBytes(b []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}
}

// WriteFileAtomicBytesIfChanged replaces the file at path with b as
// WriteFileAtomicBytes does, unless it holds exactly b already: a state
// file that a run finds as it would write it costs one read, not two syncs.
// What it holds is durable, as every writer of such a file writes it with
// WriteFileAtomic.
func WriteFileAtomicBytesIfChanged(path string, b []byte) error {
	if same, err := SameContent(path, b); err == nil && same {
		return nil
	}
	return WriteFileAtomicBytes(path, b)
}

// SameContent reports whether the file at path holds exactly b, so that an
// unchanged file need not be rewritten. A missing file is not the same.
func SameContent(path string, b []byte) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("dataset: compare %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return false, fmt.Errorf("dataset: compare %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() || fi.Size() != int64(len(b)) {
		return false, nil
	}
	// Compared a piece at a time: nothing is allocated for the file's
	// size, and a difference ends the read.
	buf := compareBufs.Get().(*[]byte)
	defer compareBufs.Put(buf)
	for {
		n, err := io.ReadFull(f, (*buf)[:min(len(*buf), len(b)+1)])
		if !bytes.Equal((*buf)[:n], b[:min(n, len(b))]) || n > len(b) {
			return false, nil // it differs, or it grew since Stat
		}
		b = b[n:]
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			return len(b) == 0, nil
		case err != nil:
			return false, fmt.Errorf("dataset: compare %s: %w", path, err)
		}
	}
}

// compareBufs holds SameContent's buffers.
var compareBufs = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// CopyFrom returns a WriteFileAtomic writer of the content of the file src.
func CopyFrom(src string) func(io.Writer) error {
	return func(w io.Writer) error {
		f, err := os.Open(src)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(w, f)
		return err
	}
}

// CopyFile copies src to dst through a temporary file, so that a crash
// never leaves a half-written dst.
func CopyFile(src, dst string) error { return WriteFileAtomic(dst, CopyFrom(src)) }

// LinkOrCopy makes dst a hard link to src where the file system allows,
// else a copy (CopyFile). It is for files that are only read after, such as
// a build directory's copies of a cache: writing to one would change both.
// A dst that is already a link to src is left as it is.
func LinkOrCopy(src, dst string) error {
	si, err := os.Stat(src)
	if err != nil {
		return err
	}
	if di, err := os.Stat(dst); err == nil && os.SameFile(si, di) {
		return nil
	}
	os.Remove(dst)
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	return CopyFile(src, dst)
}
