package sipri

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/realdata"
)

// The expected counts below were made independently of this parser: a
// Python script (stdlib zipfile and xml.etree only) read each sheet's XML,
// found the "Country" header row, took years from the header cells, counted
// one-cell rows as regions, counted the European Union row apart, and
// counted per year cell "..." (not available), "xxx" (did not exist),
// numbers, and font colour indexed 12 (blue) and 10 (red) from styles.xml;
// in Regional totals it counted, per region row, the year columns and the
// "<year> (current prices)" column, empty cells as not available. The spot
// values were read with the same script and checked by eye in the XML.

// sheetCounts is what one data sheet should yield.
type sheetCounts struct {
	name                string
	regions, countries  int
	records, values     int
	notAvailable, gone  int // "..." and "xxx" cells
	estimate, uncertain int
	eu                  count // the European Union's row, an aggregate
}

// regionalCounts is what the Regional totals sheet should yield: its
// records count red figures as estimates.
type regionalCounts struct {
	regions, omitted int
	records          count
}

// spot is one cell checked by hand: text is the cell as stored (a number,
// "..." or "xxx").
type spot struct {
	code, name          string
	year                int
	measure             string
	text                string
	estimate, uncertain bool
	notes, footnotes    string
	currency, fiscal    string
	aggregate, regional bool // the European Union's row; a regional total
}

// want returns the record of the spot: the cell's number in the dataset's
// unit, the decimal point moved from the unit the sheet is in.
func (s spot) want(t *testing.T) dataset.Expenditure {
	t.Helper()
	published := map[string]string{"share_of_gdp": UnitFraction, "share_of_govt": UnitFraction, "per_capita": UnitUSD,
		"local_currency_fy": UnitLocal, "local_currency_cy": UnitLocal}
	r := dataset.Expenditure{Country: s.code, CountryName: s.name, Year: s.year, Measure: s.measure, Source: dataset.SourceSIPRI,
		SourceUnit: UnitMillionUSD, Estimate: s.estimate, Uncertain: s.uncertain, Notes: s.notes, Footnotes: s.footnotes,
		Currency: s.currency, FiscalYear: s.fiscal, Aggregate: s.aggregate}
	if u, ok := published[s.measure]; ok {
		r.SourceUnit = u
	}
	if s.regional {
		r.SourceUnit = UnitBillionUSD
	}
	r.Unit, _ = dataset.ExpenditureUnits.Of(s.measure)
	switch s.text {
	case "...":
		r.Missing = dataset.MissingNotAvailable
	case "xxx":
		r.Missing = dataset.MissingDidNotExist
	default:
		v, err := strconv.ParseFloat(s.text, 64)
		if err != nil {
			t.Fatalf("spot %+v: %v", s, err)
		}
		if r.Value, err = dataset.ConvertUnit(v, r.SourceUnit, r.Unit); err != nil {
			t.Fatal(err)
		}
		r.HasValue = true
	}
	return r
}

// The European Union's rows: in the 1948-2023 release 76 years (36 from
// 1988), figures for 2022 and 2023 only; in 1949-2022, 74 (35) and 2022.
var (
	eu2023     = count{76, 2, 0, 74, 0, 0}
	eu2023late = count{36, 0, 2, 34, 0, 0}
	eu2022     = count{74, 1, 0, 73, 0, 0}
	eu2022late = count{35, 0, 1, 34, 0, 0}
)

