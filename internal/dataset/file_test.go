package dataset

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// dirNames returns the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data.parquet")

	if err := WriteFileAtomicBytes(path, []byte("first")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("new file mode = %v, want 0644", fi.Mode().Perm())
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "second")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "second" {
		t.Errorf("file holds %q, want %q", got, "second")
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("replaced file mode = %v (%v), want 0600 kept", fi.Mode().Perm(), err)
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Errorf("directory holds %q, want only data.parquet", names)
	}
}

func TestWriteFileAtomicFailure(t *testing.T) {
	errWrite := errors.New("parquet writer failed")
	tests := []struct {
		name  string
		write func(io.Writer) error
	}{
		{"error before writing", func(io.Writer) error { return errWrite }},
		{"error after writing", func(w io.Writer) error {
			// More than the buffer holds, so part reaches the file.
			if _, err := w.Write(make([]byte, 1<<20)); err != nil {
				return err
			}
			return errWrite
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "data.parquet")
			if err := WriteFileAtomicBytes(path, []byte("previous")); err != nil {
				t.Fatal(err)
			}
			err := WriteFileAtomic(path, tt.write)
			if !errors.Is(err, errWrite) {
				t.Errorf("WriteFileAtomic() = %v, want %v", err, errWrite)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != "previous" {
				t.Errorf("file holds %q after a failed write, want %q", got, "previous")
			}
			if names := dirNames(t, dir); len(names) != 1 {
				t.Errorf("directory holds %q after a failed write, want only data.parquet", names)
			}
		})
	}
	t.Run("no previous file", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "data.parquet")
		if err := WriteFileAtomic(path, func(io.Writer) error { return errWrite }); !errors.Is(err, errWrite) {
			t.Errorf("WriteFileAtomic() = %v, want %v", err, errWrite)
		}
		if names := dirNames(t, dir); len(names) != 0 {
			t.Errorf("directory holds %q after a failed write, want nothing", names)
		}
	})
	t.Run("missing directory", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "absent", "data.parquet")
		if err := WriteFileAtomicBytes(path, []byte("x")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("WriteFileAtomicBytes() = %v, want %v", err, fs.ErrNotExist)
		}
	})
}

func TestSameContent(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x")
	if err := os.WriteFile(path, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		b    []byte
		want bool
	}{
		{"same", path, []byte("abc"), true},
		{"different", path, []byte("abd"), false},
		{"longer", path, []byte("abcd"), false},
		{"missing file", filepath.Join(dir, "y"), []byte("abc"), false},
		{"directory", dir, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SameContent(tt.path, tt.b)
			if err != nil || got != tt.want {
				t.Errorf("SameContent(%q, %q) = %v, %v, want %v, nil", tt.path, tt.b, got, err, tt.want)
			}
		})
	}
}
