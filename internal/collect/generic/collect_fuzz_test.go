package generic

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
)

// The fuzz targets of the generic collectors, one per shape, through
// Collect with a source configured as a fork would, so that the rows
// checked are those the pipeline gets. `go test` runs their seeds and the
// crashers kept under testdata/fuzz; .ci/fuzz runs the fuzzer.

// fuzzDatasets are the definitions the targets' collectors know.
var fuzzDatasets = []*dataset.Definition{dataset.CBMReports, dataset.AuditOutcomes, dataset.RiskReports, dataset.MilitaryExpenditure}

// repoSource returns the named source of the repository's sources file.
func repoSource(f testing.TB, name string) collect.Source {
	cfg, err := collect.ReadConfig("../../../sources.toml")
	if err != nil {
		f.Fatal(err)
	}
	src, ok := cfg.Source(name)
	if !ok {
		f.Fatalf("sources.toml has no source %q", name)
	}
	return src
}

// fuzzSource makes a source of a generic collector from the TOML of its
// options table.
func fuzzSource(f *testing.F, collector, ds, u, options string) collect.Source {
	cfg, err := collect.ParseConfig([]byte("[[source]]\nname = \"fuzz\"\ndataset = \"" + ds + "\"\ncollector = \"" + collector +
		"\"\nurls = [\"" + u + "\"]\nterms = \"open\"\n[source.options]\n" + options))
	if err != nil {
		f.Fatal(err)
	}
	return cfg.Sources[0]
}

// fuzzCollect collects src with the document at src's first URL replaced
// by doc and the others from next, and checks what came back.
func fuzzCollect(t *testing.T, src collect.Source, next collect.Fetcher, doc []byte) {
	c, err := NewCollector(src.Collector, fuzzDatasets)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Check(src); err != nil {
		t.Fatal(err)
	}
	f := &collecttest.Swap{Next: next, Docs: map[string][]byte{src.URLs[0]: doc}}
	ctx, _ := collect.WithWarnings(context.Background())
	var tab *dataset.Table
	collecttest.Within(collecttest.FuzzDeadline, func() {
		tab, err = c.Collect(ctx, f, src)
	})
	if err != nil {
		collecttest.CheckError(t, err)
		if tab != nil {
			t.Errorf("Collect returned a table beside the error %v", err)
		}
		return
	}
	collecttest.CheckTable(t, tab, doc)
}

// noDocs is a fetcher that has no other document.
var noDocs = collecttest.FetcherFunc(func(context.Context, *collect.Request) (*collect.Document, error) {
	return nil, collect.ErrNotInMirror
})

// FuzzHTML collects the NAO's listing (an HTML list followed through its
// next links) with its first page made by the fuzzer.
func FuzzHTML(f *testing.F) {
	for _, name := range []string{
		"www.nao.org.uk/search/sector/national-security/type/report/index.html",
		"www.nao.org.uk/search/sector/national-security/type/report/page/2/index.html",
		"www.eca.europa.eu/en/publications@type=SpecialReport",
	} {
		f.Add(collecttest.ReadFile(f, mirror.FS, name))
	}
	src := repoSource(f, "nao-defence")
	memo := &collecttest.Memo{Next: collecttest.Fetcher(f, src, mirror.FS)}
	f.Fuzz(func(t *testing.T, page []byte) {
		fuzzCollect(t, src, memo, page)
	})
}

// FuzzFeed collects an RSS, RSS 1.0 or Atom feed made by the fuzzer.
func FuzzFeed(f *testing.F) {
	for _, s := range []string{rssFeedSeed, atomFeedSeed, rdfFeedSeed} {
		f.Add([]byte(s))
	}
	f.Add(collecttest.ReadFile(f, mirror.FS, "www.gao.gov/rss/reports.xml"))
	src := fuzzSource(f, Feed, "audit-outcomes", "https://audit.example/feed.xml", feedSeedOptions)
	f.Fuzz(func(t *testing.T, feed []byte) {
		fuzzCollect(t, src, noDocs, feed)
	})
}

// FuzzCSV collects a wide CSV table, unpivoted to one row per state and
// year, made by the fuzzer.
func FuzzCSV(f *testing.F) {
	f.Add([]byte("Country,2022,2023,2024e\nAlbania,1.21,1.75,2.03\nTürkiye,1.37,1.64,2.09\nNATO Europe,1.5,1.6,\n"))
	f.Add([]byte("\ufeffCountry;2022;2023e\r\n\"Côte d'Ivoire\";0.5;\r\n"))
	f.Add(collecttest.ReadFile(f, mirror.FS, "www.gao.gov/rss/reports.xml"))
	src := fuzzSource(f, CSV, "military-expenditure", "https://nato.example/def-exp.csv", csvSeedOptions)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzCollect(t, src, noDocs, body)
	})
}