var realWorkbooks = []struct {
	file     string
	states   int
	sheets   []sheetCounts
	regional *regionalCounts
	spots    []spot
}{
	{
		file: "SIPRI-Milex-data-1948-2023.xlsx", states: 173,
		sheets: []sheetCounts{
			{"Local currency financial years", 18, 173, 13148, 8758, 4228, 162, 1994, 191, eu2023},
			{"Local currency calendar years", 18, 173, 13148, 8695, 4291, 162, 1994, 191, eu2023},
			{"Constant (2022) US$", 18, 173, 13148, 8189, 4797, 162, 1809, 148, eu2023},
			{"Current US$", 18, 173, 13148, 8695, 4291, 162, 1994, 191, eu2023},
			{"Share of GDP", 18, 173, 13148, 8083, 4903, 162, 1994, 191, eu2023},
			{"Per capita", 18, 173, 6228, 5172, 894, 162, 783, 149, eu2023late},
			{"Share of Govt. spending", 18, 173, 6228, 4556, 1510, 162, 783, 149, eu2023late},
		},
		// 19 rows x (1988-2023 at 2022 prices + 2023 at 2023 prices).
		regional: &regionalCounts{regions: 19, omitted: 5, records: count{703, 700, 3, 0, 45, 0}},
		spots: []spot{
			// The European Union's own budget, not the sum of its members.
			{code: "XEU", name: "European Union (EU budget)", year: 2022, measure: "current_usd", text: "1283.1623852516261", notes: "†¶", aggregate: true},
			{code: "XEU", name: "European Union (EU budget)", year: 2021, measure: "current_usd", text: "xxx", notes: "†¶", aggregate: true},
			{code: "XEU", name: "European Union (EU budget)", year: 2023, measure: "local_currency_cy", text: "934000000", notes: "†¶", currency: "Euro", aggregate: true},
			// Regional totals, US$ b in the workbook.
			{code: "WLD", name: "World", year: 2023, measure: "current_usd", text: "2443.3988032021712", aggregate: true, regional: true},
			{code: "WLD", name: "World", year: 1991, measure: "constant_usd_2022", text: "...", aggregate: true, regional: true},
			{code: "XAF", name: "Africa (SIPRI region)", year: 1988, measure: "constant_usd_2022", text: "20.323888623654359", estimate: true, aggregate: true, regional: true},
			{code: "XAF", name: "Africa (SIPRI region)", year: 2023, measure: "current_usd", text: "51.577112621176902", aggregate: true, regional: true},
			{code: "UKR", name: "Ukraine", year: 2022, measure: "constant_usd_2022", text: "41183.927472811942", estimate: true},
			{code: "UKR", name: "Ukraine", year: 2023, measure: "local_currency_cy", text: "2382451228053", estimate: true, currency: "Hryvnias"},
			{code: "UKR", name: "Ukraine", year: 2023, measure: "share_of_govt", text: "0.58170709881605231", estimate: true},
			// Algeria before independence is "..." in this release.
			{code: "DZA", name: "Algeria", year: 1949, measure: "current_usd", text: "...", notes: "§"},
			{code: "DZA", name: "Algeria", year: 1960, measure: "current_usd", text: "43.143085155943012", notes: "§"},
			{code: "DZA", name: "Algeria", year: 1961, measure: "current_usd", text: "45.978780893892321", notes: "§"},
			{code: "DZA", name: "Algeria", year: 1962, measure: "current_usd", text: "...", notes: "§"},
			{code: "DZA", name: "Algeria", year: 2020, measure: "share_of_gdp", text: "6.6587108296801423E-2", uncertain: true, notes: "§"},
			{code: "LBY", name: "Libya", year: 2000, measure: "current_usd", text: "1085.534664870458", notes: "‡§¶"},
			{code: "PRK", name: "Korea, North", year: 2020, measure: "share_of_gdp", text: "...", uncertain: true},
			{code: "CUB", name: "Cuba", year: 2020, measure: "share_of_gdp", text: "...", estimate: true, notes: "§"},
			{code: "CHN", name: "China", year: 2022, measure: "share_of_gdp", text: "1.6231462777508497E-2", estimate: true},
			{code: "RUS", name: "Russia", year: 2022, measure: "share_of_gdp", text: "4.6900348306479336E-2", estimate: true},
			{code: "SUN", name: "Soviet Union", year: 1991, measure: "current_usd", text: "..."},
			{code: "SUN", name: "Soviet Union", year: 1992, measure: "current_usd", text: "xxx"},
			{code: "KAZ", name: "Kazakhstan", year: 2023, measure: "local_currency_fy", text: "564260000000", notes: "†", currency: "Tenge"},
			{code: "CAN", name: "Canada", year: 2023, measure: "local_currency_fy", text: "37774000000", currency: "Dollars", fiscal: "Apr-Mar"},
			{code: "IND", name: "India", year: 1950, measure: "local_currency_fy", text: "...", currency: "Rupees", fiscal: "Apr-Mar"},
			{code: "LAO", name: "Laos", year: 2000, measure: "local_currency_fy", text: "111800000000", notes: "§", currency: "Kip",
				fiscal: "Till: 1973 Jul-Jun, From 1974 Till: 1990 Jan-Dec, From 1991: Oct-Sep"},
		},
	},
	{
		file: "SIPRI-Milex-data-1949-2022.xlsx", states: 173,
		sheets: []sheetCounts{
			{"Local currency financial years", 18, 173, 12802, 8546, 1912, 2344, 1973, 184, eu2022},
			{"Local currency calendar years", 18, 173, 12802, 8490, 1968, 2344, 1973, 184, eu2022},
			{"Constant (2021) US$", 18, 173, 12802, 8004, 2454, 2344, 1792, 142, eu2022},
			{"Current US$", 18, 173, 12802, 8490, 1968, 2344, 1973, 184, eu2022},
			{"Share of GDP", 18, 173, 12802, 7899, 2559, 2344, 1973, 184, eu2022},
			{"Per capita", 18, 173, 6055, 4935, 799, 321, 770, 142, eu2022late},
			{"Share of Govt. spending", 18, 173, 6055, 4327, 1407, 321, 770, 142, eu2022late},
		},
		regional: &regionalCounts{regions: 19, omitted: 5, records: count{684, 681, 3, 0, 21, 0}},
		spots: []spot{
			{code: "UKR", name: "Ukraine", year: 2022, measure: "constant_usd_2021", text: "43983.165242908159", estimate: true, footnotes: "84"},
			// Algeria before independence is "xxx" in this release.
			{code: "DZA", name: "Algeria", year: 1949, measure: "current_usd", text: "xxx", notes: "§", footnotes: "4"},
			{code: "DZA", name: "Algeria", year: 1961, measure: "current_usd", text: "xxx", notes: "§", footnotes: "4"},
			{code: "DZA", name: "Algeria", year: 1962, measure: "current_usd", text: "...", notes: "§", footnotes: "4"},
			{code: "AGO", name: "Angola", year: 2022, measure: "current_usd", text: "1622.7637319509674", notes: "§‖", footnotes: "1"},
			{code: "LBY", name: "Libya", year: 2022, measure: "current_usd", text: "...", notes: "‡§¶", footnotes: "16"},
			{code: "BIH", name: "Bosnia and Herzegovina", year: 2022, measure: "current_usd", text: "184.48641262408196", notes: "†§¶", footnotes: "11"},
			{code: "USA", name: "United States", year: 2022, measure: "current_usd", text: "876943.2", footnotes: "44"},
			{code: "RUS", name: "Russia", year: 2022, measure: "share_of_gdp", text: "4.0563163324671685E-2", uncertain: true, footnotes: "83"},
		},
	},
	{
		file: "SIPRI-Milex-data-2017-2025.xlsx", states: 48,
		sheets: []sheetCounts{
			{"Local currency financial years", 6, 48, 384, 361, 15, 8, 27, 1, count{}},
			{"Local currency calendar years", 6, 48, 384, 361, 15, 8, 27, 1, count{}},
			{"Constant (2024) US$", 6, 48, 384, 361, 15, 8, 27, 1, count{}},
			{"Current US$", 6, 48, 384, 361, 15, 8, 27, 1, count{}},
			{"Share of GDP", 6, 48, 384, 353, 23, 8, 27, 1, count{}},
			{"Per capita", 6, 48, 384, 353, 23, 8, 27, 1, count{}},
			{"Share of Govt. spending", 6, 48, 384, 353, 23, 8, 27, 1, count{}},
		},
		// The export holds every region, whatever the selection of states.
		regional: &regionalCounts{regions: 19, omitted: 5, records: count{171, 171, 0, 0, 10, 0}},
		spots: []spot{
			{code: "UKR", name: "Ukraine", year: 2024, measure: "current_usd", text: "64704.99002547817", estimate: true, footnotes: "19"},
			{code: "UKR", name: "Ukraine", year: 2024, measure: "constant_usd_2024", text: "66784.43488734844", estimate: true, footnotes: "19"},
			{code: "KAZ", name: "Kazakhstan", year: 2017, measure: "share_of_gdp", text: "0.008318949680077884", notes: "†"},
			// Stored in exponent notation.
			{code: "KAZ", name: "Kazakhstan", year: 2024, measure: "local_currency_fy", text: "5.67754299E11", notes: "†", currency: "Tenge"},
			{code: "UZB", name: "Uzbekistan", year: 2018, measure: "current_usd", text: "1440.3850722075165", uncertain: true, notes: "§", footnotes: "7"},
		},
	},
	{
		file: "SIPRI-Milex-data-2018-2023.xlsx", states: 173,
		sheets: []sheetCounts{
			{"Current US$", 18, 173, 1038, 932, 76, 30, 64, 54, count{6, 2, 0, 4, 0, 0}},
			{"Share of GDP", 18, 173, 1038, 907, 101, 30, 64, 54, count{6, 2, 0, 4, 0, 0}},
		},
		spots: []spot{
			{code: "UKR", name: "Ukraine", year: 2023, measure: "current_usd", text: "64753.19160414538", estimate: true, footnotes: "84"},
			{code: "UKR", name: "Ukraine", year: 2023, measure: "share_of_gdp", text: "0.3665310993790993", estimate: true, footnotes: "84"},
			{code: "SUN", name: "Soviet Union", year: 2018, measure: "current_usd", text: "xxx"},
			{code: "PRK", name: "Korea, North", year: 2023, measure: "current_usd", text: "...", footnotes: "57"},
			{code: "VNM", name: "Viet Nam", year: 2022, measure: "share_of_gdp", text: "...", uncertain: true, notes: "§", footnotes: "67"},
			{code: "USA", name: "United States", year: 2023, measure: "current_usd", text: "916014.7", footnotes: "44"},
		},
	},
}

