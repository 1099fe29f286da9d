package crisiswatch

import (
	"net/url"
	"testing"

	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/mirror"
)

// The fuzz target of the listing parser and the table made from it. `go
// test` runs its seeds and the crashers kept under testdata/fuzz;
// .ci/fuzz runs the fuzzer.

// FuzzParsePage reads a listing page made by the fuzzer and makes the
// table the collector makes of its entries.
func FuzzParsePage(f *testing.F) {
	for _, name := range []string{"database", "database@page=1", "database@page=2"} {
		f.Add(collecttest.ReadFile(f, mirror.FS, "www.crisisgroup.org/crisiswatch/"+name))
	}
	f.Add([]byte(`<html><body><div class="c-crisiswatch-entry"><h3>Mali</h3><time datetime="2025-10">October 2025</time></div></body></html>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var (
			p   *Page
			err error
		)
		collecttest.Within(collecttest.FuzzDeadline, func() {
			p, err = ParsePage(DatabaseURL, body)
		})
		if err != nil {
			collecttest.CheckError(t, err)
			if p != nil {
				t.Errorf("ParsePage returned a page beside the error %v", err)
			}
			return
		}
		if p.Next != "" {
			if u, err := url.Parse(p.Next); err != nil || !u.IsAbs() {
				t.Errorf("ParsePage: next page %q is not an absolute URL", p.Next)
			}
		}
		tab, _, err := Table(p.Entries, "crisiswatch")
		if err != nil {
			collecttest.CheckError(t, err)
			return
		}
		collecttest.CheckTable(t, tab, body)
	})
}
