package gao

import (
	"strings"
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
)

// TestSuite serves the collector the misbehaving publishers of the shared
// conformance suite, at the paths of the real listing and feed.
func TestSuite(t *testing.T) {
	collecttest.Suite(t, collecttest.Target{
		Paths: []string{
			strings.TrimPrefix(ListingURL, "https://www.gao.gov"),
			strings.TrimPrefix(FeedURL, "https://www.gao.gov"),
		},
		New: func(urls []string) (collect.Collector, collect.Source) {
			src := mirrorSource()
			src.URLs = urls
			src.Hosts = nil
			return &Collector{}, src
		},
		Mirror: func() (collect.Collector, collect.Source) { return &Collector{}, mirrorSource() },
	})
}
