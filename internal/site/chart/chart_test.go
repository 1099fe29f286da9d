package chart

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/site/format"
)

func TestNiceStep(t *testing.T) {
	for _, tt := range []struct{ in, want float64 }{
		{0.3, 0.5}, {1, 1}, {1.2, 2}, {2.2, 2.5}, {3, 5}, {7, 10}, {12.5, 20}, {24000, 25000}, {0, 1},
	} {
		if got := niceStep(tt.in); got != tt.want {
			t.Errorf("niceStep(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestTickDecimals(t *testing.T) {
	for _, tt := range []struct {
		step float64
		want int
	}{{1, 0}, {0.5, 1}, {0.25, 2}, {5000, 0}, {2.5, 1}} {
		if got := tickDecimals(tt.step); got != tt.want {
			t.Errorf("tickDecimals(%v) = %d, want %d", tt.step, got, tt.want)
		}
	}
}

func TestYearStep(t *testing.T) {
	for _, tt := range []struct{ span, want int }{{0, 1}, {4, 1}, {9, 2}, {30, 10}, {75, 20}, {200, 50}} {
		if got := yearStep(tt.span); got != tt.want {
			t.Errorf("yearStep(%d) = %d, want %d", tt.span, got, tt.want)
		}
	}
}

func TestWrapText(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want []string
	}{
		{"SIPRI", 30, []string{"SIPRI"}},
		{"World Bank, World Development Indicators: military expenditure", 30,
			[]string{"World Bank, World Development", "Indicators: military expendit…"}},
		{"Supercalifragilisticexpialidocious source", 10, []string{"Supercali…", "source"}},
		{"a b c d e f g h", 3, []string{"a b", "c…"}},
	} {
		got := wrapText(tt.in, tt.n, 2)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("wrapText(%q, %d, 2) (-want +got):\n%s", tt.in, tt.n, diff)
		}
	}
}

var en = format.New("en")

func TestLine(t *testing.T) {
	c := Line{
		ID: "chart-usd", Unit: "usd_m", From: 1999, To: 2006,
		Scale: func(hi float64) (float64, string) { return 1, "usd_m" },
		Series: []Series{
			{Label: "SIPRI", Points: []Point{
				{Year: 2000, Value: 100}, {Year: 2001, Value: 120, Estimate: true},
				// 2002 is missing: a gap, not a zero.
				{Year: 2003, Value: 130}, {Year: 2004, Value: 140, Uncertain: true},
				{Year: 2006, Value: 90}, // isolated
			}},
			{Label: "World Bank", Points: []Point{{Year: 2000, Value: 105}, {Year: 2001, Value: 118}}},
		},
	}
	d := c.Layout(en)
	if d == nil || len(d.Lines) != 2 {
		t.Fatalf("Layout = %+v, want two lines", d)
	}
	var ticks []string
	for _, tk := range d.YTicks {
		ticks = append(ticks, tk.Label)
	}
	if diff := cmp.Diff([]string{"0", "50", "100", "150"}, ticks); diff != "" {
		t.Errorf("y ticks (-want +got):\n%s", diff)
	}
	sipri, wb := d.Lines[0], d.Lines[1]
	// SIPRI: 2000–2001 and 2003–2004 are runs; 2006 stands alone.
	if got := strings.Count(sipri.Line, "M"); got != 2 {
		t.Errorf("SIPRI line has %d runs, want 2: %s", got, sipri.Line)
	}
	if got := strings.Count(wb.Line, "M"); got != 1 {
		t.Errorf("World Bank line has %d runs, want 1", got)
	}
	// A series of few points shows a dot for each plain figure; flagged
	// figures get a hollow circle instead, uncertain ones a cross too.
	if got := strings.Count(sipri.Dots, "a") / 2; got != 3 {
		t.Errorf("SIPRI has %d plain dots, want 3", got)
	}
	if got := strings.Count(sipri.Marks, "a") / 2; got != 2 {
		t.Errorf("SIPRI has %d hollow marks, want 2", got)
	}
	if got := strings.Count(sipri.Crosses, "M"); got != 2 {
		t.Errorf("SIPRI has %d cross strokes, want 2 (one cross)", got)
	}
	if !d.Estimate || !d.Uncertain || !d.Gap {
		t.Errorf("legend marks: estimate %v, uncertain %v, gap %v; want all", d.Estimate, d.Uncertain, d.Gap)
	}
	want := LineSeries{N: 5, First: 2000, Last: 2006, LastValue: "90.0", HighValue: "140", HighYear: 2004}
	got := LineSeries{N: sipri.N, First: sipri.First, Last: sipri.Last, LastValue: sipri.LastValue, HighValue: sipri.HighValue, HighYear: sipri.HighYear}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SIPRI's description (-want +got):\n%s", diff)
	}
}

func TestLineEmptyAndOnePoint(t *testing.T) {
	if d := (&Line{ID: "x", Unit: "usd_m", From: 2000, To: 2001}).Layout(en); d != nil {
		t.Errorf("Layout of a chart without points = %+v, want nil", d)
	}
	d := (&Line{ID: "x", Unit: "pct_gdp", From: 2020, To: 2020,
		Series: []Series{{Label: "SIPRI", Points: []Point{{Year: 2020, Value: 0}}}}}).Layout(en)
	if d == nil || strings.Count(d.Lines[0].Dots, "a")/2 != 1 || strings.Contains(d.Lines[0].Dots, "NaN") {
		t.Errorf("one zero figure: %+v, want one dot", d)
	}
}

func TestBars(t *testing.T) {
	c := Bars{ID: "rate", Bars: []Bar{
		{Year: 2020, States: 4, Reported: 3, Nil: 1}, {Year: 2021}, {Year: 2022, States: 4, Reported: 1},
	}}
	d := c.Layout()
	if d == nil || len(d.Bars) != 2 || !d.Nil || !d.Gap {
		t.Fatalf("Layout = %+v, want two bars, nil reports and a gap", d)
	}
	if b := d.Bars[0]; b.Rate != 75 || b.NilH == "" || b.H == "" {
		t.Errorf("2020 = %+v, want 75%% with a hatched top", b)
	}
	if d.Latest.Year != 2022 || d.Highest == nil || d.Highest.Year != 2020 || d.Lowest != nil {
		t.Errorf("described years: latest %d, highest %+v, lowest %+v", d.Latest.Year, d.Highest, d.Lowest)
	}
	if (&Bars{Bars: []Bar{{Year: 2020}}}).Layout() != nil {
		t.Errorf("a chart with no state listed is drawn")
	}
}

// TestLineLegendNeverCut checks that a long source title is shown whole
// in the legend, over as many lines as it needs ("…military expenditu…"
// was cut at two lines).
func TestLineLegendNeverCut(t *testing.T) {
	label := "World Bank, World Development Indicators: military expenditure (% of GDP), from SIPRI"
	c := Line{ID: "c", Unit: "pct", From: 2000, To: 2001,
		Series: []Series{{Label: label, Points: []Point{{Year: 2000, Value: 1}, {Year: 2001, Value: 2}}}}}
	d := c.Layout(en)
	got := strings.Join(d.Lines[0].Label, " ")
	if got != label {
		t.Errorf("legend = %q, want the whole title %q", got, label)
	}
	if n := len(d.Lines[0].Label); n < 3 {
		t.Errorf("legend takes %d lines; the title needs 3 at the chart's width", n)
	}
}
