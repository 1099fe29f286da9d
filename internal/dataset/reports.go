package dataset

import "fmt"

// Typed records of cbm-reports, audit-outcomes and risk-reports, as
// Expenditure is of military-expenditure: collectors make tables of them
// and the site reads them back, so that a misspelt field is a compile
// error rather than an empty column. In each, the empty string is null.

// CBMReport is one row of cbm-reports: what a state reported to one
// instrument for one year.
type CBMReport struct {
	Country       string // ISO 3166 alpha-3 code
	CountryName   string
	Instrument    string // InstrumentMilex, InstrumentUNROCA, ...
	Year          int
	Kind          string // ReportFull, ..., ReportNil, ReportNone
	Submitted     string // YYYY-MM-DD, or ""
	Currency      string // UN Milex: the national currency of the figures
	UnitOfMeasure string // UN Milex: Thousand, Million, Billion, No Multiplier
	Total         float64
	HasTotal      bool
	// Public says whether the state made the report public (ATT), where
	// HasPublic.
	Public, HasPublic bool
	Link              string
	Source            string
}

// CBMReport field positions, in schema order.
const (
	cbmCountry = iota
	cbmCountryName
	cbmInstrument
	cbmYear
	cbmKind
	cbmSubmitted
	cbmCurrency
	cbmUnitOfMeasure
	cbmTotal
	cbmPublic
	cbmLink
	cbmSource
)

// CBMTable returns recs as a table of CBMSchema, in the order given.
func CBMTable(recs []CBMReport) *Table {
	t := NewTable(CBMSchema, len(recs))
	for i := range recs {
		r := &recs[i]
		t.str(cbmCountry, i, r.Country)
		t.str(cbmCountryName, i, r.CountryName)
		t.str(cbmInstrument, i, r.Instrument)
		t.Columns[cbmYear].Ints = append(t.Columns[cbmYear].Ints, int64(r.Year))
		t.str(cbmKind, i, r.Kind)
		t.str(cbmSubmitted, i, r.Submitted)
		t.str(cbmCurrency, i, r.Currency)
		t.str(cbmUnitOfMeasure, i, r.UnitOfMeasure)
		t.num(cbmTotal, i, r.Total, r.HasTotal)
		c := &t.Columns[cbmPublic]
		c.Bools = append(c.Bools, r.Public)
		c.appendValid(i, r.HasPublic)
		t.str(cbmLink, i, r.Link)
		t.str(cbmSource, i, r.Source)
	}
	t.n = len(recs)
	return t
}

// CBMReportsOf returns the rows of a table of CBMSchema as records.
func CBMReportsOf(t *Table) ([]CBMReport, error) {
	if !t.Schema.SameFields(CBMSchema) {
		return nil, fmt.Errorf("dataset: table is not of the %s schema", CBMReports.Name)
	}
	recs := make([]CBMReport, t.Len())
	for i := range recs {
		recs[i] = CBMReport{
			Country:       t.text(cbmCountry, i),
			CountryName:   t.text(cbmCountryName, i),
			Instrument:    t.text(cbmInstrument, i),
			Year:          int(t.Columns[cbmYear].Ints[i]),
			Kind:          t.text(cbmKind, i),
			Submitted:     t.text(cbmSubmitted, i),
			Currency:      t.text(cbmCurrency, i),
			UnitOfMeasure: t.text(cbmUnitOfMeasure, i),
			Total:         t.Columns[cbmTotal].Numbers[i],
			HasTotal:      !t.IsNull(i, cbmTotal),
			Public:        t.Columns[cbmPublic].Bools[i],
			HasPublic:     !t.IsNull(i, cbmPublic),
			Link:          t.text(cbmLink, i),
			Source:        t.text(cbmSource, i),
		}
	}
	return recs, nil
}

// AuditReport is one row of audit-outcomes: one report of an auditor.
type AuditReport struct {
	Auditor            string // AuditorGAO, AuditorNAO, AuditorECA, ...
	ReportID           string // the auditor's own identifier
	Country            string // ISO 3166 alpha-3 code, or "" for a report on no single state
	Jurisdiction       string // a country's name, or European Union
	Published          string // YYYY-MM-DD
	Title              string
	Subject            string
	Recommendations    int
	HasRecommendations bool
	Link               string
	Source             string
}

// AuditReport field positions, in schema order.
const (
	auditAuditor = iota
	auditReportID
	auditCountry
	auditJurisdiction
	auditPublished
	auditTitle
	auditSubject
	auditRecommendations
	auditLink
	auditSource
)

