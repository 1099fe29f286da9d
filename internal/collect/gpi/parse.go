package gpi

import (
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/workbook"
)

// Errors that callers test for; each is wrapped with the sheet and cell.
var (
	// ErrFormat reports a workbook that is not a GPI release: no Overall
	// Scores sheet, a sheet without its header row, figures without a
	// geocode, a state listed twice.
	ErrFormat = errors.New("not in the layout of a Global Peace Index workbook")
	// ErrCountry reports a geocode that the registry in internal/country
	// does not know and that is not a documented alias.
	ErrCountry = errors.New("geocode not in the country registry")
)

// Record is one figure of the workbook.
type Record struct {
	Country   string // ISO 3166-1 alpha-3 code of the registry (XKX for IEP's KSV)
	Year      int    // the year the figure belongs to, as the release labels it
	Indicator string // gpi_overall_score, gpi_overall_rank, or one of the table in indicators.go
	Value     float64
	Unit      string // UnitScore or UnitRank
	Sheet     string // where the figure is, for messages and review
	Cell      string
}

// Stats summarises a parsed workbook.
type Stats struct {
	OverallSheet string   // the sheet of the overall scores and ranks
	YearSheets   []int    // the per-year sheets read, in workbook order
	DomainSheets []string // older releases' wide domain sheets read
	Skipped      []string // other sheets (Contents)
	Countries    int      // distinct states with at least one figure
	Records      int
	// ErrorCells lists the cells holding spreadsheet error values, as
	// sheet!cell value ("2025!A1 #VALUE!"); none is published.
	ErrorCells []string
	// Warnings says, one line each, what Parse handled but a person should
	// know: error cells, values left out or published with a doubt, columns
	// it does not know, overall scores that disagree between sheets.
	Warnings []string
}

// Parse reads a Global Peace Index public-release workbook and returns its
// figures: the overall score and rank of each state and year from the
// Overall Scores sheet, and each indicator and domain score from the
// per-year sheets (and, in older releases, from the wide domain sheets).
//
// Overall Scores is the source of truth for the overall score: the year
// sheets' "overall score" column repeats it, so Parse compares the two,
// warns where they differ and publishes one figure per state and year.
// Cells holding spreadsheet errors (#VALUE!) anywhere in the sheets read are
// reported in Stats and never published; empty cells give no record. Header
// rows are found by their content, since releases put them in rows 1, 4 and
// 6. A geocode the registry does not know is an error; Parse never returns
// part of a workbook. A workbook that unpacks to more than
// collect.DefaultMaxUnpacked is an error wrapping collect.ErrUnpackLimit.
func Parse(r io.ReaderAt, size int64) ([]Record, Stats, error) {
	recs, st, err := parse(r, size, collect.DefaultMaxUnpacked)
	if err != nil {
		return nil, Stats{}, fmt.Errorf("gpi: parse: %w", err)
	}
	return recs, st, nil
}

var (
	yearSheet  = regexp.MustCompile(`^\d{4}$`)
	wideColumn = regexp.MustCompile(`(?i)^(\d{4})(?:[ _]*(score|rank))?$`)
)

// domainSheets maps the wide domain sheets of the older releases
// (GPI-2022-overall-scores-and-domains-2008-2022.xlsx) to their indicators.
var domainSheets = map[string]string{
	"safety and security": "gpi_safety_and_security",
	"ongoing conflict":    "gpi_ongoing_conflict",
	"militarisation":      "gpi_militarisation",
	"militarization":      "gpi_militarisation",
}

// codeHeaders are the names of the geocode column: geocode in the public
// release, iso3c in the older overall-scores workbooks.
var codeHeaders = []string{"geocode", "iso3c", "iso3", "iso code", "code"}

// parser holds what one parse collects.
type parser struct {
	st     Stats
	recs   []Record
	index  map[recordKey]int // into recs
	states map[string]bool
}

type recordKey struct {
	country, indicator string
	year               int
}

func (p *parser) warn(format string, args ...any) {
	p.st.Warnings = append(p.st.Warnings, fmt.Sprintf(format, args...))
}

