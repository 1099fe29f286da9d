package diff

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/dataset"
)

// versionPair returns two versions of rows rows, spanning several row
// groups: the second revises, adds and removes rows, and one year (the
// period) runs through more row groups than a reader keeps.
func versionPair(rows int) (*dataset.Table, *dataset.Table) {
	var a, b []dataset.Expenditure
	for i := range rows {
		year := 1990 + i*5/rows // long runs of one year, across row groups
		r := exp(fmt.Sprintf("C%05d", i), year, "sipri", float64(i), "")
		a = append(a, r)
		switch {
		case i%1000 == 7:
			r.Value++
		case i%1000 == 9:
			r.HasValue, r.Value, r.Missing = false, 0, dataset.MissingNotAvailable
		case i%5000 == 11:
			continue // removed
		}
		b = append(b, r)
		if i%3000 == 5 {
			add := r
			add.Source = "worldbank"
			b = append(b, add)
		}
	}
	return sorted(a...), sorted(b...)
}

func parquetBatches(t *testing.T, tbl *dataset.Table, reuse bool) Batches {
	t.Helper()
	var buf bytes.Buffer
	if err := dataset.WriteParquet(&buf, tbl); err != nil {
		t.Fatal(err)
	}
	r, err := dataset.NewParquetReader(bytes.NewReader(buf.Bytes()), tbl.Schema)
	if err != nil {
		t.Fatal(err)
	}
	if reuse {
		r.ReuseTables()
	}
	return r
}

// Compare over readers that reuse their tables gives what it gives over
// whole tables: it keeps nothing of a batch it has moved past.
func TestCompareOverReusedTables(t *testing.T) {
	old, cur := versionPair(3*dataset.ParquetRowGroupRows + 99) // four row groups: one more than a reader keeps
	type result struct {
		Sum     *Summary
		Changes []string
	}
	compare := func(a, b Batches) result {
		var res result
		var err error
		res.Sum, err = Compare(dataset.ExpenditureSchema, a, b, OptionsFor(dataset.MilitaryExpenditure), func(c *Change) error {
			res.Changes = append(res.Changes, fmt.Sprintf("%s %v -> %v %v", c.Class, c.Old, c.New, c.Fields))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	want := compare(Tables(old), Tables(cur))
	got := compare(parquetBatches(t, old, true), parquetBatches(t, cur, true))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Compare over reused tables differs from Compare over whole tables (-want +got):\n%s", diff)
	}
	if len(want.Sum.NewPeriods) != 5 || want.Sum.Revisions == 0 || want.Sum.Added == 0 || want.Sum.Removed == 0 {
		t.Errorf("the fixture lacks what it is for: %d periods, %+v", len(want.Sum.NewPeriods), want.Sum.Counts)
	}
}
