package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/pipeline"
	"github.com/defence-transparency/publish/internal/realdata"
)

// The tests of this file check, on whole runs, that a source whose terms
// allow excerpts only (SIPRI by default) leaves no bulk copy anywhere the
// public sees: not in the data repository's history (every blob of every
// commit), not in the site's downloads, versions or feeds, and no figure
// of it on any page but its own country's; and that with a permission
// recorded, all of it is published.

// withheldRows returns the rows of source that the current version of
// military-expenditure withholds, from the cache, after checking that the
// descriptor counts them.
func withheldRows(t *testing.T, data, source string) *dataset.Table {
	t.Helper()
	ws := pipeline.NewWorkspace(data, "")
	desc, err := dataset.ReadDescriptor(ws.DescriptorPath("military-expenditure"))
	if err != nil {
		t.Fatal(err)
	}
	var ref *dataset.SourceRef
	for i := range desc.Sources {
		if desc.Sources[i].Name == source {
			ref = &desc.Sources[i]
		}
	}
	if ref == nil || ref.Withheld == nil || ref.Withheld.Rows == 0 || ref.Rows != 0 {
		t.Fatalf("descriptor of military-expenditure: source %s = %+v, want its rows withheld and counted", source, ref)
	}
	held, err := dataset.ReadParquetFile(ws.WithheldPath("military-expenditure", desc.Version), dataset.ExpenditureSchema)
	if err != nil {
		t.Fatalf("the withheld rows are not in the cache: %v", err)
	}
	col := held.Schema.Index(dataset.SourceField)
	held = held.Filter(func(i int) bool { return held.Columns[col].Strings[i] == source })
	if held.Len() != ref.Withheld.Rows {
		t.Fatalf("cache holds %d rows of %s, the descriptor counts %d", held.Len(), source, ref.Withheld.Rows)
	}
	return held
}

// figures indexes the values of rows as they are written in files
// (dataset.FormatValue), by the countries whose rows hold them. Values
// with fewer than 5 significant digits are left out: they are too common
// to identify a source.
func figures(t *dataset.Table, into map[string]map[string]bool) {
	for _, e := range dataset.Expenditures(t) {
		if !e.HasValue {
			continue
		}
		s := dataset.FormatValue(dataset.Number, dataset.Value{Num: e.Value})
		if digits := strings.TrimLeft(strings.NewReplacer("-", "", ".", "").Replace(s), "0"); len(digits) < 5 {
			continue
		}
		if into[s] == nil {
			into[s] = map[string]bool{}
		}
		into[s][e.Country] = true
	}
}

// words are the runs of characters that make up a number written in a
// file, together with letters, so that a hash or an identifier is one
// word and never taken for a figure.
var words = regexp.MustCompile(`[A-Za-z0-9_.+-]+`)

// leakChecker checks files for the withheld rows of one source.
type leakChecker struct {
	t       *testing.T
	source  string
	private map[string]map[string]bool // figures of the withheld rows only, by country
	own     int                        // figures found on their own country's page
	pages   map[string]int             // by country page
}

func newLeakChecker(t *testing.T, source string, held, published *dataset.Table) *leakChecker {
	sipri, public := map[string]map[string]bool{}, map[string]map[string]bool{}
	figures(held, sipri)
	figures(published, public)
	for v := range public {
		delete(sipri, v) // a figure the published rows hold too is no leak
	}
	if len(sipri) == 0 {
		t.Fatalf("no figure of %s to look for", source)
	}
	return &leakChecker{t: t, source: source, private: sipri, pages: map[string]int{}}
}

// countryPage matches the path, from the site's root, of a country page.
var countryPage = regexp.MustCompile(`^countries/([a-z]{3})/index\.html$`)

// text checks a text file at rel (slash-separated, from the site's or the
// repository's root): a withheld figure may appear only on the page of a
// country whose figure it is.
func (c *leakChecker) text(rel string, b []byte) {
	c.t.Helper()
	own := ""
	if m := countryPage.FindStringSubmatch(rel); m != nil {
		own = strings.ToUpper(m[1])
	}
	leaks := 0
	for _, w := range words.FindAll(b, -1) {
		countries, ok := c.private[string(w)]
		if !ok {
			continue
		}
		if own != "" && countries[own] {
			c.own++
			c.pages[own]++
			continue
		}
		if leaks++; leaks <= 3 {
			c.t.Errorf("%s holds %s's figure %s (of %v) outside its country's page", rel, c.source, w, keys(countries))
		}
	}
}

