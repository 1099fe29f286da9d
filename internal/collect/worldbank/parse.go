package worldbank

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
)

// Summary describes one parsed document.
type Summary struct {
	Name string // the document's name as given to Parse: its URL or file name
	Zip  bool   // the document was a ZIP; false for a bare data CSV
	// DataFile and CountryFile name the ZIP members read; CountryFile is
	// empty when there was no Metadata_Country member.
	DataFile, CountryFile string

	Indicator     string // Indicator Code column, e.g. MS.MIL.XPND.GD.ZS
	IndicatorName string // Indicator Name column, e.g. "Military expenditure (% of GDP)"
	// SourceOrganization is the Metadata_Indicator attribution (SIPRI), when
	// the ZIP has that member.
	SourceOrganization string
	DataSource         string    // the "Data Source" line: "World Development Indicators"
	LastUpdated        time.Time // the "Last Updated Date" line; zero when absent

	FirstYear, LastYear int // the year columns
	// Metadata is true when Metadata_Country told aggregates from
	// economies; false when the country registry did.
	Metadata   bool
	Rows       int // data rows
	Economies  int // economy rows
	Aggregates int // aggregate rows (regions, income groups, INX)
	Records    int // non-empty cells: one record each
	// AggregateRecords counts the records of aggregates, included in
	// Records.
	AggregateRecords int
	Empty            int // empty cells: missing, no record
	// Unregistered names the aggregates ("CODE (name)") that
	// Metadata_Country lists but the country registry does not know:
	// their UnregisteredRecords figures are left out, since a code the
	// registry does not know cannot be published.
	Unregistered        []string
	UnregisteredRecords int
}

// CellError reports a cell that is neither empty nor a number.
type CellError struct {
	File    string // the ZIP member, or the last element of a bare CSV's name
	Line    int    // line of the row in the CSV file, from 1
	Country string // Country Code of the row
	Column  string // header of the column (the year)
	Text    string // the cell's text
}

func (e *CellError) Error() string {
	return fmt.Sprintf("%s line %d (%s), column %s: %q is not a number", e.File, e.Line, e.Country, e.Column, e.Text)
}

// headerRecords bounds the records read before the header row; the real
// files have two (Data Source, Last Updated Date).
const headerRecords = 10

// Parse reads one document: the ZIP of a bulk download or a bare data CSV.
// name is the document's URL or file name; when it names an indicator (the
// download URL, or an API_<code>_DS2_… file), the file must hold that one.
// Parse returns the figures of the economies and of the aggregates the
// registry knows, one record per non-empty cell, in file order, in the
// dataset's unit of the measure. A ZIP that unpacks to more than
// collect.DefaultMaxUnpacked is an error wrapping collect.ErrUnpackLimit.
func Parse(name string, body []byte) ([]dataset.Expenditure, Summary, error) {
	return parseLimit(name, body, collect.DefaultMaxUnpacked)
}

// parseLimit is Parse, unpacking at most limit bytes out of a ZIP.
func parseLimit(name string, body []byte, limit int64) ([]dataset.Expenditure, Summary, error) {
	recs, sum, err := parse(name, body, limit)
	if err != nil {
		// Messages quote names and codes read from the document, which
		// need not be valid UTF-8.
		return nil, Summary{}, collect.Printable(fmt.Errorf("worldbank: parse %s: %w", name, err))
	}
	sum.Name = name
	if want := nameIndicator(name); want != "" && want != sum.Indicator {
		return nil, Summary{}, collect.Printable(fmt.Errorf("worldbank: parse %s: the name says %s but the file holds %s: %w",
			name, want, sum.Indicator, ErrIndicator))
	}
	return recs, sum, nil
}

func parse(name string, body []byte, limit int64) ([]dataset.Expenditure, Summary, error) {
	if collect.IsZip(body) {
		return parseZip(body, limit)
	}
	if err := sniffText(body); err != nil {
		return nil, Summary{}, err
	}
	return parseData(docFile(name), body, nil)
}

// docFile returns the last element of a document's name (URL or path), to
// name the file in a CellError.
func docFile(name string) string {
	if u, err := url.Parse(name); err == nil && u.Path != "" {
		name = u.Path
	}
	return path.Base(name)
}