// backendCounts is the export-backend answer of 2024-06-19, counted as
// above after decoding its base64 workbook.
var backendCounts = []sheetCounts{
	{"Local currency financial years", 18, 173, 12975, 8752, 4061, 162, 1993, 191, count{75, 2, 0, 73, 0, 0}},
	{"Local currency calendar years", 18, 173, 12975, 8689, 4124, 162, 1993, 191, count{75, 2, 0, 73, 0, 0}},
	{"Constant (2022) US$", 18, 173, 12975, 8185, 4628, 162, 1808, 148, count{75, 2, 0, 73, 0, 0}},
	{"Current US$", 18, 173, 12975, 8689, 4124, 162, 1993, 191, count{75, 2, 0, 73, 0, 0}},
	{"Share of GDP", 18, 173, 12975, 8081, 4732, 162, 1993, 191, count{75, 2, 0, 73, 0, 0}},
	{"Per capita", 18, 173, 6228, 5172, 894, 162, 783, 149, eu2023late},
	{"Share of Govt. spending", 18, 173, 6228, 4556, 1510, 162, 783, 149, eu2023late},
}

var backendRegional = &regionalCounts{regions: 19, omitted: 5, records: count{703, 700, 3, 0, 45, 0}}

var backendSpots = []spot{
	// The same figure as 1948-2023's 43.143085155943012, written with
	// 16 digits: the same float64.
	{code: "DZA", name: "Algeria", year: 1960, measure: "current_usd", text: "43.14308515594301", notes: "§", footnotes: "4"},
	{code: "DZA", name: "Algeria", year: 1949, measure: "current_usd", text: "...", notes: "§", footnotes: "4"},
	{code: "UKR", name: "Ukraine", year: 2022, measure: "constant_usd_2022", text: "41183.92747281194", estimate: true, footnotes: "84"},
	{code: "UKR", name: "Ukraine", year: 2023, measure: "local_currency_cy", text: "2.382451228053E12", estimate: true, footnotes: "84", currency: "Hryvnias"},
	{code: "LBY", name: "Libya", year: 2000, measure: "current_usd", text: "1085.534664870458", notes: "‡§¶", footnotes: "16"},
}

