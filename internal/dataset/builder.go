package dataset

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Builder appends rows to a table field by field, by name. Hand-written
// collectors set typed values; configured collectors set text, which
// Builder parses by the field's type. Errors stick: after the first, every
// call is a no-op and Add and Table return it.
type Builder struct {
	t   *Table
	row Row
	set []bool
	err error
	n   int // rows added, for messages
	// interns holds, per dictionary field, one copy of each value: a
	// million rows of a configured source then hold a few hundred country
	// names, not a million, and no row keeps the document it was read
	// from alive through a substring of it.
	interns []map[string]string
}

// NewBuilder returns a builder of rows of s.
func NewBuilder(s *Schema) *Builder {
	b := &Builder{t: NewTable(s, 0), row: make(Row, len(s.Fields)), set: make([]bool, len(s.Fields)),
		interns: make([]map[string]string, len(s.Fields))}
	for i, f := range s.Fields {
		if f.Dictionary && (f.Type == String || f.Type == Date) {
			b.interns[i] = map[string]string{}
		}
	}
	return b
}

// intern returns the builder's copy of s for field i, when the field is a
// dictionary field.
func (b *Builder) intern(i int, s string) string {
	m := b.interns[i]
	if m == nil || s == "" {
		return s
	}
	if v, ok := m[s]; ok {
		return v
	}
	if len(m) >= maxInterned {
		return s
	}
	s = strings.Clone(s)
	m[s] = s
	return s
}

func (b *Builder) field(name string) int {
	if b.err != nil {
		return -1
	}
	i := b.t.Schema.Index(name)
	if i < 0 {
		b.err = fmt.Errorf("dataset: row %d: no field %q", b.n+1, name)
	}
	return i
}

func (b *Builder) put(name string, typ Type, v Value) *Builder {
	i := b.field(name)
	if i < 0 {
		return b
	}
	if ft := b.t.Schema.Fields[i].Type; ft != typ && !(ft == Date && typ == String) {
		b.err = fmt.Errorf("dataset: row %d: field %q is %s, not %s", b.n+1, name, ft, typ)
		return b
	}
	v.Str = b.intern(i, v.Str)
	b.row[i], b.set[i] = v, true
	return b
}

// String sets a string or date field; the empty string is null.
func (b *Builder) String(name, v string) *Builder {
	return b.put(name, String, Value{Str: v, Null: v == ""})
}

// Int sets an integer field.
func (b *Builder) Int(name string, v int64) *Builder { return b.put(name, Integer, Value{Int: v}) }

// Number sets a number field.
func (b *Builder) Number(name string, v float64) *Builder { return b.put(name, Number, Value{Num: v}) }

// Null sets a field to null.
func (b *Builder) Null(name string) *Builder {
	i := b.field(name)
	if i >= 0 {
		b.row[i], b.set[i] = Value{Null: true}, true
	}
	return b
}

// Text sets a field from text, parsed by the field's type: integers and
// numbers as Go parses them (configured collectors normalise decimal commas
// and thousands separators first), booleans as true/false/yes/no/1/0, dates
// as YYYY-MM-DD. Empty text (after trimming spaces) is null.
func (b *Builder) Text(name, text string) *Builder {
	i := b.field(name)
	if i < 0 {
		return b
	}
	v, err := parseText(b.t.Schema.Fields[i].Type, text)
	if err != nil {
		b.err = fmt.Errorf("dataset: row %d: field %q: %w", b.n+1, name, err)
		return b
	}
	v.Str = b.intern(i, v.Str)
	b.row[i], b.set[i] = v, true
	return b
}

// parseText parses text as a value of type typ, leniently (see
// Builder.Text); ParseValue is the strict inverse of FormatValue.
func parseText(typ Type, text string) (Value, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Value{Null: true}, nil
	}
	switch typ {
	case Integer:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return Value{}, fmt.Errorf("%q is not an integer", text)
		}
		return Value{Int: n}, nil
	case Number:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return Value{}, fmt.Errorf("%q is not a number", text)
		}
		return Value{Num: f}, nil
	case Boolean:
		switch strings.ToLower(text) {
		case "true", "yes", "1":
			return Value{Bool: true}, nil
		case "false", "no", "0":
			return Value{Bool: false}, nil
		}
		return Value{}, fmt.Errorf("%q is not a boolean", text)
	case Date:
		if _, err := dateDays(text); err != nil {
			return Value{}, fmt.Errorf("%q is not a date in the form YYYY-MM-DD", text)
		}
		return Value{Str: text}, nil
	default:
		return Value{Str: text}, nil
	}
}

// Add appends the row set so far and starts a new one. Fields not set are
// null, except a field with a Backfill left unset or null, which takes the
// value a file written before it existed holds (an aggregate field false,
// the unit as published the row's unit), so that a configured source
// written before the field existed still works; a required field left null
// is an error.
func (b *Builder) Add() error {
	if b.err != nil {
		return b.err
	}
	for i := range b.t.Schema.Fields {
		if !b.set[i] {
			b.row[i] = Value{Null: true}
		}
	}
	for i, f := range b.t.Schema.Fields {
		if b.row[i].Null && f.Backfill != nil {
			if f.Backfill.From != "" {
				b.row[i] = b.row[b.t.Schema.Index(f.Backfill.From)]
			} else {
				b.row[i] = f.Backfill.Value
			}
		}
		if b.row[i].Null && f.Required {
			b.err = fmt.Errorf("dataset: row %d: required field %q is not set", b.n+1, f.Name)
			return b.err
		}
	}
	if err := b.t.AppendRow(b.row); err != nil {
		b.err = err
		return err
	}
	b.n++
	clear(b.set)
	return nil
}

// Table returns the rows added, or the first error.
func (b *Builder) Table() (*Table, error) {
	if b.err != nil {
		return nil, b.err
	}
	return b.t, nil
}
