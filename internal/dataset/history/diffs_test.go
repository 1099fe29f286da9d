package history

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
	"github.com/defence-transparency/publish/internal/dataset/git"
)

// writeRisk adds a risk-reports version to the working tree, so that the
// next commit holds two datasets.
func writeRisk(t *testing.T, r dataset.Repo, version string, value float64) {
	t.Helper()
	b := dataset.NewBuilder(dataset.RiskSchema)
	b.String("publisher", "gpi").String("country_iso3", "DEU").String("country_name", "Germany").String("period", "2025").
		String("indicator", "gpi_overall_score").Number("value", value).String("unit", "score 1-5").String("source", "gpi")
	if err := b.Add(); err != nil {
		t.Fatal(err)
	}
	tbl, err := b.Table()
	if err != nil {
		t.Fatal(err)
	}
	var pq bytes.Buffer
	if err := dataset.WriteParquet(&pq, tbl); err != nil {
		t.Fatal(err)
	}
	d := &dataset.Descriptor{Profile: dataset.TabularDataPackage, Name: "risk-reports", Version: version,
		Resources: []dataset.Resource{{Name: "risk-reports", Rows: 1}}}
	desc, _ := d.Marshal()
	dir := filepath.Join(r.Dir(), "datasets", "risk-reports")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "risk-reports.parquet"), pq.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "datapackage.json"), desc, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Diffs computes each pair once: a second build takes the report and the
// CSV from the cache; a dataset's file is never mistaken for another's of
// the same commit; Prune drops what a build did not use.
func TestDiffs(t *testing.T) {
	r, err := git.Open(t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	day := time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)
	writeRisk(t, r, "2026-11-01", 1.5)
	publish(t, r, "2026-11-01", day, false, rec("DEU", 2020, 100), rec("FRA", 2020, 2))
	writeRisk(t, r, "2026-11-02", 1.6)
	publish(t, r, "2026-11-02", day.Add(24*time.Hour), false, rec("DEU", 2020, 150), rec("FRA", 2020, 2.0000000000000004))

	me, err := Load(r, dataset.MilitaryExpenditure)
	if err != nil {
		t.Fatal(err)
	}
	risk, err := Load(r, dataset.RiskReports)
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	out := t.TempDir()
	d := &Diffs{Dir: cache}
	check := func(label string) {
		t.Helper()
		csvPath := filepath.Join(out, label+"-me.csv")
		rep, wrote, err := d.Report(me, &me.Versions[1], &me.Versions[0], csvPath)
		if err != nil {
			t.Fatal(err)
		}
		rev := rep.Section(diff.ClassRevised)
		if !wrote || rev == nil || rev.N != 1 || rev.Material != 1 || rep.SameNumbers != 1 {
			t.Fatalf("%s: report = %+v, csv %v; want one material revision and one same number", label, rep, wrote)
		}
		b, err := os.ReadFile(csvPath)
		if err != nil || !strings.Contains(string(b), "changed,revised,DEU,2020,current_usd,sipri,value,100,150,50,0.5,true") {
			t.Errorf("%s: changes.csv = %q, %v", label, b, err)
		}
		// The same commits, another dataset: its own file.
		rr, _, err := d.Report(risk, &risk.Versions[1], &risk.Versions[0], filepath.Join(out, label+"-risk.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if rev := rr.Section(diff.ClassRevised); rev == nil || rev.N != 1 || rev.Groups[0].Country != "DEU" {
			t.Errorf("%s: risk report = %+v", label, rr)
		}
		first, wrote, err := d.Report(me, nil, &me.Versions[1], filepath.Join(out, label+"-first.csv"))
		if err != nil || !first.First || wrote {
			t.Errorf("%s: first version report = %+v, csv %v, %v", label, first, wrote, err)
		}
	}
	check("computed")
	entries, _ := filepath.Glob(filepath.Join(cache, "diffs", "*", "*.json"))
	if len(entries) != 3 {
		t.Fatalf("cache holds %d reports, want 3", len(entries))
	}
	// Spoil the stored CSV: a second build must serve the cached one.
	csvs, _ := filepath.Glob(filepath.Join(cache, "diffs", "military-expenditure", "*.csv"))
	if len(csvs) != 1 {
		t.Fatalf("cache holds %d CSV files of military-expenditure, want 1", len(csvs))
	}
	f, err := os.OpenFile(csvs[0], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("from the cache\n")
	f.Close()
	d = &Diffs{Dir: cache}
	check("cached")
	if b, _ := os.ReadFile(filepath.Join(out, "cached-me.csv")); !strings.HasSuffix(string(b), "from the cache\n") {
		t.Errorf("the second build computed the diff again instead of taking it from the cache")
	}
	if err := d.Prune("military-expenditure", "risk-reports"); err != nil {
		t.Fatal(err)
	}
	if entries, _ := filepath.Glob(filepath.Join(cache, "diffs", "*", "*")); len(entries) != 5 {
		t.Errorf("after Prune of a build that used all: %d files, want 5", len(entries))
	}
	// A build that uses none prunes all.
	d = &Diffs{Dir: cache}
	if err := d.Prune("military-expenditure", "risk-reports"); err != nil {
		t.Fatal(err)
	}
	if entries, _ := filepath.Glob(filepath.Join(cache, "diffs", "*", "*")); len(entries) != 0 {
		t.Errorf("after Prune of a build that used none: %d files, want 0", len(entries))
	}
}
