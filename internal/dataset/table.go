package dataset

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

// Column holds one field's values. Exactly one of the value slices is used,
// chosen by the field's type: Strings for String and Date, Ints for Integer,
// Numbers for Number, Bools for Boolean.
type Column struct {
	Strings []string
	Ints    []int64
	Numbers []float64
	Bools   []bool
	// Valid is nil when no value is null; otherwise Valid[i] is false where
	// row i is null.
	Valid []bool
}

// Value is one cell, for code that handles rows generically (readers, diffs,
// generic collectors). Typed code appends to the columns directly.
type Value struct {
	Null bool
	Str  string // String and Date (YYYY-MM-DD)
	Int  int64
	Num  float64
	Bool bool
}

// Row is one record as values in schema order.
type Row []Value

// Table is a column-oriented set of records of one schema. The zero value is
// not usable; make one with NewTable.
type Table struct {
	Schema  *Schema
	Columns []Column
	n       int
}

// NewTable returns an empty table with room for capacity rows.
func NewTable(s *Schema, capacity int) *Table {
	t := &Table{Schema: s, Columns: make([]Column, len(s.Fields))}
	for i, f := range s.Fields {
		c := &t.Columns[i]
		switch f.Type {
		case String, Date:
			c.Strings = make([]string, 0, capacity)
		case Integer:
			c.Ints = make([]int64, 0, capacity)
		case Number:
			c.Numbers = make([]float64, 0, capacity)
		case Boolean:
			c.Bools = make([]bool, 0, capacity)
		}
	}
	return t
}

// Len returns the number of rows.
func (t *Table) Len() int { return t.n }

// AppendRow appends one row. It fails if the row has the wrong number of
// values or a null in a required field.
func (t *Table) AppendRow(r Row) error {
	if len(r) != len(t.Schema.Fields) {
		return fmt.Errorf("dataset: append row: %d values for %d fields", len(r), len(t.Schema.Fields))
	}
	for i, f := range t.Schema.Fields {
		if r[i].Null && f.Required {
			return fmt.Errorf("dataset: append row: required field %q is null", f.Name)
		}
	}
	for i, f := range t.Schema.Fields {
		t.appendValue(i, f.Type, r[i])
	}
	t.n++
	return nil
}

func (t *Table) appendValue(col int, typ Type, v Value) {
	c := &t.Columns[col]
	switch typ {
	case String, Date:
		c.Strings = append(c.Strings, v.Str)
	case Integer:
		c.Ints = append(c.Ints, v.Int)
	case Number:
		c.Numbers = append(c.Numbers, v.Num)
	case Boolean:
		c.Bools = append(c.Bools, v.Bool)
	}
	c.appendValid(t.n, !v.Null)
}

// appendValid records the validity of row n, allocating Valid at the first
// null so that columns without nulls carry no validity slice.
func (c *Column) appendValid(n int, valid bool) {
	if c.Valid == nil {
		if valid {
			return
		}
		c.Valid = make([]bool, n, cap(c.Strings)+cap(c.Ints)+cap(c.Numbers)+cap(c.Bools))
		for i := range c.Valid {
			c.Valid[i] = true
		}
	}
	c.Valid = append(c.Valid, valid)
}

// IsNull reports whether row i of column col is null.
func (t *Table) IsNull(i, col int) bool {
	v := t.Columns[col].Valid
	return v != nil && !v[i]
}

// Value returns row i of column col.
func (t *Table) Value(i, col int) Value {
	if t.IsNull(i, col) {
		return Value{Null: true}
	}
	c := &t.Columns[col]
	switch t.Schema.Fields[col].Type {
	case String, Date:
		return Value{Str: c.Strings[i]}
	case Integer:
		return Value{Int: c.Ints[i]}
	case Number:
		return Value{Num: c.Numbers[i]}
	default:
		return Value{Bool: c.Bools[i]}
	}
}

