package site

import (
	"fmt"
	"slices"

	"github.com/defence-transparency/publish/internal/dataset"
)

// excerpts are the rows that the country pages show beside the published
// ones: rows of sources whose terms allow excerpts only (Dataset.Excerpts).
// Each country's page shows its own; no other page, download or feed sees
// them.
type excerpts struct {
	recs []dataset.Expenditure // published military-expenditure rows and excerpts
	fam  *families             // the other datasets' rows, excerpts included
	// bySource lists, for each country, the sources whose excerpts its
	// page shows.
	bySource map[string]map[string]bool
}

// excerptNote is, on a country's page, one source shown there as an
// excerpt: its name (linked to its homepage), the credit it asks for and
// where the public gets its whole data.
type excerptNote struct {
	Source      link   `json:"source"`
	Attribution string `json:"attribution,omitempty"`
	Download    link   `json:"download"`
}

// readExcerpts adds the datasets' excerpts to their published rows (recs
// and fam, read from tables). Where no dataset has excerpts it returns
// recs and fam themselves, and fam also where no family dataset has any.
func readExcerpts(in *Input, tables []*dataset.Table, recs []dataset.Expenditure, fam *families) (*excerpts, error) {
	x := &excerpts{recs: recs, fam: fam, bySource: map[string]map[string]bool{}}
	for i := range in.Datasets {
		d, e := &in.Datasets[i], in.Datasets[i].Excerpts
		if e == nil || e.Len() == 0 {
			continue
		}
		code, source := e.Schema.Index("country_iso3"), e.Schema.Index(dataset.SourceField)
		if code >= 0 && source >= 0 {
			for r := range e.Len() {
				c, s := e.Columns[code].Strings[r], e.Columns[source].Strings[r]
				if x.bySource[c] == nil {
					x.bySource[c] = map[string]bool{}
				}
				x.bySource[c][s] = true
			}
		}
		if is(d, tables[i], dataset.ExpenditureSchema) {
			x.recs = append(slices.Clip(x.recs), dataset.Expenditures(e)...)
			continue
		}
		if !e.Schema.SameFields(tables[i].Schema) {
			return nil, fmt.Errorf("site: generate: excerpts of %s: their fields are not the dataset's", d.Definition.Name)
		}
		// The published rows are read already: only the excerpts are
		// added after them, to a copy.
		if x.fam == fam {
			x.fam = fam.clip()
		}
		if err := x.fam.addDataset(d, e); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// notes returns the sources a country's page shows as excerpts.
func (x *excerpts) notes(code string, names *sourceNames) []excerptNote {
	srcs := make([]string, 0, len(x.bySource[code]))
	for s := range x.bySource[code] {
		srcs = append(srcs, s)
	}
	slices.SortFunc(srcs, names.compare)
	var out []excerptNote
	for _, s := range srcs {
		out = append(out, excerptNote{
			Source:      names.linkOf(s),
			Attribution: names.credit[s],
			Download:    newLink(names.download[s], names.download[s]),
		})
	}
	return out
}
