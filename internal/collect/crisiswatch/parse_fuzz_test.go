package crisiswatch

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/mirror"
)

// The fuzz target of the listing parser and the table made from it. `go
// test` runs its seeds and the crashers kept under testdata/fuzz;
// .ci/fuzz runs the fuzzer.

// FuzzParsePage reads a listing page made by the fuzzer as the collector
// does, decoded to UTF-8 first (collect.Text), and makes the table the
// collector makes of its entries.
func FuzzParsePage(f *testing.F) {
	for _, name := range []string{"database", "database@page=1", "database@page=2"} {
		f.Add(collecttest.ReadFile(f, mirror.FS, "www.crisisgroup.org/crisiswatch/"+name))
	}
	f.Add([]byte(`<html><body><div class="c-crisiswatch-entry"><h3>Mali</h3><time datetime="2025-10">October 2025</time></div></body></html>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		checkParsePage(t, body)
	})
}

// checkParsePage parses body and checks what came back.
func checkParsePage(t *testing.T, body []byte) {
	var (
		p   *Page
		err error
	)
	collecttest.Within(collecttest.FuzzDeadline, func() {
		var text []byte
		text, err = collect.Text(context.Background(), &collect.Document{URL: DatabaseURL, Header: http.Header{}, Body: body})
		if err == nil {
			p, err = ParsePage(DatabaseURL, text)
		}
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
}

// TestFuzzParsePageNotUTF8 replays testdata/fuzz/FuzzParsePage/
// fdc589d1896cb724: a page ending in a byte that is not UTF-8
// ("displacemen\xcc"), which ParsePage, reading bytes as UTF-8, put into a
// summary as it was: not valid UTF-8, published as U+FFFD. The collector
// reads pages decoded by collect.Text, which reads it as windows-1252.
func TestFuzzParsePageNotUTF8(t *testing.T) {
	checkParsePage(t, collecttest.Corpus(t, "testdata/fuzz/FuzzParsePage/fdc589d1896cb724")[0].([]byte))
}