// sniffText rejects what a moved or failing download returns instead of the
// file, with a message that says what came back.
func sniffText(body []byte) error {
	head := bytes.TrimLeft(bytes.TrimPrefix(body, bom), " \t\r\n")
	if len(head) == 0 {
		return fmt.Errorf("empty document: %w", ErrFormat)
	}
	ct := http.DetectContentType(body)
	switch {
	case strings.HasPrefix(ct, "text/html"):
		return fmt.Errorf("got an HTML page, not a ZIP or CSV (has the download moved?): %w", ErrFormat)
	case strings.HasPrefix(ct, "text/xml"):
		return fmt.Errorf("got XML, not a ZIP or CSV (an API URL without ?downloadformat=csv?): %w", ErrFormat)
	case head[0] == '{' || head[0] == '[':
		return fmt.Errorf("got JSON, not a ZIP or CSV (the JSON API is not read; use ?downloadformat=csv): %w", ErrFormat)
	case !strings.HasPrefix(ct, "text/plain"):
		return fmt.Errorf("got %s, not a ZIP or CSV: %w", ct, ErrFormat)
	}
	return nil
}

var bom = []byte("\ufeff")

// ZIP member names, matched on the base name so that neither the order of
// the members nor the vintage number in their names matters.
var (
	dataMember      = regexp.MustCompile(`(?i)^API_.+\.csv$`)
	countryMember   = regexp.MustCompile(`(?i)^Metadata_Country_.*\.csv$`)
	indicatorMember = regexp.MustCompile(`(?i)^Metadata_Indicator_.*\.csv$`)
)

func parseZip(body []byte, limit int64) ([]dataset.Expenditure, Summary, error) {
	zr, err := collect.OpenZip(bytes.NewReader(body), int64(len(body)), limit)
	if errors.Is(err, collect.ErrUnpackLimit) {
		return nil, Summary{}, err
	}
	if err != nil {
		return nil, Summary{}, fmt.Errorf("read zip: %v: %w", err, ErrFormat)
	}
	var data, countries, ind *zip.File
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		base := path.Base(f.Name)
		var slot **zip.File
		switch {
		case countryMember.MatchString(base):
			slot = &countries
		case indicatorMember.MatchString(base):
			slot = &ind
		case dataMember.MatchString(base):
			slot = &data
		default:
			continue
		}
		if *slot != nil {
			return nil, Summary{}, fmt.Errorf("zip holds both %s and %s: %w", (*slot).Name, f.Name, ErrFormat)
		}
		*slot = f
	}
	if data == nil {
		return nil, Summary{}, fmt.Errorf("zip has no data member (API_<indicator>_DS2_….csv): %w", ErrFormat)
	}

	var meta map[string]string
	countryFile := ""
	if countries != nil {
		b, err := readMember(countries, limit)
		if err != nil {
			return nil, Summary{}, err
		}
		if meta, err = parseCountries(b); err != nil {
			return nil, Summary{}, fmt.Errorf("%s: %w", countries.Name, err)
		}
		countryFile = countries.Name
	}
	b, err := readMember(data, limit)
	if err != nil {
		return nil, Summary{}, err
	}
	recs, sum, err := parseData(data.Name, b, meta)
	if err != nil {
		if _, ok := errors.AsType[*CellError](err); ok {
			return nil, Summary{}, err // it names the member
		}
		return nil, Summary{}, fmt.Errorf("%s: %w", data.Name, err)
	}
	if want := nameIndicator(data.Name); want != "" && want != sum.Indicator {
		return nil, Summary{}, fmt.Errorf("member %s holds %s: %w", data.Name, sum.Indicator, ErrIndicator)
	}
	if ind != nil {
		b, err := readMember(ind, limit)
		if err != nil {
			return nil, Summary{}, err
		}
		code, org, err := parseIndicator(b)
		if err != nil {
			return nil, Summary{}, fmt.Errorf("%s: %w", ind.Name, err)
		}
		if code != sum.Indicator {
			return nil, Summary{}, fmt.Errorf("%s describes %s but the data is %s: %w", ind.Name, code, sum.Indicator, ErrIndicator)
		}
		sum.SourceOrganization = org
	}
	sum.Zip, sum.DataFile, sum.CountryFile = true, data.Name, countryFile
	return recs, sum, nil
}

