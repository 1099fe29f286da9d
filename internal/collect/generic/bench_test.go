package generic

import (
	"os"
	"testing"

	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/realdata"
)

// BenchmarkCSVMilex collects the scraped UN Milex file (5,209 rows, 0.8 MB)
// through its configured CSV source, from memory.
func BenchmarkCSVMilex(b *testing.B) {
	path := realdata.Path(b, "unoda_milex", "un_milex_reports_1998-2024_scraped.csv")
	body, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	src := sourceNamed(b, readSources(b, realdataFile), "un-milex-scraped")
	src.URLs = []string{"https://example.org/milex.csv"}
	docs := map[string][]byte{src.URLs[0]: body}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, _, err := run(b, &collecttest.MapFetcher{Docs: docs}, src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkXLSXInform collects the INFORM trend workbook (1,910 rows)
// through its configured xlsx source, from memory.
func BenchmarkXLSXInform(b *testing.B) {
	body, err := os.ReadFile(realdata.Path(b, "inform", "INFORM2024_TREND_2015_2024_v70_ALL.xlsx"))
	if err != nil {
		b.Fatal(err)
	}
	src := sourceNamed(b, readSources(b, sourcesFile), "inform-risk")
	docs := map[string][]byte{src.URLs[0]: body}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, _, err := run(b, &collecttest.MapFetcher{Docs: docs}, src); err != nil {
			b.Fatal(err)
		}
	}
}
