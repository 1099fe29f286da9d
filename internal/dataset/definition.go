package dataset

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
}
