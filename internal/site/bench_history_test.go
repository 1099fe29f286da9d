package site

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/git"
	"github.com/defence-transparency/publish/internal/dataset/history"
)

// benchVersions is the number of versions of the history benchmark.
const benchVersions = 30

// benchRows is the size of the history benchmark's dataset: 60,000 rows,
// or PUBLISH_BENCH_ROWS (up to 2,000,000).
func benchRows(b *testing.B) int {
	n := 60000
	if s := os.Getenv("PUBLISH_BENCH_ROWS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n <= 0 || n > 2000000 {
			b.Fatalf("PUBLISH_BENCH_ROWS=%q: want 1 to 2000000", s)
		}
	}
	return n
}

// benchHistory commits 30 versions of a synthetic military-expenditure
// dataset of about rows rows: each revises 0.5% of the figures, every fifth
// adds a year, and the tenth moves constant US$ to a new base year.
func benchHistory(b *testing.B, rows int) (*history.History, *dataset.Table, string) {
	b.Helper()
	var states []country.Country
	for _, c := range country.All() {
		if c.IsState() && len(states) < 250 {
			states = append(states, c)
		}
	}
	measures := []string{dataset.MeasureCurrentUSD, dataset.MeasureConstantUSD(2022), dataset.MeasureShareOfGDP, dataset.MeasurePerCapita,
		dataset.MeasureShareOfGovt, dataset.MeasureLocalCY, dataset.MeasureLocalFY, "constant_usd_1999"}
	sources := []string{"sipri", "worldbank", "source-3", "source-4", "source-5"}
	nsrc := min(len(sources), max(1, rows/(len(states)*len(measures)*200)))
	rng := rand.New(rand.NewPCG(3, 4))
	// Enough years that the last version has rows rows; five are added
	// over the history.
	years := (rows+len(states)*len(measures)*nsrc-1)/(len(states)*len(measures)*nsrc) - (benchVersions-1)/6
	var recs []dataset.Expenditure
	addYear := func(y int) {
		for _, c := range states {
			for _, m := range measures {
				for _, src := range sources[:nsrc] {
					r := dataset.Expenditure{Country: c.ISO3, CountryName: c.Name, Year: y, Measure: m, Source: src,
						Unit: "US$ m", Value: 1 + rng.Float64()*1000, HasValue: true}
					if rng.IntN(20) == 0 {
						r.HasValue, r.Value, r.Missing = false, 0, dataset.MissingNotAvailable
					}
					recs = append(recs, r)
				}
			}
		}
	}
	for y := range years {
		addYear(2000 - years + y)
	}
	r, err := git.Open(b.TempDir(), true)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	start := time.Date(2026, 1, 1, 6, 0, 0, 0, time.UTC)
	var t *dataset.Table
	for v := range benchVersions {
		switch {
		case v == 10:
			for i := range recs {
				if recs[i].Measure == dataset.MeasureConstantUSD(2022) {
					recs[i].Measure = dataset.MeasureConstantUSD(2023)
				}
			}
		case v > 0 && v%6 == 0:
			addYear(2000 + v/6)
		}
		for range len(recs) / 200 {
			if i := rng.IntN(len(recs)); recs[i].HasValue {
				recs[i].Value *= 1.01
			}
		}
		t = dataset.ExpenditureTable(recs)
		t.SortByKey()
		var pq bytes.Buffer
		if err := dataset.WriteParquet(&pq, t); err != nil {
			b.Fatal(err)
		}
		when := start.Add(time.Duration(v) * 24 * time.Hour)
		d := &dataset.Descriptor{Profile: dataset.TabularDataPackage, Name: "military-expenditure", Version: when.Format("2006-01-02"),
			Created: when.Format(time.RFC3339), Resources: []dataset.Resource{{Name: "military-expenditure", Rows: t.Len()}},
			Changes: &dataset.VersionChanges{}}
		desc, _ := d.Marshal()
		dir := filepath.Join(r.Dir(), "datasets", "military-expenditure")
		os.MkdirAll(dir, 0o755)
		if err := os.WriteFile(filepath.Join(dir, "military-expenditure.parquet"), pq.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, dataset.DescriptorFile), desc, 0o644); err != nil {
			b.Fatal(err)
		}
		files, _ := r.Changes("datasets")
		if _, err := r.Commit(files, "v\n", dataset.Signature{Name: "b", Email: "b@example.org", When: when}); err != nil {
			b.Fatal(err)
		}
	}
	h, err := history.Load(r, dataset.MilitaryExpenditure)
	if err != nil {
		b.Fatal(err)
	}
	return h, t, filepath.Join(r.Dir(), "datasets", "military-expenditure", "military-expenditure.parquet")
}

// BenchmarkChangePages measures Generate on a dataset with 30 versions:
// without its history (the baseline the change pages add to), with an
// empty cache (every diff computed) and with a warm one (none computed);
// then the same two after git gc --aggressive has packed the repository,
// as a real one is (the -packed cases; they need the git CLI). Issue 8's
// figure is for 2,000,000 rows:
//
//	PUBLISH_BENCH_ROWS=2000000 go test -run XXX -bench ChangePages -benchtime 2x -timeout 2h ./internal/site/
func BenchmarkChangePages(b *testing.B) {
	rows := benchRows(b)
	h, t, pq := benchHistory(b, rows)
	in := testInput(b, false)
	in.Datasets[0].Table, in.Datasets[0].ParquetPath = t, pq
	dir := b.TempDir()
	b.Run("no-history", func(b *testing.B) {
		in.Datasets[0].History, in.CacheDir = nil, ""
		for b.Loop() {
			if err := Generate(dir, in); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(t.Len()), "rows")
	})
	b.Run("cold", func(b *testing.B) {
		in.Datasets[0].History = h
		for b.Loop() {
			b.StopTimer()
			in.CacheDir = b.TempDir()
			b.StartTimer()
			if err := Generate(dir, in); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(t.Len()), "rows")
	})
	b.Run("warm", func(b *testing.B) {
		in.Datasets[0].History, in.CacheDir = h, b.TempDir()
		if err := Generate(dir, in); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if err := Generate(dir, in); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(t.Len()), "rows")
	})
	if _, err := exec.LookPath("git"); err != nil {
		return
	}
	repoDir := h.Repo.Dir()
	h.Repo.Close()
	gc := exec.Command("git", "gc", "--aggressive", "--prune=now", "--quiet")
	gc.Dir = repoDir
	if out, err := gc.CombinedOutput(); err != nil {
		b.Fatalf("git gc: %v\n%s", err, out)
	}
	r, err := git.Open(repoDir, false)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	if h, err = history.Load(r, dataset.MilitaryExpenditure); err != nil {
		b.Fatal(err)
	}
	b.Run("cold-packed", func(b *testing.B) {
		in.Datasets[0].History = h
		for b.Loop() {
			b.StopTimer()
			in.CacheDir = b.TempDir()
			b.StartTimer()
			if err := Generate(dir, in); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(t.Len()), "rows")
	})
	b.Run("warm-packed", func(b *testing.B) {
		in.Datasets[0].History, in.CacheDir = h, b.TempDir()
		if err := Generate(dir, in); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if err := Generate(dir, in); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(t.Len()), "rows")
	})
}