// readMember returns the content of a member of a ZIP that OpenZip checked
// against limit.
func readMember(f *zip.File, limit int64) ([]byte, error) {
	b, err := collect.ReadZipMember(f, limit)
	if errors.Is(err, collect.ErrUnpackLimit) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("%v: %w", err, ErrFormat)
	}
	return b, nil
}

// newReader returns a CSV reader over b without its byte-order mark. Rows
// differ in length (the preamble has 3 fields, the data rows one per year
// plus the empty field after the trailing comma), so the field count is free;
// quotes must be well formed.
func newReader(b []byte) *csv.Reader {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, bom)))
	r.FieldsPerRecord = -1
	r.LazyQuotes = false
	r.ReuseRecord = true
	return r
}

// csvError turns a csv.Reader error into one that wraps ErrFormat and keeps
// the position csv.ParseError carries.
func csvError(err error) error {
	return fmt.Errorf("%v: %w", err, ErrFormat)
}

// parseCountries reads Metadata_Country into a map from code to Region,
// which is empty for aggregates.
func parseCountries(b []byte) (map[string]string, error) {
	r := newReader(b)
	head, err := r.Read()
	if err != nil {
		return nil, csvError(err)
	}
	codeCol, regionCol := -1, -1
	for i, h := range head {
		switch h {
		case "Country Code":
			codeCol = i
		case "Region":
			regionCol = i
		}
	}
	if codeCol < 0 || regionCol < 0 {
		return nil, fmt.Errorf("header %q lacks Country Code or Region: %w", head, ErrFormat)
	}
	regions := map[string]string{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) <= max(codeCol, regionCol) {
			return nil, fmt.Errorf("line %d: %d fields, want at least %d: %w", line, len(rec), max(codeCol, regionCol)+1, ErrFormat)
		}
		code := rec[codeCol]
		if code == "" {
			return nil, fmt.Errorf("line %d: no country code: %w", line, ErrFormat)
		}
		if _, dup := regions[code]; dup {
			return nil, fmt.Errorf("line %d: country code %s listed twice: %w", line, code, ErrFormat)
		}
		regions[code] = rec[regionCol]
	}
	return regions, nil
}

// parseIndicator reads Metadata_Indicator: the indicator code and the
// organisation the figures come from.
func parseIndicator(b []byte) (code, org string, err error) {
	r := newReader(b)
	r.ReuseRecord = false
	recs, err := r.ReadAll()
	if err != nil {
		return "", "", csvError(err)
	}
	if len(recs) != 2 {
		return "", "", fmt.Errorf("%d records, want a header and one row: %w", len(recs), ErrFormat)
	}
	for i, h := range recs[0] {
		if i >= len(recs[1]) {
			break
		}
		switch h {
		case "INDICATOR_CODE":
			code = recs[1][i]
		case "SOURCE_ORGANIZATION":
			org = recs[1][i]
		}
	}
	if code == "" {
		return "", "", fmt.Errorf("no INDICATOR_CODE: %w", ErrFormat)
	}
	return code, org, nil
}

