package site

import (
	"bytes"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gohugoio/hugo/commands"

	"github.com/defence-transparency/publish/internal/dataset"
)

// hugoMu serialises Hugo builds: commands.Execute sets global state.
var hugoMu sync.Mutex

// runHugo builds project into public with the CLI's arguments. Hugo's
// output is captured; a warning or an error fails the test, because a
// warning from our own templates is a defect.
func runHugo(tb testing.TB, project, public string) {
	tb.Helper()
	hugoMu.Lock()
	defer hugoMu.Unlock()
	out, err := captureOutput(func() error { return commands.Execute(HugoArgs(project, public)) })
	if err != nil {
		tb.Fatalf("hugo: %v\n%s", err, out)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "WARN") || strings.Contains(line, "ERROR") {
			tb.Fatalf("hugo logged: %s\n%s", line, out)
		}
	}
}

// captureOutput runs f with os.Stdout and os.Stderr sent to a pipe, and
// returns what it wrote.
func captureOutput(f func() error) (string, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", err
	}
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = w, w
	var buf bytes.Buffer
	done := make(chan struct{})
	go func() {
		io.Copy(&buf, r)
		close(done)
	}()
	ferr := f()
	os.Stdout, os.Stderr = stdout, stderr
	log.SetOutput(os.Stderr) // Hugo points the standard logger at its stdout
	w.Close()
	<-done
	r.Close()
	return buf.String(), ferr
}

// build generates in into a temporary project and builds it; it returns
// the project and public directories.
func build(tb testing.TB, in *Input) (project, public string) {
	tb.Helper()
	project, public = tb.TempDir(), tb.TempDir()
	if err := Generate(project, in); err != nil {
		tb.Fatalf("Generate: %v", err)
	}
	runHugo(tb, project, public)
	return project, public
}

// readFile returns a file of the built site.
func readFile(tb testing.TB, public, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(public, filepath.FromSlash(name)))
	if err != nil {
		tb.Fatalf("read built site: %v", err)
	}
	return string(b)
}

var testTime = time.Date(2026, 4, 28, 6, 30, 0, 0, time.UTC)

// testRecords are a handful of rows covering what the pages must show:
// estimates, uncertain figures, both kinds of missing value, note symbols,
// footnotes, shares published as fractions and as percent, World Bank
// dollars, a former state, a year that has no row at all and an aggregate
// (the world), all in the dataset's units.
func testRecords() []dataset.Expenditure {
	sipri := func(code, name string, year int, measure, unit string, v float64) dataset.Expenditure {
		r := dataset.Expenditure{Country: code, CountryName: name, Year: year, Measure: measure,
			Source: dataset.SourceSIPRI, SourceUnit: unit}
		r.Unit, _ = dataset.ExpenditureUnits.Of(measure)
		if err := r.SetValue(v, unit); err != nil {
			panic(err)
		}
		return r
	}
	wb := func(code, name string, year int, measure, unit string, v float64) dataset.Expenditure {
		r := dataset.Expenditure{Country: code, CountryName: name, Year: year, Measure: measure,
			Source: dataset.SourceWorldBank, SourceUnit: unit}
		r.Unit, _ = dataset.ExpenditureUnits.Of(measure)
		if err := r.SetValue(v, unit); err != nil {
			panic(err)
		}
		return r
	}
	aggregate := func(r dataset.Expenditure) dataset.Expenditure { r.Aggregate = true; return r }
	missing := func(r dataset.Expenditure, kind string) dataset.Expenditure {
		r.HasValue, r.Value, r.Missing = false, 0, kind
		return r
	}
	est := func(r dataset.Expenditure) dataset.Expenditure { r.Estimate = true; return r }
	unc := func(r dataset.Expenditure) dataset.Expenditure { r.Uncertain = true; return r }
	note := func(r dataset.Expenditure, n, f string) dataset.Expenditure { r.Notes, r.Footnotes = n, f; return r }
	local := func(r dataset.Expenditure, cur, fy string) dataset.Expenditure {
		r.Currency, r.FiscalYear = cur, fy
		return r
	}

	recs := []dataset.Expenditure{
		sipri("DEU", "Germany", 2019, dataset.MeasureCurrentUSD, "US$ m", 49012.5),
		missing(sipri("DEU", "Germany", 2020, dataset.MeasureCurrentUSD, "US$ m", 0), dataset.MissingNotAvailable),
		est(sipri("DEU", "Germany", 2021, dataset.MeasureCurrentUSD, "US$ m", 56016.25)),
		unc(sipri("DEU", "Germany", 2022, dataset.MeasureCurrentUSD, "US$ m", 55760.0003)),
		sipri("DEU", "Germany", 2019, dataset.MeasureShareOfGDP, "fraction", 0.0134),
		note(sipri("DEU", "Germany", 2021, dataset.MeasureShareOfGDP, "fraction", 0.0345), "§‖", "4"),
		local(sipri("DEU", "Germany", 2019, dataset.MeasureLocalFY, "local currency", 43781.2), "Euro", "Jan-Dec"),
		local(sipri("DEU", "Germany", 2021, dataset.MeasureLocalFY, "local currency", 47342.1), "Euro", "Jan-Dec"),
		sipri("DEU", "Germany", 2021, dataset.MeasureConstantUSD(2023), "US$ m", 43.143085155943012),
		wb("DEU", "Germany", 2019, dataset.MeasureCurrentUSD, "US$", 49012500000.75),
		wb("DEU", "Germany", 2020, dataset.MeasureCurrentUSD, "US$", 52803000000),
		wb("DEU", "Germany", 2019, dataset.MeasureShareOfGDP, "percent", 1.34),
		wb("DEU", "Germany", 2020, dataset.MeasureShareOfGDP, "percent", 1.3956),
		sipri("SUN", "USSR", 1990, dataset.MeasureCurrentUSD, "US$ m", 117000),
		est(sipri("SUN", "USSR", 1991, dataset.MeasureCurrentUSD, "US$ m", 88000)),
		missing(sipri("SUN", "USSR", 1992, dataset.MeasureCurrentUSD, "US$ m", 0), dataset.MissingDidNotExist),
		missing(sipri("SUN", "USSR", 1992, dataset.MeasureShareOfGDP, "fraction", 0), dataset.MissingDidNotExist),
		sipri("CIV", "Cote d'Ivoire", 2023, dataset.MeasureShareOfGDP, "fraction", 0.0099),
		wb("CIV", "Cote d'Ivoire", 2023, dataset.MeasurePerCapita, "US$", 0),
		aggregate(wb("WLD", "World", 2019, dataset.MeasureCurrentUSD, "US$", 1859927966296.32)),
	}
	return recs
}

