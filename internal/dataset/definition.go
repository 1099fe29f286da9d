package dataset

import (
	"regexp"
	"slices"
)

// Definition describes one published dataset: what the CLI, the writer and
// the site need to know besides its rows.
type Definition struct {
	Name        string // directory and file stem, e.g. "military-expenditure"
	Title       string
	Description string // one paragraph, plain language
	Schema      *Schema
	Keywords    []string
	// Method explains how the rows are made from the sources, for the
	// dataset's README and site page.
	Method string
	// RevisionFields are the fields whose change in an already published
	// row is a revision of a figure (rather than of its notes or flags).
	RevisionFields []string
	// PeriodField, SeriesField and MarkerField give a diff its meaning: a
	// period (year) that appears or disappears, a series (measure) that
	// replaces another, such as constant US$ moving to a new base year, and
	// a missing-value marker that changes. Empty when the dataset has none.
	PeriodField, SeriesField, MarkerField string
	// UnitField holds each row's unit, where rows state one: every series
	// has exactly one unit across the dataset's sources, and a change of
	// a series' unit is a series replaced, not a revision of its figures.
	UnitField string
}

// UnitsBySeries returns, for each value of the definition's series field
// in t, the distinct units its rows state. The rule is one unit per series
// (see Schema.Units, which Validate checks where a schema declares units):
// a series with two units mixes figures that differ by a power of ten. It
// returns nil for a definition without a series or a unit field.
func (d *Definition) UnitsBySeries(t *Table) map[string][]string {
	si, ui := d.Schema.Index(d.SeriesField), d.Schema.Index(d.UnitField)
	if si < 0 || ui < 0 {
		return nil
	}
	seen := map[string]map[string]bool{}
	for i := range t.Len() {
		series, unit := t.Text(i, si), t.Text(i, ui)
		if seen[series] == nil {
			seen[series] = map[string]bool{}
		}
		seen[series][unit] = true
	}
	out := make(map[string][]string, len(seen))
	for series, units := range seen {
		for u := range units {
			out[series] = append(out[series], u)
		}
		slices.Sort(out[series])
	}
	return out
}

// SourceField is the column every dataset has that names the source (as
// the sources file names it) of each row; a failed source's rows are found
// by it and kept.
const SourceField = "source"

// sourceName is the form of a source name in the sources file.
var sourceName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
