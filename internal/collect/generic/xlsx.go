package generic

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/workbook"
)

// xlsxFormat reads one sheet of a workbook: one record per row after the
// header row.
type xlsxFormat struct {
	onePage
	sheet      string
	sheetIndex int // from 1; 0 when by name or the first sheet
	headerRow  int // from 1; 0 when found by headerCell
	headerCell string
	formatted  bool
	unpivot    *unpivot
	locs       []any
}

func decodeXLSX(opts map[string]any) (*common, format, error) {
	var o xlsxOptions
	if err := collect.DecodeOptions(opts, &o); err != nil {
		return nil, nil, err
	}
	f := &xlsxFormat{sheet: o.Sheet, sheetIndex: o.SheetIndex, headerRow: o.HeaderRow, headerCell: o.HeaderCell, formatted: o.Formatted}
	switch {
	case o.Sheet != "" && o.SheetIndex != 0:
		return nil, nil, fmt.Errorf("options: set sheet or sheet_index, not both")
	case o.SheetIndex < 0:
		return nil, nil, fmt.Errorf("options.sheet_index: %d, want a sheet number from 1", o.SheetIndex)
	case o.HeaderRow != 0 && o.HeaderCell != "":
		return nil, nil, fmt.Errorf("options: set header_row or header_cell, not both")
	case o.HeaderRow < 0:
		return nil, nil, fmt.Errorf("options.header_row: %d, want a row number from 1", o.HeaderRow)
	}
	if f.headerRow == 0 && f.headerCell == "" {
		f.headerRow = 1
	}
	var err error
	if f.unpivot, err = compileUnpivot(o.Unpivot); err != nil {
		return nil, nil, err
	}
	return &o.common, f, nil
}

func (f *xlsxFormat) bind(locs []any) error { f.locs = locs; return nil }

func (f *xlsxFormat) records(_ context.Context, p *page) ([]record, error) {
	limit := p.limit
	if limit <= 0 {
		limit = collect.DefaultMaxUnpacked
	}
	wb, err := workbook.Open(bytes.NewReader(p.doc.Body), int64(len(p.doc.Body)), limit)
	if errors.Is(err, collect.ErrUnpackLimit) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("not an xlsx workbook: %v: %w", err, ErrFormat)
	}
	defer wb.Close()
	sheets := wb.Sheets()
	sheet := f.sheet
	switch {
	case sheet != "":
		if !slices.Contains(sheets, sheet) {
			return nil, fmt.Errorf("options.sheet: no sheet %q (the workbook has %q): %w", sheet, sheets, ErrFormat)
		}
	case f.sheetIndex > len(sheets):
		return nil, fmt.Errorf("options.sheet_index: %d, and the workbook has %d sheets: %w", f.sheetIndex, len(sheets), ErrFormat)
	case len(sheets) == 0:
		return nil, fmt.Errorf("the workbook has no sheets: %w", ErrFormat)
	case f.sheetIndex > 0:
		sheet = sheets[f.sheetIndex-1]
	default:
		sheet = sheets[0]
	}
	sh, err := wb.ReadSheet(sheet, workbook.Options{Formatted: f.formatted})
	if errors.Is(err, collect.ErrUnpackLimit) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %v: %w", sheet, err, ErrFormat)
	}
	rows := sh.Rows
	hr := f.headerRow - 1
	if f.headerCell != "" {
		hr = -1
		want := headerKey(f.headerCell)
		for i, r := range rows {
			if slices.ContainsFunc(r, func(c string) bool { return headerKey(c) == want }) {
				hr = i
				break
			}
		}
		if hr < 0 {
			return nil, fmt.Errorf("sheet %q: options.header_cell: no row holds %q: %w", sheet, f.headerCell, ErrFormat)
		}
	}
	if hr >= len(rows) {
		return nil, fmt.Errorf("sheet %q: options.header_row: %d, and the sheet has %d rows: %w", sheet, hr+1, len(rows), ErrNoRecords)
	}
	var data []rawRow
	for i := hr + 1; i < len(rows); i++ {
		if blank(rows[i]) {
			continue
		}
		data = append(data, rawRow{cells: rows[i], n: i + 1})
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("sheet %q: no rows after the header: %w", sheet, ErrNoRecords)
	}
	recs, err := cellRecords(p, fmt.Sprintf("%s sheet %q row ", p.doc.URL, sheet), rows[hr], data, f.unpivot, f.locs, true)
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", sheet, err)
	}
	return recs, nil
}