// parseData reads a data CSV; file names it in a CellError. regions is
// Metadata_Country (code -> Region) or nil when the document has none; the
// registry then tells aggregates from economies.
func parseData(file string, b []byte, regions map[string]string) ([]dataset.Expenditure, Summary, error) {
	sum := Summary{Metadata: regions != nil}
	r := newReader(b)

	// The preamble ("Data Source", "Last Updated Date") comes before the
	// header; find the header by its content, not its line number.
	var head []string
	for n := 0; head == nil; n++ {
		rec, err := r.Read()
		if err == io.EOF || n == headerRecords {
			return nil, Summary{}, fmt.Errorf("no header row (Country Name, Country Code, Indicator Name, Indicator Code, years…) in the first %d records: %w", headerRecords, ErrFormat)
		}
		if err != nil {
			return nil, Summary{}, csvError(err)
		}
		switch {
		case isHeader(rec):
			head = append([]string(nil), rec...)
		case len(rec) >= 2 && rec[0] == "Data Source":
			sum.DataSource = rec[1]
		case len(rec) >= 2 && rec[0] == "Last Updated Date":
			t, err := time.Parse(time.DateOnly, rec[1])
			if err != nil {
				return nil, Summary{}, fmt.Errorf("preamble: Last Updated Date %q is not YYYY-MM-DD: %w", rec[1], ErrFormat)
			}
			sum.LastUpdated = t
		}
	}
	years, err := yearColumns(head)
	if err != nil {
		return nil, Summary{}, err
	}
	sum.FirstYear, sum.LastYear = years[0], years[len(years)-1]
	width := 4 + len(years)

	// First pass: check the rows and pick the economies, so that the
	// records can be allocated once (they dominate the time and memory).
	type economy struct {
		c         country.Country
		aggregate bool
		rec       []string
		line      int
	}
	var (
		ind    struct{ measure, unit string }
		codes  = map[string]int{} // country code -> line
		rows   []economy
		values int
	)
	r.ReuseRecord = false
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, Summary{}, csvError(err)
		}
		line, _ := r.FieldPos(0)
		// Every row has as many fields as the header, including the empty
		// one after the trailing comma; a row that lacks a field would
		// otherwise shift its last year into that empty column unseen.
		if len(rec) != len(head) {
			return nil, Summary{}, fmt.Errorf("line %d: %d fields, but the header has %d: %w", line, len(rec), len(head), ErrFormat)
		}
		for i := width; i < len(rec); i++ {
			if rec[i] != "" {
				return nil, Summary{}, fmt.Errorf("line %d: field %d %q has no header: %w", line, i+1, rec[i], ErrFormat)
			}
		}
		code, indicator := rec[1], rec[3]
		if sum.Rows == 0 {
			var ok bool
			if ind, ok = indicators[indicator]; !ok {
				return nil, Summary{}, fmt.Errorf("indicator %q is not one this collector reads (%s, %s, %s): %w",
					indicator, ShareOfGDP, CurrentUSD, ShareOfGovt, ErrIndicator)
			}
			sum.Indicator, sum.IndicatorName = indicator, rec[2]
		} else if indicator != sum.Indicator {
			return nil, Summary{}, fmt.Errorf("line %d: indicator %s, but earlier rows hold %s: %w", line, indicator, sum.Indicator, ErrIndicator)
		}
		sum.Rows++
		if code == "" {
			return nil, Summary{}, fmt.Errorf("line %d: no country code: %w", line, ErrFormat)
		}
		if prev, dup := codes[code]; dup {
			return nil, Summary{}, fmt.Errorf("line %d: country code %s already on line %d: %w", line, code, prev, ErrFormat)
		}
		codes[code] = line

		c, aggregate, err := classify(code, rec[0], regions)
		if err != nil {
			return nil, Summary{}, fmt.Errorf("line %d: %w", line, err)
		}
		n := 0
		for _, text := range rec[4:width] {
			if text != "" {
				n++
			}
		}
		if aggregate {
			sum.Aggregates++
			if c.ISO3 == "" {
				// On Metadata_Country's word only: no code to publish.
				if n > 0 {
					sum.Unregistered = append(sum.Unregistered, code+" ("+rec[0]+")")
					sum.UnregisteredRecords += n
				}
				continue
			}
		} else {
			sum.Economies++
		}
		values += n
		rows = append(rows, economy{c, aggregate, rec, line})
	}
	if sum.Rows == 0 {
		return nil, Summary{}, fmt.Errorf("no data rows after the header: %w", ErrFormat)
	}

	// Second pass: one record per non-empty cell.
	recs := make([]dataset.Expenditure, 0, values)
	for _, e := range rows {
		for i, year := range years {
			text := e.rec[4+i]
			if text == "" {
				sum.Empty++
				continue
			}
			v, err := strconv.ParseFloat(text, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, Summary{}, &CellError{File: file, Line: e.line, Country: e.c.ISO3, Column: head[4+i], Text: text}
			}
			r := dataset.Expenditure{
				Country:     e.c.ISO3,
				CountryName: e.c.Name,
				Aggregate:   e.aggregate,
				Year:        year,
				Measure:     ind.measure,
				Source:      dataset.SourceWorldBank,
			}
			r.Unit, _ = dataset.ExpenditureUnits.Of(ind.measure)
			if err := r.SetValue(v, ind.unit); err != nil {
				return nil, Summary{}, err // the indicators table is wrong
			}
			recs = append(recs, r)
			if e.aggregate {
				sum.AggregateRecords++
			}
		}
	}
	sum.Records = len(recs)
	return recs, sum, nil
}

