package generic

import (
	"archive/zip"
	"bytes"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// peaceWorkbook returns a workbook in the layout of the Global Peace
// Index's year sheets: title rows above the header, a header whose case
// varies, a score cell holding #VALUE!, a date cell, and a second sheet.
func peaceWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "Contents")
	f.SetCellValue("Contents", "A1", "Global Peace Index 2025")
	f.NewSheet("2025")
	rows := [][]any{
		{"Global Peace Index 2025"},
		{"Scores by country"},
		{},
		{"country", "geocode", "Overall Score", "Militarisation", "Released"},
		{"Iceland", "ISL", 1.2345, 1.1, 45823},
		{"Ukraine", "UKR", 3.434, 2.9, 45823},
		{},
		{"Russia", "RUS", 3.441, nil, 45823},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("2025", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	f.SetCellStyle("2025", "C5", "C8", style)
	f.SetCellValue("2025", "D8", 0)
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	// An error value, as the real 2025 sheet holds one in A1: a cell of
	// type e, which excelize cannot write.
	return withCell(t, b.Bytes(), "xl/worksheets/sheet2.xml", "D8", `<c r="D8" t="e"><f>"x"+1</f><v>#VALUE!</v></c>`)
}

// withCell returns the workbook with the XML of one cell of a sheet
// replaced.
func withCell(t *testing.T, xlsx []byte, sheet, cell, xml string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == sheet {
			re := regexp.MustCompile(`<c r="` + cell + `"[^>]*?(/>|>.*?</c>)`)
			found = re.Match(b)
			b = re.ReplaceAll(b, []byte(xml))
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("no cell %s in %s", cell, sheet)
	}
	return out.Bytes()
}

const peaceOptions = `
sheet = "2025"
header_cell = "Geocode"
[source.options.vars.released]
letter = "E"
[source.options.fields.publisher]
value = "gpi"
[source.options.fields.country_iso3]
column = "GEOCODE"
transforms = [{ op = "country_code" }]
[source.options.fields.country_name]
column = "country"
[source.options.fields.period]
template = "{released}"
transforms = [{ op = "excel_date" }, { op = "regexp", pattern = '^(\d{4})' }]
[source.options.fields.indicator]
value = "gpi_militarisation"
[source.options.fields.value]
column = "militarisation"
[source.options.fields.unit]
value = "score 1-5 (1 = most peaceful)"
`

func TestXLSXSheet(t *testing.T) {
	const u = "https://peace.example/GPI-2025.xlsx"
	body := string(peaceWorkbook(t))
	src := source(t, XLSX, "risk-reports", u, peaceOptions)
	tab, warns, err := run(t, serve(map[string]string{u: body}), src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	row := func(code, name, value string) map[string]string {
		m := map[string]string{"publisher": "gpi", "country_iso3": code, "country_name": name, "period": "2025",
			"indicator": "gpi_militarisation", "unit": "score 1-5 (1 = most peaceful)", "source": "test"}
		if value != "" {
			m["value"] = value
		}
		return m
	}
	want := []map[string]string{row("ISL", "Iceland", "1.1"), row("UKR", "Ukraine", "2.9"), row("RUS", "Russia", "")}
	if diff := cmp.Diff(want, records(tab)); diff != "" {
		t.Errorf("Collect() mismatch (-want +got):\n%s", diff)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "#VALUE!") || !strings.Contains(warns[0], "row 8") ||
		!strings.Contains(warns[0], "column D") {
		t.Errorf("Collect() warnings = %q, want one naming #VALUE! in row 8, column D", warns)
	}
}

// TestXLSXFormatted reads cells as displayed: the 0.00 format of the
// overall score.
func TestXLSXFormatted(t *testing.T) {
	const u = "https://peace.example/GPI-2025.xlsx"
	body := string(peaceWorkbook(t))
	for _, tt := range []struct {
		formatted string
		want      []string
	}{
		{"false", []string{"1.2345", "3.434", "3.441"}},
		{"true", []string{"1.23", "3.43", "3.44"}},
	} {
		opts := strings.Replace(peaceOptions, "column = \"militarisation\"", "column = \"Overall score\"", 1)
		src := source(t, XLSX, "risk-reports", u, "formatted = "+tt.formatted+"\n"+opts)
		tab, _, err := run(t, serve(map[string]string{u: body}), src)
		if err != nil {
			t.Fatalf("Collect(formatted = %s) error = %v", tt.formatted, err)
		}
		if got := column(tab, "value"); !cmp.Equal(got, tt.want) {
			t.Errorf("Collect(formatted = %s) values = %q, want %q", tt.formatted, got, tt.want)
		}
	}
}

func TestXLSXErrors(t *testing.T) {
	const u = "https://peace.example/GPI-2025.xlsx"
	body := string(peaceWorkbook(t))
	tests := []struct {
		name, body, options string
		wantErr             error
	}{
		{name: "no such sheet", body: body, options: strings.Replace(peaceOptions, `sheet = "2025"`, `sheet = "2024"`, 1), wantErr: ErrFormat},
		{name: "sheet index too large", body: body, options: strings.Replace(peaceOptions, `sheet = "2025"`, `sheet_index = 3`, 1), wantErr: ErrFormat},
		{name: "no header cell", body: body, options: strings.Replace(peaceOptions, `header_cell = "Geocode"`, `header_cell = "ISO3"`, 1), wantErr: ErrFormat},
		{name: "missing column", body: body, options: strings.Replace(peaceOptions, `column = "militarisation"`, `column = "militarization"`, 1), wantErr: ErrFormat},
		{name: "header row past the end", body: body, options: strings.Replace(peaceOptions, `header_cell = "Geocode"`, `header_row = 40`, 1), wantErr: ErrNoRecords},
		{name: "not a workbook", body: "PK\x03\x04 not really", options: peaceOptions, wantErr: ErrFormat},
		{name: "html", body: "<html><body>Not found</body></html>", options: peaceOptions, wantErr: ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := source(t, XLSX, "risk-reports", u, tt.options)
			tab, _, err := run(t, serve(map[string]string{u: tt.body}), src)
			failed(t, tab, err, tt.wantErr)
		})
	}
}

// TestXLSXUnpivot reads a sheet with a column per year, as the Global
// Peace Index's Overall Scores sheet has them (2008_score, 2008_rank ...).
func TestXLSXUnpivot(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"country", "geocode", "2024_score", "2024_rank", "2025_score", "2025_rank"},
		{"Iceland", "ISL", 1.112, 1, 1.095, 1},
		{"Ukraine", "UKR", 3.28, 159, "#N/A", 161},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &r)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	const u = "https://peace.example/overall.xlsx"
	opts := `
[source.options.unpivot]
columns = '^\d{4}_(score|rank)$'
header = "what"
value = "figure"
[source.options.fields.publisher]
value = "gpi"
[source.options.fields.country_iso3]
column = "geocode"
[source.options.fields.country_name]
column = "country"
[source.options.fields.period]
column = "what"
transforms = [{ op = "regexp", pattern = '^(\d{4})' }]
[source.options.fields.indicator]
column = "what"
transforms = [{ op = "regexp", pattern = '_(\w+)$' }, { op = "prefix", text = "gpi_overall_" }]
[source.options.fields.value]
column = "figure"
`
	src := source(t, XLSX, "risk-reports", u, opts)
	tab, warns, err := run(t, serve(map[string]string{u: b.String()}), src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	got := project(records(tab), "country_iso3", "period", "indicator", "value")
	want := []string{
		"ISL 2024 gpi_overall_score 1.112", "ISL 2024 gpi_overall_rank 1", "ISL 2025 gpi_overall_score 1.095", "ISL 2025 gpi_overall_rank 1",
		"UKR 2024 gpi_overall_score 3.28", "UKR 2024 gpi_overall_rank 159", "UKR 2025 gpi_overall_score ", "UKR 2025 gpi_overall_rank 161",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Collect() mismatch (-want +got):\n%s", diff)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "#N/A") {
		t.Errorf("Collect() warnings = %q, want one about #N/A", warns)
	}
}
