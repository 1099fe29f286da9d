package worldbank

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/dataset"
)

const (
	gdpCols  = `"Military expenditure (% of GDP)","MS.MIL.XPND.GD.ZS"`
	preamble = "\ufeff\"Data Source\",\"World Development Indicators\",\r\n\r\n" +
		"\"Last Updated Date\",\"2026-02-24\",\r\n\r\n"
	header = `"Country Name","Country Code","Indicator Name","Indicator Code","2019","2020","2021",`
)

// smallCSV returns a data CSV in the real layout with the year columns
// 2019-2021 and the given lines (without line ends) after the header.
func smallCSV(lines ...string) []byte {
	var b strings.Builder
	b.WriteString(preamble + header + "\r\n")
	for _, l := range lines {
		b.WriteString(l + "\r\n")
	}
	return []byte(b.String())
}

// countriesCSV returns a Metadata_Country with the given lines.
func countriesCSV(lines ...string) []byte {
	var b strings.Builder
	b.WriteString("\ufeff\"Country Code\",\"Region\",\"IncomeGroup\",\"SpecialNotes\",\"TableName\",\r\n")
	for _, l := range lines {
		b.WriteString(l + "\r\n")
	}
	return []byte(b.String())
}

func mustZip(t *testing.T, members ...zipMember) []byte {
	t.Helper()
	b, err := buildZip(members)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// extractedData returns the data member of the sample share-of-GDP
// download, as a user who unzipped it would point a source at.
func extractedData(t *testing.T) (string, []byte) {
	t.Helper()
	members, err := fixtureMembers(fixtureIndicators[0])
	if err != nil {
		t.Fatal(err)
	}
	return members[1].name, members[1].body
}

func TestParseErrors(t *testing.T) {
	const member = "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_1.csv"
	usa := `"United States","USA",` + gdpCols + `,"3.1","3.2","3.3",`
	data := smallCSV(usa)
	gdpURL := BulkURL(ShareOfGDP)
	tests := []struct {
		name    string
		docName string
		body    []byte
		want    error
	}{
		{"HTML page", gdpURL, []byte("<!DOCTYPE html>\n<html><head><title>The World Bank</title></head><body>Page not found</body></html>"), ErrFormat},
		{"XML from the API", gdpURL, []byte(`<?xml version="1.0" encoding="utf-8"?><wb:data page="1" pages="1"></wb:data>`), ErrFormat},
		{"JSON from the API", gdpURL, []byte(`[{"page":1,"pages":1,"per_page":"50","total":1},[]]`), ErrFormat},
		{"empty", gdpURL, nil, ErrFormat},
		{"PDF", gdpURL, []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), ErrFormat},
		{"corrupt ZIP", gdpURL, []byte("PK\x03\x04 this is not really a zip"), ErrFormat},
		{"ZIP without a data member", gdpURL, mustZip(t,
			zipMember{"Metadata_Indicator_" + member, fixtureIndicatorMeta(fixtureIndicators[0])},
			zipMember{"Metadata_Country_" + member, fixtureCountries()}), ErrFormat},
		{"ZIP with two data members", gdpURL, mustZip(t,
			zipMember{member, data}, zipMember{"API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_2.csv", data}), ErrFormat},
		{"no header row", "x.csv", []byte(preamble + "\"Country\",\"Code\",\"1960\",\r\n\"United States\",\"USA\",\"1\",\r\n"), ErrFormat},
		{"header only", "x.csv", smallCSV(), ErrFormat},
		{"header column not a year", "x.csv", []byte(preamble + strings.Replace(header, `"2020"`, `"YR2020"`, 1) + "\r\n" + usa + "\r\n"), ErrFormat},
		{"header column after an empty one", "x.csv", []byte(preamble + strings.Replace(header, `"2020"`, `""`, 1) + "\r\n" + usa + "\r\n"), ErrFormat},
		{"bad Last Updated Date", "x.csv", bytes.Replace(data, []byte("2026-02-24"), []byte("24/02/2026"), 1), ErrFormat},
		{"stray quote", "x.csv", smallCSV(`"United "States"","USA",` + gdpCols + `,"3.1","3.2","3.3",`), ErrFormat},
		{"short row", "x.csv", smallCSV(`"United States","USA",` + gdpCols + `,"3.1","3.2",`), ErrFormat},
		{"value past the last column", "x.csv", smallCSV(usa + `"3.4",`), ErrFormat},
		{"country twice", "x.csv", smallCSV(usa, usa), ErrFormat},
		{"no country code", "x.csv", smallCSV(`"Nowhere","",` + gdpCols + `,"","","",`), ErrFormat},
		{"unknown economy, no metadata", "x.csv", smallCSV(usa, `"Atlantis","QQA",`+gdpCols+`,"1","","",`), ErrCountry},
		{"unknown economy in the metadata", gdpURL, mustZip(t,
			zipMember{member, smallCSV(usa, `"Atlantis","QQA",`+gdpCols+`,"1","","",`)},
			zipMember{"Metadata_Country_" + member, countriesCSV(`"USA","North America","High income","","United States",`,
				`"QQA","Europe & Central Asia","High income","","Atlantis",`)}), ErrCountry},
		{"metadata has an economy as an aggregate", gdpURL, mustZip(t,
			zipMember{member, data},
			zipMember{"Metadata_Country_" + member, countriesCSV(`"USA","","","","United States",`)}), ErrCountry},
		{"metadata has an aggregate as an economy", gdpURL, mustZip(t,
			zipMember{member, smallCSV(usa, `"World","WLD",`+gdpCols+`,"2.2","2.3","2.4",`)},
			zipMember{"Metadata_Country_" + member, countriesCSV(`"USA","North America","High income","","United States",`,
				`"WLD","Europe & Central Asia","","","World",`)}), ErrCountry},
		{"URL names another indicator", BulkURL(CurrentUSD), data, ErrIndicator},
		{"file name names another indicator", "/tmp/API_MS.MIL.XPND.CD_DS2_en_csv_v2_5.csv", data, ErrIndicator},
		{"member name names another indicator", "download.zip", mustZip(t,
			zipMember{"API_MS.MIL.XPND.CD_DS2_en_csv_v2_5.csv", data}), ErrIndicator},
		{"Metadata_Indicator names another indicator", gdpURL, mustZip(t,
			zipMember{member, data},
			zipMember{"Metadata_Indicator_" + member, fixtureIndicatorMeta(fixtureIndicators[1])}), ErrIndicator},
		{"two indicators in one file", "x.csv", smallCSV(usa,
			`"Ukraine","UKR","Military expenditure (current USD)","MS.MIL.XPND.CD","1","2","3",`), ErrIndicator},
		{"indicator not read", "x.csv", smallCSV(
			`"United States","USA","Armed forces personnel, total","MS.MIL.TOTL.P1","1","2","3",`), ErrIndicator},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, sum, err := Parse(tt.docName, tt.body)
			if !errors.Is(err, tt.want) {
				t.Errorf("Parse(%q) error = %v, want %v", tt.docName, err, tt.want)
			}
			if recs != nil || !reflect.DeepEqual(sum, Summary{}) {
				t.Errorf("Parse(%q) = %d records, %+v; want none on error", tt.docName, len(recs), sum)
			}
			if err != nil && !strings.Contains(err.Error(), tt.docName) {
				t.Errorf("Parse(%q) error = %q, want it to name the document", tt.docName, err)
			}
		})
	}
}

