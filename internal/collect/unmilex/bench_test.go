package unmilex

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/defence-transparency/publish/internal/collect/collecttest"
)

// BenchmarkParse reads a standardized return with its full matrix, the
// largest kind of page.
func BenchmarkParse(b *testing.B) {
	body := fixtureFiles()[filepath.Join("en", "states", "DEU", "2022")]
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := Parse(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCollectSample collects the eighteen sample pages from memory:
// the collector's own cost, without the fetcher's delay.
func BenchmarkCollectSample(b *testing.B) {
	docs := sampleDocs()
	src := mirrorSource()
	for b.Loop() {
		if _, err := (&Collector{Now: fixedNow}).Collect(context.Background(), &collecttest.MapFetcher{Docs: docs}, src); err != nil {
			b.Fatal(err)
		}
	}
}
