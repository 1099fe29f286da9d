package gpi

import (
	"context"
	"flag"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
)

var update = flag.Bool("update", false, "rewrite the sample workbook of the bundled mirror and the golden rows")

// The GPI files of the bundled offline mirror, laid out by URL. The landing
// page is written by hand; the workbook by sampleBook, with -update.
const (
	mirrorRoot = "../../mirror/files"
	sampleFile = mirrorRoot + "/www.visionofhumanity.org/wp-content/uploads/2025/06/GPI_public_release_2025.xlsx"
	sampleURL  = "https://www.visionofhumanity.org/wp-content/uploads/2025/06/GPI_public_release_2025.xlsx"
	goldenFile = "testdata/golden/mirror-rows.csv"
	sourceName = "gpi"
)

func gpiSource(u string) collect.Source {
	return collect.Source{Name: sourceName, Dataset: "risk-reports", Collector: "gpi", URLs: []string{u}}
}

// TestMirrorSampleUpToDate writes the sample workbook with -update, and
// otherwise checks that the committed file holds what sampleBook describes.
func TestMirrorSampleUpToDate(t *testing.T) {
	want := sampleBook().write(t)
	if *update {
		if err := os.WriteFile(sampleFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(sampleFile)
	if err != nil {
		t.Fatalf("%v (generate with go test -run TestMirrorSampleUpToDate -update)", err)
	}
	gotRecs, gotSt, err := parseBytes(got)
	if err != nil {
		t.Fatalf("Parse(%s) error = %v", sampleFile, err)
	}
	wantRecs, wantSt, err := parseBytes(want)
	if err != nil {
		t.Fatalf("Parse(sampleBook) error = %v", err)
	}
	if diff := cmp.Diff(wantRecs, gotRecs); diff != "" {
		t.Errorf("%s is out of date; regenerate with -update (-want +got):\n%s", sampleFile, diff)
	}
	if diff := cmp.Diff(wantSt, gotSt); diff != "" {
		t.Errorf("%s stats are out of date; regenerate with -update (-want +got):\n%s", sampleFile, diff)
	}
}

// TestMirrorSampleShape pins what the sample is meant to cover, counted from
// its description rather than from the parser.
func TestMirrorSampleShape(t *testing.T) {
	b, err := os.ReadFile(sampleFile)
	if err != nil {
		t.Fatal(err)
	}
	recs, st, err := parseBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	overall, year, yearOverall := sampleCounts()
	if got, want := len(recs), overall+year-yearOverall; got != want {
		t.Errorf("Parse(sample) = %d records, want %d", got, want)
	}
	if diff := cmp.Diff([]int{2023, 2024, 2025}, st.YearSheets); diff != "" {
		t.Errorf("Parse(sample) year sheets (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"2025!A1 #VALUE!"}, st.ErrorCells); diff != "" {
		t.Errorf("Parse(sample) error cells (-want +got):\n%s", diff)
	}
	if st.Countries != len(sampleStates) {
		t.Errorf("Parse(sample) = %d states, want %d", st.Countries, len(sampleStates))
	}
}

// TestCollectFromMirror runs the collector through the project's fetcher
// over the bundled mirror, from the landing page, and compares the rows with
// the golden file (the conformance suite checks that a second run is
// unchanged).
func TestCollectFromMirror(t *testing.T) {
	s := collecttest.Session(t, os.DirFS(mirrorRoot))
	src := gpiSource(LandingURL)

	ctx, warnings := collect.WithWarnings(context.Background())
	tab, err := (&Collector{}).Collect(ctx, collecttest.SessionFetcher(t, s, src, false), src)
	if err != nil {
		t.Fatalf("Collect(mirror) error = %v", err)
	}
	overall, year, yearOverall := sampleCounts()
	if got, want := tab.Len(), overall+year-yearOverall; got != want {
		t.Errorf("Collect(mirror) = %d rows, want %d", got, want)
	}
	wantWarnings := []string{`gpi: workbook ` + sampleURL + `: sheet "2025" cell A1 holds the spreadsheet error #VALUE!; nothing is published for it`}
	if diff := cmp.Diff(wantWarnings, warnings.List()); diff != "" {
		t.Errorf("Collect(mirror) warnings (-want +got):\n%s", diff)
	}
	if err := dataset.Validate(tab); err != nil {
		t.Errorf("Validate(Collect(mirror)) = %v", err)
	}
	collecttest.Golden(t, goldenFile, tab, *update)

}

// rows returns a table's rows as text, for cmp.
func rows(t *dataset.Table) [][]string {
	var out [][]string
	for i := range t.Len() {
		var r []string
		for col := range t.Schema.Fields {
			r = append(r, t.Text(i, col))
		}
		out = append(out, r)
	}
	return out
}
