package crisiswatch

import (
	"os"
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
)

// TestSuite serves the collector the misbehaving publishers of the shared
// conformance suite at the listing's path.
func TestSuite(t *testing.T) {
	collecttest.Suite(t, collecttest.Target{
		Paths: []string{"/crisiswatch/database"},
		New: func(urls []string) (collect.Collector, collect.Source) {
			return &Collector{}, cwSource(urls[0], nil)
		},
	})
}

// TestSuiteFetcherOnMirror collects the bundled mirror's pages through the
// suite's test fetcher.
func TestSuiteFetcherOnMirror(t *testing.T) {
	src := cwSource(DatabaseURL, nil)
	tab, err := (&Collector{}).Collect(t.Context(), collecttest.Fetcher(t, src, os.DirFS(mirrorRoot)), src)
	if err != nil {
		t.Fatalf("Collect(mirror) error = %v", err)
	}
	if tab.Len() != len(mirrorRows) {
		t.Errorf("Collect(mirror) = %d rows, want %d", tab.Len(), len(mirrorRows))
	}
}
