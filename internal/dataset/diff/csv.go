package diff

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/defence-transparency/publish/internal/dataset"
)

// CSVWriter writes changes as CSV for spreadsheets: one line per changed
// field, with the kind and class of the change, the row's key, the field,
// and its old and new values as dataset.FormatValue writes them, in full.
// The line of a revised figure also gives the size of the revision:
// difference (new - old, exact on the published digits),
// relative_difference (difference / |old|, 0.05 for 5%) and material
// (true when the revision reaches the materiality thresholds), so that a
// spreadsheet can sort the whole list by size. An added or removed row
// gives one line per non-empty field, with the old or new value empty.
// Lines come in key order. publish diff --csv and the site's changes.csv
// both use it.
type CSVWriter struct {
	w     *csv.Writer
	s     *dataset.Schema
	key   []int
	isKey []bool
	line  []string
}

// NewCSVWriter writes the header line for changes of schema s and returns
// the writer.
func NewCSVWriter(w io.Writer, s *dataset.Schema) (*CSVWriter, error) {
	c := &CSVWriter{w: csv.NewWriter(w), s: s, key: s.KeyIndex(), isKey: make([]bool, len(s.Fields))}
	header := []string{"change", "class"}
	for _, i := range c.key {
		header = append(header, s.Fields[i].Name)
		c.isKey[i] = true
	}
	header = append(header, "field", "old", "new", "difference", "relative_difference", "material")
	if err := c.w.Write(header); err != nil {
		return nil, fmt.Errorf("diff: write csv: %w", err)
	}
	return c, nil
}

// Write writes the lines of one change.
func (c *CSVWriter) Write(ch *Change) error {
	row := ch.Row()
	c.line = append(c.line[:0], ch.Kind.String(), string(ch.Class))
	for _, i := range c.key {
		c.line = append(c.line, dataset.FormatValue(c.s.Fields[i].Type, row[i]))
	}
	n := len(c.line)
	emit := func(field, old, new string, size *Size) error {
		c.line = append(c.line[:n], field, old, new)
		if size != nil {
			c.line = append(c.line, size.AbsText(), strconv.FormatFloat(size.Rel, 'g', -1, 64), strconv.FormatBool(size.Material))
		} else {
			c.line = append(c.line, "", "", "")
		}
		if err := c.w.Write(c.line); err != nil {
			return fmt.Errorf("diff: write csv: %w", err)
		}
		return nil
	}
	if ch.Kind == Changed {
		for _, fc := range ch.Fields {
			f := c.s.Fields[c.s.Index(fc.Field)]
			var size *Size
			if ch.Size != nil && f.Type == dataset.Number && !fc.Old.Null && !fc.New.Null && fc.Old.Num == ch.Size.Old && fc.New.Num == ch.Size.New {
				size = ch.Size
			}
			if err := emit(fc.Field, dataset.FormatValue(f.Type, fc.Old), dataset.FormatValue(f.Type, fc.New), size); err != nil {
				return err
			}
		}
		return nil
	}
	for i, f := range c.s.Fields {
		v := row[i]
		if c.isKey[i] || v.Null {
			continue
		}
		old, new := "", dataset.FormatValue(f.Type, v)
		if ch.Kind == Removed {
			old, new = new, ""
		}
		if err := emit(f.Name, old, new, nil); err != nil {
			return err
		}
	}
	return nil
}

// Flush writes out what is buffered and reports any error so far.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("diff: write csv: %w", err)
	}
	return nil
}