func TestParseCellErrors(t *testing.T) {
	row := func(cells string) []byte {
		return smallCSV(`"Ukraine","UKR",`+gdpCols+`,"3.5","4.4","3.4",`, `"United States","USA",`+gdpCols+`,`+cells+`,`)
	}
	const member = "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_1.csv"
	tests := []struct {
		name, docName string
		body          []byte
		want          CellError
	}{
		{"text", "https://example.org/data/wb.csv", row(`"3.1","n/a","3.3"`),
			CellError{File: "wb.csv", Line: 7, Country: "USA", Column: "2020", Text: "n/a"}},
		{"decimal comma", "wb.csv", row(`"3,1","3.2","3.3"`),
			CellError{File: "wb.csv", Line: 7, Country: "USA", Column: "2019", Text: "3,1"}},
		{"space", "wb.csv", row(`"3.1","3.2"," 3.3"`),
			CellError{File: "wb.csv", Line: 7, Country: "USA", Column: "2021", Text: " 3.3"}},
		{"NaN", "wb.csv", row(`"NaN","3.2","3.3"`),
			CellError{File: "wb.csv", Line: 7, Country: "USA", Column: "2019", Text: "NaN"}},
		{"infinity", "wb.csv", row(`"3.1","+Inf","3.3"`),
			CellError{File: "wb.csv", Line: 7, Country: "USA", Column: "2020", Text: "+Inf"}},
		{"in a ZIP", BulkURL(ShareOfGDP), mustZip(t, zipMember{member, row(`"3.1","..","3.3"`)}),
			CellError{File: member, Line: 7, Country: "USA", Column: "2020", Text: ".."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse(tt.docName, tt.body)
			ce, ok := errors.AsType[*CellError](err)
			if !ok {
				t.Fatalf("Parse(%q) error = %v, want a *CellError", tt.docName, err)
			}
			if diff := cmp.Diff(tt.want, *ce); diff != "" {
				t.Errorf("Parse(%q) cell error mismatch (-want +got):\n%s", tt.docName, diff)
			}
			if !strings.Contains(err.Error(), tt.docName) {
				t.Errorf("Parse(%q) error = %q, want it to name the document", tt.docName, err)
			}
		})
	}
}

