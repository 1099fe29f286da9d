package site

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"

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

// addDataset appends the rows t of d when d is a family dataset, and
// checks the codes that become parts of page paths. A nil t is no rows.
func (f *families) addDataset(d *Dataset, t *dataset.Table) error {
	if t == nil {
		return nil
	}
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
		err = readRisk(t, &f.risk)
	}
	if err != nil {
		return fmt.Errorf("site: generate: dataset %s: %w", d.Definition.Name, err)
	}
	return nil
}

// join appends the rows of parts, in order, as addDataset would have read
// them one dataset after the other.
func (f *families) join(parts []*families) {
	for _, p := range parts {
		if p == nil {
			continue
		}
		f.cbm, f.audits, f.risk = appendAll(f.cbm, p.cbm), appendAll(f.audits, p.audits), appendAll(f.risk, p.risk)
		f.cbmDataset = cmp.Or(p.cbmDataset, f.cbmDataset)
		f.auditDataset = cmp.Or(p.auditDataset, f.auditDataset)
		f.riskDataset = cmp.Or(p.riskDataset, f.riskDataset)
	}
}

// clip returns a copy of f whose appends leave f's rows as they are.
func (f *families) clip() *families {
	c := *f
	c.cbm, c.audits, c.risk = slices.Clip(c.cbm), slices.Clip(c.audits), slices.Clip(c.risk)
	return &c
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
	*out = appendAll(*out, recs)
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
	*out = appendAll(*out, recs)
	return nil
}

func readRisk(t *dataset.Table, out *[]dataset.RiskReport) error {
	recs, err := dataset.RiskReportsOf(t)
	if err != nil {
		return err
	}
	// A code the row before had is checked already: in rows sorted by
	// publisher, country and period, as published, that is most rows.
	for i := range recs {
		r, prev := &recs[i], &recs[max(i-1, 0)]
		if i == 0 || r.Country != prev.Country {
			if err := checkCountry(r.Country); err != nil {
				return err
			}
		}
		if i == 0 || r.Period != prev.Period {
			if !periodText.MatchString(r.Period) {
				return fmt.Errorf("period %q is not a year or a month", r.Period)
			}
		}
	}
	*out = appendAll(*out, recs)
	return nil
}

// appendAll appends recs to rows, or returns recs itself when there are no
// rows yet: a dataset's rows are many, and copying them costs.
func appendAll[T any](rows, recs []T) []T {
	if len(rows) == 0 {
		return recs
	}
	return append(rows, recs...)
}
