package site

import (
	"slices"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/git"
	"github.com/defence-transparency/publish/internal/dataset/history"
)

// commitVersion writes recs as a version of military-expenditure into the
// repository's working tree and commits it, as the pipeline does.
func commitVersion(tb testing.TB, r dataset.Repo, version string, when time.Time, sample bool, recs []dataset.Expenditure) {
	tb.Helper()
	tbl := dataset.ExpenditureTable(recs)
	tbl.SortByKey()
	commitTable(tb, r, dataset.MilitaryExpenditure, version, when, sample, tbl)
}

// Version labels of the history fixture, oldest first.
var fixtureVersions = []string{"2026-04-25", "2026-04-26", "2026-04-27", "2026-04-28"}

// fixtureHistory returns the four versions of the history fixture, oldest
// first; the last one is testRecords. Between them:
//
//	2026-04-26: DEU 2019 current US$ revised 48,000.5 -> 49,012.5; DEU 2020
//	            withdrawn (51,000 -> not available); SUN 1992 marker
//	            not available -> did not exist; FRA 2019 removed.
//	2026-04-27: years 2022 and 2023 added (DEU 2022, CIV 2023); World Bank
//	            DEU 2020 share of GDP added (neither year nor measure new).
//	2026-04-28: constant US$ moves from 2022 to 2023 prices; DEU 2019 share
//	            of GDP revised 1.3% -> 1.34%; SUN 1991 becomes an estimate.
func fixtureHistory() [][]dataset.Expenditure {
	final := testRecords()
	find := func(recs []dataset.Expenditure, code string, year int, measure, source string) int {
		return slices.IndexFunc(recs, func(r dataset.Expenditure) bool {
			return r.Country == code && r.Year == year && r.Measure == measure && r.Source == source
		})
	}
	drop := func(recs []dataset.Expenditure, keep func(r dataset.Expenditure) bool) []dataset.Expenditure {
		var out []dataset.Expenditure
		for _, r := range recs {
			if keep(r) {
				out = append(out, r)
			}
		}
		return out
	}
	// v3: the final rows before the base year moved and two figures changed.
	v3 := slices.Clone(final)
	v3[find(v3, "DEU", 2021, dataset.MeasureConstantUSD(2023), dataset.SourceSIPRI)].Measure = dataset.MeasureConstantUSD(2022)
	v3[find(v3, "DEU", 2021, dataset.MeasureConstantUSD(2022), dataset.SourceSIPRI)].Value = 41.5
	v3[find(v3, "DEU", 2019, dataset.MeasureShareOfGDP, dataset.SourceSIPRI)].Value = 1.3
	v3[find(v3, "SUN", 1991, dataset.MeasureCurrentUSD, dataset.SourceSIPRI)].Estimate = false
	// v2: without what v3 added.
	v2 := drop(v3, func(r dataset.Expenditure) bool {
		return r.Year != 2022 && r.Year != 2023 && !(r.Country == "DEU" && r.Year == 2020 && r.Measure == dataset.MeasureShareOfGDP && r.Source == dataset.SourceWorldBank)
	})
	// v1: before the revisions of v2, with a row v2 removed.
	v1 := slices.Clone(v2)
	v1[find(v1, "DEU", 2019, dataset.MeasureCurrentUSD, dataset.SourceSIPRI)].Value = 48000.5
	w := find(v1, "DEU", 2020, dataset.MeasureCurrentUSD, dataset.SourceSIPRI)
	v1[w].HasValue, v1[w].Value, v1[w].Missing = true, 51000, ""
	v1[find(v1, "SUN", 1992, dataset.MeasureCurrentUSD, dataset.SourceSIPRI)].Missing = dataset.MissingNotAvailable
	v1 = append(v1, dataset.Expenditure{Country: "FRA", CountryName: "France", Year: 2019, Measure: dataset.MeasureCurrentUSD,
		Source: dataset.SourceSIPRI, Unit: "US$ m", SourceUnit: "US$ m", Value: 52000, HasValue: true})
	return [][]dataset.Expenditure{v1, v2, v3, final}
}

// historyRepo commits versions (oldest first) into a new repository, a
// day apart, and returns it with its history of military-expenditure.
func historyRepo(tb testing.TB, sample bool, labels []string, versions [][]dataset.Expenditure) (dataset.Repo, *history.History) {
	tb.Helper()
	r, err := git.Open(tb.TempDir(), true)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	start := testTime.Add(-time.Duration(len(versions)-1) * 24 * time.Hour)
	for i, recs := range versions {
		commitVersion(tb, r, labels[i], start.Add(time.Duration(i)*24*time.Hour), sample, recs)
	}
	h, err := history.Load(r, dataset.MilitaryExpenditure)
	if err != nil {
		tb.Fatal(err)
	}
	return r, h
}

// historyInput is testInput with the history fixture: four versions, the
// last of which is the published table.
func historyInput(tb testing.TB, sample bool) *Input {
	tb.Helper()
	in := testInput(tb, sample)
	_, h := historyRepo(tb, sample, fixtureVersions, fixtureHistory())
	in.Datasets[0].History = h
	in.CacheDir = tb.TempDir()
	return in
}
