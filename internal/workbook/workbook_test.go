package workbook

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/xuri/excelize/v2"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/realdata"
)

// The parts of a workbook of one sheet, for the tests to vary.
const (
	mainNS   = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	relNS    = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	typesXML = `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/></Types>`
	rootRels = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="` + relNS + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	workbookXML = `<?xml version="1.0" encoding="UTF-8"?><workbook ` + mainNS + ` xmlns:r="` + relNS + `">` +
		`<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`
	workbookRels = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="` + relNS + `/worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId2" Type="` + relNS + `/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	sstXML = `<sst ` + mainNS + `><si><t>Country</t></si><si><t>France</t></si><si><r><t>Ger</t></r><r><t>many</t></r></si></sst>`
)

// book returns a workbook of one sheet, "Data", whose sheetData holds rows,
// with the shared strings of sstXML and the other parts given.
func book(rows string, other map[string]string) []byte {
	parts := map[string][]byte{
		"[Content_Types].xml":        []byte(typesXML),
		"_rels/.rels":                []byte(rootRels),
		"xl/workbook.xml":            []byte(workbookXML),
		"xl/_rels/workbook.xml.rels": []byte(workbookRels),
		"xl/sharedStrings.xml":       []byte(sstXML),
		"xl/worksheets/sheet1.xml":   []byte(`<worksheet ` + mainNS + `><sheetData>` + rows + `</sheetData></worksheet>`),
	}
	names := []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"}
	for k, v := range other {
		if _, ok := parts[k]; !ok {
			names = append(names, k)
		}
		parts[k] = []byte(v)
	}
	return collecttest.Zip(parts, names)
}

// open opens b with limit, failing t if it cannot.
func open(t *testing.T, b []byte, limit int64) *File {
	t.Helper()
	f, err := Open(bytes.NewReader(b), int64(len(b)), limit)
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestReadSheet(t *testing.T) {
	b := book(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1"><v>2024</v></c></row>`+
		`<row r="3"><c r="A3" t="s" s="2"><v>1</v></c><c r="B3" t="inlineStr"><is><t>x</t></is></c><c r="C3" s="1"><v>1.5</v></c></row>`+
		`<row><c t="s"><v>2</v></c><c s="3"/></row><row r="9"><c r="B9" s="1"/></row>`, nil)
	f := open(t, b, collect.DefaultMaxUnpacked)
	sh, err := f.ReadSheet("Data", Options{Styles: true})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"Country", "", "2024"}, nil, {"France", "x", "1.5"}, {"Germany"}}
	if diff := cmp.Diff(want, sh.Rows); diff != "" {
		t.Errorf("ReadSheet().Rows mismatch (-want +got):\n%s", diff)
	}
	for _, c := range []struct{ i, j, want int }{{2, 0, 2}, {2, 1, 0}, {2, 2, 1}, {0, 0, 0}, {3, 1, 0}, {8, 1, 0}, {99, 0, 0}} {
		if got := sh.Style(c.i, c.j); got != c.want {
			t.Errorf("Style(%d, %d) = %d, want %d", c.i, c.j, got, c.want)
		}
	}
}

// TestReadSheetAsExcelize reads the workbooks of the bundled mirror and the
// real published ones, and checks every sheet against excelize's
// whole-sheet reader: the same values, the same style for every cell with a
// value.
func TestReadSheetAsExcelize(t *testing.T) {
	files := []string{
		"../mirror/files/www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2024.xlsx",
		"../mirror/files/www.visionofhumanity.org/wp-content/uploads/2025/06/GPI_public_release_2025.xlsx",
		"../mirror/files/drmkc.jrc.ec.europa.eu/inform-index/Portals/0/InfoRM/2025/INFORM2024_TREND_2015_2024_v69_ALL.xlsx",
	}
	dir := realdata.Dir(t)
	real, _ := filepath.Glob(filepath.Join(dir, "*", "*.xlsx"))
	if len(real) == 0 {
		t.Fatalf("no workbook in %s", dir)
	}
	for _, path := range append(files, real...) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			x, err := excelize.OpenReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			f := open(t, b, collect.DefaultMaxUnpacked)
			if diff := cmp.Diff(x.GetSheetList(), f.Sheets()); diff != "" {
				t.Fatalf("Sheets() mismatch (-excelize +got):\n%s", diff)
			}
			for _, name := range f.Sheets() {
				// Formatted values (the generic collector's option)
				// on the mirror's workbooks: excelize formats slowly.
				modes := []bool{false}
				if strings.HasPrefix(path, "../mirror/") {
					modes = append(modes, true)
				}
				for _, formatted := range modes {
					sh, err := f.ReadSheet(name, Options{Styles: true, Formatted: formatted})
					if err != nil {
						t.Fatalf("ReadSheet(%q) = %v", name, err)
					}
					want, err := x.GetRows(name, excelize.Options{RawCellValue: !formatted})
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(want, sh.Rows, cmpopts.EquateEmpty()); diff != "" {
						t.Errorf("ReadSheet(%q, formatted %v) mismatch (-excelize +got):\n%s", name, formatted, diff)
					}
				}
				sh, _ := f.ReadSheet(name, Options{Styles: true})
				for i, row := range sh.Rows {
					for j, v := range row {
						if v == "" {
							continue
						}
						cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
						want, err := x.GetCellStyle(name, cell)
						if err != nil {
							t.Fatal(err)
						}
						if got := sh.Style(i, j); got != want {
							t.Fatalf("sheet %q cell %s: Style() = %d, excelize says %d", name, cell, got, want)
						}
					}
				}
			}
		})
	}
}

