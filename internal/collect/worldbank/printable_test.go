package worldbank

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestParseErrorsArePrintable is the regression test of the fuzzers'
// findings (testdata/fuzz/FuzzParse, FuzzParseMembers): an error quoting a
// code or a ZIP member name that is not valid UTF-8 wrote those bytes into
// the message, which reaches the run status and the sources page.
func TestParseErrorsArePrintable(t *testing.T) {
	csv := "\"Data Source\",\"World Development Indicators\",\n\n" +
		"\"Last Updated Date\",\"2026-02-24\",\n\n" +
		"\"Country Name\",\"Country Code\",\"Indicator Name\",\"Indicator Code\",\"2020\",\n" +
		"\"Aruba\",\"ABW\",\"Military expenditure (% of GDP)\",\"MS.MIL.XPND.GD.ZS\",\"1\",\n" +
		"\"Chad\",\"TCD\",\"Military expenditure (% of GDP)\",\"MS.\xc1MIL.XPND.GD.ZS\",\"2\",\n"
	_, _, err := Parse("data.csv", []byte(csv))
	if err == nil {
		t.Fatal("Parse accepted two indicators in one file")
	}
	if !utf8.ValidString(err.Error()) || !strings.Contains(err.Error(), `MS.\xc1MIL`) {
		t.Errorf("error = %q, want valid UTF-8 that shows the bad byte as \\xc1", err)
	}
	if !errors.Is(err, ErrIndicator) {
		t.Errorf("error %v does not wrap ErrIndicator", err)
	}
}
