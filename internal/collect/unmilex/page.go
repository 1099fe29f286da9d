package unmilex

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
)

// Errors that callers test for. Collect wraps them with the page's URL.
var (
	// ErrNotRendered reports a page shell without its report: the site
	// renders the report in the browser, and the server sent the page
	// before that (a loading spinner, an empty report element).
	ErrNotRendered = errors.New("the page holds no rendered report (the site renders it with JavaScript)")
	// ErrFormat reports a document that is not a state's report page, or a
	// report page this parser cannot read.
	ErrFormat = errors.New("not a report page of the UN Milex reporting site")
)

// Report is what a state's page for one year shows.
type Report struct {
	// Kind is one of dataset.ReportFull, ReportSimplified,
	// ReportFullOrSimplified, ReportSingleFigure, ReportNil and ReportNone.
	Kind string
	// Currency is the ISO 4217 code of the national currency of the
	// figures, "" when the page names none.
	Currency string
	// Unit is the unit of measure as the page names it: Thousand,
	// Million, Billion or No Multiplier; "" when there is no return.
	Unit string
	// Total is the total military expenditure as reported, in Currency
	// and Unit; HasTotal is false when the page gives none.
	Total    float64
	HasTotal bool
	// Statement is the text of a nil or single-figure report, and
	// FiscalYear the year it names, as written.
	Statement  string
	FiscalYear string
	// Remarks are the state's explanatory remarks, with line breaks.
	Remarks string
	// Figures counts the cells of the expenditure matrix that hold a
	// figure.
	Figures int
	// Warnings are oddities of the page that the parser could handle: an
	// error shown in place of the currency, a statement whose amount is
	// not a number, totals that disagree.
	Warnings []string
}

func (r *Report) warn(format string, args ...any) {
	r.Warnings = append(r.Warnings, fmt.Sprintf(format, args...))
}

// Statements of the single-figure and nil report forms, which the site
// writes out from the state's entries: "The Government of Armenia, with
// reference to General Assembly resolution A/RES/74/24, hereby informs the
// United Nations that its total military expenditures in the fiscal year
// 2019 were 298,100.2 million AMD", and "... hereby informs the United
// Nations that is possesses neither armed nor military forces, and had no
// military expenditures in the fiscal year 2019."
var (
	informs      = "hereby informs the united nations that"
	singleFigure = regexp.MustCompile(`(?i)hereby informs the United Nations that its total military expenditures? in the fiscal year (.*?) were(?:\s+(.*))?$`)
	nilStatement = regexp.MustCompile(`(?i)hereby informs the United Nations that .*(?:no military expenditures?|neither armed nor military forces|no armed forces|does not (?:possess|have) (?:any )?(?:armed|military) forces)`)
	nilYear      = regexp.MustCompile(`(?i)in the fiscal year (\S+?)\.?$`)
	code3        = regexp.MustCompile(`^[A-Z]{3}$`)
)

// formLabel is a heading that names the form of a return.
var formLabel = regexp.MustCompile(`(?i)\b(standardi[sz]ed|simplified)\s+(?:reporting\s+)?form\b`)

// Parse reads a state's page for one year, as the browser renders it. A page
// shell without its report is an error wrapping ErrNotRendered; anything
// else it cannot read is an error wrapping ErrFormat or ErrNumber.
func Parse(body []byte) (*Report, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("read html: %w: %w", ErrFormat, err)
	}
	report := doc.Find(".report.loaded").First()
	if report.Length() == 0 {
		if doc.Find(".spinner-container, .report").Length() > 0 {
			return nil, ErrNotRendered
		}
		return nil, fmt.Errorf("no report element (div.report.loaded): %w", ErrFormat)
	}
	r := &Report{}
	root := doc.Selection

	if v, ok := labelled(root, "Explanatory remarks"); ok {
		r.Remarks = collect.NodeText(v.Nodes...)
	}
	var statements []string
	report.Find("p").Each(func(_ int, p *goquery.Selection) {
		if t := inline(p.Text()); strings.Contains(strings.ToLower(t), informs) {
			statements = append(statements, t)
		}
	})
	if len(statements) > 1 {
		return nil, fmt.Errorf("%d report statements, want at most one: %w", len(statements), ErrFormat)
	}

	curText := labelledText(root, "National Currency")
	cur, warning := parseCurrency(curText)
	if warning != "" {
		r.warn("%s", warning)
	}
	unit := labelledText(root, "Unit of Measure")
	totalText := labelledText(root, "Total expenditure")
	headline, hasHeadline, err := ParseNumber(totalText)
	if err != nil {
		return nil, fmt.Errorf("total expenditure: %w", err)
	}
	m := readMatrix(root)
	r.Figures = m.figures
	r.Warnings = append(r.Warnings, m.warnings...)

	if len(statements) == 1 {
		if err := r.statement(statements[0], cur, unit, headline, hasHeadline); err != nil {
			return nil, err
		}
		return r, nil
	}

	switch {
	case hasHeadline:
		r.Total, r.HasTotal = headline, true
		if m.hasTotal && m.total != headline {
			r.warn("the total expenditure %s differs from the matrix's total %s; the total expenditure is kept",
				format(headline), format(m.total))
		}
	case m.hasTotal:
		r.Total, r.HasTotal = m.total, true
	}
	if !r.HasTotal && m.figures == 0 && !cur.named {
		// The empty form: "()" for the currency and the default unit.
		r.Kind = dataset.ReportNone
		return r, nil
	}
	if !r.HasTotal && m.figures == 0 {
		r.warn("the page names a currency but shows no figures: a return without figures")
	} else if !r.HasTotal {
		r.warn("the matrix holds figures but the page gives no total")
	}
	r.Kind = dataset.ReportFullOrSimplified
	switch form := formOf(report); {
	case form != "":
		r.Kind = form
	case m.subLines:
		// Only the standardized form has sub-lines (1.1 Conscripts,
		// 3.1.1 Aircraft and Engines); the simplified form has the four
		// resource costs alone.
		r.Kind = dataset.ReportFull
	}
	r.Currency = cur.code
	if !cur.named && !cur.err {
		r.warn("a return without a national currency")
	}
	r.Unit = unit
	if unit != "" && !units[unit] {
		r.warn("unit of measure %q is not one the form offers (Thousand, Million, Billion, No Multiplier)", unit)
	}
	return r, nil
}