// AuditTable returns recs as a table of AuditSchema, in the order given.
func AuditTable(recs []AuditReport) *Table {
	t := NewTable(AuditSchema, len(recs))
	for i := range recs {
		r := &recs[i]
		t.str(auditAuditor, i, r.Auditor)
		t.str(auditReportID, i, r.ReportID)
		t.str(auditCountry, i, r.Country)
		t.str(auditJurisdiction, i, r.Jurisdiction)
		t.str(auditPublished, i, r.Published)
		t.str(auditTitle, i, r.Title)
		t.str(auditSubject, i, r.Subject)
		c := &t.Columns[auditRecommendations]
		c.Ints = append(c.Ints, int64(r.Recommendations))
		c.appendValid(i, r.HasRecommendations)
		t.str(auditLink, i, r.Link)
		t.str(auditSource, i, r.Source)
	}
	t.n = len(recs)
	return t
}

// AuditReportsOf returns the rows of a table of AuditSchema as records.
func AuditReportsOf(t *Table) ([]AuditReport, error) {
	if !t.Schema.SameFields(AuditSchema) {
		return nil, fmt.Errorf("dataset: table is not of the %s schema", AuditOutcomes.Name)
	}
	recs := make([]AuditReport, t.Len())
	for i := range recs {
		recs[i] = AuditReport{
			Auditor:            t.text(auditAuditor, i),
			ReportID:           t.text(auditReportID, i),
			Country:            t.text(auditCountry, i),
			Jurisdiction:       t.text(auditJurisdiction, i),
			Published:          t.text(auditPublished, i),
			Title:              t.text(auditTitle, i),
			Subject:            t.text(auditSubject, i),
			Recommendations:    int(t.Columns[auditRecommendations].Ints[i]),
			HasRecommendations: !t.IsNull(i, auditRecommendations),
			Link:               t.text(auditLink, i),
			Source:             t.text(auditSource, i),
		}
	}
	return recs, nil
}

// RiskReport is one row of risk-reports: one publisher's figure or
// category for one state, period and indicator.
type RiskReport struct {
	Publisher   string // PublisherGPI, PublisherINFORM, PublisherCrisisGroup, ...
	Country     string // ISO 3166 alpha-3 code
	CountryName string
	Period      string // a year (2025) or a month (2025-05)
	Indicator   string // gpi_overall_score, inform_risk, CrisisWatchTrend, ...
	Value       float64
	HasValue    bool
	Unit        string
	Category    string // CrisisWatch: TrendDeteriorated, ..., AlertConflictRisk, ...
	Summary     string
	Link        string
	Source      string
}

// RiskReport field positions, in schema order.
const (
	riskPublisher = iota
	riskCountry
	riskCountryName
	riskPeriod
	riskIndicator
	riskValue
	riskUnit
	riskCategory
	riskSummary
	riskLink
	riskSource
)

// RiskTable returns recs as a table of RiskSchema, in the order given.
func RiskTable(recs []RiskReport) *Table {
	t := NewTable(RiskSchema, len(recs))
	for i := range recs {
		r := &recs[i]
		t.str(riskPublisher, i, r.Publisher)
		t.str(riskCountry, i, r.Country)
		t.str(riskCountryName, i, r.CountryName)
		t.str(riskPeriod, i, r.Period)
		t.str(riskIndicator, i, r.Indicator)
		t.num(riskValue, i, r.Value, r.HasValue)
		t.str(riskUnit, i, r.Unit)
		t.str(riskCategory, i, r.Category)
		t.str(riskSummary, i, r.Summary)
		t.str(riskLink, i, r.Link)
		t.str(riskSource, i, r.Source)
	}
	t.n = len(recs)
	return t
}

// RiskReportsOf returns the rows of a table of RiskSchema as records.
func RiskReportsOf(t *Table) ([]RiskReport, error) {
	if !t.Schema.SameFields(RiskSchema) {
		return nil, fmt.Errorf("dataset: table is not of the %s schema", RiskReports.Name)
	}
	recs := make([]RiskReport, t.Len())
	for i := range recs {
		recs[i] = RiskReport{
			Publisher:   t.text(riskPublisher, i),
			Country:     t.text(riskCountry, i),
			CountryName: t.text(riskCountryName, i),
			Period:      t.text(riskPeriod, i),
			Indicator:   t.text(riskIndicator, i),
			Value:       t.Columns[riskValue].Numbers[i],
			HasValue:    !t.IsNull(i, riskValue),
			Unit:        t.text(riskUnit, i),
			Category:    t.text(riskCategory, i),
			Summary:     t.text(riskSummary, i),
			Link:        t.text(riskLink, i),
			Source:      t.text(riskSource, i),
		}
	}
	return recs, nil
}

// str appends s to the string (or date) column col as row i, null when
// empty.
func (t *Table) str(col, i int, s string) {
	c := &t.Columns[col]
	c.Strings = append(c.Strings, s)
	c.appendValid(i, s != "")
}

// num appends v to the number column col as row i, null unless ok.
func (t *Table) num(col, i int, v float64, ok bool) {
	c := &t.Columns[col]
	c.Numbers = append(c.Numbers, v)
	c.appendValid(i, ok)
}

// text returns row i of the string (or date) column col, "" where null.
func (t *Table) text(col, i int) string {
	if t.IsNull(i, col) {
		return ""
	}
	return t.Columns[col].Strings[i]
}
