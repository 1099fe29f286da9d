package chart

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/defence-transparency/publish/internal/site/format"
)

// A Line is a line chart of one measure over the years, one line per
// source. Missing years are gaps in the line, never zeros; estimates are
// hollow circles and highly uncertain figures crossed circles, and a legend
// inside the image says so.
type Line struct {
	ID string
	// Unit is the code of the unit of the points' values, e.g. usd_m; the
	// templates name it.
	Unit string
	// Scale picks the unit of the axis for the largest value: it returns
	// the divisor and the unit's code. Nil keeps Unit.
	Scale    func(max float64) (float64, string)
	From, To int // years on the axis; may be wider than the points
	Series   []Series
}

// Series is one source's line.
type Series struct {
	Label  string  // the source, as the legend names it
	Points []Point // in ascending years; years without a figure are absent
}

// Point is one figure, in the chart's unit.
type Point struct {
	Year      int
	Value     float64
	Estimate  bool
	Uncertain bool
}

// LineData is a line chart laid out, for the template that draws it.
type LineData struct {
	Frame
	Unit string `json:"unit"` // the axis's unit, a code
	// Lines are the series, each with its style's index and its legend.
	Lines []LineSeries `json:"lines"`
	// Which marks the legend explains, after the series, in a row that
	// wraps (see the template).
	Estimate  bool `json:"estimate,omitempty"`
	Uncertain bool `json:"uncertain,omitempty"`
	Gap       bool `json:"gap,omitempty"`
	// CrossPath is the path of the legend's crossed circle.
	CrossPath string `json:"crosspath"`
	From      int    `json:"from"`
	To        int    `json:"to"`
}

// LineSeries is one line: its path data and its entry in the legend, and
// what the chart's long description says of it.
type LineSeries struct {
	Style   int      `json:"style"` // index of its colour and dash pattern
	Line    string   `json:"line"`  // path data, one subpath per run of consecutive years
	Dots    string   `json:"dots,omitempty"`
	Marks   string   `json:"marks,omitempty"` // hollow circles of estimates and uncertain figures
	Crosses string   `json:"crosses,omitempty"`
	Y       string   `json:"y"`     // of its legend row
	Label   []string `json:"label"` // its name in the legend, on one or two lines
	Name    string   `json:"name"`  // its whole name, for the description
	// For the description: the number of figures, the first and last
	// year, the last figure and the highest when it is another.
	N             int    `json:"n"`
	First         int    `json:"first"`
	Last          int    `json:"last"`
	LastValue     string `json:"lastvalue"`
	LastEstimate  bool   `json:"lastestimate,omitempty"`
	LastUncertain bool   `json:"lastuncertain,omitempty"`
	HighValue     string `json:"highvalue,omitempty"`
	HighYear      int    `json:"highyear,omitempty"`
}

// styles is how many colour and dash patterns the template has.
const styles = 4

