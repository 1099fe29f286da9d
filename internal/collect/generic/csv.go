package generic

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/defence-transparency/publish/internal/collect"
	"golang.org/x/text/encoding"
)

// csvFormat reads a delimited text file: one record per line after the
// header.
type csvFormat struct {
	onePage
	comma, comment rune
	enc            encoding.Encoding
	header         bool
	skip           int
	ragged, lazy   bool
	unpivot        *unpivot
	locs           []any
}

func decodeCSV(opts map[string]any) (*common, format, error) {
	var o csvOptions
	if err := collect.DecodeOptions(opts, &o); err != nil {
		return nil, nil, err
	}
	f := &csvFormat{comma: ',', header: o.Header == nil || *o.Header, skip: o.SkipLines, ragged: o.Ragged, lazy: o.LazyQuotes}
	var err error
	if o.Delimiter != "" {
		if f.comma, err = oneRune("options.delimiter", o.Delimiter); err != nil {
			return nil, nil, err
		}
		if f.comma == '"' || f.comma == '\r' || f.comma == '\n' {
			return nil, nil, fmt.Errorf("options.delimiter: %q cannot separate fields", o.Delimiter)
		}
	}
	if o.Comment != "" {
		if f.comment, err = oneRune("options.comment", o.Comment); err != nil {
			return nil, nil, err
		}
		if f.comment == f.comma {
			return nil, nil, fmt.Errorf("options.comment: %q is also the delimiter", o.Comment)
		}
	}
	if o.SkipLines < 0 {
		return nil, nil, fmt.Errorf("options.skip_lines: %d, want 0 or more", o.SkipLines)
	}
	if f.enc, err = textEncoding(o.Encoding); err != nil {
		return nil, nil, fmt.Errorf("options.encoding: %w", err)
	}
	if f.unpivot, err = compileUnpivot(o.Unpivot); err != nil {
		return nil, nil, err
	}
	if f.unpivot != nil && !f.header {
		return nil, nil, fmt.Errorf("options.unpivot: needs a header row")
	}
	return &o.common, f, nil
}

func oneRune(at, s string) (rune, error) {
	r, n := utf8.DecodeRuneInString(s)
	if n != len(s) || r == utf8.RuneError {
		return 0, fmt.Errorf("%s: %q, want one character (\"\\t\" for a tab)", at, s)
	}
	return r, nil
}

func (f *csvFormat) bind(locs []any) error {
	f.locs = locs
	if !f.header {
		_, err := resolveColumns(nil, locs)
		return err
	}
	return nil
}

func (f *csvFormat) records(ctx context.Context, p *page) ([]record, error) {
	var recs []record
	err := f.each(ctx, p, false, func(r record) error {
		recs = append(recs, r)
		return nil
	})
	return recs, err
}

// each reads the file's records one at a time and passes each to yield,
// so that a file of millions of lines is never held as records. With
// reuse set, a record's cells are overwritten by the next line's: yield
// must be done with a record when it returns.
func (f *csvFormat) each(_ context.Context, p *page, reuse bool, yield func(record) error) error {
	text, err := decodeText(p.doc.Body, f.enc)
	if err != nil {
		return err
	}
	for i := range f.skip {
		j := bytes.IndexByte(text, '\n')
		if j < 0 {
			return fmt.Errorf("options.skip_lines: the file has %d lines, fewer than %d: %w", i, f.skip, ErrFormat)
		}
		text = text[j+1:]
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma, r.Comment, r.LazyQuotes, r.ReuseRecord = f.comma, f.comment, f.lazy, reuse
	if f.ragged {
		r.FieldsPerRecord = -1
	}
	var names []string
	if f.header {
		var err error
		names, err = r.Read()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("no header row: %w", ErrNoRecords)
		}
		if err != nil {
			return csvError(err, f.skip)
		}
		names = slices.Clone(names) // the reader may reuse the slice
	}
	t, err := newCellTable(p, p.doc.URL+" line ", names, f.unpivot, f.locs, false)
	if err != nil {
		return err
	}
	n := 0
	for {
		cells, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return csvError(err, f.skip)
		}
		if blank(cells) {
			continue
		}
		line, _ := r.FieldPos(0)
		n++
		if err := t.each(cells, line+f.skip, yield); err != nil {
			return err
		}
	}
	if n == 0 {
		return fmt.Errorf("no rows after the header: %w", ErrNoRecords)
	}
	return nil
}

// csvError reports a CSV syntax error with the line number in the file.
func csvError(err error, skipped int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d column %d: %v: %w", pe.Line+skipped, pe.Column, pe.Err, ErrFormat)
	}
	return fmt.Errorf("read CSV: %v: %w", err, ErrFormat)
}

// blank reports whether every cell is empty, as in the separator-only
// lines spreadsheets export.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
