package sipri

import (
	"os"
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
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
			collecttest.Suite(t, collecttest.Target{
				Paths: []string{path},
				New: func(urls []string) (collect.Collector, collect.Source) {
					return &Collector{}, sipriSource(urls[0])
				},
			})
		})
	}
}

// TestSuiteFetcherOnMirror collects the bundled mirror's files through the
// suite's test fetcher.
func TestSuiteFetcherOnMirror(t *testing.T) {
	src := sipriSource(landingURL)
	f := collecttest.Fetcher(t, src, os.DirFS("../../mirror/files"))
	tab, err := (&Collector{}).Collect(t.Context(), f, src)
	if err != nil {
		t.Fatalf("Collect(mirror) error: %v", err)
	}
	if got, want := len(dataset.Expenditures(tab)), len(sampleRecords()); got != want {
		t.Errorf("Collect(mirror) = %d rows, want %d", got, want)
	}
}
