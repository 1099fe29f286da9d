package collecttest

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/country"
)

// Workbooks built to cost memory: the two of issue 9, which drove a run to
// 8.5 GB and had one accepted. Both are SIPRI-shaped (a Current US$ sheet
// with a header row and the states' figures, estimates in blue), so a
// reader that does not bound what it unpacks reads them as data.

// SheetBomb writes a SIPRI-shaped workbook whose sheet unpacks to about
// size bytes: the states' rows, then up to a million region-heading rows of
// 480 bytes (a label, which the parser skips, and 40-odd styled empty
// cells), each label with random letters so that the file does not
// compress to nothing.
// With size 480 MB the file is about 37 MB.
func SheetBomb(w io.Writer, size int64) error {
	rng := rand.New(rand.NewPCG(9, 7))
	return writeBook(w, func(sheet *bufio.Writer) error {
		row := statesRows(sheet, nil)
		const perRow, randomLetters = 480, 34
		letters := "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
		var line []byte
		for written := int64(0); written < size && row < 1_048_000; written += int64(len(line)) {
			row++
			line = append(line[:0], `<row r="`...)
			line = strconv.AppendInt(line, int64(row), 10)
			line = append(line, `"><c r="A`...)
			line = strconv.AppendInt(line, int64(row), 10)
			line = append(line, `" t="inlineStr"><is><t>Region `...)
			for range randomLetters {
				line = append(line, letters[rng.IntN(len(letters))])
			}
			line = append(line, `</t></is></c>`...)
			// Cells without a reference take the next column.
			for len(line) < perRow-len("</row>")-len(`<c s="1"/>`) {
				line = append(line, `<c s="1"/>`...)
			}
			line = append(line, "</row>"...)
			if _, err := sheet.Write(line); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}

// SharedStringsBomb writes a SIPRI-shaped workbook whose shared-string
// table unpacks to about size bytes: the strings the sheet uses (state
// names, the header), then numbered filler strings nothing refers to.
func SharedStringsBomb(w io.Writer, size int64) error {
	var used []string
	return writeBook(w, func(sheet *bufio.Writer) error {
		statesRows(sheet, &used)
		return nil
	}, func(sst *bufio.Writer) error {
		fmt.Fprintf(sst, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
		var written int64
		for _, s := range used {
			n, _ := fmt.Fprintf(sst, "<si><t>%s</t></si>", s)
			written += int64(n)
		}
		for i := 0; written < size; i++ {
			n, err := fmt.Fprintf(sst, "<si><t>filler %09d</t></si>", i)
			if err != nil {
				return err
			}
			written += int64(n)
		}
		_, err := sst.WriteString(`</sst>`)
		return err
	})
}

// statesRows writes the title, the header and one row per state with a
// figure a year, every other one blue (an estimate), and returns the last
// row number. With strings set, text cells are shared strings appended to
// it; otherwise inline strings.
func statesRows(w *bufio.Writer, strs *[]string) int {
	text := func(ref, s string) string {
		if strs == nil {
			return fmt.Sprintf(`<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, s)
		}
		*strs = append(*strs, s)
		return fmt.Sprintf(`<c r="%s" t="s"><v>%d</v></c>`, ref, len(*strs)-1)
	}
	const first, last = 1949, 2023
	w.WriteString(`<row r="1">` + text("A1", "Military expenditure by country, in millions of US$ at current prices") + `</row>`)
	w.WriteString(`<row r="6">` + text("A6", "Country") + text("B6", "Notes"))
	for y := first; y <= last; y++ {
		fmt.Fprintf(w, `<c r="%s6"><v>%d</v></c>`, colName(y-first+3), y)
	}
	w.WriteString(`</row>`)
	row := 7
	for _, c := range country.All() {
		if !c.IsState() {
			continue
		}
		if _, ok := country.ByName(c.Name); !ok {
			continue
		}
		row++
		fmt.Fprintf(w, `<row r="%d">%s`, row, text("A"+strconv.Itoa(row), c.Name))
		for y := first; y <= last; y++ {
			fmt.Fprintf(w, `<c r="%s%d" s="%d"><v>%d.%d</v></c>`, colName(y-first+3), row, y%2, row*7+y, y%10)
		}
		w.WriteString(`</row>`)
	}
	return row
}

// colName returns the letters of column col, from 1.
func colName(col int) string {
	s := ""
	for ; col > 0; col = (col - 1) / 26 {
		s = string(rune('A'+(col-1)%26)) + s
	}
	return s
}

// writeBook writes a workbook of one sheet, "Current US$", with the cells
// sheetData writes, and a shared-string table if sst is set; parts are
// compressed at the fastest level.
func writeBook(w io.Writer, sheetData, sst func(*bufio.Writer) error) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	part := func(name string, write func(*bufio.Writer) error) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(2024, 4, 22, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return err
		}
		b := bufio.NewWriterSize(f, 1<<16)
		if err := write(b); err != nil {
			return err
		}
		return b.Flush()
	}
	text := func(s string) func(*bufio.Writer) error {
		return func(b *bufio.Writer) error { _, err := b.WriteString(s); return err }
	}
	const main = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	types := `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`
	wbRels := `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="` + rel + `/worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId2" Type="` + rel + `/styles" Target="styles.xml"/>`
	if sst != nil {
		types += `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`
		wbRels += `<Relationship Id="rId3" Type="` + rel + `/sharedStrings" Target="sharedStrings.xml"/>`
	}
	parts := []struct {
		name  string
		write func(*bufio.Writer) error
	}{
		{"[Content_Types].xml", text(types + `</Types>`)},
		{"_rels/.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + rel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`)},
		{"xl/workbook.xml", text(`<?xml version="1.0" encoding="UTF-8"?><workbook ` + main + ` xmlns:r="` + rel + `">` +
			`<sheets><sheet name="Current US$" sheetId="1" r:id="rId1"/></sheets></workbook>`)},
		{"xl/_rels/workbook.xml.rels", text(wbRels + `</Relationships>`)},
		{"xl/styles.xml", text(`<?xml version="1.0" encoding="UTF-8"?><styleSheet ` + main + `>` +
			`<fonts count="2"><font><sz val="10"/><name val="Times New Roman"/></font>` +
			`<font><sz val="10"/><color indexed="12"/><name val="Times New Roman"/></font></fonts>` +
			`<fills count="1"><fill><patternFill patternType="none"/></fill></fills>` +
			`<borders count="1"><border/></borders>` +
			`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
			`<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
			`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs></styleSheet>`)},
		{"xl/worksheets/sheet1.xml", func(b *bufio.Writer) error {
			b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet ` + main + `><sheetData>`)
			if err := sheetData(b); err != nil {
				return err
			}
			_, err := b.WriteString(`</sheetData></worksheet>`)
			return err
		}},
	}
	for _, p := range parts {
		if err := part(p.name, p.write); err != nil {
			return err
		}
	}
	if sst != nil {
		if err := part("xl/sharedStrings.xml", sst); err != nil {
			return err
		}
	}
	return zw.Close()
}

// WriteFile writes what write makes to a file in t's temporary folder and
// returns its path.
func WriteFile(t testing.TB, name string, write func(io.Writer) error) string {
	t.Helper()
	path := t.TempDir() + "/" + name
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw); err != nil {
		t.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// Child is the result of a test run in a process of its own.
type Child struct {
	Output  string
	Err     error         // the process's exit error, nil when it passed
	PeakRSS int64         // its peak resident memory, in bytes
	Elapsed time.Duration // its wall-clock time
}

// RunChild runs the test binary again, with only the test named test and
// the environment variable key set to value, so that the test does one
// thing in a process whose peak memory (ru_maxrss) it measures. The test
// tells the parent's run from the child's by the variable.
func RunChild(t testing.TB, test, key, value string) Child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.v", "-test.count=1", "-test.timeout=30m")
	cmd.Env = append(os.Environ(), key+"="+value)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	c := Child{Output: string(out), Err: err, Elapsed: time.Since(start)}
	if cmd.ProcessState == nil {
		t.Fatalf("run %s: %v", test, err)
	}
	c.PeakRSS = peakRSS(cmd.ProcessState)
	return c
}
