package dataset

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// keyTypes has a key field of every type.
var keyTypes = &Schema{
	PrimaryKey: []string{"s", "i", "x", "b", "d"},
	Fields: []Field{
		{Name: "payload", Type: Integer, Required: true},
		{Name: "s", Type: String, Required: true},
		{Name: "i", Type: Integer, Required: true},
		{Name: "x", Type: Number, Required: true},
		{Name: "b", Type: Boolean, Required: true},
		{Name: "d", Type: Date, Required: true},
	},
}

// randomKeyTable returns n rows whose key fields take about distinct
// values each, with duplicates, NaN, zero of both signs and, if wide,
// integers spread over the whole int64 range.
func randomKeyTable(t *testing.T, n, distinct int, wide bool, seed uint64) *Table {
	rng := rand.New(rand.NewPCG(seed, 1))
	floats := []float64{math.NaN(), math.Copysign(0, -1), 0, math.Inf(-1), math.Inf(1), -1.5, math.MaxFloat64}
	ints := []int64{math.MinInt64, math.MaxInt64, -1, 0}
	rows := make([]Row, n)
	for k := range rows {
		x := float64(rng.IntN(distinct)) / 7
		if rng.IntN(10) == 0 {
			x = floats[rng.IntN(len(floats))]
		}
		i := int64(rng.IntN(distinct)) - 5
		if wide {
			i *= 1_000_003
			if rng.IntN(10) == 0 {
				i = ints[rng.IntN(len(ints))]
			}
		}
		rows[k] = Row{
			integer(int64(k)),
			str("k" + strconv.Itoa(rng.IntN(distinct))),
			integer(i),
			num(x),
			boolean(rng.IntN(2) == 0),
			str(daysDate(int32(rng.IntN(distinct)))),
		}
	}
	return tableOf(t, keyTypes, rows)
}

func TestKeyOrder(t *testing.T) {
	tests := []struct {
		name        string
		n, distinct int
		wide        bool
	}{
		{"empty", 0, 1, false},
		{"one row", 1, 1, true},
		{"all equal", 100, 1, false},
		{"few distinct", 5000, 3, false},
		{"few distinct, wide integers", 5000, 3, true},
		{"many distinct", 5000, 5000, true},
		// 16 bits for each of four fields and 2 for the boolean
		{"key wider than 64 bits", 40000, 1 << 20, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := randomKeyTable(t, tt.n, tt.distinct, tt.wide, uint64(tt.n+tt.distinct))
			key := tab.Schema.KeyIndex()
			want := identity(tab.Len())
			slices.SortStableFunc(want, func(a, b int) int { return compareAt(tab, a, tab, b, key) })
			if diff := cmp.Diff(want, tab.keyOrder()); diff != "" {
				t.Errorf("keyOrder() differs from a stable sort by CompareKey (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSortByKey(t *testing.T) {
	tab := randomKeyTable(t, 3000, 20, true, 9)
	want := tab.Select(tab.keyOrder())
	tab.SortByKey()
	if diff := tableDiff(want, tab); diff != "" {
		t.Errorf("SortByKey() differs (-want +got):\n%s", diff)
	}
	for i := 1; i < tab.Len(); i++ {
		if c := CompareKey(tab, i-1, tab, i); c > 0 || (c == 0 && tab.Columns[0].Ints[i-1] > tab.Columns[0].Ints[i]) {
			t.Fatalf("rows %d and %d out of order after SortByKey (or equal keys reordered)", i-1, i)
		}
	}
}
