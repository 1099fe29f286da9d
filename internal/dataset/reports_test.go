package dataset

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRecordPositions checks that the typed records' field positions name
// the schemas' fields: a schema change that moves a field must move them.
func TestRecordPositions(t *testing.T) {
	for _, tt := range []struct {
		schema *Schema
		pos    map[string]int
	}{
		{CBMSchema, map[string]int{"country_iso3": cbmCountry, "country_name": cbmCountryName, "instrument": cbmInstrument,
			"year": cbmYear, "report_kind": cbmKind, "submitted": cbmSubmitted, "currency": cbmCurrency,
			"unit_of_measure": cbmUnitOfMeasure, "total": cbmTotal, "public": cbmPublic, "link": cbmLink, SourceField: cbmSource}},
		{AuditSchema, map[string]int{"auditor": auditAuditor, "report_id": auditReportID, "country_iso3": auditCountry,
			"jurisdiction": auditJurisdiction, "published": auditPublished, "title": auditTitle, "subject": auditSubject,
			"recommendations": auditRecommendations, "link": auditLink, SourceField: auditSource}},
		{RiskSchema, map[string]int{"publisher": riskPublisher, "country_iso3": riskCountry, "country_name": riskCountryName,
			"period": riskPeriod, "indicator": riskIndicator, "value": riskValue, "unit": riskUnit, "category": riskCategory,
			"summary": riskSummary, "link": riskLink, SourceField: riskSource}},
		{ExpenditureSchema, map[string]int{"country_iso3": expCountry, "country_name": expCountryName, AggregateField: expAggregate, "year": expYear,
			"measure": expMeasure, "source": expSource, "value": expValue, "unit": expUnit, "source_unit": expSourceUnit, "currency": expCurrency,
			"fiscal_year": expFiscalYear, "missing": expMissing, "estimate": expEstimate, "uncertain": expUncertain,
			"notes": expNotes, "footnotes": expFootnotes}},
	} {
		if len(tt.pos) != len(tt.schema.Fields) {
			t.Errorf("%d positions for the %d fields of %v", len(tt.pos), len(tt.schema.Fields), tt.schema.PrimaryKey)
		}
		for name, i := range tt.pos {
			if got := tt.schema.Index(name); got != i {
				t.Errorf("field %s is at %d, the record puts it at %d", name, got, i)
			}
		}
	}
}

func TestReportsRoundTrip(t *testing.T) {
	cbm := []CBMReport{
		{Country: "DEU", CountryName: "Germany", Instrument: InstrumentMilex, Year: 2024, Kind: ReportFull, Submitted: "2025-05-02",
			Currency: "EUR", UnitOfMeasure: "Million", Total: 70105.6, HasTotal: true, Link: "https://example.org/deu", Source: "unmilex"},
		{Country: "LIE", CountryName: "Liechtenstein", Instrument: InstrumentUNROCA, Year: 2023, Kind: ReportNil, Source: "unroca"},
		{Country: "FRA", CountryName: "France", Instrument: InstrumentATT, Year: 2023, Kind: ReportSubmitted, Public: false, HasPublic: true,
			Link: "https://thearmstradetreaty.org/annual-reports.html", Source: "att"},
		{Country: "DEU", CountryName: "Germany", Instrument: InstrumentATT, Year: 2023, Kind: ReportNil, Public: true, HasPublic: true,
			Link: "https://thearmstradetreaty.org/hyper-images/file/x.pdf", Source: "att"},
	}
	audits := []AuditReport{
		{Auditor: AuditorGAO, ReportID: "GAO-24-1", Country: "USA", Jurisdiction: "United States", Published: "2024-06-13",
			Title: "F-35", Subject: "Defense", Recommendations: 0, HasRecommendations: true, Link: "https://www.gao.gov/x", Source: "gao"},
		{Auditor: AuditorECA, ReportID: "04/2025", Jurisdiction: "European Union", Published: "2025-02-05", Title: "Mobility",
			Link: "https://www.eca.europa.eu/x", Source: "eca"},
	}
	risk := []RiskReport{
		{Publisher: PublisherGPI, Country: "DEU", CountryName: "Germany", Period: "2025", Indicator: "gpi_overall_score",
			Value: 1.533, HasValue: true, Unit: "score", Link: "https://example.org/gpi", Source: "gpi"},
		{Publisher: PublisherCrisisGroup, Country: "SDN", CountryName: "Sudan", Period: "2025-10", Indicator: CrisisWatchTrend,
			Category: TrendDeteriorated, Summary: "Fighting.", Source: "crisiswatch"},
	}
	ct, at, rt := CBMTable(cbm), AuditTable(audits), RiskTable(risk)
	for _, tbl := range []*Table{ct, at, rt} {
		if err := tbl.Check(); err != nil {
			t.Fatal(err)
		}
		if err := Validate(tbl); err != nil {
			t.Errorf("Validate: %v", err)
		}
	}
	if ct.Value(1, cbmSubmitted).Null != true || ct.Value(1, cbmTotal).Null != true || at.Value(1, auditCountry).Null != true {
		t.Errorf("empty fields are not null")
	}
	gotCBM, err := CBMReportsOf(ct)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cbm, gotCBM); diff != "" {
		t.Errorf("cbm round trip (-want +got):\n%s", diff)
	}
	gotAudits, err := AuditReportsOf(at)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(audits, gotAudits); diff != "" {
		t.Errorf("audit round trip (-want +got):\n%s", diff)
	}
	gotRisk, err := RiskReportsOf(rt)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(risk, gotRisk); diff != "" {
		t.Errorf("risk round trip (-want +got):\n%s", diff)
	}
	if _, err := CBMReportsOf(rt); err == nil {
		t.Errorf("CBMReportsOf(a risk table) = nil error, want one")
	}
}

// TestReportsMissingRequired checks that a record that leaves a required
// field empty fails validation, as the builder failed it before.
func TestReportsMissingRequired(t *testing.T) {
	tbl := AuditTable([]AuditReport{{Auditor: AuditorGAO, ReportID: "GAO-1", Jurisdiction: "United States",
		Published: "2024-01-01", Link: "https://www.gao.gov/x", Source: "gao"}})
	err := Validate(tbl)
	ve, ok := err.(*ValidationError)
	if !ok || len(ve.Problems) != 1 || ve.Problems[0].Field != "title" {
		t.Errorf("Validate(no title) = %v, want the missing title", err)
	}
}
