package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/defence-transparency/publish/internal/bench"
	"github.com/defence-transparency/publish/internal/realdata"
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
//	go test -run XXX -bench RealSite -benchtime 3x ./cmd/publish/
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

	var runs []bench.Stats
	var pages, files, bytes int64
	for i := 0; b.Loop(); i++ {
		out := filepath.Join(tmp, "public"+strconv.Itoa(i))
		runs = append(runs, bench.Run(b, bin, "site", "-q", "--sources", sources, "--data", data, "--out", out))
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
	bench.Report(b, "site", bench.Summarize(runs))
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(float64(files), "files")
	b.ReportMetric(float64(bytes)/1e6, "MB")
}
