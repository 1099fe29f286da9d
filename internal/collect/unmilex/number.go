package unmilex

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// ErrNumber reports a figure that is not written as the site writes numbers.
var ErrNumber = errors.New("not a number in the site's format")

// number is a figure as the site prints it: English digit grouping with
// commas ("70,105.6", "549,424,202,980") or no grouping at all ("2426",
// "117750000.5"), a point before the decimals.
var number = regexp.MustCompile(`^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$`)

// ParseNumber parses a figure as the site prints it. Empty text is no
// figure: ok is false and err nil. Anything else that is not a number in the
// site's format (a decimal comma, a sign, a unit, misplaced group commas) is
// an error wrapping ErrNumber, never a guess. The value is the float64
// nearest the decimal text.
func ParseNumber(text string) (v float64, ok bool, err error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return 0, false, nil
	}
	if !number.MatchString(text) {
		return 0, false, fmt.Errorf("%q: %w", text, ErrNumber)
	}
	v, err = strconv.ParseFloat(strings.ReplaceAll(text, ",", ""), 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, false, fmt.Errorf("%q: %w", text, ErrNumber)
	}
	return v, true, nil
}

// Units of measure the form offers, as the page names them.
var units = map[string]bool{"Thousand": true, "Million": true, "Billion": true, "No Multiplier": true}

// currencyCode matches the national currency as the page names it: the
// currency's name and its ISO 4217 code in parentheses, "Euro (EUR)",
// "Albania Lek(e) (ALL)", "CFA Franc (BEAC) (XAF)".
var currencyCode = regexp.MustCompile(`^(.*?)\s*\(([A-Z]{3})\)$`)

// currency is what the page shows for the national currency.
type currency struct {
	code  string // ISO 4217 code, "" when the page gives none
	named bool   // the page names a currency: a report holds one
	err   bool   // "error ()": the page shows an error in place of the currency
}

// parseCurrency reads the page's national currency. Pages without a report
// show "()" (an empty name and code); some show "error ()". A name without
// a code in parentheses is named but has no code, and a warning says so.
func parseCurrency(text string) (c currency, warning string) {
	text = strings.TrimSpace(text)
	switch {
	case text == "" || text == "()":
		return currency{}, ""
	case strings.HasPrefix(strings.ToLower(text), "error"):
		return currency{err: true}, fmt.Sprintf("the page shows %q in place of the national currency", text)
	}
	m := currencyCode.FindStringSubmatch(text)
	if m == nil {
		return currency{named: true}, fmt.Sprintf("national currency %q has no ISO 4217 code in parentheses; the currency is left empty", text)
	}
	return currency{code: m[2], named: true}, ""
}

// format writes a figure for messages.
func format(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
