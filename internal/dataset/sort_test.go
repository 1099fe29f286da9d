package dataset

import (
	"errors"
	"io"
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

// batchesOf returns t's rows in batches of n.
func batchesOf(t *Table, n int) Batches {
	var ts []*Table
	for from := 0; from < t.Len(); from += n {
		ts = append(ts, t.Select(identity(t.Len())[from:min(from+n, t.Len())]))
	}
	return &tableList{ts}
}

type tableList struct{ ts []*Table }

func (l *tableList) Next() (*Table, error) {
	if len(l.ts) == 0 {
		return nil, io.EOF
	}
	t := l.ts[0]
	l.ts = l.ts[1:]
	return t, nil
}

func TestMerge(t *testing.T) {
	split := func(tab *Table, cuts ...int) []*Table {
		var parts []*Table
		from := 0
		for _, to := range append(cuts, tab.Len()) {
			part := tab.Select(identity(tab.Len())[from:to])
			part.SortByKey()
			parts = append(parts, part)
			from = to
		}
		return parts
	}
	tests := []struct {
		name   string
		tables func() []*Table
	}{
		{"equal keys across inputs", func() []*Table { return split(randomKeyTable(t, 3000, 20, true, 3), 1000, 2500) }},
		{"many distinct keys", func() []*Table { return split(randomKeyTable(t, 2000, 5000, false, 4), 700) }},
		{"one input", func() []*Table { return split(randomKeyTable(t, 500, 30, false, 5)) }},
		{"empty inputs", func() []*Table { return split(randomKeyTable(t, 100, 30, false, 6), 0, 100) }},
		{"nulls in some inputs only", func() []*Table {
			rows := allTypesRows()
			return []*Table{tableOf(t, allTypes, rows[4:]), tableOf(t, allTypes, rows[:1]), tableOf(t, allTypes, rows[2:4])}
		}},
		{"no input", func() []*Table { return nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.tables()
			s := keyTypes
			for _, u := range in {
				s = u.Schema
			}
			want, err := Concat(s, in...)
			if err != nil {
				t.Fatal(err)
			}
			want.SortByKey()
			var inputs []Batches
			for k, u := range in {
				if k%2 == 0 {
					inputs = append(inputs, Whole(u))
				} else {
					inputs = append(inputs, batchesOf(u, 100))
				}
			}
			m := NewMerge(s, inputs...)
			m.batch = 128
			got := NewTable(s, 0)
			for {
				b, err := m.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if err := b.Check(); err != nil {
					t.Fatal(err)
				}
				if b.Len() != min(m.batch, want.Len()-got.Len()) {
					t.Errorf("a batch of %d rows after %d of %d, want %d", b.Len(), got.Len(), want.Len(), m.batch)
				}
				if got, err = Concat(s, got, b); err != nil {
					t.Fatal(err)
				}
			}
			if diff := tableDiff(want, got); diff != "" {
				t.Errorf("the merged rows differ from Concat and SortByKey (-want +got):\n%s", diff)
			}
		})
	}
	m := NewMerge(keyTypes, Whole(randomKeyTable(t, 10, 5, false, 7)), Whole(tableOf(t, allTypes, allTypesRows())))
	if _, err := m.Next(); err == nil {
		t.Error("Merge of two schemas succeeded, want an error")
	}
}
