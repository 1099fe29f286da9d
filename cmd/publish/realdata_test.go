package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

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
// non-empty cells of economy rows, by "ISO3 year".
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

	// The independent count: cells of economies (per the registry) that
	// hold a value in both files and differ, compared as the files write
	// them after parsing.
	aggregates := map[string]bool{}
	for _, c := range country.All() {
		if !c.IsState() {
			aggregates[c.ISO3] = true
		}
	}
	a := wbCells(t, old, aggregates)
	b := wbCells(t, filepath.Join(wb, "2026-02-24", "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv"), aggregates)
	differ, onlyNew, onlyOld := 0, 0, 0
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
	// SOURCES.md's 4,913 counts all rows, aggregates included, beyond a
	// tolerance; among economies, exactly compared, the count is this.
	if differ != 2659 {
		t.Errorf("independent count of differing cells = %d; the files have 2,659", differ)
	}
	want := diff.Counts{Added: onlyNew, Removed: onlyOld, Changed: differ, Revisions: differ}
	if sum.Counts != want {
		t.Errorf("diff of the vintages = %+v, want %+v (independent count)", sum.Counts, want)
	}
	// Spot check: the United States' 2019 share of GDP was revised.
	found := false
	_, err = h.Diff(&h.Versions[1], &h.Versions[0], func(c *diff.Change) error {
		r := c.Row()
		if r[0].Str == "USA" && r[2].Int == 2019 && r[3].Str == dataset.MeasureShareOfGDP {
			found = c.Class == diff.ClassRevised && c.Fields[0].Old.Num == 3.42708018052996 && c.Fields[0].New.Num == 3.40921408383721
		}
		return nil
	})
	if err != nil || !found {
		t.Errorf("USA 2019 share of GDP: want a revision 3.42708018052996 -> 3.40921408383721 (err %v)", err)
	}
	// publish diff itself prints the same counts.
	out := run(t, time.Now(), "diff", "--data", data, "military-expenditure")
	if out.code != exitOK || !strings.Contains(out.stdout, strconv.Itoa(differ)+" revisions") {
		t.Errorf("publish diff: exit %d, output:\n%s", out.code, out.stdout[:min(len(out.stdout), 600)])
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
		case c.Class == diff.ClassMarker && c.Old[9].Str == dataset.MissingDidNotExist && c.New[9].Str == dataset.MissingNotAvailable:
			markers[r[0].Str] = true
		case c.Class == diff.ClassRevised && r[0].Str == "UKR" && r[2].Int == 2022 && r[3].Str == dataset.MeasureCurrentUSD:
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