// checkCounts compares a parse with the independent counts: the states'
// records, the European Union's and the regional totals'.
func checkCounts(t *testing.T, recs []dataset.Expenditure, st Stats, states int, want []sheetCounts, regional *regionalCounts) {
	t.Helper()
	wantStates, wantEU := map[string]count{}, map[string]count{}
	var wantStats []SheetStats
	for _, s := range want {
		m, ok := sheetMeasure(s.name)
		if !ok {
			t.Fatalf("sheet %q: not a data sheet", s.name)
		}
		wantStates[m.name] = count{s.records, s.values, s.notAvailable, s.gone, s.estimate, s.uncertain}
		ss := SheetStats{Name: s.name, Measure: m.name, Regions: s.regions, Countries: s.countries, Records: s.records + s.eu.Records}
		if s.eu != (count{}) {
			wantEU[m.name] = s.eu
			ss.Aggregates, ss.AggregateRecords = []string{"European Union"}, s.eu.Records
		}
		wantStats = append(wantStats, ss)
	}
	var stateRecs, euRecs, regionalRecs []dataset.Expenditure
	for _, r := range recs {
		switch {
		case !r.Aggregate:
			stateRecs = append(stateRecs, r)
		case r.Country == "XEU":
			euRecs = append(euRecs, r)
		default:
			regionalRecs = append(regionalRecs, r)
		}
	}
	if diff := cmp.Diff(wantStates, tally(stateRecs)); diff != "" {
		t.Errorf("Parse() counts per measure (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantEU, tally(euRecs)); diff != "" {
		t.Errorf("Parse() European Union counts per measure (-want +got):\n%s", diff)
	}
	var gotStats []SheetStats
	for _, s := range st.Sheets {
		s.FirstYear, s.LastYear = 0, 0
		if len(s.Aggregates) == 0 {
			s.Aggregates = nil
		}
		gotStats = append(gotStats, s)
	}
	if diff := cmp.Diff(wantStats, gotStats); diff != "" {
		t.Errorf("Parse() sheet stats (-want +got):\n%s", diff)
	}
	if st.Countries != states {
		t.Errorf("Parse() states = %d, want %d", st.Countries, states)
	}
	codes := map[string]bool{}
	for _, r := range stateRecs {
		codes[r.Country] = true
	}
	if len(codes) != states {
		t.Errorf("Parse() records have %d country codes, want %d", len(codes), states)
	}
	switch {
	case regional == nil && st.Regional != nil:
		t.Errorf("Parse() read regional totals from a workbook without them: %+v", st.Regional)
	case regional != nil && st.Regional == nil:
		t.Errorf("Parse() read no regional totals")
	case regional != nil:
		var c count
		for _, n := range tally(regionalRecs) {
			c.Records, c.Values, c.NotAvailable, c.DidNotExist = c.Records+n.Records, c.Values+n.Values, c.NotAvailable+n.NotAvailable, c.DidNotExist+n.DidNotExist
			c.Estimate, c.Uncertain = c.Estimate+n.Estimate, c.Uncertain+n.Uncertain
		}
		if c != regional.records || st.Regional.Regions != regional.regions || len(st.Regional.Omitted) != regional.omitted {
			t.Errorf("Parse() regional totals: %+v, %d regions, %d omissions; want %+v, %d, %d",
				c, st.Regional.Regions, len(st.Regional.Omitted), regional.records, regional.regions, regional.omitted)
		}
	}
	for _, r := range recs {
		if r.Country == "EUU" {
			t.Fatalf("Parse() gave SIPRI's European Union the World Bank's code for the sum of its members: %+v", r)
		}
	}
	if err := dataset.Validate(dataset.ExpenditureTable(recs)); err != nil {
		t.Errorf("Validate(Parse()) = %v", err)
	}
}

func checkSpots(t *testing.T, recs []dataset.Expenditure, spots []spot) {
	t.Helper()
	for _, s := range spots {
		want := s.want(t)
		got := find(t, recs, s.code, s.year, s.measure)
		// cmp.Diff compares the float64 exactly: the text SIPRI stores
		// and the parsed value must be the same number.
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Parse() %s %d %s (-want +got):\n%s", s.code, s.year, s.measure, diff)
		}
	}
}

