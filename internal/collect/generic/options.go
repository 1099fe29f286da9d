package generic

// The options of a configured source, as [source.options] holds them. The
// structs mirror README.md; collect.DecodeOptions rejects any key they
// do not have.

// common holds the options every shape takes.
type common struct {
	// Fields maps each dataset field to where its value comes from.
	Fields map[string]*fieldSpec `toml:"fields"`
	// Vars are named values that are not dataset fields, for templates,
	// conditions and skip rules.
	Vars map[string]*fieldSpec `toml:"vars"`
	// Skip drops the rows a rule matches.
	Skip []*condition `toml:"skip"`
	// Complete adds the rows a source leaves out (a year without a
	// report).
	Complete *completeSpec `toml:"complete"`
	// Decimal and Thousands say how the source writes numbers; they apply
	// to number and integer fields without a number transform.
	Decimal   string `toml:"decimal"`
	Thousands string `toml:"thousands"`
}

// fieldSpec says where one value of a row comes from and how it is cleaned.
// Exactly one origin is set: a locator of the shape (selector or attr;
// item; column, columns, index or letter; path), value, or template.
type fieldSpec struct {
	Selector *string  `toml:"selector"` // html: CSS selector within the row; "" is the row itself
	Attr     string   `toml:"attr"`     // html: read this attribute instead of the text
	All      bool     `toml:"all"`      // html: every match, joined
	Join     *string  `toml:"join"`     // html (all), json ([] or arrays): separator, default "; "
	Item     string   `toml:"item"`     // feed: the item's element
	Column   string   `toml:"column"`   // csv, xlsx, html table: header text
	Columns  []string `toml:"columns"`  // csv, xlsx, html table: header texts, the first present is used
	Index    int      `toml:"index"`    // csv, html table: column number, from 1
	Letter   string   `toml:"letter"`   // xlsx: column letter
	Path     string   `toml:"path"`     // json: path relative to the record
	Value    *string  `toml:"value"`    // a constant
	Template string   `toml:"template"` // text with {name} replaced by other fields and vars

	Transforms []*transformSpec `toml:"transforms"`
	// When, if set, makes the value empty unless the condition holds.
	When *condition `toml:"when"`
	// Default replaces an empty result.
	Default string `toml:"default"`
}

// transformSpec is one step of cleaning a value. Op names the step; the
// other keys are its parameters, and a key a step does not take is an
// error.
type transformSpec struct {
	Op            string            `toml:"op"`
	Pattern       string            `toml:"pattern"`        // regexp, replace
	With          *string           `toml:"with"`           // replace
	Layouts       []string          `toml:"layouts"`        // date
	Decimal       string            `toml:"decimal"`        // number
	Thousands     *string           `toml:"thousands"`      // number
	Values        map[string]string `toml:"values"`         // map
	Default       *string           `toml:"default"`        // map
	KeepUnmatched bool              `toml:"keep_unmatched"` // map
	Unknown       string            `toml:"unknown"`        // country, country_code: error or empty
	Aggregates    string            `toml:"aggregates"`     // country: the publisher whose aggregate names it reads
	Text          string            `toml:"text"`           // prefix, suffix
	By            string            `toml:"by"`             // shift: the field or var giving the places
}

// condition tests one field or var of a row: a skip rule, or a field's
// when. Exactly one test is set.
type condition struct {
	Field      string   `toml:"field"`
	Empty      *bool    `toml:"empty"`
	Matches    string   `toml:"matches"`
	NotMatches string   `toml:"not_matches"`
	In         []string `toml:"in"`
	NotIn      []string `toml:"not_in"`
	// Warn reports every row a skip rule drops, with Reason.
	Warn   bool   `toml:"warn"`
	Reason string `toml:"reason"`
}

// completeSpec adds a row for every value of Field from From to To that a
// group of rows (the rows sharing the By fields) lacks.
type completeSpec struct {
	By    []string          `toml:"by"`
	Field string            `toml:"field"`
	From  int               `toml:"from"` // 0: the smallest value found
	To    int               `toml:"to"`   // 0: the largest value found
	Set   map[string]string `toml:"set"`
}

// htmlOptions configure the html collector.
type htmlOptions struct {
	common
	Rows     string `toml:"rows"`      // CSS selector of one record
	Next     string `toml:"next"`      // CSS selector of the link to the next page
	MaxPages int    `toml:"max_pages"` // page cap per start URL
	Encoding string `toml:"encoding"`
}

// feedOptions configure the feed collector.
type feedOptions struct {
	common
}

// csvOptions configure the csv collector.
type csvOptions struct {
	common
	Delimiter  string `toml:"delimiter"`
	Encoding   string `toml:"encoding"`
	Header     *bool  `toml:"header"`
	SkipLines  int    `toml:"skip_lines"`
	Comment    string `toml:"comment"`
	Ragged     bool   `toml:"ragged"`
	LazyQuotes bool   `toml:"lazy_quotes"`
	// Unpivot turns a wide table (a column per year) into records.
	Unpivot *unpivotSpec `toml:"unpivot"`
}

// unpivotSpec makes a record of every cell in the columns whose header
// matches Columns, with two more columns: Header (the header's text) and
// Value (the cell).
type unpivotSpec struct {
	Columns string `toml:"columns"`
	Header  string `toml:"header"` // default "header"
	Value   string `toml:"value"`  // default "value"
}

// jsonOptions configure the json collector.
type jsonOptions struct {
	common
	Records   string `toml:"records"`    // path to the records, [] iterating arrays
	KeepEmpty bool   `toml:"keep_empty"` // an empty array still yields one (empty) record
	// Pagination: either Next, or PageParam with a stop rule.
	Next         string `toml:"next"`           // path of the next page's URL
	PageParam    string `toml:"page_param"`     // query parameter of the page number
	FirstPage    *int   `toml:"first_page"`     // default 1
	PerPageParam string `toml:"per_page_param"` // query parameter of the page size
	PerPage      int    `toml:"per_page"`
	Stop         string `toml:"stop"`        // empty (default) or short
	TotalPages   string `toml:"total_pages"` // path of the number of pages
	MaxPages     int    `toml:"max_pages"`
}

// xlsxOptions configure the xlsx collector.
type xlsxOptions struct {
	common
	Sheet      string       `toml:"sheet"`
	SheetIndex int          `toml:"sheet_index"` // from 1
	HeaderRow  int          `toml:"header_row"`  // from 1
	HeaderCell string       `toml:"header_cell"` // the header row is the first holding this text
	Formatted  bool         `toml:"formatted"`   // cells as displayed rather than as stored
	Unpivot    *unpivotSpec `toml:"unpivot"`
}
