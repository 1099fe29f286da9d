package generic

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/defence-transparency/publish/internal/collect"
)

// colLoc is a column of a CSV file, an xlsx sheet or an HTML table: by
// header text (the first of names the header has) or by position.
type colLoc struct {
	names []string
	index int // from 0; -1 when by name
}

func (c *colLoc) String() string {
	if c.index >= 0 {
		return fmt.Sprintf("column %d", c.index+1)
	}
	if len(c.names) == 1 {
		return fmt.Sprintf("column %q", c.names[0])
	}
	return fmt.Sprintf("columns %q", c.names)
}

// locateColumn compiles the column settings of a field (column, columns,
// index, letter), the locator of the csv and xlsx shapes and the table
// cell of an html one; ok is false when the field sets none. The shape's
// keys have already kept out the settings it does not take.
func locateColumn(s *fieldSpec) (loc *colLoc, ok bool, err error) {
	set := 0
	c := &colLoc{index: -1}
	if s.Column != "" {
		set++
		c.names = []string{s.Column}
	}
	if s.Columns != nil {
		set++
		if len(s.Columns) == 0 {
			return nil, false, fmt.Errorf("columns: give the header texts to try, in order")
		}
		for _, n := range s.Columns {
			if strings.TrimSpace(n) == "" {
				return nil, false, fmt.Errorf("columns: an empty header text")
			}
		}
		c.names = s.Columns
	}
	if s.Index != 0 {
		set++
		if s.Index < 0 {
			return nil, false, fmt.Errorf("index: %d, want a column number from 1", s.Index)
		}
		c.index = s.Index - 1
	}
	if s.Letter != "" {
		set++
		n, err := excelize.ColumnNameToNumber(strings.TrimSpace(s.Letter))
		if err != nil {
			return nil, false, fmt.Errorf("letter: %q is not a column letter (A to XFD)", s.Letter)
		}
		c.index = n - 1
	}
	switch set {
	case 0:
		return nil, false, nil
	case 1:
		return c, true, nil
	}
	return nil, false, fmt.Errorf("set one of column, columns, index and letter")
}

// locateCells is the locator of the csv and xlsx shapes.
func locateCells(s *fieldSpec) (any, bool, error) {
	c, ok, err := locateColumn(s)
	if !ok {
		return nil, ok, err
	}
	return c, true, nil
}

// header is a header row: its texts and where each is.
type header struct {
	names []string
	pos   map[string]int // by headerKey; -1 when the text is in several columns
}

// headerKey is how header texts compare: white space squashed, case
// folded.
func headerKey(s string) string { return strings.ToLower(squash(s)) }

func newHeader(names []string) *header {
	h := &header{names: names, pos: map[string]int{}}
	for i, n := range names {
		k := headerKey(n)
		if k == "" {
			continue
		}
		if _, dup := h.pos[k]; dup {
			h.pos[k] = -1
			continue
		}
		h.pos[k] = i
	}
	return h
}

// resolve returns the position of the column c names by header text.
func (h *header) resolve(c *colLoc) (int, error) {
	for _, n := range c.names {
		i, ok := h.pos[headerKey(n)]
		switch {
		case !ok:
			continue
		case i < 0:
			return 0, fmt.Errorf("column %q: the header has it more than once: %w", n, ErrFormat)
		}
		return i, nil
	}
	var have []string
	for _, n := range h.names {
		if squash(n) != "" {
			have = append(have, squash(n))
		}
	}
	const most = 20
	more := ""
	if len(have) > most {
		have, more = have[:most], fmt.Sprintf(" and %d more", len(have)-most)
	}
	return 0, fmt.Errorf("%s: not in the header (it has %q%s): %w", c, have, more, ErrFormat)
}

// cellDoc is what the rows of one CSV file or sheet share.
type cellDoc struct {
	cols   map[*colLoc]int // the columns named by header text, resolved
	base   *url.URL
	source string
	// sheet is set for spreadsheet rows, whose cells may hold error
	// values.
	sheet bool
}

// cellRecord is a row of cells: a CSV record or a sheet row.
type cellRecord struct {
	cells []string
	at    place // where, for messages
	doc   *cellDoc
}

func (r *cellRecord) where() string  { return r.at.String() }
func (r *cellRecord) base() *url.URL { return r.doc.base }

func (r *cellRecord) lookup(ctx context.Context, l any) (string, error) {
	c := l.(*colLoc)
	i := c.index
	if i < 0 {
		i = r.doc.cols[c]
	}
	if i >= len(r.cells) {
		return "", nil
	}
	v := r.cells[i]
	if r.doc.sheet && errorValues[strings.TrimSpace(v)] {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		collect.Warn(ctx, "%s: %s, column %s: the cell holds the error value %s: left empty",
			r.doc.source, r.at.String(), strings.TrimSuffix(cell, "1"), strings.TrimSpace(v))
		return "", nil
	}
	return v, nil
}

// errorValues are the error values a spreadsheet cell may hold.
var errorValues = map[string]bool{
	"#NULL!": true, "#DIV/0!": true, "#VALUE!": true, "#REF!": true, "#NAME?": true, "#NUM!": true, "#N/A": true,
	"#GETTING_DATA": true, "#SPILL!": true, "#CALC!": true, "#FIELD!": true, "#BLOCKED!": true, "#UNKNOWN!": true,
	"#BUSY!": true, "#CONNECT!": true, "#EXTERNAL!": true, "#PYTHON!": true,
}

