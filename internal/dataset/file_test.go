package dataset

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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
	// Files larger than the buffer SameContent reads them with.
	big := bytes.Repeat([]byte("0123456789"), 20_000)
	bigPath, emptyPath := filepath.Join(dir, "big"), filepath.Join(dir, "empty")
	if err := os.WriteFile(bigPath, big, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(emptyPath, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	lastDiffers := slices.Clone(big)
	lastDiffers[len(big)-1] = 'x'
	middleDiffers := slices.Clone(big)
	middleDiffers[100_000] = 'x'
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
		{"empty", emptyPath, nil, true},
		{"empty and not", emptyPath, []byte("a"), false},
		{"big", bigPath, big, true},
		{"big, last byte differs", bigPath, lastDiffers, false},
		{"big, a middle byte differs", bigPath, middleDiffers, false},
		{"big, shorter", bigPath, big[:len(big)-1], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SameContent(tt.path, tt.b)
			if err != nil || got != tt.want {
				t.Errorf("SameContent(%q, %d bytes) = %v, %v, want %v, nil", tt.path, len(tt.b), got, err, tt.want)
			}
		})
	}
}

func TestWriteFilesAtomic(t *testing.T) {
	root := t.TempDir()
	old := filepath.Join(root, "latest.json")
	if err := os.WriteFile(old, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		old:                                []byte("new"),
		filepath.Join(root, "a", "1.json"): []byte("one"),
		filepath.Join(root, "a", "2.json"): []byte("two"),
		filepath.Join(root, "b", "c", "3"): []byte(""),
	}
	if err := WriteFilesAtomic(root, files); err != nil {
		t.Fatal(err)
	}
	for path, want := range files {
		if got, err := os.ReadFile(path); err != nil || string(got) != string(want) {
			t.Errorf("%s holds %q (%v), want %q", path, got, err, want)
		}
	}
	if fi, err := os.Stat(old); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("replaced file's mode = %v (%v), want 0600 kept", fi.Mode().Perm(), err)
	}
	if fi, err := os.Stat(filepath.Join(root, "a", "1.json")); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("new file's mode = %v (%v), want 0644", fi.Mode().Perm(), err)
	}
	if names := dirNames(t, filepath.Join(root, "a")); len(names) != 2 {
		t.Errorf("folder a holds %q, want the two files alone", names)
	}
	if names := dirNames(t, root); len(names) != 3 {
		t.Errorf("root holds %q, want a, b and latest.json alone", names)
	}
	if err := WriteFilesAtomic(root, nil); err != nil {
		t.Errorf("WriteFilesAtomic(no files) = %v", err)
	}
}

// TestWriteFilesAtomicFailure: when one file cannot be written, none is,
// and no temporary file stays behind.
func TestWriteFilesAtomicFailure(t *testing.T) {
	root := t.TempDir()
	old := filepath.Join(root, "a", "latest.json")
	if err := os.MkdirAll(filepath.Dir(old), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(old, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	// "b" is a file, so no folder can be made under it; the files sorted
	// before it are written to their temporary files first.
	if err := os.WriteFile(filepath.Join(root, "b"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteFilesAtomic(root, map[string][]byte{
		old:                                []byte("new"),
		filepath.Join(root, "a", "1.json"): []byte("one"),
		filepath.Join(root, "b", "2.json"): []byte("two"),
	})
	if err == nil || !strings.Contains(err.Error(), "2.json") {
		t.Fatalf("WriteFilesAtomic() = %v, want an error naming 2.json", err)
	}
	if got, err := os.ReadFile(old); err != nil || string(got) != "old" {
		t.Errorf("%s holds %q (%v) after a failed write, want the old content", old, got, err)
	}
	if names := dirNames(t, filepath.Join(root, "a")); len(names) != 1 {
		t.Errorf("folder a holds %q after a failed write, want latest.json alone", names)
	}
	// The temporary files were made in root.
	if names := dirNames(t, root); len(names) != 2 {
		t.Errorf("root holds %q after a failed write, want a and b alone", names)
	}
}

// TestWriteFileAtomicIn keeps the temporary file in another folder: a
// failed write leaves nothing there, a successful one leaves only the file.
func TestWriteFileAtomicIn(t *testing.T) {
	root := t.TempDir()
	temps, path := filepath.Join(root, "temps"), filepath.Join(root, "objects", "ab", "abc")
	for _, dir := range []string{temps, filepath.Dir(path)} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	errWrite := errors.New("body failed")
	if err := WriteFileAtomicIn(temps, path, func(io.Writer) error { return errWrite }); !errors.Is(err, errWrite) {
		t.Errorf("WriteFileAtomicIn() = %v, want %v", err, errWrite)
	}
	if names := dirNames(t, temps); len(names) != 0 {
		t.Errorf("temps holds %q after a failed write, want nothing", names)
	}
	if err := WriteFileAtomicIn(temps, path, func(w io.Writer) error {
		_, err := io.WriteString(w, "body")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "body" {
		t.Errorf("%s holds %q (%v), want the body", path, got, err)
	}
	if names := dirNames(t, temps); len(names) != 0 {
		t.Errorf("temps holds %q after a write, want nothing", names)
	}
}

// TestWriteFileAtomicBytesIfChanged leaves a file that holds the bytes
// already as it is (the same file, not a new one renamed over it), and
// replaces one that does not.
func TestWriteFileAtomicBytesIfChanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "status.json")
	if err := WriteFileAtomicBytesIfChanged(path, []byte("a")); err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomicBytesIfChanged(path, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if after, err := os.Stat(path); err != nil || !os.SameFile(before, after) {
		t.Errorf("the same bytes replaced the file (%v)", err)
	}
	if err := WriteFileAtomicBytesIfChanged(path, []byte("b")); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "b" {
		t.Errorf("file holds %q (%v), want %q", got, err, "b")
	}
	if after, err := os.Stat(path); err != nil || os.SameFile(before, after) {
		t.Errorf("other bytes did not replace the file (%v)", err)
	}
}

// TestLinkOrCopy checks that dst ends as the file src, whether it was
// missing, already a link to src, or another file, even one of the same
// bytes and size.
func TestLinkOrCopy(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	if err := os.WriteFile(src, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	sameFile := func(t *testing.T, dst string) {
		t.Helper()
		si, err := os.Stat(src)
		if err != nil {
			t.Fatal(err)
		}
		di, err := os.Stat(dst)
		if err != nil {
			t.Fatal(err)
		}
		if !os.SameFile(si, di) {
			t.Errorf("%s is not a link to %s", dst, src)
		}
	}
	tests := []struct {
		name  string
		setup func(dst string) error
	}{
		{"missing", func(string) error { return nil }},
		{"already the link", func(dst string) error { return os.Link(src, dst) }},
		{"another file, the same bytes", func(dst string) error { return os.WriteFile(dst, []byte("abc"), 0o644) }},
		{"another file", func(dst string) error { return os.WriteFile(dst, []byte("old"), 0o644) }},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := filepath.Join(dir, "dst"+strconv.Itoa(i))
			if err := tt.setup(dst); err != nil {
				t.Fatal(err)
			}
			if err := LinkOrCopy(src, dst); err != nil {
				t.Fatal(err)
			}
			sameFile(t, dst)
		})
	}
}
