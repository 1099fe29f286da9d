package generic

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"
)

// A national audit office's table of reports, as many publish them: a
// header row of th cells, a link per title, relative links resolved
// against <base>.
const auditTable = `<!DOCTYPE html>
<html><head><base href="https://audit.example/en/"><title>Reports</title></head>
<body>
<table class="reports">
<thead><tr><th>No.</th><th>Title</th><th>Published</th><th>Topics</th><th>Recommendations</th></tr></thead>
<tbody>
<tr data-id="r-1"><td>RiR 2024:3</td><td><a href="reports/2024-3">Defence materiel<br>procurement</a></td><td>4 March 2024</td>
  <td><span class="tag">Defence</span> <span class="tag">Procurement</span></td><td>6</td></tr>
<tr data-id="r-2"><td>RiR 2023:17</td><td><a href="/en/reports/2023-17">The armed forces' <em>readiness</em></a></td><td>30 November 2023</td>
  <td><span class="tag">Defence</span></td><td></td></tr>
</tbody>
</table>
<p class="pager"><a rel="next" href="page-2">Next</a></p>
</body></html>`

const auditTableOptions = `
rows = "table.reports tbody tr"
[source.options.fields.auditor]
value = "uk_nao"
[source.options.fields.jurisdiction]
value = "Sweden"
[source.options.fields.country_iso3]
value = "Sweden"
transforms = [{ op = "country" }]
[source.options.fields.report_id]
index = 1
[source.options.fields.title]
column = "Title"
[source.options.fields.link]
column = "Title"
selector = "a"
attr = "href"
transforms = [{ op = "url" }]
[source.options.fields.published]
columns = ["Date", "Published"]
transforms = [{ op = "date", layouts = ["2 January 2006"] }]
[source.options.fields.subject]
selector = "span.tag"
all = true
join = ", "
[source.options.fields.recommendations]
column = "Recommendations"
[source.options.vars.id]
attr = "data-id"
[[source.options.skip]]
field = "id"
empty = true
`

