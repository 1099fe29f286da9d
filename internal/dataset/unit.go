package dataset

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Units that figures are published or read in. A dataset publishes each of
// its measures in one of them (see Schema.Units); the others exist only as
// the unit a source published in, kept in a row's source unit so that the
// published figure stays recoverable.
const (
	UnitMillionUSD = "US$ m"          // millions of US dollars
	UnitBillionUSD = "US$ b"          // billions of US dollars (SIPRI's regional totals)
	UnitUSD        = "US$"            // US dollars
	UnitPercent    = "percent"        // 3.45 is 3.45 %
	UnitFraction   = "fraction"       // 0.0345 is 3.45 %
	UnitLocal      = "local currency" // whole units of the currency the row names
)

// scale places a unit on a dimension with a power of ten, so that two units
// of one dimension differ by a shift of the decimal point: US$ m is US$ at
// 10^6, percent is a fraction at 10^-2.
type scale struct {
	dimension string
	exp       int
}

var scales = map[string]scale{
	UnitUSD:        {"usd", 0},
	UnitMillionUSD: {"usd", 6},
	UnitBillionUSD: {"usd", 9},
	UnitFraction:   {"share", 0},
	UnitPercent:    {"share", -2},
	UnitLocal:      {"local", 0},
}

// UnitShift returns the power of ten by which a figure in unit from is
// multiplied to read in unit to: 2 from fraction to percent, -6 from US$ to
// US$ m. It fails for units of different dimensions or unknown units.
func UnitShift(from, to string) (int, error) {
	f, okf := scales[from]
	t, okt := scales[to]
	switch {
	case !okf:
		return 0, fmt.Errorf("dataset: unknown unit %q", from)
	case !okt:
		return 0, fmt.Errorf("dataset: unknown unit %q", to)
	case f.dimension != t.dimension:
		return 0, fmt.Errorf("dataset: %q cannot be converted to %q", from, to)
	}
	return f.exp - t.exp, nil
}

// ConvertUnit returns v, a figure in unit from, in unit to, by a shift of
// the decimal point (see ShiftDecimal).
func ConvertUnit(v float64, from, to string) (float64, error) {
	n, err := UnitShift(from, to)
	if err != nil {
		return 0, err
	}
	return ShiftDecimal(v, n), nil
}

// ShiftDecimal returns v × 10^n computed on the digits that v is published
// with, not in binary floating point: the shortest decimal text that reads
// back as v has its exponent moved by n and is read again. 0.033 shifted by
// 2 is exactly 3.3 (0.033 × 100 is 3.3000000000000003 in binary floating
// point), and the digits of a figure are the digits the source published:
// only the decimal point moves. Infinities, NaN and zero are returned as
// they are.
func ShiftDecimal(v float64, n int) float64 {
	if n == 0 || v == 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return v
	}
	mant, exp := decimal(v)
	// Only an overflow can fail, and ParseFloat returns ±Inf for it,
	// which validation rejects as it would any infinite figure.
	out, _ := strconv.ParseFloat(mant+"e"+strconv.Itoa(exp+n), 64)
	return out
}

// decimal returns the shortest decimal text of v as a mantissa "d.ddd"
// (with its sign) and a power of ten.
func decimal(v float64) (mant string, exp int) {
	s := strconv.FormatFloat(v, 'e', -1, 64)
	i := strings.IndexByte(s, 'e')
	exp, _ = strconv.Atoi(s[i+1:])
	return s[:i], exp
}

// SignificantDigits is the precision at which two figures are compared:
// the most digits the publishers print (the World Bank writes 15
// significant digits), and the most that a binary float64 carries for every
// decimal number.
const SignificantDigits = 15

// SameNumber reports whether a and b are the same figure at the publishers'
// precision: written with 15 significant digits, they are equal or differ by
// one in the last digit. A publisher that computes a ratio again and prints
// it at 15 digits can land on either side of a rounding boundary
// (3.10825884811045 and 3.10825884811044 in two World Bank releases); a
// figure that moved by more than that was revised. Zero is the same only as
// zero, and NaN is never the same as anything.
func SameNumber(a, b float64) bool {
	if a == b {
		return true
	}
	if a == 0 || b == 0 || math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return false
	}
	if (a < 0) != (b < 0) {
		return false
	}
	ma, ea := digits15(math.Abs(a))
	mb, eb := digits15(math.Abs(b))
	// Bring both to the larger exponent; a difference of more than one
	// decade leaves the smaller one at least ten units away.
	switch {
	case ea == eb:
	case ea == eb+1:
		mb = (mb + 5) / 10
	case eb == ea+1:
		ma = (ma + 5) / 10
	default:
		return false
	}
	d := ma - mb
	return d >= -1 && d <= 1
}

