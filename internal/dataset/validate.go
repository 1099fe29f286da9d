package dataset

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"

	"github.com/defence-transparency/publish/internal/country"
)

// ErrValidation is matched by every *ValidationError, so callers test for
// invalid data with errors.Is(err, ErrValidation).
var ErrValidation = errors.New("dataset: validation failed")

// ErrAssertion is wrapped by the errors of Assertions.Check.
var ErrAssertion = errors.New("dataset: assertion failed")

// CountryField is the name of the field that must hold the code of a state
// that package country knows, wherever a schema has it.
const CountryField = "country_iso3"

// maxProblemsPerCheck bounds the problems kept per field (and for the
// primary key), so a column that is wrong throughout does not make millions
// of them; ValidationError.Count still counts all.
const maxProblemsPerCheck = 100

// Problem is one thing wrong with a table.
type Problem struct {
	Row     int    // row index, or -1 for a problem of the whole table
	Field   string // field name; the key fields joined by "," for duplicate keys; "" for the table
	Value   string // the value as text, as CSV would show it
	Message string
}

// String returns the problem as one line.
func (p Problem) String() string {
	var b strings.Builder
	if p.Row >= 0 {
		fmt.Fprintf(&b, "row %d", p.Row)
	} else {
		b.WriteString("table")
	}
	if p.Field != "" {
		fmt.Fprintf(&b, ", %s", p.Field)
	}
	if p.Row >= 0 {
		fmt.Fprintf(&b, " %q", p.Value)
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError lists what is wrong with a table.
type ValidationError struct {
	// Problems holds the problems found, at most 100 per field, ordered
	// by row and then by field.
	Problems []Problem
	// Count is the number of problems found, including those not kept.
	Count int
}

// Error summarises the count and the first ten problems.
func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dataset: validation failed: %s", plural(e.Count, "problem"))
	for i, p := range e.Problems {
		if i == 10 {
			fmt.Fprintf(&b, "; and %d more", e.Count-10)
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Is reports whether target is ErrValidation.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }

// problems collects problems, keeping up to maxProblemsPerCheck per check.
type problems struct {
	list  []Problem
	count int
}

func (ps *problems) add(kept *int, p Problem) {
	ps.count++
	if *kept < maxProblemsPerCheck {
		ps.list = append(ps.list, p)
		*kept++
	}
}

// Validate checks t against its schema: column lengths, required fields,
// date syntax, enums, patterns, ranges (NaN and infinities are out of any
// range), unique primary keys and, in a field named country_iso3, codes of
// states that package country knows (aggregates are not states). It
// returns nil or a *ValidationError.
func Validate(t *Table) error {
	var ps problems
	kept := 0
	if err := t.Schema.Check(); err != nil {
		ps.add(&kept, Problem{Row: -1, Message: err.Error()})
		return ps.err()
	}
	if err := t.Check(); err != nil {
		ps.add(&kept, Problem{Row: -1, Message: err.Error()})
		return ps.err()
	}
	for col := range t.Schema.Fields {
		validateColumn(t, col, &ps)
	}
	validateAggregates(t, &ps)
	validateUnits(t, &ps)
	validateKey(t, &ps)
	if ps.count == 0 {
		return nil
	}
	field := make(map[string]int, len(t.Schema.Fields))
	for i, f := range t.Schema.Fields {
		field[f.Name] = i
	}
	slices.SortStableFunc(ps.list, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Row, b.Row), cmp.Compare(field[a.Field], field[b.Field]))
	})
	return ps.err()
}

func (ps *problems) err() error {
	return &ValidationError{Problems: ps.list, Count: ps.count}
}

func validateColumn(t *Table, col int, ps *problems) {
	f := &t.Schema.Fields[col]
	c := &t.Columns[col]
	kept := 0
	aggregates := t.Schema.Index(AggregateField) >= 0
	if f.Required && c.Valid != nil {
		for i, ok := range c.Valid {
			if !ok {
				ps.add(&kept, Problem{Row: i, Field: f.Name, Message: "required value is missing"})
			}
		}
	}
	valid := func(i int) bool { return c.Valid == nil || c.Valid[i] }
	switch f.Type {
	case String, Date:
		check := stringCheck(f, aggregates)
		if check == nil {
			return
		}
		for i, s := range c.Strings {
			if !valid(i) {
				continue
			}
			if msg := check(s); msg != "" {
				ps.add(&kept, Problem{Row: i, Field: f.Name, Value: s, Message: msg})
			}
		}
	case Integer:
		lo, hi := bounds(f)
		enum := enumSet(f)
		for i, v := range c.Ints {
			if !valid(i) {
				continue
			}
			x := float64(v)
			msg := ""
			switch {
			case x < lo:
				msg = "below the minimum " + formatNumber(*f.Min)
			case x > hi:
				msg = "above the maximum " + formatNumber(*f.Max)
			case enum != nil && !enum[strconv.FormatInt(v, 10)]:
				msg = "not one of " + strings.Join(f.Enum, ", ")
			}
			if msg != "" {
				ps.add(&kept, Problem{Row: i, Field: f.Name, Value: strconv.FormatInt(v, 10), Message: msg})
			}
		}
	case Number:
		lo, hi := bounds(f)
		enum := enumSet(f)
		for i, x := range c.Numbers {
			if !valid(i) {
				continue
			}
			msg := ""
			switch {
			case math.IsNaN(x):
				msg = "not a number"
			case math.IsInf(x, 0):
				msg = "infinite"
			case x < lo:
				msg = "below the minimum " + formatNumber(*f.Min)
			case x > hi:
				msg = "above the maximum " + formatNumber(*f.Max)
			case enum != nil && !enum[formatNumber(x)]:
				msg = "not one of " + strings.Join(f.Enum, ", ")
			}
			if msg != "" {
				ps.add(&kept, Problem{Row: i, Field: f.Name, Value: formatNumber(x), Message: msg})
			}
		}
	case Boolean:
		enum := enumSet(f)
		if enum == nil {
			return
		}
		for i, v := range c.Bools {
			if valid(i) && !enum[strconv.FormatBool(v)] {
				ps.add(&kept, Problem{Row: i, Field: f.Name, Value: strconv.FormatBool(v), Message: "not one of " + strings.Join(f.Enum, ", ")})
			}
		}
	}
}

