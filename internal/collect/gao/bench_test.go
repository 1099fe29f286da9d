package gao

import (
	"fmt"
	"strings"
	"testing"

	"github.com/defence-transparency/publish/internal/collect"
)

// BenchmarkParseListing parses a full listing page: 20 results, as GAO
// serves them.
func BenchmarkParseListing(b *testing.B) {
	var results strings.Builder
	for i := range 20 {
		results.WriteString(result(fmt.Sprintf("gao-24-1%05d", i), fmt.Sprintf("GAO-24-1%05d", i),
			"Defense Acquisitions: A Title of Typical Length About Weapon Program Costs", june13, june13,
			strings.Repeat("A sentence of the Fast Facts summary. ", 12)+"We made 3 recommendations."))
	}
	doc := listingDoc(ListingURL, listingHTML("1 - 20 of 11,730 Reports", results.String(),
		`<li><a href="?page=1" class="usa-pagination__link usa-pagination__next-page" aria-label="Next page">Next</a></li>`))
	b.SetBytes(int64(len(doc.Body)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := parseListing(b.Context(), doc)
		if err != nil || len(p.entries) != 20 {
			b.Fatalf("parseListing() = %d entries, %v", len(p.entries), err)
		}
	}
}

// BenchmarkParseFeed parses a feed of 25 items with full highlights, as
// GAO's feed holds.
func BenchmarkParseFeed(b *testing.B) {
	var items strings.Builder
	for i := range 25 {
		fmt.Fprintf(&items, `<item><title>Navy Shipbuilding: Title %d</title><link>https://www.gao.gov/products/gao-24-1%05d</link>
<description>
What GAO Found

%s

What GAO Recommends

GAO is making four recommendations to DOD.
</description><pubDate>Thu, 13 Jun 2024 10:00:00 -0400</pubDate><guid isPermaLink="false">/products/gao-24-1%05d</guid></item>
`, i, i, strings.Repeat("A sentence of the highlights about T&amp;amp;E. ", 60), i)
	}
	doc := &collect.Document{URL: FeedURL, Body: []byte(rssOf(items.String()))}
	b.SetBytes(int64(len(doc.Body)))
	b.ReportAllocs()
	for b.Loop() {
		e, err := parseFeed(b.Context(), doc)
		if err != nil || len(e) != 25 {
			b.Fatalf("parseFeed() = %d entries, %v", len(e), err)
		}
	}
}
