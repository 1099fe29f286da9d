package site

import (
	_ "embed"
	"html/template"
	"strings"
)

// The rows of a country's figures tables are drawn here, not by the Hugo
// template: a large country's page holds thousands of cells, and as front
// matter each cell was an object Hugo kept in memory, about 450 bytes a
// cell, for the whole build (issue 8: 940 MB for 2M figures), and looked up
// key by key. Drawn here, a table's rows are one string, about the bytes
// of the HTML they are. The markup is an embedded template, as the charts'
// is, and html/template escapes every text a cell holds; the numbers and
// words come formatted from the generator. layouts/countries/page.html
// inserts the rows where they go.
//
//go:embed figures.html.tmpl
var figuresMarkup string

var figuresTemplate = template.Must(template.New("figures").Parse(strings.TrimSuffix(figuresMarkup, "\n")))

// figuresBody draws the rows of a figures table: the year, then a cell per
// column with the exact value in a data element, the rounded one shown,
// the words for a missing figure and the source's marks.
func figuresBody(rows []figureRow) (template.HTML, error) {
	var b strings.Builder
	if err := figuresTemplate.Execute(&b, rows); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}
