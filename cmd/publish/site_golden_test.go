package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/realdata"
	"github.com/defence-transparency/publish/internal/site/sitetest"
)

// TestSampleSiteGolden builds the site of the README's command, on the
// bundled mirror, and compares every file with testdata/golden/sample: the
// pages and feeds whole, the downloads by hash. A change to the generator
// or the templates that changes a page must show here; regenerate with
// -update when it is intended.
func TestSampleSiteGolden(t *testing.T) {
	tmp := t.TempDir()
	data, public := filepath.Join(tmp, "data"), filepath.Join(tmp, "public")
	day := time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)
	if r := run(t, day, "run", "--sources", sourcesFile, "--data", data, "--out", public); r.code != exitOK {
		t.Fatalf("run: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	sitetest.Golden(t, public, filepath.Join("testdata", "golden", "sample"), *update, sitetest.Text)
}

// TestRealDataSiteGolden builds a site from the real published files in
// ../shared/realdata, in two versions (SIPRI's 2022 and 2023 releases, the
// World Bank's 2021 and 2026 vintages, with the GPI and INFORM), and
// compares every file's hash with testdata/golden/realdata. Only hashes are
// kept: the pages hold third-party data, which the repository never holds.
func TestRealDataSiteGolden(t *testing.T) {
	dir := stableRealdata(t, realdata.Dir(t))
	tmp := t.TempDir()
	data, public := filepath.Join(tmp, "data"), filepath.Join(tmp, "public")
	file := func(elem ...string) string { return fileURL(filepath.Join(append([]string{dir}, elem...)...)) }
	versions := []struct {
		when    time.Time
		sources map[string][]string
	}{
		{time.Date(2023, 4, 24, 12, 0, 0, 0, time.UTC), map[string][]string{
			"sipri":       {file("sipri", "SIPRI-Milex-data-1949-2022.xlsx")},
			"worldbank":   {file("worldbank", "2021-10-28", "ExpenditurePercent.csv")},
			"gpi":         {file("gpi", "GPI_public_release_2025.xlsx")},
			"inform-risk": {file("inform", "INFORM2024_TREND_2015_2024_v70_ALL.xlsx")},
		}},
		{time.Date(2024, 4, 22, 12, 0, 0, 0, time.UTC), map[string][]string{
			"sipri":       {file("sipri", "SIPRI-Milex-data-1948-2023.xlsx")},
			"worldbank":   {file("worldbank", "2026-02-24", "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip")},
			"nato":        {file("nato", "defence_per.csv")},
			"gpi":         {file("gpi", "GPI_public_release_2025.xlsx")},
			"inform-risk": {file("inform", "INFORM2024_TREND_2015_2024_v70_ALL.xlsx")},
		}},
	}
	var sources string
	for i, v := range versions {
		sources = someSources(t, tmp, strconv.Itoa(i), v.sources)
		publishVersion(t, sources, data, v.when)
	}
	if r := run(t, versions[1].when, "site", "--sources", sources, "--data", data, "--out", public); r.code != exitOK {
		t.Fatalf("site: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	if keep := os.Getenv("PUBLISH_KEEP_REALDATA_SITE"); keep != "" {
		// For a look at the pages when the hashes differ: a folder outside
		// the repository.
		if err := os.RemoveAll(keep); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(public, keep); err != nil {
			t.Fatal(err)
		}
		public = keep
	}
	sitetest.Golden(t, public, filepath.Join("testdata", "golden", "realdata"), *update, nil)
}

// stableRealdata returns a path to dir that is the same on every machine:
// the sources' file URLs reach the committed descriptors, so the commits'
// ids and everything named after them depend on it, and the golden hashes
// must not depend on where a checkout keeps ../shared.
func stableRealdata(t testing.TB, dir string) string {
	t.Helper()
	link := filepath.Join(os.TempDir(), "publish-golden-realdata")
	if target, err := os.Readlink(link); err == nil && target == dir {
		return link
	}
	os.Remove(link)
	if err := os.Symlink(dir, link); err != nil && !os.IsExist(err) {
		t.Fatalf("a stable path to the real data: %v", err)
	}
	if target, err := os.Readlink(link); err != nil || target != dir {
		t.Fatalf("%s points to %q, not %s: %v", link, target, dir, err)
	}
	return link
}

// someSources writes a sources file holding the named sources of the
// repository's sources file, with their URLs replaced.
func someSources(t testing.TB, dir, name string, urls map[string][]string) string {
	t.Helper()
	b, err := os.ReadFile(sourcesFile)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	out := text[:strings.Index(text, "\n[[source]]")+1]
	for _, part := range strings.Split(text, "\n[[source]]")[1:] {
		block := "[[source]]" + part
		var us []string
		for n, u := range urls {
			if strings.Contains(block, `name = "`+n+`"`) {
				us = u
			}
		}
		if us == nil {
			continue
		}
		i := strings.Index(block, "urls = [")
		j := i + strings.Index(block[i:], "]")
		quoted := make([]string, len(us))
		for k, u := range us {
			quoted[k] = strconv.Quote(u)
		}
		out += block[:i] + "urls = [" + strings.Join(quoted, ", ") + block[j:] + "\n"
	}
	p := filepath.Join(dir, "sources-"+name+".toml")
	if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