// Row returns row i as values.
func (t *Table) Row(i int) Row {
	r := make(Row, len(t.Columns))
	for col := range t.Columns {
		r[col] = t.Value(i, col)
	}
	return r
}

// Text returns row i of column col as text, as CSV files and diffs show it:
// the empty string for null, numbers in the shortest form that reads back to
// the same float64 and never in exponent notation.
func (t *Table) Text(i, col int) string {
	return FormatValue(t.Schema.Fields[col].Type, t.Value(i, col))
}

// FormatValue returns v as text for a field of type typ (see Table.Text).
func FormatValue(typ Type, v Value) string {
	if v.Null {
		return ""
	}
	switch typ {
	case Integer:
		return strconv.FormatInt(v.Int, 10)
	case Number:
		return strconv.FormatFloat(v.Num, 'f', -1, 64)
	case Boolean:
		return strconv.FormatBool(v.Bool)
	default:
		return v.Str
	}
}

// CompareValues orders two values of one type, nulls first.
func CompareValues(typ Type, a, b Value) int {
	if a.Null || b.Null {
		switch {
		case a.Null && b.Null:
			return 0
		case a.Null:
			return -1
		default:
			return 1
		}
	}
	switch typ {
	case Integer:
		return cmp.Compare(a.Int, b.Int)
	case Number:
		return cmp.Compare(a.Num, b.Num)
	case Boolean:
		switch {
		case a.Bool == b.Bool:
			return 0
		case !a.Bool:
			return -1
		default:
			return 1
		}
	default:
		return cmp.Compare(a.Str, b.Str)
	}
}

// compareAt orders row i of t against row j of u on the given columns, which
// must have the same types in both tables.
func compareAt(t *Table, i int, u *Table, j int, cols []int) int {
	for _, col := range cols {
		if c := CompareField(t, i, u, j, col); c != 0 {
			return c
		}
	}
	return 0
}

// CompareField orders row i of t against row j of u on one column, nulls
// first, without building Values: the diff calls it for every field of
// every row.
func CompareField(t *Table, i int, u *Table, j int, col int) int {
	tc, uc := &t.Columns[col], &u.Columns[col]
	if tc.Valid != nil || uc.Valid != nil {
		tn, un := tc.Valid != nil && !tc.Valid[i], uc.Valid != nil && !uc.Valid[j]
		switch {
		case tn && un:
			return 0
		case tn:
			return -1
		case un:
			return 1
		}
	}
	switch t.Schema.fieldKinds()[col] {
	case kindString:
		return cmp.Compare(tc.Strings[i], uc.Strings[j])
	case kindInteger:
		return cmp.Compare(tc.Ints[i], uc.Ints[j])
	case kindNumber:
		return cmp.Compare(tc.Numbers[i], uc.Numbers[j])
	default:
		a, b := tc.Bools[i], uc.Bools[j]
		switch {
		case a == b:
			return 0
		case !a:
			return -1
		}
		return 1
	}
}

// CompareKey orders row i of t against row j of u by primary key. Both tables
// must share a schema.
func CompareKey(t *Table, i int, u *Table, j int) int {
	return compareAt(t, i, u, j, t.Schema.KeyIndex())
}

// IsSorted reports whether the rows are in strictly increasing key order,
// which also means the keys are unique.
func (t *Table) IsSorted() bool {
	key := t.Schema.KeyIndex()
	for i := 1; i < t.n; i++ {
		if compareAt(t, i-1, t, i, key) >= 0 {
			return false
		}
	}
	return true
}

// SortByKey orders the rows by primary key. Rows with equal keys keep their
// order, so validation can report the duplicates.
func (t *Table) SortByKey() {
	if t.IsSorted() {
		return
	}
	t.permute(t.keyOrder())
}

