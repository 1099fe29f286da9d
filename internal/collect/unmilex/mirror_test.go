package unmilex

import (
	"path/filepath"
	"testing"

	"github.com/defence-transparency/publish/internal/collect/collecttest"
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
	if tab.Len() != len(fixturePages) {
		t.Errorf("Collect(bundled mirror) = %d rows, want %d, one per sample page", tab.Len(), len(fixturePages))
	}
	tab.SortByKey()
	collecttest.Golden(t, goldenFile, tab, *update)
}
