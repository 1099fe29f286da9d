package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/pipeline"
)

// TestFanOut runs collection as a CI matrix does: one "publish collect
// --source NAME" process per source, all at once, each with its own data
// folder and cache part; then merges the parts and runs build, commit and
// site. The datasets and the site must be byte for byte those of one
// "publish run" at the same time.
func TestFanOut(t *testing.T) {
	cfg, err := collect.ReadConfig(sourcesFile)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	tmp := t.TempDir()

	// One run.
	oneData, onePublic := filepath.Join(tmp, "one", "data"), filepath.Join(tmp, "one", "public")
	if r := run(t, now, "run", "--sources", sourcesFile, "--data", oneData, "--out", onePublic); r.code != exitOK {
		t.Fatalf("run: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}

	// N processes, one per source.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		fails []string
		parts []string
	)
	for _, src := range cfg.Sources {
		part := filepath.Join(tmp, "parts", src.Name)
		parts = append(parts, part)
		wg.Go(func() {
			cmd := exec.CommandContext(t.Context(), self, "collect", "--sources", sourcesFile, "--source", src.Name,
				"--data", filepath.Join(tmp, "jobs", src.Name), "--cache", part, "-q")
			cmd.Env = append(os.Environ(), "PUBLISH_TEST_MAIN=1", "PUBLISH_TEST_NOW="+now.Format(time.RFC3339))
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Run(); err != nil {
				mu.Lock()
				fails = append(fails, fmt.Sprintf("collect --source %s: %v\n%s", src.Name, err, out.String()))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(fails) > 0 {
		t.Fatalf("%d of %d collect processes failed:\n%s", len(fails), len(parts), strings.Join(fails, "\n"))
	}
	fanData, fanPublic := filepath.Join(tmp, "fan", "data"), filepath.Join(tmp, "fan", "public")
	merge := append([]string{"merge", "--sources", sourcesFile, "--data", fanData}, fromFlags(parts)...)
	if r := run(t, now, merge...); r.code != exitOK {
		t.Fatalf("merge: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	for _, stage := range [][]string{{"build"}, {"commit"}, {"site", "--out", fanPublic}} {
		args := append(stage, "--sources", sourcesFile, "--data", fanData)
		if r := run(t, now, args...); r.code != exitOK {
			t.Fatalf("%s: exit %d: %v\n%s", stage[0], r.code, r.err, r.stderr)
		}
	}

	sameTree(t, filepath.Join(oneData, "datasets"), filepath.Join(fanData, "datasets"))
	sameTree(t, onePublic, fanPublic)
	if a, b := gitOut(t, oneData, "rev-parse", "HEAD^{tree}"), gitOut(t, fanData, "rev-parse", "HEAD^{tree}"); a != b {
		t.Errorf("committed trees differ: one run %s, fanned out %s", a, b)
	}
}

func fromFlags(parts []string) []string {
	var args []string
	for _, p := range parts {
		args = append(args, "--from", p)
	}
	return args
}

// sameTree fails the test unless the folders hold the same files with the
// same bytes.
func sameTree(t *testing.T, want, got string) {
	t.Helper()
	w, g := relFiles(t, want), relFiles(t, got)
	if len(w) == 0 {
		t.Fatalf("%s holds no file", want)
	}
	for name, b := range w {
		if gb, ok := g[name]; !ok {
			t.Errorf("%s: missing from the fanned-out run", name)
		} else if !bytes.Equal(b, gb) {
			t.Errorf("%s: differs from one run's", name)
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("%s: only in the fanned-out run", name)
		}
	}
}

func relFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for p, b := range readFiles(t, dir) {
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			t.Fatal(err)
		}
		out[rel] = b
	}
	return out
}

// TestMergeRefusesBadParts: a part that is not a collect run's cache, a
// part whose records are not those its status names, a part older than
// the cache, and a source no part holds, each fail the merge with the
// error callers test for, and leave the cache as it was.
func TestMergeRefusesBadParts(t *testing.T) {
	now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
	tmp := t.TempDir()
	collectPart := func(name, source string, at time.Time) string {
		part := filepath.Join(tmp, name)
		if r := run(t, at, "collect", "--sources", sourcesFile, "--source", source, "--data", filepath.Join(tmp, "job-"+name), "--cache", part, "-q"); r.code != exitOK {
			t.Fatalf("collect %s: exit %d: %v\n%s", source, r.code, r.err, r.stderr)
		}
		return part
	}
	nato := collectPart("nato", "nato", now)
	att := collectPart("att", "att", now)
	old := collectPart("nato-old", "nato", now.Add(-24*time.Hour))
	empty := filepath.Join(tmp, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	damaged := collectPart("damaged", "att", now)
	if err := os.WriteFile(filepath.Join(damaged, "records", "att.parquet"), []byte("PAR1 cut short"), 0o644); err != nil {
		t.Fatal(err)
	}
	names := []string{"nato", "att"}
	tests := []struct {
		name    string
		parts   []string
		sources []string
		want    error
	}{
		{"no status", []string{nato, empty}, names, pipeline.ErrMissingPart},
		{"damaged records", []string{nato, damaged}, names, pipeline.ErrStalePart},
		{"source in no part nor the cache", []string{nato}, []string{"nato", "gao"}, pipeline.ErrMissingPart},
		{"older than the cache", []string{old}, []string{"nato"}, pipeline.ErrStalePart},
	}
	ws := pipeline.NewWorkspace(filepath.Join(tmp, "data"), "")
	if _, err := pipeline.Merge(t.Context(), ws, pipeline.MergeOptions{Parts: []string{nato, att}, Sources: names}); err != nil {
		t.Fatalf("Merge(good parts) = %v", err)
	}
	before, err := os.ReadFile(ws.StatePath())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pipeline.Merge(t.Context(), ws, pipeline.MergeOptions{Parts: tt.parts, Sources: tt.sources})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Merge() = %v, want %v", err, tt.want)
			}
			after, _ := os.ReadFile(ws.StatePath())
			if !bytes.Equal(before, after) {
				t.Errorf("Merge() failed but changed the status")
			}
		})
	}
}
