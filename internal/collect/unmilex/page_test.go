package unmilex

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/defence-transparency/publish/internal/dataset"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		text string
		want float64
		ok   bool
	}{
		{"70,105.6", 70105.6, true},
		{"549,424,202,980", 549424202980, true},
		{"525,806,155.29", 525806155.29, true},
		{"1,056,889.4", 1056889.4, true},
		{"2426", 2426, true},
		{"117750000.5", 117750000.5, true},
		{"0", 0, true},
		{"0.9", 0.9, true},
		{" 820,263 ", 820263, true},
		{"", 0, false},
		{"   ", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, ok, err := ParseNumber(tt.text)
			if err != nil || got != tt.want || ok != tt.ok {
				t.Errorf("ParseNumber(%q) = %v, %v, %v; want %v, %v, nil", tt.text, got, ok, err, tt.want, tt.ok)
			}
		})
	}
	for _, text := range []string{"70.105,6", "1,23", "12,3456", "1,234,", ",123", "-5", "+5", "1e5", "1 234",
		"1.234.5", "NaN", "Inf", "0x10", "12 million", "$12", "1,234.", ".5"} {
		t.Run("bad "+text, func(t *testing.T) {
			got, ok, err := ParseNumber(text)
			if !errors.Is(err, ErrNumber) || ok {
				t.Errorf("ParseNumber(%q) = %v, %v, %v; want an error wrapping ErrNumber", text, got, ok, err)
			}
		})
	}
}

func TestParseCurrency(t *testing.T) {
	tests := []struct {
		text string
		want currency
		warn bool
	}{
		{"Euro (EUR)", currency{code: "EUR", named: true}, false},
		{"Albania Lek(e) (ALL)", currency{code: "ALL", named: true}, false},
		{"CFA Franc (BEAC) (XAF)", currency{code: "XAF", named: true}, false},
		{"Malagasy Ariary, Madagascar (MGA)", currency{code: "MGA", named: true}, false},
		{"()", currency{}, false},
		{"", currency{}, false},
		{"error ()", currency{err: true}, true},
		{"Euro", currency{named: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, warning := parseCurrency(tt.text)
			if got != tt.want || (warning != "") != tt.warn {
				t.Errorf("parseCurrency(%q) = %+v, %q; want %+v, warning %v", tt.text, got, warning, tt.want, tt.warn)
			}
		})
	}
}

// TestParseMirrorPages reads each sample page of the bundled mirror: every
// kind of page, and the quirks.
func TestParseMirrorPages(t *testing.T) {
	want := map[string]Report{
		"AFG/2022": {Kind: dataset.ReportNone},
		"ARM/2022": {Kind: dataset.ReportSingleFigure, Currency: "AMD", Unit: "Million", Total: 512300.4, HasTotal: true, FiscalYear: "2022"},
		"ARM/2023": {Kind: dataset.ReportSingleFigure, Currency: "AMD", Unit: "Thousand", Total: 601250000.5, HasTotal: true, FiscalYear: "2023", Remarks: "N/A"},
		"ARM/2024": {Kind: dataset.ReportSingleFigure, Currency: "AMD", Unit: "No Multiplier", Total: 648900120000, HasTotal: true, FiscalYear: "2024"},
		"CYP/2022": {Kind: dataset.ReportFullOrSimplified, Unit: "Million", Total: 412.6, HasTotal: true, Figures: 4,
			Warnings: []string{`the page shows "error ()" in place of the national currency`}},
		"CYP/2023": {Kind: dataset.ReportNone, Warnings: []string{`the page shows "error ()" in place of the national currency`}},
		"CYP/2024": {Kind: dataset.ReportFullOrSimplified, Currency: "EUR", Unit: "Million", Remarks: "undefined",
			Warnings: []string{"the page names a currency but shows no figures: a return without figures"}},
		"DEU/2022": {Kind: dataset.ReportFull, Currency: "EUR", Unit: "Million", Total: 50120.3, HasTotal: true, Figures: 26},
		"DEU/2024": {Kind: dataset.ReportFull, Currency: "EUR", Unit: "Million", Total: 70105.6, HasTotal: true, Figures: 10,
			Remarks: "Federal budget, Einzelplan 14 & special fund \"Sondervermögen Bundeswehr\" <as adopted>.\n" +
				"Specific financing expenditures: Land forces 65.6 / Naval forces 18.3 (million €)."},
		"LIE/2023": {Kind: dataset.ReportNil, FiscalYear: "2023"},
		"LTU/2022": {Kind: dataset.ReportFullOrSimplified, Currency: "EUR", Unit: "Million", Total: 1712, HasTotal: true, Figures: 7},
	}
	files := fixtureFiles()
	for key, w := range want {
		t.Run(key, func(t *testing.T) {
			body := files["en/states/"+key]
			if body == nil {
				t.Fatalf("no sample page %s", key)
			}
			got, err := Parse(body)
			if err != nil {
				t.Fatalf("Parse(%s) error = %v", key, err)
			}
			if diff := cmp.Diff(w, *got, cmpopts.IgnoreFields(Report{}, "Statement")); diff != "" {
				t.Errorf("Parse(%s) mismatch (-want +got):\n%s", key, diff)
			}
		})
	}
}

