package generic

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// cbmOptions map records with a country code, a year and a kind.
const cbmOptions = `
[source.options.fields.country_iso3]
path = "%s"
transforms = [{ op = "country" }]
[source.options.fields.country_name]
template = "{country_iso3}"
transforms = [{ op = "country_name" }]
[source.options.fields.instrument]
value = "unroca"
[source.options.fields.year]
path = "%s"
[source.options.fields.report_kind]
value = "submitted"
`

// rowsText returns "ISO3 year kind" per row.
func rowsText(recs []map[string]string) []string {
	return project(recs, "country_iso3", "year", "report_kind")
}

func TestJSONPaths(t *testing.T) {
	const u = "https://api.example/data.json"
	tests := []struct {
		name, records, country, year, body string
		extra                              string
		want                               []string
		wantErr                            error
	}{
		{name: "nested items with parent", records: "data.states[].reports[]", country: "^.name", year: "year",
			body: `{"data":{"states":[{"name":"Sweden","reports":[{"year":1992},{"year":1993}]},{"name":"Norway","reports":[{"year":"1994"}]}]}}`,
			want: []string{"SWE 1992 submitted", "SWE 1993 submitted", "NOR 1994 submitted"}},
		{name: "root array", records: "[]", country: "iso3", year: "year",
			body: `[{"iso3":"FIN","year":2001},{"iso3":"EST","year":2002.0}]`, want: []string{"FIN 2001 submitted", "EST 2002 submitted"}},
		{name: "scalars with parent", records: "[].years[]", country: "^.country", year: ".",
			body: `[{"country":"Chile","years":[2003,2004]}]`, want: []string{"CHL 2003 submitted", "CHL 2004 submitted"}},
		{name: "index", records: "[1][]", country: "country.id", year: "date",
			body: `[{"page":1,"pages":1},[{"country":{"id":"DNK"},"date":"2020"}]]`, want: []string{"DNK 2020 submitted"}},
		{name: "missing branch", records: "[].years[]", country: "^.country", year: "year",
			body: `[{"country":"Chile"},{"country":"Peru","years":[{"year":2010}]}]`, want: []string{"PER 2010 submitted"}},
		{name: "not json", records: "[]", country: "iso3", year: "year", body: `<html>down</html>`, wantErr: ErrFormat},
		{name: "two documents", records: "[]", country: "iso3", year: "year", body: `[] []`, wantErr: ErrFormat},
		{name: "nothing reached", records: "data[]", country: "iso3", year: "year", body: `{"error":"rate limited"}`, wantErr: ErrNoRecords},
		{name: "iterating an object", records: "data[]", country: "iso3", year: "year", body: `{"data":{"a":1}}`, wantErr: ErrFormat},
		{name: "object where a value belongs", records: "[]", country: "iso3", year: "year",
			body: `[{"iso3":{"code":"SWE"},"year":2001}]`, wantErr: ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := fmt.Sprintf("records = %q\n", tt.records) + fmt.Sprintf(cbmOptions, tt.country, tt.year)
			src := source(t, JSON, "cbm-reports", u, opts)
			tab, _, err := run(t, serve(map[string]string{u: tt.body}), src)
			if failed(t, tab, err, tt.wantErr) {
				return
			}
			if diff := cmp.Diff(tt.want, rowsText(records(tab))); diff != "" {
				t.Errorf("Collect() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJSONJoin(t *testing.T) {
	p, err := parseJSONPath("tags[].name", true)
	if err != nil {
		t.Fatal(err)
	}
	r := &jsonRecord{node: &jnode{val: map[string]any{"tags": []any{map[string]any{"name": "a"}, map[string]any{"name": "b"}}}}}
	got, err := r.lookup(t.Context(), &jsonLoc{path: p, join: "|"})
	if err != nil || got != "a|b" {
		t.Errorf("lookup(tags[].name) = %q, %v; want a|b", got, err)
	}
}

// TestJSONComplete completes a register that lists only the years each
// state reported, as the UNROCA API does, including a state that never
// reported.
func TestJSONComplete(t *testing.T) {
	const u = "https://api.example/years.json"
	body := `[{"country":"sweden","years":[{"year":1994},{"year":1992}]},{"country":"guinea-bissau","years":[]},` +
		`{"country":"norway","years":[{"year":1993}]}]`
	opts := `records = "[].years[]"
keep_empty = true
[source.options.vars.slug]
path = "^.country"
[source.options.fields.country_iso3]
template = "{slug}"
transforms = [{ op = "replace", pattern = "-", with = " " }, { op = "country" }]
[source.options.fields.country_name]
template = "{country_iso3}"
transforms = [{ op = "country_name" }]
[source.options.fields.instrument]
value = "unroca"
[source.options.fields.year]
path = "year"
[source.options.fields.report_kind]
value = "submitted"
[source.options.fields.link]
template = "https://www.unroca.org/{slug}/report/{year}/"
when = { field = "report_kind", in = ["submitted"] }
[source.options.complete]
by = ["country_iso3"]
field = "year"
from = 1992
set = { report_kind = "no_report" }
`
	src := source(t, JSON, "cbm-reports", u, opts)
	tab, _, err := run(t, serve(map[string]string{u: body}), src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	recs := records(tab)
	want := []string{
		"SWE 1994 submitted", "SWE 1992 submitted", "NOR 1993 submitted",
		"SWE 1993 no_report",
		"GNB 1992 no_report", "GNB 1993 no_report", "GNB 1994 no_report",
		"NOR 1992 no_report", "NOR 1994 no_report",
	}
	if diff := cmp.Diff(want, rowsText(recs)); diff != "" {
		t.Errorf("Collect() mismatch (-want +got):\n%s", diff)
	}
	for _, r := range recs {
		wantLink := ""
		if r["report_kind"] == "submitted" {
			wantLink = fmt.Sprintf("https://www.unroca.org/%s/report/%s/", strings.ToLower(map[string]string{"SWE": "sweden", "NOR": "norway"}[r["country_iso3"]]), r["year"])
		}
		if r["link"] != wantLink || r["instrument"] != "unroca" || r["country_name"] == "" {
			t.Errorf("row %v: want link %q, instrument and name", r, wantLink)
		}
	}
}

// TestJSONPagination follows a listing by page number, with each stop
// rule, and by a next-page URL in each page.
func TestJSONPagination(t *testing.T) {
	const base = "https://api.example/v2/indicator"
	page := func(n, pages int, items ...string) string {
		return fmt.Sprintf(`[{"page":%d,"pages":"%d","per_page":2},[%s]]`, n, pages, strings.Join(items, ","))
	}
	item := func(code string, year int) string {
		return fmt.Sprintf(`{"countryiso3code":%q,"date":"%d"}`, code, year)
	}
	fields := `records = "[1][]"` + "\n" + fmt.Sprintf(cbmOptions, "countryiso3code", "date")
	tests := []struct {
		name, paging string
		docs         map[string]string
		wantRows     []string
		wantURLs     []string
		wantErr      error
	}{
		{
			name:   "total pages",
			paging: "page_param = \"page\"\nper_page_param = \"per_page\"\nper_page = 2\ntotal_pages = \"[0].pages\"\n",
			docs: map[string]string{
				base + "?format=json&page=1&per_page=2": page(1, 2, item("SWE", 2020), item("NOR", 2020)),
				base + "?format=json&page=2&per_page=2": page(2, 2, item("FIN", 2020)),
			},
			wantRows: []string{"SWE 2020 submitted", "NOR 2020 submitted", "FIN 2020 submitted"},
			wantURLs: []string{base + "?format=json&page=1&per_page=2", base + "?format=json&page=2&per_page=2"},
		},
		{
			name:   "stop on a short page",
			paging: "page_param = \"page\"\nper_page_param = \"per_page\"\nper_page = 2\nstop = \"short\"\n",
			docs: map[string]string{
				base + "?format=json&page=1&per_page=2": page(1, 0, item("SWE", 2020), item("NOR", 2020)),
				base + "?format=json&page=2&per_page=2": page(2, 0, item("FIN", 2020)),
			},
			wantRows: []string{"SWE 2020 submitted", "NOR 2020 submitted", "FIN 2020 submitted"},
			wantURLs: []string{base + "?format=json&page=1&per_page=2", base + "?format=json&page=2&per_page=2"},
		},
		{
			name:   "stop on an empty page",
			paging: "page_param = \"page\"\nfirst_page = 0\n",
			docs: map[string]string{
				base + "?format=json&page=0": page(0, 0, item("SWE", 2020)),
				base + "?format=json&page=1": page(1, 0, item("NOR", 2020)),
				base + "?format=json&page=2": page(2, 0),
			},
			wantRows: []string{"SWE 2020 submitted", "NOR 2020 submitted"},
			wantURLs: []string{base + "?format=json&page=0", base + "?format=json&page=1", base + "?format=json&page=2"},
		},
		{
			// A relative URL, resolved against the page; null ends the
			// listing.
			name:   "next URL",
			paging: "next = \"[0].next\"\n",
			docs: map[string]string{
				base + "?format=json": `[{"next":"/v2/indicator?cursor=b"},[` + item("SWE", 2001) + `]]`,
				base + "?cursor=b":    `[{"next":null},[` + item("NOR", 2001) + `]]`,
			},
			wantRows: []string{"SWE 2001 submitted", "NOR 2001 submitted"},
			wantURLs: []string{base + "?format=json", base + "?cursor=b"},
		},
		{
			name:   "page cap",
			paging: "page_param = \"page\"\nmax_pages = 1\n",
			docs: map[string]string{
				base + "?format=json&page=1": page(1, 0, item("SWE", 2020)),
			},
			wantErr: ErrPageCap,
		},
		{
			name:    "first page empty",
			paging:  "page_param = \"page\"\n",
			docs:    map[string]string{base + "?format=json&page=1": page(1, 0)},
			wantErr: ErrNoRecords,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := source(t, JSON, "cbm-reports", base+"?format=json", tt.paging+fields)
			f := serve(tt.docs)
			tab, _, err := run(t, f, src)
			if failed(t, tab, err, tt.wantErr) {
				return
			}
			if diff := cmp.Diff(tt.wantRows, rowsText(records(tab))); diff != "" {
				t.Errorf("Collect() mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantURLs, f.Fetched()); diff != "" {
				t.Errorf("pages fetched (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseJSONPath(t *testing.T) {
	tests := []struct {
		in      string
		parents bool
		want    []jstep
		wantErr bool
	}{
		{in: "data.items[]", want: []jstep{{op: 'k', key: "data"}, {op: 'k', key: "items"}, {op: '*'}}},
		{in: "[].years[]", want: []jstep{{op: '*'}, {op: 'k', key: "years"}, {op: '*'}}},
		{in: "[1][0].x", want: []jstep{{op: 'i', idx: 1}, {op: 'i', idx: 0}, {op: 'k', key: "x"}}},
		{in: "^.^.country", parents: true, want: []jstep{{op: '^'}, {op: '^'}, {op: 'k', key: "country"}}},
		{in: ".", want: nil},
		{in: "^.country", wantErr: true},
		{in: "a..b", wantErr: true},
		{in: "a[", wantErr: true},
		{in: "a[-1]", wantErr: true},
		{in: "a.", wantErr: true},
		{in: "a[]b", wantErr: true},
	}
	for _, tt := range tests {
		p, err := parseJSONPath(tt.in, tt.parents)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseJSONPath(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && !cmp.Equal(p.steps, tt.want, cmp.AllowUnexported(jstep{})) {
			t.Errorf("parseJSONPath(%q) = %+v, want %+v", tt.in, p.steps, tt.want)
		}
	}
}
