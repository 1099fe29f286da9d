package sipri

import (
	"bytes"
	"testing"

	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
)

// The fuzz targets of the workbook parser. `go test` runs their seeds and
// the crashers kept under testdata/fuzz; .ci/fuzz runs the fuzzer.

// mirrorWorkbook is the sample workbook of the bundled mirror, the seed of
// the targets.
const mirrorWorkbook = "www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2024.xlsx"

// FuzzParse feeds Parse whole files: damaged archives, other formats.
func FuzzParse(f *testing.F) {
	f.Add(collecttest.ReadFile(f, mirror.FS, mirrorWorkbook))
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	f.Add([]byte("<!DOCTYPE html><title>SIPRI</title>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkParse(t, b)
	})
}

// FuzzParseSheet feeds Parse the sample workbook with one data sheet, the
// shared strings and the styles replaced: the parts where a workbook's
// content is, which mutations of the compressed file seldom reach.
func FuzzParseSheet(f *testing.F) {
	parts, names := collecttest.ZipParts(f, collecttest.ReadFile(f, mirror.FS, mirrorWorkbook))
	for _, sheet := range []string{"sheet3", "sheet4", "sheet5", "sheet6", "sheet7", "sheet8", "sheet9"} {
		f.Add(parts["xl/worksheets/"+sheet+".xml"], parts["xl/sharedStrings.xml"], parts["xl/styles.xml"])
	}
	f.Fuzz(func(t *testing.T, sheet, sst, styles []byte) {
		p := make(map[string][]byte, len(parts))
		for k, v := range parts {
			p[k] = v
		}
		// sheet6 is "Current US$".
		p["xl/worksheets/sheet6.xml"], p["xl/sharedStrings.xml"], p["xl/styles.xml"] = sheet, sst, styles
		checkParse(t, collecttest.Zip(p, names))
	})
}

// checkParse parses b and checks what came back.
func checkParse(t *testing.T, b []byte) {
	var (
		recs []dataset.Expenditure
		st   Stats
		err  error
	)
	collecttest.Within(collecttest.FuzzDeadline, func() {
		recs, st, err = Parse(bytes.NewReader(b), int64(len(b)))
	})
	if err != nil {
		collecttest.CheckError(t, err)
		if recs != nil || len(st.Sheets) > 0 {
			t.Errorf("Parse returned %d records and stats beside the error %v", len(recs), err)
		}
		return
	}
	n := 0
	for _, s := range st.Sheets {
		n += s.Records
	}
	if st.Regional != nil {
		n += st.Regional.Records // the regional totals' records
	}
	if n != len(recs) {
		t.Errorf("Parse: the sheets' stats count %d records, and it returned %d", n, len(recs))
	}
	collecttest.CheckTable(t, dataset.ExpenditureTable(recs), b)
}

// TestFuzzParseSheetStylesError replays testdata/fuzz/FuzzParseSheet/
// 4308fc8ba5ca727c: styles whose XML error, from excelize, quoted bytes that
// are not UTF-8 ("i\x88dexed"), in a message bound for the sources page;
// they are written \xNN now (see package workbook).
func TestFuzzParseSheetStylesError(t *testing.T) {
	vals := collecttest.Corpus(t, "testdata/fuzz/FuzzParseSheet/4308fc8ba5ca727c")
	parts, names := collecttest.ZipParts(t, collecttest.ReadFile(t, mirror.FS, mirrorWorkbook))
	parts["xl/worksheets/sheet6.xml"], parts["xl/sharedStrings.xml"], parts["xl/styles.xml"] =
		vals[0].([]byte), vals[1].([]byte), vals[2].([]byte)
	checkParse(t, collecttest.Zip(parts, names))
}
