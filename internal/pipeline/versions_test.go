package pipeline

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/git"
)

// TestVersionNumberNeverReused reproduces issue 9's "new data under an old
// version number": build new rows, restore the committed descriptor and
// README by hand, run again. The new rows must get a new version number,
// compared with the committed version, and commit must not fail on an
// existing tag.
func TestVersionNumberNeverReused(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git CLI not installed")
	}
	ws := NewWorkspace(t.TempDir(), "")
	repo, err := git.Open(ws.DataDir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	cfg := &collect.Config{Sources: []collect.Source{{Name: "a", Dataset: "military-expenditure", Collector: "x",
		URLs: []string{"file:///a"}, Terms: collect.TermsOpen}}}
	defs := []*dataset.Definition{dataset.MilitaryExpenditure}
	now := func() time.Time { return time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC) }
	bo := BuildOptions{Config: cfg, Datasets: defs, Now: now, Repo: repo}
	step := func(n int, commit bool) {
		t.Helper()
		st, _ := ws.ReadState()
		collected(t, ws, st, "a", rows("a", n))
		if err := ws.WriteState(st); err != nil {
			t.Fatal(err)
		}
		if _, err := Build(context.Background(), ws, bo); err != nil {
			t.Fatal(err)
		}
		if commit {
			if _, err := Commit(context.Background(), ws, CommitOptions{Repo: repo, Datasets: defs, Now: now}); err != nil {
				t.Fatalf("commit: %v", err)
			}
		}
	}
	step(10, true)
	step(11, false) // collect and build the new rows
	cmd := exec.Command("git", "checkout", "--", "datasets/military-expenditure/datapackage.json", "datasets/military-expenditure/README.md")
	cmd.Dir = ws.DataDir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git checkout: %v\n%s", err, out)
	}
	step(11, true) // publish run
	tags := gitLines(t, ws.DataDir, "tag", "-l")
	if want := []string{"military-expenditure/2026-12-02", "military-expenditure/2026-12-02.2"}; strings.Join(tags, " ") != strings.Join(want, " ") {
		t.Errorf("tags = %v, want %v", tags, want)
	}
	desc, err := dataset.ReadDescriptor(ws.DescriptorPath("military-expenditure"))
	if err != nil {
		t.Fatal(err)
	}
	if desc.Version != "2026-12-02.2" || desc.Changes == nil || desc.Changes.Added != 1 || desc.Changes.Previous != "2026-12-02" {
		t.Errorf("the new version = %s, changes %+v; want 2026-12-02.2 adding 1 row to 2026-12-02", desc.Version, desc.Changes)
	}
}

func gitLines(t *testing.T, dir string, args ...string) []string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %v: %v", args, err)
	}
	return strings.Fields(string(out))
}

// TestRepair checks the repair at start-up: a complete journal is played,
// an incomplete one removed, temporary files removed and never committed,
// and a commit left without its tag tagged.
func TestRepair(t *testing.T) {
	ws := NewWorkspace(t.TempDir(), "")
	repo, err := git.Open(ws.DataDir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	cfg := &collect.Config{Sources: []collect.Source{{Name: "a", Dataset: "military-expenditure", Collector: "x",
		URLs: []string{"file:///a"}, Terms: collect.TermsOpen}}}
	defs := []*dataset.Definition{dataset.MilitaryExpenditure}
	now := func() time.Time { return time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC) }
	st := &State{Sources: map[string]*SourceState{}}
	collected(t, ws, st, "a", rows("a", 10))
	if err := ws.WriteState(st); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(context.Background(), ws, BuildOptions{Config: cfg, Datasets: defs, Now: now, Repo: repo}); err != nil {
		t.Fatal(err)
	}
	// A commit whose run stopped before its tag.
	files, err := repo.Changes(dataset.DatasetsDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Commit(files, "publish: military-expenditure 2026-12-02", dataset.Signature{Name: "t", Email: "t@example.org", When: now()}); err != nil {
		t.Fatal(err)
	}
	// A temporary file of an atomic write, beside the dataset's files.
	tmp := filepath.Join(filepath.Dir(ws.ParquetPath("military-expenditure")), ".military-expenditure.parquet.tmp-123456")
	if err := os.WriteFile(tmp, []byte("half a file"), 0o644); err != nil {
		t.Fatal(err)
	}
	if changed, err := repo.Changes(dataset.DatasetsDir); err != nil || len(changed) != 0 {
		t.Errorf("Changes with a temporary file = %v, %v; want none: it is never committed", changed, err)
	}
	// One a kill left in the raw archive's folder, which is removed too;
	// files with such names deeper in the archive and in the Hugo
	// project, where nothing leaves them, are not walked.
	archiveTmp := filepath.Join(ws.ArchiveDir(), ".latest.json.tmp-42")
	deepFile := filepath.Join(ws.ArchiveDir(), "fetches", "ab", ".latest.json.tmp-43")
	projectFile := filepath.Join(ws.SiteBuildDir(), "static", ".x.tmp-7")
	for _, f := range []string{archiveTmp, deepFile, projectFile} {
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A complete journal and an incomplete one.
	readme := []byte("# README written by the journal\n")
	complete := ws.journalDir("military-expenditure")
	if err := os.MkdirAll(complete, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(complete, "0"), readme, 0o644)
	os.WriteFile(filepath.Join(complete, manifestFile), []byte(`["datasets/military-expenditure/README.md"]`), 0o644)
	incomplete := ws.journalDir("cbm-reports")
	os.MkdirAll(incomplete, 0o755)
	os.WriteFile(filepath.Join(incomplete, "0"), []byte("half"), 0o644)

	if err := Repair(ws, repo, defs, nil); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{tmp, archiveTmp} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("the temporary file %s is left: %v", f, err)
		}
	}
	for _, f := range []string{deepFile, projectFile} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s was walked: %v", filepath.Dir(f), err)
		}
	}
	if b, _ := os.ReadFile(ws.ReadmePath("military-expenditure")); string(b) != string(readme) {
		t.Errorf("the complete journal was not played: README = %q", b)
	}
	for _, dir := range []string{complete, incomplete} {
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("journal %s is left", dir)
		}
	}
	head, _ := repo.Head()
	if target, err := repo.TagTarget("military-expenditure/2026-12-02"); err != nil || target != head.ID {
		t.Errorf("tag of the untagged commit = %v, %v; want HEAD %v", target, err, head.ID)
	}
}
