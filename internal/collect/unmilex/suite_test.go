package unmilex

import (
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
)

// TestSuite serves the collector the misbehaving publishers of the shared
// conformance suite, at the path of the states index; the pages below it
// misbehave the same way.
func TestSuite(t *testing.T) {
	collecttest.Suite(t, collecttest.Target{
		Paths: []string{"/en/states/"},
		New: func(urls []string) (collect.Collector, collect.Source) {
			src := mirrorSource()
			src.URLs = urls
			src.Options = map[string]any{"states": []any{"DEU", "LIE"}, "first_year": int64(2023), "last_year": int64(2024)}
			return &Collector{Now: fixedNow}, src
		},
		Mirror: func() (collect.Collector, collect.Source) { return &Collector{Now: fixedNow}, mirrorSource() },
	})
}
