package unmilex

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// matrix is what the expenditure matrix of a return holds: force groups in
// the columns (Strategic forces ... Undistributed, Total Expenditure) and
// resource costs in the rows (1. Personnel, 1.1 Conscripts ... 5. Total
// (1+2+3+4)).
type matrix struct {
	figures  int  // cells that hold a figure
	subLines bool // a figure on a sub-line (1.1, 3.1.10): the standardized form
	// total is the Total Expenditure column's line 5, Total (1+2+3+4).
	total    float64
	hasTotal bool
	warnings []string
}

var (
	// subLine is the number of a sub-line of the standardized form.
	subLine = regexp.MustCompile(`^\d+\.\d+`)
	// totalLine is line 5, the sum of the four resource costs.
	totalLine = regexp.MustCompile(`(?i)^5\.|total\s*\(1\s*\+\s*2\s*\+\s*3\s*\+\s*4\)`)
	// forceGroups tells the header row: it names force groups.
	forceGroups = regexp.MustCompile(`(?i)strategic forces|land forces|naval forces|air forces|total expenditure`)
)

// blank is what an empty cell may show.
var blank = map[string]bool{"": true, "-": true, "\u2013": true, "\u2014": true}

// readMatrix reads the first table whose header row, the first or second
// row (a "Force groups" row may come first), names force groups.
func readMatrix(root *goquery.Selection) matrix {
	var m matrix
	root.Find("table").EachWithBreak(func(_ int, table *goquery.Selection) bool {
		rows := table.Find("tr")
		header := -1
		for i := 0; i < 2 && i < rows.Length(); i++ {
			if forceGroups.MatchString(inline(rows.Eq(i).Text())) {
				header = i
				break
			}
		}
		if header < 0 {
			return true
		}
		var columns []string
		rows.Eq(header).Children().Filter("th, td").Each(func(_ int, c *goquery.Selection) {
			columns = append(columns, inline(c.Text()))
		})
		var bad []string
		rows.Slice(header+1, rows.Length()).Each(func(_ int, row *goquery.Selection) {
			cells := row.Children().Filter("th, td")
			if cells.Length() < 2 {
				return
			}
			label := inline(cells.First().Text())
			if label == "" || strings.EqualFold(label, "cost category") || strings.EqualFold(label, "force groups") {
				return
			}
			cells.Slice(1, cells.Length()).Each(func(j int, c *goquery.Selection) {
				text := inline(c.Text())
				if blank[text] {
					return
				}
				v, ok, err := ParseNumber(text)
				if err != nil {
					bad = append(bad, fmt.Sprintf("%q in line %q", text, label))
					return
				}
				if !ok {
					return
				}
				m.figures++
				if subLine.MatchString(label) {
					m.subLines = true
				}
				col := ""
				if j+1 < len(columns) {
					col = columns[j+1]
				}
				if totalLine.MatchString(label) && strings.Contains(strings.ToLower(col), "total") {
					m.total, m.hasTotal = v, true
				}
			})
		})
		if len(bad) > 0 {
			m.warnings = append(m.warnings, fmt.Sprintf("%d matrix cells are not figures and are left out, the first %s", len(bad), bad[0]))
		}
		return false
	})
	return m
}
