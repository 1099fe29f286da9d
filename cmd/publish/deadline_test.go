package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
)

// TestSourceDeadline runs a live run against a server where one source's
// document hangs: that source fails with its deadline named, and the
// other is published.
func TestSourceDeadline(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok.csv":
			fmt.Fprint(w, "country_iso3,country_name,year,measure,value,unit,currency,fiscal_year,missing,estimate,uncertain,notes,footnotes\n"+
				"FRA,France,2020,current_usd,52747.5,US$ m,,,,false,false,,\nDEU,Germany,2020,current_usd,51000,US$ m,,,,false,false,,\n")
		case "/hung.csv":
			// Sends the headers, then nothing: only the source's
			// deadline ends it, the request timeout being long.
			w.Header().Set("Content-Type", "text/csv")
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-release:
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	defer close(release)
	dir := t.TempDir()
	var toml strings.Builder
	toml.WriteString("[fetch]\nuser_agent = \"publish test\"\ndelay = \"0s\"\ntimeout = \"10m\"\nretries = 0\nsource_deadline = \"10m\"\n")
	for _, src := range []struct{ name, path, deadline string }{{"fine", "/ok.csv", ""}, {"hung", "/hung.csv", "deadline = \"300ms\"\n"}} {
		fmt.Fprintf(&toml, "\n[[source]]\nname = %q\ntitle = \"Test source %s\"\ndataset = \"military-expenditure\"\ncollector = \"csv\"\n"+
			"urls = [%q]\nhomepage = \"https://example.org/\"\nlicence = \"CC0 1.0\"\nattribution = \"test\"\nterms = \"open\"\nmin_rows = 1\n%s",
			src.name, src.name, srv.URL+src.path, src.deadline)
		for _, f := range []string{"country_iso3", "country_name", "year", "measure", "value", "unit", "currency", "fiscal_year",
			"missing", "estimate", "uncertain", "notes", "footnotes"} {
			fmt.Fprintf(&toml, "\n[source.options.fields.%s]\ncolumn = %q\n", f, f)
		}
	}
	sources := filepath.Join(dir, "sources.toml")
	if err := os.WriteFile(sources, []byte(toml.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	r := run(t, time.Now(), "run", "--live", "--sources", sources, "--data", data, "--out", filepath.Join(dir, "public"))
	if r.code != exitPartial {
		t.Fatalf("run with a hung source: exit %d: %v\n%s", r.code, r.err, r.stderr)
	}
	for _, want := range []string{"hung: ", "deadline of 300ms passed", "source_deadline"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
		}
	}
	tbl, err := dataset.ReadParquetFile(filepath.Join(data, filepath.FromSlash(dataset.ParquetPath("military-expenditure"))), dataset.ExpenditureSchema)
	if err != nil {
		t.Fatal(err)
	}
	if tbl.Len() != 2 {
		t.Errorf("published rows = %d, want the 2 of the source that answered", tbl.Len())
	}
}
