package site

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// benchFamilies adds the other three datasets at about their real size:
// about 4,800 CBM rows (193 states, UN Milex 2012-2024 and UNROCA
// 2012-2023), 12,000 audit reports (10,000 of the GAO's on the United
// States, 1,500 of the NAO's, 500 of the ECA's on no single country) and
// about 92,000 risk rows (the GPI's 30 indicators for 163 states over 18
// years, INFORM for 190 states over 11 years, two years of CrisisWatch
// for 70 states).
func benchFamilies(b *testing.B, in *Input) {
	b.Helper()
	var states []country.Country
	for _, c := range country.All() {
		if c.Kind == country.KindCountry {
			states = append(states, c)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	kinds := []string{dataset.ReportFull, dataset.ReportSimplified, dataset.ReportSingleFigure, dataset.ReportNil,
		dataset.ReportNone, dataset.ReportNone, dataset.ReportNone}
	var cbm []dataset.CBMReport
	for _, c := range states[:min(len(states), 193)] {
		for y := 2012; y <= 2024; y++ {
			cbm = append(cbm, dataset.CBMReport{Country: c.ISO3, CountryName: c.Name, Instrument: dataset.InstrumentMilex, Year: y,
				Kind: kinds[rng.IntN(len(kinds))], Link: "https://milex-reporting.unoda.org/en/states/" + c.ISO3 + "/" + strconv.Itoa(y), Source: "unmilex"})
		}
		for y := 2012; y <= 2023; y++ {
			kind := dataset.ReportSubmitted
			if rng.IntN(2) == 0 {
				kind = dataset.ReportNone
			}
			cbm = append(cbm, dataset.CBMReport{Country: c.ISO3, CountryName: c.Name, Instrument: dataset.InstrumentUNROCA, Year: y,
				Kind: kind, Link: "https://www.unroca.org/" + strings.ToLower(c.ISO3) + "/report/" + strconv.Itoa(y) + "/", Source: "unroca"})
		}
	}
	var audits []dataset.AuditReport
	for i, a := range []struct {
		auditor, country, jurisdiction, source string
		n, from                                int
	}{
		{dataset.AuditorGAO, "USA", "United States", "gao", 10000, 1995},
		{dataset.AuditorNAO, "GBR", "United Kingdom", "nao-defence", 1500, 2000},
		{dataset.AuditorECA, "", "European Union", "eca-defence", 500, 2010},
	} {
		for k := range a.n {
			year := a.from + k%(2025-a.from)
			audits = append(audits, dataset.AuditReport{Auditor: a.auditor, ReportID: fmt.Sprintf("R-%d-%d-%05d", i, year, k), Country: a.country,
				Jurisdiction: a.jurisdiction, Published: fmt.Sprintf("%d-%02d-%02d", year, 1+k%12, 1+k%28),
				Title:   fmt.Sprintf("Defense Acquisitions: Observations on Cost Growth in Major Weapon Programs, part %d", k),
				Subject: "National security", Recommendations: k % 9, HasRecommendations: true, Link: fmt.Sprintf("https://www.example.org/reports/%d/%d", i, k), Source: a.source})
		}
	}
	var risk []dataset.RiskReport
	indicators := []string{gpiScore, gpiRank}
	for k := range 28 {
		indicators = append(indicators, fmt.Sprintf("gpi_indicator_%02d", k))
	}
	for k, c := range states[:min(len(states), 190)] {
		if k < 163 {
			for y := 2008; y <= 2025; y++ {
				for _, ind := range indicators {
					v := 1 + rng.Float64()*4
					if ind == gpiRank {
						v = float64(1 + k)
					}
					risk = append(risk, dataset.RiskReport{Publisher: dataset.PublisherGPI, Country: c.ISO3, CountryName: c.Name, Period: strconv.Itoa(y),
						Indicator: ind, Value: math.Round(v*1000) / 1000, HasValue: true, Unit: "score 1-5 (1 = most peaceful)",
						Link: "https://www.visionofhumanity.org/resources/", Source: "gpi"})
				}
			}
		}
		for y := 2015; y <= 2025; y++ {
			risk = append(risk, dataset.RiskReport{Publisher: dataset.PublisherINFORM, Country: c.ISO3, CountryName: c.Name, Period: strconv.Itoa(y),
				Indicator: informRisk, Value: math.Round(rng.Float64()*100) / 10, HasValue: true, Unit: "score 0-10 (10 = highest risk)", Source: "inform-risk"})
		}
		if k < 70 {
			for m := range 24 {
				period := fmt.Sprintf("%d-%02d", 2024+m/12, 1+m%12)
				trend := []string{dataset.TrendDeteriorated, dataset.TrendImproved, dataset.TrendUnchanged}[rng.IntN(3)]
				summary := "Fighting intensified around besieged towns in the west, and talks between the parties stalled again."
				risk = append(risk, dataset.RiskReport{Publisher: dataset.PublisherCrisisGroup, Country: c.ISO3, CountryName: c.Name, Period: period,
					Indicator: dataset.CrisisWatchTrend, Category: trend, Summary: summary, Link: "https://www.crisisgroup.org/crisiswatch", Source: "crisiswatch"})
				if rng.IntN(10) == 0 {
					risk = append(risk, dataset.RiskReport{Publisher: dataset.PublisherCrisisGroup, Country: c.ISO3, CountryName: c.Name, Period: period,
						Indicator: dataset.CrisisWatchAlert, Category: dataset.AlertConflictRisk, Summary: summary, Link: "https://www.crisisgroup.org/crisiswatch", Source: "crisiswatch"})
				}
			}
		}
	}
	addFamilies(b, in, cbm, audits, risk)
}

// rowsOfInput counts the rows of every dataset.
func rowsOfInput(in *Input) int {
	n := 0
	for _, d := range in.Datasets {
		n += d.Table.Len()
	}
	return n
}

// BenchmarkGenerate measures writing the Hugo project of a full-size site:
// military expenditure alone, and with the three other datasets.
func BenchmarkGenerate(b *testing.B) {
	for _, all := range []bool{false, true} {
		b.Run(map[bool]string{false: "milex", true: "all"}[all], func(b *testing.B) {
			in := benchInput(b)
			if all {
				benchFamilies(b, in)
			}
			dir := b.TempDir()
			for b.Loop() {
				if err := Generate(dir, in); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rowsOfInput(in)), "rows")
		})
	}
}

// BenchmarkBuild measures Generate and the Hugo build of a full-size site,
// as the CLI runs them.
func BenchmarkBuild(b *testing.B) {
	for _, all := range []bool{false, true} {
		b.Run(map[bool]string{false: "milex", true: "all"}[all], func(b *testing.B) {
			in := benchInput(b)
			if all {
				benchFamilies(b, in)
			}
			dir, public := b.TempDir(), b.TempDir()
			for b.Loop() {
				if err := Generate(dir, in); err != nil {
					b.Fatal(err)
				}
				runHugo(b, dir, public)
			}
			b.ReportMetric(float64(rowsOfInput(in)), "rows")
		})
	}
}
