package chart

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNiceStep(t *testing.T) {
	for _, tt := range []struct{ in, want float64 }{
		{0.3, 0.5}, {1, 1}, {1.2, 2}, {2.2, 2.5}, {3, 5}, {7, 10}, {12.5, 20}, {24000, 25000}, {0, 1},
	} {
		if got := NiceStep(tt.in); got != tt.want {
			t.Errorf("NiceStep(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestTickDecimals(t *testing.T) {
	for _, tt := range []struct {
		step float64
		want int
	}{{1, 0}, {0.5, 1}, {0.25, 2}, {5000, 0}, {2.5, 1}} {
		if got := TickDecimals(tt.step); got != tt.want {
			t.Errorf("TickDecimals(%v) = %d, want %d", tt.step, got, tt.want)
		}
	}
}

func TestYearStep(t *testing.T) {
	for _, tt := range []struct{ span, want int }{{0, 1}, {4, 1}, {9, 2}, {30, 10}, {75, 20}, {200, 50}} {
		if got := YearStep(tt.span); got != tt.want {
			t.Errorf("YearStep(%d) = %d, want %d", tt.span, got, tt.want)
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
		got := WrapText(tt.in, tt.n, 2)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("WrapText(%q, %d, 2) (-want +got):\n%s", tt.in, tt.n, diff)
		}
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
