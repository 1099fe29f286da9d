package unroca

import (
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
)

// TestSuite serves the collector the misbehaving publishers of the shared
// conformance suite at the path of the country list.
func TestSuite(t *testing.T) {
	collecttest.Suite(t, collecttest.Target{
		Paths: []string{"/api/country-list/"},
		New: func(urls []string) (collect.Collector, collect.Source) {
			src := mirrorSource()
			src.URLs = urls
			return &Collector{}, src
		},
		Mirror: func() (collect.Collector, collect.Source) { return &Collector{}, mirrorSource() },
	})
}