// TestParseLayouts feeds the same figures in the byte layouts a user's file
// may have (an older download, a file saved again by a spreadsheet) and
// expects the same records as from the real layout.
func TestParseLayouts(t *testing.T) {
	name, real := extractedData(t)
	want, wantSum, err := Parse(name, real)
	if err != nil {
		t.Fatalf("Parse(%q) error = %v", name, err)
	}
	if wantSum.Records == 0 {
		t.Fatal("no records from the sample")
	}
	noPreamble := real[bytes.Index(real, []byte(`"Country Name"`)):]
	tests := []struct {
		name string
		body []byte
	}{
		{"without BOM", bytes.TrimPrefix(real, bom)},
		{"LF line ends", bytes.ReplaceAll(real, []byte("\r\n"), []byte("\n"))},
		{"no trailing commas", bytes.ReplaceAll(real, []byte("\",\r\n"), []byte("\"\r\n"))},
		{"no preamble", noPreamble},
		{"extra blank lines", bytes.ReplaceAll(real, []byte("\r\n\r\n"), []byte("\r\n\r\n\r\n\r\n"))},
		{"unquoted fields", bytes.ReplaceAll(bytes.ReplaceAll(real, []byte(`"",`), []byte(`,`)), []byte(`"Angola"`), []byte(`Angola`))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if bytes.Equal(tt.body, real) {
				t.Fatal("the layout change changed nothing")
			}
			got, _, err := Parse(name, tt.body)
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", name, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Parse(%q) records mismatch (-want +got):\n%s", name, diff)
			}
		})
	}
}

func TestParseZipAndBareCSV(t *testing.T) {
	docs := mirrorDocs(t)
	u := BulkURL(ShareOfGDP)
	fromZip, zipSum, err := Parse(u, docs[u])
	if err != nil {
		t.Fatalf("Parse(%q) error = %v", u, err)
	}
	name, body := extractedData(t)
	bare, bareSum, err := Parse("file:///home/user/Downloads/"+name, body)
	if err != nil {
		t.Fatalf("Parse(%q) error = %v", name, err)
	}
	if diff := cmp.Diff(fromZip, bare); diff != "" {
		t.Errorf("records of the ZIP and of its extracted data CSV differ (-zip +csv):\n%s", diff)
	}
	if !zipSum.Zip || !zipSum.Metadata || bareSum.Zip || bareSum.Metadata {
		t.Errorf("summaries: zip %+v, bare %+v; want the ZIP read with its metadata and the CSV with the registry", zipSum, bareSum)
	}
	if zipSum.Aggregates != bareSum.Aggregates || zipSum.Records != bareSum.Records {
		t.Errorf("summaries differ: zip %+v, bare %+v", zipSum, bareSum)
	}
}

