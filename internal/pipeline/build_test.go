package pipeline

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
)

func rows(source string, n int) *dataset.Table {
	recs := make([]dataset.Expenditure, n)
	for i := range recs {
		recs[i] = dataset.Expenditure{Country: "DEU", CountryName: "Germany", Year: 1950 + i, Measure: dataset.MeasureCurrentUSD,
			Source: source, Value: float64(i), HasValue: true, Unit: "US$ m", SourceUnit: "US$ m"}
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
	st.Sources[name] = &SourceState{Name: name, Dataset: "military-expenditure", Status: dataset.SourceOK,
		Records: collect.Sum(b.Bytes()), Rows: tbl.Len()}
}

func TestBuildKeepsLastGoodRowsOfARejectedSource(t *testing.T) {
	ws := NewWorkspace(t.TempDir(), "")
	cfg := &collect.Config{Sources: []collect.Source{
		{Name: "a", Dataset: "military-expenditure", Collector: "x", URLs: []string{"file:///a"}, MinRows: 5, Terms: collect.TermsOpen},
		{Name: "b", Dataset: "military-expenditure", Collector: "x", URLs: []string{"file:///b"}, MinRows: 5, Terms: collect.TermsOpen},
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
			if after.Sources["a"].Status != dataset.SourceFailed || after.Sources["a"].Error == "" {
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
	cfg := &collect.Config{Sources: []collect.Source{{Name: "a", Dataset: "military-expenditure", Collector: "x", URLs: []string{"file:///a"}, Terms: collect.TermsOpen}}}
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

// A build whose inputs (the build of publish, the sources' configuration,
// status and records) and whose dataset files are as the last build left
// them does nothing; a file changed by hand, or another build of publish,
// makes it run.
func TestBuildSkipsWhatItBuiltBefore(t *testing.T) {
	ws := NewWorkspace(t.TempDir(), "")
	cfg := &collect.Config{Sources: []collect.Source{{Name: "a", Dataset: "military-expenditure", Collector: "x", URLs: []string{"file:///a"}, Terms: collect.TermsOpen}}}
	st := &State{Sources: map[string]*SourceState{}}
	collected(t, ws, st, "a", rows("a", 3))
	if err := ws.WriteState(st); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	var log bytes.Buffer
	o := BuildOptions{Config: cfg, Datasets: []*dataset.Definition{dataset.MilitaryExpenditure}, Now: func() time.Time { return day },
		Log: slog.New(slog.NewTextHandler(&log, nil)), Version: "build-1"}
	build := func(what string) (DatasetResult, bool) {
		t.Helper()
		log.Reset()
		res, err := Build(context.Background(), ws, o)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return res[0], strings.Contains(log.String(), "dataset unchanged")
	}
	if _, skipped := build("first build"); skipped {
		t.Fatalf("first build skipped the dataset")
	}
	res, skipped := build("second build")
	if !skipped || res.Changed || res.Version != "2026-11-25" || res.Rows != 3 {
		t.Errorf("second build: skipped %v, changed %v, version %s, %d rows; want it skipped, version 2026-11-25 of 3 rows",
			skipped, res.Changed, res.Version, res.Rows)
	}
	path := ws.DescriptorPath("military-expenditure")
	desc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(desc, []byte(`"title": "`), []byte(`"title": "Edited: `), 1)
	if bytes.Equal(edited, desc) {
		t.Fatalf("descriptor has no title to edit:\n%s", desc)
	}
	if err := os.WriteFile(path, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, skipped := build("build after an edit"); skipped {
		t.Errorf("build after datapackage.json was edited skipped the dataset")
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, desc) {
		t.Errorf("build after an edit left datapackage.json as\n%s", got)
	}
	o.Version = "build-2"
	if _, skipped := build("build by another publish"); skipped {
		t.Errorf("another build of publish skipped the dataset")
	}
	collected(t, ws, st, "a", rows("a", 4))
	if err := ws.WriteState(st); err != nil {
		t.Fatal(err)
	}
	if res, skipped := build("build of new records"); skipped || !res.Changed || res.Rows != 4 {
		t.Errorf("build of new records: skipped %v, changed %v, %d rows; want 4 rows written", skipped, res.Changed, res.Rows)
	}
}

// A source that prints its figures again differently beyond the 15th
// significant digit has changed nothing: the build keeps the published
// values and makes no version.
func TestBuildKeepsFiguresEqualAt15Digits(t *testing.T) {
	ws := NewWorkspace(t.TempDir(), "")
	cfg := &collect.Config{Sources: []collect.Source{{Name: "a", Dataset: "military-expenditure", Collector: "x", URLs: []string{"file:///a"}, Terms: collect.TermsOpen}}}
	st := &State{Sources: map[string]*SourceState{}}
	first := rows("a", 3)
	first.Columns[dataset.ExpenditureSchema.Index("value")].Numbers[1] = 3.10825884811045
	collected(t, ws, st, "a", first)
	if err := ws.WriteState(st); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	o := BuildOptions{Config: cfg, Datasets: []*dataset.Definition{dataset.MilitaryExpenditure}, Now: func() time.Time { return day }}
	if _, err := Build(context.Background(), ws, o); err != nil {
		t.Fatal(err)
	}
	again := rows("a", 3)
	again.Columns[dataset.ExpenditureSchema.Index("value")].Numbers[1] = 3.10825884811044
	collected(t, ws, st, "a", again)
	if err := ws.WriteState(st); err != nil {
		t.Fatal(err)
	}
	day = day.Add(24 * time.Hour)
	res, err := Build(context.Background(), ws, o)
	if err != nil {
		t.Fatal(err)
	}
	if res[0].Changed || res[0].Version != "2026-11-25" {
		t.Errorf("a figure printed again at the 15th digit: changed %v, version %s; want no new version", res[0].Changed, res[0].Version)
	}
	pub, err := dataset.ReadParquetFile(ws.ParquetPath("military-expenditure"), dataset.ExpenditureSchema)
	if err != nil {
		t.Fatal(err)
	}
	if v := pub.Columns[dataset.ExpenditureSchema.Index("value")].Numbers[1]; v != 3.10825884811045 {
		t.Errorf("published value = %v, want 3.10825884811045 as first published", v)
	}
	// A figure that moved further is a new version.
	again.Columns[dataset.ExpenditureSchema.Index("value")].Numbers[1] = 3.1082588481
	collected(t, ws, st, "a", again)
	if err := ws.WriteState(st); err != nil {
		t.Fatal(err)
	}
	if res, err = Build(context.Background(), ws, o); err != nil || !res[0].Changed || res[0].Summary.Revisions != 1 {
		t.Errorf("a revision: changed %v, %v", res[0].Changed, err)
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

// audits returns audit-outcomes rows of the GAO's reports with these ids.
func audits(t *testing.T, source string, ids ...string) *dataset.Table {
	t.Helper()
	b := dataset.NewBuilder(dataset.AuditSchema)
	for _, id := range ids {
		b.String("auditor", dataset.AuditorGAO).String("report_id", id).String("country_iso3", "USA").
			String("jurisdiction", "United States").String("published", "2024-05-01").String("title", "Report "+id).
			String("link", "https://www.gao.gov/products/"+id).String("source", source)
		if err := b.Add(); err != nil {
			t.Fatal(err)
		}
	}
	tbl, err := b.Table()
	if err != nil {
		t.Fatal(err)
	}
	tbl.SortByKey()
	return tbl
}

// TestBuildRejectsASourceGivingAnotherSourcesKey: in a dataset whose key
// does not hold the source, two sources may give one key. The source
// listed later is rejected and keeps its last good rows; the other is
// published.
func TestBuildRejectsASourceGivingAnotherSourcesKey(t *testing.T) {
	ws := NewWorkspace(t.TempDir(), "")
	cfg := &collect.Config{Sources: []collect.Source{
		{Name: "gao", Dataset: "audit-outcomes", Collector: "x", URLs: []string{"file:///a"}, Terms: collect.TermsOpen},
		{Name: "gao-extra", Dataset: "audit-outcomes", Collector: "x", URLs: []string{"file:///b"}, Terms: collect.TermsOpen},
	}}
	o := BuildOptions{Config: cfg, Datasets: []*dataset.Definition{dataset.AuditOutcomes},
		Now: func() time.Time { return time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC) }}
	published := func(t *testing.T) map[string][]string {
		t.Helper()
		tbl, err := dataset.ReadParquetFile(ws.ParquetPath("audit-outcomes"), dataset.AuditSchema)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for i := range tbl.Len() {
			got[tbl.Text(i, tbl.Schema.Index("source"))] = append(got[tbl.Text(i, tbl.Schema.Index("source"))], tbl.Text(i, 1))
		}
		return got
	}

	tests := []struct {
		name       string
		gao, extra []string
		failed     []string // sources rejected, in order
		want       map[string][]string
	}{
		{"the later source gives a key the first gives",
			[]string{"GAO-1", "GAO-2", "GAO-4"}, []string{"GAO-4", "GAO-9"},
			[]string{"gao-extra"},
			map[string][]string{"gao": {"GAO-1", "GAO-2", "GAO-4"}}},
		{"no key shared",
			[]string{"GAO-1", "GAO-2", "GAO-4"}, []string{"GAO-9"},
			nil,
			map[string][]string{"gao": {"GAO-1", "GAO-2", "GAO-4"}, "gao-extra": {"GAO-9"}}},
		// gao now gives gao-extra's published key: gao-extra, listed
		// later, is rejected, and its last good row then makes gao's
		// records the ones rejected. Nothing changes.
		{"the first source gives a key the later one published",
			[]string{"GAO-1", "GAO-2", "GAO-4", "GAO-9"}, []string{"GAO-9"},
			[]string{"gao", "gao-extra"},
			map[string][]string{"gao": {"GAO-1", "GAO-2", "GAO-4"}, "gao-extra": {"GAO-9"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := ws.ReadState()
			if err != nil {
				t.Fatal(err)
			}
			collected(t, ws, st, "gao", audits(t, "gao", tt.gao...))
			collected(t, ws, st, "gao-extra", audits(t, "gao-extra", tt.extra...))
			if err := ws.WriteState(st); err != nil {
				t.Fatal(err)
			}
			_, err = Build(context.Background(), ws, o)
			var failed []string
			var se *SourceErrors
			if errors.As(err, &se) {
				for _, f := range se.Failed {
					failed = append(failed, f.Source)
				}
			} else if err != nil {
				t.Fatalf("Build() = %v, want at most failed sources", err)
			}
			if diff := cmp.Diff(tt.failed, failed); diff != "" {
				t.Errorf("Build() = %v; failed sources (-want +got):\n%s", err, diff)
			}
			if len(tt.failed) > 0 && !errors.Is(err, dataset.ErrValidation) {
				t.Errorf("Build() = %v, want an error wrapping dataset.ErrValidation", err)
			}
			if diff := cmp.Diff(tt.want, published(t)); diff != "" {
				t.Errorf("published report ids by source (-want +got):\n%s", diff)
			}
			desc, err := dataset.ReadDescriptor(ws.DescriptorPath("audit-outcomes"))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range desc.Sources {
				if s.Rows != len(tt.want[s.Name]) {
					t.Errorf("descriptor: source %s has %d rows, want %d", s.Name, s.Rows, len(tt.want[s.Name]))
				}
			}
			after, err := ws.ReadState()
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range tt.failed {
				if s := after.Sources[name]; s.Status != dataset.SourceFailed || !strings.Contains(s.Error, "primary key also given by source") {
					t.Errorf("source %s's state = %+v, want failed naming the shared key", name, s)
				}
			}
		})
	}
}

// Where the key holds the source, two sources' rows cannot share a key
// unless a row names another source: such a row is still found.
func TestBuildRejectsARowNamingAnotherSource(t *testing.T) {
	ws := NewWorkspace(t.TempDir(), "")
	cfg := &collect.Config{Sources: []collect.Source{
		{Name: "a", Dataset: "military-expenditure", Collector: "x", URLs: []string{"file:///a"}, Terms: collect.TermsOpen},
		{Name: "b", Dataset: "military-expenditure", Collector: "x", URLs: []string{"file:///b"}, Terms: collect.TermsOpen},
	}}
	o := BuildOptions{Config: cfg, Datasets: []*dataset.Definition{dataset.MilitaryExpenditure},
		Now: func() time.Time { return time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC) }}
	st := &State{Sources: map[string]*SourceState{}}
	a, err := dataset.Concat(dataset.ExpenditureSchema, rows("a", 5), rows("b", 1))
	if err != nil {
		t.Fatal(err)
	}
	a.SortByKey()
	collected(t, ws, st, "a", a)
	collected(t, ws, st, "b", rows("b", 5))
	if err := ws.WriteState(st); err != nil {
		t.Fatal(err)
	}
	_, err = Build(context.Background(), ws, o)
	var se *SourceErrors
	if !errors.As(err, &se) || len(se.Failed) != 1 || se.Failed[0].Source != "b" ||
		!strings.Contains(se.Failed[0].Err.Error(), "primary key also given by source a") {
		t.Fatalf("Build() = %v, want source b rejected for a key source a gives", err)
	}
	tbl, err := dataset.ReadParquetFile(ws.ParquetPath("military-expenditure"), dataset.ExpenditureSchema)
	if err != nil {
		t.Fatal(err)
	}
	if tbl.Len() != 6 {
		t.Errorf("published %d rows, want source a's 6", tbl.Len())
	}
}
