package gpi

import (
	"bytes"
	"testing"

	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/mirror"
)

// The fuzz targets of the workbook parser. `go test` runs their seeds and
// the crashers kept under testdata/fuzz; .ci/fuzz runs the fuzzer.

// mirrorWorkbook is the sample workbook of the bundled mirror, the seed of
// the targets.
const mirrorWorkbook = "www.visionofhumanity.org/wp-content/uploads/2025/06/GPI_public_release_2025.xlsx"

// FuzzParse feeds Parse whole files: damaged archives, other formats.
func FuzzParse(f *testing.F) {
	f.Add(collecttest.ReadFile(f, mirror.FS, mirrorWorkbook))
	f.Add([]byte("<!DOCTYPE html><title>GPI</title>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkParse(t, b)
	})
}

// FuzzParseSheets feeds Parse the sample workbook with its Overall Scores
// sheet, its 2025 sheet and its shared strings replaced: the parts where a
// workbook's content is, which mutations of the compressed file seldom
// reach.
func FuzzParseSheets(f *testing.F) {
	parts, names := collecttest.ZipParts(f, collecttest.ReadFile(f, mirror.FS, mirrorWorkbook))
	overall, y2025, sst := "xl/worksheets/sheet2.xml", "xl/worksheets/sheet5.xml", "xl/sharedStrings.xml"
	f.Add(parts[overall], parts[y2025], parts[sst])
	f.Add(parts[overall], parts["xl/worksheets/sheet3.xml"], parts[sst])
	f.Fuzz(func(t *testing.T, o, y, s []byte) {
		p := make(map[string][]byte, len(parts))
		for k, v := range parts {
			p[k] = v
		}
		p[overall], p[y2025], p[sst] = o, y, s
		checkParse(t, collecttest.Zip(p, names))
	})
}

// checkParse parses b, makes the table the collector makes, and checks
// both.
func checkParse(t *testing.T, b []byte) {
	var (
		recs []Record
		st   Stats
		err  error
	)
	collecttest.Within(collecttest.FuzzDeadline, func() {
		recs, st, err = Parse(bytes.NewReader(b), int64(len(b)))
	})
	if err != nil {
		collecttest.CheckError(t, err)
		if recs != nil {
			t.Errorf("Parse returned %d records beside the error %v", len(recs), err)
		}
		return
	}
	if st.Records != len(recs) {
		t.Errorf("Parse: the stats count %d records, and it returned %d", st.Records, len(recs))
	}
	tab, err := Table(recs, "gpi", DefaultLink)
	if err != nil {
		t.Fatalf("Table of what Parse returned: %v", err)
	}
	collecttest.CheckTable(t, tab, b)
}

// TestFuzzParseSheetsXMLError replays testdata/fuzz/FuzzParseSheets/
// 53f13a8e0f73bd35: a year sheet whose XML error quoted bytes that are not
// UTF-8 ("v\xda\xda"), in a message bound for the sources page; they are
// written \xNN now (see package workbook).
func TestFuzzParseSheetsXMLError(t *testing.T) {
	vals := collecttest.Corpus(t, "testdata/fuzz/FuzzParseSheets/53f13a8e0f73bd35")
	parts, names := collecttest.ZipParts(t, collecttest.ReadFile(t, mirror.FS, mirrorWorkbook))
	parts["xl/worksheets/sheet2.xml"], parts["xl/worksheets/sheet5.xml"], parts["xl/sharedStrings.xml"] =
		vals[0].([]byte), vals[1].([]byte), vals[2].([]byte)
	checkParse(t, collecttest.Zip(parts, names))
}
