package site

import (
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// svgElement is the part of a chart the tests read back.
type svgElement struct {
	XMLName  xml.Name
	Attrs    []xml.Attr   `xml:",any,attr"`
	Text     string       `xml:",chardata"`
	Children []svgElement `xml:",any"`
}

func (e *svgElement) attr(name string) string {
	for _, a := range e.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// walk calls f on e and every element below it.
func (e *svgElement) walk(f func(*svgElement)) {
	f(e)
	for i := range e.Children {
		e.Children[i].walk(f)
	}
}

// parseSVG decodes a chart as XML: it must be well-formed.
func parseSVG(t *testing.T, svg string) *svgElement {
	t.Helper()
	var root svgElement
	if err := xml.Unmarshal([]byte(svg), &root); err != nil {
		t.Fatalf("chart is not well-formed XML: %v\n%s", err, svg)
	}
	// And nothing follows the root.
	d := xml.NewDecoder(strings.NewReader(svg))
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 && root.XMLName.Local != "svg" {
				t.Fatalf("root element is %s", root.XMLName.Local)
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return &root
}

// countCommands counts the commands cmd in path data.
func countCommands(d string, cmd byte) int { return strings.Count(d, string(cmd)) }

func TestChartSVG(t *testing.T) {
	c := lineChart{
		ID: "chart-usd", Title: `Spending of <Ruritania> & "friends"`, Unit: "US$ m", Scale: usdScale,
		From: 1999, To: 2006,
		Series: []chartSeries{
			{Label: "SIPRI", Points: []chartPoint{
				{Year: 2000, Value: 100}, {Year: 2001, Value: 120, Estimate: true},
				// 2002 is missing: a gap, not a zero.
				{Year: 2003, Value: 130}, {Year: 2004, Value: 140, Uncertain: true},
				{Year: 2006, Value: 90}, // isolated
			}},
			{Label: "World <Bank>", Points: []chartPoint{{Year: 2000, Value: 105}, {Year: 2001, Value: 118}}},
		},
	}
	out, err := c.svg(englishWords(t))
	if err != nil {
		t.Fatal(err)
	}
	svg := parseSVG(t, string(out))
	if got := svg.attr("role"); got != "img" {
		t.Errorf("role = %q, want img", got)
	}
	if got := svg.attr("aria-label"); got != c.Title {
		t.Errorf("aria-label = %q, want %q", got, c.Title)
	}
	if svg.attr("width") != "" || svg.attr("height") != "" || !strings.HasPrefix(svg.attr("viewBox"), "0 0 340 ") {
		t.Errorf("size: width %q height %q viewBox %q; want only a viewBox", svg.attr("width"), svg.attr("height"), svg.attr("viewBox"))
	}
	if !strings.Contains(string(out), "&lt;Ruritania&gt; &amp; &#34;friends&#34;") {
		t.Errorf("title not escaped:\n%s", out)
	}

	var title, desc string
	var texts []string
	var lines, dots, marks, crosses []string
	svg.walk(func(e *svgElement) {
		switch e.XMLName.Local {
		case "title":
			title = e.Text
		case "desc":
			desc = e.Text
		case "text":
			texts = append(texts, e.Text)
		case "path":
			switch {
			case e.attr("fill") == "none" && e.attr("stroke-width") == "2":
				lines = append(lines, e.attr("d"))
			case e.attr("fill") == "#fff":
				marks = append(marks, e.attr("d"))
			case e.attr("fill") == "none":
				crosses = append(crosses, e.attr("d"))
			case e.attr("stroke") == "none":
				dots = append(dots, e.attr("d"))
			}
		}
	})
	if title != c.Title {
		t.Errorf("title = %q, want %q", title, c.Title)
	}
	for _, want := range []string{"SIPRI: 5 figures from 2000 to 2006", "2006: 90.0 US$ m", "highest 140 US$ m in 2004",
		"World <Bank>: 2 figures", "Hollow circles mark estimates", "Crossed circles", "Gaps in a line"} {
		if !strings.Contains(desc, want) {
			t.Errorf("desc %q lacks %q", desc, want)
		}
	}
	for _, want := range []string{"US$ m", "0", "150", "2000", "2002", "2006", "SIPRI", "World <Bank>", "estimate", "highly uncertain", "gap: no figure"} {
		if !slices.Contains(texts, want) {
			t.Errorf("chart text %q lacks %q", texts, want)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("%d line paths, want 2 (one per source)", len(lines))
	}
	// SIPRI: 2000–2001 and 2003–2004 are runs; 2006 stands alone.
	if got := countCommands(lines[0], 'M'); got != 2 {
		t.Errorf("SIPRI line has %d runs, want 2: %s", got, lines[0])
	}
	if got := countCommands(lines[1], 'M'); got != 1 {
		t.Errorf("World Bank line has %d runs, want 1", got)
	}
	// A series of few points shows a dot for each plain figure; flagged
	// figures get a hollow circle instead, uncertain ones a cross too.
	var arcs []int
	for _, d := range dots {
		arcs = append(arcs, countCommands(d, 'a')/2)
	}
	if diff := cmp.Diff([]int{3, 2}, arcs); diff != "" {
		t.Errorf("plain dots per source (-want +got):\n%s", diff)
	}
	if len(marks) != 1 || countCommands(marks[0], 'a')/2 != 2 {
		t.Errorf("hollow marks = %q, want two circles for SIPRI", marks)
	}
	if len(crosses) != 1 || countCommands(crosses[0], 'M') != 2 {
		t.Errorf("crosses = %q, want one cross", crosses)
	}
}

func TestChartEmpty(t *testing.T) {
	c := lineChart{ID: "x", Title: "nothing", Unit: "US$ m", From: 2000, To: 2001, Series: nil}
	out, err := c.svg(englishWords(t))
	if err != nil || out != "" {
		t.Errorf("svg() of a chart without points = %q, %v; want empty", out, err)
	}
}

func TestChartOnePoint(t *testing.T) {
	c := lineChart{ID: "x", Title: "one", Unit: "% of GDP", From: 2020, To: 2020,
		Series: []chartSeries{{Label: "SIPRI", Points: []chartPoint{{Year: 2020, Value: 0}}}}}
	out, err := c.svg(englishWords(t))
	if err != nil {
		t.Fatal(err)
	}
	svg := parseSVG(t, string(out))
	var dots int
	svg.walk(func(e *svgElement) {
		if e.XMLName.Local == "path" && e.attr("stroke") == "none" {
			dots += countCommands(e.attr("d"), 'a') / 2
		}
		if strings.Contains(e.attr("d"), "NaN") || strings.Contains(e.attr("y1"), "NaN") {
			t.Errorf("NaN in %s", e.XMLName.Local)
		}
	})
	if dots != 1 {
		t.Errorf("%d dots for one zero figure, want 1", dots)
	}
}

func TestTickLabel(t *testing.T) {
	for _, tt := range []struct {
		v, step float64
		want    string
	}{
		{0, 1, "0"}, {2.5, 0.5, "2.5"}, {0.75, 0.25, "0.75"}, {25000, 5000, "25,000"}, {1.5, 0.5, "1.5"},
	} {
		if got := tickLabel(tt.v, tt.step); got != tt.want {
			t.Errorf("tickLabel(%v, %v) = %q, want %q", tt.v, tt.step, got, tt.want)
		}
	}
}

// TestChartLegendNeverCut checks that a country chart's legend shows a
// long source title whole.
func TestChartLegendNeverCut(t *testing.T) {
	label := "World Bank, World Development Indicators: military expenditure (% of GDP), from SIPRI"
	c := lineChart{ID: "chart-gdp", Title: "t", Unit: "% of GDP", From: 2000, To: 2001,
		Series: []chartSeries{{Label: label, Points: []chartPoint{{Year: 2000, Value: 1}, {Year: 2001, Value: 2}}}}}
	out, err := c.svg(englishWords(t))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "…") {
		t.Errorf("the legend is cut:\n%s", out)
	}
	for _, w := range strings.Fields(label) {
		if !strings.Contains(string(out), w) {
			t.Errorf("the legend lacks %q", w)
		}
	}
}
