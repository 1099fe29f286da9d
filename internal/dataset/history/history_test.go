package history

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
	"github.com/defence-transparency/publish/internal/dataset/git"
)

func rec(country string, year int, value float64) dataset.Expenditure {
	return dataset.Expenditure{Country: country, CountryName: country, Year: year, Measure: dataset.MeasureCurrentUSD,
		Source: "sipri", Value: value, HasValue: true, Unit: "US$ m", SourceUnit: "US$ m"}
}

// publish writes one version of military-expenditure into the repository
// and commits it, as the pipeline does; withChanges controls whether the
// descriptor records its counts.
func publish(t *testing.T, r dataset.Repo, version string, when time.Time, withChanges bool, recs ...dataset.Expenditure) {
	t.Helper()
	tbl := dataset.ExpenditureTable(recs)
	tbl.SortByKey()
	var pq bytes.Buffer
	if err := dataset.WriteParquet(&pq, tbl); err != nil {
		t.Fatal(err)
	}
	d := &dataset.Descriptor{Profile: dataset.TabularDataPackage, Name: "military-expenditure", Version: version,
		Created: when.Format(time.RFC3339), Resources: []dataset.Resource{{Name: "military-expenditure", Rows: tbl.Len()}}}
	if withChanges {
		d.Changes = &dataset.VersionChanges{Added: 99} // recorded counts are trusted as they are
	}
	desc, _ := d.Marshal()
	dir := filepath.Join(r.Dir(), "datasets", "military-expenditure")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "military-expenditure.parquet"), pq.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "datapackage.json"), desc, 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := r.Changes("datasets")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Commit(files, "publish "+version+"\n", dataset.Signature{Name: "t", Email: "t@example.org", When: when}); err != nil {
		t.Fatal(err)
	}
}

func TestHistory(t *testing.T) {
	r, err := git.Open(t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	day := time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)
	publish(t, r, "2026-11-01", day, false, rec("DEU", 2020, 1), rec("FRA", 2020, 2))
	publish(t, r, "2026-11-02", day.Add(24*time.Hour), false, rec("DEU", 2020, 1.5), rec("FRA", 2020, 2), rec("FRA", 2021, 3))
	publish(t, r, "2026-11-03", day.Add(48*time.Hour), true, rec("DEU", 2020, 1.5), rec("FRA", 2021, 3))

	h, err := Load(r, dataset.MilitaryExpenditure)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Versions) != 3 {
		t.Fatalf("Load() = %d versions, want 3", len(h.Versions))
	}
	got := []dataset.VersionChanges{h.Versions[0].Changes, h.Versions[1].Changes, h.Versions[2].Changes}
	want := []dataset.VersionChanges{
		{Added: 99}, // as recorded
		{Previous: "2026-11-01", Added: 1, Changed: 1, Revisions: 1, Material: 1}, // 1 -> 1.5
		{Added: 2},
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("version %s changes = %+v, want %+v", h.Versions[i].Version, got[i], want[i])
		}
	}
	for _, ref := range []string{"2026-11-02", "military-expenditure/2026-11-02", h.Versions[1].Commit[:8], "HEAD~1"} {
		v, err := h.Find(ref)
		if err != nil || v.Version != "2026-11-02" {
			t.Errorf("Find(%q) = %v, %v; want version 2026-11-02", ref, v, err)
		}
	}
	if _, err := h.Find("1999-01-01"); !errors.Is(err, ErrNoVersion) {
		t.Errorf("Find(unknown) error = %v, want ErrNoVersion", err)
	}
	var classes []diff.Class
	sum, err := h.Diff(&h.Versions[2], &h.Versions[0], func(c *diff.Change) error { classes = append(classes, c.Class); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if sum.Added != 1 || sum.Changed != 1 || sum.Removed != 1 || len(classes) != 3 {
		t.Errorf("Diff(first, latest) = %+v, classes %v", sum.Counts, classes)
	}
}
