package generic

import (
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
)

// TestSuite serves each configured collector, with the options of a real
// source, the misbehaving publishers of the shared conformance suite.
func TestSuite(t *testing.T) {
	mirrorSrcs := readSources(t, sourcesFile)
	realSrcs := readSources(t, realdataFile)
	feed := source(t, Feed, "audit-outcomes", "https://example.org/feed.xml", feedTestOptions)
	tests := []struct {
		shape string
		src   collect.Source
		paths []string
	}{
		{HTML, sourceNamed(t, mirrorSrcs, "nao-defence"), []string{"/search/sector/national-security/type/report/"}},
		{HTML, sourceNamed(t, mirrorSrcs, "eca-defence"), []string{"/en/publications?type=SpecialReport"}},
		{Feed, feed, []string{"/rss/reports.xml"}},
		{CSV, sourceNamed(t, realSrcs, "un-milex-scraped"), []string{"/milex.csv"}},
		{JSON, sourceNamed(t, realSrcs, "unroca-scraped"), []string{"/api/years.json"}},
		{XLSX, sourceNamed(t, mirrorSrcs, "inform-risk"), []string{"/inform/trend.xlsx"}},
	}
	for _, tt := range tests {
		t.Run(tt.src.Name+"-"+tt.shape, func(t *testing.T) {
			c, err := NewCollector(tt.shape, datasets)
			if err != nil {
				t.Fatal(err)
			}
			collecttest.Suite(t, collecttest.Target{
				Paths: tt.paths,
				New: func(urls []string) (collect.Collector, collect.Source) {
					src := tt.src
					src.URLs, src.Hosts = urls, nil
					return c, src
				},
			})
		})
	}
}
