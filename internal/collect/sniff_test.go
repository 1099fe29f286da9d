package collect

import (
	"archive/zip"
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// zipOf returns a zip archive holding empty files of the given names.
func zipOf(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, n := range names {
		if _, err := w.Create(n); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// workbook returns an xlsx file as excelize writes one.
func workbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetCellValue("Sheet1", "A1", "Country"); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSniff(t *testing.T) {
	xlsx := workbook(t)
	tests := []struct {
		name          string
		body          []byte
		isZip, isXLSX bool
	}{
		{"workbook", xlsx, true, true},
		{"part name in another case", zipOf(t, "[Content_Types].xml", "XL/Workbook.xml"), true, true},
		{"zip without a workbook", zipOf(t, "API_MS.MIL.XPND.CD_DS2_en_csv_v2_1.csv"), true, false},
		{"workbook.xml outside xl/", zipOf(t, "workbook.xml"), true, false},
		{"empty zip", zipOf(t), true, false},
		{"truncated workbook", xlsx[:len(xlsx)/2], true, false},
		{"zip magic then text", []byte("PK\x03\x04 not really a zip"), true, false},
		{"html", []byte("<!DOCTYPE html><html><body>Not found</body></html>"), false, false},
		{"magic not at the start", []byte(" PK\x03\x04"), false, false},
		{"empty", nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsZip(tt.body); got != tt.isZip {
				t.Errorf("IsZip(%q) = %v, want %v", Head(tt.body), got, tt.isZip)
			}
			if got := IsXLSX(tt.body); got != tt.isXLSX {
				t.Errorf("IsXLSX(%q) = %v, want %v", Head(tt.body), got, tt.isXLSX)
			}
		})
	}
}

func TestHead(t *testing.T) {
	long := bytes.Repeat([]byte("x"), 100)
	tests := []struct {
		name string
		b    []byte
		want []byte
	}{
		{"short", []byte("PK\x03\x04"), []byte("PK\x03\x04")},
		{"exactly 32", long[:32], long[:32]},
		{"long", long, long[:32]},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Head(tt.b); !bytes.Equal(got, tt.want) {
				t.Errorf("Head(%q) = %q, want %q", tt.b, got, tt.want)
			}
		})
	}
}
