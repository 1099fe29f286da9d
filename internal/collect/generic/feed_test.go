package generic

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"
)

// An auditor's RSS 2.0 feed of reports, as the US GAO's looks: the report
// number before the title, HTML in the description, categories, RFC 822
// dates, an atom:link to itself.
const rssFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>GAO Reports</title>
<link>https://www.gao.gov/</link>
<atom:link href="https://www.gao.gov/rss/reports.xml" rel="self" type="application/rss+xml"/>
<description>Reports and testimonies</description>
<item>
  <title>GAO-24-106256, F-35 Aircraft: DOD and the Military Services Need to Reassess the Future Sustainment Strategy</title>
  <link>https://www.gao.gov/products/gao-24-106256</link>
  <guid isPermaLink="false">gao-24-106256</guid>
  <pubDate>Thu, 21 Sep 2023 12:00:00 -0400</pubDate>
  <description>&lt;p&gt;The F-35 fleet&amp;nbsp;is expected to cost &lt;b&gt;$1.58 trillion&lt;/b&gt; to sustain.&lt;/p&gt;</description>
  <category>National Defense</category>
  <category>Aircraft</category>
  <dc:creator>U.S. Government Accountability Office</dc:creator>
</item>
<item>
  <title>GAO-25-107001, Weapon Systems Annual Assessment</title>
  <link>/products/gao-25-107001</link>
  <guid>https://www.gao.gov/products/gao-25-107001</guid>
  <dc:date>2025-06-11T09:30:00Z</dc:date>
  <description>Programs continue to take more than a decade to deliver.</description>
  <category>National Defense</category>
</item>
</channel>
</rss>`

// An Atom 1.0 feed with HTML titles, an alternate link among others, and
// an entry with only an updated date.
const atomFeed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Audit office: publications</title>
<id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id>
<updated>2025-02-06T08:00:00Z</updated>
<entry>
  <title type="html">Special report 04/2025: EU military mobility &amp;ndash; Not yet in the fast lane</title>
  <link rel="enclosure" href="https://audit.example/sr-2025-04.pdf"/>
  <link rel="alternate" href="https://audit.example/en/publications/SR-2025-04"/>
  <id>tag:audit.example,2025:SR-2025-04</id>
  <published>2025-02-05T10:00:00+01:00</published>
  <updated>2025-02-06T08:00:00Z</updated>
  <summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Armed forces are <em>not yet</em> able to move quickly.</p></div></summary>
  <category term="defence" label="Security and defence"/>
  <author><name>Court of Auditors</name></author>
</entry>
<entry>
  <title>Special report 10/2023: Preparatory action on defence research</title>
  <link href="/en/publications/SR-2023-10"/>
  <id>tag:audit.example,2023:SR-2023-10</id>
  <updated>2023-04-26T10:00:00Z</updated>
  <summary>Useful to a limited extent.</summary>
  <category term="defence"/>
</entry>
</feed>`

// An RSS 1.0 feed: items beside the channel, Dublin Core dates.
const rdfFeed = `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://audit.example/"><title>Reports</title></channel>
<item rdf:about="https://audit.example/r/1"><title>GAO-24-1, Readiness</title><link>https://audit.example/r/1</link>
<dc:date>2024-05-01</dc:date><dc:subject>Defence</dc:subject></item>
</rdf:RDF>`

const feedTestOptions = `
[source.options.fields.auditor]
value = "us_gao"
[source.options.fields.jurisdiction]
value = "United States"
[source.options.fields.report_id]
item = "title"
transforms = [{ op = "regexp", pattern = '^(GAO-\d{2}-\d+|Special report \d+/\d{4})' }]
[source.options.fields.title]
item = "title"
transforms = [{ op = "regexp", pattern = '^[^:,]*[:,]\s*(.+)$' }]
[source.options.fields.published]
item = "date"
transforms = [{ op = "date" }]
[source.options.fields.subject]
item = "categories"
[source.options.fields.link]
item = "link"
transforms = [{ op = "url" }]
`

