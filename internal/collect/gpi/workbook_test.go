package gpi

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// This file writes workbooks in IEP's layouts, for the tests and for the
// sample workbook of the bundled mirror (see mirror_test.go). The figures
// are invented; the layout (sheet names, header rows, header spellings with
// their inconsistent case, the #VALUE! cell) is the real release's.

// errValue is a cell holding a spreadsheet error value (t="e"), as Excel
// writes it.
type errValue string

// xsheet is one sheet to write; rows[i] is row i+1, and a nil cell is not
// written.
type xsheet struct {
	name  string
	rows  [][]any // string, float64, int, errValue or nil
	links map[string]string
}

// book is a workbook to write, sheets in order.
type book []*xsheet

func (b book) sheet(t testing.TB, name string) *xsheet {
	t.Helper()
	for _, s := range b {
		if s.name == name {
			return s
		}
	}
	t.Fatalf("no sheet %q", name)
	return nil
}

// set writes v at the A1 cell of sheet s, growing it as needed.
func (s *xsheet) set(t testing.TB, cell string, v any) {
	t.Helper()
	col, row, err := excelize.CellNameToCoordinates(cell)
	if err != nil {
		t.Fatal(err)
	}
	for len(s.rows) < row {
		s.rows = append(s.rows, nil)
	}
	for len(s.rows[row-1]) < col {
		s.rows[row-1] = append(s.rows[row-1], nil)
	}
	s.rows[row-1][col-1] = v
}

