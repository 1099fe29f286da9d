package site

import (
	_ "embed"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/defence-transparency/publish/internal/site/chart"
)

// A chart is a line chart of one measure over the years, one line per
// source, drawn as an inline SVG that needs no script and no stylesheet:
// it scales to the width of the page through its viewBox. Missing years
// are gaps in the line, never zeros; estimates are hollow circles and
// highly uncertain figures crossed circles, and a legend inside the image
// says so.
type lineChart struct {
	ID    string // unique on the page; prefixes the ids inside the SVG
	Title string // accessible name: what, where, when
	Unit  string // unit of the points' values, e.g. "US$ m", "% of GDP"
	// Scale picks the unit of the axis for the largest value: it returns
	// the divisor and the unit's label. Nil keeps Unit.
	Scale    func(max float64) (float64, string)
	From, To int // years on the axis; may be wider than the points
	Series   []chartSeries
}

// axis returns the divisor and the unit of the axis for the largest
// value hi.
func (c *lineChart) axis(hi float64) (float64, string) {
	if c.Scale != nil {
		return c.Scale(hi)
	}
	return 1, c.Unit
}

// AxisUnit returns the unit the axis will be labelled in, so that the
// chart's title can name the same unit.
func (c *lineChart) AxisUnit() string {
	hi := 0.0
	for _, s := range c.Series {
		for _, p := range s.Points {
			hi = math.Max(hi, p.Value)
		}
	}
	_, unit := c.axis(hi)
	return unit
}

// chartSeries is one source's line.
type chartSeries struct {
	Label  string       // the source, as the legend names it
	Points []chartPoint // in ascending years; years without a figure are absent
}

// chartPoint is one figure, in the chart's unit.
type chartPoint struct {
	Year      int
	Value     float64
	Estimate  bool
	Uncertain bool
}

// Geometry of the SVG, in viewBox units. The width is close to a phone's,
// so that text keeps about its nominal size there and scales up on wider
// screens.
const (
	chartWidth   = 340
	chartPlotTop = 28
	chartPlotH   = 160
	chartRight   = 20 // room for half of the last year's label
	chartFont    = 14
	chartCharW   = 8 // average advance of a character at chartFont, for layout
	chartLegendH = 21
	// legendMaxLines is the most lines a series' name takes in a legend:
	// enough for any source's title, so that no name is cut.
	legendMaxLines = 5
	chartDotR      = 2.6
	chartMarkR     = 3.8
)

// seriesStyle gives each line a colour and a dash pattern, so lines differ
// in more than colour. The colours have a contrast of at least 4.5:1 on
// white.
var seriesStyles = []struct{ Colour, Dash string }{
	{"#1f4e9c", "none"},
	{"#a1490b", "7 4"},
	{"#2e6b30", "2 3"},
	{"#6a1b9a", "9 3 2 3"},
}

type svgTick struct {
	Pos   string
	Label string
}

type svgSeries struct {
	Colour, Dash string
	Line         string // path data of the line, one subpath per run of consecutive years
	Dots         string // path data of plain figures' dots
	Marks        string // path data of the hollow circles (estimates and uncertain figures)
	Crosses      string // path data of the crosses of uncertain figures
}

type svgLegendItem struct {
	X, Y      string
	Kind      string // "series", "estimate", "uncertain", "gap"
	Lines     []svgLine
	Colour    string
	Dash      string
	LineX2    string
	MarkX     string
	CrossPath string
}

// svgLine is one line of a legend's text, placed relative to its item.
type svgLine struct {
	X, Y string
	Text string
}

type svgData struct {
	ID, Title, Desc, Unit string
	Font                  int    // the font size, in viewBox units
	MarkR                 string // the radius of a mark in the legend
	W, H                  int
	Left, Right           string
	Top, Bottom           string
	UnitX, UnitY          string
	YTicks, XTicks        []svgTick
	XLabelY, XTickY2      string
	Series                []svgSeries
	Legend                []svgLegendItem
}

// html/template escapes every value it inserts, including the labels that
// come from the sources' configuration; the numbers are formatted here.
// chartMarkup is the SVG of a country chart, filled from svgData, an
// element a line.
//
//go:embed chart.svg.tmpl
var chartMarkup string