// testInput is a small site: one dataset, two sources, one of which failed.
func testInput(tb testing.TB, sample bool) *Input {
	tb.Helper()
	t := dataset.ExpenditureTable(testRecords())
	t.SortByKey()
	dir := tb.TempDir()
	pq := filepath.Join(dir, "military-expenditure.parquet")
	var buf bytes.Buffer
	if err := dataset.WriteParquet(&buf, t); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(pq, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	desc := &dataset.Descriptor{
		Profile:     dataset.TabularDataPackage,
		Name:        "military-expenditure",
		Title:       dataset.MilitaryExpenditure.Title,
		Description: dataset.MilitaryExpenditure.Description,
		Version:     "2026-04-28",
		Created:     "2026-04-28T06:30:00Z",
		Sample:      sample,
		Licenses:    []dataset.License{{Name: "CC-BY-4.0", Path: "https://creativecommons.org/licenses/by/4.0/", Title: "Creative Commons Attribution 4.0"}},
		Sources: []dataset.SourceRef{
			{Name: "sipri", Title: "SIPRI Military Expenditure Database", Path: "https://www.sipri.org/databases/milex",
				Licence: "SIPRI terms of use", LicenceURL: "https://www.sipri.org/about/terms-and-conditions",
				Attribution: "SIPRI Military Expenditure Database, Stockholm International Peace Research Institute.", Rows: 15,
				Updated: "2026-04-27T00:00:00Z"},
			{Name: "worldbank", Title: "World Bank World Development Indicators", Path: "https://data.worldbank.org/indicator/MS.MIL.XPND.CD",
				Licence: "CC BY 4.0", LicenceURL: "https://creativecommons.org/licenses/by/4.0/",
				Attribution: "World Bank, World Development Indicators.", Rows: 5},
		},
		Resources: []dataset.Resource{dataset.NewResource("military-expenditure", "military-expenditure.parquet", "parquet", buf.Bytes(), t.Len(), t.Schema)},
		Method:    dataset.MilitaryExpenditure.Method,
	}
	return &Input{
		Generated: testTime,
		Sample:    sample,
		Datasets: []Dataset{{
			Definition:  dataset.MilitaryExpenditure,
			Descriptor:  desc,
			Table:       t,
			ParquetPath: pq,
		}},
		Sources: []SourceStatus{
			{Name: "sipri", Title: "SIPRI", Dataset: "military-expenditure", Homepage: "https://www.sipri.org/databases/milex",
				Licence: "SIPRI terms of use", LicenceURL: "https://www.sipri.org/about/terms-and-conditions",
				Attribution: "SIPRI Military Expenditure Database, Stockholm International Peace Research Institute.",
				Status:      dataset.SourceFailed, Error: "fetch https://www.sipri.org/databases/milex: 503 Service Unavailable",
				LastAttempt: testTime, LastSuccess: time.Date(2026, 4, 20, 5, 0, 0, 0, time.UTC), Rows: 15},
			{Name: "worldbank", Title: "World Bank", Dataset: "military-expenditure", Homepage: "https://data.worldbank.org/",
				Licence: "CC BY 4.0", LicenceURL: "https://creativecommons.org/licenses/by/4.0/",
				Attribution: "World Bank, World Development Indicators.", Status: dataset.SourceOK,
				LastAttempt: testTime, LastSuccess: testTime, Rows: 5},
		},
	}
}