// parsed caches the parse of each real workbook: they are large, and
// several tests read the same ones.
var parsed sync.Map // file name -> *parsedFile

type parsedFile struct {
	once sync.Once
	recs []dataset.Expenditure
	st   Stats
	err  error
}

func parseReal(t *testing.T, name string) ([]dataset.Expenditure, Stats) {
	t.Helper()
	path := realdata.Path(t, "sipri", name)
	v, _ := parsed.LoadOrStore(name, &parsedFile{})
	p := v.(*parsedFile)
	p.once.Do(func() {
		b, err := os.ReadFile(path)
		if err != nil {
			p.err = err
			return
		}
		p.recs, p.st, p.err = Parse(bytes.NewReader(b), int64(len(b)))
	})
	if p.err != nil {
		t.Fatalf("Parse(%s) error: %v", name, p.err)
	}
	return p.recs, p.st
}

func TestRealWorkbooks(t *testing.T) {
	for _, wb := range realWorkbooks {
		t.Run(wb.file, func(t *testing.T) {
			recs, st := parseReal(t, wb.file)
			checkCounts(t, recs, st, wb.states, wb.sheets, wb.regional)
			checkSpots(t, recs, wb.spots)
		})
	}
}

// TestRealBackendExport collects the recorded answer of SIPRI's export
// backend, {"Value":"<base64 xlsx>"}, as if the source URL named it.
func TestRealBackendExport(t *testing.T) {
	body := readFile(t, realdata.Path(t, "sipri", "backend.sipri.org_api_p_excel-export_response_2024-06-19.json"))
	const u = "https://backend.sipri.org/api/p/excel-export"
	tab, err := (&Collector{}).Collect(context.Background(), serve(map[string]page{u: {body: body}}), sipriSource(u))
	if err != nil {
		t.Fatalf("Collect(backend answer) error: %v", err)
	}
	recs := dataset.Expenditures(tab)
	data, err := exportWorkbook(body)
	if err != nil {
		t.Fatal(err)
	}
	_, st := parseBytes(t, data)
	checkCounts(t, recs, st, 173, backendCounts, backendRegional)
	checkSpots(t, recs, backendSpots)
}

