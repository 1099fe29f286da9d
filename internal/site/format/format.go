// Package format writes the numbers the site shows, in the site's
// language: thousands separators and the decimal sign as the language
// writes them (golang.org/x/text/message), with the roundings the pages
// use. It is the one place that formats a number for reading; the
// templates never do.
package format

import (
	"math"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/defence-transparency/publish/internal/dataset"
)

// Numbers formats numbers for one language.
type Numbers struct {
	p                   *message.Printer
	group, point, minus string // the language's signs, for Exact
}

// New returns the formatter of a BCP 47 language tag ("en"); a tag it
// cannot parse gives English.
func New(lang string) Numbers {
	tag, err := language.Parse(lang)
	if err != nil {
		tag = language.English
	}
	f := Numbers{p: message.NewPrinter(tag)}
	s := f.Fixed(-1234.5, 1) // "-1,234.5" in English
	one, two, five := strings.IndexRune(s, '1'), strings.IndexRune(s, '2'), strings.IndexRune(s, '5')
	f.minus, f.group, f.point = s[:one], s[one+1:two], s[two+3:five]
	return f
}

// Int returns n with thousands separators: 12,345.
func (f Numbers) Int(n int64) string { return f.p.Sprint(number.Decimal(n)) }

// Fixed returns v with dec decimals, rounded half to even as the binary
// value rounds, with thousands separators.
func (f Numbers) Fixed(v float64, dec int) string {
	return f.p.Sprint(number.Decimal(v, number.Scale(dec)))
}

// Exact returns v as published, every digit of its shortest form kept,
// with thousands separators: 70,105.6.
func (f Numbers) Exact(v float64) string {
	s := Exact(v)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return s
	}
	// The digits are strconv's shortest form, which printing the binary
	// value would lengthen beyond 2^53; only the signs are the language's.
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = f.minus, s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(f.group)
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteString(f.point)
		b.WriteString(frac)
	}
	return b.String()
}

// Rounded returns v rounded for reading, with thousands separators: whole
// numbers from 100, one decimal from 1, and two significant digits below
// 1 (0.043); zero, and what cannot be rounded so, as published.
func (f Numbers) Rounded(v float64) string {
	a := math.Abs(v)
	switch {
	case a == 0 || math.IsNaN(a) || math.IsInf(a, 0):
		return Exact(v)
	case a >= 100:
		return f.Fixed(v, 0)
	case a >= 1:
		return f.Fixed(v, 1)
	}
	dec := 1 - int(math.Floor(math.Log10(a)))
	if dec > 12 {
		return Exact(v)
	}
	return f.p.Sprint(number.Decimal(v, number.MaxFractionDigits(dec)))
}

// Exact returns v as the datasets publish it: the shortest decimal that
// reads back to the same float64, never in exponent notation, without
// separators, as the CSV files and the pages' data values write it.
func Exact(v float64) string { return dataset.FormatValue(dataset.Number, dataset.Value{Num: v}) }

// Bytes returns n bytes as a number and a unit of the SI in decimal
// steps: ("8.1", "MB"); below a kilobyte the unit is "B", which the pages
// write as a word.
func (f Numbers) Bytes(n int64) (value, unit string) {
	const k = 1000
	if n < k {
		return f.Int(n), "B"
	}
	x := float64(n)
	for _, u := range []string{"kB", "MB", "GB"} {
		x /= k
		if x < k || u == "GB" {
			if x < 10 {
				return f.Fixed(x, 1), u
			}
			return f.Fixed(x, 0), u
		}
	}
	return "", "" // not reached
}