// parse reads the workbook, unpacking at most limit bytes out of it (see
// package workbook).
func parse(r io.ReaderAt, size, limit int64) ([]Record, Stats, error) {
	f, err := workbook.Open(r, size, limit)
	if err != nil {
		return nil, Stats{}, fmt.Errorf("open workbook: %w", err)
	}
	defer f.Close()

	p := &parser{index: map[recordKey]int{}, states: map[string]bool{}}
	var overall string
	var domains, years []string
	for _, name := range f.Sheets() {
		n := normalizeHeader(name)
		switch {
		case n == "overall scores":
			if overall != "" {
				return nil, Stats{}, fmt.Errorf("sheets %q and %q both hold the overall scores: %w", overall, name, ErrFormat)
			}
			overall = name
		case yearSheet.MatchString(n):
			years = append(years, name)
		case domainSheets[n] != "":
			domains = append(domains, name)
		default:
			p.st.Skipped = append(p.st.Skipped, name)
		}
	}
	if overall == "" {
		return nil, Stats{}, fmt.Errorf("no sheet \"Overall Scores\" among %q: %w", f.Sheets(), ErrFormat)
	}
	// Overall Scores first: the first figure for a key is the one kept.
	p.st.OverallSheet = overall
	if err := p.wideSheet(f, overall, ""); err != nil {
		return nil, Stats{}, err
	}
	for _, name := range domains {
		if err := p.wideSheet(f, name, domainSheets[normalizeHeader(name)]); err != nil {
			return nil, Stats{}, err
		}
		p.st.DomainSheets = append(p.st.DomainSheets, name)
	}
	for _, name := range years {
		y, _ := strconv.Atoi(strings.TrimSpace(name))
		if err := p.yearSheet(f, name, y); err != nil {
			return nil, Stats{}, err
		}
		p.st.YearSheets = append(p.st.YearSheets, y)
	}
	p.st.Countries = len(p.states)
	p.st.Records = len(p.recs)
	return p.recs, p.st, nil
}

// readRows returns the cells of a sheet, with every spreadsheet error value
// reported and blanked, wherever it is: IEP's 2024 and 2025 sheets hold
// #VALUE! in A1, above the table.
func (p *parser) readRows(f *workbook.File, sheet string) ([][]string, error) {
	sh, err := f.ReadSheet(sheet, workbook.Options{})
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", sheet, err)
	}
	rows := sh.Rows
	for i, row := range rows {
		for j, c := range row {
			if v := strings.TrimSpace(c); isErrorValue(v) {
				p.st.ErrorCells = append(p.st.ErrorCells, sheet+"!"+cellName(j, i)+" "+v)
				p.warn("sheet %q cell %s holds the spreadsheet error %s; nothing is published for it", sheet, cellName(j, i), v)
				row[j] = ""
			}
		}
	}
	return rows, nil
}

// errorValues are the error values a spreadsheet cell can hold.
var errorValues = []string{"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
	"#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#EXTERNAL!"}

func isErrorValue(s string) bool {
	return strings.HasPrefix(s, "#") && slices.Contains(errorValues, strings.ToUpper(s))
}

// header finds a sheet's header row: the first row with a "country" column
// and a geocode column. It returns the row's index and those columns.
func header(sheet string, rows [][]string) (row, countryCol, codeCol int, err error) {
	for i, r := range rows {
		countryCol, codeCol = -1, -1
		for j, c := range r {
			switch h := normalizeHeader(c); {
			case h == "country":
				countryCol = j
			case slices.Contains(codeHeaders, h) && codeCol < 0:
				codeCol = j
			}
		}
		if countryCol >= 0 && codeCol >= 0 {
			return i, countryCol, codeCol, nil
		}
	}
	return 0, 0, 0, fmt.Errorf("sheet %q: no header row (a row with \"country\" and \"geocode\" columns): %w", sheet, ErrFormat)
}

// column is one value column of a sheet.
type column struct {
	col       int
	year      int
	indicator string
	unit      string
	header    string
}

