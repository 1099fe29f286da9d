package sipri

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
		"landing":  "/databases/milex",
		"workbook": "/sites/default/files/SIPRI-Milex-data-1949-2024.xlsx",
	} {
		t.Run(name, func(t *testing.T) {
			tg := collecttest.Target{
				Paths: []string{path},
				New: func(urls []string) (collect.Collector, collect.Source) {
					return &Collector{}, sipriSource(urls[0])
				},
			}
			if name == "landing" { // once is enough: the mirror is the same
				tg.Mirror = func() (collect.Collector, collect.Source) { return &Collector{}, sipriSource(landingURL) }
			}
			collecttest.Suite(t, tg)
		})
	}
}