func formatNumber(x float64) string { return FormatValue(Number, Value{Num: x}) }

// bounds returns the field's range, unbounded where it sets none.
func bounds(f *Field) (lo, hi float64) {
	lo, hi = math.Inf(-1), math.Inf(1)
	if f.Min != nil {
		lo = *f.Min
	}
	if f.Max != nil {
		hi = *f.Max
	}
	return lo, hi
}

func enumSet(f *Field) map[string]bool {
	if len(f.Enum) == 0 {
		return nil
	}
	set := make(map[string]bool, len(f.Enum))
	for _, v := range f.Enum {
		set[v] = true
	}
	return set
}

// memoLimit bounds the distinct values whose verdict stringCheck remembers.
const memoLimit = 1 << 14

// stringCheck returns a function giving the problem with a String or Date
// value ("" for none), or nil when the field has nothing to check. A
// country code must name a state unless aggregates is set: then the schema
// has an aggregate field, which validateAggregates checks against it. Text
// columns repeat a few values many times (and sorted ones repeat them in
// runs), so verdicts are remembered: a regular expression then runs once
// per distinct value, not once per row.
func stringCheck(f *Field, aggregates bool) func(string) string {
	enum := enumSet(f)
	isCountry := f.Name == CountryField
	if f.Type != Date && enum == nil && f.Pattern == nil && !isCountry {
		return nil
	}
	check := func(s string) string {
		if f.Type == Date {
			if _, err := dateDays(s); err != nil {
				return "not a date in the form YYYY-MM-DD"
			}
		}
		if enum != nil && !enum[s] {
			return "not one of " + strings.Join(f.Enum, ", ")
		}
		if f.Pattern != nil && !f.Pattern.MatchString(s) {
			return "does not match " + f.Pattern.String()
		}
		if isCountry {
			c, ok := country.Lookup(s)
			if !ok {
				return "unknown country code"
			}
			if !c.IsState() && !aggregates {
				return fmt.Sprintf("%s (%s) is an aggregate, not a country", s, c.Name)
			}
		}
		return ""
	}
	memo := map[string]string{}
	last, lastMsg, haveLast := "", "", false
	return func(s string) string {
		if haveLast && s == last {
			return lastMsg
		}
		msg, ok := memo[s]
		if !ok {
			msg = check(s)
			if len(memo) < memoLimit {
				memo[s] = msg
			}
		}
		last, lastMsg, haveLast = s, msg, true
		return msg
	}
}

// AggregateField is the name of the boolean field that marks the rows of
// aggregates (the world, regions, income groups, the European Union) in a
// dataset that publishes them beside states. Where a schema has it, a
// row's country code must name an aggregate exactly when the field is
// true, so that no aggregate is ever counted or ranked as a country.
const AggregateField = "aggregate"

// validateAggregates checks the aggregate field against the country code
// of each row.
func validateAggregates(t *Table, ps *problems) {
	ai, ci := t.Schema.Index(AggregateField), t.Schema.Index(CountryField)
	if ai < 0 || ci < 0 {
		return
	}
	kept := 0
	for i := range t.Len() {
		if t.IsNull(i, ci) || t.IsNull(i, ai) {
			continue
		}
		code := t.Columns[ci].Strings[i]
		c, ok := country.Lookup(code)
		if !ok {
			continue // validateColumn reports it
		}
		switch agg := t.Columns[ai].Bools[i]; {
		case agg && c.IsState():
			ps.add(&kept, Problem{Row: i, Field: AggregateField, Value: "true",
				Message: fmt.Sprintf("%s (%s) is a %s, not an aggregate", code, c.Name, c.Kind)})
		case !agg && !c.IsState():
			ps.add(&kept, Problem{Row: i, Field: AggregateField, Value: "false",
				Message: fmt.Sprintf("%s (%s) is an aggregate, not a country", code, c.Name)})
		}
	}
}

