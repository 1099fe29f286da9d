package worldbank

import (
	"bytes"
	"encoding/csv"
	"io"
	"math"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/realdata"
)

// Real files (see ../shared/realdata/SOURCES.md §2).
var (
	real2026Zip = []string{"worldbank", "2026-02-24", "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.zip"}
	real2026CSV = []string{"worldbank", "2026-02-24", "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv"}
	real2021GDP = []string{"worldbank", "2021-10-28", "ExpenditurePercent.csv"} // MS.MIL.XPND.GD.ZS
	real2021USD = []string{"worldbank", "2021-10-28", "Expenditure.csv"}        // MS.MIL.XPND.CD
)

func parseReal(t *testing.T, elem []string) ([]dataset.Expenditure, Summary) {
	t.Helper()
	path := realdata.Path(t, elem...)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, sum, err := Parse(path, b)
	if err != nil {
		t.Fatalf("Parse(%q) error = %v", path, err)
	}
	return recs, sum
}

// The record counts below were counted once outside Go, independently of
// this package: with awk, splitting each line after the header on `","`,
// counting the non-empty year cells of every row, and those of the rows
// whose Country Code the registry lists as an aggregate apart
// (grep ',aggregate,,$' internal/country/countries.csv):
//
//	awk -F'","' 'FNR==NR {agg[$1]=1; next} FNR>5 {
//	  for (i=5; i<=NF; i++) {v=$i; gsub(/[",\r]/,"",v); if (v!="") {n++; if ($2 in agg) a++}}}
//	  END {print n, a}' aggregates.txt FILE
//
// and again with Python's csv module (the same numbers).
const (
	real2026GDPRecords = 10587 // 2026-02-24 MS.MIL.XPND.GD.ZS, 2678 of them aggregates'
	real2021GDPRecords = 9813  // 2021-10-28 ExpenditurePercent.csv, 2467 aggregates'
	real2021USDRecords = 9776  // 2021-10-28 Expenditure.csv, 2264 aggregates'

	real2026GDPAggregates = 2678
	real2021GDPAggregates = 2467
	real2021USDAggregates = 2264
)

func TestReal2026ZipAndCSV(t *testing.T) {
	fromZip, zipSum := parseReal(t, real2026Zip)
	fromCSV, csvSum := parseReal(t, real2026CSV)
	if diff := cmp.Diff(fromZip, fromCSV); diff != "" {
		t.Errorf("records of the real ZIP and of its extracted CSV differ (-zip +csv):\n%s", diff)
	}
	want := Summary{
		Name: realdata.Path(t, real2026Zip...), Zip: true,
		DataFile: "API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv", CountryFile: "Metadata_Country_API_MS.MIL.XPND.GD.ZS_DS2_en_csv_v2_211.csv",
		Indicator: ShareOfGDP, IndicatorName: "Military expenditure (% of GDP)",
		SourceOrganization: "SIPRI Military Expenditure Database, Stockholm International Peace Research Institute (SIPRI), uri: https://www.sipri.org/databases",
		DataSource:         "World Development Indicators", LastUpdated: time.Date(2026, 2, 24, 0, 0, 0, 0, time.UTC),
		FirstYear: 1960, LastYear: 2025, Metadata: true,
		// 217 economies; 48 aggregates in Metadata_Country plus INX.
		Rows: 266, Economies: 217, Aggregates: 49,
		Records: real2026GDPRecords, AggregateRecords: real2026GDPAggregates, Empty: 266*66 - real2026GDPRecords,
	}
	if diff := cmp.Diff(want, zipSum); diff != "" {
		t.Errorf("Parse(zip) summary mismatch (-want +got):\n%s", diff)
	}
	// The extracted CSV has no metadata: the registry must split the rows
	// the same way.
	want.Name, want.Zip, want.DataFile, want.CountryFile, want.SourceOrganization, want.Metadata =
		realdata.Path(t, real2026CSV...), false, "", "", "", false
	if diff := cmp.Diff(want, csvSum); diff != "" {
		t.Errorf("Parse(csv) summary mismatch (-want +got):\n%s", diff)
	}
	checkAggregates(t, fromZip)
}

