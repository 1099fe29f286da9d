package pipeline

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/git"
)

func sourceCounts(t *testing.T, ws Workspace) map[string]int {
	t.Helper()
	tbl, err := dataset.ReadParquetFile(ws.ParquetPath("military-expenditure"), dataset.ExpenditureSchema)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, e := range dataset.Expenditures(tbl) {
		n[e.Source]++
	}
	return n
}

// TestVanishedSourceKeepsItsRows checks that a source removed from the
// sources file keeps its rows, and says so, until it is dropped with
// --drop or marked retired.
func TestVanishedSourceKeepsItsRows(t *testing.T) {
	ws := NewWorkspace(t.TempDir(), "")
	src := func(name string) collect.Source {
		return collect.Source{Name: name, Title: "Source " + name, Attribution: "by " + name, Dataset: "military-expenditure",
			Collector: "x", URLs: []string{"file:///" + name}, Terms: collect.TermsOpen}
	}
	both := &collect.Config{Sources: []collect.Source{src("a"), src("b")}}
	defs := []*dataset.Definition{dataset.MilitaryExpenditure}
	o := BuildOptions{Config: both, Datasets: defs, Now: func() time.Time { return time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC) }}
	st := &State{Sources: map[string]*SourceState{}}
	collected(t, ws, st, "a", rows("a", 20))
	collected(t, ws, st, "b", rows("b", 30))
	if err := ws.WriteState(st); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(context.Background(), ws, o); err != nil {
		t.Fatal(err)
	}

	// b is removed from the sources file: its rows stay.
	o.Config = &collect.Config{Sources: []collect.Source{src("a")}}
	res, err := Build(context.Background(), ws, o)
	if err != nil {
		t.Fatalf("build without b: %v", err)
	}
	if n := sourceCounts(t, ws); n["a"] != 20 || n["b"] != 30 {
		t.Errorf("rows without b in the sources file = %v, want a's 20 and b's 30 kept", n)
	}
	if res[0].Removed["b"] != 30 {
		t.Errorf("Removed = %v, want b's 30 rows counted", res[0].Removed)
	}
	if st, _ := ws.ReadState(); st.Sources["b"] == nil || st.Sources["b"].Status != dataset.SourceRemoved {
		t.Errorf("b's state = %+v, want removed", st.Sources["b"])
	}
	desc, err := dataset.ReadDescriptor(ws.DescriptorPath("military-expenditure"))
	if err != nil {
		t.Fatal(err)
	}
	if ref := refOf(t, desc, "b"); ref.Attribution != "by b" || ref.Rows != 30 {
		t.Errorf("descriptor's entry of the removed source = %+v, want its attribution and rows kept", ref)
	}
	in, err := SiteInput(ws, nil, o.Config, defs, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var listed bool
	for _, s := range in.Sources {
		if s.Name == "b" {
			listed = s.Status == dataset.SourceRemoved && s.Rows == 30 && s.Title == "Source b"
		}
	}
	if !listed {
		t.Errorf("the sources page does not list b as removed: %+v", in.Sources)
	}

	// --drop of a source still listed is refused.
	o.Drop = []string{"a"}
	if _, err := Build(context.Background(), ws, o); err == nil || !strings.Contains(err.Error(), "still in the sources file") {
		t.Errorf("Build(--drop a) = %v, want a refusal: a is still in the sources file", err)
	}
	// --drop b removes its rows.
	o.Drop = []string{"b"}
	res, err = Build(context.Background(), ws, o)
	if err != nil {
		t.Fatal(err)
	}
	if n := sourceCounts(t, ws); n["b"] != 0 || n["a"] != 20 {
		t.Errorf("rows after --drop b = %v, want a's only", n)
	}
	if res[0].Dropped["b"] != 30 {
		t.Errorf("Dropped = %v, want b's 30 rows", res[0].Dropped)
	}
	if st, _ := ws.ReadState(); st.Sources["b"] != nil {
		t.Errorf("b's state after --drop = %+v, want none", st.Sources["b"])
	}

	// A retired source is dropped too, without --drop.
	o.Drop = nil
	retired := src("a")
	retired.Retired = true
	o.Config = &collect.Config{Sources: []collect.Source{retired, src("c")}}
	st, _ = ws.ReadState()
	collected(t, ws, st, "c", rows("c", 5))
	if err := ws.WriteState(st); err != nil {
		t.Fatal(err)
	}
	res, err = Build(context.Background(), ws, o)
	if err != nil {
		t.Fatal(err)
	}
	if n := sourceCounts(t, ws); n["a"] != 0 || n["c"] != 5 {
		t.Errorf("rows with a retired = %v, want c's only", n)
	}
	if res[0].Dropped["a"] != 20 {
		t.Errorf("Dropped = %v, want a's 20 rows", res[0].Dropped)
	}
}

// TestMaxDropAgainstRecentVersions checks that max_drop holds against the
// last versions, not only the last one: two falls of 12% are caught.
func TestMaxDropAgainstRecentVersions(t *testing.T) {
	ws := NewWorkspace(t.TempDir(), "")
	repo, err := git.Open(ws.DataDir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	cfg := &collect.Config{Sources: []collect.Source{{Name: "a", Dataset: "military-expenditure", Collector: "x",
		URLs: []string{"file:///a"}, Terms: collect.TermsOpen}}}
	defs := []*dataset.Definition{dataset.MilitaryExpenditure}
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	publish := func(n int) error {
		t.Helper()
		day = day.AddDate(0, 0, 1)
		now := func() time.Time { return day }
		st, err := ws.ReadState()
		if err != nil {
			t.Fatal(err)
		}
		collected(t, ws, st, "a", rows("a", n))
		if err := ws.WriteState(st); err != nil {
			t.Fatal(err)
		}
		if _, err := Build(context.Background(), ws, BuildOptions{Config: cfg, Datasets: defs, Now: now, Repo: repo}); err != nil {
			return err
		}
		if _, err := Commit(context.Background(), ws, CommitOptions{Repo: repo, Datasets: defs, Now: now}); err != nil {
			t.Fatal(err)
		}
		return nil
	}
	if err := publish(100); err != nil {
		t.Fatal(err)
	}
	if err := publish(88); err != nil { // -12%: allowed
		t.Fatalf("a fall of 12%%: %v", err)
	}
	err = publish(78) // -11.4% against the last, -22% against the one before
	if !errors.Is(err, dataset.ErrAssertion) || !strings.Contains(err.Error(), "largest of the last 5") {
		t.Fatalf("a second fall of 11.4%% (22%% in all) = %v, want it rejected against the recent versions", err)
	}
	if n := sourceCounts(t, ws); n["a"] != 88 {
		t.Errorf("rows after the rejected fall = %d, want the last good 88", n["a"])
	}
}