// wideSheet reads Overall Scores (indicator "") or an older release's
// domain sheet: one row per state, one column per year and measure
// (2025_score, 2025_rank; or 2025 alone, a score).
func (p *parser) wideSheet(f *workbook.File, sheet, indicator string) error {
	rows, err := p.readRows(f, sheet)
	if err != nil {
		return err
	}
	h, countryCol, codeCol, err := header(sheet, rows)
	if err != nil {
		return err
	}
	var cols []column
	seen := map[string]string{}
	for j, c := range rows[h] {
		text := strings.TrimSpace(c)
		if j == countryCol || j == codeCol || text == "" {
			continue
		}
		m := wideColumn.FindStringSubmatch(text)
		if m == nil {
			p.warn("sheet %q cell %s: column %q is neither a year's score nor its rank; left out", sheet, cellName(j, h), text)
			continue
		}
		y, _ := strconv.Atoi(m[1])
		col := column{col: j, year: y, header: text}
		switch {
		case strings.EqualFold(m[2], "rank") && indicator == "":
			col.indicator, col.unit = OverallRank, UnitRank
		case strings.EqualFold(m[2], "rank"):
			p.warn("sheet %q cell %s: domain ranks are not published; column %q left out", sheet, cellName(j, h), text)
			continue
		case indicator == "":
			col.indicator, col.unit = OverallScore, UnitScore
		default:
			col.indicator, col.unit = indicator, UnitScore
		}
		key := fmt.Sprint(col.indicator, col.year)
		if prev, dup := seen[key]; dup {
			return fmt.Errorf("sheet %q: %s %d in two columns (%s and %s): %w", sheet, col.indicator, col.year, prev, cellName(j, h), ErrFormat)
		}
		seen[key] = cellName(j, h)
		cols = append(cols, col)
	}
	if len(cols) == 0 {
		return fmt.Errorf("sheet %q row %d: no year columns: %w", sheet, h+1, ErrFormat)
	}
	return p.rows(sheet, rows, h, codeCol, countryCol, cols)
}

// yearSheet reads one year's sheet: one row per state, one column per
// indicator and domain.
func (p *parser) yearSheet(f *workbook.File, sheet string, year int) error {
	rows, err := p.readRows(f, sheet)
	if err != nil {
		return err
	}
	h, countryCol, codeCol, err := header(sheet, rows)
	if err != nil {
		return err
	}
	var cols []column
	seen := map[string]string{}
	for j, c := range rows[h] {
		text := strings.TrimSpace(c)
		if j == countryCol || j == codeCol || text == "" {
			continue
		}
		name, ok := Indicator(text)
		if !ok {
			p.warn("sheet %q cell %s: column %q is not a known GPI indicator (see indicators.go); left out", sheet, cellName(j, h), text)
			continue
		}
		if prev, dup := seen[name]; dup {
			return fmt.Errorf("sheet %q: %s in two columns (%s and %s): %w", sheet, name, prev, cellName(j, h), ErrFormat)
		}
		seen[name] = cellName(j, h)
		cols = append(cols, column{col: j, year: year, indicator: name, unit: UnitScore, header: text})
	}
	if len(cols) == 0 {
		return fmt.Errorf("sheet %q row %d: no indicator columns: %w", sheet, h+1, ErrFormat)
	}
	return p.rows(sheet, rows, h, codeCol, countryCol, cols)
}

