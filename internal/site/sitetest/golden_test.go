package sitetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps the failures it is told about.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, format)
	r.TB.Logf(format, args...)
}

func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestGolden(t *testing.T) {
	site, golden := t.TempDir(), filepath.Join(t.TempDir(), "golden")
	writeTree(t, site, map[string]string{"index.html": "<p>one</p>\n", "data/x.csv": "a,b\n1,2\n"})
	Golden(t, site, golden, true, Text)
	if _, err := os.Stat(filepath.Join(golden, filesDir, "index.html")); err != nil {
		t.Errorf("the page is not kept whole: %v", err)
	}
	if _, err := os.Stat(filepath.Join(golden, filesDir, "data", "x.csv")); err == nil {
		t.Errorf("the download is kept whole; want its hash only")
	}
	r := &recorder{TB: t}
	Golden(r, site, golden, false, Text)
	if len(r.errors) != 0 {
		t.Fatalf("unchanged site: %v", r.errors)
	}
	for _, tt := range []struct {
		name  string
		files map[string]string
	}{
		{"page", map[string]string{"index.html": "<p>two</p>\n"}},
		{"download", map[string]string{"data/x.csv": "a,b\n1,3\n"}},
		{"new file", map[string]string{"extra.html": "x"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			changed := t.TempDir()
			writeTree(t, changed, map[string]string{"index.html": "<p>one</p>\n", "data/x.csv": "a,b\n1,2\n"})
			writeTree(t, changed, tt.files)
			r := &recorder{TB: t}
			Golden(r, changed, golden, false, Text)
			if len(r.errors) != 1 || !strings.Contains(r.errors[0], "differs") {
				t.Errorf("changed %s: errors %v, want one", tt.name, r.errors)
			}
		})
	}
}
