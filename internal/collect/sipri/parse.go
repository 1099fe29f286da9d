package sipri

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/workbook"
)

// Units SIPRI publishes each sheet in. The records carry each measure's unit
// in the dataset (dataset.ExpenditureUnits) and these as their source unit.
const (
	UnitMillionUSD = dataset.UnitMillionUSD // Constant (<base>) US$ and Current US$
	UnitBillionUSD = dataset.UnitBillionUSD // Regional totals
	UnitFraction   = dataset.UnitFraction   // Share of GDP, Share of Govt. spending: 0.0345 is 3.45%
	UnitUSD        = dataset.UnitUSD        // Per capita, current US$ per person
	// UnitLocal is both local-currency sheets'. Their titles say only "in
	// local currency at current prices"; the figures are whole units of
	// the currency, not millions: in the 1948-2023 release the United
	// States' 2023 figure is 916014700000 US dollars in both local-currency
	// sheets and 916014.7 in Current US$ (US$ m), and every state's ratio
	// of the two is its exchange rate.
	UnitLocal = dataset.UnitLocal
)

// publisher is SIPRI's name in internal/country/aggregates.csv.
const publisher = "SIPRI"

// Stats summarises a parsed workbook.
type Stats struct {
	Sheets []SheetStats // the data sheets, in workbook order
	// Regional summarises the Regional totals sheet; nil when the
	// workbook has none (custom exports may leave it out).
	Regional  *RegionalStats
	Skipped   []string // other sheets: Front page, Footnotes and any unknown
	Countries int      // distinct states over all data sheets
	// Footnotes counts the numbered notes of the Footnotes sheet, whose
	// text is not published: rows carry their numbers (footnotes column).
	Footnotes int
}

// Aggregates returns the number of aggregate records: the European Union's
// rows of the data sheets and the regional totals.
func (st *Stats) Aggregates() int {
	n := 0
	for _, s := range st.Sheets {
		n += s.AggregateRecords
	}
	if st.Regional != nil {
		n += st.Regional.Records
	}
	return n
}

// SheetStats summarises one data sheet.
type SheetStats struct {
	Name                string
	Measure             string
	FirstYear, LastYear int
	Regions             int // region heading rows, which hold no figures
	Countries           int // state rows read
	// Aggregates names the aggregate rows read, such as "European Union"
	// (the EU's own budget), published as aggregates.
	Aggregates       []string
	AggregateRecords int // their records, included in Records
	Records          int
	// Empty counts empty cells inside the year range, read as not
	// available. SIPRI's files mark every missing figure, so this is 0 in
	// all releases seen so far.
	Empty int
}

// Parse reads a SIPRI Military Expenditure Database workbook, as published
// on sipri.org or exported by SIPRI's custom-export tool, and returns one
// record per country cell of each data sheet it holds and one per cell of
// its Regional totals, with a summary of what it read. Values are parsed
// from the cell text as stored, so each float64 is exactly the file's
// number, and converted into the dataset's unit of the measure by a shift of
// the decimal point (shares from fractions to percent, regional totals from
// US$ b to US$ m); the record keeps the unit SIPRI published. The European
// Union's row and the regional totals are aggregates, with the codes
// internal/country/aggregates.csv gives SIPRI's names; region headings hold
// no figures; every other row must name a state the country registry knows.
// Any cell it cannot read is an error naming the sheet and cell; Parse never
// returns part of a workbook. A workbook that unpacks to more than
// collect.DefaultMaxUnpacked is an error wrapping collect.ErrUnpackLimit.
func Parse(r io.ReaderAt, size int64) ([]dataset.Expenditure, Stats, error) {
	recs, st, err := parse(r, size, collect.DefaultMaxUnpacked)
	if err != nil {
		return nil, Stats{}, fmt.Errorf("sipri: parse: %w", err)
	}
	return recs, st, nil
}

