package format

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

var en = New("en")

func TestRounded(t *testing.T) {
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
		{0.1, "0.1"},
		{0.0999, "0.1"},
	} {
		if got := en.Rounded(tt.in); got != tt.want {
			t.Errorf("Rounded(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestExact(t *testing.T) {
	for _, tt := range []struct {
		in          float64
		want, group string
	}{
		{43.143085155943012, "43.14308515594301", "43.14308515594301"},
		{0.0345, "0.0345", "0.0345"},
		{49012500000.75, "49012500000.75", "49,012,500,000.75"},
		{1e21, "1000000000000000000000", "1,000,000,000,000,000,000,000"},
		{70105.6, "70105.6", "70,105.6"},
		{-1234.5, "-1234.5", "-1,234.5"},
		{0, "0", "0"},
	} {
		if got := Exact(tt.in); got != tt.want {
			t.Errorf("Exact(%v) = %q, want %q", tt.in, got, tt.want)
		}
		if got := en.Exact(tt.in); got != tt.group {
			t.Errorf("Numbers.Exact(%v) = %q, want %q", tt.in, got, tt.group)
		}
	}
}

// group is the reference grouping: commas every three digits of the
// integer part of a decimal written by strconv.
func group(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	if frac != "" {
		frac = "." + frac
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return sign + b.String() + frac
}

// TestAgainstStrconv checks the English formats against strconv and the
// reference grouping over many values of every magnitude the datasets
// hold.
func TestAgainstStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		v := math.Round(rng.Float64()*math.Pow(10, float64(rng.IntN(16)))*1e4) / math.Pow(10, float64(rng.IntN(9)))
		if rng.IntN(5) == 0 {
			v = -v
		}
		for dec := range 4 {
			if got, want := en.Fixed(v, dec), group(strconv.FormatFloat(v, 'f', dec, 64)); got != want {
				t.Fatalf("Fixed(%v, %d) = %q, want %q", v, dec, got, want)
			}
		}
		if got, want := en.Exact(v), group(Exact(v)); got != want {
			t.Fatalf("Numbers.Exact(%v) = %q, want %q", v, got, want)
		}
		if n := int64(v); math.Abs(v) < 1e15 {
			if got, want := en.Int(n), group(strconv.FormatInt(n, 10)); got != want {
				t.Fatalf("Int(%d) = %q, want %q", n, got, want)
			}
		}
	}
}

func TestBytes(t *testing.T) {
	for _, tt := range []struct {
		in          int64
		value, unit string
	}{
		{0, "0", "B"}, {999, "999", "B"}, {1000, "1.0", "kB"}, {8123456, "8.1", "MB"}, {45_600_000, "46", "MB"}, {3_500_000_000_000, "3,500", "GB"},
	} {
		if v, u := en.Bytes(tt.in); v != tt.value || u != tt.unit {
			t.Errorf("Bytes(%d) = %q %q, want %q %q", tt.in, v, u, tt.value, tt.unit)
		}
	}
}