func isHeader(rec []string) bool {
	return len(rec) > 4 && rec[0] == "Country Name" && rec[1] == "Country Code" &&
		rec[2] == "Indicator Name" && rec[3] == "Indicator Code"
}

// yearColumns reads the years after the four name columns. The real header
// ends with an empty column (every line ends with a comma); empty columns
// are allowed only at the end.
func yearColumns(head []string) ([]int, error) {
	var years []int
	for i := 4; i < len(head); i++ {
		h := head[i]
		if h == "" {
			for _, rest := range head[i:] {
				if rest != "" {
					return nil, fmt.Errorf("header column %d is empty but column %q follows: %w", i+1, rest, ErrFormat)
				}
			}
			break
		}
		y, err := strconv.Atoi(h)
		if err != nil || len(h) != 4 {
			return nil, fmt.Errorf("header column %d %q is not a year: %w", i+1, h, ErrFormat)
		}
		if len(years) > 0 && y <= years[len(years)-1] {
			return nil, fmt.Errorf("header column %d: year %d after %d: %w", i+1, y, years[len(years)-1], ErrFormat)
		}
		years = append(years, y)
	}
	if len(years) == 0 {
		return nil, fmt.Errorf("header has no year columns: %w", ErrFormat)
	}
	return years, nil
}

// notClassified is the World Bank's "Not classified" row, which is in the
// data files but not in Metadata_Country.
const notClassified = "INX"

// classify says whether code is an aggregate and returns its registry entry.
// Metadata_Country, when present, decides (an empty Region marks an
// aggregate) and must agree with the registry; without it the registry
// decides. Economies must be in the registry; aggregates the registry does
// not know are accepted only on the metadata's word.
func classify(code, name string, regions map[string]string) (country.Country, bool, error) {
	c, known := country.Lookup(code)
	region, inMeta := regions[code]
	switch {
	case inMeta:
		aggregate := region == ""
		switch {
		case !known && aggregate:
			return country.Country{}, true, nil
		case !known:
			return country.Country{}, false, fmt.Errorf("economy %s (%s, region %s) is not in the registry; add it to internal/country/countries.csv: %w",
				code, name, region, ErrCountry)
		case aggregate != (c.Kind == country.KindAggregate):
			what := "an economy (region " + region + ")"
			if aggregate {
				what = "an aggregate (no region)"
			}
			return country.Country{}, false, fmt.Errorf("stale registry: Metadata_Country has %s (%s) as %s but internal/country/countries.csv has kind %s: %w",
				code, name, what, c.Kind, ErrCountry)
		}
		return c, aggregate, nil
	case code == notClassified:
		return c, true, nil
	case !known:
		return country.Country{}, false, fmt.Errorf("code %s (%s) is not in the registry; add it to internal/country/countries.csv (kind aggregate if it is a region or group): %w",
			code, name, ErrCountry)
	}
	return c, c.Kind == country.KindAggregate, nil
}

// apiFile matches the names of the bulk files, API_<code>_DS2_<lang>_csv_v2_<n>.
var apiFile = regexp.MustCompile(`^API_(.+?)_DS2_`)

// nameIndicator returns the indicator a document's name gives, or "": the
// segment after /indicator/ in a World Bank API URL, or the code in an
// API_<code>_DS2_… file name.
func nameIndicator(name string) string {
	p := name
	if u, err := url.Parse(name); err == nil && u.Path != "" {
		p = u.Path
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for i := 0; i+1 < len(segs); i++ {
		if segs[i] == "indicator" {
			return segs[i+1]
		}
	}
	if m := apiFile.FindStringSubmatch(path.Base(p)); m != nil {
		return m[1]
	}
	return ""
}
