package unmilex

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
)

// goldenFile holds the rows of the bundled mirror's sample, so that a change
// of the fixtures or the parser shows up in review.
var goldenFile = filepath.Join("testdata", "golden", "mirror-rows.csv")

// TestMirrorGolden collects the bundled mirror as the pipeline does, through
// a fetcher serving the mirror, and compares the rows with the golden file.
func TestMirrorGolden(t *testing.T) {
	src := mirrorSource()
	tab, err := (&Collector{Now: fixedNow}).Collect(t.Context(), collecttest.Fetcher(t, src, mirror.FS), src)
	if err != nil {
		t.Fatalf("Collect(bundled mirror) error = %v", err)
	}
	tab.SortByKey()
	if *update {
		var b bytes.Buffer
		if err := dataset.WriteCSV(&b, tab); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(goldenFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenFile, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(goldenFile)
	if err != nil {
		t.Fatalf("%v (generate with -update)", err)
	}
	defer f.Close()
	want, err := dataset.ReadCSV(f, dataset.CBMSchema)
	if err != nil {
		t.Fatalf("read %s: %v", goldenFile, err)
	}
	if diff := cmp.Diff(rows(want), rows(tab)); diff != "" {
		t.Errorf("Collect(bundled mirror) rows mismatch (-want +got):\n%s", diff)
	}
}

// TestMirrorOnDisk reads the mirror's folder on disk through the suite's test
// fetcher, as a user's mirror folder would be read.
func TestMirrorOnDisk(t *testing.T) {
	src := mirrorSource()
	tab, err := (&Collector{Now: fixedNow}).Collect(t.Context(), collecttest.Fetcher(t, src, mirrorDirFS(t)), src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	if tab.Len() != len(fixturePages) {
		t.Errorf("Collect() = %d rows, want %d", tab.Len(), len(fixturePages))
	}
}
