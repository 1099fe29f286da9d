package generic

import (
	"context"
	"fmt"
	"regexp"
	"slices"
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

// compileColLoc compiles the column settings of a field: column, columns,
// and index or (letters) letter.
func compileColLoc(s *fieldSpec, letters bool) (*colLoc, error) {
	set := 0
	c := &colLoc{index: -1}
	if s.Column != "" {
		set++
		c.names = []string{s.Column}
	}
	if s.Columns != nil {
		set++
		if len(s.Columns) == 0 {
			return nil, fmt.Errorf("columns: give the header texts to try, in order")
		}
		for _, n := range s.Columns {
			if strings.TrimSpace(n) == "" {
				return nil, fmt.Errorf("columns: an empty header text")
			}
		}
		c.names = s.Columns
	}
	if s.Index != 0 {
		set++
		if s.Index < 0 {
			return nil, fmt.Errorf("index: %d, want a column number from 1", s.Index)
		}
		c.index = s.Index - 1
	}
	if s.Letter != "" {
		set++
		n, err := excelize.ColumnNameToNumber(strings.TrimSpace(s.Letter))
		if err != nil || !letters {
			return nil, fmt.Errorf("letter: %q is not a column letter (A to XFD)", s.Letter)
		}
		c.index = n - 1
	}
	if set > 1 {
		return nil, fmt.Errorf("set one of column, columns, index and letter")
	}
	return c, nil
}

// locateColumn is the locator of the csv and xlsx shapes.
func locateColumn(s *fieldSpec) (any, bool, error) {
	if s.Column == "" && s.Columns == nil && s.Index == 0 && s.Letter == "" {
		return nil, false, nil
	}
	c, err := compileColLoc(s, true)
	if err != nil {
		return nil, false, err
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

// resolve returns the column c names in this header.
func (h *header) resolve(c *colLoc) (int, error) {
	if c.index >= 0 {
		return c.index, nil
	}
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

// cellRecord is a row of cells: a CSV record or a sheet row.
type cellRecord struct {
	cells  []string
	h      *header // nil when the file has no header row
	at     string  // where, for messages
	url    string
	source string
	// sheet is set for spreadsheet rows, whose cells may hold error
	// values.
	sheet bool
}

func (r *cellRecord) where() string { return r.at }
func (r *cellRecord) base() string  { return r.url }

func (r *cellRecord) lookup(ctx context.Context, l any) (string, error) {
	c := l.(*colLoc)
	i := c.index
	if i < 0 {
		var err error
		if i, err = r.h.resolve(c); err != nil {
			return "", err
		}
	}
	if i >= len(r.cells) {
		return "", nil
	}
	v := r.cells[i]
	if r.sheet && errorValues[strings.TrimSpace(v)] {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		collect.Warn(ctx, "%s: %s, column %s: the cell holds the error value %s: left empty",
			r.source, r.at, strings.TrimSuffix(cell, "1"), strings.TrimSpace(v))
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

// rawRow is a row of cells and where it is.
type rawRow struct {
	cells []string
	at    string
}

// cellRecords makes the records of a table with a header row (names nil:
// without one), unpivoting it when up is set, after checking that the
// header has every column locs name.
func cellRecords(names []string, rows []rawRow, up *unpivot, locs []any, url, source string, sheet bool) ([]record, error) {
	var h *header
	if names != nil {
		h = newHeader(names)
	}
	var cols []int
	if up != nil {
		for i, n := range names {
			if up.re.MatchString(squash(n)) {
				cols = append(cols, i)
			}
		}
		if len(cols) == 0 {
			return nil, fmt.Errorf("options.unpivot.columns: no header text matches %s: %w", up.re, ErrFormat)
		}
		width := len(names)
		h = newHeader(append(slices.Clone(names), up.header, up.value))
		if err := checkColumns(h, locs); err != nil {
			return nil, err
		}
		var recs []record
		for _, r := range rows {
			for _, c := range cols {
				cells := make([]string, width+2)
				copy(cells, r.cells)
				cells[width] = names[c]
				if c < len(r.cells) {
					cells[width+1] = r.cells[c]
				}
				recs = append(recs, &cellRecord{cells: cells, h: h, url: url, source: source, sheet: sheet,
					at: fmt.Sprintf("%s, column %q", r.at, squash(names[c]))})
			}
		}
		return recs, nil
	}
	if err := checkColumns(h, locs); err != nil {
		return nil, err
	}
	recs := make([]record, len(rows))
	for i, r := range rows {
		recs[i] = &cellRecord{cells: r.cells, h: h, url: url, source: source, sheet: sheet, at: r.at}
	}
	return recs, nil
}

// checkColumns resolves every column locator against a document's header,
// so that a missing column fails the document at once rather than when a
// row first needs it.
func checkColumns(h *header, locs []any) error {
	for _, l := range locs {
		c, ok := l.(*colLoc)
		if !ok || c.index >= 0 {
			continue
		}
		if h == nil {
			return fmt.Errorf("%s: the options say the file has no header row: %w", c, ErrConfig)
		}
		if _, err := h.resolve(c); err != nil {
			return err
		}
	}
	return nil
}
