package site

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// A rateChart is a bar chart of an instrument's reporting rate: for each
// year, the share of the states the source lists that submitted a report.
// Like the line charts it is an inline SVG that needs no script and scales
// through its viewBox. The part of a bar that nil reports make up is
// hatched, so that they read as reports, and apart from the others, without
// relying on colour. Every bar carries its counts in data attributes and a
// title; the table beside the chart gives the same counts.
type rateChart struct {
	ID         string // unique on the page; prefixes the ids inside the SVG
	Instrument string // its name, for the title
	Bars       []rateRow
}

type svgBar struct {
	Year, States, Reported, Nil int
	Title                       string
	X, W                        string
	Y, H                        string // the reports that are not nil reports
	NilY, NilH                  string // the nil reports, stacked on top
}

type rateSVG struct {
	ID, Title, Desc  string
	W, H             int
	Left, Right      string
	Bottom           string
	UnitX, UnitY     string
	YTicks, XTicks   []svgTick
	XLabelY, XTickY2 string
	Bars             []svgBar
	Legend           []svgLegendItem
	Colour, NilCol   string
}

// rateColour fills the bars; rateNilColour draws the hatching of nil
// reports. Both contrast at least 3:1 with white, as graphics must.
const (
	rateColour    = "#1f4e9c"
	rateNilColour = "#2e6b30"
)

var rateTemplate = template.Must(template.New("rate").Parse(
	`<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-label="{{.Title}}" aria-describedby="{{.ID}}-desc" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="` + strconv.Itoa(chartFont) + `">` +
		`<title>{{.Title}}</title>` +
		`<desc id="{{.ID}}-desc">{{.Desc}}</desc>` +
		`<defs><pattern id="{{.ID}}-nil" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
		`<rect width="5" height="5" fill="#fff"/><line x1="1.25" y1="0" x2="1.25" y2="5" stroke="{{.NilCol}}" stroke-width="2.5"/></pattern></defs>` +
		`<text x="{{.UnitX}}" y="{{.UnitY}}" fill="#333">% of states listed</text>` +
		`<g stroke="#d6d6d6" stroke-width="1">{{range .YTicks}}<line x1="{{$.Left}}" x2="{{$.Right}}" y1="{{.Pos}}" y2="{{.Pos}}"/>{{end}}</g>` +
		`<g fill="#333" text-anchor="end">{{range .YTicks}}<text x="{{$.UnitX}}" y="{{.Pos}}" dx="-6" dy="0.32em">{{.Label}}</text>{{end}}</g>` +
		`<g class="bars">{{range .Bars}}<g data-year="{{.Year}}" data-states="{{.States}}" data-reported="{{.Reported}}" data-nil="{{.Nil}}"><title>{{.Title}}</title>` +
		`{{if .H}}<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" fill="{{$.Colour}}"/>{{end}}` +
		`{{if .NilH}}<rect x="{{.X}}" y="{{.NilY}}" width="{{.W}}" height="{{.NilH}}" fill="url(#{{$.ID}}-nil)" stroke="{{$.NilCol}}" stroke-width="1"/>{{end}}` +
		`</g>{{end}}</g>` +
		`<g stroke="#595959" stroke-width="1"><line x1="{{.Left}}" x2="{{.Right}}" y1="{{.Bottom}}" y2="{{.Bottom}}"/>{{range .XTicks}}<line x1="{{.Pos}}" x2="{{.Pos}}" y1="{{$.Bottom}}" y2="{{$.XTickY2}}"/>{{end}}</g>` +
		`<g fill="#333" text-anchor="middle">{{range .XTicks}}<text x="{{.Pos}}" y="{{$.XLabelY}}">{{.Label}}</text>{{end}}</g>` +
		`<g fill="#1a1a1a">{{range .Legend}}<g transform="translate({{.X}} {{.Y}})">` +
		`{{if eq .Kind "report"}}<rect x="0" y="-6" width="16" height="12" fill="{{$.Colour}}"/>{{end}}` +
		`{{if eq .Kind "nil"}}<rect x="0.5" y="-5.5" width="15" height="11" fill="url(#{{$.ID}}-nil)" stroke="{{$.NilCol}}" stroke-width="1"/>{{end}}` +
		`{{if eq .Kind "gap"}}<path d="M0 0h16" stroke="#595959" stroke-width="1" stroke-dasharray="2 2"/>{{end}}` +
		`{{range .Lines}}<text x="{{.X}}" y="{{.Y}}" dy="0.32em">{{.Text}}</text>{{end}}</g>{{end}}</g>` +
		`</svg>`))

