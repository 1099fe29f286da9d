package site

import (
	"html/template"
	"strconv"
	"strings"
)

// The rows of a country's figures tables are drawn here, not by the Hugo
// template: a large country's page holds thousands of cells, and as front
// matter each cell was an object Hugo kept in memory, about 450 bytes a
// cell, for the whole build (issue 8: 940 MB for 2M figures), and looked up
// key by key. Drawn here, a table's rows are one string, about the bytes
// of the HTML they are.
//
// Every text a cell holds comes from a source or from the words, so each
// goes through htmlEscape, which escapes what html/template escapes in
// element content and in a quoted attribute value (TestHTMLEscape holds it
// to html/template). The markup is that of layouts/countries/page.html,
// which inserts Body where the rows go.

// htmlEscaper is html/template's escaping of text and of quoted attribute
// values (its htmlReplacementTable).
var htmlEscaper = strings.NewReplacer(
	"\x00", "\uFFFD",
	`"`, "&#34;",
	"&", "&amp;",
	"'", "&#39;",
	"+", "&#43;",
	"<", "&lt;",
	">", "&gt;",
)

// htmlEscape writes s escaped as html/template escapes text.
func htmlEscape(b *strings.Builder, s string) {
	if strings.ContainsAny(s, "\x00\"&'+<>") {
		htmlEscaper.WriteString(b, s)
		return
	}
	b.WriteString(s)
}

// figuresBody draws the rows of a figures table: the year, then a cell per
// column with the exact value in a data element, the rounded one shown,
// the words for a missing figure and the source's marks.
func figuresBody(rows []figureRow) template.HTML {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString("\n<tr><th scope=\"row\">")
		b.WriteString(strconv.Itoa(r.Year))
		b.WriteString("</th>")
		for k := range r.Cells {
			writeCell(&b, &r.Cells[k])
		}
		b.WriteString("</tr>")
	}
	return template.HTML(b.String())
}

// writeCell draws one cell of a figures table.
func writeCell(b *strings.Builder, c *cellParams) {
	b.WriteString("<td")
	switch {
	case c.E && c.U:
		b.WriteString(` class="est unc"`)
	case c.E:
		b.WriteString(` class="est"`)
	case c.U:
		b.WriteString(` class="unc"`)
	}
	b.WriteByte('>')
	switch {
	case c.Value != "":
		b.WriteString(`<data value="`)
		htmlEscape(b, c.Value)
		b.WriteString(`">`)
		htmlEscape(b, c.Text)
		b.WriteString("</data>")
	case c.Missing != "":
		b.WriteString(`<span class="missing">`)
		htmlEscape(b, c.Missing)
		b.WriteString("</span>")
	}
	if m := c.Marks; m != nil {
		if m.Estimate {
			b.WriteString(`<sup class="mark">e</sup>`)
		}
		if m.Uncertain {
			b.WriteString(`<sup class="mark">u</sup>`)
		}
		if m.Notes != "" {
			b.WriteString(` <span class="notes">`)
			htmlEscape(b, m.Notes)
			b.WriteString("</span>")
		}
		if m.Footnotes != "" {
			b.WriteString(` <sup class="fn">[`)
			htmlEscape(b, m.Footnotes)
			b.WriteString("]</sup>")
		}
	}
	b.WriteString("</td>")
}
