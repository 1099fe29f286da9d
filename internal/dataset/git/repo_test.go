package git

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/dataset"
)

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func gitCLI(t *testing.T, dir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git CLI not installed")
	}
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func TestRepoCommitTouchesOnlyGivenPaths(t *testing.T) {
	dir := t.TempDir()
	r, err := Open(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sig := dataset.Signature{Name: "publish", Email: "publish@example.org", When: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}

	// A user's own work: one committed file, then modified, one staged, one untracked.
	writeFile(t, dir, "notes.txt", "v1\n")
	writeFile(t, dir, "datasets/a/a.parquet", "one")
	writeFile(t, dir, "datasets/a/datapackage.json", "{}")
	first, err := r.Commit([]string{"notes.txt", "datasets/a/a.parquet", "datasets/a/datapackage.json"}, "first\n", sig)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "notes.txt", "v2 (uncommitted)\n")
	writeFile(t, dir, "staged.txt", "staged by the user\n")
	gitCLI(t, dir, "add", "staged.txt")
	writeFile(t, dir, "untracked.txt", "x\n")

	writeFile(t, dir, "datasets/a/a.parquet", "two")
	writeFile(t, dir, "datasets/b/b.parquet", "new dataset")
	changed, err := r.Changes("datasets")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"datasets/a/a.parquet", "datasets/b/b.parquet"}, changed); diff != "" {
		t.Fatalf("Changes() mismatch (-want +got):\n%s", diff)
	}
	second, err := r.Commit(changed, "second\n", sig)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Tag("a/2026-11-25", second, "a version", sig); err != nil {
		t.Fatal(err)
	}

	got := gitCLI(t, dir, "show", "--name-only", "--format=%s", "HEAD")
	if want := "second\n\ndatasets/a/a.parquet\ndatasets/b/b.parquet\n"; got != want {
		t.Errorf("files of the new commit = %q, want %q", got, want)
	}
	status := gitCLI(t, dir, "status", "--porcelain")
	for _, want := range []string{" M notes.txt", "A  staged.txt", "?? untracked.txt"} {
		if !strings.Contains(status, want) {
			t.Errorf("git status lost the user's change %q:\n%s", want, status)
		}
	}
	if strings.Contains(status, "datasets/") {
		t.Errorf("git status shows dataset files as changed after the commit:\n%s", status)
	}
	gitCLI(t, dir, "fsck", "--strict")
	if got := gitCLI(t, dir, "tag", "--points-at", "HEAD"); got != "a/2026-11-25\n" {
		t.Errorf("tags at HEAD = %q", got)
	}

	// Deleting a file records a deletion; the log of a dataset lists its commits.
	if err := os.Remove(filepath.Join(dir, "datasets", "b", "b.parquet")); err != nil {
		t.Fatal(err)
	}
	changed, _ = r.Changes("datasets")
	if _, err := r.Commit(changed, "third\n", sig); err != nil {
		t.Fatal(err)
	}
	if out := gitCLI(t, dir, "ls-tree", "-r", "--name-only", "HEAD"); strings.Contains(out, "datasets/b") {
		t.Errorf("deleted dataset still in HEAD tree:\n%s", out)
	}
	log, err := r.Log("datasets/a")
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].ID != second || log[1].ID != first {
		t.Errorf("Log(datasets/a) = %d commits, want second and first", len(log))
	}
	head, _ := r.Head()
	if _, err := r.ReadFile(head.ID, "datasets/b/b.parquet"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadFile(deleted) error = %v, want os.ErrNotExist", err)
	}
	b, err := r.ReadFile(head.ID, "datasets/a/a.parquet")
	if err != nil || string(b) != "two" {
		t.Errorf("ReadFile(a.parquet) = %q, %v; want %q", b, err, "two")
	}
}

func TestOpenWithoutCreate(t *testing.T) {
	if _, err := Open(t.TempDir(), false); !errors.Is(err, dataset.ErrNoRepo) {
		t.Errorf("Open(empty dir, false) error = %v, want dataset.ErrNoRepo", err)
	}
}
