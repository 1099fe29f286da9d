package site

import (
	"fmt"
	"regexp"

	"github.com/defence-transparency/publish/internal/dataset"
)

// Forms of the codes that become parts of page paths or are parsed.
var (
	codeName   = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`)
	periodText = regexp.MustCompile(`^[0-9]{4}(-[0-9]{2})?$`)
)

// Indicators of the risk-reports dataset that the country pages show. The
// GPI names are the gpi collector's; inform_risk is the name the sources
// file maps INFORM's "INFORM Risk Index" to. Other indicators (the GPI's
// domains and its 23 indicators) are in the dataset's downloads.
const (
	indicatorGPIScore = "gpi_overall_score"
	indicatorGPIRank  = "gpi_overall_rank"
	indicatorINFORM   = "inform_risk"
)

// cbmRecord is one row of cbm-reports.
type cbmRecord struct {
	Country, Name, Instrument string
	Year                      int
	Kind                      string
	Submitted                 string // YYYY-MM-DD, or ""
	Currency, Multiplier      string // unit_of_measure: Thousand, Million, ...
	Total                     float64
	HasTotal                  bool
	Link, Source              string
}

// auditRecord is one row of audit-outcomes.
type auditRecord struct {
	Auditor, ReportID  string
	Country            string // "" for reports on no single country (EU-level)
	Jurisdiction       string
	Published          string // YYYY-MM-DD
	Title, Subject     string
	Recommendations    int
	HasRecommendations bool
	Link, Source       string
}

// riskRecord is one row of risk-reports, of the indicators the country
// pages show.
type riskRecord struct {
	Publisher, Country, Name string
	Period, Indicator        string
	Value                    float64
	HasValue                 bool
	Unit, Category, Summary  string
	Link, Source             string
}

// families holds the rows of the datasets beside military expenditure, and
// the names of the datasets they come from, for links to their pages.
type families struct {
	cbm                                   []cbmRecord
	audits                                []auditRecord
	risk                                  []riskRecord
	cbmDataset, auditDataset, riskDataset string
	// riskOther counts the rows of each country whose indicators the
	// pages do not show, so that a country with only those still gets a
	// page that points to the downloads; riskNames are their names.
	riskOther map[string]int
	riskNames map[string]string
}

// is reports whether a dataset has the schema s, in its definition or in
// the table read for it.
func is(d *Dataset, t *dataset.Table, s *dataset.Schema) bool {
	return d.Definition.Schema == s || t.Schema == s
}

// readFamilies reads the rows of the cbm-reports, audit-outcomes and
// risk-reports datasets among in's, and checks the codes that become parts
// of page paths.
func readFamilies(in *Input, tables []*dataset.Table) (*families, error) {
	f := &families{}
	for i := range in.Datasets {
		d, t := &in.Datasets[i], tables[i]
		var err error
		switch {
		case is(d, t, dataset.CBMSchema):
			f.cbmDataset = d.Definition.Name
			err = readCBM(t, &f.cbm)
		case is(d, t, dataset.AuditSchema):
			f.auditDataset = d.Definition.Name
			err = readAudits(t, &f.audits)
		case is(d, t, dataset.RiskSchema):
			f.riskDataset = d.Definition.Name
			err = f.readRisk(t)
		}
		if err != nil {
			return nil, fmt.Errorf("site: generate: dataset %s: %w", d.Definition.Name, err)
		}
	}
	return f, nil
}

// names returns every country the families have rows of, with the name
// it has in them ("" where they give none).
func (f *families) names() map[string]string {
	out := map[string]string{}
	for i := range f.cbm {
		if r := &f.cbm[i]; r.Name != "" || out[r.Country] == "" {
			out[r.Country] = r.Name
		}
	}
	for c, n := range f.riskNames {
		if out[c] == "" {
			out[c] = n
		}
	}
	for i := range f.risk {
		if r := &f.risk[i]; r.Name != "" || out[r.Country] == "" {
			out[r.Country] = r.Name
		}
	}
	for i := range f.audits {
		if r := &f.audits[i]; r.Country != "" && out[r.Country] == "" {
			out[r.Country] = r.Jurisdiction
		}
	}
	return out
}

// Typed access to a table's columns by field name. A field the schema
// lacks reads as null, so a fork's trimmed schema still shows what it has.

func strCol(t *dataset.Table, name string) func(int) string {
	i := t.Schema.Index(name)
	if i < 0 || (t.Schema.Fields[i].Type != dataset.String && t.Schema.Fields[i].Type != dataset.Date) {
		return func(int) string { return "" }
	}
	c := &t.Columns[i]
	return func(r int) string {
		if c.Valid != nil && !c.Valid[r] {
			return ""
		}
		return c.Strings[r]
	}
}

func intCol(t *dataset.Table, name string) func(int) (int64, bool) {
	i := t.Schema.Index(name)
	if i < 0 || t.Schema.Fields[i].Type != dataset.Integer {
		return func(int) (int64, bool) { return 0, false }
	}
	c := &t.Columns[i]
	return func(r int) (int64, bool) {
		if c.Valid != nil && !c.Valid[r] {
			return 0, false
		}
		return c.Ints[r], true
	}
}

func numCol(t *dataset.Table, name string) func(int) (float64, bool) {
	i := t.Schema.Index(name)
	if i < 0 || t.Schema.Fields[i].Type != dataset.Number {
		return func(int) (float64, bool) { return 0, false }
	}
	c := &t.Columns[i]
	return func(r int) (float64, bool) {
		if c.Valid != nil && !c.Valid[r] {
			return 0, false
		}
		return c.Numbers[r], true
	}
}

func checkCountry(code string) error {
	if !countryCode.MatchString(code) {
		return fmt.Errorf("country code %q is not three capital letters", code)
	}
	return nil
}

func readCBM(t *dataset.Table, out *[]cbmRecord) error {
	country, name, instrument := strCol(t, "country_iso3"), strCol(t, "country_name"), strCol(t, "instrument")
	year, kind, submitted := intCol(t, "year"), strCol(t, "report_kind"), strCol(t, "submitted")
	currency, multiplier, total := strCol(t, "currency"), strCol(t, "unit_of_measure"), numCol(t, "total")
	link, source := strCol(t, "link"), strCol(t, dataset.SourceField)
	for i := range t.Len() {
		r := cbmRecord{Country: country(i), Name: name(i), Instrument: instrument(i), Kind: kind(i),
			Submitted: submitted(i), Currency: currency(i), Multiplier: multiplier(i), Link: link(i), Source: source(i)}
		if err := checkCountry(r.Country); err != nil {
			return err
		}
		if !codeName.MatchString(r.Instrument) {
			return fmt.Errorf("instrument %q is not lower-case letters, digits and underscores", r.Instrument)
		}
		y, ok := year(i)
		if !ok {
			continue
		}
		r.Year = int(y)
		r.Total, r.HasTotal = total(i)
		*out = append(*out, r)
	}
	return nil
}

func readAudits(t *dataset.Table, out *[]auditRecord) error {
	auditor, id, country, jurisdiction := strCol(t, "auditor"), strCol(t, "report_id"), strCol(t, "country_iso3"), strCol(t, "jurisdiction")
	published, title, subject := strCol(t, "published"), strCol(t, "title"), strCol(t, "subject")
	recs, link, source := intCol(t, "recommendations"), strCol(t, "link"), strCol(t, dataset.SourceField)
	for i := range t.Len() {
		r := auditRecord{Auditor: auditor(i), ReportID: id(i), Country: country(i), Jurisdiction: jurisdiction(i),
			Published: published(i), Title: title(i), Subject: subject(i), Link: link(i), Source: source(i)}
		if r.Country != "" {
			if err := checkCountry(r.Country); err != nil {
				return err
			}
		}
		if !codeName.MatchString(r.Auditor) {
			return fmt.Errorf("auditor %q is not lower-case letters, digits and underscores", r.Auditor)
		}
		n, ok := recs(i)
		r.Recommendations, r.HasRecommendations = int(n), ok
		*out = append(*out, r)
	}
	return nil
}

func (f *families) readRisk(t *dataset.Table) error {
	publisher, country, name := strCol(t, "publisher"), strCol(t, "country_iso3"), strCol(t, "country_name")
	period, indicator, value := strCol(t, "period"), strCol(t, "indicator"), numCol(t, "value")
	unit, category, summary := strCol(t, "unit"), strCol(t, "category"), strCol(t, "summary")
	link, source := strCol(t, "link"), strCol(t, dataset.SourceField)
	if f.riskOther == nil {
		f.riskOther, f.riskNames = map[string]int{}, map[string]string{}
	}
	for i := range t.Len() {
		ind := indicator(i)
		switch ind {
		case indicatorGPIScore, indicatorGPIRank, indicatorINFORM,
			dataset.CrisisWatchTrend, dataset.CrisisWatchAlert, dataset.CrisisWatchResolution:
		default:
			c := country(i)
			if err := checkCountry(c); err != nil {
				return err
			}
			f.riskOther[c]++
			if f.riskNames[c] == "" {
				f.riskNames[c] = name(i)
			}
			continue
		}
		r := riskRecord{Publisher: publisher(i), Country: country(i), Name: name(i), Period: period(i), Indicator: ind,
			Unit: unit(i), Category: category(i), Summary: summary(i), Link: link(i), Source: source(i)}
		if err := checkCountry(r.Country); err != nil {
			return err
		}
		if !periodText.MatchString(r.Period) {
			return fmt.Errorf("period %q is not a year or a month", r.Period)
		}
		r.Value, r.HasValue = value(i)
		f.risk = append(f.risk, r)
	}
	return nil
}
