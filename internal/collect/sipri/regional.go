package sipri

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/workbook"
)

// RegionalStats summarises the Regional totals sheet: SIPRI's world and
// regional totals at constant prices, and for the last year also at that
// year's prices.
type RegionalStats struct {
	Name                string
	Base                int // the constant-price base year the notes state
	FirstYear, LastYear int
	// CurrentYear is the year of the "<year> (current prices)" column,
	// read as current US$; 0 when the sheet has none.
	CurrentYear int
	Regions     int // rows read: the world and each region
	Records     int
	Empty       int // empty cells inside the year range, read as not available
	// Omitted lists, per region, the states SIPRI says its estimate leaves
	// out, as the sheet's "Omitted countries" column names them.
	Omitted []Omission
}

// Omission is one region's note of the states its total leaves out.
type Omission struct {
	Region    string // the region's code, e.g. XAF
	Countries string // as SIPRI lists them: "Djibouti, Eritrea, Somalia"
}

// regional is the Regional totals sheet's cells and where its columns are.
type regional struct {
	name    string
	rows    [][]string
	cells   *workbook.Sheet // rows, with the cells' styles
	header  int
	base    int
	unit    string       // the unit the notes state, UnitBillionUSD
	years   []yearColumn // constant prices of the base year
	current yearColumn   // "<year> (current prices)"; col -1 when absent
	omitted int          // "Omitted countries" column, -1 when absent
}

func isRegional(sheet string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(sheet), " "), "regional totals")
}

func isFootnotes(sheet string) bool {
	return strings.EqualFold(strings.TrimSpace(sheet), "footnotes")
}

var (
	// "Figures are in US$ b., at constant 2022 prices and exchange rates, except ..."
	regionalBase = regexp.MustCompile(`(?i)constant \(?(\d{4})\)? prices`)
	regionalUnit = regexp.MustCompile(`(?i)US\s?\$\s?(b|bn|m)\b`)
	currentCol   = regexp.MustCompile(`(?i)^(\d{4})(\.0)?\s*\(current prices\)$`)
)

// readRegional reads the Regional totals sheet: its notes (which state the
// unit and the base year), its header and its cells.
func readRegional(f *workbook.File, name string) (*regional, error) {
	cells, err := f.ReadSheet(name, workbook.Options{Styles: true})
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", name, err)
	}
	rows := cells.Rows
	r := &regional{name: name, rows: rows, cells: cells, header: -1, current: yearColumn{col: -1}, omitted: -1}
	for i, row := range rows {
		if strings.EqualFold(cellText(row, 0), "Region") {
			r.header = i
			break
		}
		note := strings.Join(row, " ")
		if m := regionalBase.FindStringSubmatch(note); m != nil && r.base == 0 {
			r.base, _ = strconv.Atoi(m[1])
		}
		if m := regionalUnit.FindStringSubmatch(note); m != nil && r.unit == "" {
			switch strings.ToLower(m[1]) {
			case "b", "bn":
				r.unit = UnitBillionUSD
			case "m":
				r.unit = UnitMillionUSD
			}
		}
	}
	switch {
	case r.header < 0:
		return nil, fmt.Errorf("sheet %q: no header row (a row whose first cell is \"Region\")", name)
	case r.base == 0:
		return nil, fmt.Errorf("sheet %q: the notes above the table state no constant-price base year (\"at constant <year> prices\")", name)
	case r.unit == "":
		return nil, fmt.Errorf("sheet %q: the notes above the table state no unit (US$ b. or US$ m.)", name)
	}
	seen := map[int]string{}
	for j, h := range rows[r.header] {
		if j == 0 {
			continue
		}
		t := strings.TrimSpace(h)
		switch {
		case t == "":
		case strings.EqualFold(t, "Omitted countries"):
			r.omitted = j
		case currentCol.MatchString(t):
			y, _ := strconv.Atoi(currentCol.FindStringSubmatch(t)[1])
			r.current = yearColumn{col: j, year: y}
		default:
			y, ok := parseYear(t)
			if !ok {
				return nil, fmt.Errorf("sheet %q cell %s: unexpected header %q (want a year, \"<year> (current prices)\" or Omitted countries)",
					name, cellName(j, r.header), t)
			}
			if prev, dup := seen[y]; dup {
				return nil, fmt.Errorf("sheet %q: year %d in two columns (%s and %s)", name, y, prev, cellName(j, r.header))
			}
			seen[y] = cellName(j, r.header)
			r.years = append(r.years, yearColumn{col: j, year: y})
		}
	}
	if len(r.years) == 0 {
		return nil, fmt.Errorf("sheet %q row %d: header has no year columns", name, r.header+1)
	}
	return r, nil
}

