package generic

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite the sample INFORM workbook of the bundled mirror")

// The sample INFORM trend workbook of the bundled mirror: the layout of the
// JRC's trend file as the real-data copy has it (one sheet named after the
// edition, the header in row 1, long format), with invented scores for ten
// states and three releases.
const (
	informURL   = "https://drmkc.jrc.ec.europa.eu/inform-index/Portals/0/InfoRM/2025/INFORM2024_TREND_2015_2024_v69_ALL.xlsx"
	informFile  = "../../mirror/files/drmkc.jrc.ec.europa.eu/inform-index/Portals/0/InfoRM/2025/INFORM2024_TREND_2015_2024_v69_ALL.xlsx"
	informSheet = "INFORM2025_2nd_edition_Trend"
)

var informHeader = []string{"Iso3", "IndicatorName", "IndicatorScore", "Year of the release"}

// informScores are the sample's scores by state, for the releases 2023,
// 2024 and 2025.
var informScores = []struct {
	iso3   string
	scores [3]float64
}{
	{"AFG", [3]float64{8.1, 7.9, 7.8}},
	{"SOM", [3]float64{8.6, 8.5, 8.4}},
	{"UKR", [3]float64{4.1, 5.5, 5.6}},
	{"MMR", [3]float64{6.3, 6.5, 6.6}},
	{"NGA", [3]float64{6.5, 6.6, 6.5}},
	{"COL", [3]float64{5.4, 5.3, 5.3}},
	{"DEU", [3]float64{2.2, 2.3, 2.3}},
	{"FRA", [3]float64{2.7, 2.7, 2.8}},
	{"GBR", [3]float64{2.2, 2.1, 2.1}},
	{"SWE", [3]float64{1.6, 1.6, 1.7}},
}

var informYears = [3]int{2023, 2024, 2025}

// writeInformSample writes the sample workbook, rows by state then by
// release, newest first, as the JRC's file orders them.
func writeInformSample(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", informSheet); err != nil {
		return err
	}
	if err := f.SetSheetRow(informSheet, "A1", &informHeader); err != nil {
		return err
	}
	row := 2
	for _, s := range informScores {
		for i := len(informYears) - 1; i >= 0; i-- {
			cell, _ := excelize.CoordinatesToCellName(1, row)
			vals := []any{s.iso3, "INFORM Risk Index", s.scores[i], informYears[i]}
			if err := f.SetSheetRow(informSheet, cell, &vals); err != nil {
				return err
			}
			row++
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// TestInformFixture checks the committed sample workbook against the spec
// above; with -update it writes the workbook first.
func TestInformFixture(t *testing.T) {
	if *update {
		if err := writeInformSample(informFile); err != nil {
			t.Fatal(err)
		}
	}
	f, err := excelize.OpenFile(informFile)
	if err != nil {
		t.Fatalf("open sample workbook (write it with go test -run TestInformFixture -update): %v", err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !cmp.Equal(got, []string{informSheet}) {
		t.Fatalf("sheets = %q, want [%q]", got, informSheet)
	}
	got, err := f.GetRows(informSheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{informHeader}
	for _, s := range informScores {
		for i := len(informYears) - 1; i >= 0; i-- {
			want = append(want, []string{s.iso3, "INFORM Risk Index", strconv.FormatFloat(s.scores[i], 'f', -1, 64),
				strconv.Itoa(informYears[i])})
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sample workbook differs from the spec (-want +got); run go test -run TestInformFixture -update:\n%s", diff)
	}
}
