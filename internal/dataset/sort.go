package dataset

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
)

// keyOrder returns the row indexes in primary-key order (as CompareKey
// orders rows), rows with equal keys in their original order.
//
// Comparing rows field by field costs tens of nanoseconds a comparison, and
// a stable sort of 2,000,000 rows makes some 10^8 of them. Instead each key
// column is replaced by the rank of each row's value among the column's
// distinct values (which orders rows the same way); when the ranks of all
// key columns fit together in 64 bits, each row's key is one integer and a
// radix sort, which is stable, orders them in a few linear passes.
func (t *Table) keyOrder() []int {
	key := t.Schema.KeyIndex()
	ranks := make([][]uint32, len(key))
	width := 0 // bits of the packed key
	widths := make([]int, len(key))
	for k, col := range key {
		var n uint32
		ranks[k], n = columnRanks(t, col)
		widths[k] = bits.Len32(n)
		width += widths[k]
	}
	if width <= 64 {
		packed := make([]uint64, t.n)
		for k := range key {
			for i, r := range ranks[k] {
				packed[i] = packed[i]<<widths[k] | uint64(r)
			}
			ranks[k] = nil // free as we go
		}
		return radixOrder(packed, width)
	}
	perm := identity(t.n)
	slices.SortFunc(perm, func(a, b int) int {
		for _, r := range ranks {
			if c := cmp.Compare(r[a], r[b]); c != 0 {
				return c
			}
		}
		return cmp.Compare(a, b) // keeps equal keys in their order
	})
	return perm
}

