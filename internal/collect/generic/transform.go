package generic

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
)

// transform is one compiled cleaning step of a field.
type transform struct {
	at  string // the setting's name, for messages
	fn  func(ctx context.Context, r *row, v string) (string, error)
	ref string // a field or var the step reads (shift's by), or ""
}

func (t *transform) apply(ctx context.Context, r *row, v string) (string, error) {
	return t.fn(ctx, r, v)
}

// transformParams lists the parameters each op takes.
var transformParams = map[string][]string{
	"trim":         nil,
	"squash":       nil,
	"lower":        nil,
	"upper":        nil,
	"regexp":       {"pattern"},
	"replace":      {"pattern", "with"},
	"prefix":       {"text"},
	"suffix":       {"text"},
	"date":         {"layouts"},
	"excel_date":   nil,
	"number":       {"decimal", "thousands"},
	"map":          {"values", "default", "keep_unmatched"},
	"country":      {"unknown", "aggregates"},
	"country_code": {"unknown"},
	"country_name": nil,
	"url":          nil,
	"shift":        {"by"},
}

// transformOps returns the op names, sorted, for messages.
func transformOps() string { return strings.Join(sortedKeys(transformParams), ", ") }

// paramsUsed returns the parameters a transform spec sets.
func paramsUsed(t *transformSpec) []string {
	var p []string
	add := func(set bool, name string) {
		if set {
			p = append(p, name)
		}
	}
	add(t.Pattern != "", "pattern")
	add(t.With != nil, "with")
	add(t.Layouts != nil, "layouts")
	add(t.Decimal != "", "decimal")
	add(t.Thousands != nil, "thousands")
	add(t.Values != nil, "values")
	add(t.Default != nil, "default")
	add(t.KeepUnmatched, "keep_unmatched")
	add(t.Unknown != "", "unknown")
	add(t.Aggregates != "", "aggregates")
	add(t.Text != "", "text")
	add(t.By != "", "by")
	return p
}

// isoLayouts are the date layouts of the date op when none are given.
var isoLayouts = []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"}

