package dataset

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// CSVMediaType is the media type of the CSV files, as descriptors name it.
const CSVMediaType = "text/csv"

// WriteCSV writes t as CSV: a header of field names, then one record per
// row in the table's order, quoted as RFC 4180 says, with LF line ends and
// UTF-8 without a byte-order mark. Values are as Table.Text gives them:
// null is the empty field, numbers are never in exponent notation.
func WriteCSV(w io.Writer, t *Table) error {
	if err := t.Check(); err != nil {
		return err // says "dataset: column ..."
	}
	cw := newCSVWriter(w, t.Schema)
	if err := cw.rows(t); err != nil {
		return err
	}
	return cw.flush()
}

// WriteCSVFrom writes the rows of a Parquet file as WriteCSV writes a
// table, reading one row group at a time: a large file is never held whole.
func WriteCSVFrom(w io.Writer, r *ParquetReader) error {
	r.ReuseTables() // each row group is written before the next is read
	cw := newCSVWriter(w, r.schema)
	if err := EachBatch(r, cw.rows); err != nil {
		return err
	}
	return cw.flush()
}

// csvWriter writes the header, then the rows of tables.
type csvWriter struct {
	bw  *bufio.Writer
	cw  *csv.Writer
	rec []string
	err error
}

func newCSVWriter(w io.Writer, s *Schema) *csvWriter {
	bw := bufio.NewWriterSize(w, 1<<16)
	c := &csvWriter{bw: bw, cw: csv.NewWriter(bw), rec: make([]string, len(s.Fields))}
	for i, f := range s.Fields {
		c.rec[i] = f.Name
	}
	if err := c.cw.Write(c.rec); err != nil {
		c.err = fmt.Errorf("dataset: write csv: %w", err)
	}
	return c
}

func (c *csvWriter) rows(t *Table) error {
	if c.err != nil {
		return c.err
	}
	rec := c.rec
	for i := range t.Len() {
		for col := range rec {
			rec[col] = t.Text(i, col)
		}
		if len(rec) == 1 && rec[0] == "" {
			// A lone empty field would be a blank line, which CSV
			// readers skip; quote it so the row is not lost.
			c.cw.Flush()
			if _, err := c.bw.WriteString("\"\"\n"); err != nil {
				return fmt.Errorf("dataset: write csv: %w", err)
			}
			continue
		}
		if err := c.cw.Write(rec); err != nil {
			return fmt.Errorf("dataset: write csv: %w", err)
		}
	}
	return nil
}

func (c *csvWriter) flush() error {
	if c.err != nil {
		return c.err
	}
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return fmt.Errorf("dataset: write csv: %w", err)
	}
	if err := c.bw.Flush(); err != nil {
		return fmt.Errorf("dataset: write csv: %w", err)
	}
	return nil
}

// ReadCSV reads CSV with a header row into a table of schema s. The header
// must name each field of s once, in any order. An empty field is null in a
// nullable field and the empty string in a required String field; it is an
// error in any other required field. A leading byte-order mark is skipped.
func ReadCSV(r io.Reader, s *Schema) (*Table, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\uFEFF")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	// FieldsPerRecord 0: every record must have as many fields as the
	// header, which must have one per schema field (checked below).
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("dataset: read csv: no header")
		}
		return nil, fmt.Errorf("dataset: read csv: %w", err)
	}
	// cols[k] is the schema field of CSV column k.
	cols := make([]int, len(header))
	seen := make([]bool, len(s.Fields))
	for k, name := range header {
		i := s.Index(name)
		if i < 0 {
			return nil, fmt.Errorf("dataset: read csv: column %q is not in the schema", name)
		}
		if seen[i] {
			return nil, fmt.Errorf("dataset: read csv: column %q appears twice", name)
		}
		seen[i] = true
		cols[k] = i
	}
	for i, ok := range seen {
		if !ok {
			return nil, fmt.Errorf("dataset: read csv: no column %q", s.Fields[i].Name)
		}
	}

	t := NewTable(s, 0)
	row := make(Row, len(s.Fields))
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("dataset: read csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		for k, text := range rec {
			i := cols[k]
			v, err := ParseValue(s.Fields[i], text)
			if err != nil {
				return nil, fmt.Errorf("dataset: read csv: line %d: %w", line, err)
			}
			row[i] = v
		}
		if err := t.AppendRow(row); err != nil {
			return nil, fmt.Errorf("dataset: read csv: line %d: %w", line, err)
		}
	}
	return t, nil
}

// ParseValue parses text as a value of field f, the inverse of FormatValue:
// the empty string is null unless f is a required String field, integers
// and numbers are decimal, booleans are true or false, dates YYYY-MM-DD.
func ParseValue(f Field, text string) (Value, error) {
	if text == "" {
		if f.Required && f.Type == String {
			return Value{}, nil
		}
		if f.Required {
			return Value{}, fmt.Errorf("field %q: required value is empty", f.Name)
		}
		return Value{Null: true}, nil
	}
	switch f.Type {
	case Integer:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return Value{}, fmt.Errorf("field %q: %q is not an integer", f.Name, text)
		}
		return Value{Int: n}, nil
	case Number:
		x, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return Value{}, fmt.Errorf("field %q: %q is not a number", f.Name, text)
		}
		return Value{Num: x}, nil
	case Boolean:
		switch text {
		case "true":
			return Value{Bool: true}, nil
		case "false":
			return Value{Bool: false}, nil
		}
		return Value{}, fmt.Errorf("field %q: %q is not true or false", f.Name, text)
	case Date:
		if _, err := dateDays(text); err != nil {
			return Value{}, fmt.Errorf("field %q: %w", f.Name, err)
		}
		return Value{Str: text}, nil
	default:
		return Value{Str: text}, nil
	}
}