func TestFeeds(t *testing.T) {
	const u = "https://audit.example/feed.xml"
	latin1, _ := charmap.ISO8859_1.NewEncoder().String(`<?xml version="1.0" encoding="ISO-8859-1"?>` +
		`<rss version="2.0"><channel><item><title>GAO-01-1, Défense</title><link>https://audit.example/1</link>` +
		`<pubDate>Mon, 2 Jan 2006 15:04:05 GMT</pubDate></item></channel></rss>`)
	tests := []struct {
		name, body string
		want       []map[string]string
		wantErr    error
	}{
		{name: "rss", body: rssFeed, want: []map[string]string{
			{"auditor": "us_gao", "report_id": "GAO-24-106256", "jurisdiction": "United States", "published": "2023-09-21",
				"title":   "F-35 Aircraft: DOD and the Military Services Need to Reassess the Future Sustainment Strategy",
				"subject": "National Defense; Aircraft", "link": "https://www.gao.gov/products/gao-24-106256", "source": "test"},
			{"auditor": "us_gao", "report_id": "GAO-25-107001", "jurisdiction": "United States", "published": "2025-06-11",
				"title": "Weapon Systems Annual Assessment", "subject": "National Defense",
				"link": "https://audit.example/products/gao-25-107001", "source": "test"},
		}},
		{name: "atom", body: atomFeed, want: []map[string]string{
			{"auditor": "us_gao", "report_id": "Special report 04/2025", "jurisdiction": "United States", "published": "2025-02-05",
				"title": "EU military mobility – Not yet in the fast lane", "subject": "Security and defence",
				"link": "https://audit.example/en/publications/SR-2025-04", "source": "test"},
			{"auditor": "us_gao", "report_id": "Special report 10/2023", "jurisdiction": "United States", "published": "2023-04-26",
				"title": "Preparatory action on defence research", "subject": "defence",
				"link": "https://audit.example/en/publications/SR-2023-10", "source": "test"},
		}},
		{name: "latin-1", body: latin1, want: []map[string]string{
			{"auditor": "us_gao", "report_id": "GAO-01-1", "jurisdiction": "United States", "published": "2006-01-02",
				"title": "Défense", "link": "https://audit.example/1", "source": "test"},
		}},
		{name: "rss 1.0", body: rdfFeed, want: []map[string]string{
			{"auditor": "us_gao", "report_id": "GAO-24-1", "jurisdiction": "United States", "published": "2024-05-01",
				"title": "Readiness", "subject": "Defence", "link": "https://audit.example/r/1", "source": "test"},
		}},
		{name: "html page", body: `<!DOCTYPE html><html><head><title>Down</title></head><body><p>Back soon</p></body></html>`, wantErr: ErrFormat},
		{name: "not xml", body: "\x00\x01garbage", wantErr: ErrFormat},
		{name: "empty feed", body: `<rss version="2.0"><channel><title>x</title></channel></rss>`, wantErr: ErrNoRecords},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := source(t, Feed, "audit-outcomes", u, feedTestOptions)
			tab, _, err := run(t, serve(map[string]string{u: tt.body}), src)
			if failed(t, tab, err, tt.wantErr) {
				return
			}
			if diff := cmp.Diff(tt.want, records(tab)); diff != "" {
				t.Errorf("Collect() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFeedItems checks every item value of an RSS and an Atom entry.
func TestFeedItems(t *testing.T) {
	p := &page{doc: docOf("https://www.gao.gov/rss/reports.xml", rssFeed)}
	recs, err := feedFormat{}.records(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"title":       "GAO-24-106256, F-35 Aircraft: DOD and the Military Services Need to Reassess the Future Sustainment Strategy",
		"link":        "https://www.gao.gov/products/gao-24-106256",
		"guid":        "gao-24-106256",
		"id":          "gao-24-106256",
		"published":   "2023-09-21T12:00:00-04:00",
		"updated":     "",
		"date":        "2023-09-21T12:00:00-04:00",
		"description": "The F-35 fleet is expected to cost $1.58 trillion to sustain.",
		"summary":     "The F-35 fleet is expected to cost $1.58 trillion to sustain.",
		"content":     "",
		"categories":  "National Defense; Aircraft",
		"author":      "U.S. Government Accountability Office",
	}
	if diff := cmp.Diff(want, recs[0].(*feedRecord).item); diff != "" {
		t.Errorf("RSS item mismatch (-want +got):\n%s", diff)
	}
	p = &page{doc: docOf("https://audit.example/atom.xml", atomFeed)}
	if recs, err = (feedFormat{}).records(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	want = map[string]string{
		"title":       "Special report 04/2025: EU military mobility – Not yet in the fast lane",
		"link":        "https://audit.example/en/publications/SR-2025-04",
		"guid":        "tag:audit.example,2025:SR-2025-04",
		"id":          "tag:audit.example,2025:SR-2025-04",
		"published":   "2025-02-05T10:00:00+01:00",
		"updated":     "2025-02-06T08:00:00Z",
		"date":        "2025-02-05T10:00:00+01:00",
		"description": "Armed forces are not yet able to move quickly.",
		"summary":     "Armed forces are not yet able to move quickly.",
		"content":     "",
		"categories":  "Security and defence",
		"author":      "Court of Auditors",
	}
	if diff := cmp.Diff(want, recs[0].(*feedRecord).item); diff != "" {
		t.Errorf("Atom entry mismatch (-want +got):\n%s", diff)
	}
	if got := recs[1].(*feedRecord).item["date"]; got != "2023-04-26T10:00:00Z" {
		t.Errorf("Atom entry without published: date = %q, want the updated date", got)
	}
}
