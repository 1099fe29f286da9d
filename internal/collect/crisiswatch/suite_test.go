package crisiswatch

import (
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
		Mirror: func() (collect.Collector, collect.Source) { return &Collector{}, cwSource(DatabaseURL, nil) },
	})
}
