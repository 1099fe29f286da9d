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

// families holds the rows of the datasets beside military expenditure, and
// the names of the datasets they come from, for links to their pages.
type families struct {
	cbm                                   []dataset.CBMReport
	audits                                []dataset.AuditReport
	risk                                  []dataset.RiskReport
	cbmDataset, auditDataset, riskDataset string
}

// is reports whether a dataset has the schema s, in its definition or in
// the table read for it.
func is(d *Dataset, t *dataset.Table, s *dataset.Schema) bool {
	return d.Definition.Schema == s || (t != nil && t.Schema == s)
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
		if r := &f.cbm[i]; r.CountryName != "" || out[r.Country] == "" {
			out[r.Country] = r.CountryName
		}
	}
	for i := range f.risk {
		if r := &f.risk[i]; r.CountryName != "" || out[r.Country] == "" {
			out[r.Country] = r.CountryName
		}
	}
	for i := range f.audits {
		if r := &f.audits[i]; r.Country != "" && out[r.Country] == "" {
			out[r.Country] = r.Jurisdiction
		}
	}
	return out
}

func checkCountry(code string) error {
	if !countryCode.MatchString(code) {
		return fmt.Errorf("country code %q is not three capital letters", code)
	}
	return nil
}

func readCBM(t *dataset.Table, out *[]dataset.CBMReport) error {
	recs, err := dataset.CBMReportsOf(t)
	if err != nil {
		return err
	}
	for i := range recs {
		r := &recs[i]
		if err := checkCountry(r.Country); err != nil {
			return err
		}
		if !codeName.MatchString(r.Instrument) {
			return fmt.Errorf("instrument %q is not lower-case letters, digits and underscores", r.Instrument)
		}
	}
	*out = append(*out, recs...)
	return nil
}

func readAudits(t *dataset.Table, out *[]dataset.AuditReport) error {
	recs, err := dataset.AuditReportsOf(t)
	if err != nil {
		return err
	}
	for i := range recs {
		r := &recs[i]
		if r.Country != "" {
			if err := checkCountry(r.Country); err != nil {
				return err
			}
		}
		if !codeName.MatchString(r.Auditor) {
			return fmt.Errorf("auditor %q is not lower-case letters, digits and underscores", r.Auditor)
		}
	}
	*out = append(*out, recs...)
	return nil
}

func (f *families) readRisk(t *dataset.Table) error {
	recs, err := dataset.RiskReportsOf(t)
	if err != nil {
		return err
	}
	for i := range recs {
		r := &recs[i]
		if err := checkCountry(r.Country); err != nil {
			return err
		}
		if !periodText.MatchString(r.Period) {
			return fmt.Errorf("period %q is not a year or a month", r.Period)
		}
	}
	f.risk = append(f.risk, recs...)
	return nil
}