// parse reads the workbook, unpacking at most limit bytes out of it (see
// package workbook).
func parse(r io.ReaderAt, size, limit int64) ([]dataset.Expenditure, Stats, error) {
	f, err := workbook.Open(r, size, limit)
	if err != nil {
		return nil, Stats{}, fmt.Errorf("open workbook: %w", err)
	}
	defer f.Close()
	// Read every data sheet's cells first, so that the records can be
	// allocated once: they are most of the memory a parse keeps.
	var sheets []*sheet
	var totals *regional
	var st Stats
	n := 0
	sheetOf := map[string]string{} // measure -> sheet
	for _, name := range f.Sheets() {
		if isRegional(name) {
			if totals, err = readRegional(f, name); err != nil {
				return nil, Stats{}, err
			}
			n += (len(totals.rows) - totals.header - 1) * (len(totals.years) + 1)
			continue
		}
		m, ok := sheetMeasure(name)
		if !ok {
			if isFootnotes(name) {
				if st.Footnotes, err = countFootnotes(f, name); err != nil {
					return nil, Stats{}, err
				}
			}
			st.Skipped = append(st.Skipped, name)
			continue
		}
		if prev, dup := sheetOf[m.name]; dup {
			return nil, Stats{}, fmt.Errorf("sheets %q and %q both hold %s", prev, name, m.name)
		}
		sheetOf[m.name] = name
		sh, err := readSheet(f, name, m)
		if err != nil {
			return nil, Stats{}, err
		}
		sheets = append(sheets, sh)
		// A state has one row with figures; region headings and
		// aggregates give no records. Counting every row would let a
		// sheet of a million headings reserve 78 million records.
		n += min(len(sh.rows)-sh.header-1, maxStates) * len(sh.years)
	}
	if len(sheets) == 0 {
		return nil, Stats{}, fmt.Errorf("no data sheet (want %s) among sheets %q", dataSheets, f.Sheets())
	}
	p := &parser{f: f, flags: map[int]flags{}, states: map[string]bool{}, recs: make([]dataset.Expenditure, 0, n)}
	for _, sh := range sheets {
		ss, err := p.records(sh)
		if err != nil {
			return nil, Stats{}, err
		}
		st.Sheets = append(st.Sheets, ss)
	}
	if totals != nil {
		// The regional totals and the country sheets must be at one base
		// year, or one constant-dollar measure would mix two.
		for _, sh := range sheets {
			if b, ok := strings.CutPrefix(sh.measure.name, "constant_usd_"); ok && b != strconv.Itoa(totals.base) {
				return nil, Stats{}, fmt.Errorf("sheet %q is at %d prices but sheet %q at %s prices", totals.name, totals.base, sh.name, b)
			}
		}
		rs, err := p.regionalRecords(totals)
		if err != nil {
			return nil, Stats{}, err
		}
		st.Regional = &rs
	}
	st.Countries = len(p.states)
	return p.recs, st, nil
}

// maxStates is the most rows of figures a data sheet can have: one per
// state the country registry knows.
var maxStates = len(country.All())

// measure says what one data sheet holds.
type measure struct {
	name  string // dataset measure
	unit  string // the unit SIPRI publishes the sheet in
	local bool   // a local-currency sheet, with Currency and maybe Fiscal Year columns
}

var (
	constantSheet = regexp.MustCompile(`(?i)^constant \((\d{4})\) us\$$`)
	otherSheets   = map[string]measure{
		"current us$":                    {dataset.MeasureCurrentUSD, UnitMillionUSD, false},
		"share of gdp":                   {dataset.MeasureShareOfGDP, UnitFraction, false},
		"per capita":                     {dataset.MeasurePerCapita, UnitUSD, false},
		"share of govt. spending":        {dataset.MeasureShareOfGovt, UnitFraction, false},
		"local currency financial years": {dataset.MeasureLocalFY, UnitLocal, true},
		"local currency calendar years":  {dataset.MeasureLocalCY, UnitLocal, true},
	}
	dataSheets = `"Constant (<base year>) US$", "Current US$", "Share of GDP", "Per capita", ` +
		`"Share of Govt. spending", "Local currency financial years" or "Local currency calendar years"`
)

// sheetMeasure returns what the sheet called name holds, or false for a
// sheet without country data.
func sheetMeasure(name string) (measure, bool) {
	n := strings.ToLower(strings.Join(strings.Fields(name), " "))
	if m := constantSheet.FindStringSubmatch(n); m != nil {
		base, _ := strconv.Atoi(m[1])
		return measure{dataset.MeasureConstantUSD(base), UnitMillionUSD, false}, true
	}
	m, ok := otherSheets[n]
	return m, ok
}

// parser holds what is shared by the sheets of one workbook.
type parser struct {
	f      *workbook.File
	flags  map[int]flags // by style ID: styles are few, cells many
	states map[string]bool
	recs   []dataset.Expenditure
}