// write returns the xlsx bytes of b.
func (b book) write(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	errs := map[string]string{} // placeholder number -> error value
	for i, s := range b {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.rows {
			for c, v := range row {
				if v == nil {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if e, ok := v.(errValue); ok {
					// excelize cannot write an error cell: write a number
					// no sheet holds and turn it into one afterwards.
					p := strconv.Itoa(987654321 + len(errs))
					errs[p] = string(e)
					v, _ = strconv.Atoi(p)
				}
				if err := f.SetCellValue(s.name, cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		cells := make([]string, 0, len(s.links))
		for cell := range s.links {
			cells = append(cells, cell)
		}
		sort.Strings(cells)
		for _, cell := range cells {
			if err := f.SetCellHyperLink(s.name, cell, s.links[cell], "Location"); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) == 0 {
		return buf.Bytes()
	}
	return patchErrors(t, buf.Bytes(), errs)
}

var placeholderCell = regexp.MustCompile(`<c r="([A-Z]+[0-9]+)"([^>]*)><v>(98765432[0-9])</v></c>`)

// patchErrors rewrites the cells holding a placeholder number as error
// cells: <c r="A1" t="e"><v>#VALUE!</v></c>, as the real release has them.
func patchErrors(t testing.TB, b []byte, errs map[string]string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(zf.Name, "xl/worksheets/") {
			data = placeholderCell.ReplaceAllFunc(data, func(m []byte) []byte {
				g := placeholderCell.FindSubmatch(m)
				e, ok := errs[string(g[3])]
				if !ok {
					return m
				}
				return fmt.Appendf(nil, `<c r="%s"%s t="e"><v>%s</v></c>`, g[1], g[2], e)
			})
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: zf.Modified})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// The sample: a few states, scored 2021-2025 on Overall Scores, with year
// sheets for 2023-2025.

// sampleState is one state of the sample.
type sampleState struct {
	name, code string // as IEP writes them (Kosovo is KSV)
	iso3       string // the registry's code
	from       int    // first year scored
	base       float64
	trend      float64 // a year
}

var sampleStates = []sampleState{
	{"Afghanistan", "AFG", "AFG", 0, 3.30, -0.02},
	{"Iceland", "ISL", "ISL", 0, 1.10, 0.002},
	{"Kosovo", "KSV", "XKX", 0, 1.88, 0.01},
	{"Norway", "NOR", "NOR", 0, 1.55, 0.025},
	{"Palestine", "PSE", "PSE", 2023, 2.71, 0.05},
	{"Russia", "RUS", "RUS", 0, 3.05, 0.08},
	{"South Sudan", "SSD", "SSD", 0, 3.20, -0.01},
	{"Ukraine", "UKR", "UKR", 0, 2.60, 0.17},
	{"United States of America", "USA", "USA", 0, 2.40, 0.01},
}

const (
	sampleFirst = 2021
	sampleLast  = 2025
)

var sampleYearSheets = []int{2023, 2024, 2025}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// score returns a state's invented overall score for year, or false when it
// was not scored.
func (s sampleState) score(year int) (float64, bool) {
	if s.from != 0 && year < s.from {
		return 0, false
	}
	return round3(s.base + s.trend*float64(year-sampleLast)), true
}

// ranks returns each scored state's rank in year, 1 for the lowest score.
func ranks(states []sampleState, year int) map[string]int {
	type sc struct {
		code string
		v    float64
	}
	var all []sc
	for _, s := range states {
		if v, ok := s.score(year); ok {
			all = append(all, sc{s.code, v})
		}
	}
	slices.SortStableFunc(all, func(a, b sc) int {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	})
	out := map[string]int{}
	for i, a := range all {
		out[a.code] = i + 1
	}
	return out
}

// yearHeaders are the headers of the year sheets as the 2025 release
// spells them, inconsistent case included.
var yearHeaders = []string{
	"perceptions of criminality", "homicide rate", "police rate", "incarceration rate", "Access to small arms",
	"intensity of internal conflict", "violent demonstrations", "Violent crime", "Political instability",
	"Political Terror Scale", "weapons imports", "terrorism impact", "deaths from internal conflict",
	"internal conflicts fought", "military expenditure (% gdp)", "armed services personnel rate",
	"un peacekeeping funding", "nuclear and heavy weapons", "weapons exports", "refugees and idps",
	"Neighbouring countries relations", "external conflicts fought", "deaths From external conflict",
	"overall score", "internal peace", "external peace", "safety and security", "ongoing conflict", "militarisation",
}

// indicatorScore returns a state's invented score for the k-th column of a
// year sheet: qualitative indicators in half-point bands, quantitative ones
// to three decimals, all within 1-5.
func (s sampleState) indicatorScore(k, year int) float64 {
	overall, _ := s.score(year)
	x := 1 + math.Mod(overall*float64(7+k)+float64(k*k)*0.37+float64(year%7)*0.11, 4)
	if k%3 == 0 {
		return math.Round(x*2) / 2
	}
	return round3(x)
}

// sampleBook returns the sample workbook in the 2025 release's layout.
func sampleBook() book {
	contents := &xsheet{name: "Contents", links: map[string]string{}}
	contents.rows = make([][]any, 9+2+len(sampleYearSheets))
	contents.rows[8] = []any{nil, "Select Worksheet"}
	contents.rows[9] = []any{nil, "Overall", nil, "The Global Peace Index"}
	contents.links["B10"] = "'Overall Scores'!A1"
	for i, y := range sampleYearSheets {
		contents.rows[10+i] = []any{nil, y}
		contents.links[fmt.Sprintf("B%d", 11+i)] = fmt.Sprintf("'%d'!A1", y)
	}
	contents.rows = append(contents.rows, []any{nil, nil, nil, "Licensing Terms"})
	contents.rows = append(contents.rows, []any{nil, nil, nil,
		"Sample data for the publish project's offline mirror: the layout of IEP's public release, invented figures."})

	overall := &xsheet{name: "Overall Scores"}
	head := []any{"country", "geocode"}
	for y := sampleFirst; y <= sampleLast; y++ {
		head = append(head, fmt.Sprintf("%d_score", y), fmt.Sprintf("%d_rank", y))
	}
	overall.rows = append(overall.rows, head)
	rk := map[int]map[string]int{}
	for y := sampleFirst; y <= sampleLast; y++ {
		rk[y] = ranks(sampleStates, y)
	}
	for _, s := range sampleStates {
		row := []any{s.name, s.code}
		for y := sampleFirst; y <= sampleLast; y++ {
			if v, ok := s.score(y); ok {
				row = append(row, v, rk[y][s.code])
			} else {
				row = append(row, nil, nil)
			}
		}
		overall.rows = append(overall.rows, row)
	}

	b := book{contents, overall}
	for _, y := range sampleYearSheets {
		ys := &xsheet{name: strconv.Itoa(y)}
		ys.rows = make([][]any, 5) // five blank rows, the header in row 6
		h := []any{"country", "geocode"}
		for _, name := range yearHeaders {
			h = append(h, name)
		}
		ys.rows = append(ys.rows, h)
		for _, s := range sampleStates {
			overallScore, ok := s.score(y)
			if !ok {
				continue
			}
			row := []any{s.name, s.code}
			for k, name := range yearHeaders {
				if name == "overall score" {
					row = append(row, overallScore)
					continue
				}
				row = append(row, s.indicatorScore(k, y))
			}
			ys.rows = append(ys.rows, row)
		}
		b = append(b, ys)
	}
	// Cell A1 of the last year sheet holds #VALUE!, as in the 2024 and
	// 2025 releases.
	b[len(b)-1].rows[0] = []any{errValue("#VALUE!")}
	return b
}

// sampleCounts returns what the sample holds: the numeric cells of Overall
// Scores and of the year sheets, and how many of the latter are the
// repeated overall score.
func sampleCounts() (overallCells, yearCells, yearOverall int) {
	for _, s := range sampleStates {
		for y := sampleFirst; y <= sampleLast; y++ {
			if _, ok := s.score(y); ok {
				overallCells += 2
			}
		}
		for _, y := range sampleYearSheets {
			if _, ok := s.score(y); ok {
				yearCells += len(yearHeaders)
				yearOverall++
			}
		}
	}
	return overallCells, yearCells, yearOverall
}

// oldBook returns a workbook in the older releases' layout
// (GPI-2022-overall-scores-and-domains-2008-2022.xlsx): title rows, the
// header in row 4 with "Country" and "iso3c" and plain year columns, and
// one wide sheet per domain. Palestine's 2021 score is 0, as these files
// hold for states not yet scored.
func oldBook() book {
	wide := func(name string, value func(s sampleState, y int) (float64, bool)) *xsheet {
		ws := &xsheet{name: name}
		ws.rows = [][]any{{"Global Peace Index 2022 (sample data)"}, {name + " score, 2021-2022"}, nil}
		ws.rows = append(ws.rows, []any{"Country", "iso3c", 2021, 2022})
		for _, s := range sampleStates {
			row := []any{s.name, s.code}
			for y := 2021; y <= 2022; y++ {
				v, ok := value(s, y)
				if !ok {
					v = 0
				}
				row = append(row, v)
			}
			ws.rows = append(ws.rows, row)
		}
		return ws
	}
	return book{
		wide("Overall Scores", func(s sampleState, y int) (float64, bool) { return s.score(y) }),
		wide("Safety and Security", func(s sampleState, y int) (float64, bool) {
			v, ok := s.score(y)
			return round3(v + 0.1), ok
		}),
		wide("Militarisation", func(s sampleState, y int) (float64, bool) {
			v, ok := s.score(y)
			return round3(v*0.9 + 0.2), ok
		}),
	}
}
