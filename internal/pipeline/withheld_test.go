package pipeline

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/git"
)

// termsConfig has one source of each kind of terms in military-expenditure.
func termsConfig() *collect.Config {
	src := func(name string, terms collect.Terms) collect.Source {
		return collect.Source{Name: name, Title: "Source " + name, Dataset: "military-expenditure", Collector: "x",
			URLs: []string{"file:///" + name}, Homepage: "https://" + name + ".example/", Licence: "licence of " + name,
			LicenceURL: "https://" + name + ".example/terms", Attribution: "credit " + name, Terms: terms}
	}
	return &collect.Config{Sources: []collect.Source{
		src("open", collect.TermsOpen), src("excerpt", collect.TermsExcerpt), src("link", collect.TermsLink),
	}}
}

// bySource counts the rows of t by source.
func bySource(t *dataset.Table) map[string]int {
	n := map[string]int{}
	if t == nil {
		return n
	}
	for _, e := range dataset.Expenditures(t) {
		n[e.Source]++
	}
	return n
}

// withheldOf returns the descriptor's entry of a source.
func refOf(t *testing.T, d *dataset.Descriptor, name string) dataset.SourceRef {
	t.Helper()
	for _, s := range d.Sources {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("descriptor lists no source %s", name)
	return dataset.SourceRef{}
}

type termsRun struct {
	t   *testing.T
	ws  Workspace
	cfg *collect.Config
	day int
}

// build collects the given records and builds, on a new day each time.
func (r *termsRun) build(records map[string]*dataset.Table) DatasetResult {
	r.t.Helper()
	st, err := r.ws.ReadState()
	if err != nil {
		r.t.Fatal(err)
	}
	for name, tbl := range records {
		collected(r.t, r.ws, st, name, tbl)
	}
	if err := r.ws.WriteState(st); err != nil {
		r.t.Fatal(err)
	}
	r.day++
	o := BuildOptions{Config: r.cfg, Datasets: []*dataset.Definition{dataset.MilitaryExpenditure},
		Now: func() time.Time { return time.Date(2026, 11, r.day, 6, 0, 0, 0, time.UTC) }}
	res, err := Build(context.Background(), r.ws, o)
	if err != nil {
		r.t.Fatalf("Build() = %v", err)
	}
	return res[0]
}

func (r *termsRun) published() (*dataset.Table, *dataset.Descriptor) {
	r.t.Helper()
	tbl, err := dataset.ReadParquetFile(r.ws.ParquetPath("military-expenditure"), dataset.ExpenditureSchema)
	if err != nil {
		r.t.Fatal(err)
	}
	desc, err := dataset.ReadDescriptor(r.ws.DescriptorPath("military-expenditure"))
	if err != nil {
		r.t.Fatal(err)
	}
	return tbl, desc
}

// revised returns rows(source, n) with the value of row i set to v.
func revised(source string, n, i int, v float64) *dataset.Table {
	recs := dataset.Expenditures(rows(source, n))
	recs[i].Value = v
	t := dataset.ExpenditureTable(recs)
	t.SortByKey()
	return t
}

func TestBuildWithholdsSourcesByTheirTerms(t *testing.T) {
	r := &termsRun{t: t, ws: NewWorkspace(t.TempDir(), ""), cfg: termsConfig()}
	def := dataset.MilitaryExpenditure

	// First version: only the open source's rows are published.
	res := r.build(map[string]*dataset.Table{"open": rows("open", 10), "excerpt": rows("excerpt", 20), "link": rows("link", 5)})
	if !res.Changed || res.Rows != 10 {
		t.Fatalf("first build: changed %v, %d rows; want 10 published rows", res.Changed, res.Rows)
	}
	if diff := cmp.Diff(map[string]int{"excerpt": 20, "link": 5}, res.Withheld); diff != "" {
		t.Errorf("withheld rows (-want +got):\n%s", diff)
	}
	tbl, desc := r.published()
	if diff := cmp.Diff(map[string]int{"open": 10}, bySource(tbl)); diff != "" {
		t.Errorf("published rows by source (-want +got):\n%s", diff)
	}
	v1 := desc.Version
	for _, tt := range []struct {
		name string
		rows int
	}{{"excerpt", 20}, {"link", 5}} {
		ref := refOf(t, desc, tt.name)
		w := ref.Withheld
		if w == nil || w.Rows != tt.rows || w.Reason == "" || w.Download != "https://"+tt.name+".example/" || w.Hash == "" {
			t.Fatalf("source %s: withheld = %+v, want %d rows with a reason, the download and a hash", tt.name, w, tt.rows)
		}
		if want := (&dataset.VersionChanges{Added: tt.rows}); !cmp.Equal(w.Changes, want) {
			t.Errorf("source %s: changes = %+v, want %+v", tt.name, w.Changes, want)
		}
		if ref.Rows != 0 || ref.Terms != tt.name {
			t.Errorf("source %s: %d rows in the file, terms %q; want 0 and %q", tt.name, ref.Rows, ref.Terms, tt.name)
		}
	}
	if refOf(t, desc, "open").Withheld != nil {
		t.Errorf("the open source is marked withheld")
	}
	var licences []string
	for _, l := range desc.Licenses {
		licences = append(licences, l.Title)
	}
	if diff := cmp.Diff([]string{"licence of open"}, licences); diff != "" {
		t.Errorf("licences of the package (-want +got):\n%s", diff)
	}
	readme, err := os.ReadFile(r.ws.ReadmePath(def.Name))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"**Withheld:** 20 rows from Source excerpt", "**Withheld:** 5 rows from Source link",
		"The publisher offers them at <https://excerpt.example/>"} {
		if !bytes.Contains(readme, []byte(want)) {
			t.Errorf("README.md lacks %q", want)
		}
	}
	held, ok, err := readWithheld(r.ws, def, v1)
	if err != nil || !ok {
		t.Fatalf("the withheld rows of %s are not in the cache: %v", v1, err)
	}
	if diff := cmp.Diff(map[string]int{"excerpt": 20, "link": 5}, bySource(held)); diff != "" {
		t.Errorf("withheld file by source (-want +got):\n%s", diff)
	}
	// The site sees the excerpt source's rows as excerpts, never the
	// link-only source's.
	in, err := SiteInput(r.ws, nil, r.cfg, []*dataset.Definition{def}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"excerpt": 20}, bySource(in.Datasets[0].Excerpts)); diff != "" {
		t.Errorf("excerpts given to the site (-want +got):\n%s", diff)
	}
	for _, s := range in.Sources {
		want := map[string]int{"excerpt": 20, "link": 5}[s.Name]
		if s.Withheld != want || s.Publishes != (s.Name == "open") {
			t.Errorf("site source %s: withheld %d, publishes %v", s.Name, s.Withheld, s.Publishes)
		}
	}
	published := func() []byte {
		b, err := os.ReadFile(r.ws.ParquetPath(def.Name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	pq1 := published()

	// The excerpt source revises a figure and adds a year: a new version
	// whose published file is the same, and whose descriptor counts the
	// changes of the withheld rows.
	res = r.build(map[string]*dataset.Table{"excerpt": revised("excerpt", 21, 3, 99)})
	_, desc = r.published()
	if !res.Changed || desc.Version == v1 {
		t.Fatalf("a change of withheld rows made no new version (changed %v, version %s)", res.Changed, desc.Version)
	}
	if !bytes.Equal(published(), pq1) {
		t.Errorf("the published file changed although only withheld rows did")
	}
	want := &dataset.VersionChanges{Previous: v1, Added: 1, Changed: 1, Revisions: 1}
	if got := refOf(t, desc, "excerpt").Withheld.Changes; !cmp.Equal(got, want) {
		t.Errorf("changes of the excerpt source = %+v, want %+v", got, want)
	}
	if got := refOf(t, desc, "link").Withheld.Changes; !cmp.Equal(got, &dataset.VersionChanges{Previous: v1}) {
		t.Errorf("changes of the link source = %+v, want none since %s", got, v1)
	}
	if _, ok, _ := readWithheld(r.ws, def, v1); ok {
		t.Errorf("the withheld file of %s is still in the cache", v1)
	}
	v2 := desc.Version

	// Nothing changed: no new version.
	if res = r.build(nil); res.Changed || res.Version != v2 {
		t.Errorf("a build with nothing new: changed %v, version %s; want %s unchanged", res.Changed, res.Version, v2)
	}

	// The cache lost the withheld rows: the same rows are no new version,
	// and are written again; changed rows are a new version whose changes
	// could not be counted.
	if err := os.RemoveAll(r.ws.WithheldDir(def.Name)); err != nil {
		t.Fatal(err)
	}
	if res = r.build(nil); res.Changed {
		t.Errorf("a build after the cache lost the withheld rows made a new version")
	}
	if _, ok, _ := readWithheld(r.ws, def, v2); !ok {
		t.Errorf("the withheld rows of %s were not written again", v2)
	}
	if err := os.RemoveAll(r.ws.WithheldDir(def.Name)); err != nil {
		t.Fatal(err)
	}
	r.build(map[string]*dataset.Table{"excerpt": revised("excerpt", 21, 4, 77)})
	_, desc = r.published()
	if c := refOf(t, desc, "excerpt").Withheld.Changes; c != nil || desc.Version == v2 {
		t.Errorf("changes without the previous rows = %+v in version %s; want a new version, not counted", c, desc.Version)
	}

	// A recorded permission publishes the source in full.
	r.cfg.Sources[1].Permission = &collect.Permission{GrantedBy: "A. Person, Excerpt Institute", Granted: "2026-11-01", Reference: "letter ABC"}
	r.build(nil)
	tbl, desc = r.published()
	if diff := cmp.Diff(map[string]int{"open": 10, "excerpt": 21}, bySource(tbl)); diff != "" {
		t.Errorf("published rows with a permission (-want +got):\n%s", diff)
	}
	ref := refOf(t, desc, "excerpt")
	if ref.Withheld != nil || ref.Permission == nil || ref.Permission.Reference != "letter ABC" || ref.Rows != 21 {
		t.Errorf("descriptor of the permitted source: %+v", ref)
	}

	// Withdrawn again, the committed file must not be committed as it is.
	r.cfg.Sources[1].Permission = nil
	repo, err := git.Open(r.ws.DataDir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	_, err = Commit(context.Background(), r.ws, CommitOptions{Repo: repo, Datasets: []*dataset.Definition{def}, Config: r.cfg})
	if !errors.Is(err, ErrWithheldRows) {
		t.Errorf("Commit of a file holding a withheld source's rows = %v, want ErrWithheldRows", err)
	}
	// The next build moves the rows back to the cache, counting them
	// against the rows the previous version published.
	r.build(nil)
	tbl, desc = r.published()
	if diff := cmp.Diff(map[string]int{"open": 10}, bySource(tbl)); diff != "" {
		t.Errorf("published rows after the permission was withdrawn (-want +got):\n%s", diff)
	}
	if w := refOf(t, desc, "excerpt").Withheld; w == nil || w.Rows != 21 || w.Changes == nil || w.Changes.Added+w.Changes.Removed+w.Changes.Changed != 0 {
		t.Errorf("withheld again: %+v, want 21 rows and no change against the published ones", w)
	}
	if _, err := Commit(context.Background(), r.ws, CommitOptions{Repo: repo, Datasets: []*dataset.Definition{def}, Config: r.cfg}); err != nil {
		t.Errorf("Commit after the build: %v", err)
	}
}

// A dataset whose only source is withheld still publishes a version: an
// empty file whose descriptor counts what was withheld.
func TestBuildPublishesAVersionOfWithheldRowsOnly(t *testing.T) {
	cfg := termsConfig()
	cfg.Sources = cfg.Sources[1:2]
	r := &termsRun{t: t, ws: NewWorkspace(t.TempDir(), ""), cfg: cfg}
	if res := r.build(map[string]*dataset.Table{"excerpt": rows("excerpt", 7)}); !res.Changed || res.Rows != 0 {
		t.Fatalf("build: changed %v, %d rows; want a version with no published rows", res.Changed, res.Rows)
	}
	tbl, desc := r.published()
	if tbl.Len() != 0 || refOf(t, desc, "excerpt").Withheld.Rows != 7 {
		t.Errorf("published %d rows, withheld %+v; want 0 and 7", tbl.Len(), refOf(t, desc, "excerpt").Withheld)
	}
}