// svg draws c. It returns "" when c has no year with a state listed.
func (c *rateChart) svg() (template.HTML, error) {
	var listed []rateRow
	for _, b := range c.Bars {
		if b.States > 0 {
			listed = append(listed, b)
		}
	}
	if len(listed) == 0 {
		return "", nil
	}
	from, to := c.Bars[0].Year, c.Bars[len(c.Bars)-1].Year
	left := 4.5*chartCharW + 12 // room for "100%"
	right := float64(chartWidth - chartRight)
	plotTop, bottom := float64(chartPlotTop), float64(chartPlotTop+chartPlotH)
	n := to - from + 1
	band := (right - left) / float64(n)
	barW := math.Max(band*0.72, 1)
	x := func(year int) float64 { return left + (float64(year-from)+0.5)*band }
	y := func(share float64) float64 { return bottom - share*(bottom-plotTop) }

	d := rateSVG{
		ID: c.ID, Title: fmt.Sprintf("Share of states that reported to the %s, %s", c.Instrument, yearSpan(from, to)),
		W: chartWidth, Left: coord(left), Right: coord(right), Bottom: coord(bottom),
		UnitX: coord(left), UnitY: coord(plotTop - 13), XTickY2: coord(bottom + 5), XLabelY: coord(bottom + 21),
		Colour: rateColour, NilCol: rateNilColour,
	}
	for v := 0; v <= 100; v += 25 {
		d.YTicks = append(d.YTicks, svgTick{Pos: coord(y(float64(v) / 100)), Label: strconv.Itoa(v) + "%"})
	}
	xs := yearStep(to - from)
	for yr := (from + xs - 1) / xs * xs; yr <= to; yr += xs {
		d.XTicks = append(d.XTicks, svgTick{Pos: coord(x(yr)), Label: strconv.Itoa(yr)})
	}
	anyNil, anyGap := false, false
	for _, b := range c.Bars {
		if b.States == 0 {
			anyGap = true
			continue
		}
		bar := svgBar{Year: b.Year, States: b.States, Reported: b.Reported, Nil: b.Nil,
			Title: rateSentence(b), X: coord(x(b.Year) - barW/2), W: coord(barW)}
		others := float64(b.Reported-b.Nil) / float64(b.States)
		all := float64(b.Reported) / float64(b.States)
		if b.Reported > b.Nil {
			bar.Y, bar.H = coord(y(others)), coord(y(0)-y(others))
		}
		if b.Nil > 0 {
			bar.NilY, bar.NilH = coord(y(all)), coord(y(others)-y(all))
			anyNil = true
		}
		d.Bars = append(d.Bars, bar)
	}

	ly := bottom + 44
	lx := left
	place := func(kind, label string) {
		w := 24 + float64(len(label))*chartCharW
		if lx > left && lx+w > right {
			lx, ly = left, ly+chartLegendH
		}
		d.Legend = append(d.Legend, svgLegendItem{Kind: kind, X: coord(lx), Y: coord(ly),
			Lines: []svgLine{{X: "22", Y: "0", Text: label}}})
		lx += w + 16
	}
	place("report", "report")
	if anyNil {
		place("nil", "nil report")
	}
	if anyGap {
		place("gap", "no bar: no state listed")
	}
	ly += chartLegendH
	d.H = int(math.Ceil(ly - chartLegendH/2 + 4))
	d.Desc = c.describe(listed, anyNil, anyGap)

	var b strings.Builder
	if err := rateTemplate.Execute(&b, d); err != nil {
		return "", fmt.Errorf("site: draw chart %s: %w", c.ID, err)
	}
	return template.HTML(b.String()), nil
}

// rateSentence says one year's counts in words.
func rateSentence(r rateRow) string {
	s := fmt.Sprintf("%d: %d of %s reported (%s)", r.Year, r.Reported, plural(r.States, "state", "states"), percentText(r.Reported, r.States))
	switch r.Nil {
	case 0:
	case 1:
		s += ", 1 of them a nil report"
	default:
		s += fmt.Sprintf(", %d of them nil reports", r.Nil)
	}
	return s
}

// describe returns the long description of the chart: its span, the latest
// year and the highest and lowest rates.
func (c *rateChart) describe(listed []rateRow, anyNil, anyGap bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Bar chart, %s.", rateTitle(c))
	last := listed[len(listed)-1]
	hi, lo := listed[0], listed[0]
	share := func(r rateRow) float64 { return float64(r.Reported) / float64(r.States) }
	for _, r := range listed {
		if share(r) > share(hi) {
			hi = r
		}
		if share(r) < share(lo) {
			lo = r
		}
	}
	fmt.Fprintf(&b, " Latest, %s.", rateSentence(last))
	if hi.Year != last.Year {
		fmt.Fprintf(&b, " Highest, %s.", rateSentence(hi))
	}
	if lo.Year != last.Year && lo.Year != hi.Year {
		fmt.Fprintf(&b, " Lowest, %s.", rateSentence(lo))
	}
	if anyNil {
		b.WriteString(" The hatched top of a bar is the nil reports, which count as reports.")
	}
	if anyGap {
		b.WriteString(" A year without a bar has no state listed.")
	}
	b.WriteString(" Every year's counts are in the table below.")
	return b.String()
}

func rateTitle(c *rateChart) string {
	return fmt.Sprintf("share of the states listed that reported to the %s each year, %s",
		c.Instrument, yearSpan(c.Bars[0].Year, c.Bars[len(c.Bars)-1].Year))
}
