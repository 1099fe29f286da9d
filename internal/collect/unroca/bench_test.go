package unroca

import (
	"context"
	"testing"
)

// BenchmarkCollectSample collects the bundled mirror's eight states from
// memory: the collector's own cost, without the fetcher's delay.
func BenchmarkCollectSample(b *testing.B) {
	docs := sampleDocs(b)
	src := mirrorSource()
	for b.Loop() {
		if _, err := new(Collector).Collect(context.Background(), &mapFetcher{docs: docs}, src); err != nil {
			b.Fatal(err)
		}
	}
}