// emptyRows empties t, keeping its columns' capacity for the rows that
// fill it next, and returns the columns' Valid slices (nil where a column
// had none), which the caller may reuse.
func (t *Table) emptyRows() [][]bool {
	valid := make([][]bool, len(t.Columns))
	for i := range t.Columns {
		c := &t.Columns[i]
		valid[i], c.Valid = c.Valid, nil
		c.Strings, c.Ints, c.Numbers, c.Bools = c.Strings[:0], c.Ints[:0], c.Numbers[:0], c.Bools[:0]
	}
	t.n = 0
	return valid
}

// Select returns a new table holding the given rows of t, in that order.
func (t *Table) Select(rows []int) *Table {
	u := &Table{Schema: t.Schema, Columns: make([]Column, len(t.Columns)), n: len(rows)}
	for col := range t.Columns {
		dst := &u.Columns[col]
		*dst = t.Columns[col].gather(rows)
		if dst.Valid != nil && !slices.Contains(dst.Valid, false) {
			dst.Valid = nil
		}
	}
	return u
}

// gather returns the given rows of c, in that order.
func (c *Column) gather(rows []int) Column {
	return Column{
		Strings: gather(c.Strings, rows),
		Ints:    gather(c.Ints, rows),
		Numbers: gather(c.Numbers, rows),
		Bools:   gather(c.Bools, rows),
		Valid:   gather(c.Valid, rows),
	}
}

func gather[T any](src []T, rows []int) []T {
	if src == nil {
		return nil
	}
	dst := make([]T, len(rows))
	for k, i := range rows {
		dst[k] = src[i]
	}
	return dst
}

// Filter returns a new table holding the rows for which keep is true.
func (t *Table) Filter(keep func(i int) bool) *Table {
	var rows []int
	for i := 0; i < t.n; i++ {
		if keep(i) {
			rows = append(rows, i)
		}
	}
	return t.Select(rows)
}

// Concat returns the rows of all tables, in order, as one table. The tables
// must share a schema; nil tables are skipped.
func Concat(s *Schema, tables ...*Table) (*Table, error) {
	total := 0
	for _, u := range tables {
		if u == nil {
			continue
		}
		if u.Schema != s && !u.Schema.SameFields(s) {
			return nil, fmt.Errorf("dataset: concat: tables have different schemas")
		}
		total += u.n
	}
	t := NewTable(s, total)
	for _, u := range tables {
		if u == nil {
			continue
		}
		for col := range t.Columns {
			dst, src := &t.Columns[col], &u.Columns[col]
			if src.Valid != nil || dst.Valid != nil {
				if dst.Valid == nil {
					dst.Valid = make([]bool, t.n, total)
					for i := range dst.Valid {
						dst.Valid[i] = true
					}
				}
				if src.Valid != nil {
					dst.Valid = append(dst.Valid, src.Valid...)
				} else {
					for range u.n {
						dst.Valid = append(dst.Valid, true)
					}
				}
			}
			dst.Strings = append(dst.Strings, src.Strings...)
			dst.Ints = append(dst.Ints, src.Ints...)
			dst.Numbers = append(dst.Numbers, src.Numbers...)
			dst.Bools = append(dst.Bools, src.Bools...)
		}
		t.n += u.n
	}
	return t, nil
}

// Check verifies that every column holds Len values of its field's type.
func (t *Table) Check() error {
	for col, f := range t.Schema.Fields {
		c := &t.Columns[col]
		var n int
		switch f.Type {
		case String, Date:
			n = len(c.Strings)
		case Integer:
			n = len(c.Ints)
		case Number:
			n = len(c.Numbers)
		case Boolean:
			n = len(c.Bools)
		}
		if n != t.n || (c.Valid != nil && len(c.Valid) != t.n) {
			return fmt.Errorf("dataset: column %q has %d values, want %d", f.Name, n, t.n)
		}
	}
	return nil
}

// SetLen sets the row count after code in this package's callers filled the
// columns directly; it returns Check's verdict.
func (t *Table) SetLen(n int) error {
	t.n = n
	return t.Check()
}
