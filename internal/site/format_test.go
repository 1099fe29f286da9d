package site

import (
	"testing"
	"time"
)

func TestNumber(t *testing.T) {
	for _, tt := range []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{43.143085155943012, "43.1"},
		{5.25, "5.2"}, // half to even, as FormatFloat rounds the binary value
		{99.96, "100.0"},
		{100, "100"},
		{49012.5, "49,012"},
		{880000000000, "880,000,000,000"},
		{1234567.89, "1,234,568"},
		{0.5, "0.5"},
		{0.0432, "0.043"},
		{0.000001234, "0.0000012"},
		{-1234.5, "-1,234"},
	} {
		if got := number(tt.in); got != tt.want {
			t.Errorf("number(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExact(t *testing.T) {
	for _, tt := range []struct {
		in   float64
		want string
	}{
		{43.143085155943012, "43.14308515594301"},
		{0.0345, "0.0345"},
		{49012500000.75, "49012500000.75"},
		{1e21, "1000000000000000000000"},
	} {
		if got := exact(tt.in); got != tt.want {
			t.Errorf("exact(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

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

func TestByteSize(t *testing.T) {
	for _, tt := range []struct {
		in   int64
		want string
	}{
		{0, "0 bytes"}, {999, "999 bytes"}, {1500, "1.5 kB"}, {84_000, "84 kB"}, {8_123_456, "8.1 MB"}, {3_000_000_000, "3.0 GB"},
	} {
		if got := byteSize(tt.in); got != tt.want {
			t.Errorf("byteSize(%d) = %q, want %q", tt.in, got, tt.want)
		}
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

func TestFailureNotice(t *testing.T) {
	attempt := time.Date(2026, 4, 28, 6, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		s    SourceStatus
		want string
	}{
		{"with last success", SourceStatus{Name: "sipri", Title: "SIPRI", Error: "timeout.", LastAttempt: attempt,
			LastSuccess: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)},
			"SIPRI could not be collected on 28 April 2026: timeout. The figures shown are the last good version from 1 April 2026."},
		{"never collected", SourceStatus{Name: "worldbank", Error: "status 500\n\nInternal   Server Error", LastAttempt: attempt},
			"worldbank could not be collected on 28 April 2026: status 500 Internal Server Error. No earlier version of its figures is available."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := failureNotice(&tt.s); got != tt.want {
				t.Errorf("failureNotice() = %q, want %q", got, tt.want)
			}
		})
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
