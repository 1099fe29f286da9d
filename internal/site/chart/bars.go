package chart

import (
	"math"
	"strconv"
)

// Bars is a bar chart of an instrument's reporting rate: for each year,
// the share of the states the source lists that submitted a report. The
// part of a bar that nil reports make up is hatched, so that they read as
// reports, and apart from the others, without relying on colour.
type Bars struct {
	ID   string
	Bars []Bar // a row per year, in order, from the first to the last
}

// Bar is one year's counts.
type Bar struct {
	Year, States, Reported, Nil int
}

// BarsData is a bar chart laid out, for the template that draws it.
type BarsData struct {
	Frame
	Bars []BarGeom `json:"bars"`
	Nil  bool      `json:"nil,omitempty"` // some bar has nil reports
	Gap  bool      `json:"gap,omitempty"` // some year lists no state
	From int       `json:"from"`
	To   int       `json:"to"`
	// Latest, Highest and Lowest are the years the long description
	// names: the latest with a state listed and, where they are other
	// years, the highest and lowest rates (0 when the same).
	Latest  BarGeom  `json:"latest"`
	Highest *BarGeom `json:"highest,omitempty"`
	Lowest  *BarGeom `json:"lowest,omitempty"`
}

// BarGeom is one bar: its counts and its rectangles, the reports that are
// not nil reports (Y, H) and the nil reports stacked on top (NilY, NilH).
type BarGeom struct {
	Year     int    `json:"year"`
	States   int    `json:"states"`
	Reported int    `json:"reported"`
	Nil      int    `json:"nils"`
	Rate     int    `json:"rate"` // whole percent
	X        string `json:"x"`
	W        string `json:"w"`
	Y        string `json:"y,omitempty"`
	H        string `json:"h,omitempty"`
	NilY     string `json:"nily,omitempty"`
	NilH     string `json:"nilh,omitempty"`
}

// Percent returns part of whole as a whole percentage (whole > 0).
func Percent(part, whole int) int { return int(math.Round(100 * float64(part) / float64(whole))) }

// Layout lays c out. It returns nil when no year has a state listed.
func (c *Bars) Layout() *BarsData {
	var listed []Bar
	for _, b := range c.Bars {
		if b.States > 0 {
			listed = append(listed, b)
		}
	}
	if len(listed) == 0 {
		return nil
	}
	from, to := c.Bars[0].Year, c.Bars[len(c.Bars)-1].Year
	left := 4.5*charW + 12 // room for "100%"
	rightX := float64(Width - right)
	bottom := float64(plotTop + plotH)
	n := to - from + 1
	band := (rightX - left) / float64(n)
	barW := math.Max(band*0.72, 1)
	x := func(year int) float64 { return left + (float64(year-from)+0.5)*band }
	y := func(share float64) float64 { return bottom - share*(bottom-plotTop) }

	d := &BarsData{Frame: frame(c.ID, left, bottom), From: from, To: to}
	for v := 0; v <= 100; v += 25 {
		d.YTicks = append(d.YTicks, Tick{Pos: Coord(y(float64(v) / 100))}) // the template labels them v%
	}
	xs := YearStep(to - from)
	for yr := (from + xs - 1) / xs * xs; yr <= to; yr += xs {
		d.XTicks = append(d.XTicks, Tick{Pos: Coord(x(yr)), Label: strconv.Itoa(yr)})
	}
	geom := func(b Bar) BarGeom {
		g := BarGeom{Year: b.Year, States: b.States, Reported: b.Reported, Nil: b.Nil, Rate: Percent(b.Reported, b.States),
			X: Coord(x(b.Year) - barW/2), W: Coord(barW)}
		others := float64(b.Reported-b.Nil) / float64(b.States)
		all := float64(b.Reported) / float64(b.States)
		if b.Reported > b.Nil {
			g.Y, g.H = Coord(y(others)), Coord(y(0)-y(others))
		}
		if b.Nil > 0 {
			g.NilY, g.NilH = Coord(y(all)), Coord(y(others)-y(all))
		}
		return g
	}
	for _, b := range c.Bars {
		if b.States == 0 {
			d.Gap = true
			continue
		}
		d.Bars = append(d.Bars, geom(b))
		d.Nil = d.Nil || b.Nil > 0
	}
	last := listed[len(listed)-1]
	hi, lo := listed[0], listed[0]
	share := func(r Bar) float64 { return float64(r.Reported) / float64(r.States) }
	for _, r := range listed {
		if share(r) > share(hi) {
			hi = r
		}
		if share(r) < share(lo) {
			lo = r
		}
	}
	d.Latest = geom(last)
	if hi.Year != last.Year {
		g := geom(hi)
		d.Highest = &g
	}
	if lo.Year != last.Year && lo.Year != hi.Year {
		g := geom(lo)
		d.Lowest = &g
	}
	return d
}