// TestReadSheetRefuses checks that what excelize's row reader misreads, or
// drops without an error, is an error.
func TestReadSheetRefuses(t *testing.T) {
	deep := strings.Repeat("<x>", 300) + strings.Repeat("</x>", 300)
	tests := []struct {
		name, rows string
		want       string // in the error
	}{
		// excelize stops at the error and returns the rows before it.
		{name: "malformed XML", rows: `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></rowx>`, want: "XML syntax error"},
		// excelize reads row 2 as row 4.
		{name: "rows out of order", rows: `<row r="3"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>`, want: "out of order"},
		{name: "row twice", rows: `<row r="2"><c r="A2"><v>1</v></c></row><row r="2"><c r="B2"><v>2</v></c></row>`, want: "out of order"},
		// excelize puts C1 in column B.
		{name: "cells out of order", rows: `<row r="1"><c r="C1"><v>1</v></c><c r="B1"><v>2</v></c></row>`, want: "out of order"},
		// excelize drops the cell's value.
		{name: "style not a number", rows: `<row r="1"><c r="A1" s="x"><v>1</v></c></row>`, want: "style"},
		// excelize reads shared string 0.
		{name: "shared string not a number", rows: `<row r="1"><c r="A1" t="s"><v>one</v></c></row>`, want: "shared string"},
		// excelize reads an empty cell.
		{name: "shared string beyond the table", rows: `<row r="1"><c r="A1" t="s"><v>3</v></c></row>`, want: "shared string"},
		{name: "unknown cell type", rows: `<row r="1"><c r="A1" t="z"><v>1</v></c></row>`, want: "cell type"},
		{name: "row number beyond the sheet", rows: `<row r="1048577"><c r="A1"><v>1</v></c></row>`, want: "row reference"},
		{name: "column beyond the sheet", rows: `<row r="1"><c r="XFE1"><v>1</v></c></row>`, want: "cell reference"},
		{name: "cell outside a row", rows: `<c r="A1"><v>1</v></c>`, want: "outside a row"},
		{name: "cell in a cell", rows: `<row r="1"><c r="A1"><c r="B1"><v>1</v></c></c></row>`, want: "inside another cell"},
		{name: "nested too deep", rows: `<row r="1"><c r="A1"><v>1</v>` + deep + `</c></row>`, want: "nested deeper"},
		{name: "tag too long", rows: `<row r="1"><c r="A1" ` + strings.Repeat(`a="" `, 300_000) + `><v>1</v></c></row>`, want: "without a '>'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := open(t, book(tt.rows, nil), collect.DefaultMaxUnpacked)
			sh, err := f.ReadSheet("Data", Options{Styles: true})
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadSheet() = %v, %v; want an error wrapping ErrFormat saying %q", sh, err, tt.want)
			}
		})
	}
}

