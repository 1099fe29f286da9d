package pipeline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
)

func rows(source string, n int) *dataset.Table {
	recs := make([]dataset.Expenditure, n)
	for i := range recs {
		recs[i] = dataset.Expenditure{Country: "DEU", CountryName: "Germany", Year: 1950 + i, Measure: dataset.MeasureCurrentUSD,
			Source: source, Value: float64(i), HasValue: true, Unit: "US$ m"}
	}
	t := dataset.ExpenditureTable(recs)
	t.SortByKey()
	return t
}

// collected writes a source's records and state as the collect stage does.
func collected(t *testing.T, ws Workspace, st *State, name string, tbl *dataset.Table) {
	t.Helper()
	var b bytes.Buffer
	if err := dataset.WriteParquet(&b, tbl); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(ws.RecordsPath(name)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ws.RecordsPath(name), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	st.Sources[name] = &SourceState{Name: name, Dataset: "military-expenditure", Status: StatusOK,
		Records: collect.Sum(b.Bytes()), Rows: tbl.Len()}
}

func TestBuildKeepsLastGoodRowsOfARejectedSource(t *testing.T) {
	ws := NewWorkspace(t.TempDir(), "")
	cfg := &collect.Config{Sources: []collect.Source{
		{Name: "a", Dataset: "military-expenditure", Collector: "x", URLs: []string{"file:///a"}, MinRows: 5},
		{Name: "b", Dataset: "military-expenditure", Collector: "x", URLs: []string{"file:///b"}, MinRows: 5},
	}}
	o := BuildOptions{Config: cfg, Datasets: []*dataset.Definition{dataset.MilitaryExpenditure},
		Now: func() time.Time { return time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC) }}
	st := &State{Sources: map[string]*SourceState{}}
	collected(t, ws, st, "a", rows("a", 20))
	collected(t, ws, st, "b", rows("b", 20))
	if err := ws.WriteState(st); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(context.Background(), ws, o); err != nil {
		t.Fatalf("first build: %v", err)
	}
	first, err := os.ReadFile(ws.ParquetPath("military-expenditure"))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		a      *dataset.Table
		reason error
	}{
		// Source a loses 75% of its rows: more than max_drop's default 20%.
		{"a drop beyond max_drop", rows("a", 5), dataset.ErrAssertion},
		// Source a yields fewer rows than min_rows.
		{"fewer than min_rows", rows("a", 4), dataset.ErrAssertion},
	}
	for k, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, _ := ws.ReadState()
			collected(t, ws, st, "a", tt.a)
			bRows := 21 + k
			collected(t, ws, st, "b", rows("b", bRows)) // b publishes a new row
			if err := ws.WriteState(st); err != nil {
				t.Fatal(err)
			}
			res, err := Build(context.Background(), ws, o)
			var se *SourceErrors
			if !errors.As(err, &se) || len(se.Failed) != 1 || se.Failed[0].Source != "a" || !errors.Is(err, tt.reason) {
				t.Fatalf("Build() = %v, want source a rejected with %v", err, tt.reason)
			}
			tbl, err := dataset.ReadParquetFile(ws.ParquetPath("military-expenditure"), dataset.ExpenditureSchema)
			if err != nil {
				t.Fatal(err)
			}
			n := map[string]int{}
			for _, e := range dataset.Expenditures(tbl) {
				n[e.Source]++
			}
			if n["a"] != 20 || n["b"] != bRows {
				t.Errorf("rows = %v, want a's last good 20 and b's new %d", n, bRows)
			}
			if !res[0].Changed {
				t.Errorf("b's new row was not published")
			}
			after, _ := ws.ReadState()
			if after.Sources["a"].Status != StatusFailed || after.Sources["a"].Error == "" {
				t.Errorf("source a's state = %+v, want failed with the reason", after.Sources["a"])
			}
		})
	}
	if got, _ := os.ReadFile(ws.ParquetPath("military-expenditure")); bytes.Equal(got, first) {
		t.Errorf("the dataset did not change although source b published a row")
	}
}

func TestBuildWritesNothingWhenNothingChanged(t *testing.T) {
	ws := NewWorkspace(t.TempDir(), "")
	cfg := &collect.Config{Sources: []collect.Source{{Name: "a", Dataset: "military-expenditure", Collector: "x", URLs: []string{"file:///a"}}}}
	st := &State{Sources: map[string]*SourceState{}}
	collected(t, ws, st, "a", rows("a", 3))
	if err := ws.WriteState(st); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	o := BuildOptions{Config: cfg, Datasets: []*dataset.Definition{dataset.MilitaryExpenditure}, Now: func() time.Time { return day }}
	if _, err := Build(context.Background(), ws, o); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(ws.DescriptorPath("military-expenditure"))
	day = day.Add(24 * time.Hour)
	res, err := Build(context.Background(), ws, o)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(ws.DescriptorPath("military-expenditure"))
	if res[0].Changed || res[0].Version != "2026-11-25" || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("second build of the same records: changed %v, version %s; want no write and the first version", res[0].Changed, res[0].Version)
	}
}

func TestNextVersion(t *testing.T) {
	day := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	tests := []struct{ prev, want string }{
		{"", "2026-11-25"},
		{"2026-11-24", "2026-11-25"},
		{"2026-11-25", "2026-11-25.2"},
		{"2026-11-25.2", "2026-11-25.3"},
	}
	for _, tt := range tests {
		var prev *dataset.Descriptor
		if tt.prev != "" {
			prev = &dataset.Descriptor{Version: tt.prev}
		}
		if got := nextVersion(prev, day); got != tt.want {
			t.Errorf("nextVersion(%q) = %q, want %q", tt.prev, got, tt.want)
		}
	}
}