// columnRanks returns each row's rank in column col: 0 for null, then 1,
// 2, ... for the column's distinct values in CompareValues order. n is one
// more than the highest rank.
func columnRanks(t *Table, col int) (ranks []uint32, n uint32) {
	c := &t.Columns[col]
	ranks = make([]uint32, t.n)
	valid := func(i int) bool { return c.Valid == nil || c.Valid[i] }
	switch t.Schema.Fields[col].Type {
	case Boolean:
		for i, b := range c.Bools {
			switch {
			case !valid(i):
				ranks[i] = 0
			case b:
				ranks[i] = 2
			default:
				ranks[i] = 1
			}
		}
		return ranks, 3
	case Integer:
		lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
		for i, v := range c.Ints {
			if valid(i) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
		// A narrow range, such as years, ranks by offset with no lookup.
		if lo <= hi && uint64(hi-lo) < 1<<24 {
			for i, v := range c.Ints {
				if valid(i) {
					ranks[i] = uint32(v-lo) + 1
				}
			}
			return ranks, uint32(hi-lo) + 2
		}
		return ranks, rankBy(ranks, c.Ints, valid, func(v int64) int64 { return v }, cmp.Compare[int64])
	case Number:
		// Equal for CompareValues means equal for the map too: every NaN
		// is one key and -0 is 0.
		norm := func(x float64) uint64 {
			switch {
			case math.IsNaN(x):
				return math.Float64bits(math.NaN())
			case x == 0:
				return 0
			}
			return math.Float64bits(x)
		}
		return ranks, rankBy(ranks, c.Numbers, valid, norm, cmp.Compare[float64])
	default: // String, Date
		return ranks, rankBy(ranks, c.Strings, valid, func(s string) string { return s }, cmp.Compare[string])
	}
}

// rankBy ranks values whose map key is norm(v) and whose order is compare,
// writing ranks and returning one more than the highest.
func rankBy[V any, K comparable](ranks []uint32, values []V, valid func(int) bool, norm func(V) K, compare func(a, b V) int) uint32 {
	// First number the distinct values as they appear; runs of one value
	// are common, so the previous one is checked before the map.
	ids := map[K]uint32{}
	var distinct []V
	var last K
	var lastID uint32
	for i, v := range values {
		if !valid(i) {
			ranks[i] = 0
			continue
		}
		k := norm(v)
		if lastID == 0 || k != last {
			id, ok := ids[k]
			if !ok {
				distinct = append(distinct, v)
				id = uint32(len(distinct))
				ids[k] = id
			}
			last, lastID = k, id
		}
		ranks[i] = lastID
	}
	// Then renumber them in sorted order.
	order := make([]uint32, len(distinct)) // order[r] = id of rank r+1
	for r := range order {
		order[r] = uint32(r + 1)
	}
	slices.SortFunc(order, func(a, b uint32) int { return compare(distinct[a-1], distinct[b-1]) })
	rankOf := make([]uint32, len(distinct)+1)
	for r, id := range order {
		rankOf[id] = uint32(r + 1)
	}
	for i, id := range ranks {
		ranks[i] = rankOf[id]
	}
	return uint32(len(distinct)) + 1
}

// radixOrder returns the indexes of keys, whose values use the low width
// bits, sorted by key; a least-significant-digit radix sort is stable, so
// equal keys keep their order.
func radixOrder(keys []uint64, width int) []int {
	const digit = 11
	n := len(keys)
	perm := identity(n)
	if width == 0 || n < 2 {
		return perm
	}
	// The keys move with their indexes, so each pass reads them in order.
	keys = slices.Clone(keys)
	tmp, ktmp := make([]int, n), make([]uint64, n)
	var count [1 << digit]int
	for shift := 0; shift < width; shift += digit {
		clear(count[:])
		for _, k := range keys {
			count[k>>shift&(1<<digit-1)]++
		}
		sum := 0
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		for j, k := range keys {
			d := k >> shift & (1<<digit - 1)
			tmp[count[d]] = perm[j]
			ktmp[count[d]] = k
			count[d]++
		}
		perm, tmp = tmp, perm
		keys, ktmp = ktmp, keys
	}
	return perm
}

// identity returns the row indexes 0..n-1 in order.
func identity(n int) []int {
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	return perm
}

// permute reorders the rows so that row k is the old row perm[k]. Unlike
// Select it replaces one column at a time, so that sorting holds one spare
// column rather than a second table.
func (t *Table) permute(perm []int) {
	for col := range t.Columns {
		t.Columns[col] = t.Columns[col].gather(perm)
	}
}

// KeyOrder returns the row indexes in primary-key order, rows with equal
// keys in their original order, leaving the table as it is.
func (t *Table) KeyOrder() []int { return t.keyOrder() }

// Merge reads the rows of several tables in primary-key order, rows with
// equal keys in the order of the tables and then of their rows (what
// Concat followed by SortByKey gives), a batch at a time, without copying
// them into one table: a dataset built from its sources' records is
// written and compared from them, and never held twice.
type Merge struct {
	ts     []*Table
	offset []int // of each table's rows in the tables' concatenation
	order  []int // rows in key order, as indexes in the concatenation
	pos    int
	batch  int
	tables [ReusedTables]*Table
	next   int // of tables, the one Next fills
}

// NewMerge returns the rows of tables, which must share a schema, in key
// order, ParquetRowGroupRows at a time. Tables not sorted by key are
// sorted (SortByKey); nil tables are skipped. The tables must not change
// while the Merge is in use.
func NewMerge(s *Schema, tables ...*Table) (*Merge, error) {
	m := &Merge{offset: []int{0}, batch: ParquetRowGroupRows}
	for _, u := range tables {
		if u == nil {
			continue
		}
		if u.Schema != s && !u.Schema.SameFields(s) {
			return nil, fmt.Errorf("dataset: merge: tables have different schemas")
		}
		if err := u.Check(); err != nil {
			return nil, err
		}
		u.SortByKey() // stable: equal keys keep their order
		m.ts = append(m.ts, u)
		m.offset = append(m.offset, m.offset[len(m.offset)-1]+u.n)
	}
	m.order = mergeOrder(m.ts, m.offset)
	for k := range m.tables {
		m.tables[k] = NewTable(s, 0)
	}
	return m, nil
}

// mergeOrder returns the rows of the sorted tables ts in key order, each as
// its index in the tables' concatenation (offset holds where each table's
// rows start); of equal keys, the earlier table's row comes first.
func mergeOrder(ts []*Table, offset []int) []int {
	total := offset[len(offset)-1]
	if len(ts) <= 1 {
		return identity(total)
	}
	order := make([]int, 0, total)
	next := make([]int, len(ts)) // each table's next row
	for len(order) < total {
		best := -1
		for k, u := range ts {
			if next[k] == u.n {
				continue
			}
			if best < 0 || CompareKey(u, next[k], ts[best], next[best]) < 0 {
				best = k
			}
		}
		order = append(order, offset[best]+next[best])
		next[best]++
	}
	return order
}

// Len returns the number of rows.
func (m *Merge) Len() int { return len(m.order) }

// Reset makes Next start again from the first row.
func (m *Merge) Reset() { m.pos = 0 }

// Next returns the next ParquetRowGroupRows rows (the last batch may hold
// fewer) as a table, or io.EOF after the last. It fills the table it
// returned ReusedTables calls before, as a ParquetReader that reuses its
// tables does: a caller may use the table it returns and the one before.
func (m *Merge) Next() (*Table, error) {
	if m.pos >= len(m.order) {
		return nil, io.EOF
	}
	rows := m.order[m.pos:min(m.pos+m.batch, len(m.order))]
	m.pos += len(rows)
	t := m.tables[m.next]
	m.next = (m.next + 1) % len(m.tables)
	for col, f := range t.Schema.Fields {
		c := &t.Columns[col]
		switch f.Type {
		case String, Date:
			c.Strings = mergeValues(c.Strings[:0], m, rows, column(m.ts, col, func(c *Column) []string { return c.Strings }), "")
		case Integer:
			c.Ints = mergeValues(c.Ints[:0], m, rows, column(m.ts, col, func(c *Column) []int64 { return c.Ints }), 0)
		case Number:
			c.Numbers = mergeValues(c.Numbers[:0], m, rows, column(m.ts, col, func(c *Column) []float64 { return c.Numbers }), 0)
		case Boolean:
			c.Bools = mergeValues(c.Bools[:0], m, rows, column(m.ts, col, func(c *Column) []bool { return c.Bools }), false)
		}
		valid := column(m.ts, col, func(c *Column) []bool { return c.Valid })
		if slices.ContainsFunc(valid, func(v []bool) bool { return v != nil }) {
			// A table without a validity slice has no null.
			c.Valid = mergeValues(c.Valid[:0], m, rows, valid, true)
			if !slices.Contains(c.Valid, false) {
				c.Valid = c.Valid[:0:0]
			}
		}
		if len(c.Valid) == 0 {
			c.Valid = nil
		}
	}
	t.n = len(rows)
	return t, nil
}

// column returns one column's slice of values of each table.
func column[T any](ts []*Table, col int, values func(*Column) []T) [][]T {
	all := make([][]T, len(ts))
	for k, u := range ts {
		all[k] = values(&u.Columns[col])
	}
	return all
}

// mergeValues appends to dst the values of the given rows of the merge's
// tables, whose values of the column are all; a table's nil slice stands
// for fill in every row.
func mergeValues[T any](dst []T, m *Merge, rows []int, all [][]T, fill T) []T {
	k := 0
	for _, i := range rows {
		// The tables' rows interleave in runs: look at the table of the
		// previous row first.
		if i < m.offset[k] || i >= m.offset[k+1] {
			k = 0
			for i >= m.offset[k+1] {
				k++
			}
		}
		if all[k] == nil {
			dst = append(dst, fill)
			continue
		}
		dst = append(dst, all[k][i-m.offset[k]])
	}
	return dst
}
