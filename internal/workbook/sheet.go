package workbook

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/defence-transparency/publish/internal/collect"
)

// Options say how ReadSheet reads a sheet.
type Options struct {
	// Formatted reads values as the spreadsheet shows them, with their
	// number formats applied; by default values are read as stored.
	Formatted bool
	// Styles reads each cell's style ID too (see Sheet.Style).
	Styles bool
}

// Sheet is the cells of one sheet.
type Sheet struct {
	// Rows holds the cells' values as text: Rows[i][j] is the cell of
	// row i+1 and column j+1. Each row ends with its last cell holding a
	// value (or a formula); the rows after the last such row are left
	// out. Rows without a value are nil.
	Rows [][]string

	styles [][]int32
}

// Style returns the style ID of the cell at zero-based row i and column j,
// or 0 (the default style) for a cell without one or when the sheet was
// read without Options.Styles.
func (s *Sheet) Style(i, j int) int {
	if i < 0 || i >= len(s.styles) || j < 0 || j >= len(s.styles[i]) {
		return 0
	}
	return int(s.styles[i][j])
}

// Cost of the cells held, counted against the limit: a row's slice header,
// and each cell's string header and bytes; a style is four bytes.
const (
	rowCost   = 24
	cellCost  = 16
	styleCost = 4
)

// ReadSheet reads the sheet called name. What it holds counts against the
// File's limit, with what earlier calls read: the pass over the sheet's XML
// works out how much the row reader will allocate (every cell up to the
// last of each row, each value's bytes, a shared string as often as it is
// referenced) and fails before that reader runs if it is too much.
func (f *File) ReadSheet(name string, o Options) (sh *Sheet, err error) {
	defer recoverInto(&err, fmt.Sprintf("sheet %q", name))
	part, ok := f.sheets[name]
	if !ok {
		return nil, fmt.Errorf("%w: sheet %q: no worksheet part", ErrFormat, name)
	}
	styles, err := f.scan(name, part, o.Styles)
	if err != nil {
		return nil, err
	}
	rows, err := f.x.Rows(name)
	if err != nil {
		return nil, fmt.Errorf("%w: sheet %q: %s", ErrFormat, name, readable(err))
	}
	defer rows.Close()
	sh = &Sheet{}
	last := 0 // rows up to the last with a value
	for rows.Next() {
		cells, err := rows.Columns(excelize.Options{RawCellValue: !o.Formatted})
		if err != nil {
			return nil, fmt.Errorf("%w: sheet %q row %d: %s", ErrFormat, name, len(sh.Rows)+1, readable(err))
		}
		sh.Rows = append(sh.Rows, cells)
		if len(cells) > 0 {
			last = len(sh.Rows)
		}
	}
	if err := rows.Error(); err != nil {
		return nil, fmt.Errorf("%w: sheet %q: %s", ErrFormat, name, readable(err))
	}
	sh.Rows = sh.Rows[:last]
	if o.Styles {
		sh.styles = make([][]int32, min(len(sh.Rows), len(styles)))
		for i := range sh.styles {
			// A copy of the cells with values, not a slice of all.
			sh.styles[i] = slices.Clone(styles[i][:min(len(styles[i]), len(sh.Rows[i]))])
		}
	}
	return sh, nil
}

// maxRows and maxCols are a worksheet's bounds.
const (
	maxRows = excelize.TotalRows
	maxCols = excelize.MaxColumns
)

// cellTypes are the values of a cell's t attribute.
var cellTypes = map[string]bool{"": true, "n": true, "s": true, "str": true, "inlineStr": true, "b": true, "e": true, "d": true}

