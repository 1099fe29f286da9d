package site

import (
	"testing"
)

func TestFractionToPercent(t *testing.T) {
	for _, tt := range []struct{ in, want float64 }{
		{0.0345, 3.45}, {0.0134, 1.34}, {0.365, 36.5}, {1.02, 102}, {0, 0}, {0.000123, 0.0123},
	} {
		if got := fractionToPercent(tt.in); got != tt.want {
			t.Errorf("fractionToPercent(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if got := number(fractionToPercent(0.0345)); got != "3.5" {
		t.Errorf("number(fractionToPercent(0.0345)) = %q, want 3.5", got)
	}
}

func TestWebURL(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://www.sipri.org/databases/milex", "https://www.sipri.org/databases/milex"},
		{" http://data.worldbank.org/ ", "http://data.worldbank.org/"},
		{"javascript:alert(1)", ""},
		{"JavaScript:alert(1)", ""},
		{"data:text/html,<script>alert(1)</script>", ""},
		{"//evil.example/x", ""},
		{"/relative/path", ""},
		{"https:opaque", ""},
		{"https://", ""},
		{"ftp://example.org/file", ""},
		{"", ""},
	} {
		if got := webURL(tt.in); got != tt.want {
			t.Errorf("webURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSortKey(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Côte d'Ivoire", "cote d'ivoire"}, {"Türkiye", "turkiye"}, {"São Tomé and Príncipe", "sao tome and principe"},
	} {
		if got := sortKey(tt.in); got != tt.want {
			t.Errorf("sortKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
