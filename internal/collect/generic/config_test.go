package generic

import (
	"errors"
	"strings"
	"testing"

	"github.com/defence-transparency/publish/internal/collect/collecttest"
)

// auditFields configures every required field of audit-outcomes with a
// constant, for tests of other settings.
const auditFields = `
[source.options.fields.auditor]
value = "uk_nao"
[source.options.fields.report_id]
value = "x"
[source.options.fields.jurisdiction]
value = "United Kingdom"
[source.options.fields.published]
value = "2024-01-02"
[source.options.fields.title]
value = "t"
[source.options.fields.link]
value = "https://example.org/"
`

// TestCheckErrors checks that bad options fail Check, before any fetch,
// with an error wrapping ErrConfig that names the source and the setting.
func TestCheckErrors(t *testing.T) {
	tests := []struct {
		name, collector, options string
		setting                  string // the error must name it
	}{
		{"unknown top-level", HTML, "rows = \"tr\"\nrowz = \"x\"\n" + auditFields, "options.rowz"},
		{"unknown field key", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.fields.subject]\nselectr = \"a\"\n", "options.fields.subject.selectr"},
		{"unknown transform key", CSV, auditFields + "[source.options.fields.subject]\ncolumn = \"s\"\ntransforms = [{op = \"trim\", patern = \"x\"}]\n", "patern"},
		{"wrong type", HTML, "rows = \"tr\"\nmax_pages = \"ten\"\n" + auditFields, "options.max_pages"},
		{"html without rows", HTML, auditFields, "options.rows"},
		{"bad row selector", HTML, "rows = \"tr[\"\n" + auditFields, "options.rows"},
		{"bad next selector", HTML, "rows = \"tr\"\nnext = \"a:nope\"\n" + auditFields, "options.next"},
		{"bad field selector", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.fields.subject]\nselector = \"td[\"\n", "options.fields.subject"},
		{"max_pages without next", HTML, "rows = \"tr\"\nmax_pages = 3\n" + auditFields, "options.max_pages"},
		{"field not in dataset", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.fields.sector]\nvalue = \"x\"\n", "options.fields.sector"},
		{"source field", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.fields.source]\nvalue = \"x\"\n", "options.fields.source"},
		{"required field missing", HTML, "rows = \"tr\"\n[source.options.fields.auditor]\nvalue = \"x\"\n", "options.fields."},
		{"no origin", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.fields.subject]\ndefault = \"x\"\n", "options.fields.subject"},
		{"two origins", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.fields.subject]\nvalue = \"x\"\ntemplate = \"{title}\"\n", "options.fields.subject"},
		{"locator of another shape", CSV, auditFields + "[source.options.fields.subject]\nselector = \"td\"\n", "options.fields.subject.selector"},
		{"letter in csv", CSV, auditFields + "[source.options.fields.subject]\nletter = \"B\"\n", "options.fields.subject.letter"},
		{"bad letter", XLSX, auditFields + "[source.options.fields.subject]\nletter = \"B2\"\n", "options.fields.subject"},
		{"column and index", CSV, auditFields + "[source.options.fields.subject]\ncolumn = \"s\"\nindex = 2\n", "options.fields.subject"},
		{"template unknown name", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.fields.subject]\ntemplate = \"{nope}\"\n", "options.fields.subject"},
		{"template unclosed", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.fields.subject]\ntemplate = \"{title\"\n", "options.fields.subject.template"},
		{"cycle", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.vars.a]\ntemplate = \"{b}\"\n[source.options.vars.b]\ntemplate = \"{a}\"\n", "circle"},
		{"var named like a field", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.vars.title]\nvalue = \"x\"\n", "options.vars.title"},
		{"unknown op", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.fields.subject]\nvalue = \"x\"\ntransforms = [{op = \"titlecase\"}]\n", "options.fields.subject.transforms[1].op"},
		{"param of another op", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.fields.subject]\nvalue = \"x\"\ntransforms = [{op = \"trim\"}, {op = \"lower\", pattern = \"x\"}]\n", "options.fields.subject.transforms[2]"},
		{"bad regexp", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.fields.subject]\nvalue = \"x\"\ntransforms = [{op = \"regexp\", pattern = \"(\"}]\n", "options.fields.subject.transforms[1]"},
		{"replace without with", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.fields.subject]\nvalue = \"x\"\ntransforms = [{op = \"replace\", pattern = \"x\"}]\n", "with"},
		{"empty map", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.fields.subject]\nvalue = \"x\"\ntransforms = [{op = \"map\"}]\n", "values"},
		{"shift without by", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.fields.recommendations]\nvalue = \"3\"\ntransforms = [{op = \"shift\"}]\n", "by"},
		{"shift by nothing", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.fields.recommendations]\nvalue = \"3\"\ntransforms = [{op = \"shift\", by = \"places\"}]\n", "places"},
		{"bad decimal", CSV, "decimal = \";\"\n" + auditFields, "decimal"},
		{"same separators", CSV, "decimal = \",\"\nthousands = \",\"\n" + auditFields, "options"},
		{"bad unknown", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.fields.country_iso3]\nvalue = \"x\"\ntransforms = [{op = \"country\", unknown = \"skip\"}]\n", "unknown"},
		{"skip without test", HTML, "rows = \"tr\"\n" + auditFields + "[[source.options.skip]]\nfield = \"title\"\n", "options.skip[1]"},
		{"skip two tests", HTML, "rows = \"tr\"\n" + auditFields + "[[source.options.skip]]\nfield = \"title\"\nempty = true\nin = [\"a\"]\n", "options.skip[1]"},
		{"skip unknown field", HTML, "rows = \"tr\"\n" + auditFields + "[[source.options.skip]]\nfield = \"nope\"\nempty = true\n", "options.skip[1].field"},
		{"when with warn", HTML, "rows = \"tr\"\n" + auditFields + "[source.options.fields.subject]\nvalue = \"x\"\nwhen = {field = \"title\", empty = false, warn = true}\n", "options.fields.subject.when"},
		{"bad delimiter", CSV, "delimiter = \";;\"\n" + auditFields, "options.delimiter"},
		{"bad encoding", CSV, "encoding = \"klingon\"\n" + auditFields, "options.encoding"},
		{"named column without header", CSV, "header = false\n" + auditFields + "[source.options.fields.subject]\ncolumn = \"s\"\n", "header"},
		{"json without records", JSON, auditFields, "options.records"},
		{"json bad path", JSON, "records = \"a..b\"\n" + auditFields, "options.records"},
		{"json parent in records", JSON, "records = \"^.a\"\n" + auditFields, "options.records"},
		{"json next and page", JSON, "records = \"[]\"\nnext = \"next\"\npage_param = \"page\"\n" + auditFields, "options"},
		{"json per_page alone", JSON, "records = \"[]\"\npage_param = \"page\"\nper_page = 10\n" + auditFields, "per_page"},
		{"json stop without paging", JSON, "records = \"[]\"\nstop = \"short\"\n" + auditFields, "options.stop"},
		{"json bad stop", JSON, "records = \"[]\"\npage_param = \"page\"\nstop = \"never\"\n" + auditFields, "options.stop"},
		{"feed bad item", Feed, auditFields + "[source.options.fields.subject]\nitem = \"tags\"\n", "options.fields.subject"},
		{"xlsx sheet twice", XLSX, "sheet = \"a\"\nsheet_index = 1\n" + auditFields, "sheet"},
		{"xlsx header twice", XLSX, "header_row = 2\nheader_cell = \"Iso3\"\n" + auditFields, "header"},
		{"complete non-integer field", CSV, auditFields + "[source.options.complete]\nby = [\"auditor\"]\nfield = \"title\"\n", "options.complete.field"},
		{"unpivot bad regexp", CSV, "[source.options.unpivot]\ncolumns = \"(\"\n" + auditFields, "options.unpivot.columns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := source(t, tt.collector, "audit-outcomes", "https://example.org/", tt.options)
			c, err := NewCollector(tt.collector, datasets)
			if err != nil {
				t.Fatal(err)
			}
			err = c.Check(src)
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("Check() = %v, want an error wrapping ErrConfig", err)
			}
			for _, want := range []string{`source "test"`, tt.setting} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Check() = %q, want it to name %s", err, want)
				}
			}
			// Collect fails the same way, without fetching.
			f := &collecttest.MapFetcher{}
			if _, _, err := run(t, f, src); !errors.Is(err, ErrConfig) || len(f.Fetched()) > 0 {
				t.Errorf("Collect() = %v after fetching %q, want ErrConfig and no fetch", err, f.Fetched())
			}
		})
	}
}

