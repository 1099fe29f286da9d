package site

import (
	"strings"
	"testing"
)

// TestFiguresBodyEscapes checks that every text a cell holds is escaped,
// in the attribute and in the element, and that the marks draw.
func TestFiguresBodyEscapes(t *testing.T) {
	evil := `<script>alert("x")</script>&'+`
	rows := []figureRow{{Year: 2024, Cells: []cellParams{
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