// TestRealVintages compares the two releases where they differ by design.
func TestRealVintages(t *testing.T) {
	older, _ := parseReal(t, "SIPRI-Milex-data-1949-2022.xlsx")
	newer, _ := parseReal(t, "SIPRI-Milex-data-1948-2023.xlsx")
	// Years before Algeria's independence: "xxx" in the older release,
	// "..." in the newer.
	for y := 1949; y <= 1961; y++ {
		o, n := find(t, older, "DZA", y, "current_usd"), find(t, newer, "DZA", y, "current_usd")
		if o.Missing != dataset.MissingDidNotExist || (y < 1960 && n.Missing != dataset.MissingNotAvailable) {
			t.Errorf("DZA %d current_usd: older %q, newer %q; want did_not_exist, not_available", y, o.Missing, n.Missing)
		}
	}
	// The base year moves, so the constant-price measure changes name.
	if o, n := find(t, older, "UKR", 2022, "constant_usd_2021"), find(t, newer, "UKR", 2022, "constant_usd_2022"); o.Value == n.Value {
		t.Errorf("UKR 2022 constant US$: older %v, newer %v; want different figures", o.Value, n.Value)
	}
}

// BenchmarkParse1948_2023 parses the largest real release, from bytes.
func BenchmarkParse1948_2023(b *testing.B) {
	data, err := os.ReadFile(realdata.Path(b, "sipri", "SIPRI-Milex-data-1948-2023.xlsx"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		recs, _, err := Parse(bytes.NewReader(data), int64(len(data)))
		if err != nil || len(recs) != 78196+452+703 {
			b.Fatalf("Parse() = %d records, %v", len(recs), err)
		}
	}
}
