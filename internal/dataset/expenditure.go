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
	// MeasureEquipment is the share of defence expenditure spent on major
	// equipment and the research and development devoted to it (NATO's
	// Table 8). NATO's annual real change is not a measure: it is a change,
	// not a level, and follows from the constant-price series.
	MeasureEquipment = "equipment_share"
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
	SourceNATO      = "nato"
)

// Expenditure is one military-expenditure figure: one country, year, measure
// and source. A cell the source marks as missing is a record with HasValue
// false and Missing saying why.
type Expenditure struct {
	Country     string // ISO 3166 alpha-3 or a code of package country
	CountryName string
	// Aggregate marks the figure of an aggregate (the world, a region, an
	// income group, the European Union) rather than of a state.
	Aggregate bool
	Year      int
	Measure   string
	Source    string
	Value     float64 // in Unit
	HasValue  bool
	Unit      string // the measure's unit (see ExpenditureUnits)
	// SourceUnit is the unit the source published the figure in; Value
	// was converted from it by a shift of the decimal point (see
	// ShiftDecimal). Equal to Unit where the source published in it.
	SourceUnit string
	Currency   string // local-currency measures: the currency as the source names it
	FiscalYear string // local-currency measures: the financial year, e.g. "Apr-Mar"
	Missing    string // MissingNotAvailable, MissingDidNotExist or ""
	Estimate   bool   // the source's estimate (SIPRI: blue in the workbook; NATO: a year marked "e")
	Uncertain  bool   // highly uncertain (red in the workbook)
	Notes      string // SIPRI special-note symbols, e.g. "§‖"
	Footnotes  string // numbered footnote references, comma-separated, e.g. "16"
}

// SetValue sets the figure of a record whose source published v in unit
// from: r.Value becomes v in r.Unit, which must be set, by a shift of the
// decimal point, and r.SourceUnit becomes from.
func (r *Expenditure) SetValue(v float64, from string) error {
	x, err := ConvertUnit(v, from, r.Unit)
	if err != nil {
		return err
	}
	r.Value, r.HasValue, r.SourceUnit = x, true, from
	return nil
}

// Expenditure field positions, in schema order.
const (
	expCountry = iota
	expCountryName
	expAggregate
	expYear
	expMeasure
	expSource
	expValue
	expUnit
	expSourceUnit
	expCurrency
	expFiscalYear
	expMissing
	expEstimate
	expUncertain
	expNotes
	expFootnotes
)

// ExpenditureUnits are the units of the military-expenditure measures: one
// unit per measure, whatever the source. Collectors convert what their
// source published into them (Expenditure.SetValue).
var ExpenditureUnits = &Units{
	SeriesField:     "measure",
	UnitField:       "unit",
	SourceUnitField: "source_unit",
	Series: []SeriesUnit{
		{Series: MeasureCurrentUSD, Unit: UnitMillionUSD,
			Meaning: "millions of US dollars at current prices and exchange rates"},
		{Series: "constant_usd_", Prefix: true, Unit: UnitMillionUSD,
			Meaning: "millions of US dollars at the prices and exchange rates of the base year the measure names (constant_usd_2023: 2023)"},
		{Series: MeasureShareOfGDP, Unit: UnitPercent,
			Meaning: "percent of gross domestic product (3.45 is 3.45%)"},
		{Series: MeasureShareOfGovt, Unit: UnitPercent,
			Meaning: "percent of general government expenditure"},
		{Series: MeasurePerCapita, Unit: UnitUSD,
			Meaning: "US dollars per person, at current prices"},
		{Series: MeasureEquipment, Unit: UnitPercent,
			Meaning: "percent of the country's defence expenditure spent on major equipment and the research and development devoted to it (NATO)"},
		{Series: MeasureLocalCY, Unit: UnitLocal,
			Meaning: "whole units of the national currency named in currency, at current prices, calendar years"},
		{Series: MeasureLocalFY, Unit: UnitLocal,
			Meaning: "whole units of the national currency named in currency, at current prices, for the financial year starting in the row's year"},
	},
	Conversions: []Conversion{
		{From: UnitFraction, To: UnitPercent},      // SIPRI's shares of GDP and of government spending
		{From: UnitUSD, To: UnitMillionUSD},        // the World Bank's current US$
		{From: UnitBillionUSD, To: UnitMillionUSD}, // SIPRI's regional totals
	},
}

