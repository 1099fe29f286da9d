package site

import (
	"io/fs"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	project "github.com/defence-transparency/publish/site"
)

// luminance is the relative luminance of an sRGB colour "#rrggbb", as WCAG
// 2.1 defines it.
func luminance(tb testing.TB, hex string) float64 {
	tb.Helper()
	if len(hex) != 7 || hex[0] != '#' {
		tb.Fatalf("colour %q is not #rrggbb", hex)
	}
	var l [3]float64
	for i := range l {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			tb.Fatalf("colour %q: %v", hex, err)
		}
		c := float64(v) / 255
		if c <= 0.04045 {
			l[i] = c / 12.92
		} else {
			l[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(tb testing.TB, a, b string) float64 {
	la, lb := luminance(tb, a), luminance(tb, b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func TestContrastFormula(t *testing.T) {
	if got := contrast(t, "#000000", "#ffffff"); math.Abs(got-21) > 1e-9 {
		t.Errorf("contrast(black, white) = %v, want 21", got)
	}
	if got := contrast(t, "#767676", "#ffffff"); got < 4.5 || got > 4.6 {
		t.Errorf("contrast(#767676, white) = %v, want 4.54", got)
	}
}

// TestContrast checks that the stylesheet's text colours meet WCAG 2.1 AA
// (4.5:1) on the backgrounds they are used on, and the chart's colours on
// white.
func TestContrast(t *testing.T) {
	css, err := fs.ReadFile(project.FS, "assets/css/site.css")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;`).FindAllStringSubmatch(string(css), -1) {
		vars[m[1]] = m[2]
	}
	pairs := [][2]string{
		{"text", "bg"}, {"muted", "bg"}, {"link", "bg"}, {"link-visited", "bg"},
		{"text", "stripe"}, {"muted", "stripe"}, {"link", "stripe"}, {"link-visited", "stripe"},
		{"header-text", "header-bg"}, {"sample-text", "sample-bg"}, {"notice-text", "notice-bg"},
		{"ok-text", "ok-bg"}, {"failed-text", "failed-bg"}, {"neutral-text", "neutral-bg"},
		{"focus", "bg"}, {"link", "sample-bg"},
		// The CBM tracker's cells: the text on every colour of its pattern.
		{"k-full-text", "k-full-bg"}, {"text", "k-simp-bg"}, {"text", "k-simp-stripe"},
		{"text", "k-ret-bg"}, {"text", "k-ret-stripe"}, {"text", "k-one-bg"}, {"text", "k-one-dot"},
		{"text", "k-sub-bg"}, {"k-nil-text", "k-nil-bg"}, {"k-nil-text", "k-nil-stripe"},
		{"muted", "k-none-bg"}, {"text", "k-other-bg"}, {"link", "k-none-bg"},
	}
	for _, p := range pairs {
		fg, bg := vars[p[0]], vars[p[1]]
		if fg == "" || bg == "" {
			t.Errorf("site.css does not define --%s or --%s", p[0], p[1])
			continue
		}
		if c := contrast(t, fg, bg); c < 4.5 {
			t.Errorf("--%s %s on --%s %s: contrast %.2f, want at least 4.5", p[0], fg, p[1], bg, c)
		}
	}
	// The charts draw on white with the colours of their templates: every
	// one of them, lines, marks, bars, axes and text, reaches 4.5:1 but
	// the grid's light grey, which carries nothing on its own.
	for _, name := range chartTemplates {
		b, err := fs.ReadFile(project.FS, "layouts/_partials/"+name)
		if err != nil {
			t.Fatal(err)
		}
		colours := regexp.MustCompile(`#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b`).FindAllString(string(b), -1)
		if len(colours) == 0 {
			t.Errorf("%s: no colour found", name)
		}
		for _, c := range colours {
			if len(c) == 4 {
				c = "#" + strings.Repeat(c[1:2], 2) + strings.Repeat(c[2:3], 2) + strings.Repeat(c[3:4], 2)
			}
			if c == "#ffffff" || strings.EqualFold(c, "#d6d6d6") {
				continue
			}
			if r := contrast(t, c, "#ffffff"); r < 4.5 {
				t.Errorf("%s: colour %s on white: contrast %.2f, want at least 4.5", name, c, r)
			}
		}
	}
}

// chartTemplates are the partials that draw the charts.
var chartTemplates = []string{"chart-bars.html"}
