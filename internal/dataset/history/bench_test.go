package history

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/bench"
	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/diff"
	"github.com/defence-transparency/publish/internal/dataset/git"
)

// The figures issue 3 asks for: publish diff between two versions of a
// synthetic 2,000,000-row dataset with 0.5% of values changed, and the
// size of a repository of 30 such daily versions after git gc, against one
// version's files.
//
//	go test -run XXX -bench 'Diff2M|Versions30' -benchtime 1x ./internal/dataset/history/
//
// And issue 8's: publish diff of those two versions on a repository that
// git gc --aggressive packed, against the same repository's loose objects
// (time, CPU and peak resident memory of the command):
//
//	go test -run XXX -bench DiffPackedVsLoose -benchtime 5x -timeout 1h ./internal/dataset/history/
//
// PUBLISH_BENCH_ROWS overrides the row count (default 2,000,000);
// PUBLISH_BENCH_REPO keeps the repository there for measuring the CLI:
//
//	/usr/bin/time -v publish diff --data $PUBLISH_BENCH_REPO military-expenditure >/dev/null

func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("PUBLISH_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 2_000_000
}

// synthetic returns a sorted military-expenditure table of n rows: states ×
// years × measures × two sources, values from a fixed seed.
func synthetic(n int) *dataset.Table {
	var states []country.Country
	for _, c := range country.All() {
		if c.IsState() {
			states = append(states, c)
		}
	}
	measures := []string{dataset.MeasureCurrentUSD, dataset.MeasureLocalCY, dataset.MeasureLocalFY,
		dataset.MeasurePerCapita, dataset.MeasureShareOfGDP, dataset.MeasureShareOfGovt}
	// Enough constant-US$ base years to reach n rows over 75 years.
	for base := 1960; len(states)*75*len(measures)*2 < n; base++ {
		measures = append(measures, dataset.MeasureConstantUSD(base))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	b := make([]dataset.Expenditure, 0, n)
fill:
	for _, c := range states {
		for year := 1950; year < 2025; year++ {
			for _, m := range measures {
				for _, src := range []string{"sipri", "worldbank"} {
					if len(b) == n {
						break fill
					}
					e := dataset.Expenditure{Country: c.ISO3, CountryName: c.Name, Year: year, Measure: m, Source: src,
						Unit: "US$ m", Value: float64(rng.IntN(1e9)) / 1000, HasValue: true, Estimate: rng.IntN(10) == 0}
					if rng.IntN(10) == 0 {
						e.Value, e.HasValue, e.Missing = 0, false, dataset.MissingNotAvailable
					}
					b = append(b, e)
				}
			}
		}
	}
	t := dataset.ExpenditureTable(b)
	t.SortByKey()
	return t
}

// revise changes the value of share of the rows with values, in place.
func revise(t *dataset.Table, share float64, seed uint64) int {
	rng := rand.New(rand.NewPCG(seed, 7))
	col := dataset.ExpenditureSchema.Index("value")
	changed := 0
	for i := 0; i < t.Len(); i++ {
		if !t.IsNull(i, col) && rng.Float64() < share {
			t.Columns[col].Numbers[i] *= 1.01
			changed++
		}
	}
	return changed
}

func commitVersion(tb testing.TB, r dataset.Repo, t *dataset.Table, version string, when time.Time, changes *dataset.VersionChanges) int {
	tb.Helper()
	var pq bytes.Buffer
	if err := dataset.WriteParquet(&pq, t); err != nil {
		tb.Fatal(err)
	}
	d := &dataset.Descriptor{Profile: dataset.TabularDataPackage, Name: "military-expenditure", Version: version,
		Created: when.Format(time.RFC3339), Changes: changes, Resources: []dataset.Resource{{Name: "military-expenditure", Rows: t.Len(),
			Bytes: int64(pq.Len()), Hash: dataset.ContentHash(pq.Bytes())}}}
	desc, _ := d.Marshal()
	dir := filepath.Join(r.Dir(), "datasets", "military-expenditure")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := dataset.WriteFileAtomicBytes(filepath.Join(dir, "military-expenditure.parquet"), pq.Bytes()); err != nil {
		tb.Fatal(err)
	}
	if err := dataset.WriteFileAtomicBytes(filepath.Join(dir, "datapackage.json"), desc); err != nil {
		tb.Fatal(err)
	}
	files, err := r.Changes("datasets")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := r.Commit(files, "publish "+version+"\n", dataset.Signature{Name: "bench", Email: "bench@example.org", When: when}); err != nil {
		tb.Fatal(err)
	}
	return pq.Len() + len(desc)
}

func benchRepo(b *testing.B, versions int) (dataset.Repo, int) {
	b.Helper()
	dir := os.Getenv("PUBLISH_BENCH_REPO")
	if dir == "" {
		dir = b.TempDir()
	}
	r, err := git.Open(dir, true)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	t := synthetic(benchRows())
	day := time.Date(2026, 1, 1, 6, 0, 0, 0, time.UTC)
	size := 0
	for v := 0; v < versions; v++ {
		// The counts the pipeline records in each descriptor.
		changes := &dataset.VersionChanges{Added: t.Len()}
		if v > 0 {
			n := revise(t, 0.005, uint64(v))
			changes = &dataset.VersionChanges{Previous: day.AddDate(0, 0, v-1).Format("2006-01-02"), Changed: n, Revisions: n}
		}
		when := day.AddDate(0, 0, v)
		size = commitVersion(b, r, t, when.Format("2006-01-02"), when, changes)
	}
	return r, size
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkDiff2M times the comparison of two versions read from git
// objects, as publish diff does, with 0.5% of values revised.
func BenchmarkDiff2M(b *testing.B) {
	r, _ := benchRepo(b, 2)
	h, err := Load(r, dataset.MilitaryExpenditure)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		changes := 0
		sum, err := h.Diff(&h.Versions[1], &h.Versions[0], func(*diff.Change) error { changes++; return nil })
		if err != nil {
			b.Fatal(err)
		}
		if sum.Revisions == 0 || changes != sum.Total() {
			b.Fatalf("diff found %d revisions, %d changes", sum.Revisions, changes)
		}
		b.ReportMetric(float64(sum.Revisions), "revisions")
	}
	b.ReportMetric(float64(benchRows())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkVersions30 writes 30 daily versions with 0.5% of values revised
// each day, runs git gc and reports the repository's size against one
// version's files.
func BenchmarkVersions30(b *testing.B) {
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("git CLI not installed")
	}
	for range b.N {
		start := time.Now()
		r, one := benchRepo(b, 30)
		b.ReportMetric(time.Since(start).Seconds()/30, "s/version")
		gc := exec.Command("git", "gc", "--aggressive", "--prune=now", "--quiet")
		gc.Dir = r.Dir()
		if out, err := gc.CombinedOutput(); err != nil {
			b.Fatalf("git gc: %v\n%s", err, out)
		}
		repo := dirSize(b, filepath.Join(r.Dir(), ".git"))
		b.ReportMetric(float64(one), "version-bytes")
		b.ReportMetric(float64(repo), "repo-bytes")
		b.ReportMetric(float64(repo)/float64(one), "repo/version")
		fmt.Fprintf(os.Stderr, "30 versions: .git %d bytes after gc; one version's files %d bytes; ratio %.2f\n", repo, one, float64(repo)/float64(one))
	}
}

// BenchmarkDiffPackedVsLoose runs publish diff of two 2M-row versions on a
// repository as go-git wrote it (loose objects) and on a copy that
// git gc --aggressive packed, alternately, b.N times each (the machine may
// be shared: compare the two, and prefer the CPU time). It reports the
// median wall time, the median CPU time of publish and the git process it
// starts, and the largest peak resident size, of each.
func BenchmarkDiffPackedVsLoose(b *testing.B) {
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("git CLI not installed")
	}
	r, _ := benchRepo(b, 2)
	loose := r.Dir()
	packed := filepath.Join(b.TempDir(), "packed")
	copyDir(b, loose, packed)
	gc := exec.Command("git", "gc", "--aggressive", "--prune=now", "--quiet")
	gc.Dir = packed
	if out, err := gc.CombinedOutput(); err != nil {
		b.Fatalf("git gc: %v\n%s", err, out)
	}
	bin := bench.Build(b)
	var runs [2][]bench.Stats
	b.ResetTimer()
	for i := range b.N {
		for k := range 2 {
			k := (k + i) % 2 // alternate which goes first
			runs[k] = append(runs[k], bench.Run(b, bin, "diff", "--data", []string{loose, packed}[k], "military-expenditure"))
		}
	}
	b.StopTimer()
	l, p := bench.Summarize(runs[0]), bench.Summarize(runs[1])
	bench.Report(b, "loose", l)
	bench.Report(b, "packed", p)
	b.ReportMetric(p.Wall.Seconds()/l.Wall.Seconds(), "packed/loose")
	b.ReportMetric(p.CPU.Seconds()/l.CPU.Seconds(), "packed/loose-cpu")
}

// copyDir copies the tree at src to dst.
func copyDir(b *testing.B, src, dst string) {
	b.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		b.Fatal(err)
	}
}
