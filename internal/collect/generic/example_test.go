package generic_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing/fstest"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/generic"
	"github.com/defence-transparency/publish/internal/dataset"
)

// collectSample collects the first source of a sources file from the
// files of site, served as the offline mirror serves its folder (host/path,
// "?query" written "@query"), and prints the rows.
func collectSample(sourcesFile string, site fstest.MapFS) {
	cfg, err := collect.ParseConfig([]byte(sourcesFile))
	if err != nil {
		fmt.Println(err)
		return
	}
	src := cfg.Sources[0]
	s, err := collect.NewSession(collect.SessionOptions{Mirror: site, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	f, err := s.Fetcher(src, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	collectors := generic.New([]*dataset.Definition{dataset.AuditOutcomes, dataset.CBMReports, dataset.RiskReports})
	c := collectors[src.Collector]
	// The pipeline may check every source's options at start-up.
	if err := c.(interface{ Check(collect.Source) error }).Check(src); err != nil {
		fmt.Println(err)
		return
	}
	ctx, warnings := collect.WithWarnings(context.Background())
	t, err := c.Collect(ctx, f, src)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range t.Len() {
		var kv []string
		for c, field := range t.Schema.Fields {
			if !t.IsNull(i, c) && field.Name != dataset.SourceField {
				kv = append(kv, field.Name+"="+t.Text(i, c))
			}
		}
		fmt.Println(strings.Join(kv, " "))
	}
	for _, w := range warnings.List() {
		fmt.Println("warning:", w)
	}
}

// A national audit office publishes its reports as an HTML table, twenty
// to a page. The source below reads every page, takes each field from a
// column of the table, and keeps only the reports filed under defence.
func Example_html() {
	const sourcesFile = `
[[source]]
name = "riksrevisionen"
title = "Swedish National Audit Office: audit reports"
dataset = "audit-outcomes"
collector = "html"
urls = ["https://audit.example/en/reports"]
terms = "open"

[source.options]
rows = "table.reports tbody tr"
next = "a[rel=next]"
max_pages = 30

[source.options.vars.topics]
column = "Topics"

[[source.options.skip]]
field = "topics"
not_matches = '(?i)\bdefen[cs]e\b'

[source.options.fields.auditor]
value = "se_nao"

[source.options.fields.country_iso3]
value = "SWE"

[source.options.fields.jurisdiction]
template = "{country_iso3}"
transforms = [{ op = "country_name" }]

[source.options.fields.report_id]
column = "No."

[source.options.fields.title]
column = "Title"

[source.options.fields.link]
column = "Title"
selector = "a"
attr = "href"
transforms = [{ op = "url" }]

[source.options.fields.published]
column = "Published"
transforms = [{ op = "date", layouts = ["2 January 2006"] }]

[source.options.fields.subject]
template = "{topics}"

[source.options.fields.recommendations]
column = "Recommendations"
`
	page := func(rows, next string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(`<html><body><table class="reports">
<thead><tr><th>No.</th><th>Title</th><th>Published</th><th>Topics</th><th>Recommendations</th></tr></thead>
<tbody>` + rows + `</tbody></table>` + next + `</body></html>`)}
	}
	site := fstest.MapFS{
		"audit.example/en/reports": page(`
<tr><td>RiR 2024:3</td><td><a href="/en/reports/2024-3">Defence materiel procurement</a></td><td>4 March 2024</td><td>Defence</td><td>6</td></tr>
<tr><td>RiR 2024:2</td><td><a href="/en/reports/2024-2">Pension fees</a></td><td>1 February 2024</td><td>Pensions</td><td>3</td></tr>`,
			`<a rel="next" href="?page=2">Next</a>`),
		"audit.example/en/reports@page=2": page(`
<tr><td>RiR 2023:17</td><td><a href="/en/reports/2023-17">The armed forces' readiness</a></td><td>30 November 2023</td><td>Defence, Crisis preparedness</td><td></td></tr>`, ""),
	}
	collectSample(sourcesFile, site)
	// Output:
	// auditor=se_nao report_id=RiR 2024:3 country_iso3=SWE jurisdiction=Sweden published=2024-03-04 title=Defence materiel procurement subject=Defence recommendations=6 link=https://audit.example/en/reports/2024-3
	// auditor=se_nao report_id=RiR 2023:17 country_iso3=SWE jurisdiction=Sweden published=2023-11-30 title=The armed forces' readiness subject=Defence, Crisis preparedness link=https://audit.example/en/reports/2023-17
}

// A ministry publishes which states reported to an instrument as a CSV file
// in Windows-1252 with semicolons, decimal commas and thousands points, a
// title line above the header, comment lines and the empty separator-only
// lines spreadsheets export, state names rather than codes, and its own
// words for the kinds of report. Rows the ministry marks as unverified are
// reported and left out.
func Example_csv() {
	const sourcesFile = `
[[source]]
name = "ministry-reporting"
dataset = "cbm-reports"
collector = "csv"
urls = ["https://ministry.example/data/reporting.csv"]
terms = "open"

[source.options]
delimiter = ";"
encoding = "windows-1252"
skip_lines = 1
comment = "#"
decimal = ","
thousands = "."

[source.options.vars.checked]
column = "Checked"

[[source.options.skip]]
field = "checked"
in = ["no"]
warn = true
reason = "not verified by the ministry"

[source.options.fields.country_iso3]
column = "State"
transforms = [{ op = "country" }]

[source.options.fields.country_name]
template = "{country_iso3}"
transforms = [{ op = "country_name" }]

[source.options.fields.instrument]
value = "un_milex"

[source.options.fields.year]
column = "Year"

[source.options.fields.report_kind]
column = "Form"
transforms = [{ op = "lower" }, { op = "map", values = { standard = "full", simplified = "simplified", nil = "nil_report", none = "no_report" } }]

[source.options.fields.submitted]
column = "Received"
transforms = [{ op = "date", layouts = ["02.01.2006"] }]

[source.options.fields.total]
columns = ["Total", "Amount"]
`
	// "Côte d'Ivoire" in Windows-1252: ô is the byte 0xF4.
	csv := "Reporting to the UN Report on Military Expenditures\r\n" +
		"State;Year;Form;Received;Total;Checked\r\n" +
		"# Totals in millions of national currency\r\n" +
		"Sweden;2024;Standard;30.04.2024;119.456,5;yes\r\n" +
		"C\xf4te d'Ivoire;2024;Nil;15.05.2024;;yes\r\n" +
		";;;;;\r\n" +
		"Norway;2024;None;;;no\r\n"
	site := fstest.MapFS{"ministry.example/data/reporting.csv": &fstest.MapFile{Data: []byte(csv)}}
	collectSample(sourcesFile, site)
	// Output:
	// country_iso3=SWE country_name=Sweden instrument=un_milex year=2024 report_kind=full submitted=2024-04-30 total=119456.5
	// country_iso3=CIV country_name=Côte d'Ivoire instrument=un_milex year=2024 report_kind=nil_report submitted=2024-05-15
	// warning: ministry-reporting: https://ministry.example/data/reporting.csv line 7: row left out: not verified by the ministry
}
