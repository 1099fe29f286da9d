package main

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
	"github.com/defence-transparency/publish/internal/pipeline"
)

// sourcesFile is the repository's own sources file: the tests run what a
// new user runs.
var sourcesFile = filepath.Join("..", "..", "sources.toml")

type result struct {
	err            error
	code           int
	stdout, stderr string
}

func run(t *testing.T, now time.Time, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	off := false
	m := &Main{Stdout: &out, Stderr: &errOut, Now: func() time.Time { return now }, Terminal: &off}
	err := m.Run(context.Background(), args)
	return result{err: err, code: exitCode(err, m), stdout: out.String(), stderr: errOut.String()}
}

func readFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		files[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// modTimes returns the modification time of every file under dir.
func modTimes(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	times := map[string]time.Time{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		times[p] = info.ModTime()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return times
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestRunTwiceOnTheBundledMirror(t *testing.T) {
	tmp := t.TempDir()
	data, public := filepath.Join(tmp, "data"), filepath.Join(tmp, "public")
	day := time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)
	first := run(t, day, "run", "--sources", sourcesFile, "--data", data, "--out", public)
	if first.code != exitOK {
		t.Fatalf("first run: exit %d: %v\n%s", first.code, first.err, first.stderr)
	}
	datasetDir := filepath.Join(data, "datasets", "military-expenditure")
	before := readFiles(t, datasetDir)
	for _, name := range []string{"military-expenditure.parquet", "datapackage.json", "README.md"} {
		if len(before[filepath.Join(datasetDir, name)]) == 0 {
			t.Errorf("first run wrote no %s", name)
		}
	}
	desc, err := dataset.ReadDescriptor(filepath.Join(datasetDir, "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !desc.Sample || !strings.Contains(desc.Title, "SAMPLE") {
		t.Errorf("descriptor of a bundled-mirror run: sample=%v title=%q, want it labelled sample", desc.Sample, desc.Title)
	}
	tbl, err := dataset.ReadParquetFile(filepath.Join(datasetDir, "military-expenditure.parquet"), dataset.ExpenditureSchema)
	if err != nil {
		t.Fatal(err)
	}
	bySource := map[string]int{}
	for _, r := range dataset.Expenditures(tbl) {
		bySource[r.Source]++
	}
	// SIPRI's terms allow excerpts only: its rows are withheld, counted in
	// the descriptor, and the World Bank's are published.
	if bySource["sipri"] != 0 || bySource["worldbank"] == 0 {
		t.Errorf("rows by source = %v, want the World Bank's only", bySource)
	}
	for _, s := range desc.Sources {
		if s.Name == "sipri" && (s.Withheld == nil || s.Withheld.Rows == 0) {
			t.Errorf("descriptor: SIPRI's withheld rows are not counted: %+v", s)
		}
	}
	if got := gitOut(t, data, "log", "--format=%s"); !strings.HasPrefix(got, "[sample data] publish: military-expenditure 2026-11-25") || strings.Contains(got, "\n") {
		t.Errorf("log after the first run = %q, want one sample-data commit", got)
	}
	wantTags := "audit-outcomes/2026-11-25\ncbm-reports/2026-11-25\nmilitary-expenditure/2026-11-25\nrisk-reports/2026-11-25"
	if got := gitOut(t, data, "tag"); got != wantTags {
		t.Errorf("tags = %q, want %q", got, wantTags)
	}
	for _, def := range definitions() {
		d, err := dataset.ReadDescriptor(filepath.Join(data, "datasets", def.Name, "datapackage.json"))
		if err != nil {
			t.Errorf("dataset %s: %v", def.Name, err)
			continue
		}
		if !d.Sample || d.Resources[0].Rows == 0 {
			t.Errorf("dataset %s: sample %v, %d rows; want sample rows from every dataset", def.Name, d.Sample, d.Resources[0].Rows)
		}
	}
	home, err := os.ReadFile(filepath.Join(public, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.ToLower(string(home)), "sample data") {
		t.Errorf("home page has no sample-data banner")
	}
	// The GPI sample workbook holds a #VALUE! cell: reported on the sources
	// page, never published as a number.
	sources, err := os.ReadFile(filepath.Join(public, "sources", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(sources), "#VALUE!") {
		t.Errorf("the sources page does not report the workbook's #VALUE! cell")
	}

	// Second run, nothing changed upstream: no commit, identical bytes, and
	// the documents were not parsed again.
	head := gitOut(t, data, "rev-parse", "HEAD")
	site, stamps := readFiles(t, public), modTimes(t, public)
	second := run(t, day.Add(24*time.Hour), "run", "--sources", sourcesFile, "--data", data, "--out", public)
	if second.code != exitOK {
		t.Fatalf("second run: exit %d: %v\n%s", second.code, second.err, second.stderr)
	}
	// The site was not built again: public/ is as the first run left it,
	// to the modification times.
	if !strings.Contains(second.stdout, "site unchanged in "+public) {
		t.Errorf("second run's output does not say the site is unchanged:\n%s", second.stdout)
	}
	if got := modTimes(t, public); !maps.Equal(got, stamps) {
		t.Errorf("second run touched public/: %d files before, %d after, or their times changed", len(stamps), len(got))
	}
	// A site built a day later from the same data is the same site, to
	// the byte: its pages carry the time of the data's version, not the
	// run's.
	later := filepath.Join(tmp, "later")
	third := run(t, day.Add(48*time.Hour), "site", "--sources", sourcesFile, "--data", data, "--out", later)
	if third.code != exitOK {
		t.Fatalf("site a day later: exit %d: %v\n%s", third.code, third.err, third.stderr)
	}
	rebuilt := readFiles(t, later)
	if len(rebuilt) != len(site) {
		t.Errorf("site a day later has %d files, the first %d", len(rebuilt), len(site))
	}
	for name, b := range site {
		rel, _ := filepath.Rel(public, name)
		if !bytes.Equal(b, rebuilt[filepath.Join(later, rel)]) {
			t.Errorf("site a day later: %s differs", rel)
		}
	}
	if !strings.Contains(string(home), `datetime="2026-11-25T06:00:00Z"`) {
		t.Errorf("home page is not dated by the version's commit (2026-11-25T06:00:00Z)")
	}
	// A site whose files were touched is built again.
	if err := os.Remove(filepath.Join(public, "sources", "index.html")); err != nil {
		t.Fatal(err)
	}
	fourth := run(t, day.Add(72*time.Hour), "site", "--sources", sourcesFile, "--data", data, "--out", public)
	if fourth.code != exitOK || strings.Contains(fourth.stdout, "site unchanged") {
		t.Fatalf("site after a page was removed: exit %d, output %q: %v", fourth.code, fourth.stdout, fourth.err)
	}
	if b, err := os.ReadFile(filepath.Join(public, "sources", "index.html")); err != nil || !bytes.Equal(b, sources) {
		t.Errorf("the removed page was not built again as it was (err %v)", err)
	}
	if got := gitOut(t, data, "rev-parse", "HEAD"); got != head {
		t.Errorf("second run committed %s; want no commit", got)
	}
	after := readFiles(t, datasetDir)
	for name, b := range before {
		if !bytes.Equal(b, after[name]) {
			t.Errorf("second run changed %s", name)
		}
	}
	st, err := pipeline.NewWorkspace(data, "").ReadState()
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range st.Sources {
		if s.Status != dataset.SourceUnchanged {
			t.Errorf("source %s after the second run: status %q, want %q", name, s.Status, dataset.SourceUnchanged)
		}
	}
	if status := gitOut(t, data, "status", "--porcelain"); status != "" {
		t.Errorf("git status after the runs:\n%s", status)
	}
}

// permit writes into dir a copy of the sources file at path in which the
// named source has a permission recorded, which publishes it in full.
func permit(t testing.TB, dir, path, source string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "name = \""+source+"\"")
	if start < 0 {
		t.Fatalf("no source %s in %s", source, path)
	}
	end := len(text)
	if i := strings.Index(text[start:], "\n[[source]]"); i >= 0 {
		end = start + i
	}
	text = text[:end] + "\n[source.permission]\ngranted_by = \"A. Person, the publisher\"\ngranted = \"2026-01-15\"\nreference = \"test letter\"\n" + text[end:]
	p := filepath.Join(dir, "permit-"+source+"-"+filepath.Base(path))
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeSources writes a copy of the repository's sources file with one
// source's URLs replaced.
func writeSources(t testing.TB, dir, source string, urls ...string) string {
	t.Helper()
	return replaceURLs(t, dir, "sources.toml", map[string][]string{source: urls})
}

// replaceURLs writes a copy of the repository's sources file, every source
// kept, into dir as file, with the URLs of the named sources replaced.
func replaceURLs(tb testing.TB, dir, file string, urls map[string][]string) string {
	tb.Helper()
	b, err := os.ReadFile(sourcesFile)
	if err != nil {
		tb.Fatal(err)
	}
	parts := strings.Split(string(b), "\n[[source]]")
	left := len(urls)
	for k := 1; k < len(parts); k++ {
		for name, us := range urls {
			if !strings.Contains(parts[k], `name = "`+name+`"`) {
				continue
			}
			quoted := make([]string, len(us))
			for q, u := range us {
				quoted[q] = strconv.Quote(u)
			}
			i := strings.Index(parts[k], "urls = [")
			j := i + strings.Index(parts[k][i:], "]")
			parts[k] = parts[k][:i] + "urls = [" + strings.Join(quoted, ", ") + parts[k][j:]
			left--
		}
	}
	if left > 0 {
		tb.Fatalf("not every source of %v is in %s", urls, sourcesFile)
	}
	p := filepath.Join(dir, file)
	if err := os.WriteFile(p, []byte(strings.Join(parts, "\n[[source]]")), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestFailingSourceKeepsItsLastGoodData(t *testing.T) {
	tmp := t.TempDir()
	data, public := filepath.Join(tmp, "data"), filepath.Join(tmp, "public")
	day := time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)

	// A first run where the World Bank serves an HTML error page: SIPRI is
	// published all the same, and the run says which source failed.
	bad := filepath.Join(tmp, "error.html")
	if err := os.WriteFile(bad, []byte("<html><body>Service unavailable</body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	// SIPRI is published in full here, under a recorded permission.
	broken := permit(t, tmp, writeSources(t, tmp, "worldbank", "file://"+bad), "sipri")
	good := permit(t, t.TempDir(), sourcesFile, "sipri")
	r := run(t, day, "run", "--sources", broken, "--data", data, "--out", public)
	if r.code != exitPartial {
		t.Fatalf("run with a broken source: exit %d (%v), want %d", r.code, r.err, exitPartial)
	}
	var se *pipeline.SourceErrors
	if !errors.As(r.err, &se) || len(se.Failed) != 1 || se.Failed[0].Source != "worldbank" {
		t.Fatalf("error = %v, want one failure naming worldbank", r.err)
	}
	if !strings.Contains(r.stderr, "worldbank") {
		t.Errorf("stderr does not name the failed source:\n%s", r.stderr)
	}
	parquet := filepath.Join(data, "datasets", "military-expenditure", "military-expenditure.parquet")
	rowsBySource := func() map[string]int {
		tbl, err := dataset.ReadParquetFile(parquet, dataset.ExpenditureSchema)
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, e := range dataset.Expenditures(tbl) {
			n[e.Source]++
		}
		return n
	}
	if n := rowsBySource(); n["sipri"] == 0 || n["worldbank"] != 0 {
		t.Errorf("rows after the first run = %v, want SIPRI only", n)
	}

	// Both sources good: the World Bank's rows arrive.
	r = run(t, day.Add(time.Hour), "run", "--sources", good, "--data", data, "--out", public)
	if r.code != exitOK {
		t.Fatalf("good run: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	goodRows := rowsBySource()
	goodBytes, _ := os.ReadFile(parquet)
	head := gitOut(t, data, "rev-parse", "HEAD")

	// The World Bank breaks again: its last good rows stay, nothing is
	// committed, the run exits non-zero and the site says so.
	r = run(t, day.Add(2*time.Hour), "run", "--sources", broken, "--data", data, "--out", public)
	if r.code != exitPartial {
		t.Fatalf("run with a broken source: exit %d (%v), want %d", r.code, r.err, exitPartial)
	}
	if got, _ := os.ReadFile(parquet); !bytes.Equal(got, goodBytes) {
		t.Errorf("the published file changed although only a failing source differs; rows now %v, were %v", rowsBySource(), goodRows)
	}
	if got := gitOut(t, data, "rev-parse", "HEAD"); got != head {
		t.Errorf("a run whose only change is a failed source committed %s", got)
	}
	sources, err := os.ReadFile(filepath.Join(public, "sources", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(sources), "failed") {
		t.Errorf("the sources page does not show the failure")
	}
}

func TestRefusesSampleDataOverLiveData(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	day := time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)
	if r := run(t, day, "run", "--sources", sourcesFile, "--data", data, "--out", filepath.Join(tmp, "public")); r.code != exitOK {
		t.Fatalf("run: exit %d: %v", r.code, r.err)
	}
	// Pretend the repository holds live data.
	descPath := filepath.Join(data, "datasets", "military-expenditure", "datapackage.json")
	desc, err := dataset.ReadDescriptor(descPath)
	if err != nil {
		t.Fatal(err)
	}
	desc.Sample = false
	b, _ := desc.Marshal()
	if err := os.WriteFile(descPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, day, "build", "--sources", sourcesFile, "--data", data)
	if !errors.Is(r.err, pipeline.ErrSampleOverLive) || r.code != exitFailure {
		t.Errorf("build of sample data over live data: exit %d, %v; want ErrSampleOverLive", r.code, r.err)
	}
}

func TestUsage(t *testing.T) {
	// Help goes to stdout; a mistake goes to stderr, saying what it is,
	// and leaves stdout empty. An empty want is an empty stream.
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string
	}{
		{[]string{"--help"}, exitOK, "one command per stage", ""},
		{[]string{"run", "--help"}, exitOK, "Exit status", ""},
		{[]string{"collect", "-h"}, exitOK, "conditional requests", ""},
		{nil, exitUsage, "", "publish: no command given"},
		{[]string{"frobnicate"}, exitUsage, "", `publish: unknown command "frobnicate"`},
		{[]string{"build", "--no-such-flag"}, exitUsage, "", "flag provided but not defined: -no-such-flag"},
		{[]string{"build", "--sources", "/nonexistent/sources.toml"}, exitUsage, "", "publish: sources file /nonexistent/sources.toml not found"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := run(t, time.Now(), tt.args...)
			if r.code != tt.code {
				t.Errorf("publish %v: exit %d (%v), want %d", tt.args, r.code, r.err, tt.code)
			}
			for _, s := range []struct{ name, got, want string }{{"stdout", r.stdout, tt.stdout}, {"stderr", r.stderr, tt.stderr}} {
				if s.want == "" && s.got != "" || !strings.Contains(s.got, s.want) {
					t.Errorf("publish %v: %s = %q, want it to hold %q", tt.args, s.name, s.got, s.want)
				}
			}
		})
	}
}

func TestConfigErrorStopsBeforeFetching(t *testing.T) {
	tmp := t.TempDir()
	b, err := os.ReadFile(sourcesFile)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(b), `rows = "article.search-result"`, `rows = "article.search-result"
colour = "blue"`, 1)
	p := filepath.Join(tmp, "sources.toml")
	if err := os.WriteFile(p, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(tmp, "data")
	r := run(t, time.Now(), "collect", "--sources", p, "--data", data)
	if r.code != exitUsage || !strings.Contains(r.stderr, "nao-defence") {
		t.Errorf("collect with a misspelt option: exit %d, stderr:\n%s\nwant exit %d naming the source", r.code, r.stderr, exitUsage)
	}
	if _, err := os.Stat(filepath.Join(data, ".publish", "archive")); err == nil {
		if entries, _ := os.ReadDir(filepath.Join(data, ".publish", "archive")); len(entries) > 0 {
			t.Errorf("something was fetched before the sources file was checked")
		}
	}
}

// TestEveryCollectorChecksItsOptions: a misspelt option is caught by the
// start-up check of whichever collector a source names.
func TestEveryCollectorChecksItsOptions(t *testing.T) {
	for name, c := range collectors() {
		ch, ok := c.(interface{ Check(collect.Source) error })
		if !ok {
			t.Errorf("collector %s has no Check method", name)
			continue
		}
		src := collect.Source{Name: "x", Dataset: "audit-outcomes", Collector: name, URLs: []string{"https://example.org/"},
			Options: map[string]any{"no_such_setting": int64(1)}}
		if err := ch.Check(src); err == nil {
			t.Errorf("collector %s accepted the option no_such_setting", name)
		}
	}
}

// TestMirrorFolder runs on a folder of downloaded files laid out by URL, as
// an air-gapped newsroom would: fetch.mirror in the sources file. What it
// publishes is the user's own files, so it is not labelled sample data.
func TestMirrorFolder(t *testing.T) {
	tmp := t.TempDir()
	folder := filepath.Join(tmp, "downloads")
	if err := os.CopyFS(folder, mirror.FS); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(sourcesFile)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(b), "# mirror = \"/path/to/folder\"", "mirror = "+strconv.Quote(folder), 1)
	// The folder holds the small bundled samples, and min_rows guards live
	// data, which a mirror folder is: lower it for this test.
	text = regexp.MustCompile(`(?m)^min_rows = \d+`).ReplaceAllString(text, "min_rows = 1")
	p := filepath.Join(tmp, "sources.toml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(tmp, "data")
	if r := run(t, time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC), "run", "--sources", p, "--data", data, "--out", filepath.Join(tmp, "public")); r.code != exitOK {
		t.Fatalf("run on a mirror folder: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	d, err := dataset.ReadDescriptor(filepath.Join(data, "datasets", "military-expenditure", "datapackage.json"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Sample || d.Resources[0].Rows == 0 {
		t.Errorf("descriptor from a mirror folder: sample %v, %d rows; want real (not sample) rows", d.Sample, d.Resources[0].Rows)
	}
	if log := gitOut(t, data, "log", "--format=%s"); strings.Contains(log, "sample") {
		t.Errorf("commit from a mirror folder is labelled sample: %q", log)
	}
}