// FuzzJSON collects a JSON document with records nested in a list of
// states, made by the fuzzer.
func FuzzJSON(f *testing.F) {
	f.Add([]byte(`{"data":{"states":[{"name":"Sweden","reports":[{"year":1992},{"year":1993}]},{"name":"Norway","reports":[{"year":"1994"}]}]}}`))
	f.Add([]byte(`{"data":{"states":[{"name":"Côte d'Ivoire","reports":[{"year":2001.0}]}]}}`))
	f.Add(collecttest.ReadFile(f, mirror.FS, "www.unroca.org/api/country-list/index.html"))
	src := fuzzSource(f, JSON, "cbm-reports", "https://api.example/data.json", jsonSeedOptions)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzCollect(t, src, noDocs, body)
	})
}

// informWorkbook is the INFORM sample workbook of the bundled mirror.
const informWorkbook = "drmkc.jrc.ec.europa.eu/inform-index/Portals/0/InfoRM/2025/INFORM2024_TREND_2015_2024_v69_ALL.xlsx"

// FuzzXLSX collects the INFORM trend workbook as sources.toml configures
// it, with its sheet and shared strings made by the fuzzer (mutations of
// the compressed file seldom reach its content), or, when whole is set,
// with the whole file made by the fuzzer.
func FuzzXLSX(f *testing.F) {
	b := collecttest.ReadFile(f, mirror.FS, informWorkbook)
	parts, names := collecttest.ZipParts(f, b)
	const sheet, sst = "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"
	f.Add(parts[sheet], parts[sst], false)
	f.Add(b, []byte(nil), true)
	src := repoSource(f, "inform-risk")
	f.Fuzz(func(t *testing.T, sheetXML, sstXML []byte, whole bool) {
		doc := sheetXML
		if !whole {
			p := make(map[string][]byte, len(parts))
			for k, v := range parts {
				p[k] = v
			}
			p[sheet], p[sst] = sheetXML, sstXML
			doc = collecttest.Zip(p, names)
		}
		fuzzCollect(t, src, noDocs, doc)
	})
}