// sheet is one data sheet's cells and where its columns are, found from
// its header row.
type sheet struct {
	name                               string
	measure                            measure
	rows                               [][]string
	cells                              *workbook.Sheet // rows, with the cells' styles
	header                             int             // index of the header row
	currency, fiscal, notes, reporting int             // column indexes, -1 when absent
	years                              []yearColumn
}

type yearColumn struct{ col, year int }

// readSheet reads the cells of a data sheet, with their styles, and its
// header.
func readSheet(f *workbook.File, name string, m measure) (*sheet, error) {
	cells, err := f.ReadSheet(name, workbook.Options{Styles: true})
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", name, err)
	}
	sh := &sheet{name: name, measure: m, rows: cells.Rows, cells: cells}
	if err := sh.readHeader(); err != nil {
		return nil, err
	}
	return sh, nil
}

// records appends the records of one data sheet.
func (p *parser) records(sh *sheet) (SheetStats, error) {
	st := SheetStats{Name: sh.name, Measure: sh.measure.name, FirstYear: sh.years[0].year, LastYear: sh.years[0].year}
	for _, y := range sh.years {
		st.FirstYear, st.LastYear = min(st.FirstYear, y.year), max(st.LastYear, y.year)
	}
	rowOf := map[string]int{} // state -> row number, to catch a state listed twice
	for i := sh.header + 1; i < len(sh.rows); i++ {
		row := sh.rows[i]
		if isBlank(row) {
			continue
		}
		label := cellText(row, 0)
		if label == "" {
			return SheetStats{}, fmt.Errorf("sheet %q row %d: figures without a country name in column A", sh.name, i+1)
		}
		if isBlank(row[1:]) {
			// A region heading ("Africa", "sub-Saharan Africa"): a name
			// and nothing else.
			st.Regions++
			continue
		}
		c, aggregate := country.AggregateOf(publisher, label)
		if !aggregate {
			var ok bool
			if c, ok = country.ByName(label); !ok {
				return SheetStats{}, fmt.Errorf("sheet %q row %d: unknown country %q: add SIPRI's spelling to internal/country/aliases.csv",
					sh.name, i+1, label)
			}
			if !c.IsState() {
				return SheetStats{}, fmt.Errorf("sheet %q row %d: %q is an aggregate SIPRI's names do not include: add it to internal/country/aggregates.csv",
					sh.name, i+1, label)
			}
		}
		if prev, dup := rowOf[c.ISO3]; dup {
			return SheetStats{}, fmt.Errorf("sheet %q: %s listed twice (rows %d and %d)", sh.name, c.ISO3, prev, i+1)
		}
		rowOf[c.ISO3] = i + 1
		if aggregate {
			st.Aggregates = append(st.Aggregates, label)
		} else {
			p.states[c.ISO3] = true
			st.Countries++
		}
		base := dataset.Expenditure{
			Country:     c.ISO3,
			CountryName: c.Name,
			Aggregate:   aggregate,
			Measure:     sh.measure.name,
			Source:      dataset.SourceSIPRI,
			Unit:        unitOf(sh.measure.name),
			SourceUnit:  sh.measure.unit,
			Currency:    cellText(row, sh.currency),
			FiscalYear:  cellText(row, sh.fiscal),
		}
		var ok bool
		if ry := cellText(row, sh.reporting); ry != "" {
			// Empty in every release seen; kept as the period the share
			// refers to if SIPRI ever fills it.
			base.FiscalYear = ry
		}
		notes := cellText(row, sh.notes)
		if base.Notes, base.Footnotes, ok = splitNotes(notes); !ok {
			return SheetStats{}, fmt.Errorf("sheet %q cell %s: notes %q: want note symbols (%s) and footnote numbers",
				sh.name, cellName(sh.notes, i), notes, noteSymbols)
		}
		for _, y := range sh.years {
			rec := base
			rec.Year = y.year
			fl, empty, err := p.readCell(&rec, sh, row, i, y.col)
			if err != nil {
				return SheetStats{}, err
			}
			if empty {
				st.Empty++
			}
			rec.Estimate, rec.Uncertain = fl.estimate, fl.uncertain
			p.recs = append(p.recs, rec)
			st.Records++
			if aggregate {
				st.AggregateRecords++
			}
		}
	}
	return st, nil
}