// TestParseZipMembers checks that members are found by name, not position:
// reversed order, in a folder, with an unrelated file, without metadata.
func TestParseZipMembers(t *testing.T) {
	members, err := fixtureMembers(fixtureIndicators[0])
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := Parse("x.csv", members[1].body)
	if err != nil {
		t.Fatal(err)
	}
	reversed := slices.Clone(members)
	slices.Reverse(reversed)
	var inFolder []zipMember
	for _, m := range members {
		inFolder = append(inFolder, zipMember{"API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211/" + m.name, m.body})
	}
	tests := []struct {
		name     string
		members  []zipMember
		metadata bool
	}{
		{"reversed", reversed, true},
		{"in a folder", inFolder, true},
		{"with a readme", append(slices.Clone(members), zipMember{"README.txt", []byte("hello")}), true},
		{"data only", members[1:2], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, sum, err := Parse("download.zip", mustZip(t, tt.members...))
			if err != nil {
				t.Fatalf("Parse() error = %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Parse() records mismatch (-want +got):\n%s", diff)
			}
			if sum.Metadata != tt.metadata {
				t.Errorf("Parse() Metadata = %v, want %v", sum.Metadata, tt.metadata)
			}
		})
	}
}

// TestParseAggregates: aggregates are published, marked as such: INX is an
// aggregate although Metadata_Country lacks it; an aggregate the registry
// does not know is left out on the metadata's word, and counted.
func TestParseAggregates(t *testing.T) {
	const member = "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_1.csv"
	data := smallCSV(
		`"United States","USA",`+gdpCols+`,"3.4","3.6","3.4",`,
		`"Not classified","INX",`+gdpCols+`,"1","2","3",`,
		`"New region","ZZR",`+gdpCols+`,"1","2","",`,
		`"World","WLD",`+gdpCols+`,"2.2","2.3","2.2",`,
	)
	meta := countriesCSV(
		`"USA","North America","High income","","United States",`,
		`"WLD","","","World aggregate.","World",`,
		`"ZZR","","","A region the registry does not know yet.","New region",`,
	)
	recs, sum, err := Parse(BulkURL(ShareOfGDP), mustZip(t, zipMember{member, data}, zipMember{"Metadata_Country_" + member, meta}))
	if err != nil {
		t.Fatalf("Parse() error = %v", err)
	}
	rec := func(code, name string, agg bool, year int, v float64) dataset.Expenditure {
		return dataset.Expenditure{Country: code, CountryName: name, Aggregate: agg, Year: year, Measure: "share_of_gdp", Source: "worldbank",
			Value: v, HasValue: true, Unit: "percent", SourceUnit: "percent"}
	}
	want := []dataset.Expenditure{
		rec("USA", "United States", false, 2019, 3.4), rec("USA", "United States", false, 2020, 3.6), rec("USA", "United States", false, 2021, 3.4),
		rec("INX", "Not classified", true, 2019, 1), rec("INX", "Not classified", true, 2020, 2), rec("INX", "Not classified", true, 2021, 3),
		rec("WLD", "World", true, 2019, 2.2), rec("WLD", "World", true, 2020, 2.3), rec("WLD", "World", true, 2021, 2.2),
	}
	if diff := cmp.Diff(want, recs); diff != "" {
		t.Errorf("Parse() records mismatch (-want +got):\n%s", diff)
	}
	if sum.Rows != 4 || sum.Economies != 1 || sum.Aggregates != 3 || sum.Records != 9 || sum.AggregateRecords != 6 || sum.Empty != 0 ||
		!cmp.Equal(sum.Unregistered, []string{"ZZR (New region)"}) || sum.UnregisteredRecords != 2 {
		t.Errorf("Parse() summary = %+v, want 4 rows, 1 economy, 3 aggregates, 9 records (6 of aggregates), ZZR's 2 left out", sum)
	}

	// Without the metadata the registry decides, and it does not know ZZR.
	if _, _, err := Parse("x.csv", data); !errors.Is(err, ErrCountry) {
		t.Errorf("Parse(no metadata, unknown code) error = %v, want %v", err, ErrCountry)
	}
}

