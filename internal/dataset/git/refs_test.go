package git

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
)

// TestWritesReplaceWholeFiles checks that the branch, the tags and the
// index are written to a new file renamed over the old one, never
// rewritten in place: a run killed while go-git rewrote them in place left
// a tag pointing at 0000… (seen by the crash test), which git fsck rejects.
func TestWritesReplaceWholeFiles(t *testing.T) {
	dir := t.TempDir()
	r, err := Open(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sig := dataset.Signature{Name: "publish", Email: "publish@example.org", When: time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)}
	writeFile(t, dir, "datasets/a/a.parquet", "one")
	first, err := r.Commit([]string{"datasets/a/a.parquet"}, "first\n", sig)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Tag("a/2026-12-03", first, "a version", sig); err != nil {
		t.Fatal(err)
	}
	branch := filepath.Join(dir, ".git", "refs", "heads", "main")
	index := filepath.Join(dir, ".git", "index")
	before := map[string]os.FileInfo{}
	for _, p := range []string{branch, index} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		before[p] = fi
	}

	writeFile(t, dir, "datasets/a/a.parquet", "two")
	second, err := r.Commit([]string{"datasets/a/a.parquet"}, "second\n", sig)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Tag("a/2026-12-03.2", second, "a version", sig); err != nil {
		t.Fatal(err)
	}
	for p, old := range before {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if os.SameFile(old, fi) {
			t.Errorf("%s was rewritten in place, not replaced", p)
		}
	}
	if b, _ := os.ReadFile(branch); strings.TrimSpace(string(b)) != second.String() {
		t.Errorf("branch = %q, want %s", b, second)
	}
	if got, err := r.TagTarget("a/2026-12-03.2"); err != nil || got != second {
		t.Errorf("TagTarget = %s, %v; want %s", got, err, second)
	}
	// Nothing temporary is left where git looks for references.
	filepath.WalkDir(filepath.Join(dir, ".git", "refs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), "publish-write-") {
			t.Errorf("temporary file left under refs/: %s", p)
		}
		return nil
	})
	gitCLI(t, dir, "fsck", "--strict")
	if got := gitCLI(t, dir, "status", "--porcelain"); got != "" {
		t.Errorf("git status after the commits:\n%s", got)
	}

}