// rows checks a data file (Parquet or CSV) for rows of the source.
func (c *leakChecker) rows(rel string, b []byte) {
	c.t.Helper()
	if strings.HasSuffix(rel, ".csv") {
		r := csv.NewReader(bytes.NewReader(b))
		r.FieldsPerRecord = -1
		header, err := r.Read()
		if err != nil {
			c.t.Errorf("%s: %v", rel, err)
			return
		}
		col := -1
		for i, h := range header {
			if h == dataset.SourceField {
				col = i
			}
		}
		n := 0
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				c.t.Errorf("%s: %v", rel, err)
				return
			}
			if col >= 0 && col < len(rec) && rec[col] == c.source {
				n++
			}
		}
		if n > 0 {
			c.t.Errorf("%s holds %d rows of %s", rel, n, c.source)
		}
		c.text(rel, b)
		return
	}
	def := definitionOf(rel)
	if def == nil {
		c.t.Errorf("%s: a Parquet file of no dataset", rel)
		return
	}
	tbl, err := dataset.ReadParquetBytes(b, def.Schema)
	if err != nil {
		c.t.Errorf("%s: %v", rel, err)
		return
	}
	col := tbl.Schema.Index(dataset.SourceField)
	n := 0
	for i := range tbl.Len() {
		if tbl.Columns[col].Strings[i] == c.source {
			n++
		}
	}
	if n > 0 {
		c.t.Errorf("%s holds %d rows of %s", rel, n, c.source)
	}
}

// file checks one file of the site or the repository.
func (c *leakChecker) file(rel string, b []byte) {
	c.t.Helper()
	switch ext := filepath.Ext(rel); ext {
	case ".parquet", ".csv":
		c.rows(rel, b)
	case ".png", ".ico", ".woff2", ".gz", ".zst":
	default:
		c.text(rel, b)
	}
}

// definitionOf returns the dataset a file's path names (datasets/NAME/...).
func definitionOf(rel string) *dataset.Definition {
	parts := strings.Split(rel, "/")
	for i, p := range parts {
		if p == "datasets" && i+1 < len(parts) {
			for _, def := range definitions() {
				if def.Name == parts[i+1] {
					return def
				}
			}
		}
	}
	return nil
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// checkSite checks every file of the built site.
func (c *leakChecker) checkSite(public string) {
	c.t.Helper()
	err := filepath.WalkDir(public, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(public, p)
		c.file(filepath.ToSlash(rel), b)
		return nil
	})
	if err != nil {
		c.t.Fatal(err)
	}
}

// checkHistory checks every blob of every commit of the data repository,
// and that nothing of the cache is in it.
func (c *leakChecker) checkHistory(data string) {
	c.t.Helper()
	blobs := map[string]string{}
	for _, commit := range strings.Fields(gitOut(c.t, data, "rev-list", "--all")) {
		for _, line := range strings.Split(gitOut(c.t, data, "ls-tree", "-r", commit), "\n") {
			// <mode> blob <hash>\t<path>
			meta, path, ok := strings.Cut(line, "\t")
			if !ok {
				continue
			}
			if strings.HasPrefix(path, ".publish") {
				c.t.Errorf("commit %s holds %s from the cache", commit[:10], path)
			}
			f := strings.Fields(meta)
			blobs[f[2]] = path
		}
	}
	if len(blobs) == 0 {
		c.t.Fatal("the data repository holds no blob")
	}
	for hash, path := range blobs {
		cmd := exec.Command("git", "cat-file", "blob", hash)
		cmd.Dir = data
		b, err := cmd.Output()
		if err != nil {
			c.t.Fatalf("git cat-file %s: %v", hash, err)
		}
		c.file(path, b)
	}
}

// publishedExpenditure reads the published military-expenditure file.
func publishedExpenditure(t *testing.T, data string) *dataset.Table {
	t.Helper()
	tbl, err := dataset.ReadParquetFile(pipeline.NewWorkspace(data, "").ParquetPath("military-expenditure"), dataset.ExpenditureSchema)
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// countSource counts the rows of source in a published Parquet or CSV
// download.
func countSource(t *testing.T, path, source string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".csv") {
		return strings.Count(string(b), ","+source+",")
	}
	tbl, err := dataset.ReadParquetBytes(b, dataset.ExpenditureSchema)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range dataset.Expenditures(tbl) {
		if e.Source == source {
			n++
		}
	}
	return n
}

