package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/defence-transparency/publish/internal/dataset"
)

// splitSource moves the rows of source out of a dataset's table into its
// excerpts, as the pipeline does for a source whose terms allow excerpts
// only, and marks the source so in the descriptor and its status.
func splitSource(in *Input, name, source string, rows int) {
	for i := range in.Datasets {
		d := &in.Datasets[i]
		if d.Definition.Name != name {
			continue
		}
		t := d.Table
		col := t.Schema.Index(dataset.SourceField)
		d.Excerpts = t.Filter(func(r int) bool { return t.Columns[col].Strings[r] == source })
		d.Table = t.Filter(func(r int) bool { return t.Columns[col].Strings[r] != source })
		for k := range d.Descriptor.Sources {
			if s := &d.Descriptor.Sources[k]; s.Name == source {
				s.Rows, s.Terms = 0, "excerpt"
				s.Withheld = &dataset.Withheld{Rows: rows, Reason: "the publisher's terms allow excerpts only",
					Download: "https://publisher.example/download", Hash: "sha256:00",
					Changes: &dataset.VersionChanges{Previous: "2026-04-01", Added: 2, Changed: 3, Revisions: 3}}
			}
		}
	}
	for i := range in.Sources {
		if s := &in.Sources[i]; s.Name == source {
			s.Terms, s.Publishes, s.Withheld, s.Download = "excerpt", false, rows, "https://publisher.example/download"
			s.TermsNote, s.TermsVerified = "Read as excerpts only.", false
		}
	}
}

func TestExcerptsOnlyOnTheirCountryPages(t *testing.T) {
	in := familiesInput(t)
	in.Datasets[0].ParquetPath = "" // the table below is what is published
	splitSource(in, "military-expenditure", dataset.SourceSIPRI, 15)
	splitSource(in, "cbm-reports", "unroca", 7)
	splitSource(in, "risk-reports", "gpi", 12)
	_, public := build(t, in)

	// Each country's page shows its own excerpts, and names their source.
	deu := parseHTML(t, public, "countries/deu/index.html")
	if deu.Find("#figures-sipri").Length() != 1 || deu.Find("#risk-gpi").Length() != 1 {
		t.Errorf("Germany's page lacks its own SIPRI figures or GPI scores")
	}
	note := squash(deu.Find(".excerpts").Text())
	for _, want := range []string{"SIPRI", "Global Peace Index", "UN Register of Conventional Arms", "as an excerpt", "https://publisher.example/download"} {
		if !strings.Contains(note, want) {
			t.Errorf("Germany's note on excerpts = %q, want it to name %q", note, want)
		}
	}
	if !strings.Contains(squash(deu.Find("#cbm").Parent().Text()), "Register") {
		t.Errorf("Germany's page lacks its UNROCA reporting")
	}
	// A page shows no other country's excerpts.
	if n := parseHTML(t, public, "countries/usa/index.html").Find(".excerpts").Length(); n != 0 {
		t.Errorf("the USA's page, with no excerpt, has %d notes on excerpts", n)
	}

	// Nothing else shows them: the UNROCA tracker is not built from
	// excerpts alone, the downloads hold none of SIPRI's rows.
	if _, err := os.Stat(filepath.Join(public, "cbm", "unroca", "index.html")); err == nil {
		t.Errorf("a UNROCA tracker page was built from excerpts")
	}
	if rows := squash(parseHTML(t, public, "index.html").Find("table.participation tbody").Text()); !strings.Contains(rows, "Military Expenditures") || strings.Contains(rows, "Register") {
		t.Errorf("the home page's participation = %q, want UN Milex only, not UNROCA from excerpts", rows)
	}
	for _, f := range []string{"datasets/military-expenditure/military-expenditure.csv", "datasets/risk-reports/risk-reports.csv", "datasets/cbm-reports/cbm-reports.csv"} {
		csv := readFile(t, public, f)
		for _, src := range []string{",sipri,", ",gpi,", ",unroca,"} {
			if strings.Contains(csv, src) {
				t.Errorf("%s holds rows of %s", f, strings.Trim(src, ","))
			}
		}
	}

	// The dataset page and the sources page count what was withheld.
	ds := squash(parseHTML(t, public, "datasets/military-expenditure/index.html").Find("dl.facts").Text())
	for _, want := range []string{"Withheld", "15 rows from SIPRI", "excerpts only", "2 added, 0 removed, 3 changed (3 revisions)"} {
		if !strings.Contains(ds, want) {
			t.Errorf("dataset page facts = %q, want %q", ds, want)
		}
	}
	src := squash(parseHTML(t, public, "sources/index.html").Find("#source-sipri").Text())
	for _, want := range []string{"Excerpts only", "could not be confirmed", "Read as excerpts only.", "15 rows are kept out of the published files"} {
		if !strings.Contains(src, want) {
			t.Errorf("sources page, SIPRI = %q, want %q", src, want)
		}
	}
}
