package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
)

// TestMain lets git run this test binary as "publish textconv": with
// PUBLISH_TEST_MAIN set, the binary is the command itself.
func TestMain(m *testing.M) {
	if os.Getenv("PUBLISH_TEST_MAIN") == "1" {
		ctx := context.Background()
		mm := &Main{Stdout: os.Stdout, Stderr: os.Stderr}
		if s := os.Getenv("PUBLISH_TEST_NOW"); s != "" {
			// A child process of a test that runs at a fixed time.
			now, err := time.Parse(time.RFC3339, s)
			if err != nil {
				panic(err)
			}
			mm.Now = func() time.Time { return now }
		}
		os.Exit(exitCode(mm.Run(ctx, os.Args[1:]), mm))
	}
	os.Exit(m.Run())
}

func TestTextconv(t *testing.T) {
	tbl := dataset.ExpenditureTable([]dataset.Expenditure{
		{Country: "FRA", CountryName: "France", Year: 2020, Measure: "current_usd", Source: "sipri", Value: 52747.5, HasValue: true, Unit: "US$ m"},
		{Country: "DEU", CountryName: "Germany", Year: 2020, Measure: "current_usd", Source: "sipri", Unit: "US$ m", Missing: dataset.MissingNotAvailable},
	})
	tbl.SortByKey()
	p := filepath.Join(t.TempDir(), "military-expenditure.parquet")
	if err := dataset.WriteFileAtomic(p, func(w io.Writer) error { return dataset.WriteParquet(w, tbl) }); err != nil {
		t.Fatal(err)
	}
	r := run(t, time.Now(), "textconv", p)
	if r.code != exitOK {
		t.Fatalf("textconv: exit %d: %v", r.code, r.err)
	}
	want := "country_iso3,country_name,aggregate,year,measure,source,value,unit,source_unit,currency,fiscal_year,missing,estimate,uncertain,notes,footnotes\n" +
		"DEU,Germany,false,2020,current_usd,sipri,,US$ m,US$ m,,,not_available,false,false,,\n" +
		"FRA,France,false,2020,current_usd,sipri,52747.5,US$ m,US$ m,,,,false,false,,\n"
	if r.stdout != want {
		t.Errorf("textconv output:\n%s\nwant:\n%s", r.stdout, want)
	}
	if r := run(t, time.Now(), "textconv", filepath.Join(t.TempDir(), "none.parquet")); r.code != exitFailure {
		t.Errorf("textconv of a missing file: exit %d, want %d", r.code, exitFailure)
	}
}

// TestGitLogShowsRows runs git log -p on a data repository with the
// textconv driver configured as README.md says, and reads CSV rows.
func TestGitLogShowsRows(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	day := time.Date(2026, 11, 25, 6, 0, 0, 0, time.UTC)
	// Two versions: the World Bank alone, then with SIPRI too, published
	// under a recorded permission.
	broken := writeSources(t, tmp, "sipri", "file://"+filepath.ToSlash(filepath.Join(tmp, "missing.xlsx")))
	if r := run(t, day, "run", "--sources", broken, "--data", data, "--out", filepath.Join(tmp, "public")); r.code != exitPartial {
		t.Fatalf("first run: exit %d: %v", r.code, r.err)
	}
	if r := run(t, day.Add(time.Hour), "run", "--sources", permit(t, tmp, sourcesFile, "sipri"), "--data", data, "--out", filepath.Join(tmp, "public")); r.code != exitOK {
		t.Fatalf("second run: exit %d: %v", r.code, r.err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	textconv := "PUBLISH_TEST_MAIN=1 '" + self + "' textconv"
	out := gitOut(t, data, "-c", "diff.parquet.textconv="+textconv, "log", "-p", "--format=commit %h %s", "--", "datasets/military-expenditure/military-expenditure.parquet")
	for _, want := range []string{
		"+country_iso3,country_name,aggregate,year,measure,source,value,",
		"+USA,United States,false,2019,share_of_gdp,worldbank,",
		"+USA,United States,false,2019,current_usd,sipri,",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("git log -p lacks %q:\n%s", want, out[:min(2000, len(out))])
		}
	}
	if strings.Contains(out, "Binary files") {
		t.Errorf("git log -p shows the Parquet file as binary")
	}
}
