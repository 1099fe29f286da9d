package unroca

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// goldenFile holds the rows of the bundled mirror's sample, so that a change
// of the fixtures or the collector shows up in review.
var goldenFile = filepath.Join("testdata", "golden", "mirror-rows.csv")

// TestMirrorGolden collects the bundled mirror as the pipeline does and
// compares the rows with the golden file (go test -update rewrites it).
func TestMirrorGolden(t *testing.T) {
	src := mirrorSource()
	tab, err := new(Collector).Collect(t.Context(), collecttest.Fetcher(t, src, mirror.FS), src)
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
