package site

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/defence-transparency/publish/internal/site/sitetest"
)

var update = flag.Bool("update", false, "rewrite the golden copies of the built sites in testdata")

// TestGoldenSite builds the fixture's whole site (every dataset family and
// four versions of military expenditure) without and with a base URL, and
// the small site of live data with no history, and compares every file with the golden copy in testdata/golden: pages, feeds
// and catalogue whole, downloads by hash. Regenerate with -update when a
// change to the pages is intended.
func TestGoldenSite(t *testing.T) {
	for _, tt := range []struct {
		name  string
		input func(testing.TB) *Input
		base  string
	}{
		{"families", familiesInput, ""},
		{"families-base", familiesInput, "https://example.org/defence/"},
		{"plain", func(tb testing.TB) *Input { return testInput(tb, false) }, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.input(t)
			in.BaseURL = tt.base
			_, public := build(t, in)
			sitetest.Golden(t, public, filepath.Join("testdata", "golden", tt.name), *update, sitetest.Text)
		})
	}
}
