// Package chart lays out the site's bar charts (an instrument's reporting
// rate) and holds the geometry that every chart of the site shares: ticks,
// coordinates, marks and legend text. It computes the geometry; the
// templates (site/layouts/_partials/chart-bars.html, and
// internal/site/chart.svg.tmpl for a country's line charts) draw the SVG
// with their colours and words. A chart needs no script and no stylesheet: it scales through its
// viewBox, and its text keeps about its nominal size on a phone.
package chart

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Geometry of the SVG, in viewBox units. The width is close to a phone's,
// so that text keeps about its nominal size there and scales up on wider
// screens. The templates use the same numbers for the legends they lay out.
const (
	Width    = 340
	plotTop  = 28
	plotH    = 160
	right    = 20 // room for half of the last year's label
	charW    = 8  // average advance of a character at the chart's font size, for layout
	legendDY = 44 // from the axis to the first row of the legend
)

// Tick is a mark on an axis: its position and its label.
type Tick struct {
	Pos   string `json:"pos"`
	Label string `json:"label"`
}

// Frame is what every chart has: the plot's edges and the axes' ticks.
type Frame struct {
	ID      string `json:"id"` // unique on the page; prefixes the ids inside the SVG
	W       int    `json:"w"`
	Left    string `json:"left"`
	Right   string `json:"right"`
	Bottom  string `json:"bottom"`
	UnitX   string `json:"unitx"`
	UnitY   string `json:"unity"`
	XTickY2 string `json:"xticky2"`
	XLabelY string `json:"xlabely"`
	YTicks  []Tick `json:"yticks"`
	XTicks  []Tick `json:"xticks"`
	// LegendX and LegendY are where the templates start the rows of the
	// legend they lay out; LegendRight is where a row wraps.
	LegendX     float64 `json:"legendx"`
	LegendY     float64 `json:"legendy"`
	LegendRight float64 `json:"legendright"`
}

func frame(id string, left, bottom float64) Frame {
	return Frame{
		ID: id, W: Width, Left: Coord(left), Right: Coord(Width - right), Bottom: Coord(bottom),
		UnitX: Coord(left), UnitY: Coord(plotTop - 13), XTickY2: Coord(bottom + 5), XLabelY: Coord(bottom + 21),
		LegendX: left, LegendY: bottom + legendDY, LegendRight: Width - right,
	}
}

// Coord formats a coordinate with one decimal, which is finer than a pixel
// at any size the chart is shown.
func Coord(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// Circle appends the path of a circle of radius r at (x, y).
func Circle(b *strings.Builder, x, y, r float64) {
	fmt.Fprintf(b, "M%s %sa%s %s 0 1 0 %s 0a%s %s 0 1 0 -%s 0",
		Coord(x-r), Coord(y), Coord(r), Coord(r), Coord(2*r), Coord(r), Coord(r), Coord(2*r))
}

// Cross appends the path of a diagonal cross inscribed in a circle of
// radius r at (x, y).
func Cross(b *strings.Builder, x, y, r float64) {
	h := r * 0.7071
	fmt.Fprintf(b, "M%s %sL%s %sM%s %sL%s %s",
		Coord(x-h), Coord(y-h), Coord(x+h), Coord(y+h), Coord(x-h), Coord(y+h), Coord(x+h), Coord(y-h))
}

// NiceStep returns the smallest of 1, 2, 2.5 and 5 times a power of ten
// that is at least x (x > 0).
func NiceStep(x float64) float64 {
	if x <= 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= x*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// TickDecimals returns how many decimals the labels of an axis with step
// need.
func TickDecimals(step float64) int {
	dec := 0
	for dec < 9 && math.Abs(step*math.Pow(10, float64(dec))-math.Round(step*math.Pow(10, float64(dec)))) > 1e-6 {
		dec++
	}
	return dec
}

// YearStep returns the distance between year ticks for a span of years:
// at most six ticks, on round years.
func YearStep(span int) int {
	for _, s := range []int{1, 2, 5, 10, 20, 25, 50} {
		if span/s <= 5 {
			return s
		}
	}
	return 100
}

// WrapText breaks s at spaces into at most max lines of at most n runes;
// text that does not fit ends with an ellipsis.
func WrapText(s string, n, max int) []string {
	var lines []string
	words := strings.Fields(s)
	for len(words) > 0 && len(lines) < max {
		line := words[0]
		words = words[1:]
		for len(words) > 0 && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(words[0]) <= n {
			line += " " + words[0]
			words = words[1:]
		}
		lines = append(lines, Truncate(line, n))
	}
	if len(words) > 0 {
		last := lines[len(lines)-1]
		lines[len(lines)-1] = Truncate(last+" "+strings.Join(words, " "), n)
	}
	return lines
}

// Truncate shortens s to n runes, ending with an ellipsis when cut.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