var chartTemplate = template.Must(template.New("chart").Parse(strings.ReplaceAll(chartMarkup, "\n", "")))

// svg draws c. It returns "" when c has no point at all.
func (c *lineChart) svg(w *words) (template.HTML, error) {
	var hi float64
	var n int
	for _, s := range c.Series {
		for _, p := range s.Points {
			hi = math.Max(hi, p.Value)
			n++
		}
	}
	if n == 0 {
		return "", nil
	}
	div, unit := c.axis(hi)
	top := hi / div
	if top <= 0 {
		top = 1
	}
	step := chart.NiceStep(top / 4)
	top = math.Ceil(top/step-1e-9) * step
	var yLabels []string
	for v := 0.0; v <= top+step/2; v += step {
		yLabels = append(yLabels, tickLabel(v, step))
	}
	widest := 0
	for _, l := range yLabels {
		widest = max(widest, len(l))
	}
	left := float64(widest)*chartCharW + 10
	right := float64(chartWidth - chartRight)
	plotTop, bottom := float64(chartPlotTop), float64(chartPlotTop+chartPlotH)

	from, to := c.From, c.To
	if from == to {
		from, to = from-1, to+1
	}
	x := func(year int) float64 { return left + float64(year-from)/float64(to-from)*(right-left) }
	y := func(v float64) float64 { return bottom - v/div/top*(bottom-plotTop) }

	d := svgData{
		ID: c.ID, Title: c.Title, Unit: unit, W: chartWidth, Font: chartFont, MarkR: chart.Coord(chartMarkR),
		Left: chart.Coord(left), Right: chart.Coord(right), Top: chart.Coord(plotTop), Bottom: chart.Coord(bottom),
		UnitX: chart.Coord(left), UnitY: chart.Coord(plotTop - 13),
		XTickY2: chart.Coord(bottom + 5), XLabelY: chart.Coord(bottom + 21),
	}
	for i, l := range yLabels {
		d.YTicks = append(d.YTicks, svgTick{Pos: chart.Coord(y(float64(i) * step * div)), Label: l})
	}
	xs := chart.YearStep(to - from)
	for yr := (from + xs - 1) / xs * xs; yr <= to; yr += xs {
		if yr < from {
			continue
		}
		d.XTicks = append(d.XTicks, svgTick{Pos: chart.Coord(x(yr)), Label: strconv.Itoa(yr)})
	}

	var anyEstimate, anyUncertain, anyGap bool
	for i, s := range c.Series {
		st := seriesStyles[i%len(seriesStyles)]
		var line, dots, marks, crosses strings.Builder
		plainDots := len(s.Points) <= 30
		for k, p := range s.Points {
			px, py := x(p.Year), y(p.Value)
			prevAdj := k > 0 && s.Points[k-1].Year == p.Year-1
			nextAdj := k+1 < len(s.Points) && s.Points[k+1].Year == p.Year+1
			if k > 0 && !prevAdj {
				anyGap = true
			}
			if prevAdj {
				fmt.Fprintf(&line, "L%s %s", chart.Coord(px), chart.Coord(py))
			} else if nextAdj {
				fmt.Fprintf(&line, "M%s %s", chart.Coord(px), chart.Coord(py))
			}
			switch {
			case p.Estimate || p.Uncertain:
				chart.Circle(&marks, px, py, chartMarkR)
				anyEstimate = anyEstimate || p.Estimate
				if p.Uncertain {
					chart.Cross(&crosses, px, py, chartMarkR)
					anyUncertain = true
				}
			case plainDots || (!prevAdj && !nextAdj):
				chart.Circle(&dots, px, py, chartDotR)
			}
		}
		d.Series = append(d.Series, svgSeries{
			Colour: st.Colour, Dash: st.Dash,
			Line: line.String(), Dots: dots.String(), Marks: marks.String(), Crosses: crosses.String(),
		})
	}
	if c.From < firstYear(c.Series) || c.To > lastYear(c.Series) {
		anyGap = true
	}

	// The legend: a row per source (more if its name is long, never cut), then the
	// marks in a row that wraps.
	ly := bottom + 44
	perLine := int((right - left - 32) / chartCharW)
	for i, s := range c.Series {
		st := seriesStyles[i%len(seriesStyles)]
		it := svgLegendItem{
			Kind: "series", X: chart.Coord(left), Y: chart.Coord(ly),
			Colour: st.Colour, Dash: st.Dash, LineX2: "24",
		}
		for k, l := range chart.WrapText(s.Label, perLine, legendMaxLines) {
			it.Lines = append(it.Lines, svgLine{X: "32", Y: strconv.Itoa(k * chartLegendH), Text: l})
		}
		d.Legend = append(d.Legend, it)
		ly += float64(len(it.Lines)) * chartLegendH
	}
	lx := left
	place := func(kind, label string) {
		w := 18 + float64(utf8.RuneCountInString(label))*chartCharW
		if lx > left && lx+w > right {
			lx, ly = left, ly+chartLegendH
		}
		it := svgLegendItem{Kind: kind, X: chart.Coord(lx), Y: chart.Coord(ly), MarkX: "4",
			Lines: []svgLine{{X: "12", Y: "0", Text: label}}}
		if kind == "uncertain" {
			var b strings.Builder
			chart.Cross(&b, 4, 0, chartMarkR)
			it.CrossPath = b.String()
		}
		if kind == "gap" {
			it.Lines[0].X = "30"
			w += 18
		}
		d.Legend = append(d.Legend, it)
		lx += w + 16
	}
	if anyEstimate {
		place("estimate", w.say("chart_legend_estimate", nil))
	}
	if anyUncertain {
		place("uncertain", w.say("chart_legend_uncertain", nil))
	}
	if anyGap {
		place("gap", w.say("chart_legend_gap", nil))
	}
	if lx > left {
		ly += chartLegendH
	}
	d.H = int(math.Ceil(ly - chartLegendH/2 + 4))
	d.Desc = c.describe(w, div, unit, anyEstimate, anyUncertain, anyGap)

	var b strings.Builder
	if err := chartTemplate.Execute(&b, d); err != nil {
		return "", fmt.Errorf("site: draw chart %s: %w", c.ID, err)
	}
	return template.HTML(b.String()), nil
}