// Seeds and options of the targets.
const (
	rssFeedSeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>GAO Reports</title><link>https://www.gao.gov/</link>
<item>
  <title>GAO-24-106256, F-35 Aircraft: DOD Needs to Reassess the Sustainment Strategy</title>
  <link>https://www.gao.gov/products/gao-24-106256</link>
  <guid isPermaLink="false">gao-24-106256</guid>
  <pubDate>Thu, 21 Sep 2023 12:00:00 -0400</pubDate>
  <description>&lt;p&gt;The F-35 fleet&amp;nbsp;is expected to cost &lt;b&gt;$1.58 trillion&lt;/b&gt;.&lt;/p&gt;</description>
  <category>National Defense</category>
</item>
<item><title>GAO-25-107001, Weapon Systems Annual Assessment</title><link>/products/gao-25-107001</link>
  <dc:date>2025-06-11T09:30:00Z</dc:date></item>
</channel></rss>`
	atomFeedSeed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Audit office</title>
<entry>
  <title type="html">Special report 04/2025: EU military mobility &amp;ndash; Not yet in the fast lane</title>
  <link rel="alternate" href="https://audit.example/en/publications/SR-2025-04"/>
  <published>2025-02-05T10:00:00+01:00</published>
  <summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Armed forces are <em>not yet</em> able.</p></div></summary>
  <category term="defence" label="Security and defence"/>
</entry>
</feed>`
	rdfFeedSeed = `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://audit.example/"><title>Reports</title></channel>
<item rdf:about="https://audit.example/r/1"><title>GAO-24-1, Readiness</title><link>https://audit.example/r/1</link>
<dc:date>2024-05-01</dc:date><dc:subject>Defence</dc:subject></item>
</rdf:RDF>`
	feedSeedOptions = `
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
	csvSeedOptions = `
[source.options.unpivot]
columns = '^\d{4}e?$'
header = "Year"
value = "Share"
[[source.options.skip]]
field = "country"
matches = '^NATO'
[[source.options.skip]]
field = "value"
empty = true
[source.options.vars.country]
column = "Country"
[source.options.fields.country_iso3]
template = "{country}"
transforms = [{ op = "country" }]
[source.options.fields.country_name]
template = "{country_iso3}"
transforms = [{ op = "country_name" }]
[source.options.fields.year]
column = "Year"
transforms = [{ op = "regexp", pattern = '^(\d{4})' }]
[source.options.fields.measure]
value = "share_of_gdp"
[source.options.fields.value]
column = "Share"
[source.options.fields.unit]
value = "percent"
[source.options.fields.estimate]
column = "Year"
transforms = [{ op = "regexp", pattern = 'e$' }, { op = "map", values = { e = "true" } }]
default = "false"
[source.options.fields.uncertain]
value = "false"
`
	jsonSeedOptions = `
records = "data.states[].reports[]"
[source.options.fields.country_iso3]
path = "^.name"
transforms = [{ op = "country" }]
[source.options.fields.country_name]
template = "{country_iso3}"
transforms = [{ op = "country_name" }]
[source.options.fields.instrument]
value = "unroca"
[source.options.fields.year]
path = "year"
[source.options.fields.report_kind]
value = "submitted"
`
)

// TestFuzzFeedLatin1 replays testdata/fuzz/FuzzFeed/ba0b2b97108970cc: a
// "feed" of Latin-1 bytes ("<\xe6 "). Its error quoted them raw, not valid
// UTF-8, in a message bound for the sources page; the fetcher now decodes
// them (as windows-1252, with a warning), and the XML parser's error says
// what is wrong with "<æ ".
func TestFuzzFeedLatin1(t *testing.T) {
	src := source(t, Feed, "audit-outcomes", "https://audit.example/feed.xml", feedSeedOptions)
	_, warns, err := run(t, &collecttest.Swap{Next: noDocs, Docs: map[string][]byte{src.URLs[0]: []byte("<\xe6 ")}}, src)
	if !errors.Is(err, ErrFormat) || !utf8.ValidString(err.Error()) {
		t.Errorf("Collect(feed %q) = %q, want an error wrapping ErrFormat in valid UTF-8", "<\xe6 ", err)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "windows-1252") {
		t.Errorf("Collect(feed %q) warnings = %q, want one saying it was read as windows-1252", "<\xe6 ", warns)
	}
}

// TestFuzzHTMLRepeatedReport replays testdata/fuzz/FuzzHTML/
// a3d7deb3a5b8b0ba: a listing page showing one report twice, as a listing
// does when a new report pushes one to the next page between two fetches.
// The rows held the key twice and failed validation; now a row equal to an
// earlier one is left out with a warning, and one that differs from it is
// an error naming both.
func TestFuzzHTMLRepeatedReport(t *testing.T) {
	src := repoSource(t, "nao-defence")
	result := func(title string) string {
		return `<article class="search-result"><h3 class="search-result__title"><a href="https://www.nao.org.uk/reports/army-2020/">` +
			title + `</a></h3><p class="search-result__date">11 Jun 2014</p></article>`
	}
	page := func(second string) []byte {
		return []byte(`<!DOCTYPE html><html><body>` + result("Army 2020") + result(second) + `</body></html>`)
	}
	f := &collecttest.Swap{Next: noDocs, Docs: map[string][]byte{src.URLs[0]: page("Army 2020")}}
	tab, warns, err := run(t, f, src)
	if err != nil || tab.Len() != 1 || len(warns) != 1 || !strings.Contains(warns[0], "left out") {
		t.Errorf("Collect(a report listed twice) = %v, warnings %q, %v; want one row and a warning", tab, warns, err)
	}
	f.Docs[src.URLs[0]] = page("Army 2020: a second title")
	if _, _, err := run(t, f, src); !errors.Is(err, ErrValue) || !strings.Contains(err.Error(), "army-2020") {
		t.Errorf("Collect(a report listed twice, with two titles) = %v, want an error wrapping ErrValue naming it", err)
	}
}

// TestFuzzFeedNUL replays testdata/fuzz/FuzzFeed/7385506a5075f1bb: a "feed"
// ("<\xdf0\x00") whose NUL made the fetcher take it for a binary file and
// pass it undecoded, so its error quoted a byte that is not UTF-8. Now it
// fails for its charset.
func TestFuzzFeedNUL(t *testing.T) {
	src := source(t, Feed, "audit-outcomes", "https://audit.example/feed.xml", feedSeedOptions)
	_, _, err := run(t, &collecttest.Swap{Next: noDocs, Docs: map[string][]byte{src.URLs[0]: []byte("<\xdf0\x00")}}, src)
	if !errors.Is(err, collect.ErrCharset) || !utf8.ValidString(err.Error()) {
		t.Errorf("Collect(feed %q) = %q, want an error wrapping collect.ErrCharset in valid UTF-8", "<\xdf0\x00", err)
	}
}

// TestFuzzCSVYearOutOfRange replays testdata/fuzz/FuzzCSV/fed26acc27300d3f:
// a wide table whose year columns are "0000". Collect returned rows of year
// 0, which the pipeline's validation refused without saying where they came
// from; now the collector validates its rows and names the line.
func TestFuzzCSVYearOutOfRange(t *testing.T) {
	const u = "https://nato.example/def-exp.csv"
	src := source(t, CSV, "military-expenditure", u, csvSeedOptions)
	_, _, err := run(t, &collecttest.Swap{Next: noDocs, Docs: map[string][]byte{u: []byte("Country,0000,2023\nTürkiye,1.5,1.6\n")}}, src)
	if !errors.Is(err, ErrValue) || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "minimum 1900") {
		t.Errorf("Collect(year 0000) = %v, want an error wrapping ErrValue naming line 2 and the minimum", err)
	}
}
