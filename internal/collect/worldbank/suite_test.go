package worldbank

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
)

// TestSuite serves the collector the misbehaving publishers of the shared
// conformance suite, at the paths of the real bulk downloads.
func TestSuite(t *testing.T) {
	collecttest.Suite(t, collecttest.Target{
		Paths: []string{
			"/v2/en/indicator/" + ShareOfGDP + "?downloadformat=csv",
			"/v2/en/indicator/" + CurrentUSD + "?downloadformat=csv",
		},
		New: func(urls []string) (collect.Collector, collect.Source) {
			src := mirrorSource()
			src.URLs = urls
			return &Collector{}, src
		},
	})
}

// TestSuiteFetcherOnMirror reads the bundled mirror's folder through the
// suite's test fetcher, as the mirror is laid out on disk.
func TestSuiteFetcherOnMirror(t *testing.T) {
	src := mirrorSource()
	f := collecttest.Fetcher(t, src, mirrorDirFS(t))
	tab, err := new(Collector).Collect(t.Context(), f, src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	if want := len(parseAll(t, mirrorDocs(t), src.URLs...)); tab.Len() != want {
		t.Errorf("Collect() = %d rows, want %d", tab.Len(), want)
	}
}

// mirrorDirFS returns the bundled mirror's folder on disk, rooted where
// host folders sit.
func mirrorDirFS(t *testing.T) fs.FS {
	t.Helper()
	return os.DirFS(filepath.Join("..", "..", "mirror", "files"))
}
