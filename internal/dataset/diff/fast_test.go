package diff

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/defence-transparency/publish/internal/dataset"
)

// The merge's typed comparisons agree with dataset.CompareKey and
// dataset.CompareField on rows drawn from few values, nulls and NaN among
// them, so that equal and unequal rows both come up often.
func TestTypedComparisonsAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	row := func() dataset.Expenditure {
		e := dataset.Expenditure{Country: pick("DEU", "FRA"), CountryName: pick("Germany", "France"), Year: 2020 + rng.IntN(2),
			Measure: pick(dataset.MeasureCurrentUSD, dataset.MeasureShareOfGDP), Source: pick("sipri", "worldbank"),
			Unit: pick("US$ m", "percent"), Currency: pick("", "EUR"), Notes: pick("", "§"), Estimate: rng.IntN(2) == 0,
			Value: []float64{1, 2, math.NaN(), 0, math.Copysign(0, -1)}[rng.IntN(5)], HasValue: rng.IntN(4) > 0}
		if !e.HasValue {
			e.Value, e.Missing = 0, pick(dataset.MissingNotAvailable, dataset.MissingDidNotExist)
		}
		return e
	}
	var recs []dataset.Expenditure
	for range 400 {
		recs = append(recs, row())
	}
	tbl := dataset.ExpenditureTable(recs)
	c, err := newComparer(dataset.ExpenditureSchema, OptionsFor(dataset.MilitaryExpenditure))
	if err != nil {
		t.Fatal(err)
	}
	sames := 0
	for i := range tbl.Len() {
		for j := range tbl.Len() {
			if got, want := c.compareKey(tbl, i, tbl, j), dataset.CompareKey(tbl, i, tbl, j); got != want {
				t.Fatalf("rows %d, %d: compareKey = %d, dataset.CompareKey = %d", i, j, got, want)
			}
			want := true
			for _, col := range c.nonKey {
				want = want && dataset.CompareField(tbl, i, tbl, j, col) == 0
			}
			if got := c.same(tbl, i, tbl, j); got != want {
				t.Fatalf("rows %d, %d: same = %v, want %v", i, j, got, want)
			}
			if want && i != j {
				sames++
			}
		}
	}
	if sames == 0 {
		t.Error("no two rows were the same: the test compares nothing equal")
	}
}
