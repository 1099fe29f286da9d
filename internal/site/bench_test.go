package site

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
)

// benchInput is about the size of the real dataset: SIPRI's five measures
// for 170 states over 76 years and the World Bank's three for 200 over 60,
// about 100,000 rows on 250 country pages.
func benchInput(b *testing.B) *Input {
	b.Helper()
	var states []country.Country
	for _, c := range country.All() {
		if c.IsState() {
			states = append(states, c)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var recs []dataset.Expenditure
	for k, c := range states {
		if k >= 250 {
			break
		}
		base := 10 + rng.Float64()*50000
		if k < 170 {
			for y := 1949; y <= 2024; y++ {
				for _, m := range []struct{ measure, unit string }{
					{dataset.MeasureCurrentUSD, "US$ m"}, {dataset.MeasureConstantUSD(2023), "US$ m"},
					{dataset.MeasureShareOfGDP, "fraction"}, {dataset.MeasurePerCapita, "US$"},
					{dataset.MeasureLocalCY, "local currency"},
				} {
					r := dataset.Expenditure{Country: c.ISO3, CountryName: c.Name, Year: y, Measure: m.measure,
						Source: dataset.SourceSIPRI, Unit: m.unit}
					switch {
					case rng.IntN(20) == 0:
						r.Missing = dataset.MissingNotAvailable
					default:
						r.HasValue = true
						r.Value = base * (0.5 + rng.Float64())
						if m.unit == "fraction" {
							r.Value = 0.005 + rng.Float64()*0.05
						}
						r.Estimate = rng.IntN(10) == 0
						r.Uncertain = rng.IntN(30) == 0
					}
					if m.unit == "local currency" {
						r.Currency = "Unit"
					}
					recs = append(recs, r)
				}
			}
		}
		if k >= 50 {
			for y := 1965; y <= 2024; y++ {
				for _, m := range []struct{ measure, unit string }{
					{dataset.MeasureCurrentUSD, "US$"}, {dataset.MeasureShareOfGDP, "percent"}, {dataset.MeasureShareOfGovt, "percent"},
				} {
					v := base * 1e6 * (0.5 + rng.Float64())
					if m.unit == "percent" {
						v = 0.5 + rng.Float64()*5
					}
					recs = append(recs, dataset.Expenditure{Country: c.ISO3, CountryName: c.Name, Year: y, Measure: m.measure,
						Source: dataset.SourceWorldBank, Unit: m.unit, Value: v, HasValue: true})
				}
			}
		}
	}
	t := dataset.ExpenditureTable(recs)
	t.SortByKey()
	pq := filepath.Join(b.TempDir(), "military-expenditure.parquet")
	var buf bytes.Buffer
	if err := dataset.WriteParquet(&buf, t); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(pq, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	in := testInput(b, false)
	in.Datasets[0].Table = t
	in.Datasets[0].ParquetPath = pq
	return in
}

// BenchmarkGenerate measures writing the Hugo project of a full-size site.
func BenchmarkGenerate(b *testing.B) {
	in := benchInput(b)
	dir := b.TempDir()
	for b.Loop() {
		if err := Generate(dir, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(in.Datasets[0].Table.Len()), "rows")
}

// BenchmarkBuild measures Generate and the Hugo build of a full-size site,
// as the CLI runs them.
func BenchmarkBuild(b *testing.B) {
	in := benchInput(b)
	dir, public := b.TempDir(), b.TempDir()
	for b.Loop() {
		if err := Generate(dir, in); err != nil {
			b.Fatal(err)
		}
		runHugo(b, dir, public)
	}
}