func TestHTMLTable(t *testing.T) {
	const u = "https://audit.example/en/reports"
	src := source(t, HTML, "audit-outcomes", u, auditTableOptions)
	tab, warns, err := run(t, serve(map[string]string{u: auditTable}), src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	want := []map[string]string{
		{"auditor": "uk_nao", "report_id": "RiR 2024:3", "country_iso3": "SWE", "jurisdiction": "Sweden", "published": "2024-03-04",
			"title": "Defence materiel procurement", "subject": "Defence, Procurement", "recommendations": "6",
			"link": "https://audit.example/en/reports/2024-3", "source": "test"},
		{"auditor": "uk_nao", "report_id": "RiR 2023:17", "country_iso3": "SWE", "jurisdiction": "Sweden", "published": "2023-11-30",
			"title": "The armed forces' readiness", "subject": "Defence",
			"link": "https://audit.example/en/reports/2023-17", "source": "test"},
	}
	if diff := cmp.Diff(want, records(tab)); diff != "" {
		t.Errorf("Collect() mismatch (-want +got):\n%s", diff)
	}
	if len(warns) != 0 {
		t.Errorf("Collect() warnings = %q, want none", warns)
	}
}

// listing returns page n of a listing of total pages, each with one report
// and a link to the next page; loopTo makes the last page link back to
// that page instead.
func listing(n, total, loopTo int, next string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<html><body><ul class="reports"><li><a href="/r/%d">Report %d</a> <time>2024-01-%02d</time></li></ul>`, n, n, n)
	switch {
	case n < total:
		fmt.Fprintf(&b, `<a class="next" href="%s">next</a>`, fmt.Sprintf(next, n+1))
	case loopTo > 0:
		fmt.Fprintf(&b, `<a class="next" href="%s">next</a>`, fmt.Sprintf(next, loopTo))
	}
	b.WriteString("</body></html>")
	return b.String()
}

const listingOptions = `
rows = "ul.reports li"
next = "a.next"
%s
[source.options.fields.auditor]
value = "eu_eca"
[source.options.fields.jurisdiction]
value = "European Union"
[source.options.fields.report_id]
selector = "a"
[source.options.fields.title]
selector = "a"
[source.options.fields.published]
selector = "time"
transforms = [{ op = "date" }]
[source.options.fields.link]
selector = "a"
attr = "href"
transforms = [{ op = "url" }]
`

func TestHTMLPagination(t *testing.T) {
	const start = "https://audit.example/list"
	pages := func(total, loopTo int, next string) map[string]string {
		docs := map[string]string{start: listing(1, total, loopTo, next)}
		for n := 2; n <= total; n++ {
			docs[fmt.Sprintf("https://audit.example/list?page=%d", n)] = listing(n, total, loopTo, next)
		}
		return docs
	}
	tests := []struct {
		name     string
		docs     map[string]string
		maxPages string
		wantRows int
		wantErr  error
	}{
		{name: "three pages", docs: pages(3, 0, "?page=%d"), wantRows: 3},
		{name: "cap equals pages", docs: pages(3, 0, "?page=%d"), maxPages: "max_pages = 3", wantRows: 3},
		{name: "cap reached", docs: pages(3, 0, "?page=%d"), maxPages: "max_pages = 2", wantErr: ErrPageCap},
		{name: "last page links back", docs: pages(3, 2, "?page=%d"), wantRows: 3},
		{name: "next leaves the web", docs: pages(2, 0, "javascript:go(%d)"), wantErr: ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := source(t, HTML, "audit-outcomes", start, fmt.Sprintf(listingOptions, tt.maxPages))
			f := serve(tt.docs)
			tab, _, err := run(t, f, src)
			if failed(t, tab, err, tt.wantErr) {
				return
			}
			if got := column(tab, "report_id"); len(got) != tt.wantRows {
				t.Errorf("Collect() reports = %q, want %d", got, tt.wantRows)
			}
			if len(f.Fetched()) != tt.wantRows {
				t.Errorf("fetched %q, want %d pages", f.Fetched(), tt.wantRows)
			}
		})
	}
}

func TestHTMLErrors(t *testing.T) {
	const u = "https://audit.example/list"
	tests := []struct {
		name, page string
		wantErr    error
		where      string // the error names where
	}{
		{name: "no rows", page: `<html><body><p>Maintenance</p></body></html>`, wantErr: ErrNoRecords},
		{name: "bad date", page: `<ul class="reports"><li><a href="/r/1">R1</a><time>2024-01-01</time></li>` +
			`<li><a href="/r/2">R2</a><time>soon</time></li></ul>`, wantErr: ErrValue, where: "row 2"},
		{name: "required field empty", page: `<ul class="reports"><li><a href="/r/1"></a><time>2024-01-01</time></li></ul>`,
			wantErr: ErrValue, where: "row 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := source(t, HTML, "audit-outcomes", u, fmt.Sprintf(listingOptions, ""))
			tab, _, err := run(t, serve(map[string]string{u: tt.page}), src)
			failed(t, tab, err, tt.wantErr)
			if !strings.Contains(err.Error(), tt.where) {
				t.Errorf("Collect() = %q, want it to say %q", err, tt.where)
			}
		})
	}
}

// TestHTMLEncoding reads a page in Windows-1252, as older sites serve them.
func TestHTMLEncoding(t *testing.T) {
	const u = "https://audit.example/list"
	page, err := charmap.Windows1252.NewEncoder().String(`<ul class="reports"><li><a href="/r/1">Côte d’Ivoire – défense</a><time>2024-01-01</time></li></ul>`)
	if err != nil {
		t.Fatal(err)
	}
	src := source(t, HTML, "audit-outcomes", u, "encoding = \"windows-1252\"\n"+fmt.Sprintf(listingOptions, ""))
	tab, _, err := run(t, serve(map[string]string{u: page}), src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	if got := column(tab, "title"); !cmp.Equal(got, []string{"Côte d’Ivoire – défense"}) {
		t.Errorf("Collect() titles = %q, want the text decoded from Windows-1252", got)
	}
}

// TestHTMLRowAttr reads an attribute of the row itself.
func TestHTMLRowAttr(t *testing.T) {
	const u = "https://audit.example/list"
	page := `<ul class="reports"><li data-id="SR-1"><a href="/r/1">R1</a><time>2024-01-01</time></li></ul>`
	opts := strings.Replace(fmt.Sprintf(listingOptions, ""), "[source.options.fields.report_id]\nselector = \"a\"",
		"[source.options.fields.report_id]\nattr = \"data-id\"", 1)
	src := source(t, HTML, "audit-outcomes", u, opts)
	tab, _, err := run(t, serve(map[string]string{u: page}), src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	if got := column(tab, "report_id"); !cmp.Equal(got, []string{"SR-1"}) {
		t.Errorf("Collect() report_id = %q, want the row's data-id", got)
	}
}
