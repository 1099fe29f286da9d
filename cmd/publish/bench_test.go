package main

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/defence-transparency/publish/internal/bench"
	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/realdata"
)

// BenchmarkRun runs publish run end to end (collect, build, commit, site)
// from an empty data directory on a synthetic military-expenditure source
// of 625,000 and 2,000,000 rows: two CSV files read by the configured csv
// collector, shaped like the real dataset. It reports the run's peak
// resident memory, in all and per row, and its wall and CPU time (issue 8:
// under 1 GB for 2M rows).
//
//	go test -run XXX -bench 'Run$' -benchtime 1x -timeout 2h ./cmd/publish/
//
// PUBLISH_BENCH_ROWS runs one size instead; PUBLISH_BENCH_BIN runs another
// build of publish (one of an earlier commit, to compare); PUBLISH_BENCH_DIR
// keeps the sources file and the CSV files there, for runs by hand.
func BenchmarkRun(b *testing.B) {
	sizes := []int{625_000, 2_000_000}
	if n, err := strconv.Atoi(os.Getenv("PUBLISH_BENCH_ROWS")); err == nil && n > 0 {
		sizes = []int{n}
	}
	bin := bench.Build(b)
	for _, rows := range sizes {
		b.Run(strconv.Itoa(rows), func(b *testing.B) {
			dir := b.TempDir()
			if keep := os.Getenv("PUBLISH_BENCH_DIR"); keep != "" {
				dir = filepath.Join(keep, strconv.Itoa(rows))
				if err := os.MkdirAll(dir, 0o755); err != nil {
					b.Fatal(err)
				}
			}
			sources := benchSources(b, dir, rows)
			var runs []bench.Stats
			for i := 0; b.Loop(); i++ {
				out := filepath.Join(dir, "run"+strconv.Itoa(i))
				runs = append(runs, bench.Run(b, bin, "run", "-q", "--sources", sources,
					"--data", filepath.Join(out, "data"), "--out", filepath.Join(out, "public")))
				os.RemoveAll(out)
			}
			s := bench.Summarize(runs)
			bench.Report(b, "run", s)
			b.ReportMetric(float64(s.MaxRSS)/float64(rows), "peak-B/row")
		})
	}
}

// BenchmarkRerun runs publish run from an empty data directory (cold),
// then again with nothing changed (rerun: no commit, no byte of the site
// changed, parse, build and site skipped), with the same binary, b.N
// times each, and reports the median times and the rerun/cold ratios of
// wall and CPU time (issue 8: at most 10% on the real files). "sample" is
// the bundled mirror, where process start-up is much of a rerun; "real"
// is SIPRI's 1948-2023 workbook (its rows published, as with a permission)
// and the World Bank's 2026 release, from ../shared/realdata.
//
//	go test -run XXX -bench Rerun -benchtime 3x ./cmd/publish/
func BenchmarkRerun(b *testing.B) {
	bin := bench.Build(b)
	b.Run("sample", func(b *testing.B) { benchRerun(b, bin, sourcesFile) })
	b.Run("real", func(b *testing.B) {
		dir := realdata.Dir(b)
		tmp := b.TempDir()
		sources := someSources(b, tmp, "real", map[string][]string{
			"sipri":     {fileURL(filepath.Join(dir, "sipri", "SIPRI-Milex-data-1948-2023.xlsx"))},
			"worldbank": {fileURL(filepath.Join(dir, "worldbank", "2026-02-24", "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip"))},
		})
		benchRerun(b, bin, permit(b, tmp, sources, "sipri"))
	})
}

func benchRerun(b *testing.B, bin, sources string) {
	var cold, rerun []bench.Stats
	for i := 0; b.Loop(); i++ {
		dir := filepath.Join(b.TempDir(), strconv.Itoa(i))
		args := []string{"run", "-q", "--sources", sources, "--data", filepath.Join(dir, "data"), "--out", filepath.Join(dir, "public")}
		cold = append(cold, bench.Run(b, bin, args...))
		rerun = append(rerun, bench.Run(b, bin, args...))
		os.RemoveAll(dir)
	}
	c, r := bench.Summarize(cold), bench.Summarize(rerun)
	bench.Report(b, "cold", c)
	bench.Report(b, "rerun", r)
	b.ReportMetric(r.Wall.Seconds()/c.Wall.Seconds(), "rerun/cold")
	b.ReportMetric(r.CPU.Seconds()/c.CPU.Seconds(), "rerun/cold-cpu")
}