// statement reads a nil or single-figure report.
func (r *Report) statement(text string, cur currency, unit string, headline float64, hasHeadline bool) error {
	r.Statement = text
	if m := singleFigure.FindStringSubmatch(text); m != nil {
		r.Kind = dataset.ReportSingleFigure
		r.FiscalYear = strings.TrimSpace(m[1])
		r.Currency, r.Unit = cur.code, unit
		amount, hasAmount, word, code := r.statementAmount(m[2])
		switch {
		case hasHeadline:
			r.Total, r.HasTotal = headline, true
			if hasAmount && amount != headline {
				r.warn("the statement's amount %s differs from the total expenditure %s; the total expenditure is kept",
					format(amount), format(headline))
			}
		case hasAmount:
			r.Total, r.HasTotal = amount, true
		default:
			r.warn("a single-figure report without an amount")
		}
		if want := strings.ToLower(unit); unit != "" && word != want && !(word == "" && unit == "No Multiplier") {
			r.warn("the statement says %q where the unit of measure is %q", word, unit)
		}
		if code != "" && cur.code != "" && code != cur.code {
			r.warn("the statement's currency %s differs from the national currency %s", code, cur.code)
		}
		if code != "" && cur.code == "" {
			r.Currency = code
		}
		if unit == "" && word != "" {
			r.Unit = strings.ToUpper(word[:1]) + word[1:]
		}
		return nil
	}
	if nilStatement.MatchString(text) {
		r.Kind = dataset.ReportNil
		if m := nilYear.FindStringSubmatch(text); m != nil {
			r.FiscalYear = m[1]
		}
		if hasHeadline {
			r.warn("a nil report that shows a total expenditure of %s; the total is left out", format(headline))
		}
		return nil
	}
	return fmt.Errorf("statement %q is neither a nil nor a single-figure report: %w", text, ErrFormat)
}

// statementAmount reads the end of a single-figure statement: "298,100.2
// million AMD", "549,424,202,980  AMD" (no multiplier), " billion MNT" (no
// amount entered).
func (r *Report) statementAmount(rest string) (amount float64, ok bool, word, code string) {
	f := strings.Fields(rest)
	if n := len(f); n > 0 && code3.MatchString(f[n-1]) {
		code, f = f[n-1], f[:n-1]
	}
	if n := len(f); n > 0 {
		switch w := strings.ToLower(f[n-1]); w {
		case "thousand", "million", "billion":
			word, f = w, f[:n-1]
		}
	}
	text := strings.Join(f, " ")
	amount, ok, err := ParseNumber(text)
	if err != nil {
		r.warn("the statement's amount %q is not a number", text)
		return 0, false, word, code
	}
	return amount, ok, word, code
}

// formOf returns the form a heading of the report names, or "".
func formOf(report *goquery.Selection) string {
	form := ""
	report.Find("h1, h2, h3, h4, h5, h6, caption, legend").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		m := formLabel.FindStringSubmatch(inline(s.Text()))
		if m == nil {
			return true
		}
		if strings.EqualFold(m[1], "simplified") {
			form = dataset.ReportSimplified
		} else {
			form = dataset.ReportFull
		}
		return false
	})
	return form
}

// labelTags are the elements a field's label is in: a definition term, a
// paragraph (div.currency-and-unit holds <p>National Currency</p><p>: Euro
// (EUR)</p>), a heading (<h3>Total expenditure</h3><h1>70,105.6</h1>).
const labelTags = "dt, p, h2, h3, h4, h5, h6, span, label, strong, b"

// labelled returns the element that follows the first element outside the
// matrix whose whole text is label, ignoring case and a trailing colon:
// the dd of a dt, else the next sibling element.
func labelled(root *goquery.Selection, label string) (*goquery.Selection, bool) {
	var value *goquery.Selection
	root.Find(labelTags).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if !sameLabel(s.Text(), label) || s.Closest("table").Length() > 0 {
			return true
		}
		value = s.Next()
		if goquery.NodeName(s) == "dt" {
			value = s.NextFiltered("dd")
		}
		return false
	})
	return value, value != nil
}

// labelledText returns the text after label on one line, without the
// colon that may open it, or "" when the page has no such label.
func labelledText(root *goquery.Selection, label string) string {
	v, ok := labelled(root, label)
	if !ok {
		return ""
	}
	return strings.TrimSpace(strings.TrimPrefix(inline(v.Text()), ":"))
}

func sameLabel(text, label string) bool {
	t := strings.TrimSpace(strings.TrimSuffix(inline(text), ":"))
	return strings.EqualFold(t, label)
}

// inline returns text on one line, runs of white space (no-break spaces
// too) made one space.
func inline(text string) string {
	return strings.Join(strings.FieldsFunc(text, isSpace), " ")
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', '\u00a0', '\u2007', '\u202f':
		return true
	}
	return false
}
