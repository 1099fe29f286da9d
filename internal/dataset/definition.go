package dataset

import "regexp"

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
}

// SourceField is the column every dataset has that names the source (as
// the sources file names it) of each row; a failed source's rows are found
// by it and kept.
const SourceField = "source"

// sourceName is the form of a source name in the sources file.
var sourceName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
