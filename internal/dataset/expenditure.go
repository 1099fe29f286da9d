package dataset

import (
	"fmt"
	"regexp"
)

// Measures of military expenditure. The constant-price measure carries its
// base year, so a release that moves the base year shows up as one measure
// replacing another rather than as thousands of revised values.
const (
	MeasureCurrentUSD  = "current_usd"       // current prices and exchange rates
	MeasureShareOfGDP  = "share_of_gdp"      // military expenditure / GDP
	MeasurePerCapita   = "per_capita"        // current US$ per person
	MeasureShareOfGovt = "share_of_govt"     // of general government expenditure
	MeasureLocalFY     = "local_currency_fy" // local currency, financial years
	MeasureLocalCY     = "local_currency_cy" // local currency, calendar years
)

// MeasureConstantUSD returns the measure name for constant US$ at the prices
// and exchange rates of base.
func MeasureConstantUSD(base int) string { return fmt.Sprintf("constant_usd_%d", base) }

// Missing-value kinds: why a cell has no value.
const (
	MissingNotAvailable = "not_available" // SIPRI ". ." / "...": data unavailable
	MissingDidNotExist  = "did_not_exist" // SIPRI "xxx": the state did not exist or was not independent
)

// Names of the sources of military-expenditure rows in the default sources
// file. The pipeline sets every row's source column to the name of the
// source that produced it.
const (
	SourceSIPRI     = "sipri"
	SourceWorldBank = "worldbank"
)

// Expenditure is one military-expenditure figure: one country, year, measure
// and source. A cell the source marks as missing is a record with HasValue
// false and Missing saying why.
type Expenditure struct {
	Country     string // ISO 3166 alpha-3 or a code of package country
	CountryName string
	Year        int
	Measure     string
	Source      string
	Value       float64
	HasValue    bool
	Unit        string // e.g. "US$ m", "fraction", "percent", "local currency"
	Currency    string // local-currency measures: the currency as the source names it
	FiscalYear  string // local-currency measures: the financial year, e.g. "Apr-Mar"
	Missing     string // MissingNotAvailable, MissingDidNotExist or ""
	Estimate    bool   // SIPRI estimate (blue in the workbook)
	Uncertain   bool   // highly uncertain (red in the workbook)
	Notes       string // SIPRI special-note symbols, e.g. "§‖"
	Footnotes   string // numbered footnote references, comma-separated, e.g. "16"
}

// Expenditure field positions, in schema order.
const (
	expCountry = iota
	expCountryName
	expYear
	expMeasure
	expSource
	expValue
	expUnit
	expCurrency
	expFiscalYear
	expMissing
	expEstimate
	expUncertain
	expNotes
	expFootnotes
)

// ExpenditureSchema is the schema of the military-expenditure dataset.
var ExpenditureSchema = &Schema{
	PrimaryKey: []string{"country_iso3", "year", "measure", "source"},
	Fields: []Field{
		{Name: "country_iso3", Title: "Country code", Type: String, Required: true, Dictionary: true,
			Pattern:     iso3,
			Description: "ISO 3166-1 alpha-3 code; former states use ISO 3166-3 codes (SUN, YUG, CSK, DDR) or XYN for North Yemen; XKX is Kosovo."},
		{Name: "country_name", Title: "Country", Type: String, Required: true, Dictionary: true,
			Description: "English short name of the country."},
		{Name: "year", Title: "Year", Type: Integer, Required: true, Min: Range(1900), Max: Range(2100),
			Description: "Calendar year, or the financial year starting in this year for local_currency_fy."},
		{Name: "measure", Title: "Measure", Type: String, Required: true, Dictionary: true,
			Pattern:     regexp.MustCompile(`^(current_usd|share_of_gdp|per_capita|share_of_govt|local_currency_fy|local_currency_cy|constant_usd_[0-9]{4})$`),
			Description: "What the value measures: current_usd, constant_usd_<base year>, share_of_gdp, per_capita, share_of_govt, local_currency_fy or local_currency_cy."},
		{Name: "source", Title: "Source", Type: String, Required: true, Dictionary: true,
			Pattern:     sourceName,
			Description: "Name of the source in the sources file (sipri, worldbank). Where sources overlap both rows are kept, so they can be compared."},
		{Name: "value", Title: "Value", Type: Number, Unit: "see unit", Min: Range(0),
			Description: "The figure as the source published it, in the row's unit; empty where the source marks it missing."},
		{Name: "unit", Title: "Unit", Type: String, Required: true, Dictionary: true,
			Description: "Unit of value: US$ m (millions of US dollars), US$, fraction (0.0345 = 3.45%), percent, or local currency (units of the currency column)."},
		{Name: "currency", Title: "Currency", Type: String, Dictionary: true,
			Description: "Local currency as the source names it, for local-currency measures."},
		{Name: "fiscal_year", Title: "Financial year", Type: String, Dictionary: true,
			Description: "Financial year of a local-currency figure when it is not January-December, as the source states it."},
		{Name: "missing", Title: "Missing value", Type: String, Dictionary: true,
			Enum:        []string{MissingNotAvailable, MissingDidNotExist},
			Description: "Why value is empty: not_available (SIPRI \". .\") or did_not_exist (SIPRI \"xxx\": the state did not exist or was not independent)."},
		{Name: "estimate", Title: "SIPRI estimate", Type: Boolean, Required: true,
			Description: "The source marks the figure as its own estimate (blue in SIPRI's workbook)."},
		{Name: "uncertain", Title: "Highly uncertain", Type: Boolean, Required: true,
			Description: "The source marks the figure as highly uncertain (red in SIPRI's workbook)."},
		{Name: "notes", Title: "Special notes", Type: String, Dictionary: true,
			Description: "SIPRI special-note symbols: † excludes military pensions, ‡ current spending only, § adopted budget, ¶ excludes paramilitary forces, ‖ currency changed or redenominated."},
		{Name: "footnotes", Title: "Footnotes", Type: String, Dictionary: true,
			Description: "Numbers of the source's country footnotes that apply, comma-separated."},
	},
}