// scan reads the XML of the sheet's part, before excelize's row reader
// does, and fails on what that reader would misread or drop without an
// error: malformed XML; rows or cells out of order or outside the sheet; a
// row or cell reference, style or type that is not one; a shared-string
// index outside the table; rows or cells where the layout has none. It
// bounds nesting and the size of a tag or text (see newDecoder). With
// styles set it returns the style IDs of each row's cells that hold a value,
// an inline string or a formula, row i+1 at index i, column j+1 at index j,
// counted against the limit.
func (f *File) scan(sheet, part string, styles bool) ([][]int32, error) {
	rc, err := f.parts[part].Open()
	if err != nil {
		return nil, fmt.Errorf("%w: sheet %q: %s", ErrFormat, sheet, readable(err))
	}
	defer rc.Close()
	d := newDecoder(rc)
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w: sheet %q (%s): %s", ErrFormat, sheet, part, fmt.Sprintf(format, args...))
	}
	var (
		out      [][]int32
		depth    int
		inData   bool // inside sheetData
		row      int  // current row number, 0 outside a row
		lastRow  int
		inRow    bool
		col      int // current cell's column, 0 outside a cell
		lastCol  int
		cellT    string
		ref      string
		inV      bool
		v        strings.Builder
		dataDone bool
		// the current cell's style, and whether it holds a value, an
		// inline string or a formula
		cellStyle int
		cellValue bool
		cost      int64 // what the row reader will hold of the sheet
		spend     = func(n int64) error {
			cost += n
			if f.used+cost > f.limit {
				return &collect.UnpackError{What: fmt.Sprintf("the cells read from the workbook (at sheet %q)", sheet), Limit: f.limit}
			}
			return nil
		}
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if inData || depth != 0 {
				return nil, fail("the XML ends inside an element")
			}
			f.used += cost
			return out, nil
		}
		if err != nil {
			return nil, fail("%s", readable(err))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxDepth {
				return nil, fail("elements nested deeper than %d", maxDepth)
			}
			switch t.Name.Local {
			case "sheetData":
				if inData || dataDone || depth != 2 {
					return nil, fail("a sheetData element where the layout has none")
				}
				inData = true
			case "row":
				if !inData || inRow || col != 0 {
					return nil, fail("a row element outside sheetData or inside another row")
				}
				inRow, row, lastCol = true, lastRow+1, 0
				if r, ok := attr(t, "r"); ok {
					n, err := strconv.Atoi(r)
					if err != nil || n < 1 || n > maxRows {
						return nil, fail("row reference %q: want a row number from 1 to %d", r, maxRows)
					}
					if n <= lastRow {
						return nil, fail("row %d after row %d: rows out of order", n, lastRow)
					}
					row = n
				}
				// The row reader returns every row up to this one.
				if err := spend(int64(row-lastRow) * rowCost); err != nil {
					return nil, err
				}
				lastRow = row
			case "c":
				if !inRow || col != 0 {
					return nil, fail("a cell element outside a row, or inside another cell")
				}
				col, cellT, ref = lastCol+1, "", ""
				style := 0
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "r":
						ref = a.Value
						c, _, err := excelize.CellNameToCoordinates(a.Value)
						if err != nil {
							return nil, fail("row %d: cell reference %q: %s", row, a.Value, readable(err))
						}
						col = c
					case "s":
						n, err := strconv.Atoi(a.Value)
						if err != nil || n < 0 || n >= excelize.MaxCellStyles {
							return nil, fail("row %d: cell %s: style %q is not a style number", row, ref, a.Value)
						}
						style = n
					case "t":
						if !cellTypes[a.Value] {
							return nil, fail("row %d: cell %s: unknown cell type %q", row, ref, a.Value)
						}
						cellT = a.Value
					}
				}
				if col <= lastCol || col > maxCols {
					return nil, fail("row %d: cell %s in column %d after column %d: cells out of order", row, ref, col, lastCol)
				}
				// The row reader fills the columns up to this one.
				if err := spend(int64(col-lastCol) * cellCost); err != nil {
					return nil, err
				}
				lastCol = col
				cellStyle, cellValue = style, false
			case "v":
				if col != 0 && cellT == "s" {
					inV = true
					v.Reset()
				}
				cellValue = cellValue || col != 0
			case "is", "f":
				cellValue = cellValue || col != 0
			}
		case xml.CharData:
			switch {
			case inV:
				v.Write(t)
			case col != 0:
				// A value, or the text of an inline string: the
				// cell's text is at most all of it.
				if err := spend(int64(len(t))); err != nil {
					return nil, err
				}
			}
		case xml.EndElement:
			depth--
			switch t.Name.Local {
			case "sheetData":
				inData, dataDone = false, true
			case "row":
				inRow = false
			case "c":
				// Styles are kept for the cells that hold something:
				// rows of styled empty cells cost nothing.
				if styles && cellStyle != 0 && cellValue {
					for len(out) < row {
						out = append(out, nil)
					}
					r := &out[row-1]
					if err := spend(int64(col-len(*r)) * styleCost); err != nil {
						return nil, err
					}
					for len(*r) < col {
						*r = append(*r, 0)
					}
					(*r)[col-1] = int32(cellStyle)
				}
				col = 0
			case "v":
				if inV {
					inV = false
					i, err := strconv.Atoi(strings.TrimSpace(v.String()))
					if err != nil || i < 0 || i >= len(f.sst) {
						return nil, fail("row %d: cell %s: shared string %q: want an index below %d", row, ref, v.String(), len(f.sst))
					}
					// The row reader copies the string for each cell.
					if err := spend(f.sst[i]); err != nil {
						return nil, err
					}
				}
			}
		}
	}
}

// attr returns the value of the attribute of start with local name name.
func attr(start xml.StartElement, name string) (string, bool) {
	for _, a := range start.Attr {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}
