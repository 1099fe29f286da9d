package site

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/defence-transparency/publish/internal/dataset"
)

// TestDerivedDownloadsCached checks that the CSV and zstd Parquet downloads,
// made from the dataset's Parquet file, and the copy of that file, are
// taken from the cache while the file is unchanged, are the same bytes as
// when written, and are made again when the file changes, the cached files
// of the old one removed.
func TestDerivedDownloadsCached(t *testing.T) {
	in := testInput(t, false)
	in.CacheDir = t.TempDir()
	d := &in.Datasets[0]
	static := func(project, file string) []byte {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(project, "static", "datasets", "military-expenditure", file))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cached := func() []string {
		t.Helper()
		m, _ := filepath.Glob(filepath.Join(in.CacheDir, "downloads", "military-expenditure", "*"))
		return m
	}

	first := t.TempDir()
	if err := Generate(first, in); err != nil {
		t.Fatal(err)
	}
	if n := len(cached()); n != 6 {
		t.Fatalf("%d files in the cache after the first build, want 6 (three downloads and their sums): %v", n, cached())
	}
	// The second build takes the cached file: a cache entry changed by
	// hand shows through (the sum kept beside it is not checked again).
	var csvEntry string
	for _, p := range cached() {
		if filepath.Ext(p) == ".csv" {
			csvEntry = p
		}
	}
	if err := os.WriteFile(csvEntry, []byte("from the cache\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	second := t.TempDir()
	if err := Generate(second, in); err != nil {
		t.Fatal(err)
	}
	if got := string(static(second, "military-expenditure.csv")); got != "from the cache\n" {
		t.Errorf("the second build wrote the CSV again instead of taking it from the cache (%d bytes)", len(got))
	}

	// A new Parquet file: the downloads follow it, and the old entries go.
	tab := dataset.ExpenditureTable(testRecords()[:5])
	tab.SortByKey()
	var buf bytes.Buffer
	if err := dataset.WriteParquet(&buf, tab); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.ParquetPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	d.Table = tab
	third := t.TempDir()
	if err := Generate(third, in); err != nil {
		t.Fatal(err)
	}
	var csv bytes.Buffer
	if err := dataset.WriteCSV(&csv, tab); err != nil {
		t.Fatal(err)
	}
	if got := static(third, "military-expenditure.csv"); !bytes.Equal(got, csv.Bytes()) {
		t.Error("after the Parquet file changed, the CSV download is not its rows")
	}
	if got := static(third, "military-expenditure.parquet"); !bytes.Equal(got, buf.Bytes()) {
		t.Error("after the Parquet file changed, the Parquet download is not the new file")
	}
	if n := len(cached()); n != 6 {
		t.Errorf("%d files in the cache after the change, want the new 6 only: %v", n, cached())
	}
	for _, p := range cached() {
		if p == csvEntry {
			t.Errorf("the old CSV is still cached: %s", p)
		}
	}
}
