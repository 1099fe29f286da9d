package gpi

import (
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
)

// TestSuite serves the collector the misbehaving publishers of the shared
// conformance suite, at the landing page's path and, as when a user points
// the source at a downloaded file, at the workbook's.
func TestSuite(t *testing.T) {
	for name, path := range map[string]string{
		"landing":  "/public-release-data/",
		"workbook": "/wp-content/uploads/2025/06/GPI_public_release_2025.xlsx",
	} {
		t.Run(name, func(t *testing.T) {
			tg := collecttest.Target{
				Paths: []string{path},
				New: func(urls []string) (collect.Collector, collect.Source) {
					return &Collector{}, gpiSource(urls[0])
				},
			}
			if name == "landing" { // once is enough: the mirror is the same
				tg.Mirror = func() (collect.Collector, collect.Source) { return &Collector{}, gpiSource(LandingURL) }
			}
			collecttest.Suite(t, tg)
		})
	}
}