// TestParseCountriesNewlines reads the sample Metadata_Country, whose
// SpecialNotes hold newlines within quotes and an escaped quote, and checks
// that the rows after them are read as rows.
func TestParseCountriesNewlines(t *testing.T) {
	b := fixtureCountries()
	if !bytes.Contains(b, []byte("China.\n\nThis note")) || !bytes.Contains(b, []byte(`""quoted""`)) {
		t.Fatal("the sample lost its embedded newline or escaped quote")
	}
	regions, err := parseCountries(b)
	if err != nil {
		t.Fatalf("parseCountries() error = %v", err)
	}
	want := map[string]string{}
	for _, e := range fixtureEconomies {
		if !e.noMetadata {
			want[e.code] = e.region
		}
	}
	if diff := cmp.Diff(want, regions); diff != "" {
		t.Errorf("parseCountries() mismatch (-want +got):\n%s", diff)
	}
}

func TestNameIndicator(t *testing.T) {
	tests := []struct{ name, want string }{
		{"https://api.worldbank.org/v2/en/indicator/MS.MIL.XPND.GD.ZS?downloadformat=csv", ShareOfGDP},
		{"https://api.worldbank.org/v2/en/indicator/MS.MIL.XPND.CD?downloadformat=csv", CurrentUSD},
		{"http://api.worldbank.org/v2/country/all/indicator/MS.MIL.XPND.ZS?format=json", ShareOfGovt},
		{"file:///data/API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip", ShareOfGDP},
		{"API_MS.MIL.XPND.CD_DS2_en_csv_v2_5995.csv", CurrentUSD},
		{"/home/me/wb/API_MS.MIL.XPND.ZS_DS2_en_csv_v2_1.csv", ShareOfGovt},
		{"Metadata_Country_API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv", ""},
		{"file:///data/ExpenditurePercent.csv", ""},
		{"Expenditure.csv", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nameIndicator(tt.name); got != tt.want {
				t.Errorf("nameIndicator(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

// TestParseShareOfGovt: the third indicator has the same layout.
func TestParseShareOfGovt(t *testing.T) {
	body := smallCSV(`"Ukraine","UKR","Military expenditure (% of general government expenditure)","MS.MIL.XPND.ZS","8.8","","58.0",`)
	recs, sum, err := Parse(BulkURL(ShareOfGovt), body)
	if err != nil {
		t.Fatalf("Parse() error = %v", err)
	}
	want := []dataset.Expenditure{
		{Country: "UKR", CountryName: "Ukraine", Year: 2019, Measure: "share_of_govt", Source: "worldbank", Value: 8.8, HasValue: true, Unit: "percent", SourceUnit: "percent"},
		{Country: "UKR", CountryName: "Ukraine", Year: 2021, Measure: "share_of_govt", Source: "worldbank", Value: 58, HasValue: true, Unit: "percent", SourceUnit: "percent"},
	}
	if diff := cmp.Diff(want, recs); diff != "" {
		t.Errorf("Parse() records mismatch (-want +got):\n%s", diff)
	}
	if sum.Empty != 1 || sum.Indicator != ShareOfGovt {
		t.Errorf("Parse() summary = %+v, want 1 empty cell of %s", sum, ShareOfGovt)
	}
}
