package sipri

import (
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"
)

// This file builds workbooks in SIPRI's layout for the tests and for the
// sample workbook of the bundled mirror (see fixture_test.go).

// xcell is one cell to write. A nil v writes no cell.
type xcell struct {
	v     any // string, int (written as an integer), float64, or yearf
	style xstyle
}

// yearf is a year header written as a float, as custom exports do (2017.0).
type yearf float64

// xstyle is a cell style: a font and a number format.
type xstyle struct {
	font   string // one of fonts' keys; "" for the default font
	numFmt int    // built-in number format, 0 for General
}

// fonts are the fonts the tests use, as SIPRI's workbooks define them.
var fonts = map[string]*excelize.Font{
	"text":     {Family: "Times New Roman", Size: 10},
	"title":    {Family: "Times New Roman", Size: 14, Bold: true},
	"bold":     {Family: "Times New Roman", Size: 10, Bold: true},
	"blue":     {Family: "Times New Roman", Size: 10, ColorIndexed: 12},
	"red":      {Family: "Times New Roman", Size: 10, ColorIndexed: 10},
	"black":    {Family: "Times New Roman", Size: 10, ColorIndexed: 8},
	"rgb-blue": {Family: "Times New Roman", Size: 10, Color: "0000FF"},
	"rgb-red":  {Family: "Times New Roman", Size: 10, Color: "FF0000"},
	"idx-blue": {Family: "Times New Roman", Size: 10, ColorIndexed: 4},
	"navy":     {Family: "Times New Roman", Size: 10, Color: "000080"},
}

// xsheet is one sheet to write; rows[i] is row i+1.
type xsheet struct {
	name string
	rows [][]xcell
}

// row returns the index of the first row whose first cell is label.
func (s *xsheet) row(t testing.TB, label string) int {
	t.Helper()
	for i, r := range s.rows {
		if len(r) > 0 && r[0].v == label {
			return i
		}
	}
	t.Fatalf("sheet %q has no row %q", s.name, label)
	return -1
}

// col returns the index of the header column holding year.
func (s *xsheet) col(t testing.TB, year int) int {
	t.Helper()
	h := s.row(t, "Country")
	for j, c := range s.rows[h] {
		if c.v == year || c.v == yearf(year) {
			return j
		}
	}
	t.Fatalf("sheet %q has no column %d", s.name, year)
	return -1
}

// set replaces the cell of the row labelled label in the column of year.
func (s *xsheet) set(t testing.TB, label string, year int, c xcell) {
	t.Helper()
	r, j := s.row(t, label), s.col(t, year)
	s.rows[r][j] = c
}

// clone returns a deep copy of sheets, for tests that alter one.
func clone(sheets []xsheet) []xsheet {
	out := make([]xsheet, len(sheets))
	for i, s := range sheets {
		out[i] = xsheet{name: s.name, rows: make([][]xcell, len(s.rows))}
		for r, row := range s.rows {
			out[i].rows[r] = append([]xcell(nil), row...)
		}
	}
	return out
}

// sheetNamed returns the sheet called name.
func sheetNamed(t testing.TB, sheets []xsheet, name string) *xsheet {
	t.Helper()
	for i := range sheets {
		if sheets[i].name == name {
			return &sheets[i]
		}
	}
	t.Fatalf("no sheet %q", name)
	return nil
}

// buildWorkbook writes sheets as an xlsx file.
func buildWorkbook(t testing.TB, sheets []xsheet) []byte {
	t.Helper()
	b, err := writeWorkbook(sheets)
	if err != nil {
		t.Fatalf("build workbook: %v", err)
	}
	return b
}

func writeWorkbook(sheets []xsheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator:     "publish sample-data generator",
		Title:       "Sample data in the layout of the SIPRI Military Expenditure Database",
		Description: "Invented figures for tests and the offline demo; not SIPRI data.",
		Created:     "2025-04-28T00:00:00Z",
		Modified:    "2025-04-28T00:00:00Z",
	}); err != nil {
		return nil, err
	}
	styles := map[xstyle]int{}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return nil, err
		}
		for r, row := range s.rows {
			for c, cell := range row {
				if cell.v == nil {
					continue
				}
				name, _ := excelize.CoordinatesToCellName(c+1, r+1)
				var err error
				switch v := cell.v.(type) {
				case string:
					err = f.SetCellStr(s.name, name, v)
				case int:
					err = f.SetCellInt(s.name, name, int64(v))
				case float64:
					err = f.SetCellFloat(s.name, name, v, -1, 64)
				case yearf:
					err = f.SetCellFloat(s.name, name, float64(v), 1, 64)
				default:
					err = fmt.Errorf("cell %s: unsupported value %T", name, v)
				}
				if err != nil {
					return nil, err
				}
				if cell.style == (xstyle{}) {
					continue
				}
				id, ok := styles[cell.style]
				if !ok {
					font, ok := fonts[cell.style.font]
					if cell.style.font != "" && !ok {
						return nil, fmt.Errorf("cell %s: unknown font %q", name, cell.style.font)
					}
					if id, err = f.NewStyle(&excelize.Style{Font: font, NumFmt: cell.style.numFmt}); err != nil {
						return nil, err
					}
					styles[cell.style] = id
				}
				if err := f.SetCellStyle(s.name, name, name, id); err != nil {
					return nil, err
				}
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
