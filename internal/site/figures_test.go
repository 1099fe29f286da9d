package site

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFiguresBodyEscapes checks that every text a cell holds is escaped,
// in the attribute and in the element, and that the marks draw.
func TestFiguresBodyEscapes(t *testing.T) {
	evil := `<script>alert("x")</script>&'+`
	rows := []figureRow{{Year: "2024", Cells: []cellParams{
		{Value: evil, Text: evil, E: true, U: true, Marks: &cellMarks{Estimate: true, Uncertain: true, Notes: evil, Footnotes: evil}},
		{Missing: evil, U: true},
		{},
	}}}
	got, err := figuresBody(rows)
	if err != nil {
		t.Fatal(err)
	}
	const esc = `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&#39;&#43;`
	want := "\n<tr><th scope=\"row\">2024</th>" +
		`<td class="est unc"><data value="` + esc + `">` + esc + `</data><sup class="mark">e</sup><sup class="mark">u</sup>` +
		` <span class="notes">` + esc + `</span> <sup class="fn">[` + esc + `]</sup></td>` +
		`<td class="unc"><span class="missing">` + esc + `</span></td><td></td></tr>`
	if string(got) != want {
		t.Errorf("figuresBody =\n%s\nwant\n%s", got, want)
	}
	if strings.Contains(string(got), "<script") {
		t.Error("a text was not escaped")
	}
}

// TestFiguresBodyIsTheTemplate checks that figuresBody, which fills each
// shape of cell's drawing in, writes the bytes the template itself writes,
// for every shape of cell, with texts that need escaping and without.
func TestFiguresBodyIsTheTemplate(t *testing.T) {
	texts := []func(k int) string{
		awkward,
		func(k int) string { return fmt.Sprintf("1%d,234.5", k) },
		func(int) string { return "\xff\xfe invalid UTF-8 \uE000a\uE001 a marker" },
	}
	var rows []figureRow
	for s := range cellShape(shapeFootnotes << 1) {
		for _, text := range texts {
			rows = append(rows, figureRow{Year: text(9), Cells: []cellParams{cellOf(s, text), {}, cellOf(s^shapeE, text)}})
		}
	}
	rows = append(rows, figureRow{Year: "1999"})
	compareFigures(t, rows)
}

// compareFigures fails t when figuresBody and the template differ on rows.
func compareFigures(t *testing.T, rows []figureRow) {
	t.Helper()
	got, err := figuresBody(rows)
	if err != nil {
		t.Fatal(err)
	}
	want, err := figuresExecuted(rows)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("figuresBody and the template differ:\n%s", cmp.Diff(want, string(got)))
	}
}

// FuzzFiguresBody holds figuresBody to the template's own output for any
// texts and flags.
func FuzzFiguresBody(f *testing.F) {
	f.Add("2024", "1234.5", "1,234.5", "", "ab", "1", uint16(0x1ff))
	f.Add("<y>", `"&'+`, "\x00", "n/a", "", "\uE000a\uE001", uint16(0x0a))
	f.Fuzz(func(t *testing.T, year, value, text, missing, notes, footnotes string, bits uint16) {
		c := cellOf(cellShape(bits)&(shapeFootnotes<<1-1), func(k int) string {
			return [figureTexts]string{value, text, missing, notes, footnotes}[k]
		})
		compareFigures(t, []figureRow{{Year: year, Cells: []cellParams{c, {}, c}}})
	})
}