// describe returns the long description of the chart for people who cannot
// see it: the span and the latest and highest figure of each line.
func (c *lineChart) describe(w *words, div float64, unit string, est, unc, gap bool) string {
	parts := []string{w.say("chart_desc", map[string]any{"Title": c.Title})}
	for _, s := range c.Series {
		if len(s.Points) == 0 {
			continue
		}
		first, last := s.Points[0], s.Points[len(s.Points)-1]
		hi := first
		for _, p := range s.Points {
			if p.Value > hi.Value {
				hi = p
			}
		}
		d := w.n(len(s.Points), "Label", s.Label, "First", first.Year, "Last", last.Year, "Value", number(last.Value/div),
			"Unit", unit, "Estimate", last.Estimate, "Uncertain", last.Uncertain)
		if hi.Year != last.Year {
			d["High"], d["HighYear"] = number(hi.Value/div), hi.Year
		}
		parts = append(parts, w.say("chart_desc_series", d))
	}
	for _, k := range []struct {
		on  bool
		key string
	}{{est, "chart_desc_estimates"}, {unc, "chart_desc_uncertain"}, {gap, "chart_desc_gaps"}, {true, "chart_desc_tables"}} {
		if k.on {
			parts = append(parts, w.say(k.key, nil))
		}
	}
	return strings.Join(parts, " ")
}

func firstYear(ss []chartSeries) int {
	y := math.MaxInt
	for _, s := range ss {
		if len(s.Points) > 0 {
			y = min(y, s.Points[0].Year)
		}
	}
	return y
}

func lastYear(ss []chartSeries) int {
	y := math.MinInt
	for _, s := range ss {
		if len(s.Points) > 0 {
			y = max(y, s.Points[len(s.Points)-1].Year)
		}
	}
	return y
}

// tickLabel formats an axis value with as many decimals as the step needs.
func tickLabel(v, step float64) string {
	return groupDigits(strconv.FormatFloat(v, 'f', chart.TickDecimals(step), 64))
}
