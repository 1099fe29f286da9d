package main

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
	"github.com/defence-transparency/publish/internal/dataset/git"
	"github.com/defence-transparency/publish/internal/dataset/history"
	"github.com/defence-transparency/publish/internal/realdata"
)

// onlySource writes a sources file holding just the named source of the
// repository's sources file, with its URLs replaced.
func onlySource(t *testing.T, dir, name string, urls ...string) string {
	t.Helper()
	b, err := os.ReadFile(sourcesFile)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	head := text[:strings.Index(text, "\n[[source]]")+1]
	var block string
	for _, part := range strings.Split(text, "\n[[source]]")[1:] {
		if strings.Contains(part, `name = "`+name+`"`) {
			block = "[[source]]" + part
		}
	}
	if block == "" {
		t.Fatalf("no source %s", name)
	}
	i := strings.Index(block, "urls = [")
	j := i + strings.Index(block[i:], "]")
	quoted := make([]string, len(urls))
	for k, u := range urls {
		quoted[k] = strconv.Quote(u)
	}
	block = block[:i] + "urls = [" + strings.Join(quoted, ", ") + block[j:]
	p := filepath.Join(dir, name+"-"+strconv.Itoa(len(urls))+"-"+strconv.FormatInt(time.Now().UnixNano(), 36)+".toml")
	if err := os.WriteFile(p, []byte(head+block), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func fileURL(p string) string { return "file://" + filepath.ToSlash(p) }

// col is the position of a field of military-expenditure.
func col(name string) int { return dataset.ExpenditureSchema.Index(name) }

// publishVersion runs collect, build and commit with a sources file.
func publishVersion(t *testing.T, sources, data string, when time.Time) {
	t.Helper()
	for _, stage := range []string{"collect", "build", "commit"} {
		if r := run(t, when, stage, "--sources", sources, "--data", data); r.code != exitOK {
			t.Fatalf("%s: exit %d: %v\n%s", stage, r.code, r.err, r.stderr)
		}
	}
}

// wbCells reads a World Bank data CSV independently of the collector: the
// non-empty cells of the rows not in aggregates (nil for all rows), by
// "ISO3 year".
func wbCells(t *testing.T, path string, aggregates map[string]bool) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	lines := strings.SplitN(string(b), "\n", 5) // 4 preamble lines, then the table
	r := csv.NewReader(strings.NewReader(lines[4]))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cells := map[string]string{}
	header := recs[0]
	for _, rec := range recs[1:] {
		if aggregates[rec[1]] {
			continue
		}
		for i := 4; i < len(rec) && i < len(header); i++ {
			if rec[i] != "" {
				cells[rec[1]+" "+header[i]] = rec[i]
			}
		}
	}
	return cells
}

func TestRealWorldBankVintages(t *testing.T) {
	dir := realdata.Dir(t)
	wb := filepath.Join(dir, "worldbank")
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	old := filepath.Join(wb, "2021-10-28", "ExpenditurePercent.csv")
	newZip := filepath.Join(wb, "2026-02-24", "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip")
	publishVersion(t, onlySource(t, tmp, "worldbank", fileURL(old)), data, time.Date(2021, 10, 28, 12, 0, 0, 0, time.UTC))
	publishVersion(t, onlySource(t, tmp, "worldbank", fileURL(newZip)), data, time.Date(2026, 2, 24, 12, 0, 0, 0, time.UTC))

	repo, err := git.Open(data, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	h, err := history.Load(repo, dataset.MilitaryExpenditure)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Versions) != 2 || h.Versions[0].Sample || h.Versions[1].Sample {
		t.Fatalf("versions = %+v, want two versions of real (not sample) data", h.Versions)
	}
	sum, err := h.Diff(&h.Versions[1], &h.Versions[0], nil)
	if err != nil {
		t.Fatal(err)
	}

	// The independent count: cells that hold a value in both files and
	// differ, compared as the files write them after parsing; economies
	// (per the registry) apart, since aggregates are published too.
	aggregates := map[string]bool{}
	for _, c := range country.All() {
		if !c.IsState() {
			aggregates[c.ISO3] = true
		}
	}
	newCSV := filepath.Join(wb, "2026-02-24", "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv")
	count := func(a, b map[string]string) (differ, onlyNew, onlyOld int) {
		for k, va := range a {
			vb, ok := b[k]
			if !ok {
				onlyOld++
				continue
			}
			fa, _ := strconv.ParseFloat(va, 64)
			fb, _ := strconv.ParseFloat(vb, 64)
			if fa != fb {
				differ++
			}
		}
		for k := range b {
			if _, ok := a[k]; !ok {
				onlyNew++
			}
		}
		return differ, onlyNew, onlyOld
	}
	econDiffer, _, _ := count(wbCells(t, old, aggregates), wbCells(t, newCSV, aggregates))
	differ, onlyNew, onlyOld := count(wbCells(t, old, nil), wbCells(t, newCSV, nil))
	// SOURCES.md's 4,913 counts all rows beyond a tolerance; exactly
	// compared, 5,045 cells differ, 2,659 of them economies'.
	if differ != 5045 || econDiffer != 2659 {
		t.Errorf("independent count of differing cells = %d (economies %d); the files have 5,045 (2,659)", differ, econDiffer)
	}
	// Four of them are the same number at 15 significant digits, one
	// apart in the 15th (Colombia 2014 and 2015, Georgia 2009, Gambia
	// 2013; counted with Python's decimal module too): no revision, and
	// the published value stays the one published before.
	want := diff.Counts{Added: onlyNew, Removed: onlyOld, Changed: differ - 4, Revisions: differ - 4, Material: sum.Material}
	if sum.Counts != want || sum.SameNumbers != 0 {
		t.Errorf("diff of the vintages = %+v and %d same numbers, want %+v and none", sum.Counts, sum.SameNumbers, want)
	}
	latest, err := h.Table(&h.Versions[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range dataset.Expenditures(latest) {
		if r.Country == "COL" && r.Year == 2014 && r.Measure == dataset.MeasureShareOfGDP && r.Value != 3.10825884811045 {
			t.Errorf("Colombia 2014 share of GDP = %v, want 3.10825884811045 as published in 2021 (2026 prints 3.10825884811044)", r.Value)
		}
	}
	t.Logf("World Bank 2021-10-28 -> 2026-02-24: %d figures differ exactly, %d revisions at 15 significant digits (%d material); economies: %d differ exactly",
		differ, sum.Revisions, sum.Material, econDiffer)
	// Spot check: the United States' 2019 share of GDP was revised.
	found := false
	_, err = h.Diff(&h.Versions[1], &h.Versions[0], func(c *diff.Change) error {
		r := c.Row()
		if r[col("country_iso3")].Str == "USA" && r[col("year")].Int == 2019 && r[col("measure")].Str == dataset.MeasureShareOfGDP {
			found = c.Class == diff.ClassRevised && c.Fields[0].Old.Num == 3.42708018052996 && c.Fields[0].New.Num == 3.40921408383721
		}
		return nil
	})
	if err != nil || !found {
		t.Errorf("USA 2019 share of GDP: want a revision 3.42708018052996 -> 3.40921408383721 (err %v)", err)
	}
	// publish diff itself prints the same counts.
	out := run(t, time.Now(), "diff", "--data", data, "military-expenditure")
	if out.code != exitOK || !strings.Contains(out.stdout, strconv.Itoa(differ-4)+" revisions") {
		t.Errorf("publish diff: exit %d, output:\n%s", out.code, out.stdout[:min(len(out.stdout), 600)])
	}
	checkLargestFirst(t, data, filepath.Join(tmp, "public"), h.Versions[0].Version, sum.Material)
}

// checkLargestFirst builds the site and reads the page of a version: the
// revisions it lists come material first, by country in the order of each
// country's largest, largest first within a country, each with its size.
func checkLargestFirst(t *testing.T, data, public, version string, material int) {
	t.Helper()
	if r := run(t, time.Now(), "site", "--sources", sourcesFile, "--data", data, "--out", public); r.code != exitOK {
		t.Fatalf("site: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	f, err := os.Open(filepath.Join(public, "datasets", "military-expenditure", "versions", version, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := goquery.NewDocumentFromReader(f)
	if err != nil {
		t.Fatal(err)
	}
	table := doc.Find("#changes-revised").NextAllFiltered("div").First().Find("table")
	// A revision's weight: how many times it reaches its threshold, 0.1
	// percentage points for a percentage, 5% otherwise.
	type size struct {
		weight   float64
		material bool
	}
	var groups [][]size
	table.Find("tbody").Each(func(_ int, tb *goquery.Selection) {
		var g []size
		tb.Find("td.size").Each(func(_ int, td *goquery.Selection) {
			abs, _ := td.Find("span").Eq(0).Attr("title")
			rel, _ := td.Find("span").Eq(1).Attr("title")
			var w float64
			var err error
			if strings.Contains(td.Text(), " pp") {
				w, err = strconv.ParseFloat(abs, 64)
				w = math.Abs(w) / 0.1
			} else {
				w, err = strconv.ParseFloat(rel, 64)
				w = math.Abs(w) / 0.05
			}
			if err != nil {
				t.Fatalf("revision without its size: %q", td.Text())
			}
			g = append(g, size{w, td.Find(".material").Length() == 1})
		})
		groups = append(groups, g)
	})
	if len(groups) < 10 {
		t.Fatalf("the version page lists %d countries of revisions", len(groups))
	}
	// Weights are computed here from the page's exact texts: allow for
	// the last bit of a float.
	before := func(a, b size) bool {
		return a.material && !b.material || a.material == b.material && a.weight >= b.weight*(1-1e-12)
	}
	for i, g := range groups {
		for j := 1; j < len(g); j++ {
			if !before(g[j-1], g[j]) {
				t.Errorf("country %d: revision %d (%+v) listed before a larger one (%+v)", i, j, g[j-1], g[j])
			}
		}
		if i > 0 && !before(groups[i-1][0], g[0]) {
			t.Errorf("country %d's largest revision (%+v) comes after a smaller country's (%+v)", i, g[0], groups[i-1][0])
		}
	}
	if !groups[0][0].material || material == 0 {
		t.Errorf("the first revision listed is not material (%d material in all)", material)
	}
	if got := doc.Find("#changes-revised").Text(); !strings.Contains(strings.ReplaceAll(got, ",", ""), strconv.Itoa(material)+" material") {
		t.Errorf("the revised section's heading %q does not count the %d material revisions", got, material)
	}
}

func TestRealSIPRIReleases(t *testing.T) {
	dir := realdata.Dir(t)
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	// SIPRI's rows are published here under a recorded permission.
	publishVersion(t, permit(t, tmp, onlySource(t, tmp, "sipri", fileURL(filepath.Join(dir, "sipri", "SIPRI-Milex-data-1949-2022.xlsx"))), "sipri"),
		data, time.Date(2023, 4, 24, 12, 0, 0, 0, time.UTC))
	publishVersion(t, permit(t, tmp, onlySource(t, tmp, "sipri", fileURL(filepath.Join(dir, "sipri", "SIPRI-Milex-data-1948-2023.xlsx"))), "sipri"),
		data, time.Date(2024, 4, 22, 12, 0, 0, 0, time.UTC))

	repo, err := git.Open(data, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { repo.Close() })
	h, err := history.Load(repo, dataset.MilitaryExpenditure)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Versions) != 2 {
		t.Fatalf("versions = %d, want 2", len(h.Versions))
	}
	markers := map[string]bool{}
	var ukraine *diff.Change
	sum, err := h.Diff(&h.Versions[1], &h.Versions[0], func(c *diff.Change) error {
		r := c.Row()
		switch {
		case c.Class == diff.ClassMarker && c.Old[col("missing")].Str == dataset.MissingDidNotExist && c.New[col("missing")].Str == dataset.MissingNotAvailable:
			markers[r[col("country_iso3")].Str] = true
		case c.Class == diff.ClassRevised && r[col("country_iso3")].Str == "UKR" && r[col("year")].Int == 2022 && r[col("measure")].Str == dataset.MeasureCurrentUSD:
			ukraine = c
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	a := diff.Analyze(sum)
	// The added years: 2023 at the end, and 1948, which the 1948-2023
	// release starts with.
	if !slices.Equal(a.AddedPeriods, []string{"1948", "2023"}) {
		t.Errorf("added years = %v, want [1948 2023]", a.AddedPeriods)
	}
	// The base year of constant US$ moved from 2021 to 2022: one measure
	// change, not thousands of unexplained rows.
	if len(a.SeriesChanges) != 1 || a.SeriesChanges[0].From != "constant_usd_2021" || a.SeriesChanges[0].To != "constant_usd_2022" {
		t.Errorf("measure changes = %+v, want constant_usd_2021 -> constant_usd_2022", a.SeriesChanges)
	}
	if len(a.AddedSeries)+len(a.RemovedSeries) != 0 {
		t.Errorf("unexplained measures: added %v, removed %v", a.AddedSeries, a.RemovedSeries)
	}
	// Years before independence were "xxx" in the 2022 release and are
	// "..." in the 2023 one (SOURCES.md 1b): Algeria 1949-1961 among them.
	if !markers["DZA"] || len(markers) < 20 {
		t.Errorf("states whose markers went from xxx to ...: %d (DZA %v), want Algeria and many more", len(markers), markers["DZA"])
	}
	if sum.Revisions == 0 || ukraine == nil {
		t.Errorf("revisions = %d, Ukraine 2022 current US$ revised: %v", sum.Revisions, ukraine != nil)
	}
	out := run(t, time.Now(), "diff", "--data", data, "military-expenditure", "--limit", "2")
	for _, want := range []string{"measure changed: constant_usd_2021 -> constant_usd_2022", "year added: 1948", "Missing-value markers changed", "Revised figures"} {
		if !strings.Contains(out.stdout, want) {
			t.Errorf("publish diff output lacks %q:\n%s", want, out.stdout[:min(len(out.stdout), 1500)])
		}
	}
}
