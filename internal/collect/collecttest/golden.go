package collecttest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/dataset"
)

// Golden compares the rows of tab, in its order, with those of the golden
// file path, a CSV file as dataset.WriteCSV writes it, read back with tab's
// schema. With update set it first writes tab to path (the -update flag of
// a collector's tests), so that a change of fixtures or parser shows in
// review as a change of the file. A difference fails the test.
func Golden(t testing.TB, path string, tab *dataset.Table, update bool) {
	t.Helper()
	if update {
		var b bytes.Buffer
		if err := dataset.WriteCSV(&b, tab); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (generate with -update)", err)
	}
	defer f.Close()
	want, err := dataset.ReadCSV(f, tab.Schema)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if diff := cmp.Diff(Rows(want), Rows(tab)); diff != "" {
		t.Errorf("rows mismatch with %s (-want +got):\n%s", path, diff)
	}
}

// Rows returns the rows of tab, in its order, for cmp.Diff.
func Rows(tab *dataset.Table) []dataset.Row {
	var rs []dataset.Row
	for i := range tab.Len() {
		rs = append(rs, tab.Row(i))
	}
	return rs
}
