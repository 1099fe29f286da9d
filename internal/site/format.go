package site

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
)

// exact returns v as the published value: the shortest decimal that reads
// back to the same float64, never in exponent notation, as the CSV files
// write it.
func exact(v float64) string { return dataset.FormatValue(dataset.Number, dataset.Value{Num: v}) }

// number returns v rounded for reading, with thousands separators: whole
// numbers from 100, one decimal from 1, and two significant digits below 1.
func number(v float64) string {
	a := math.Abs(v)
	var dec int
	switch {
	case a == 0 || math.IsNaN(a) || math.IsInf(a, 0):
		return exact(v)
	case a >= 100:
		dec = 0
	case a >= 1:
		dec = 1
	default:
		dec = 1 - int(math.Floor(math.Log10(a)))
		if dec > 12 {
			return exact(v)
		}
	}
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if a < 1 && strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return groupDigits(s)
}

// groupDigits puts commas between groups of three digits in the integer
// part of a decimal number.
func groupDigits(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	if len(intPart) <= 3 {
		return sign + s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/3 + 1)
	b.WriteString(sign)
	first := len(intPart) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(intPart[:first])
	for i := first; i < len(intPart); i += 3 {
		b.WriteByte(',')
		b.WriteString(intPart[i : i+3])
	}
	b.WriteString(frac)
	return b.String()
}

// integer returns n with thousands separators.
func integer(n int64) string { return groupDigits(strconv.FormatInt(n, 10)) }

// fractionToPercent returns 100·v computed in decimal, so that a published
// 0.0345 becomes 3.45 rather than 3.4499999999999997 and rounds as people
// expect.
func fractionToPercent(v float64) float64 {
	s := strconv.FormatFloat(v, 'e', -1, 64)
	i := strings.IndexByte(s, 'e')
	if i < 0 {
		return v * 100
	}
	exp, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return v * 100
	}
	p, err := strconv.ParseFloat(s[:i]+"e"+strconv.Itoa(exp+2), 64)
	if err != nil {
		return v * 100
	}
	return p
}

// byteSize returns n bytes in decimal units ("8.1 MB").
func byteSize(n int64) string {
	const unit = 1000
	if n < unit {
		return strconv.FormatInt(n, 10) + " bytes"
	}
	x := float64(n)
	for _, u := range []string{"kB", "MB", "GB"} {
		x /= unit
		if x < unit || u == "GB" {
			if x < 10 {
				return strconv.FormatFloat(x, 'f', 1, 64) + " " + u
			}
			return strconv.FormatFloat(x, 'f', 0, 64) + " " + u
		}
	}
	return strconv.FormatInt(n, 10) + " bytes" // not reached
}

// Date layouts shown on the site. Times are shown in UTC, so a build gives
// the same pages wherever it runs.
const (
	dateLayout     = "2 January 2006"
	dateTimeLayout = "2 January 2006, 15:04 UTC"
)

// day returns t as a date in words, or "" for the zero time.
func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(dateLayout)
}

// dayTime returns t as a date and time in words, or "" for the zero time.
func dayTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(dateTimeLayout)
}

// machineTime returns t in RFC 3339 (UTC) for datetime attributes, or ""
// for the zero time.
func machineTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// parseTime reads an RFC 3339 time as descriptors write it; text that is
// not one gives the zero time.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// parseDate reads a date as the datasets write it (YYYY-MM-DD); text that
// is not one gives the zero time.
func parseDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