// regionalRecords appends the records of the Regional totals: each year at
// constant prices of the base year, and the current-prices column as
// current US$, all converted from US$ b to US$ m. Red figures, which SIPRI
// explains as totals more than 10% of which is its estimate for states
// without data, are marked as estimates.
func (p *parser) regionalRecords(r *regional) (RegionalStats, error) {
	st := RegionalStats{Name: r.name, Base: r.base, FirstYear: r.years[0].year, LastYear: r.years[0].year, CurrentYear: r.current.year}
	for _, y := range r.years {
		st.FirstYear, st.LastYear = min(st.FirstYear, y.year), max(st.LastYear, y.year)
	}
	constant := dataset.MeasureConstantUSD(r.base)
	sh := &sheet{name: r.name, cells: r.cells} // for readCell
	seen := map[string]int{}
	for i := r.header + 1; i < len(r.rows); i++ {
		row := r.rows[i]
		if isBlank(row) {
			continue
		}
		label := cellText(row, 0)
		if label == "" {
			return RegionalStats{}, fmt.Errorf("sheet %q row %d: figures without a region name in column A", r.name, i+1)
		}
		c, ok := country.AggregateOf(publisher, label)
		if !ok {
			return RegionalStats{}, fmt.Errorf("sheet %q row %d: unknown region %q: add SIPRI's name to internal/country/aggregates.csv", r.name, i+1, label)
		}
		if prev, dup := seen[c.ISO3]; dup {
			return RegionalStats{}, fmt.Errorf("sheet %q: %s listed twice (rows %d and %d)", r.name, label, prev, i+1)
		}
		seen[c.ISO3] = i + 1
		st.Regions++
		if o := cellText(row, r.omitted); o != "" {
			st.Omitted = append(st.Omitted, Omission{Region: c.ISO3, Countries: o})
		}
		cols := r.years
		if r.current.col >= 0 {
			cols = append(cols[:len(cols):len(cols)], r.current)
		}
		for k, y := range cols {
			rec := dataset.Expenditure{
				Country: c.ISO3, CountryName: c.Name, Aggregate: true, Year: y.year, Measure: constant,
				Source: dataset.SourceSIPRI, Unit: unitOf(constant), SourceUnit: r.unit,
			}
			if k == len(r.years) {
				rec.Measure, rec.Unit = dataset.MeasureCurrentUSD, unitOf(dataset.MeasureCurrentUSD)
			}
			fl, empty, err := p.readCell(&rec, sh, row, i, y.col)
			if err != nil {
				return RegionalStats{}, err
			}
			if empty {
				st.Empty++
			}
			rec.Estimate = fl.estimate || fl.uncertain
			p.recs = append(p.recs, rec)
			st.Records++
		}
	}
	return st, nil
}

// countFootnotes counts the numbered notes of the Footnotes sheet: rows
// whose first cell is a number.
func countFootnotes(f *workbook.File, name string) (int, error) {
	cells, err := f.ReadSheet(name, workbook.Options{})
	if err != nil {
		return 0, fmt.Errorf("sheet %q: %w", name, err)
	}
	n := 0
	for _, row := range cells.Rows {
		if _, err := strconv.Atoi(cellText(row, 0)); err == nil && cellText(row, 1) != "" {
			n++
		}
	}
	return n, nil
}
