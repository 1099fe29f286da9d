package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
	"github.com/defence-transparency/publish/internal/dataset/git"
	"github.com/defence-transparency/publish/internal/dataset/history"
)

// legacyTable returns t as the versions before one unit per measure held
// it: every figure in the unit its source published, no aggregates, and
// neither the aggregate nor the source_unit column.
func legacyTable(t *testing.T, cur *dataset.Table) *dataset.Table {
	t.Helper()
	var recs []dataset.Expenditure
	for _, r := range dataset.Expenditures(cur) {
		if r.Aggregate {
			continue
		}
		if r.HasValue {
			v, err := dataset.ConvertUnit(r.Value, r.Unit, r.SourceUnit)
			if err != nil {
				t.Fatal(err)
			}
			r.Value = v
		}
		r.Unit = r.SourceUnit
		recs = append(recs, r)
	}
	full := dataset.ExpenditureTable(recs)
	old := &dataset.Schema{PrimaryKey: dataset.ExpenditureSchema.PrimaryKey}
	var cols []dataset.Column
	for i, f := range dataset.ExpenditureSchema.Fields {
		if f.Backfill == nil {
			old.Fields = append(old.Fields, f)
			cols = append(cols, full.Columns[i])
		}
	}
	out := &dataset.Table{Schema: old, Columns: cols}
	if err := out.SetLen(full.Len()); err != nil {
		t.Fatal(err)
	}
	out.SortByKey()
	return out
}

