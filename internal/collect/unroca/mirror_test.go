package unroca

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/defence-transparency/publish/internal/collect/collecttest"
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
	collecttest.Golden(t, goldenFile, tab, *update)
}
