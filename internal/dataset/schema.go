// Package dataset holds the published datasets: their schemas and records,
// validation, the deterministic Parquet, CSV and descriptor files, and the git
// history of their versions.
package dataset

import (
	"fmt"
	"regexp"
	"sync"
)

// Type is a field's type, named as Frictionless Table Schema names it.
type Type string

// The field types a dataset may use.
const (
	String  Type = "string"
	Integer Type = "integer"
	Number  Type = "number"
	Boolean Type = "boolean"
	Date    Type = "date" // held as "YYYY-MM-DD" text in a Table, written as a Parquet DATE
)

// Field describes one column.
type Field struct {
	Name        string
	Title       string
	Description string
	Type        Type
	// Unit says what a number measures ("US$ millions"). Where the unit
	// varies by row, it names the column that holds it.
	Unit string
	// Required fields are never null; they are written as non-nullable.
	Required bool
	// Dictionary marks a low-cardinality column that Parquet writes with
	// dictionary encoding. Only named columns are, so output stays
	// byte-identical (see DESIGN.md).
	Dictionary bool
	Enum       []string       // allowed values, when the set is closed
	Pattern    *regexp.Regexp // allowed form of a string, when open
	Min, Max   *float64       // allowed range of a number or integer
	// Backfill, for a field added after a dataset's first versions, says
	// what it holds in a file written before it existed, which lacks the
	// column: such files are still read, so that old versions can be
	// compared with new ones. Nil means every file must have the field.
	Backfill *Backfill
}

// Backfill is the value of a field in the rows of a file written before the
// field existed.
type Backfill struct {
	Value Value // every row's value (Null for nothing), unless From is set
	// From names a field of the same type whose value the row takes:
	// the unit a figure was published in was the row's unit, before
	// figures were converted.
	From string
}

// Schema is the ordered list of a dataset's fields and its primary key.
type Schema struct {
	Fields     []Field
	PrimaryKey []string
	// Units, when set, gives the one unit of each series, which Validate
	// checks on every row.
	Units *Units

	keyOnce sync.Once
	keyIdx  []int

	kindOnce sync.Once
	kinds    []kind
}

// kind is a field's type as a small number, for the comparisons that run
// for every field of every row (a Type is a string).
type kind uint8

const (
	kindString kind = iota // String and Date
	kindInteger
	kindNumber
	kindBoolean
)

// fieldKinds returns the kind of each field. The slice is shared.
func (s *Schema) fieldKinds() []kind {
	s.kindOnce.Do(func() {
		s.kinds = make([]kind, len(s.Fields))
		for i, f := range s.Fields {
			switch f.Type {
			case Integer:
				s.kinds[i] = kindInteger
			case Number:
				s.kinds[i] = kindNumber
			case Boolean:
				s.kinds[i] = kindBoolean
			}
		}
	})
	return s.kinds
}

// Index returns the position of the named field, or -1.
func (s *Schema) Index(name string) int {
	for i, f := range s.Fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// KeyIndex returns the positions of the primary-key fields in key order.
// The slice is shared: do not modify it.
func (s *Schema) KeyIndex() []int {
	s.keyOnce.Do(func() {
		s.keyIdx = make([]int, len(s.PrimaryKey))
		for i, name := range s.PrimaryKey {
			s.keyIdx[i] = s.Index(name)
		}
	})
	return s.keyIdx
}

// Check reports a schema that cannot be written: duplicate or unknown names,
// or a key field that may be null.
func (s *Schema) Check() error {
	seen := map[string]bool{}
	for _, f := range s.Fields {
		if seen[f.Name] {
			return fmt.Errorf("dataset: schema: duplicate field %q", f.Name)
		}
		seen[f.Name] = true
		switch f.Type {
		case String, Integer, Number, Boolean, Date:
		default:
			return fmt.Errorf("dataset: schema: field %q: unknown type %q", f.Name, f.Type)
		}
	}
	if len(s.PrimaryKey) == 0 {
		return fmt.Errorf("dataset: schema: no primary key")
	}
	for _, f := range s.Fields {
		b := f.Backfill
		switch {
		case b == nil:
		case b.From != "" && (s.Index(b.From) < 0 || s.Fields[s.Index(b.From)].Type != f.Type || s.Fields[s.Index(b.From)].Backfill != nil):
			return fmt.Errorf("dataset: schema: field %q: backfill from %q, which is not an original field of the same type", f.Name, b.From)
		case b.From == "" && b.Value.Null && f.Required:
			return fmt.Errorf("dataset: schema: field %q is required but backfills null", f.Name)
		case b.From != "" && f.Required && !s.Fields[s.Index(b.From)].Required:
			return fmt.Errorf("dataset: schema: field %q is required but backfills from optional %q", f.Name, b.From)
		}
	}
	if u := s.Units; u != nil {
		for _, name := range []string{u.SeriesField, u.UnitField, u.SourceUnitField} {
			if i := s.Index(name); name != "" && (i < 0 || s.Fields[i].Type != String) {
				return fmt.Errorf("dataset: schema: units: %q is not a string field", name)
			}
		}
		if u.SeriesField == "" || u.UnitField == "" {
			return fmt.Errorf("dataset: schema: units: the series and unit fields must be named")
		}
	}
	if i := s.Index(AggregateField); i >= 0 && (s.Fields[i].Type != Boolean || !s.Fields[i].Required) {
		return fmt.Errorf("dataset: schema: %q must be a required boolean", AggregateField)
	}
	for _, k := range s.PrimaryKey {
		i := s.Index(k)
		if i < 0 {
			return fmt.Errorf("dataset: schema: primary key field %q is not a field", k)
		}
		if !s.Fields[i].Required {
			return fmt.Errorf("dataset: schema: primary key field %q must be required", k)
		}
	}
	return nil
}

// Range returns a pointer to v, for Field.Min and Field.Max.
func Range(v float64) *float64 { return &v }

// SameFields reports whether s and o have the same fields, by name and type
// in the same order: rows of one can be read as rows of the other.
func (s *Schema) SameFields(o *Schema) bool {
	if s == o {
		return true
	}
	if len(s.Fields) != len(o.Fields) {
		return false
	}
	for i := range s.Fields {
		if s.Fields[i].Name != o.Fields[i].Name || s.Fields[i].Type != o.Fields[i].Type {
			return false
		}
	}
	return true
}