// compileTransform checks one transform and returns its step. num is the
// source's number format, the default of the number op.
func compileTransform(at string, t *transformSpec, num numberFormat) (*transform, error) {
	if t == nil {
		return nil, fmt.Errorf("%s: empty", at)
	}
	allowed, ok := transformParams[t.Op]
	if !ok {
		return nil, fmt.Errorf("%s.op: %q is not a transform (have %s)", at, t.Op, transformOps())
	}
	at = fmt.Sprintf("%s (%s)", at, t.Op)
	for _, p := range paramsUsed(t) {
		if !slices.Contains(allowed, p) {
			return nil, fmt.Errorf("%s: %s is not a parameter of %s", at, p, t.Op)
		}
	}
	tr := &transform{at: at}
	switch t.Op {
	case "trim":
		tr.fn = pure(strings.TrimSpace)
	case "squash":
		tr.fn = pure(squash)
	case "lower":
		tr.fn = pure(strings.ToLower)
	case "upper":
		tr.fn = pure(strings.ToUpper)
	case "prefix", "suffix":
		if t.Text == "" {
			return nil, fmt.Errorf("%s: text: say what to add", at)
		}
		text, suffix := t.Text, t.Op == "suffix"
		tr.fn = pure(func(v string) string {
			switch {
			case v == "":
				return ""
			case suffix:
				return v + text
			default:
				return text + v
			}
		})
	case "regexp":
		re, err := compilePattern(at, t.Pattern)
		if err != nil {
			return nil, err
		}
		tr.fn = pure(func(v string) string { return extract(re, v) })
	case "replace":
		re, err := compilePattern(at, t.Pattern)
		if err != nil {
			return nil, err
		}
		if t.With == nil {
			return nil, fmt.Errorf("%s: with: say what to replace the matches with (\"\" removes them)", at)
		}
		with := *t.With
		tr.fn = pure(func(v string) string { return re.ReplaceAllString(v, with) })
	case "date":
		layouts := t.Layouts
		if layouts == nil {
			layouts = isoLayouts
		}
		if len(layouts) == 0 {
			return nil, fmt.Errorf("%s: layouts: give at least one Go layout, e.g. \"2 Jan 2006\"", at)
		}
		tr.fn = func(_ context.Context, _ *row, v string) (string, error) { return parseDate(v, layouts) }
	case "excel_date":
		tr.fn = func(_ context.Context, _ *row, v string) (string, error) { return excelDate(v) }
	case "number":
		nf := num
		if t.Decimal != "" || t.Thousands != nil {
			th := ""
			if t.Thousands != nil {
				th = *t.Thousands
			}
			d := t.Decimal
			if d == "" {
				d = "."
			}
			var err error
			if nf, err = newNumberFormat(d, th); err != nil {
				return nil, fmt.Errorf("%s: %w", at, err)
			}
		}
		tr.fn = func(_ context.Context, _ *row, v string) (string, error) { return nf.normalize(v) }
	case "map":
		if len(t.Values) == 0 {
			return nil, fmt.Errorf("%s: values: give the table, e.g. values = { old = \"new\" }", at)
		}
		if t.Default != nil && t.KeepUnmatched {
			return nil, fmt.Errorf("%s: set default or keep_unmatched, not both", at)
		}
		values, def, keep := t.Values, t.Default, t.KeepUnmatched
		tr.fn = func(_ context.Context, _ *row, v string) (string, error) {
			if m, ok := values[v]; ok {
				return m, nil
			}
			switch {
			case v == "":
				return "", nil
			case def != nil:
				return *def, nil
			case keep:
				return v, nil
			}
			return "", fmt.Errorf("%q is not in the map (%s): %w", v, strings.Join(sortedKeys(values), ", "), ErrValue)
		}
	case "shift":
		if t.By == "" {
			return nil, fmt.Errorf("%s: by: name the field or var that gives the places to move the decimal point", at)
		}
		by := t.By
		tr.ref = by
		tr.fn = func(ctx context.Context, r *row, v string) (string, error) {
			if v == "" {
				return "", nil
			}
			p, err := r.get(ctx, by)
			if err != nil {
				return "", err
			}
			return shift(num, v, p)
		}
	case "country", "country_code":
		if t.Unknown != "" && t.Unknown != "error" && t.Unknown != "empty" {
			return nil, fmt.Errorf("%s: unknown: %q, want error or empty", at, t.Unknown)
		}
		byName, empty, publisher := t.Op == "country", t.Unknown == "empty", t.Aggregates
		if publisher != "" && !country.HasAggregates(publisher) {
			return nil, fmt.Errorf("%s: aggregates: %q names no publisher of internal/country/aggregates.csv", at, publisher)
		}
		tr.fn = func(ctx context.Context, r *row, v string) (string, error) {
			if publisher != "" {
				if c, ok := country.AggregateOf(publisher, squash(v)); ok {
					return c.ISO3, nil
				}
			}
			return countryCode(ctx, r, v, byName, empty)
		}
	case "country_name":
		tr.fn = func(_ context.Context, _ *row, v string) (string, error) {
			if v == "" {
				return "", nil
			}
			c, ok := country.Lookup(v)
			if !ok {
				return "", fmt.Errorf("%q is not a country code of the registry: %w", v, ErrValue)
			}
			return c.Name, nil
		}
	case "url":
		tr.fn = resolveURL
	}
	return tr, nil
}

// pure wraps a step that cannot fail.
func pure(f func(string) string) func(context.Context, *row, string) (string, error) {
	return func(_ context.Context, _ *row, v string) (string, error) { return f(v), nil }
}

func compilePattern(at, p string) (*regexp.Regexp, error) {
	if p == "" {
		return nil, fmt.Errorf("%s: pattern: give a regular expression", at)
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("%s: pattern: %w", at, err)
	}
	return re, nil
}

// extract returns the first match of re in v: its first group when re has
// groups, else the whole match; "" when re does not match.
func extract(re *regexp.Regexp, v string) string {
	m := re.FindStringSubmatch(v)
	switch {
	case m == nil:
		return ""
	case len(m) > 1:
		return m[1]
	default:
		return m[0]
	}
}

// squash trims v and turns every run of white space inside it into one
// space, as a browser shows HTML text.
func squash(v string) string { return strings.Join(strings.Fields(v), " ") }

// parseDate reads v in the first of layouts that fits and returns it as
// YYYY-MM-DD.
func parseDate(v string, layouts []string) (string, error) {
	v = squash(v)
	if v == "" {
		return "", nil
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, v); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	return "", fmt.Errorf("%q is a date in none of the layouts %q: %w", v, layouts, ErrValue)
}

