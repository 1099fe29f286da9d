package unmilex

import (
	"encoding/csv"
	"html"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/realdata"
)

// scraped is one row of realdata/unoda_milex: what a third-party scraper
// read from a state's page for a year (see realdata/SOURCES.md, section 4).
type scraped struct {
	iso3, year, kind, currency, unit, total, nilText, singleFigureText string
}

func readScraped(t *testing.T) []scraped {
	t.Helper()
	f, err := os.Open(realdata.Path(t, "unoda_milex", "un_milex_reports_1998-2024_scraped.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var rows []scraped
	for _, r := range recs[1:] {
		rows = append(rows, scraped{iso3: r[col["iso3"]], year: r[col["year"]], kind: r[col["report_kind"]],
			currency: r[col["national_currency"]], unit: r[col["unit_of_measure"]], total: r[col["total_expenditure_all"]],
			nilText: r[col["nil_report_text"]], singleFigureText: r[col["single_figure_report_text"]]})
	}
	return rows
}

// TestRealMembers checks the embedded list against the 193 states whose
// pages the scraper read, the UN members.
func TestRealMembers(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range readScraped(t) {
		seen[r.iso3] = true
	}
	var states []string
	for s := range seen {
		states = append(states, s)
	}
	slices.Sort(states)
	if diff := cmp.Diff(states, Members()); diff != "" {
		t.Errorf("Members() against the scraped states (-scraped +Members):\n%s", diff)
	}
}

// TestRealStatements reads every nil and single-figure statement the scraper
// saved, as the site wrote them, in a page of the site's layout: each must
// be classified as the scraper's row says, name the page's year, and give
// the amount the page's total showed.
func TestRealStatements(t *testing.T) {
	var nils, figures, amounts, garbled int
	for _, r := range readScraped(t) {
		text := r.nilText
		if text == "" {
			text = r.singleFigureText
		}
		if text == "" {
			continue
		}
		body := sitePage("<p>" + html.EscapeString(text) + "</p>" +
			`<div class="currency-and-unit"><p>National Currency</p><p>: ` + html.EscapeString(r.currency) + `</p></div>` +
			`<div class="currency-and-unit"><p>Unit of Measure</p><p>: ` + html.EscapeString(r.unit) + `</p></div>`)
		got, err := Parse(body)
		if err != nil {
			t.Errorf("%s %s: Parse() error = %v", r.iso3, r.year, err)
			continue
		}
		switch r.kind {
		case "nil_report":
			nils++
			if got.Kind != dataset.ReportNil || got.FiscalYear != r.year {
				t.Errorf("%s %s: Parse() = %s of fiscal year %q, want a nil report of %s", r.iso3, r.year, got.Kind, got.FiscalYear, r.year)
			}
		case "single_figure":
			figures++
			if got.Kind != dataset.ReportSingleFigure {
				t.Errorf("%s %s: Parse().Kind = %s, want single_figure", r.iso3, r.year, got.Kind)
			}
			if got.FiscalYear == "[object Object]" {
				// The site's template garbled this one (LUX 2020).
				garbled++
				if got.HasTotal {
					t.Errorf("%s %s: Parse() took %v from a garbled statement", r.iso3, r.year, got.Total)
				}
				continue
			}
			if got.FiscalYear != r.year {
				t.Errorf("%s %s: Parse().FiscalYear = %q, want %s", r.iso3, r.year, got.FiscalYear, r.year)
			}
			if r.total == "" {
				continue
			}
			want, err := strconv.ParseFloat(r.total, 64)
			if err != nil {
				t.Fatal(err)
			}
			amounts++
			if !got.HasTotal || got.Total != want {
				t.Errorf("%s %s: Parse() amount = %v (%v) from %q, want %v", r.iso3, r.year, got.Total, got.HasTotal, text, want)
			}
		default:
			t.Errorf("%s %s: a statement on a %s row", r.iso3, r.year, r.kind)
		}
	}
	// SOURCES.md: 48 nil reports and 45 single-figure reports; 3 of the
	// latter show no total (HRV 2021 "were 0", ISR 2018 and MNG 2019
	// without an amount) and 1 is garbled.
	if nils != 48 || figures != 45 || garbled != 1 || amounts != 41 {
		t.Errorf("read %d nil reports, %d single figures (%d amounts, %d garbled); want 48, 45 (41, 1)", nils, figures, amounts, garbled)
	}
}

// TestRealCurrenciesAndUnits reads every national currency and unit of
// measure the scraper saw.
func TestRealCurrenciesAndUnits(t *testing.T) {
	codes := map[string]bool{}
	var empty, errs int
	for _, r := range readScraped(t) {
		c, warning := parseCurrency(r.currency)
		switch {
		case c.err:
			errs++
		case c.code != "":
			codes[c.code] = true
		case !c.named:
			empty++
		default:
			t.Errorf("%s %s: parseCurrency(%q) = %+v, %q: a currency without a code", r.iso3, r.year, r.currency, c, warning)
		}
		if r.unit != "" && !units[r.unit] {
			t.Errorf("%s %s: unit of measure %q is not one the form offers", r.iso3, r.year, r.unit)
		}
	}
	// SOURCES.md: "()" on 3,980 pages, and 53 without a currency at all
	// (nil reports, read before the currency); "error ()" 28 times.
	if empty != 3980+53 || errs != 28 {
		t.Errorf("read %d empty currencies and %d errors, want %d and 28", empty, errs, 3980+53)
	}
	for _, code := range []string{"EUR", "USD", "XAF", "ALL", "MGA", "CHF"} {
		if !codes[code] {
			t.Errorf("no currency %s among the real pages' currencies", code)
		}
	}
}