func TestReal2021WithoutMetadata(t *testing.T) {
	tests := []struct {
		file                      []string
		indicator                 string
		measure, unit, sourceUnit string
		records, aggregates       int
	}{
		{real2021GDP, ShareOfGDP, "share_of_gdp", "percent", "percent", real2021GDPRecords, real2021GDPAggregates},
		{real2021USD, CurrentUSD, "current_usd", "US$ m", "US$", real2021USDRecords, real2021USDAggregates},
	}
	for _, tt := range tests {
		t.Run(tt.file[2], func(t *testing.T) {
			recs, sum := parseReal(t, tt.file)
			if sum.Indicator != tt.indicator || sum.Metadata || sum.Zip {
				t.Errorf("Parse() summary = %+v, want %s read with the registry", sum, tt.indicator)
			}
			if sum.Rows != 266 || sum.Economies != 217 || sum.Aggregates != 49 {
				t.Errorf("Parse() = %d rows, %d economies, %d aggregates; want 266, 217, 49", sum.Rows, sum.Economies, sum.Aggregates)
			}
			if sum.FirstYear != 1960 || sum.LastYear != 2020 || !sum.LastUpdated.Equal(time.Date(2021, 10, 28, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("Parse() = years %d-%d updated %v; want 1960-2020 updated 2021-10-28", sum.FirstYear, sum.LastYear, sum.LastUpdated)
			}
			if len(recs) != tt.records || sum.Records != tt.records || sum.AggregateRecords != tt.aggregates || sum.Empty != 266*61-tt.records {
				t.Errorf("Parse() = %d records (summary %d, %d of aggregates, %d empty), want %d, %d of aggregates",
					len(recs), sum.Records, sum.AggregateRecords, sum.Empty, tt.records, tt.aggregates)
			}
			for _, r := range recs {
				if r.Measure != tt.measure || r.Unit != tt.unit || r.SourceUnit != tt.sourceUnit || r.Source != dataset.SourceWorldBank || !r.HasValue {
					t.Fatalf("record %+v, want measure %s unit %s (published in %s)", r, tt.measure, tt.unit, tt.sourceUnit)
				}
			}
			checkAggregates(t, recs)
			if err := dataset.Validate(dataset.ExpenditureTable(recs)); err != nil {
				t.Errorf("Validate(Parse()) = %v", err)
			}
		})
	}
}

// checkAggregates checks that every record is named as the registry names
// its code and marked an aggregate exactly when the registry says so.
func checkAggregates(t *testing.T, recs []dataset.Expenditure) {
	t.Helper()
	for _, r := range recs {
		c, ok := country.Lookup(r.Country)
		if !ok || r.Aggregate == c.IsState() || r.CountryName != c.Name {
			t.Fatalf("record for %s (%q, aggregate %v): want it named as the registry names it and marked as what it is", r.Country, r.CountryName, r.Aggregate)
		}
	}
}

// TestRealSpotValues checks figures read by eye in the files against the
// parsed floats: each must be exactly strconv.ParseFloat of the file's
// text, with the decimal point moved six places for current US$ (written
// out here as the text it gives).
func TestRealSpotValues(t *testing.T) {
	tests := []struct {
		file    []string
		country string
		year    int
		text    string
	}{
		{real2021GDP, "WLD", 2019, "2.18652338586003"},
		{real2021USD, "WLD", 2019, "1859927.96629632"}, // 1859927966296.32 US$
		{real2021USD, "EUU", 2019, "217817.245934775"}, // 217817245934.775: the sum of the members, not SIPRI's EU budget
		{real2021GDP, "USA", 2019, "3.42708018052996"},
		{real2026Zip, "USA", 2019, "3.40921408383721"},
		{real2021GDP, "UKR", 2019, "3.52248527087751"},
		{real2026Zip, "UKR", 2019, "4.06793765037597"},
		{real2026Zip, "KWT", 1991, "117.34982320869"},
		{real2026Zip, "AGO", 1985, "1.715E-05"},
		{real2021GDP, "CRI", 1960, "0"},
		{real2021USD, "USA", 2019, "734344.1"},          // 734344100000
		{real2021USD, "USA", 1960, "47346.5526702126"},  // 47346552670.2126
		{real2021USD, "UKR", 2019, "5419.13804844591"},  // 5419138048.44591
		{real2021USD, "XKX", 2008, "0.927234774966126"}, // 927234.774966126
	}
	parsed := map[string]map[[2]any]float64{}
	for _, tt := range tests {
		key := tt.file[len(tt.file)-1]
		if parsed[key] == nil {
			recs, _ := parseReal(t, tt.file)
			parsed[key] = map[[2]any]float64{}
			for _, r := range recs {
				parsed[key][[2]any{r.Country, r.Year}] = r.Value
			}
		}
		want, err := strconv.ParseFloat(tt.text, 64)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := parsed[key][[2]any{tt.country, tt.year}]
		if !ok || math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("Parse(%s) %s %d = %v (found %v), want %s", key, tt.country, tt.year, got, ok, tt.text)
		}
	}
}