// excelDate reads a spreadsheet date serial (days since 1899-12-30, the
// 1900 date system) as YYYY-MM-DD.
func excelDate(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 1 || f > 2958465 {
		return "", fmt.Errorf("%q is not a spreadsheet date serial: %w", v, ErrValue)
	}
	t, err := excelize.ExcelDateToTime(f, false)
	if err != nil {
		return "", fmt.Errorf("%q: %v: %w", v, err, ErrValue)
	}
	return t.Format("2006-01-02"), nil
}

// iso3Form is how a code looks, as opposed to a name.
var iso3Form = regexp.MustCompile(`^[A-Z]{3}$`)

// countryCode turns a country name (byName) or code into the registry's
// code of a state. An unknown name or code, or an aggregate, is an error,
// or with empty set a warning and an empty value.
func countryCode(ctx context.Context, r *row, v string, byName, empty bool) (string, error) {
	v = squash(v)
	if v == "" {
		return "", nil
	}
	var c country.Country
	ok := false
	if code := strings.ToUpper(v); iso3Form.MatchString(code) && (code == v || !byName) {
		c, ok = country.Lookup(code)
	}
	if !ok && byName {
		c, ok = country.ByName(v)
	}
	why := "not in the country registry (internal/country: add an alias, or map it in the options)"
	if ok && !c.IsState() {
		ok, why = false, fmt.Sprintf("%s, an aggregate, not a state", c.ISO3)
	}
	switch {
	case ok:
		return c.ISO3, nil
	case empty:
		r.warn(ctx, "country %q %s: left empty", v, why)
		return "", nil
	}
	return "", fmt.Errorf("country %q %s: %w", v, why, ErrValue)
}

// resolveURL resolves a link against the record's document. A link that is
// not http(s) once resolved (mailto:, javascript:, a local file) is not
// published: it is reported and left empty.
func resolveURL(ctx context.Context, r *row, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	u, err := url.Parse(v)
	if b := r.base(); err == nil && b != nil {
		u = b.ResolveReference(u)
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		r.warn(ctx, "link %q is not an http(s) address: left empty", v)
		return "", nil
	}
	return u.String(), nil
}

// numberFormat is how a source writes numbers.
type numberFormat struct {
	decimal   byte   // '.' or ','
	thousands string // "" for none
}

func newNumberFormat(decimal, thousands string) (numberFormat, error) {
	nf := numberFormat{decimal: '.', thousands: thousands}
	switch decimal {
	case "", ".":
	case ",":
		nf.decimal = ','
	default:
		return nf, fmt.Errorf("decimal: %q, want \".\" or \",\"", decimal)
	}
	switch thousands {
	case "", ",", ".", " ", "'", "_":
	default:
		return nf, fmt.Errorf("thousands: %q, want \",\", \".\", \" \", \"'\", \"_\" or none", thousands)
	}
	if thousands == string(nf.decimal) {
		return nf, fmt.Errorf("decimal and thousands separators are both %q", thousands)
	}
	return nf, nil
}

// normalize returns v as Go writes a number: separators of thousands
// removed, a decimal comma made a point, a Unicode minus made "-".
func (nf numberFormat) normalize(v string) (string, error) {
	s := strings.TrimSpace(v)
	if s == "" {
		return "", nil
	}
	s = strings.ReplaceAll(s, "\u2212", "-")
	if nf.thousands == " " {
		s = strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
	} else if nf.thousands != "" {
		s = strings.ReplaceAll(s, nf.thousands, "")
	}
	if nf.decimal == ',' {
		s = strings.Replace(s, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fmt.Errorf("%q is not a number written with decimal %q and thousands %q: %w", v, nf.decimal, nf.thousands, ErrValue)
	}
	return s, nil
}

// shift moves the decimal point of the number v (in the source's number
// format) by places, a whole number: "820263" by "6" is "820263000000". It
// works on the published digits (dataset.ShiftDecimal), never by a binary
// floating-point multiplication, so that a figure reported in millions is
// the same figure in units.
func shift(num numberFormat, v, places string) (string, error) {
	n, err := strconv.Atoi(strings.TrimSpace(places))
	if err != nil {
		return "", fmt.Errorf("places %q is not a whole number: %w", places, ErrValue)
	}
	norm, err := num.normalize(v)
	if err != nil {
		return "", err
	}
	x, err := strconv.ParseFloat(norm, 64)
	if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
		return "", fmt.Errorf("%q is not a number: %w", v, ErrValue)
	}
	return strconv.FormatFloat(dataset.ShiftDecimal(x, n), 'f', -1, 64), nil
}
