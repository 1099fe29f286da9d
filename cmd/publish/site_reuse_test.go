package main

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/pipeline"
)

// TestSiteReusesItsProject checks that a site built again from the same
// inputs into another folder reuses the Hugo project the last build
// generated, untouched, and is the same site; and that a project whose
// files are not as that build left them is generated again, never reused.
func TestSiteReusesItsProject(t *testing.T) {
	tmp := t.TempDir()
	data, first := filepath.Join(tmp, "data"), filepath.Join(tmp, "first")
	day := time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)
	if r := run(t, day, "run", "-q", "--sources", sourcesFile, "--data", data, "--out", first); r.code != exitOK {
		t.Fatalf("run: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	project := pipeline.NewWorkspace(data, "").SiteBuildDir()
	generated := modTimes(t, project)

	// Into another folder: Hugo builds the same project again.
	second := filepath.Join(tmp, "second")
	if r := run(t, day, "site", "-q", "--sources", sourcesFile, "--data", data, "--out", second); r.code != exitOK {
		t.Fatalf("site: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	if got := modTimes(t, project); !maps.Equal(got, generated) {
		t.Errorf("the project was generated again for the same inputs (%d files before, %d after, or their times changed)", len(generated), len(got))
	}
	sameSite(t, first, second)

	// A page of the project changed by hand (or half written by a killed
	// run): the project is generated again, and the site is as before.
	page := filepath.Join(project, "content", "sources.md")
	if err := os.WriteFile(page, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A folder a killed generate moved aside goes too.
	aside := filepath.Join(filepath.Dir(project), filepath.Base(project)+".old-123")
	if err := os.MkdirAll(filepath.Join(aside, "site"), 0o755); err != nil {
		t.Fatal(err)
	}
	third := filepath.Join(tmp, "third")
	if r := run(t, day, "site", "-q", "--sources", sourcesFile, "--data", data, "--out", third); r.code != exitOK {
		t.Fatalf("site after the project was changed: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	if b, err := os.ReadFile(page); err != nil || bytes.Equal(b, []byte("{}\n")) {
		t.Errorf("the changed page of the project was not generated again (err %v)", err)
	}
	if _, err := os.Stat(aside); !os.IsNotExist(err) {
		t.Errorf("the folder a killed generate left is still there (err %v)", err)
	}
	sameSite(t, first, third)

	// A base URL is an input of the project: another is generated.
	fourth := filepath.Join(tmp, "fourth")
	if r := run(t, day, "site", "-q", "--sources", sourcesFile, "--data", data, "--out", fourth, "--base-url", "https://example.org/portal/"); r.code != exitOK {
		t.Fatalf("site with a base URL: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	if b, err := os.ReadFile(filepath.Join(fourth, "sitemap.xml")); err != nil || !bytes.Contains(b, []byte("https://example.org/portal/")) {
		t.Errorf("the site built with a base URL does not use it in its sitemap (err %v)", err)
	}
}

// sameSite fails t unless the sites in folders a and b hold the same files
// with the same bytes.
func sameSite(t *testing.T, a, b string) {
	t.Helper()
	fa, fb := readFiles(t, a), readFiles(t, b)
	if len(fa) != len(fb) {
		t.Errorf("%s has %d files, %s %d", b, len(fb), a, len(fa))
	}
	for name, content := range fa {
		rel, _ := filepath.Rel(a, name)
		if !bytes.Equal(content, fb[filepath.Join(b, rel)]) {
			t.Errorf("%s differs from %s", filepath.Join(b, rel), name)
		}
	}
}