// readCells reads a World Bank data CSV with encoding/csv alone, as an
// independent check of Parse: (code, year) -> cell text, for every row.
func readCells(t *testing.T, elem []string) map[[2]string]string {
	t.Helper()
	b, err := os.ReadFile(realdata.Path(t, elem...))
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	var head []string
	cells := map[[2]string]string{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(rec) > 1 && rec[0] == "Country Name" {
			head = rec
			continue
		}
		if head == nil {
			continue
		}
		for i := 4; i < len(head); i++ {
			if head[i] != "" {
				cells[[2]string{rec[1], head[i]}] = rec[i]
			}
		}
	}
	return cells
}

// TestRealVintageRevisions counts the share-of-GDP cells that the World Bank
// revised between the 2021-10-28 and 2026-02-24 vintages (years 1960-2020,
// which both cover), first with encoding/csv alone and then through Parse.
//
// SOURCES.md says "4,913 overlapping cells differ". That figure counts all
// 266 rows, aggregates included, and only differences larger than 1e-6
// (percentage points): 4,913 cells. Compared exactly, 5,045 cells with a
// value in both vintages differ, 7 of them by less than 1e-12. Among the
// economies, which are what this collector keeps, 7,260 cells have a value
// in both vintages and 2,659 of those differ; 49 cells are empty in 2021
// and filled in 2026, 86 the reverse. The collector keeps the aggregates
// too, so a row-level diff of its share_of_gdp records between the two
// vintages finds 5,045 changed values, 899 added rows and 125 removed
// (economies: 2,659, 649 and 86). Compared as the dataset compares figures
// (dataset.SameNumber: equal at 15 significant digits, or one apart in the
// 15th), 4 of the changed values are the same number (Colombia 2014 and
// 2015, Georgia 2009, Gambia 2013), all economies': 5,041 changed (economies
// 2,655). A Python script with decimal.Decimal gave the same counts.
func TestRealVintageRevisions(t *testing.T) {
	old, cur := readCells(t, real2021GDP), readCells(t, real2026CSV)
	var allAbove, allExact, econBoth, econChanged, econAdded, econRemoved int
	for k, a := range old {
		b, ok := cur[k]
		if !ok {
			t.Fatalf("cell %v is in the 2021 vintage only", k)
		}
		c, known := country.Lookup(k[0])
		if !known {
			t.Fatalf("code %s is not in the registry", k[0])
		}
		economy := c.IsState()
		if a == "" || b == "" {
			switch {
			case economy && a == "" && b != "":
				econAdded++
			case economy && a != "" && b == "":
				econRemoved++
			}
			continue
		}
		va, err1 := strconv.ParseFloat(a, 64)
		vb, err2 := strconv.ParseFloat(b, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("cell %v: %q, %q", k, a, b)
		}
		if va != vb {
			allExact++
			if economy {
				econChanged++
			}
		}
		if math.Abs(va-vb) > 1e-6 {
			allAbove++
		}
		if economy {
			econBoth++
		}
	}
	got := [6]int{allAbove, allExact, econBoth, econChanged, econAdded, econRemoved}
	want := [6]int{4913, 5045, 7260, 2659, 49, 86}
	if got != want {
		t.Errorf("vintage cells (all |Δ|>1e-6, all exact, economies in both, changed, added, removed) = %v, want %v", got, want)
	}

	// The same through Parse, keyed as the dataset keys rows.
	type key struct {
		country string
		year    int
	}
	index := func(recs []dataset.Expenditure) map[key]float64 {
		m := map[key]float64{}
		for _, r := range recs {
			m[key{r.Country, r.Year}] = r.Value
		}
		return m
	}
	oldRecs, _ := parseReal(t, real2021GDP)
	curRecs, _ := parseReal(t, real2026Zip)
	o, n := index(oldRecs), index(curRecs)
	var changed, same15, added, removed int
	for k, v := range n {
		ov, ok := o[k]
		switch {
		case !ok:
			added++
		case ov != v:
			changed++
			if dataset.SameNumber(ov, v) {
				same15++
			}
		}
	}
	for k := range o {
		if _, ok := n[k]; !ok {
			removed++
		}
	}
	if changed != 5045 || added != 899 || removed != 125 {
		t.Errorf("record diff 2021 -> 2026 = %d changed, %d added, %d removed; want 5045, 899, 125", changed, added, removed)
	}
	if same15 != 4 {
		t.Errorf("changed figures that are the same number at 15 significant digits = %d, want 4", same15)
	}
}