// readCell reads the figure of sheet sh's cell at row i, column col into
// rec: its value in rec.Unit, or the kind of missing value its mark says
// (empty, "...", "xxx"); and returns the estimate and uncertainty flags its
// font colour gives a cell that holds something. empty reports an empty
// cell, read as not available.
func (p *parser) readCell(rec *dataset.Expenditure, sh *sheet, row []string, i, col int) (fl flags, empty bool, err error) {
	text := cellText(row, col)
	switch {
	case text == "":
		rec.Missing = dataset.MissingNotAvailable
		return flags{}, true, nil
	case isUnavailable(text):
		rec.Missing = dataset.MissingNotAvailable
	case strings.EqualFold(text, "xxx"):
		rec.Missing = dataset.MissingDidNotExist
	default:
		if err := setValue(rec, text); err != nil {
			return flags{}, false, fmt.Errorf("sheet %q cell %s: %w", sh.name, cellName(col, i), err)
		}
	}
	fl, err = p.cellFlags(sh, i, col)
	return fl, false, err
}

// unitOf returns the unit the dataset publishes a measure in.
func unitOf(measure string) string {
	u, _ := dataset.ExpenditureUnits.Of(measure)
	return u
}

// setValue reads a cell's number, published in rec.SourceUnit, into rec in
// rec.Unit.
func setValue(rec *dataset.Expenditure, text string) error {
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%q is neither a number nor a missing-value mark (\"...\" or \"xxx\")", text)
	}
	return rec.SetValue(v, rec.SourceUnit)
}

// readHeader finds the header row, the first whose first cell is "Country",
// and the columns it names. The title rows above it vary in number by sheet
// and release, and the columns between Country and the years vary by sheet.
func (sh *sheet) readHeader() error {
	for i, row := range sh.rows {
		if !strings.EqualFold(cellText(row, 0), "Country") {
			continue
		}
		sh.header, sh.currency, sh.fiscal, sh.notes, sh.reporting = i, -1, -1, -1, -1
		seen := map[int]string{}
		for j := 1; j < len(row); j++ {
			t := cellText(row, j)
			lt := strings.ToLower(t)
			switch {
			case t == "":
				// The unnamed column B of the constant-US$ sheet, and the
				// trailing empty cell of custom exports.
			case lt == "currency":
				sh.currency = j
			case strings.HasPrefix(lt, "fiscal year"):
				sh.fiscal = j
			case lt == "notes":
				sh.notes = j
			case lt == "reporting year":
				sh.reporting = j
			default:
				y, ok := parseYear(t)
				if !ok {
					return fmt.Errorf("sheet %q cell %s: unexpected header %q (want Currency, Fiscal Year, Notes, Reporting year or a year)",
						sh.name, cellName(j, i), t)
				}
				if prev, dup := seen[y]; dup {
					return fmt.Errorf("sheet %q: year %d in two columns (%s and %s)", sh.name, y, prev, cellName(j, i))
				}
				seen[y] = cellName(j, i)
				sh.years = append(sh.years, yearColumn{col: j, year: y})
			}
		}
		switch {
		case len(sh.years) == 0:
			return fmt.Errorf("sheet %q row %d: header has no year columns", sh.name, i+1)
		case sh.measure.local && sh.currency < 0:
			return fmt.Errorf("sheet %q row %d: header has no Currency column", sh.name, i+1)
		}
		return nil
	}
	return fmt.Errorf("sheet %q: no header row (a row whose first cell is \"Country\")", sh.name)
}

// parseYear reads a year header: 1948 in SIPRI's releases, 2017.0 in custom
// exports.
func parseYear(s string) (int, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != math.Trunc(v) || v < 1900 || v > 2100 {
		return 0, false
	}
	return int(v), true
}

// isUnavailable reports whether s is SIPRI's mark for unavailable data: the
// legend says ". ." and the cells hold "...".
func isUnavailable(s string) bool {
	n := 0
	for _, r := range s {
		switch r {
		case '.':
			n++
		case ' ':
		default:
			return false
		}
	}
	return n >= 2
}

// cellText returns the trimmed text of row[col], or "" for a cell beyond the
// row's end or a negative col. Currency cells carry trailing spaces
// ("Tenge     ").
func cellText(row []string, col int) string {
	if col < 0 || col >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[col])
}

func isBlank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// cellName returns the A1 name of the cell at zero-based col and row.
func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col+1, row+1)
	return name
}