// commitLegacy commits a version of military-expenditure in the old layout
// into a new data repository, as a run before the change published it.
func commitLegacy(t *testing.T, data string, tbl *dataset.Table, version string, when time.Time) {
	t.Helper()
	r, err := git.Open(data, true)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var pq bytes.Buffer
	if err := dataset.WriteParquet(&pq, tbl); err != nil {
		t.Fatal(err)
	}
	def := dataset.MilitaryExpenditure
	d := &dataset.Descriptor{Profile: dataset.TabularDataPackage, Name: def.Name, Title: def.Title, Version: version,
		Created: when.Format(time.RFC3339), Sample: true,
		Resources: []dataset.Resource{dataset.NewResource(def.Name, def.Name+".parquet", "parquet", pq.Bytes(), tbl.Len(), tbl.Schema)}}
	desc, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(data, "datasets", def.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{def.Name + ".parquet": pq.Bytes(), dataset.DescriptorFile: desc} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, err := r.Changes("datasets")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Commit(files, "[sample data] publish: "+def.Name+" "+version+"\n", dataset.Signature{Name: "publish", Email: "publish@example.org", When: when}); err != nil {
		t.Fatal(err)
	}
}

// TestUnitChangeIsASeriesReplaced publishes the bundled mirror over a data
// repository whose last version holds the figures in their sources' units
// (SIPRI's shares as fractions, the World Bank's dollars whole), as every
// version did before one unit per measure. The new version converts them:
// that is series replaced, named by source, measure and units, never
// thousands of revisions, in publish diff, on the version page and in the
// feed.
func TestUnitChangeIsASeriesReplaced(t *testing.T) {
	tmp := t.TempDir()
	day := time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)

	// The figures of the mirror, as the new code publishes them, SIPRI's
	// with its permission recorded.
	sources := permit(t, tmp, sourcesFile, "sipri")
	scratch := filepath.Join(tmp, "scratch")
	for _, stage := range []string{"collect", "build"} {
		if r := run(t, day, stage, "--sources", sources, "--data", scratch); r.code != exitOK {
			t.Fatalf("%s: exit %d: %v\n%s", stage, r.code, r.err, r.stderr)
		}
	}
	cur, err := dataset.ReadParquetFile(filepath.Join(scratch, "datasets", "military-expenditure", "military-expenditure.parquet"), dataset.ExpenditureSchema)
	if err != nil {
		t.Fatal(err)
	}
	converted, aggregates := 0, 0
	for _, r := range dataset.Expenditures(cur) {
		switch {
		case r.Aggregate:
			aggregates++
		case r.Unit != r.SourceUnit:
			converted++
		}
	}
	if converted == 0 || aggregates == 0 {
		t.Fatalf("the mirror gives %d converted rows and %d aggregate rows; the test needs both", converted, aggregates)
	}

	// A repository whose last version is in the old layout.
	data := filepath.Join(tmp, "data")
	commitLegacy(t, data, legacyTable(t, cur), "2026-11-24", day.Add(-24*time.Hour))
	public := filepath.Join(tmp, "public")
	if r := run(t, day, "run", "--sources", sources, "--data", data, "--out", public); r.code != exitOK {
		t.Fatalf("run: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}

	repo, err := git.Open(data, false)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	h, err := history.Load(repo, dataset.MilitaryExpenditure)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Versions) != 2 {
		t.Fatalf("versions = %d, want 2", len(h.Versions))
	}
	sum, err := h.Diff(&h.Versions[1], &h.Versions[0], nil)
	if err != nil {
		t.Fatal(err)
	}
	want := diff.Counts{Added: aggregates, Changed: converted, Replaced: converted}
	if sum.Counts != want {
		t.Errorf("diff of the old layout and the new = %+v, want %+v: the converted rows replaced, the aggregates added, nothing revised", sum.Counts, want)
	}
	if c := h.Versions[0].Changes; c.Revisions != 0 || c.Replaced != converted {
		t.Errorf("the descriptor records %+v, want no revision and %d rows replaced", c, converted)
	}
	var units []string
	for _, u := range diff.Analyze(sum).UnitChanges {
		units = append(units, u.Source+" "+u.Series+" "+u.From+" -> "+u.To)
	}
	wantUnits := []string{"sipri share_of_gdp fraction -> percent", "sipri share_of_govt fraction -> percent",
		"worldbank current_usd US$ -> US$ m"}
	if strings.Join(units, "; ") != strings.Join(wantUnits, "; ") {
		t.Errorf("unit changes = %q, want %q", units, wantUnits)
	}

	// publish diff says so.
	out := run(t, day, "diff", "--data", data, "military-expenditure")
	for _, s := range []string{"(0 revisions, 0 material", "unit changed: sipri share_of_gdp: fraction -> percent",
		"unit changed: worldbank current_usd: US$ -> US$ m", "not revisions"} {
		if !strings.Contains(out.stdout, s) {
			t.Errorf("publish diff lacks %q:\n%s", s, out.stdout)
		}
	}
	if strings.Contains(out.stdout, "Revised figures") {
		t.Errorf("publish diff lists revised figures:\n%s", out.stdout)
	}

	// So do the version page and the feed.
	page := filepath.Join(public, "datasets", "military-expenditure", "versions", h.Versions[0].Version, "index.html")
	f, err := os.Open(page)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := goquery.NewDocumentFromReader(f)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Find("#changes-revised").Length() != 0 {
		t.Errorf("the version page has a section of revised figures")
	}
	explained := doc.Find("ul.explained").Text()
	for _, s := range []string{"Share of GDP (sipri) now in percent instead of fraction", "Current US$ (worldbank) now in US$ m instead of US$"} {
		if !strings.Contains(explained, s) {
			t.Errorf("the version page does not say %q: %q", s, explained)
		}
	}
	if got := doc.Find("#changes-replaced").Text(); !strings.HasPrefix(got, "Series replaced") {
		t.Errorf("the version page has no section of series replaced: %q", got)
	}
	feed, err := os.ReadFile(filepath.Join(public, "datasets", "military-expenditure", "changes.atom"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(feed), "Share of GDP (sipri) now in percent (") || strings.Contains(string(feed), "figures revised") {
		t.Errorf("the feed does not say the series was replaced without revisions:\n%s", feed)
	}
}
