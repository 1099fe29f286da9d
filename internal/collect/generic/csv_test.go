package generic

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/unicode"

	"github.com/defence-transparency/publish/internal/collect"
)

// nato is the layout of NATO's table of defence expenditure as a share of
// GDP: a column per year, estimates marked "e", aggregates at the end.
const nato = "Country,2022,2023,2024e\n" +
	"Albania,1.21,1.75,2.03\n" +
	"Türkiye,1.37,1.64,2.09\n" +
	"Iceland,,,\n" +
	"NATO Total,2.51,2.71,2.71\n"

const natoOptions = `
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

// TestCSVUnpivot turns a wide table into rows, one per state and year.
func TestCSVUnpivot(t *testing.T) {
	const u = "https://nato.example/def-exp.csv"
	src := source(t, CSV, "military-expenditure", u, natoOptions)
	tab, _, err := run(t, serve(map[string]string{u: nato}), src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	got := project(records(tab), "country_iso3", "year", "value", "estimate")
	want := []string{"ALB 2022 1.21 false", "ALB 2023 1.75 false", "ALB 2024 2.03 true",
		"TUR 2022 1.37 false", "TUR 2023 1.64 false", "TUR 2024 2.09 true"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Collect() mismatch (-want +got):\n%s", diff)
	}
}

// milexOptions read the columns of the scraped UN Milex file.
const milexOptions = `
[source.options.vars.status]
column = "scrape_status"
[[source.options.skip]]
field = "status"
in = ["failed"]
warn = true
reason = "the page could not be read"
[source.options.fields.country_iso3]
column = "iso3"
transforms = [{ op = "country_code" }]
[source.options.fields.country_name]
template = "{country_iso3}"
transforms = [{ op = "country_name" }]
[source.options.fields.instrument]
value = "un_milex"
[source.options.fields.year]
column = "year"
[source.options.fields.report_kind]
column = "report_kind"
transforms = [{ op = "map", values = { standardized_or_simplified = "full_or_simplified", nil_report = "nil_report", none_found = "no_report" } }]
[source.options.fields.total]
column = "total"
`

func TestCSVCells(t *testing.T) {
	const u = "file:///data/milex.csv"
	tests := []struct {
		name, body string
		wantRows   []string // iso3 year kind total
		wantWarns  int
		wantErr    error
		where      string
	}{
		{name: "plain", body: "iso3,year,scrape_status,report_kind,total\nSWE,2023,success,standardized_or_simplified,1.5\nAND,2023,no_data,nil_report,\n",
			wantRows: []string{"SWE 2023 full_or_simplified 1.5", "AND 2023 nil_report "}},
		{name: "BOM and CRLF", body: "\ufeffiso3,year,scrape_status,report_kind,total\r\nSWE,2023.0,success,none_found,\r\n",
			wantRows: []string{"SWE 2023 no_report "}},
		{name: "failed row left out with a warning", body: "iso3,year,scrape_status,report_kind,total\nSWE,2023,failed,none_found,\nNOR,2023,success,none_found,\n",
			wantRows: []string{"NOR 2023 no_report "}, wantWarns: 1},
		// A row read again (a listing that moved between pages) is left
		// out with a warning; numbers count as equal by value, as the
		// datasets compare them. Rows stay in the order they were read.
		{name: "repeated row", body: "iso3,year,scrape_status,report_kind,total\nSWE,2023,success,none_found,1.5\nAND,2022,success,nil_report,\nSWE,2023,success,none_found,1.50\n",
			wantRows: []string{"SWE 2023 no_report 1.5", "AND 2022 nil_report "}, wantWarns: 1},
		{name: "one key, other values", body: "iso3,year,scrape_status,report_kind,total\nSWE,2023,success,none_found,1.5\nAND,2022,success,nil_report,\nSWE,2023,success,none_found,1.6\n",
			wantErr: ErrValue, where: "milex.csv line 2 and file:///data/milex.csv line 4 both give"},
		{name: "missing column", body: "iso3,yr,scrape_status,report_kind,total\nSWE,2023,success,none_found,\n", wantErr: ErrFormat, where: `"year"`},
		{name: "html error page", body: "<!DOCTYPE html>\n<html><body>Maintenance</body></html>\n", wantErr: ErrFormat},
		{name: "header only", body: "iso3,year,scrape_status,report_kind,total\n", wantErr: ErrNoRecords},
		{name: "empty", body: "", wantErr: ErrNoRecords},
		{name: "ragged", body: "iso3,year,scrape_status,report_kind,total\nSWE,2023\n", wantErr: ErrFormat, where: "line 2"},
		{name: "unmapped kind", body: "iso3,year,scrape_status,report_kind,total\nSWE,2023,success,simplified,\n", wantErr: ErrValue, where: "line 2"},
		{name: "unknown code", body: "iso3,year,scrape_status,report_kind,total\nXXY,2023,success,none_found,\n", wantErr: ErrValue, where: "line 2"},
		// Latin-1 declared nowhere: read as windows-1252, with a warning.
		{name: "latin-1", body: "iso3,year,scrape_status,report_kind,total,note\nSWE,2023,success,none_found,,Sv\xe9rige\n",
			wantRows: []string{"SWE 2023 no_report "}, wantWarns: 1},
		// UTF-8 with a stray Latin-1 byte: damaged, and not read.
		{name: "damaged utf-8", body: "iso3,year,scrape_status,report_kind,total\nC\xf4te d\xe2\x80\x99Ivoire,2023,success,none_found,\n",
			wantErr: collect.ErrCharset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := source(t, CSV, "cbm-reports", u, milexOptions)
			tab, warns, err := run(t, serve(map[string]string{u: tt.body}), src)
			if failed(t, tab, err, tt.wantErr) {
				if !strings.Contains(err.Error(), tt.where) {
					t.Errorf("Collect() = %q, want it to say %s", err, tt.where)
				}
				return
			}
			got := project(records(tab), "country_iso3", "year", "report_kind", "total")
			if diff := cmp.Diff(tt.wantRows, got); diff != "" {
				t.Errorf("Collect() mismatch (-want +got):\n%s", diff)
			}
			if len(warns) != tt.wantWarns {
				t.Errorf("Collect() warnings = %q, want %d", warns, tt.wantWarns)
			}
		})
	}
}

// TestCSVEncodings reads the same table in UTF-16 with a byte-order mark
// (little- and big-endian) and by column number without a header.
func TestCSVEncodings(t *testing.T) {
	const u = "https://example.org/x.csv"
	text := "iso3\tyear\tscrape_status\treport_kind\ttotal\nCIV\t2024\tsuccess\tnil_report\t\n"
	le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().String(text)
	for name, body := range map[string]string{"utf-16le": le, "utf-16be": be} {
		t.Run(name, func(t *testing.T) {
			src := source(t, CSV, "cbm-reports", u, "encoding = \"utf-16\"\ndelimiter = \"\\t\"\n"+milexOptions)
			tab, _, err := run(t, serve(map[string]string{u: body}), src)
			if err != nil {
				t.Fatalf("Collect() error = %v", err)
			}
			if got := column(tab, "country_name"); !cmp.Equal(got, []string{"Côte d'Ivoire"}) {
				t.Errorf("Collect() names = %q", got)
			}
		})
	}
	// Without the option, the byte-order mark tells the charset.
	t.Run("utf-16 without the option", func(t *testing.T) {
		src := source(t, CSV, "cbm-reports", u, "delimiter = \"\\t\"\n"+milexOptions)
		tab, _, err := run(t, serve(map[string]string{u: le}), src)
		if err != nil {
			t.Fatalf("Collect() error = %v", err)
		}
		if got := column(tab, "country_name"); !cmp.Equal(got, []string{"Côte d'Ivoire"}) {
			t.Errorf("Collect() names = %q", got)
		}
	})
	t.Run("no header", func(t *testing.T) {
		opts := `header = false
[source.options.fields.country_iso3]
index = 1
[source.options.fields.country_name]
index = 2
[source.options.fields.instrument]
value = "unroca"
[source.options.fields.year]
index = 3
[source.options.fields.report_kind]
value = "submitted"
`
		src := source(t, CSV, "cbm-reports", u, opts)
		tab, _, err := run(t, serve(map[string]string{u: "SWE,Sweden,1992\nNOR,Norway,1993\n"}), src)
		if err != nil {
			t.Fatalf("Collect() error = %v", err)
		}
		if got := column(tab, "year"); !cmp.Equal(got, []string{"1992", "1993"}) {
			t.Errorf("Collect() years = %q, want both lines read as data", got)
		}
	})
}