// sitePage wraps a report's inner HTML in a page of the site.
func sitePage(report string) []byte {
	return []byte(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>x</title></head><body>` +
		`<main><div class="report loaded">` + report + `</div></main></body></html>`)
}

const (
	eurMillion   = `<div class="currency-and-unit"><p>National Currency</p><p>: Euro (EUR)</p></div><div class="currency-and-unit"><p>Unit of Measure</p><p>: Million</p></div>`
	matrixHeader = `<table><tr><th></th><th colspan="3">Force groups</th></tr><tr><th>Cost category</th><th>Land forces</th><th>Naval forces</th><th>Total Expenditure</th></tr>`
)

func headline(total string) string {
	return `<div><h3>Total expenditure</h3><h1>` + total + `</h1></div>`
}

func sfStatement(rest string) string {
	return `<p>The Government of Mongolia, with reference to General Assembly resolution A/RES/, hereby informs the United Nations that its total military expenditures in the fiscal year 2019 were ` + rest + `</p>`
}

// TestParseVariants covers layouts and entries the sample pages do not.
func TestParseVariants(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		want Report
	}{
		{"definition list layout", sitePage(`<dl><dt>National Currency</dt><dd>Swiss Franc (CHF)</dd><dt>Unit of Measure</dt><dd>Million</dd>` +
			`<dt>Explanatory Remarks</dt><dd>Line one<br>Line   two</dd></dl>` + headline("5,317.5")),
			Report{Kind: dataset.ReportFullOrSimplified, Currency: "CHF", Unit: "Million", Total: 5317.5, HasTotal: true, Remarks: "Line one\nLine two"}},
		{"simplified form named", sitePage(`<h2>Simplified reporting form</h2>` + eurMillion + headline("2,426")),
			Report{Kind: dataset.ReportSimplified, Currency: "EUR", Unit: "Million", Total: 2426, HasTotal: true}},
		{"standardized form named", sitePage(`<h3>Standardised form</h3>` + eurMillion + headline("1")),
			Report{Kind: dataset.ReportFull, Currency: "EUR", Unit: "Million", Total: 1, HasTotal: true}},
		{"a form named in the remarks is not a heading", sitePage(eurMillion + headline("1") +
			`<h4>Explanatory remarks</h4><p>We used the simplified form.</p>`),
			Report{Kind: dataset.ReportFullOrSimplified, Currency: "EUR", Unit: "Million", Total: 1, HasTotal: true, Remarks: "We used the simplified form."}},
		{"matrix total without a headline", sitePage(eurMillion + matrixHeader +
			`<tr><th>1. Personnel</th><td>10</td><td></td><td>10</td></tr><tr><th>5. Total (1+2+3+4)</th><td>10</td><td>-</td><td>12.5</td></tr></table>`),
			Report{Kind: dataset.ReportFullOrSimplified, Currency: "EUR", Unit: "Million", Total: 12.5, HasTotal: true, Figures: 4}},
		{"headline and matrix disagree", sitePage(eurMillion + headline("13") + matrixHeader +
			`<tr><th>5. Total (1+2+3+4)</th><td></td><td></td><td>12.5</td></tr></table>`),
			Report{Kind: dataset.ReportFullOrSimplified, Currency: "EUR", Unit: "Million", Total: 13, HasTotal: true, Figures: 1,
				Warnings: []string{"the total expenditure 13 differs from the matrix's total 12.5; the total expenditure is kept"}}},
		{"a sub-line figure makes a full return", sitePage(eurMillion + matrixHeader +
			`<tr><th>3.1.10 Non-Armoured Vehicles</th><td>1,298.2</td><td></td><td></td></tr></table>`),
			Report{Kind: dataset.ReportFull, Currency: "EUR", Unit: "Million", Figures: 1,
				Warnings: []string{"the matrix holds figures but the page gives no total"}}},
		{"matrix cells that are not figures", sitePage(eurMillion + headline("1") + matrixHeader +
			`<tr><th>1. Personnel</th><td>n/a</td><td>x</td><td>1</td></tr></table>`),
			Report{Kind: dataset.ReportFullOrSimplified, Currency: "EUR", Unit: "Million", Total: 1, HasTotal: true, Figures: 1,
				Warnings: []string{`2 matrix cells are not figures and are left out, the first "n/a" in line "1. Personnel"`}}},
		{"unit the form does not offer", sitePage(`<div class="currency-and-unit"><p>National Currency</p><p>: Euro (EUR)</p></div>` +
			`<div class="currency-and-unit"><p>Unit of Measure</p><p>: Hundred</p></div>` + headline("1")),
			Report{Kind: dataset.ReportFullOrSimplified, Currency: "EUR", Unit: "Hundred", Total: 1, HasTotal: true,
				Warnings: []string{`unit of measure "Hundred" is not one the form offers (Thousand, Million, Billion, No Multiplier)`}}},
		{"single figure from the statement alone", sitePage(sfStatement("2,215.2 billion RUB") +
			`<div class="currency-and-unit"><p>National Currency</p><p>: Russian Federation Ruble (RUB)</p></div>` +
			`<div class="currency-and-unit"><p>Unit of Measure</p><p>: Billion</p></div>`),
			Report{Kind: dataset.ReportSingleFigure, Currency: "RUB", Unit: "Billion", Total: 2215.2, HasTotal: true, FiscalYear: "2019"}},
		{"single figure without an amount", sitePage(sfStatement(" billion MNT") +
			`<div class="currency-and-unit"><p>National Currency</p><p>: Mongolia Tugrik (MNT)</p></div>` +
			`<div class="currency-and-unit"><p>Unit of Measure</p><p>: Billion</p></div>` + headline("")),
			Report{Kind: dataset.ReportSingleFigure, Currency: "MNT", Unit: "Billion", FiscalYear: "2019",
				Warnings: []string{"a single-figure report without an amount"}}},
		{"single figure of zero", sitePage(sfStatement("0  HRK") +
			`<div class="currency-and-unit"><p>National Currency</p><p>: Croatia Kuna (HRK)</p></div>` +
			`<div class="currency-and-unit"><p>Unit of Measure</p><p>: No Multiplier</p></div>`),
			Report{Kind: dataset.ReportSingleFigure, Currency: "HRK", Unit: "No Multiplier", Total: 0, HasTotal: true, FiscalYear: "2019"}},
		{"single figure the template garbled", sitePage(`<p>The Government of , with reference to General Assembly resolution A/RES/[object Object], hereby informs the United Nations that its total military expenditures in the fiscal year [object Object] were Luxembourg 74/24 2020</p>` +
			eurMillion + headline("35,826")),
			Report{Kind: dataset.ReportSingleFigure, Currency: "EUR", Unit: "Million", Total: 35826, HasTotal: true, FiscalYear: "[object Object]",
				Warnings: []string{`the statement's amount "Luxembourg 74/24 2020" is not a number`, `the statement says "" where the unit of measure is "Million"`}}},
		{"single figure disagreeing with the total", sitePage(sfStatement("341 million EUR") + eurMillion + headline("314")),
			Report{Kind: dataset.ReportSingleFigure, Currency: "EUR", Unit: "Million", Total: 314, HasTotal: true, FiscalYear: "2019",
				Warnings: []string{"the statement's amount 341 differs from the total expenditure 314; the total expenditure is kept"}}},
		{"single figure in another currency and unit", sitePage(sfStatement("341 thousand USD") + eurMillion),
			Report{Kind: dataset.ReportSingleFigure, Currency: "EUR", Unit: "Million", Total: 341, HasTotal: true, FiscalYear: "2019",
				Warnings: []string{`the statement says "thousand" where the unit of measure is "Million"`,
					"the statement's currency USD differs from the national currency EUR"}}},
		{"single figure without currency and unit fields", sitePage(sfStatement("16.14 billion MYR")),
			Report{Kind: dataset.ReportSingleFigure, Currency: "MYR", Unit: "Billion", Total: 16.14, HasTotal: true, FiscalYear: "2019"}},
		{"single figure under an error for the currency", sitePage(sfStatement("16.14 billion MYR") +
			`<div class="currency-and-unit"><p>National Currency</p><p>: error ()</p></div>`),
			Report{Kind: dataset.ReportSingleFigure, Currency: "MYR", Unit: "Billion", Total: 16.14, HasTotal: true, FiscalYear: "2019",
				Warnings: []string{`the page shows "error ()" in place of the national currency`}}},
		{"return without a currency", sitePage(`<div class="currency-and-unit"><p>National Currency</p><p>: ()</p></div>` + headline("5")),
			Report{Kind: dataset.ReportFullOrSimplified, Total: 5, HasTotal: true, Warnings: []string{"a return without a national currency"}}},
		{"nil report showing a total", sitePage(`<p>The Goverment of Iceland, with reference to General Assembly resolution A/RES/66/20, hereby informs the United Nations that is possesses neither armed nor military forces, and had no military expenditures in the fiscal year 2012.</p>` + headline("0")),
			Report{Kind: dataset.ReportNil, FiscalYear: "2012", Warnings: []string{"a nil report that shows a total expenditure of 0; the total is left out"}}},
		{"no-break spaces and line breaks", sitePage("<div class=\"currency-and-unit\"><p>National\u00a0Currency</p><p>:\n  Euro\u00a0(EUR)</p></div>" +
			"<div class=\"currency-and-unit\"><p>Unit of Measure:</p><p>Million</p></div>" + headline("\n 70,105.6\n")),
			Report{Kind: dataset.ReportFullOrSimplified, Currency: "EUR", Unit: "Million", Total: 70105.6, HasTotal: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.body)
			if err != nil {
				t.Fatalf("Parse() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, *got, cmpopts.IgnoreFields(Report{}, "Statement")); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		want error
	}{
		{"page shell with a spinner", []byte(`<!DOCTYPE html><html><body><app-root><div class="spinner-container"><div class="spinner"></div></div></app-root><script src="/main.js"></script></body></html>`), ErrNotRendered},
		{"report not loaded yet", []byte(`<html><body><div class="report"></div></body></html>`), ErrNotRendered},
		{"error page", []byte(`<html><head><title>Service unavailable</title></head><body><h1>We'll be back soon</h1></body></html>`), ErrFormat},
		{"not html", []byte("\x00\x01PK\x03\x04 binary"), ErrFormat},
		{"empty", nil, ErrFormat},
		{"total in another number format", sitePage(eurMillion + headline("70.105,6")), ErrNumber},
		{"total with a unit", sitePage(eurMillion + headline("70,105.6 million")), ErrNumber},
		{"unknown statement", sitePage(`<p>The Government of X, with reference to General Assembly resolution A/RES/77/33, hereby informs the United Nations that it will report later.</p>`), ErrFormat},
		{"two statements", sitePage(sfStatement("1 million EUR") + sfStatement("2 million EUR")), ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.body)
			if !errors.Is(err, tt.want) || got != nil {
				t.Errorf("Parse() = %+v, %v; want nil, an error wrapping %v", got, err, tt.want)
			}
		})
	}
}

// TestParseNilIsNotNoReport pins the distinction the dataset exists for: a
// nil report is a submission, the empty form is none.
func TestParseNilIsNotNoReport(t *testing.T) {
	files := fixtureFiles()
	nilReport, err := Parse(files["en/states/LIE/2024"])
	if err != nil {
		t.Fatal(err)
	}
	none, err := Parse(files["en/states/AFG/2024"])
	if err != nil {
		t.Fatal(err)
	}
	if nilReport.Kind != dataset.ReportNil || none.Kind != dataset.ReportNone {
		t.Errorf("Parse(LIE/2024).Kind = %q, Parse(AFG/2024).Kind = %q; want %q, %q",
			nilReport.Kind, none.Kind, dataset.ReportNil, dataset.ReportNone)
	}
	if !strings.Contains(nilReport.Statement, "neither armed nor military forces") {
		t.Errorf("Parse(LIE/2024).Statement = %q, want the nil statement", nilReport.Statement)
	}
}
