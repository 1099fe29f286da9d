package gao

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"

	"github.com/defence-transparency/publish/internal/collect"
)

// rssOf wraps items in a channel as GAO's feed does.
func rssOf(items string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="/scripts/rss.xsl" ?>
<rss xmlns:atom="http://www.w3.org/2005/Atom" version="2.0">
  <channel>
      <atom:link href="https://www.gao.gov/rss/reports.xml" rel="self" type="application/rss+xml"/>
      <title>Reports News from the GAO</title>
      <link>https://www.gao.gov/rss/reports.xml</link>
      <lastBuildDate>Thu, 20 Jun 2024 11:02:41 -0400</lastBuildDate>
` + items + `
  </channel>
</rss>
`
}

func feedDoc(body string) *collect.Document {
	return &collect.Document{URL: FeedURL, FinalURL: FeedURL, Status: 200, Body: []byte(body)}
}

func TestParseFeed(t *testing.T) {
	tests := []struct {
		name  string
		items string
		want  []entry
		warns int
	}{
		{
			name: "item as GAO writes it",
			items: `<item>
                <title>Defense Logistics: T&amp;E of Spare Parts</title>
                <link>https://www.gao.gov/products/gao-24-106256</link>
                <description>
What GAO Found

DOD tests spare parts (T&amp;amp;E) before it buys them.

What GAO Recommends

GAO is making four recommendations to DOD.
</description>
                <pubDate>Thu, 13 Jun 2024 10:00:00 -0400</pubDate>
                <guid isPermaLink="false">/products/gao-24-106256</guid>
            </item>`,
			want: []entry{{id: "GAO-24-106256", slug: "gao-24-106256", title: "Defense Logistics: T&E of Spare Parts",
				published: "2024-06-13", recs: 4, hasRecs: true, where: FeedURL}},
		},
		{
			name: "description in HTML, escaped",
			items: `<item><title>Navy Readiness</title><link>https://www.gao.gov/products/gao-24-106301</link>
<description>&lt;p&gt;What GAO Found&lt;/p&gt;&lt;p&gt;GAO is making &lt;strong&gt;three&lt;/strong&gt; recommendations.&lt;/p&gt;</description>
<pubDate>Tue, 11 Jun 2024 07:20:33 -0400</pubDate></item>`,
			want: []entry{{id: "GAO-24-106301", slug: "gao-24-106301", title: "Navy Readiness",
				published: "2024-06-11", recs: 3, hasRecs: true, where: FeedURL}},
		},
		{
			name: "guid when link is empty, tracking query and testimony suffix",
			items: `<item><title>Defense Budget</title><link> </link><guid isPermaLink="false">/products/gao-24-107120t</guid>
<pubDate>Wed, 12 Jun 2024 08:00:00 -0400</pubDate></item>
<item><title>Army Readiness</title><link>https://www.gao.gov/products/GAO-24-107311/?utm_source=rss&amp;utm_medium=feed</link></item>`,
			want: []entry{
				{id: "GAO-24-107120T", slug: "gao-24-107120t", title: "Defense Budget", published: "2024-06-12", where: FeedURL},
				{id: "GAO-24-107311", slug: "gao-24-107311", title: "Army Readiness", where: FeedURL},
			},
		},
		{
			name: "unusable items are left out with a warning",
			items: `<item><title> </title><link>https://www.gao.gov/products/gao-24-100001</link></item>
<item><title>Bid protest</title><link>https://www.gao.gov/legal/bid-protests</link></item>
<item><title>Twice</title><link>https://www.gao.gov/products/gao-24-100002</link></item>
<item><title>Twice again</title><link>https://www.gao.gov/products/gao-24-100002</link></item>
<item><title>Ambiguous</title><link>https://www.gao.gov/products/gao-24-100003</link>
<description>GAO is making two recommendations to DOD. GAO is making three recommendations to the Army.</description></item>`,
			want: []entry{
				{id: "GAO-24-100002", slug: "gao-24-100002", title: "Twice", where: FeedURL},
				{id: "GAO-24-100003", slug: "gao-24-100003", title: "Ambiguous", where: FeedURL},
			},
			warns: 4,
		},
		{name: "empty channel", items: "", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, w := collect.WithWarnings(t.Context())
			got, err := parseFeed(ctx, feedDoc(rssOf(tt.items)))
			if err != nil {
				t.Fatalf("parseFeed() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(entry{})); diff != "" {
				t.Errorf("parseFeed() mismatch (-want +got):\n%s", diff)
			}
			if n := len(w.List()); n != tt.warns {
				t.Errorf("parseFeed() warned %d times, want %d: %q", n, tt.warns, w.List())
			}
		})
	}
}

func TestParseFeedErrors(t *testing.T) {
	item := `<item><title>A</title><link>https://www.gao.gov/products/gao-24-100001</link>
<pubDate>Thu, 13 Jun 2024 10:00:00 -0400</pubDate></item>`
	tests := []struct {
		name string
		body string
	}{
		{"rss 0.91", strings.Replace(rssOf(item), `version="2.0"`, `version="0.91"`, 1)},
		{"atom", `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>`},
		{"two channels", strings.Replace(rssOf(item), "</rss>", "", 1) + "<channel></channel></rss>"},
		{"cut off", rssOf(item)[:300]},
		{"pubDate in another format", strings.Replace(rssOf(item), "Thu, 13 Jun 2024 10:00:00 -0400", "2024-06-13", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFeed(t.Context(), feedDoc(tt.body))
			if !errors.Is(err, ErrFormat) {
				t.Errorf("parseFeed() = %d entries, %v; want an error wrapping ErrFormat", len(got), err)
			}
		})
	}
}

// TestParseFeedLatin1 reads a feed declared and written in ISO-8859-1, as
// the fetcher hands it over: decoded to UTF-8, the declaration unchanged.
// The parser must not decode it a second time.
func TestParseFeedLatin1(t *testing.T) {
	item := `<item><title>Défense: Readiness</title><link>https://www.gao.gov/products/gao-24-100001</link>
<pubDate>Thu, 13 Jun 2024 10:00:00 -0400</pubDate></item>`
	body, err := charmap.ISO8859_1.NewEncoder().String(strings.Replace(rssOf(item), `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1))
	if err != nil {
		t.Fatal(err)
	}
	doc := feedDoc(body)
	if doc.Body, err = collect.Text(t.Context(), doc); err != nil {
		t.Fatal(err)
	}
	got, err := parseFeed(t.Context(), doc)
	if err != nil || len(got) != 1 || got[0].title != "Défense: Readiness" {
		t.Fatalf("parseFeed() = %+v, %v; want one entry titled %q", got, err, "Défense: Readiness")
	}
}

func TestIsFeed(t *testing.T) {
	tests := []struct {
		name string
		body string
		want bool
	}{
		{"gao feed", rssOf(""), true},
		{"bom and blank lines", "\ufeff\n\n" + rssOf(""), true},
		{"bare rss", `<rss version="2.0"><channel></channel></rss>`, true},
		{"atom is xml, so parseFeed explains", `<?xml version="1.0"?><feed/>`, true},
		{"broken xml, so parseFeed explains", `<?xml version="1.0"?><rss><channel>`, true},
		{"html page", "<!DOCTYPE html>\n<html lang=\"en\"><body></body></html>", false},
		{"xhtml page", `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"></html>`, false},
		{"text", "country,year\nUSA,2024\n", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isFeed([]byte(tt.body)); got != tt.want {
				t.Errorf("isFeed(%q) = %v, want %v", tt.body, got, tt.want)
			}
		})
	}
}