// checkTermsRespected runs the checks on a run's data repository and
// site, and that some country's page does show its own figures.
func checkTermsRespected(t *testing.T, data, public, source, country string) *dataset.Table {
	t.Helper()
	held := withheldRows(t, data, source)
	c := newLeakChecker(t, source, held, publishedExpenditure(t, data))
	c.checkHistory(data)
	c.checkSite(public)
	if c.pages[country] == 0 {
		t.Errorf("the page of %s shows none of its own %s figures (own figures found on %d pages)", country, source, len(c.pages))
	}
	if status := gitOut(t, data, "status", "--porcelain"); status != "" {
		t.Errorf("git status of the data repository:\n%s", status)
	}
	return held
}

// checkAllPublished checks that a run with a permission published every
// row of the source: in the committed file, the downloads and the version.
func checkAllPublished(t *testing.T, data, public, source string, want int) {
	t.Helper()
	ws := pipeline.NewWorkspace(data, "")
	if n := countSource(t, ws.ParquetPath("military-expenditure"), source); n != want {
		t.Errorf("committed file: %d rows of %s, want all %d", n, source, want)
	}
	committed := gitOut(t, data, "ls-tree", "-r", "HEAD", "--name-only")
	if !strings.Contains(committed, "datasets/military-expenditure/military-expenditure.parquet") {
		t.Errorf("nothing committed:\n%s", committed)
	}
	dir := filepath.Join(public, "datasets", "military-expenditure")
	for _, f := range []string{"military-expenditure.csv", "military-expenditure.parquet", "military-expenditure.zstd.parquet"} {
		if n := countSource(t, filepath.Join(dir, f), source); n != want {
			t.Errorf("download %s: %d rows of %s, want all %d", f, n, source, want)
		}
	}
	versions, err := filepath.Glob(filepath.Join(dir, "versions", "*", "military-expenditure.parquet"))
	if err != nil || len(versions) == 0 {
		t.Fatalf("no version download: %v", err)
	}
	if n := countSource(t, versions[0], source); n != want {
		t.Errorf("version download: %d rows of %s, want all %d", n, source, want)
	}
	desc, err := dataset.ReadDescriptor(ws.DescriptorPath("military-expenditure"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range desc.Sources {
		if s.Name == source && (s.Withheld != nil || s.Permission == nil || s.Rows != want) {
			t.Errorf("descriptor: %+v, want %d rows published under the permission", s, want)
		}
	}
}

func TestSampleRunWithholdsSIPRI(t *testing.T) {
	tmp := t.TempDir()
	data, public := filepath.Join(tmp, "data"), filepath.Join(tmp, "public")
	day := time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)
	if r := run(t, day, "run", "--sources", sourcesFile, "--data", data, "--out", public); r.code != exitOK {
		t.Fatalf("run: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	held := checkTermsRespected(t, data, public, "sipri", "DEU")

	// With a permission recorded, the same run publishes all of it.
	data2, public2 := filepath.Join(tmp, "data2"), filepath.Join(tmp, "public2")
	if r := run(t, day, "run", "--sources", permit(t, tmp, sourcesFile, "sipri"), "--data", data2, "--out", public2); r.code != exitOK {
		t.Fatalf("run with a permission: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	checkAllPublished(t, data2, public2, "sipri", held.Len())
}

func TestRealSIPRIWithheldByDefault(t *testing.T) {
	dir := realdata.Dir(t)
	tmp := t.TempDir()
	urls := map[string][]string{
		"sipri":     {fileURL(filepath.Join(dir, "sipri", "SIPRI-Milex-data-1948-2023.xlsx"))},
		"worldbank": {fileURL(filepath.Join(dir, "worldbank", "2026-02-24", "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip"))},
	}
	sources := someSources(t, tmp, "terms", urls)
	data, public := filepath.Join(tmp, "data"), filepath.Join(tmp, "public")
	day := time.Date(2026, 2, 24, 12, 0, 0, 0, time.UTC)
	r := run(t, day, "run", "--sources", sources, "--data", data, "--out", public)
	if r.code != exitOK {
		t.Fatalf("run: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	held := checkTermsRespected(t, data, public, "sipri", "DEU")
	// The whole SIPRI table was collected and kept in the cache: 174
	// countries, every sheet.
	if held.Len() < 50000 {
		t.Errorf("%d SIPRI rows withheld, want the whole table (over 50,000)", held.Len())
	}
	// The World Bank's series, from SIPRI under CC BY 4.0, are published
	// and carry the charts.
	if n := countSource(t, filepath.Join(public, "datasets", "military-expenditure", "military-expenditure.csv"), "worldbank"); n < 5000 {
		t.Errorf("%d World Bank rows in the download, want the whole series", n)
	}
	page, err := os.ReadFile(filepath.Join(public, "countries", "deu", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="chart-gdp"`, "World Bank", "as an excerpt", "https://www.sipri.org/databases/milex"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the page of Germany lacks %q", want)
		}
	}

	// With SIPRI's permission recorded: every row published.
	data2, public2 := filepath.Join(tmp, "data2"), filepath.Join(tmp, "public2")
	r = run(t, day, "run", "--sources", permit(t, tmp, sources, "sipri"), "--data", data2, "--out", public2)
	if r.code != exitOK {
		t.Fatalf("run with a permission: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	checkAllPublished(t, data2, public2, "sipri", held.Len())
}

// Two SIPRI releases published by default: neither is committed, and the
// second version counts what SIPRI changed between them.
func TestRealSIPRIReleasesCountedNotPublished(t *testing.T) {
	dir := realdata.Dir(t)
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	publishVersion(t, onlySource(t, tmp, "sipri", fileURL(filepath.Join(dir, "sipri", "SIPRI-Milex-data-1949-2022.xlsx"))),
		data, time.Date(2023, 4, 24, 12, 0, 0, 0, time.UTC))
	first := withheldRows(t, data, "sipri")
	publishVersion(t, onlySource(t, tmp, "sipri", fileURL(filepath.Join(dir, "sipri", "SIPRI-Milex-data-1948-2023.xlsx"))),
		data, time.Date(2024, 4, 22, 12, 0, 0, 0, time.UTC))
	second := withheldRows(t, data, "sipri")

	desc, err := dataset.ReadDescriptor(pipeline.NewWorkspace(data, "").DescriptorPath("military-expenditure"))
	if err != nil {
		t.Fatal(err)
	}
	var c *dataset.VersionChanges
	for _, s := range desc.Sources {
		if s.Name == "sipri" && s.Withheld != nil {
			c = s.Withheld.Changes
		}
	}
	// The 2023 release adds the years 1948 and 2023, revises past figures
	// and moves constant US$ to 2022 prices (rows removed and added).
	if c == nil || c.Previous != "2023-04-24" || c.Added == 0 || c.Removed == 0 || c.Revisions == 0 ||
		second.Len() != first.Len()+c.Added-c.Removed {
		t.Fatalf("changes of the withheld SIPRI rows = %+v (rows %d -> %d), want them counted against 2023-04-24", c, first.Len(), second.Len())
	}
	t.Logf("withheld SIPRI rows %d -> %d, changes %+v", first.Len(), second.Len(), *c)
	out := run(t, time.Now(), "history", "--data", data, "military-expenditure")
	if want := "sipri " + strconv.Itoa(second.Len()) + " (+" + strconv.Itoa(c.Added); !strings.Contains(out.stdout, want) {
		t.Errorf("publish history lacks %q:\n%s", want, out.stdout)
	}
	if !strings.Contains(out.stdout, "MATERIAL") || !strings.Contains(out.stdout, "REPLACED") {
		t.Errorf("publish history lacks the material and replaced counts:\n%s", out.stdout)
	}
	// publish diff compares the published rows only, and says what it
	// cannot compare: the withheld rows, by their counts.
	out = run(t, time.Now(), "diff", "--data", data, "military-expenditure")
	want := fmt.Sprintf("sipri: %d rows withheld under its terms", second.Len())
	changed := fmt.Sprintf("%d added, %d removed, %d changed (%d revisions)", c.Added, c.Removed, c.Changed, c.Revisions)
	if !strings.Contains(out.stdout, want) || !strings.Contains(out.stdout, "since 2023-04-24") || !strings.Contains(out.stdout, changed) {
		t.Errorf("publish diff does not count the withheld rows (%q, %q):\n%s", want, changed, out.stdout)
	}
	if n := strings.Count(gitOut(t, data, "log", "--format=%H"), "\n") + 1; n != 2 {
		t.Errorf("%d commits, want one per release", n)
	}
	c2 := newLeakChecker(t, "sipri", second, publishedExpenditure(t, data))
	figures(first, c2.private)
	c2.checkHistory(data)
}