// unpivot turns the columns whose header matches re into records of
// their own: wide tables (a column per year) become long ones.
type unpivot struct {
	re            *regexp.Regexp
	header, value string // the names of the two columns each record gains
}

func compileUnpivot(u *unpivotSpec) (*unpivot, error) {
	if u == nil {
		return nil, nil
	}
	if u.Columns == "" {
		return nil, fmt.Errorf("options.unpivot.columns: give a regular expression matching the header texts to turn into rows")
	}
	re, err := regexp.Compile(u.Columns)
	if err != nil {
		return nil, fmt.Errorf("options.unpivot.columns: %w", err)
	}
	up := &unpivot{re: re, header: u.Header, value: u.Value}
	if up.header == "" {
		up.header = "header"
	}
	if up.value == "" {
		up.value = "value"
	}
	if headerKey(up.header) == headerKey(up.value) {
		return nil, fmt.Errorf("options.unpivot: header and value both name the column %q", up.header)
	}
	return up, nil
}

// rawRow is a row of cells and its line or row number.
type rawRow struct {
	cells []string
	n     int
}

// cellRecords makes the records of a table of page p with a header row
// (names nil: without one), unpivoting it when up is set, after resolving
// every column locs name in the header.
func cellRecords(p *page, at string, names []string, rows []rawRow, up *unpivot, locs []any, sheet bool) ([]record, error) {
	t, err := newCellTable(p, at, names, up, locs, sheet)
	if err != nil {
		return nil, err
	}
	var recs []record
	for _, r := range rows {
		t.each(r.cells, r.n, func(rec record) error {
			recs = append(recs, rec)
			return nil
		})
	}
	return recs, nil
}

// cellTable makes the records of the rows of one table of cells: a CSV
// file or a sheet.
type cellTable struct {
	doc   *cellDoc
	at    string   // where its rows are, before their number: "URL line "
	names []string // the header's texts; nil without a header
	up    *unpivot
	cols  []int // the columns to unpivot
}

// newCellTable resolves every column locs name in the header (names nil:
// the table has none) and the columns up unpivots. at says where the
// table's rows are, before a row's number.
func newCellTable(p *page, at string, names []string, up *unpivot, locs []any, sheet bool) (*cellTable, error) {
	t := &cellTable{at: at, names: names, up: up}
	var h *header
	switch {
	case up != nil:
		for i, n := range names {
			if up.re.MatchString(squash(n)) {
				t.cols = append(t.cols, i)
			}
		}
		if len(t.cols) == 0 {
			return nil, fmt.Errorf("options.unpivot.columns: no header text matches %s: %w", up.re, ErrFormat)
		}
		h = newHeader(append(slices.Clone(names), up.header, up.value))
	case names != nil:
		h = newHeader(names)
	}
	t.doc = &cellDoc{base: p.base(), source: p.source, sheet: sheet}
	var err error
	if t.doc.cols, err = resolveColumns(h, locs); err != nil {
		return nil, err
	}
	return t, nil
}

// each passes the record of one row of cells to yield, or with unpivot
// one record for each unpivoted column. n is the row's line or row number.
// The records hold cells: a caller that reuses it must be done with them
// before it does.
func (t *cellTable) each(cells []string, n int, yield func(record) error) error {
	if t.up == nil {
		return yield(&cellRecord{cells: cells, at: place{t: t, n: int32(n), col: -1}, doc: t.doc})
	}
	width := len(t.names)
	for _, c := range t.cols {
		wide := make([]string, width+2)
		copy(wide, cells)
		wide[width] = t.names[c]
		if c < len(cells) {
			wide[width+1] = cells[c]
		}
		if err := yield(&cellRecord{cells: wide, doc: t.doc, at: place{t: t, n: int32(n), col: int32(c)}}); err != nil {
			return err
		}
	}
	return nil
}

// place is where a row was read, for messages, in 16 bytes: a source's
// table keeps one for each of its rows (which may be millions), so it is
// not a string. It is a row of a table of cells, and with unpivot a column
// of it, or, with t nil, the text text holds.
type place struct {
	t      *cellTable
	n, col int32
	text   *string
}

func (p place) String() string {
	switch {
	case p.t == nil && p.text == nil:
		return ""
	case p.t == nil:
		return *p.text
	case p.col < 0:
		return p.t.at + strconv.Itoa(int(p.n))
	}
	return fmt.Sprintf("%s%d, column %q", p.t.at, p.n, squash(p.t.names[p.col]))
}

// placeOf returns where rec is.
func placeOf(rec record) place {
	if c, ok := rec.(*cellRecord); ok {
		return c.at
	}
	w := rec.where()
	return place{text: &w}
}

// resolveColumns resolves every column locator of locs named by header
// text against a document's header (nil: the file has none), so that a
// missing column fails the document at once rather than when a row first
// needs it, and rows find their cells by position.
func resolveColumns(h *header, locs []any) (map[*colLoc]int, error) {
	cols := map[*colLoc]int{}
	for _, l := range locs {
		c, ok := l.(*colLoc)
		if !ok || c.index >= 0 {
			continue
		}
		if h == nil {
			return nil, fmt.Errorf("%s: the options say the file has no header row: %w", c, ErrConfig)
		}
		i, err := h.resolve(c)
		if err != nil {
			return nil, err
		}
		cols[c] = i
	}
	return cols, nil
}
