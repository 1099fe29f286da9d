package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/defence-transparency/publish/internal/bench"
	"github.com/defence-transparency/publish/internal/realdata"
	"github.com/defence-transparency/publish/internal/site"
)

// BenchmarkRealSite builds the whole site on the real published files with
// every source of the repository's sources file: SIPRI's 1948-2023
// workbook and the GPI with their permissions recorded (so that all of
// their rows are published and drawn), the World Bank's 2026 files, NATO's
// CSV and INFORM from ../shared/realdata, and the bundled mirror's UN
// instruments, audits and CrisisWatch. One untimed publish run makes the
// data repository; each iteration then runs publish site into a new folder
// (a folder the last build did not fill is always built), as a child
// process, and reports its wall and CPU time, peak memory, pages and bytes
// (issue 11: under 10 s on this 2-core machine).
//
// Three cases (issue 8 §5):
//   - generate: each build has another --base-url than the last, so the
//     site's Hugo project is generated from the datasets every time, as
//     after new data, over the last project (209 of its 1,050 files
//     differ; new data rewrites more of them, but creates none);
//   - afresh: the same with the last project removed first, as a first
//     build, where every file of the project is created;
//   - rebuild: the same inputs as the last build, into a new folder, so
//     the project generated last time is built by Hugo again.
//
// PUBLISH_HUGO names a standalone hugo of the version go.mod pins: after
// each publish site it builds the project publish generated
// (DATA/.publish/site), alternating, and the ratio of the two times is
// reported (the median of each pair's), so that what publish adds to
// Hugo's own time shows.
//
//	PUBLISH_HUGO=/path/to/hugo go test -run XXX -bench RealSite -benchtime 3x ./cmd/publish/
func BenchmarkRealSite(b *testing.B) {
	dir := realdata.Dir(b)
	tmp := b.TempDir()
	file := func(elem ...string) string { return fileURL(filepath.Join(append([]string{dir}, elem...)...)) }
	sources := replaceURLs(b, tmp, "sources-all.toml", map[string][]string{
		"sipri":       {file("sipri", "SIPRI-Milex-data-1948-2023.xlsx")},
		"worldbank":   {file("worldbank", "2026-02-24", "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip")},
		"nato":        {file("nato", "defence_per.csv")},
		"gpi":         {file("gpi", "GPI_public_release_2025.xlsx")},
		"inform-risk": {file("inform", "INFORM2024_TREND_2015_2024_v70_ALL.xlsx")},
	})
	sources = permit(b, tmp, permit(b, tmp, sources, "sipri"), "gpi")
	bin := bench.Build(b)
	data := filepath.Join(tmp, "data")
	bench.Run(b, bin, "run", "-q", "--sources", sources, "--data", data, "--out", filepath.Join(tmp, "public-setup"))
	hugo := os.Getenv("PUBLISH_HUGO")
	for _, c := range []struct {
		name            string
		generate, fresh bool
	}{{"generate", true, false}, {"afresh", true, true}, {"rebuild", false, false}} {
		b.Run(c.name, func(b *testing.B) {
			var runs, hugoRuns []bench.Stats
			// Of each build to the Hugo build right after it: wall time, and
			// CPU time, which a shared machine's load moves less.
			var ratios, cpuRatios []float64
			var pages, files, bytes int64
			for i := 0; b.Loop(); i++ {
				out := filepath.Join(tmp, c.name+strconv.Itoa(i))
				args := []string{"site", "-q", "--sources", sources, "--data", data, "--out", out}
				if c.generate {
					args = append(args, "--base-url", "https://example.org/"+strconv.Itoa(i%2)+"/")
				}
				if c.fresh {
					if err := os.RemoveAll(filepath.Join(data, ".publish", "site")); err != nil {
						b.Fatal(err)
					}
				}
				runs = append(runs, bench.Run(b, bin, args...))
				if hugo != "" {
					hugoOut := filepath.Join(tmp, "hugo"+strconv.Itoa(i))
					hugoRuns = append(hugoRuns, bench.Run(b, hugo, site.HugoArgs(filepath.Join(data, ".publish", "site"), hugoOut)...))
					ratios = append(ratios, runs[i].Wall.Seconds()/hugoRuns[i].Wall.Seconds())
					cpuRatios = append(cpuRatios, runs[i].CPU.Seconds()/hugoRuns[i].CPU.Seconds())
					os.RemoveAll(hugoOut)
				}
				pages, files, bytes = 0, 0, 0
				err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
					if err != nil || d.IsDir() {
						return err
					}
					info, err := d.Info()
					if err != nil {
						return err
					}
					files++
					bytes += info.Size()
					if strings.HasSuffix(p, ".html") {
						pages++
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				os.RemoveAll(out)
			}
			sum := bench.Summarize(runs)
			bench.Report(b, "site", sum)
			b.ReportMetric(float64(pages)/sum.Wall.Seconds(), "pages/s")
			if hugo != "" {
				h := bench.Summarize(hugoRuns)
				bench.Report(b, "hugo", h)
				b.ReportMetric(float64(pages)/h.Wall.Seconds(), "hugo-pages/s")
				// The median of the pairs' ratios: a shared machine's speed
				// drifts over minutes, less between two builds in a row.
				slices.Sort(ratios)
				slices.Sort(cpuRatios)
				b.ReportMetric(ratios[len(ratios)/2], "site/hugo")
				b.ReportMetric(cpuRatios[len(cpuRatios)/2], "site/hugo-cpu")
			}
			b.ReportMetric(float64(pages), "pages")
			b.ReportMetric(float64(files), "files")
			b.ReportMetric(float64(bytes)/1e6, "MB")
		})
	}
}
