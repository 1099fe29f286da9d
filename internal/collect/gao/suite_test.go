package gao

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

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
	})
}

// TestMirrorOnDisk reads the bundled mirror's folder as it lies on disk,
// through the file names a user's wget would give.
func TestMirrorOnDisk(t *testing.T) {
	src := mirrorSource()
	f := collecttest.Fetcher(t, src, os.DirFS(filepath.Join("..", "..", "mirror", "files")))
	tab, err := new(Collector).Collect(t.Context(), f, src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	if diff := cmp.Diff(wantMirror, reportsOf(t, tab, "gao")); diff != "" {
		t.Errorf("Collect(mirror on disk) rows mismatch (-want +got):\n%s", diff)
	}
}