// validateUnits checks that every row states the one unit its series is
// published in, where the schema declares units.
func validateUnits(t *Table, ps *problems) {
	u := t.Schema.Units
	if u == nil {
		return
	}
	si, ui := t.Schema.Index(u.SeriesField), t.Schema.Index(u.UnitField)
	pattern := t.Schema.Fields[si].Pattern
	kept := 0
	for i := range t.Len() {
		if t.IsNull(i, si) || t.IsNull(i, ui) {
			continue // validateColumn reports a missing required value
		}
		series, unit := t.Text(i, si), t.Text(i, ui)
		want, ok := u.Of(series)
		switch {
		case !ok && pattern != nil && !pattern.MatchString(series):
			// validateColumn reports the series itself.
		case !ok:
			ps.add(&kept, Problem{Row: i, Field: u.SeriesField, Value: series,
				Message: "no unit is declared for this " + u.SeriesField})
		case unit != want:
			ps.add(&kept, Problem{Row: i, Field: u.UnitField, Value: unit,
				Message: fmt.Sprintf("%s %s is published in %s: convert the source's figures", u.SeriesField, series, want)})
		}
	}
	if u.SourceUnitField == "" {
		return
	}
	// The unit a figure was published in must be one the dataset declares
	// converting to the row's unit, or the published figure could not be
	// recovered.
	sui := t.Schema.Index(u.SourceUnitField)
	kept = 0
	for i := range t.Len() {
		if t.IsNull(i, sui) || t.IsNull(i, ui) {
			continue
		}
		from, to := t.Text(i, sui), t.Text(i, ui)
		if !u.Converted(from, to) {
			ps.add(&kept, Problem{Row: i, Field: u.SourceUnitField, Value: from,
				Message: fmt.Sprintf("not a unit the dataset converts to the row's unit %s", to)})
		}
	}
}

// validateKey reports rows whose primary key an earlier row already has.
func validateKey(t *Table, ps *problems) {
	if t.IsSorted() {
		return
	}
	key := t.Schema.KeyIndex()
	perm := t.keyOrder()
	kept := 0
	name := strings.Join(t.Schema.PrimaryKey, ",")
	first := 0 // start of the current run of equal keys in perm
	for k := 1; k < len(perm); k++ {
		j := perm[k]
		if compareAt(t, perm[k-1], t, j, key) != 0 {
			first = k
			continue
		}
		// The sort is stable, so the first row of a run of equal keys
		// is the earliest; point every later one at it.
		ps.add(&kept, Problem{Row: j, Field: name, Value: keyText(t, j, key),
			Message: fmt.Sprintf("duplicate primary key, first in row %d", perm[first])})
	}
}

// keyText returns the key of row i as its values joined by "|".
func keyText(t *Table, i int, key []int) string {
	parts := make([]string, len(key))
	for k, col := range key {
		parts[k] = t.Text(i, col)
	}
	return strings.Join(parts, "|")
}

// Assertions are checks on the number of rows a source yields, which catch
// a parser that silently lost most of a changed file.
type Assertions struct {
	// MinRows is the fewest rows the source may yield; 0 for no minimum.
	MinRows int
	// MaxDrop is the largest share by which the row count may fall
	// against the previous version, e.g. 0.2 for 20%. 0 allows no fall
	// at all; a negative value turns the check off.
	MaxDrop float64
}

// Check returns an error wrapping ErrAssertion when rows, the source's row
// count now, breaks an assertion. previous is the count in the last
// published version, or 0 when there is none (only MinRows applies then).
func (a Assertions) Check(rows, previous int) error {
	var failed []string
	if rows < a.MinRows {
		failed = append(failed, fmt.Sprintf("%s, fewer than the minimum %s", plural(rows, "row"), Thousands(a.MinRows)))
	}
	if previous > 0 && a.MaxDrop >= 0 && rows < previous {
		drop := float64(previous-rows) / float64(previous)
		if drop > a.MaxDrop {
			failed = append(failed, fmt.Sprintf("rows fell from %s to %s (%s%%), more than the allowed %s%%",
				Thousands(previous), Thousands(rows),
				strconv.FormatFloat(-drop*100, 'f', 1, 64),
				strconv.FormatFloat(math.Round(a.MaxDrop*100*1e6)/1e6, 'f', -1, 64)))
		}
	}
	if len(failed) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrAssertion, strings.Join(failed, "; "))
}

// plural returns n with thousands separators and the noun, in the plural
// unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return Thousands(n) + " " + noun + "s"
}

// english writes the numbers of the messages, commit messages and
// descriptions the tool writes in English.
var english = message.NewPrinter(language.English)

// Thousands returns n with English thousands separators: 1234567 is
// "1,234,567". It is for the English the tool writes itself; the site
// formats numbers in its own language (internal/site/format).
func Thousands(n int) string { return english.Sprint(number.Decimal(n)) }