func TestCheckDatasetAndCollector(t *testing.T) {
	if _, err := NewCollector("pdf", datasets); !errors.Is(err, ErrConfig) {
		t.Errorf("NewCollector(pdf) = %v, want ErrConfig", err)
	}
	c, _ := NewCollector(HTML, datasets)
	src := source(t, HTML, "audit-outcomes", "https://example.org/", "rows = \"tr\"\n"+auditFields)
	src.Dataset = "no-such-dataset"
	if err := c.Check(src); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "no-such-dataset") {
		t.Errorf("Check(unknown dataset) = %v, want ErrConfig naming it", err)
	}
	if got := New(datasets); len(got) != 5 {
		t.Errorf("New() = %d collectors, want 5", len(got))
	}
	for name, c := range New(datasets) {
		if c.(*Collector).Shape() != name {
			t.Errorf("New()[%q].Shape() = %q", name, c.(*Collector).Shape())
		}
	}
}

// TestCheckRealdataSources checks every configured source of
// testdata/realdata.toml, which the real-data tests collect only where the
// real files are. (TestSourcesFile checks those of the repository's
// sources file.)
func TestCheckRealdataSources(t *testing.T) {
	for _, src := range readSources(t, realdataFile) {
		c, err := NewCollector(src.Collector, datasets)
		if err != nil {
			t.Fatalf("%s: %v", src.Name, err)
		}
		if err := c.Check(src); err != nil {
			t.Errorf("Check(%s) = %v", src.Name, err)
		}
	}
}