// MilitaryExpenditure defines the military-expenditure dataset.
var MilitaryExpenditure = &Definition{
	Name:  "military-expenditure",
	Title: "Military expenditure by country",
	Description: "Military spending of each country per year, in current and constant US dollars, " +
		"as a share of GDP and of government spending, per person and in local currency, as SIPRI " +
		"and the World Bank publish it, with SIPRI's estimate and uncertainty marks and notes.",
	Schema:         ExpenditureSchema,
	RevisionFields: []string{"value"},
	PeriodField:    "year",
	SeriesField:    "measure",
	MarkerField:    "missing",
	Keywords:       []string{"military expenditure", "defence spending", "SIPRI", "World Bank"},
	Method: "Each source's files are fetched from the publisher and parsed cell by cell. Every cell " +
		"of SIPRI's data sheets becomes one row, including the cells SIPRI marks as unavailable or as " +
		"years in which the state did not exist; the font colour SIPRI uses for estimates and highly " +
		"uncertain figures becomes the estimate and uncertain flags. World Bank cells that are empty " +
		"are left out, and regional and income-group aggregates are excluded. Values are kept exactly " +
		"as published, in the unit stated per row.",
}

// ExpenditureTable returns recs as a table of ExpenditureSchema, in the
// order given.
func ExpenditureTable(recs []Expenditure) *Table {
	t := NewTable(ExpenditureSchema, len(recs))
	c := t.Columns
	str := func(col, i int, s string) {
		c[col].Strings = append(c[col].Strings, s)
		c[col].appendValid(i, s != "")
	}
	for i := range recs {
		r := &recs[i]
		c[expCountry].Strings = append(c[expCountry].Strings, r.Country)
		c[expCountryName].Strings = append(c[expCountryName].Strings, r.CountryName)
		c[expYear].Ints = append(c[expYear].Ints, int64(r.Year))
		c[expMeasure].Strings = append(c[expMeasure].Strings, r.Measure)
		c[expSource].Strings = append(c[expSource].Strings, r.Source)
		c[expValue].Numbers = append(c[expValue].Numbers, r.Value)
		c[expValue].appendValid(i, r.HasValue)
		c[expUnit].Strings = append(c[expUnit].Strings, r.Unit)
		str(expCurrency, i, r.Currency)
		str(expFiscalYear, i, r.FiscalYear)
		str(expMissing, i, r.Missing)
		c[expEstimate].Bools = append(c[expEstimate].Bools, r.Estimate)
		c[expUncertain].Bools = append(c[expUncertain].Bools, r.Uncertain)
		str(expNotes, i, r.Notes)
		str(expFootnotes, i, r.Footnotes)
	}
	t.n = len(recs)
	return t
}

// Expenditures returns the rows of a table of ExpenditureSchema as records.
func Expenditures(t *Table) []Expenditure {
	recs := make([]Expenditure, t.Len())
	c := t.Columns
	s := func(col, i int) string {
		if t.IsNull(i, col) {
			return ""
		}
		return c[col].Strings[i]
	}
	for i := range recs {
		recs[i] = Expenditure{
			Country:     c[expCountry].Strings[i],
			CountryName: c[expCountryName].Strings[i],
			Year:        int(c[expYear].Ints[i]),
			Measure:     c[expMeasure].Strings[i],
			Source:      c[expSource].Strings[i],
			Value:       c[expValue].Numbers[i],
			HasValue:    !t.IsNull(i, expValue),
			Unit:        c[expUnit].Strings[i],
			Currency:    s(expCurrency, i),
			FiscalYear:  s(expFiscalYear, i),
			Missing:     s(expMissing, i),
			Estimate:    c[expEstimate].Bools[i],
			Uncertain:   c[expUncertain].Bools[i],
			Notes:       s(expNotes, i),
			Footnotes:   s(expFootnotes, i),
		}
	}
	return recs
}