// digits15 returns v (positive) as an integer of 15 digits and the power of
// ten of its first digit: 3.10825884811045 is 310825884811045 and 0.
func digits15(v float64) (int64, int) {
	s := strconv.FormatFloat(v, 'e', SignificantDigits-1, 64)
	i := strings.IndexByte(s, 'e')
	exp, _ := strconv.Atoi(s[i+1:])
	m, _ := strconv.ParseInt(s[:1]+s[2:i], 10, 64)
	return m, exp
}

// SeriesUnit says which unit the figures of a series are published in.
type SeriesUnit struct {
	// Series is a value of the series field (a measure), or its stem
	// when Prefix is set: constant_usd_ stands for every base year.
	Series string
	Prefix bool
	Unit   string
	// Meaning says in words what a figure of the series is, for the
	// dataset's README and page.
	Meaning string
}

// Units says which unit each series of a dataset is published in: the one
// unit per measure rule, checked row by row by Validate.
type Units struct {
	SeriesField string // field naming the series, e.g. measure
	UnitField   string // field stating each row's unit, e.g. unit
	// SourceUnitField, when set, names the field stating the unit the
	// source published the row's figure in, from which the figure was
	// converted by a shift of the decimal point.
	SourceUnitField string
	Series          []SeriesUnit
	// Conversions are the units sources publish in besides the dataset's
	// own, each with the dataset's unit its figures are converted to: a
	// row's source unit is its unit or one of these.
	Conversions []Conversion
}

// Conversion is a unit a source publishes in (From) and the dataset's unit
// its figures are converted to (To).
type Conversion struct{ From, To string }

// Converted reports whether a row in unit to may have been published in
// unit from: the same unit, or a declared conversion.
func (u *Units) Converted(from, to string) bool {
	return from == to || slices.Contains(u.Conversions, Conversion{From: from, To: to})
}

// Of returns the unit the series is published in, or false when the
// dataset does not know the series.
func (u *Units) Of(series string) (string, bool) {
	for _, s := range u.Series {
		if s.Series == series || s.Prefix && strings.HasPrefix(series, s.Series) {
			return s.Unit, true
		}
	}
	return "", false
}

// KeepSameNumbers gives every number of t that is the same figure as the
// one in prev's row of the same key (SameNumber), but not the same float64,
// prev's value: a publisher that prints a figure again differing only in
// its 15th significant digit (3.10825884811045, then 3.10825884811044) has
// not revised it, and the published file should not change, nor a version
// be made, for it. Both tables must share a schema and be sorted by key;
// prev may be nil. It returns how many numbers it kept.
func KeepSameNumbers(prev, t *Table) int {
	kept, _, _ := KeepSameNumbersFrom(prev, 0, t, 0)
	return kept
}

// KeepSameNumbersFrom does what KeepSameNumbers does for the rows of prev
// from row i on and those of t from row j on, until either ends, and
// returns, with how many numbers it kept, the rows of each to go on from:
// so both may come a batch at a time, each following the one before in
// key order.
func KeepSameNumbersFrom(prev *Table, i int, t *Table, j int) (kept, nextI, nextJ int) {
	if prev == nil || t == nil {
		return 0, i, j
	}
	var numbers []int
	for col, f := range t.Schema.Fields {
		if f.Type == Number {
			numbers = append(numbers, col)
		}
	}
	for i < prev.Len() && j < t.Len() {
		switch c := CompareKey(prev, i, t, j); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			for _, col := range numbers {
				if prev.IsNull(i, col) || t.IsNull(j, col) {
					continue
				}
				p, v := prev.Columns[col].Numbers[i], t.Columns[col].Numbers[j]
				if p != v && SameNumber(p, v) {
					t.Columns[col].Numbers[j] = p
					kept++
				}
			}
			i++
			j++
		}
	}
	return kept, i, j
}