// benchSources writes two CSV files of rows military-expenditure rows in
// all and a sources file that reads them, and returns its path.
func benchSources(b *testing.B, dir string, rows int) string {
	b.Helper()
	var states []country.Country
	for _, c := range country.All() {
		if c.IsState() && len(states) < 200 {
			states = append(states, c)
		}
	}
	measures := []string{dataset.MeasureCurrentUSD, dataset.MeasureShareOfGDP, dataset.MeasurePerCapita,
		dataset.MeasureShareOfGovt, dataset.MeasureLocalFY, dataset.MeasureLocalCY}
	for base := 1960; len(states)*75*len(measures) < (rows+1)/2; base++ {
		measures = append(measures, dataset.MeasureConstantUSD(base))
	}
	slices.Sort(measures)
	var toml strings.Builder
	toml.WriteString("[fetch]\nuser_agent = \"publish benchmark\"\ndelay = \"0s\"\nmax_body = \"1GB\"\n")
	fields := []string{"country_iso3", "country_name", "year", "measure", "value", "unit", "currency", "fiscal_year",
		"missing", "estimate", "uncertain", "notes", "footnotes"}
	rng := rand.New(rand.NewPCG(6, 25))
	for k, name := range []string{"bench-a", "bench-b"} {
		n := rows / 2
		if k == 0 {
			n = rows - rows/2
		}
		path := filepath.Join(dir, name+".csv")
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriter(f)
		w.WriteString(strings.Join(fields, ",") + "\n")
		count := 0
	fill:
		for _, c := range states {
			for year := 1949; year <= 2023; year++ {
				for _, m := range measures {
					if count == n {
						break fill
					}
					count++
					value, unit, currency, fy, missing := "", "US$ m", "", "", ""
					switch {
					case m == dataset.MeasureShareOfGDP || m == dataset.MeasureShareOfGovt:
						unit = "percent" // the dataset's one unit for shares
					case m == dataset.MeasurePerCapita:
						unit = "US$"
					case m == dataset.MeasureLocalFY || m == dataset.MeasureLocalCY:
						unit, currency = "local currency", "Currency of "+c.ISO3
						if m == dataset.MeasureLocalFY && c.ISO3[1]%3 == 0 {
							fy = "Apr-Mar"
						}
					}
					if rng.IntN(10) == 0 {
						missing = dataset.MissingNotAvailable
					} else {
						value = strconv.FormatFloat(rng.Float64()*1e5, 'f', -1, 64)
					}
					notes, footnotes := "", ""
					if rng.IntN(20) == 0 {
						notes = "§"
					}
					if rng.IntN(50) == 0 {
						footnotes = strconv.Itoa(1 + rng.IntN(40))
					}
					fmt.Fprintf(w, "%s,%q,%d,%s,%s,%s,%s,%s,%s,%t,%t,%s,%s\n", c.ISO3, c.Name, year, m, value, unit,
						currency, fy, missing, rng.IntN(10) == 0, rng.IntN(30) == 0, notes, footnotes)
				}
			}
		}
		if count != n {
			b.Fatalf("%d rows for %s, want %d", count, name, n)
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		f.Close()
		fmt.Fprintf(&toml, "\n[[source]]\nname = %q\ntitle = \"Synthetic benchmark source %s\"\ndataset = \"military-expenditure\"\n"+
			"collector = \"csv\"\nterms = \"open\"\nurls = [%q]\nhomepage = \"https://example.org/\"\nlicence = \"CC0 1.0\"\n"+
			"licence_url = \"https://creativecommons.org/publicdomain/zero/1.0/\"\nattribution = \"synthetic data\"\nmin_rows = 1\n",
			name, name, "file://"+filepath.ToSlash(path))
		for _, field := range fields {
			fmt.Fprintf(&toml, "\n[source.options.fields.%s]\ncolumn = %q\n", field, field)
		}
	}
	p := filepath.Join(dir, "sources.toml")
	if err := os.WriteFile(p, []byte(toml.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}
