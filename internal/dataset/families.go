package dataset

import (
	"regexp"
	"strings"
)

// Fields several datasets share.
var (
	httpURL  = regexp.MustCompile(`^https?://[^\s]+$`)
	iso3     = regexp.MustCompile(`^[A-Z]{3}$`)
	codeName = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`)
)

func countryField(required bool) Field {
	return Field{Name: "country_iso3", Title: "Country code", Type: String, Required: required, Dictionary: true,
		Pattern:     iso3,
		Description: "ISO 3166-1 alpha-3 code of the state; former states use ISO 3166-3 codes (SUN, YUG, CSK, DDR) or XYN for North Yemen; XKX is Kosovo."}
}

func countryNameField() Field {
	return Field{Name: "country_name", Title: "Country", Type: String, Required: true, Dictionary: true,
		Description: "English short name of the country."}
}

func sourceField() Field {
	return Field{Name: SourceField, Title: "Source", Type: String, Required: true, Dictionary: true, Pattern: sourceName,
		Description: "Name of the source in the sources file that published the row."}
}

func linkField(required bool, what string) Field {
	return Field{Name: "link", Title: "Link", Type: String, Required: required, Pattern: httpURL,
		Description: "Address of " + what + " on the publisher's site."}
}

// Report kinds of the cbm-reports dataset. A nil report is a submission:
// the state reports that it has nothing to report, which is participation,
// never the same as no report.
const (
	ReportFull             = "full"               // UN Milex standardized form
	ReportSimplified       = "simplified"         // UN Milex simplified form
	ReportFullOrSimplified = "full_or_simplified" // a return whose form the source does not say
	ReportSingleFigure     = "single_figure"      // a single total
	ReportNil              = "nil_report"         // a submission stating nothing to report
	ReportSubmitted        = "submitted"          // a report whose form the source does not give (UNROCA)
	ReportNone             = "no_report"          // no submission for the year
)

// Instruments of the cbm-reports dataset.
const (
	InstrumentMilex  = "un_milex" // UN Report on Military Expenditures
	InstrumentUNROCA = "unroca"   // UN Register of Conventional Arms
	InstrumentATT    = "att"      // Arms Trade Treaty annual reports on exports and imports
)

// MultiplierPlaces returns the places by which the UN Milex form's unit of
// measure moves the decimal point of a reported figure: 3 for Thousand, 6
// for Million, 9 for Billion, 0 for No Multiplier or none. It reports false
// for any other unit.
func MultiplierPlaces(unit string) (int, bool) {
	switch strings.ToLower(strings.Join(strings.Fields(unit), " ")) {
	case "", "no multiplier":
		return 0, true
	case "thousand":
		return 3, true
	case "million":
		return 6, true
	case "billion":
		return 9, true
	}
	return 0, false
}

// CBMSchema is the schema of the cbm-reports dataset.
var CBMSchema = &Schema{
	PrimaryKey: []string{"country_iso3", "instrument", "year"},
	Fields: []Field{
		countryField(true),
		countryNameField(),
		{Name: "instrument", Title: "Instrument", Type: String, Required: true, Dictionary: true, Pattern: codeName,
			Description: "The confidence-building instrument: un_milex (UN Report on Military Expenditures), unroca (UN Register of Conventional Arms) " +
				"or att (the Arms Trade Treaty's annual reports on exports and imports, which only its States Parties owe)."},
		{Name: "year", Title: "Year", Type: Integer, Required: true, Min: Range(1990), Max: Range(2100),
			Description: "The year the report covers, as the instrument's own site labels it."},
		{Name: "report_kind", Title: "Report", Type: String, Required: true, Dictionary: true,
			Enum: []string{ReportFull, ReportSimplified, ReportFullOrSimplified, ReportSingleFigure, ReportNil, ReportSubmitted, ReportNone},
			Description: "What the state submitted: full (standardized) or simplified return, full_or_simplified when the source does not say which, " +
				"single_figure, nil_report (a submission stating there is nothing to report: participation, not silence), " +
				"submitted (a report whose form the source does not give), or no_report."},
		{Name: "submitted", Title: "Submitted on", Type: Date,
			Description: "Date the report was submitted, where the source gives it."},
		{Name: "currency", Title: "Currency", Type: String, Dictionary: true,
			Description: "UN Milex: the national currency of the reported figures."},
		{Name: "unit_of_measure", Title: "Unit of measure", Type: String, Dictionary: true,
			Description: "UN Milex: the multiplier of the reported figures as the form states it (Thousand, Million, Billion, No Multiplier). " +
				"The figure as reported is total with its decimal point moved back: total / 1,000 for Thousand, / 1,000,000 for Million, / 1,000,000,000 for Billion."},
		{Name: "total", Title: "Total reported", Type: Number, Unit: "whole units of currency", Min: Range(0),
			Description: "UN Milex: total military expenditure as reported, in whole units of the row's currency, whatever multiplier the " +
				"state reported in (see unit_of_measure): the reported digits with the decimal point moved, so that totals reported in " +
				"thousands and in millions read alike. A total reported with a multiplier the form does not offer is left out."},
		{Name: "public", Title: "Public", Type: Boolean, Backfill: &Backfill{Value: Value{Null: true}},
			Description: "ATT: whether the State Party made its report public (true) or asked the Secretariat to keep it from the public area " +
				"of the website (false). Empty for no_report and for instruments that do not say."},
		linkField(false, "the report or the state's page"),
		sourceField(),
	},
}

// CBMReports defines the cbm-reports dataset.
var CBMReports = &Definition{
	Name:  "cbm-reports",
	Title: "Reporting to the UN confidence-building instruments",
	Description: "Which states report to the UN Report on Military Expenditures, the UN Register of " +
		"Conventional Arms and, as States Parties, the Arms Trade Treaty, year by year, and in what form: a full or " +
		"simplified return, a single figure, a nil report (a submission saying there is nothing to report), or no report.",
	Schema:         CBMSchema,
	RevisionFields: []string{"report_kind", "total"},
	PeriodField:    "year",
	SeriesField:    "instrument",
	Keywords:       []string{"confidence-building measures", "UN Report on Military Expenditures", "UNROCA", "Arms Trade Treaty", "transparency"},
	Method: "For UN Milex, each state's page on the UNODA reporting site for each year is read; a page with " +
		"figures is a return, a page with a single total a single-figure report, a page with a nil statement a " +
		"nil report, and a page without a submission no report. For UNROCA, the register's API lists the years " +
		"each state reported; the other years since 1992 are no report. For the ATT, the Secretariat's list of annual " +
		"reports gives each State Party's reports by year, public or not, nil or not; a year the treaty was in force for " +
		"a State Party from its first day (entry into force from the Secretariat's list of States Parties) without a report " +
		"is no report, and a year before is no row at all. Nil reports are submissions and are counted as participation.",
}

// Auditors of the audit-outcomes dataset.
const (
	AuditorGAO = "us_gao" // US Government Accountability Office
	AuditorNAO = "uk_nao" // UK National Audit Office
	AuditorECA = "eu_eca" // European Court of Auditors
)

// AuditSchema is the schema of the audit-outcomes dataset.
var AuditSchema = &Schema{
	PrimaryKey: []string{"auditor", "report_id"},
	Fields: []Field{
		{Name: "auditor", Title: "Auditor", Type: String, Required: true, Dictionary: true, Pattern: codeName,
			Description: "The audit institution: us_gao (US Government Accountability Office), uk_nao (UK National Audit Office), eu_eca (European Court of Auditors)."},
		{Name: "report_id", Title: "Report", Type: String, Required: true,
			Description: "The auditor's own identifier of the report (GAO-24-106256, the NAO's report slug, ECA special report 12/2024)."},
		countryField(false),
		{Name: "jurisdiction", Title: "Jurisdiction", Type: String, Required: true, Dictionary: true,
			Description: "Whose defence spending the audit concerns: a country's name, or European Union."},
		{Name: "published", Title: "Published on", Type: Date, Required: true,
			Description: "Date the auditor published the report."},
		{Name: "title", Title: "Title", Type: String, Required: true, Description: "Title of the report."},
		{Name: "subject", Title: "Subject", Type: String, Dictionary: true,
			Description: "Topic the auditor files the report under, where it gives one."},
		{Name: "recommendations", Title: "Recommendations", Type: Integer, Min: Range(0),
			Description: "Number of recommendations the report makes, where stated."},
		linkField(true, "the report"),
		sourceField(),
	},
}

// AuditOutcomes defines the audit-outcomes dataset.
var AuditOutcomes = &Definition{
	Name:  "audit-outcomes",
	Title: "Audit reports on defence",
	Description: "Reports of national and European audit institutions on defence spending and " +
		"programmes: who audited what, when, with how many recommendations, and where to read it.",
	Schema:         AuditSchema,
	RevisionFields: []string{"title", "published", "recommendations"},
	Keywords:       []string{"audit", "GAO", "National Audit Office", "European Court of Auditors", "defence"},
	Method: "The auditors' report listings on defence (the GAO's Department of Defense listing and reports feed, " +
		"the NAO's defence listing, the European Court of Auditors' special reports) are read page by page; each " +
		"report becomes one row with the auditor's identifier, date, title and link, and the number of " +
		"recommendations where the listing states it.",
}

// Publishers of the risk-reports dataset.
const (
	PublisherGPI          = "gpi"          // Global Peace Index, Institute for Economics & Peace
	PublisherINFORM       = "inform"       // INFORM Risk Index, EU Joint Research Centre
	PublisherCrisisGroup  = "crisis_group" // CrisisWatch, International Crisis Group
	CrisisWatchTrend      = "crisiswatch_trend"
	CrisisWatchAlert      = "crisiswatch_alert"      // a conflict risk alert
	CrisisWatchResolution = "crisiswatch_resolution" // a resolution opportunity
	TrendDeteriorated     = "deteriorated"
	TrendImproved         = "improved"
	TrendUnchanged        = "unchanged"
	AlertConflictRisk     = "conflict_risk_alert"
	AlertResolutionChance = "resolution_opportunity"
)

// RiskSchema is the schema of the risk-reports dataset.
var RiskSchema = &Schema{
	PrimaryKey: []string{"publisher", "country_iso3", "period", "indicator"},
	Fields: []Field{
		{Name: "publisher", Title: "Publisher", Type: String, Required: true, Dictionary: true, Pattern: codeName,
			Description: "The index or report: gpi (Global Peace Index), inform (INFORM Risk Index), crisis_group (CrisisWatch)."},
		countryField(true),
		countryNameField(),
		{Name: "period", Title: "Period", Type: String, Required: true, Dictionary: true,
			Pattern:     regexp.MustCompile(`^[0-9]{4}(-[0-9]{2})?$`),
			Description: "The year (2025) or month (2025-05) the publisher assigns the figure to: the GPI and INFORM release year, the CrisisWatch month."},
		{Name: "indicator", Title: "Indicator", Type: String, Required: true, Dictionary: true, Pattern: codeName,
			Description: "What is measured, e.g. gpi_overall_score, gpi_overall_rank, gpi_militarisation, inform_risk, crisiswatch_trend, crisiswatch_alert (conflict risk alert), crisiswatch_resolution (resolution opportunity)."},
		{Name: "value", Title: "Value", Type: Number, Unit: "see unit",
			Description: "The score or rank as published; empty for categories."},
		{Name: "unit", Title: "Unit", Type: String, Dictionary: true,
			Description: "Scale of value, e.g. score 1-5 (1 = most peaceful), rank, score 0-10 (10 = highest risk)."},
		{Name: "category", Title: "Category", Type: String, Dictionary: true,
			Description: "For CrisisWatch: deteriorated, improved or unchanged; conflict_risk_alert or resolution_opportunity."},
		{Name: "summary", Title: "Summary", Type: String,
			Description: "The publisher's own short text for the entry, where it gives one (CrisisWatch)."},
		linkField(false, "the entry"),
		sourceField(),
	},
}

// RiskReports defines the risk-reports dataset.
var RiskReports = &Definition{
	Name:  "risk-reports",
	Title: "Risk context: peace, risk and crisis indicators",
	Description: "The risk context of each country: Global Peace Index scores and ranks, the INFORM Risk " +
		"Index, and Crisis Group's monthly CrisisWatch trends and alerts, each figure attributed to its publisher.",
	Schema:         RiskSchema,
	RevisionFields: []string{"value", "category"},
	PeriodField:    "period",
	SeriesField:    "indicator",
	UnitField:      "unit",
	Keywords:       []string{"Global Peace Index", "INFORM", "CrisisWatch", "conflict risk"},
	Method: "The Global Peace Index public-release workbook and the INFORM trend workbook are parsed sheet by " +
		"sheet; cells that hold spreadsheet errors are reported and left out. CrisisWatch's monthly entries are " +
		"read from its paginated listing, one row per country and month for the trend and one per alert.",
}