// rows reads the state rows below a sheet's header.
func (p *parser) rows(sheet string, rows [][]string, h, codeCol, countryCol int, cols []column) error {
	rowOf := map[string]int{}
	for i := h + 1; i < len(rows); i++ {
		row := rows[i]
		code := strings.ToUpper(cellText(row, codeCol))
		if code == "" {
			if hasValues(row, cols) {
				return fmt.Errorf("sheet %q row %d: figures without a geocode in %s: %w", sheet, i+1, cellName(codeCol, i), ErrFormat)
			}
			continue // blank, or a note below the table
		}
		c, err := lookup(code)
		if err != nil {
			return fmt.Errorf("sheet %q cell %s (%q): %w", sheet, cellName(codeCol, i), cellText(row, countryCol), err)
		}
		if !c.IsState() {
			p.warn("sheet %q row %d: %s (%s) is an aggregate, not a state; row left out", sheet, i+1, code, cellText(row, countryCol))
			continue
		}
		if prev, dup := rowOf[c.ISO3]; dup {
			return fmt.Errorf("sheet %q: %s listed twice (rows %d and %d): %w", sheet, c.ISO3, prev, i+1, ErrFormat)
		}
		rowOf[c.ISO3] = i + 1
		for _, col := range cols {
			text := cellText(row, col.col)
			if text == "" {
				continue
			}
			cell := cellName(col.col, i)
			v, ok := p.value(sheet, cell, col, text)
			if !ok {
				continue
			}
			p.add(Record{Country: c.ISO3, Year: col.year, Indicator: col.indicator, Value: v, Unit: col.unit, Sheet: sheet, Cell: cell})
		}
	}
	return nil
}

// value parses one figure, and says whether to publish it.
func (p *parser) value(sheet, cell string, col column, text string) (float64, bool) {
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		p.warn("sheet %q cell %s: %s %q is not a number; left out", sheet, cell, col.header, text)
		return 0, false
	}
	if col.unit == UnitRank {
		if v < 1 || v != math.Trunc(v) {
			p.warn("sheet %q cell %s: rank %s is not a whole number from 1; left out", sheet, cell, text)
			return 0, false
		}
		return v, true
	}
	switch {
	case v == 0:
		// Older releases hold 0 for states not yet scored (Palestine and
		// South Sudan before they joined the index); 0 is off the scale.
		p.warn("sheet %q cell %s: %s is 0, off the scale 1-5, read as not scored; left out", sheet, cell, col.header)
		return 0, false
	case v < 1 || v > 5:
		// The 2025 release scores one state's nuclear and heavy weapons
		// 0.996: IEP's figure, published as given, and reported.
		p.warn("sheet %q cell %s: %s %s is outside the scale 1-5; published as given", sheet, cell, col.header, text)
	}
	return v, true
}

// add keeps the first figure for a state, year and indicator. A repeat
// with the same value (the year sheets' overall score) is dropped
// silently; one that differs is reported.
func (p *parser) add(r Record) {
	k := recordKey{r.Country, r.Indicator, r.Year}
	if i, dup := p.index[k]; dup {
		first := p.recs[i]
		if first.Value != r.Value {
			p.warn("%s %d %s: sheet %q cell %s has %s, sheet %q cell %s has %s; %s published",
				r.Country, r.Year, r.Indicator, first.Sheet, first.Cell, formatValue(first.Value),
				r.Sheet, r.Cell, formatValue(r.Value), formatValue(first.Value))
		}
		return
	}
	if r.Indicator == OverallScore && r.Sheet != p.st.OverallSheet {
		p.warn("%s %d: overall score in sheet %q cell %s but not in sheet %q; published from %q",
			r.Country, r.Year, r.Sheet, r.Cell, p.st.OverallSheet, r.Sheet)
	}
	p.index[k] = len(p.recs)
	p.recs = append(p.recs, r)
	p.states[r.Country] = true
}

// lookup returns the registry's entry for an IEP geocode.
func lookup(code string) (country.Country, error) {
	if alias, ok := codeAliases[code]; ok {
		code = alias
	}
	c, ok := country.Lookup(code)
	if !ok {
		return country.Country{}, fmt.Errorf("%s: %w (add it to internal/country, or to codeAliases in indicators.go if IEP spells a known code differently)", code, ErrCountry)
	}
	return c, nil
}

func hasValues(row []string, cols []column) bool {
	for _, c := range cols {
		if cellText(row, c.col) != "" {
			return true
		}
	}
	return false
}

func formatValue(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// cellText returns the trimmed text of row[col], or "" beyond the row's end.
func cellText(row []string, col int) string {
	if col < 0 || col >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[col])
}

// cellName returns the A1 name of the cell at zero-based col and row.
func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col+1, row+1)
	return name
}