// TestLimits checks each limit: what a workbook unpacks to, what a part
// read whole may take, and what the cells read from the sheets take.
func TestLimits(t *testing.T) {
	const limit = 1 << 20
	row := func(r int, cells string) string { return fmt.Sprintf(`<row r="%d">%s</row>`, r, cells) }
	var big, far, refs strings.Builder
	for r := 1; big.Len() < 2*limit; r++ {
		big.WriteString(row(r, fmt.Sprintf(`<c r="A%d"><v>%d</v></c>`, r, r)))
	}
	// One cell in the last column of each row: 120 bytes of XML that the
	// row reader fills with 16,384 cells.
	for r := 1; r <= 100; r++ {
		far.WriteString(row(r, fmt.Sprintf(`<c r="XFD%d"><v>1</v></c>`, r)))
	}
	// A long shared string, referenced in every row.
	long := `<sst ` + mainNS + `><si><t>` + strings.Repeat("x", 40_000) + `</t></si></sst>`
	for r := 1; r <= 100; r++ {
		refs.WriteString(row(r, fmt.Sprintf(`<c r="A%d" t="s"><v>0</v></c>`, r)))
	}
	tests := []struct {
		name  string
		book  []byte
		read  bool   // the limit is met reading the sheet, not opening
		want  string // in the error
		share int64
	}{
		{name: "workbook", book: book(big.String(), nil), want: "the zip: 2.0 MiB unpacked"},
		{name: "part read whole", book: book("", map[string]string{"xl/styles.xml": strings.Repeat(" ", limit/10)}),
			want: "workbook part xl/styles.xml", share: 16},
		{name: "shared strings", book: book("", map[string]string{"xl/sharedStrings.xml": long + strings.Repeat(" ", limit/10)}),
			want: "workbook part xl/sharedStrings.xml", share: 16},
		{name: "cells in the last column", book: book(far.String(), nil), read: true, want: "the cells read from the workbook"},
		{name: "a shared string referenced", book: book(refs.String(), map[string]string{"xl/sharedStrings.xml": long}), read: true,
			want: "the cells read from the workbook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Open(bytes.NewReader(tt.book), int64(len(tt.book)), limit)
			if tt.read {
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				_, err = f.ReadSheet("Data", Options{})
			}
			var ue *collect.UnpackError
			if !errors.As(err, &ue) || !errors.Is(err, collect.ErrUnpackLimit) || !strings.Contains(err.Error(), tt.want) ||
				!strings.Contains(err.Error(), "max_unpacked") || ue.Share != tt.share {
				t.Errorf("got %v, want an *UnpackError saying %q and naming max_unpacked", err, tt.want)
			}
		})
	}
	// The same, under a higher limit, are read.
	f := open(t, book(far.String(), nil), collect.DefaultMaxUnpacked)
	if sh, err := f.ReadSheet("Data", Options{}); err != nil || len(sh.Rows) != 100 || len(sh.Rows[99]) != excelize.MaxColumns {
		t.Errorf("ReadSheet(cells in the last column, default limit) = %v", err)
	}
}

// TestOpenRefuses checks workbooks whose sheets cannot be told apart or
// found.
func TestOpenRefuses(t *testing.T) {
	two := `<?xml version="1.0" encoding="UTF-8"?><workbook ` + mainNS + ` xmlns:r="` + relNS + `">` +
		`<sheets><sheet name="Data" sheetId="1" r:id="rId1"/><sheet name="DATA" sheetId="2" r:id="rId1"/></sheets></workbook>`
	b := book("", map[string]string{"xl/workbook.xml": two})
	if _, err := Open(bytes.NewReader(b), int64(len(b)), collect.DefaultMaxUnpacked); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "two sheets") {
		t.Errorf("Open(sheets Data and DATA) = %v, want an error", err)
	}
	if _, err := Open(bytes.NewReader([]byte("not a zip")), 9, collect.DefaultMaxUnpacked); !errors.Is(err, ErrFormat) {
		t.Errorf("Open(not a zip) = %v, want ErrFormat", err)
	}
	noPart := strings.Replace(workbookRels, "worksheets/sheet1.xml", "worksheets/sheet9.xml", 1)
	f := open(t, book("", map[string]string{"xl/_rels/workbook.xml.rels": noPart}), collect.DefaultMaxUnpacked)
	if _, err := f.ReadSheet("Data", Options{}); !errors.Is(err, ErrFormat) {
		t.Errorf("ReadSheet(sheet without a part) = %v, want ErrFormat", err)
	}
}

// TestErrorsReadable is the finding of generic's FuzzXLSX kept in
// testdata/fuzz/FuzzXLSX/b368a34476d1c557: a sheet holding "&\xd5", whose
// XML error quoted the byte raw, in a message bound for the sources page.
// Bytes that are not UTF-8 are now written \xNN.
func TestErrorsReadable(t *testing.T) {
	f := open(t, book(`<row r="1"><c r="A1" t="inlineStr"><is><t>&`+"\xd5"+`</t></is></c></row>`, nil), collect.DefaultMaxUnpacked)
	_, err := f.ReadSheet("Data", Options{})
	if !errors.Is(err, ErrFormat) || !utf8.ValidString(err.Error()) || !strings.Contains(err.Error(), `\xd5`) {
		t.Errorf("ReadSheet(&\\xd5) = %q, want ErrFormat in valid UTF-8 showing \\xd5", err)
	}
}
