package dataset

import (
	"cmp"
	"errors"
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

// Batches is a table read a batch at a time in key order, as a
// ParquetReader reads a file's row groups. Next returns the next batch, or
// io.EOF after the last.
type Batches interface {
	Next() (*Table, error)
}

// BatchFunc is a function read as Batches.
type BatchFunc func() (*Table, error)

// Next implements Batches.
func (f BatchFunc) Next() (*Table, error) { return f() }

// EachBatch calls fn with each batch of b in turn, until b's io.EOF or an
// error of either.
func EachBatch(b Batches, fn func(*Table) error) error {
	for {
		t, err := b.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
	}
}

// Whole returns Batches of one batch, t (none when t is nil or empty).
func Whole(t *Table) Batches { return &whole{t} }

type whole struct{ t *Table }

func (w *whole) Next() (*Table, error) {
	t := w.t
	w.t = nil
	if t == nil || t.n == 0 {
		return nil, io.EOF
	}
	return t, nil
}

// Merge reads the rows of several inputs in primary-key order, a batch of
// ParquetRowGroupRows rows at a time; of rows with equal keys, the earlier
// input's comes first. Each input must be sorted by key: a dataset built
// from its sources' records is merged from them, each read a row group at
// a time, and never held whole.
type Merge struct {
	in     []*Cursor
	tables [ReusedTables]*Table
	next   int // of tables, the one Next fills
	batch  int
}

// Cursor walks the rows of Batches one at a time: row I of T is the
// current row, N rows came before it, and Done is set after the last.
type Cursor struct {
	B    Batches
	T    *Table
	I, N int
	Done bool
}

// Fill makes row I of T the next row, reading the next batch when the last
// one is used up; Done is set after the last row.
func (c *Cursor) Fill() error {
	for !c.Done && (c.T == nil || c.I >= c.T.n) {
		t, err := c.B.Next()
		if errors.Is(err, io.EOF) {
			c.Done, c.T = true, nil
			return nil
		}
		if err != nil {
			return err
		}
		c.T, c.I = t, 0
	}
	return nil
}

// Advance moves past the current row.
func (c *Cursor) Advance() { c.I, c.N = c.I+1, c.N+1 }

// NewMerge returns the rows of the inputs, whose batches have schema s, in
// key order.
func NewMerge(s *Schema, inputs ...Batches) *Merge {
	m := &Merge{batch: ParquetRowGroupRows}
	for _, b := range inputs {
		m.in = append(m.in, &Cursor{B: b})
	}
	for k := range m.tables {
		m.tables[k] = NewTable(s, 0)
	}
	return m
}

// Next returns the next ParquetRowGroupRows rows (the last batch may hold
// fewer) as a table, or io.EOF after the last. It fills the table it
// returned ReusedTables calls before, as a ParquetReader that reuses its
// tables does: a caller may use the table it returns and the one before.
func (m *Merge) Next() (*Table, error) {
	t := m.tables[m.next]
	t.emptyRows()
	for t.n < m.batch {
		var best *Cursor
		for _, in := range m.in {
			if err := in.Fill(); err != nil {
				return nil, err
			}
			if !in.Done && t.Schema != in.T.Schema && !t.Schema.SameFields(in.T.Schema) {
				return nil, fmt.Errorf("dataset: merge: tables have different schemas")
			}
			if !in.Done && (best == nil || CompareKey(in.T, in.I, best.T, best.I) < 0) {
				best = in
			}
		}
		if best == nil {
			break
		}
		t.appendFrom(best.T, best.I)
		best.Advance()
	}
	if t.n == 0 {
		return nil, io.EOF
	}
	m.next = (m.next + 1) % len(m.tables)
	return t, nil
}

// appendFrom appends row i of u, which has t's fields.
func (t *Table) appendFrom(u *Table, i int) {
	for col, k := range t.Schema.fieldKinds() {
		c, uc := &t.Columns[col], &u.Columns[col]
		switch k {
		case kindString:
			c.Strings = append(c.Strings, uc.Strings[i])
		case kindInteger:
			c.Ints = append(c.Ints, uc.Ints[i])
		case kindNumber:
			c.Numbers = append(c.Numbers, uc.Numbers[i])
		default:
			c.Bools = append(c.Bools, uc.Bools[i])
		}
		c.appendValid(t.n, uc.Valid == nil || uc.Valid[i])
	}
	t.n++
}
