package gao

import (
	"context"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
)

// The fuzz targets of the listing and feed parsers, through Collect, so
// that the rows checked are those the pipeline gets. `go test` runs their
// seeds and the crashers kept under testdata/fuzz; .ci/fuzz runs the
// fuzzer.

// The bundled mirror's documents: the listing's three pages and the feed.
var (
	mirrorListing = []string{
		"www.gao.gov/reports-testimonies@f%5B0%5D=by_agency_name%3ADepartment%20of%20Defense",
		"www.gao.gov/reports-testimonies@f%5B0%5D=by_agency_name%3ADepartment%20of%20Defense&page=1",
		"www.gao.gov/reports-testimonies@f%5B0%5D=by_agency_name%3ADepartment%20of%20Defense&page=2",
	}
	mirrorFeed = "www.gao.gov/rss/reports.xml"
)

// fuzzSource is the source the targets collect.
var fuzzSource = collect.Source{Name: "gao", Dataset: dataset.AuditOutcomes.Name, Collector: "gao",
	URLs: []string{ListingURL, FeedURL}, Options: map[string]any{"max_pages": int64(5)}}

// FuzzListing collects with the listing's first page made by the fuzzer;
// its other pages and the feed come from the bundled mirror.
func FuzzListing(f *testing.F) {
	for _, name := range mirrorListing {
		f.Add(collecttest.ReadFile(f, mirror.FS, name))
	}
	memo := &collecttest.Memo{Next: collecttest.Fetcher(f, fuzzSource, mirror.FS)}
	f.Fuzz(func(t *testing.T, page []byte) {
		checkCollect(t, &collecttest.Swap{Next: memo, Docs: map[string][]byte{ListingURL: page}}, page)
	})
}

// FuzzFeed collects with the feed made by the fuzzer and the listing from
// the bundled mirror.
func FuzzFeed(f *testing.F) {
	f.Add(collecttest.ReadFile(f, mirror.FS, mirrorFeed))
	f.Add([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><item><title>Defense Acquisitions: F-35</title>` +
		`<link>https://www.gao.gov/products/gao-24-106256</link><pubDate>Mon, 14 Sep 2026 07:16:14 -0400</pubDate>` +
		`<description>GAO is making four recommendations</description></item></channel></rss>`))
	memo := &collecttest.Memo{Next: collecttest.Fetcher(f, fuzzSource, mirror.FS)}
	f.Fuzz(func(t *testing.T, feed []byte) {
		checkCollect(t, &collecttest.Swap{Next: memo, Docs: map[string][]byte{FeedURL: feed}}, feed)
	})
}

// checkCollect collects fuzzSource through f and checks what came back.
func checkCollect(t *testing.T, f collect.Fetcher, input []byte) {
	var (
		tab *dataset.Table
		err error
	)
	ctx, _ := collect.WithWarnings(context.Background())
	collecttest.Within(collecttest.FuzzDeadline, func() {
		tab, err = (&Collector{}).Collect(ctx, f, fuzzSource)
	})
	if err != nil {
		collecttest.CheckError(t, err)
		if tab != nil {
			t.Errorf("Collect returned a table beside the error %v", err)
		}
		return
	}
	collecttest.CheckTable(t, tab, input)
}

// TestFuzzFeedNotUTF8 replays two inputs of testdata/fuzz/FuzzFeed: feeds
// of bytes that are text in no charset, whose errors quoted them raw in a
// message bound for the sources page. 290e6c449ca67347 is "<?xml\x8d ";
// cc62b7fbd698eaf7 holds a NUL, for which the fetcher took it for a binary
// file and passed it undecoded. Both now fail for their charset, in a
// message of valid UTF-8.
func TestFuzzFeedNotUTF8(t *testing.T) {
	memo := &collecttest.Memo{Next: collecttest.Fetcher(t, fuzzSource, mirror.FS)}
	for _, feed := range [][]byte{
		[]byte("<?xml\x8d "),
		[]byte("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><ti\xf3\xf3tle>Defense</title>\x7f\x00item></channel></rss>"),
	} {
		_, err := (&Collector{}).Collect(t.Context(), &collecttest.Swap{Next: memo, Docs: map[string][]byte{FeedURL: feed}}, fuzzSource)
		if !errors.Is(err, collect.ErrCharset) || !utf8.ValidString(err.Error()) {
			t.Errorf("Collect(feed %q) = %q, want an error wrapping collect.ErrCharset in valid UTF-8", feed, err)
		}
	}
}

// TestFuzzListingBinary replays testdata/fuzz/FuzzListing/41ff03d5c5d7e1c8:
// a listing page with a NUL byte and bytes that are not UTF-8. The fetcher
// passed it on undecoded, taking it for a binary file, and a title of
// invalid UTF-8 ("DOD—\x94\x97s") was published; now only the formats that
// are not text pass undecoded, and this page fails for its charset.
func TestFuzzListingBinary(t *testing.T) {
	page := []byte("<!DOCTYPE html><html><head><meta charset=\"utf-8\" />" +
		"<link rel=\"stylesheet\" href=\"/themes/custom/g\x00\x80_uswds/css/styles.css\" /></head><body></body></html>")
	memo := &collecttest.Memo{Next: collecttest.Fetcher(t, fuzzSource, mirror.FS)}
	_, err := (&Collector{}).Collect(t.Context(), &collecttest.Swap{Next: memo, Docs: map[string][]byte{ListingURL: page}}, fuzzSource)
	if !errors.Is(err, collect.ErrCharset) || !utf8.ValidString(err.Error()) {
		t.Errorf("Collect(listing with NUL and \\x80) = %v, want an error wrapping collect.ErrCharset", err)
	}
}