// Layout lays c out, writing figures with num. It returns nil when c has
// no point at all.
func (c *Line) Layout(num format.Numbers) *LineData {
	var hi float64
	var n int
	for _, s := range c.Series {
		for _, p := range s.Points {
			hi = math.Max(hi, p.Value)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	div, unit := 1.0, c.Unit
	if c.Scale != nil {
		div, unit = c.Scale(hi)
	}
	top := hi / div
	if top <= 0 {
		top = 1
	}
	step := niceStep(top / 4)
	top = math.Ceil(top/step-1e-9) * step
	dec := tickDecimals(step)
	var yLabels []string
	for v := 0.0; v <= top+step/2; v += step {
		yLabels = append(yLabels, num.Fixed(v, dec))
	}
	widest := 0
	for _, l := range yLabels {
		widest = max(widest, len(l))
	}
	left := float64(widest)*charW + 10
	rightX := float64(Width - right)
	bottom := float64(plotTop + plotH)

	from, to := c.From, c.To
	if from == to {
		from, to = from-1, to+1
	}
	x := func(year int) float64 { return left + float64(year-from)/float64(to-from)*(rightX-left) }
	y := func(v float64) float64 { return bottom - v/div/top*(bottom-plotTop) }

	d := &LineData{Frame: frame(c.ID, left, bottom), Unit: unit, From: c.From, To: c.To}
	for i, l := range yLabels {
		d.YTicks = append(d.YTicks, Tick{Pos: coord(y(float64(i) * step * div)), Label: l})
	}
	xs := yearStep(to - from)
	for yr := (from + xs - 1) / xs * xs; yr <= to; yr += xs {
		if yr < from {
			continue
		}
		d.XTicks = append(d.XTicks, Tick{Pos: coord(x(yr)), Label: strconv.Itoa(yr)})
	}

	for i, s := range c.Series {
		var line, dots, marks, crosses strings.Builder
		plainDots := len(s.Points) <= 30
		for k, p := range s.Points {
			px, py := x(p.Year), y(p.Value)
			prevAdj := k > 0 && s.Points[k-1].Year == p.Year-1
			nextAdj := k+1 < len(s.Points) && s.Points[k+1].Year == p.Year+1
			if k > 0 && !prevAdj {
				d.Gap = true
			}
			if prevAdj {
				fmt.Fprintf(&line, "L%s %s", coord(px), coord(py))
			} else if nextAdj {
				fmt.Fprintf(&line, "M%s %s", coord(px), coord(py))
			}
			switch {
			case p.Estimate || p.Uncertain:
				circle(&marks, px, py, markR)
				d.Estimate = d.Estimate || p.Estimate
				if p.Uncertain {
					cross(&crosses, px, py, markR)
					d.Uncertain = true
				}
			case plainDots || (!prevAdj && !nextAdj):
				circle(&dots, px, py, dotR)
			}
		}
		d.Lines = append(d.Lines, LineSeries{
			Style: i % styles, Line: line.String(), Dots: dots.String(), Marks: marks.String(), Crosses: crosses.String(),
			Name: s.Label,
		})
	}
	if c.From < firstYear(c.Series) || c.To > lastYear(c.Series) {
		d.Gap = true
	}

	// The legend: a row per source (more if its name is long, never cut); the template
	// adds the marks in a row that wraps, below them.
	ly := d.LegendY
	perLine := int((rightX - left - 32) / charW)
	for i := range d.Lines {
		s := &d.Lines[i]
		s.Y = coord(ly)
		s.Label = wrapText(c.Series[i].Label, perLine, legendMaxLines)
		ly += float64(len(s.Label)) * legendH
		c.describe(s, c.Series[i].Points, div, num)
	}
	d.LegendY = ly
	var b strings.Builder
	cross(&b, 4, 0, markR)
	d.CrossPath = b.String()
	return d
}

// describe puts what the long description says of a series in s: its
// span, its latest and its highest figure.
func (c *Line) describe(s *LineSeries, ps []Point, div float64, num format.Numbers) {
	if len(ps) == 0 {
		return
	}
	first, last := ps[0], ps[len(ps)-1]
	hi := first
	for _, p := range ps {
		if p.Value > hi.Value {
			hi = p
		}
	}
	s.N, s.First, s.Last = len(ps), first.Year, last.Year
	s.LastValue, s.LastEstimate, s.LastUncertain = num.Rounded(last.Value/div), last.Estimate, last.Uncertain
	if hi.Year != last.Year {
		s.HighValue, s.HighYear = num.Rounded(hi.Value/div), hi.Year
	}
}

func firstYear(ss []Series) int {
	y := math.MaxInt
	for _, s := range ss {
		if len(s.Points) > 0 {
			y = min(y, s.Points[0].Year)
		}
	}
	return y
}

func lastYear(ss []Series) int {
	y := math.MinInt
	for _, s := range ss {
		if len(s.Points) > 0 {
			y = max(y, s.Points[len(s.Points)-1].Year)
		}
	}
	return y
}