// ExpenditureSchema is the schema of the military-expenditure dataset.
var ExpenditureSchema = &Schema{
	PrimaryKey: []string{"country_iso3", "year", "measure", "source"},
	Units:      ExpenditureUnits,
	Fields: []Field{
		{Name: "country_iso3", Title: "Country code", Type: String, Required: true, Dictionary: true,
			Pattern: iso3,
			Description: "ISO 3166-1 alpha-3 code; former states use ISO 3166-3 codes (SUN, YUG, CSK, DDR) or XYN for North Yemen; XKX is Kosovo. " +
				"Aggregates (see aggregate) use the World Bank's codes (WLD, EUU, HIC ...), XEU for the European Union's own spending and " +
				"X codes for SIPRI's regions (XAF Africa ... XME Middle East)."},
		{Name: "country_name", Title: "Country", Type: String, Required: true, Dictionary: true,
			Description: "English short name of the country, or the name of the aggregate."},
		{Name: AggregateField, Title: "Aggregate", Type: Boolean, Required: true,
			Backfill: &Backfill{Value: Value{Bool: false}},
			Description: "true for the figure of an aggregate, not a state: the world, a region or an income group (SIPRI's regional totals, " +
				"the World Bank's aggregates) or the European Union's own spending (SIPRI's European Union row). Aggregates are never " +
				"counted or ranked among countries; filter on aggregate = false for states."},
		{Name: "year", Title: "Year", Type: Integer, Required: true, Min: Range(1900), Max: Range(2100),
			Description: "Calendar year, or the financial year starting in this year for local_currency_fy."},
		{Name: "measure", Title: "Measure", Type: String, Required: true, Dictionary: true,
			Pattern: regexp.MustCompile(`^(current_usd|share_of_gdp|per_capita|share_of_govt|equipment_share|local_currency_fy|local_currency_cy|constant_usd_[0-9]{4})$`),
			Description: "What the value measures: current_usd, constant_usd_<base year>, share_of_gdp (NATO: of real GDP), per_capita, share_of_govt, " +
				"equipment_share (NATO: the share of defence expenditure spent on major equipment and its research and development), " +
				"local_currency_fy or local_currency_cy. Each measure has one unit (see unit)."},
		{Name: "source", Title: "Source", Type: String, Required: true, Dictionary: true,
			Pattern:     sourceName,
			Description: "Name of the source in the sources file (sipri, worldbank, nato). Where sources overlap both rows are kept, so they can be compared."},
		{Name: "value", Title: "Value", Type: Number, Unit: "the measure's unit (see unit)", Min: Range(0),
			Description: "The figure in the measure's unit: the source's published digits, with the decimal point moved where the source " +
				"published in another unit (see source_unit), never multiplied in binary floating point. Empty where the source marks it missing."},
		{Name: "unit", Title: "Unit", Type: String, Required: true, Dictionary: true,
			Enum: []string{UnitMillionUSD, UnitPercent, UnitUSD, UnitLocal},
			Description: "Unit of value, one per measure whatever the source: US$ m (millions of US dollars) for current_usd and constant_usd_<base year>; " +
				"percent for share_of_gdp, share_of_govt and equipment_share (3.45 is 3.45%); US$ for per_capita; local currency (whole units of the currency column) " +
				"for local_currency_fy and local_currency_cy."},
		{Name: "source_unit", Title: "Unit as published", Type: String, Required: true, Dictionary: true,
			Enum:     []string{UnitMillionUSD, UnitBillionUSD, UnitPercent, UnitFraction, UnitUSD, UnitLocal},
			Backfill: &Backfill{From: "unit"},
			Description: "The unit the source published the figure in: the same as unit, or US$ (the World Bank's current US$), US$ b (SIPRI's " +
				"regional totals) or fraction (SIPRI's shares: 0.0345 for 3.45%). The published figure is value with its decimal point moved " +
				"back: value / 100 for fraction, value × 1,000,000 for US$, value / 1,000 for US$ b."},
		{Name: "currency", Title: "Currency", Type: String, Dictionary: true,
			Description: "Local currency as the source names it, for local-currency measures."},
		{Name: "fiscal_year", Title: "Financial year", Type: String, Dictionary: true,
			Description: "Financial year of a local-currency figure when it is not January-December, as the source states it."},
		{Name: "missing", Title: "Missing value", Type: String, Dictionary: true,
			Enum:        []string{MissingNotAvailable, MissingDidNotExist},
			Description: "Why value is empty: not_available (SIPRI \". .\"; for a regional total also a total too uncertain to give) or did_not_exist (SIPRI \"xxx\": the state, or every state of the region, did not exist or was not independent)."},
		{Name: "estimate", Title: "Estimate", Type: Boolean, Required: true,
			Description: "The source marks the figure as its own estimate (blue in SIPRI's workbook; for SIPRI's regional totals, red: more than 10% of the total is estimated for countries without data; NATO: a year whose column is marked e, as 2024e)."},
		{Name: "uncertain", Title: "Highly uncertain", Type: Boolean, Required: true,
			Description: "The source marks the figure as highly uncertain (red in SIPRI's country sheets)."},
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
		"as a share of GDP and of government spending, per person and in local currency, as SIPRI, " +
		"the World Bank and NATO publish it, with the sources' estimate and uncertainty marks and notes.",
	Schema:         ExpenditureSchema,
	RevisionFields: []string{"value"},
	PeriodField:    "year",
	SeriesField:    "measure",
	MarkerField:    "missing",
	UnitField:      "unit",
	Keywords:       []string{"military expenditure", "defence spending", "SIPRI", "World Bank", "NATO"},
	Method: "Each source's files are fetched from the publisher and parsed cell by cell. Every cell " +
		"of SIPRI's data sheets and of its regional totals becomes one row, including the cells SIPRI marks as unavailable or as " +
		"years in which the state did not exist; the font colour SIPRI uses for estimates and highly " +
		"uncertain figures becomes the estimate and uncertain flags. World Bank cells that are empty are not rows. " +
		"NATO's tables give a row per ally and year; a year NATO marks as an estimate (2024e) sets the estimate flag, and NATO's " +
		"totals (NATO Europe and Canada, NATO Total) are aggregates. " +
		"SIPRI's European Union row (the EU's own budget) and regional totals and the World Bank's aggregates (the world, " +
		"regions, income groups) are published as aggregates (aggregate = true), never among the countries. Each measure has " +
		"one unit: where a source publishes in another (SIPRI's shares as fractions, its regional totals in US$ b, the World " +
		"Bank's current US$ in dollars) the decimal point of the published digits is moved, never multiplied in binary floating " +
		"point, and source_unit keeps the unit the source published in. What a source's last collection left out of the rows " +
		"is listed with that source.",
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
		c[expAggregate].Bools = append(c[expAggregate].Bools, r.Aggregate)
		c[expYear].Ints = append(c[expYear].Ints, int64(r.Year))
		c[expMeasure].Strings = append(c[expMeasure].Strings, r.Measure)
		c[expSource].Strings = append(c[expSource].Strings, r.Source)
		c[expValue].Numbers = append(c[expValue].Numbers, r.Value)
		c[expValue].appendValid(i, r.HasValue)
		c[expUnit].Strings = append(c[expUnit].Strings, r.Unit)
		su := r.SourceUnit
		if su == "" {
			su = r.Unit // published in the dataset's unit
		}
		c[expSourceUnit].Strings = append(c[expSourceUnit].Strings, su)
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
			Aggregate:   c[expAggregate].Bools[i],
			Year:        int(c[expYear].Ints[i]),
			Measure:     c[expMeasure].Strings[i],
			Source:      c[expSource].Strings[i],
			Value:       c[expValue].Numbers[i],
			HasValue:    !t.IsNull(i, expValue),
			Unit:        c[expUnit].Strings[i],
			SourceUnit:  c[expSourceUnit].Strings[i],
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
