package unroca

import (
	"context"
	"testing"

	"github.com/defence-transparency/publish/internal/collect/collecttest"
)

// BenchmarkCollectSample collects the bundled mirror's eight states from
// memory: the collector's own cost, without the fetcher's delay.
func BenchmarkCollectSample(b *testing.B) {
	docs := sampleDocs(b)
	src := mirrorSource()
	for b.Loop() {
		if _, err := new(Collector).Collect(context.Background(), &collecttest.MapFetcher{Docs: docs}, src); err != nil {
			b.Fatal(err)
		}
	}
}
