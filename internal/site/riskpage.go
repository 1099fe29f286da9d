package site

import (
	"cmp"
	"slices"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/site/format"
)

// The risk page: for every source of risk-reports that the country pages
// show (the Global Peace Index, INFORM, CrisisWatch in the default sources
// file), its latest period's figures for every state, from the published
// rows alone. A source whose terms allow excerpts only is named with the
// reason it is not shown and where to read it: each country's own page
// shows its figures, attributed, and the publisher offers the rest.

// riskOverview is the front matter of the risk page.
type riskOverview struct {
	Type    string         `json:"type"`
	Lastmod string         `json:"lastmod,omitempty"`
	Params  riskOverParams `json:"params"`
}

type riskOverParams struct {
	Tables      []riskAllTable `json:"tables,omitempty"`
	Withheld    []rankSource   `json:"withheld,omitempty"`
	DatasetPath string         `json:"datasetpath,omitempty"`
}

// riskAllTable is one source's latest figures: a row per state, a cell per
// indicator, sorted by the first indicator's figure, highest first, where
// it has figures, else by name.
type riskAllTable struct {
	Slug       string    `json:"slug"`
	Layout     string    `json:"layout"`
	Source     link      `json:"source"`
	Licence    string    `json:"licence,omitempty"`
	Period     string    `json:"period"`
	Indicators []string  `json:"indicators"`
	Units      []string  `json:"units"`
	Rows       []riskRow `json:"rows"`
	States     count     `json:"states"`
	Sorted     bool      `json:"sorted,omitempty"` // by the first indicator's figure
}

type riskRow struct {
	ISO3  string     `json:"iso3"`
	Name  string     `json:"name"`
	Path  string     `json:"path,omitempty"`
	Cells []riskCell `json:"cells"`
}

// riskOverviewOf builds the risk page, or returns nil when no source of
// risk-reports is shown on the country pages.
func (g *generator) riskOverviewOf(pages map[string]string) *riskOverview {
	p := &riskOverview{Type: "risk", Lastmod: g.lastmod}
	shown := false
	for i := range g.in.Sources {
		s := &g.in.Sources[i]
		if s.CountryPage == nil || len(s.CountryPage.Indicators) == 0 {
			continue
		}
		shown = true
		if !s.Publishes && s.Terms != "" && s.Terms != "open" && s.Withheld > 0 {
			p.Params.Withheld = append(p.Params.Withheld, rankSource{Source: g.names.linkOf(s.Name), Terms: s.Terms,
				Download: newLink(s.Download, s.Download)})
			continue
		}
		if t := g.riskTableOf(s, pages); t != nil {
			p.Params.Tables = append(p.Params.Tables, *t)
		}
	}
	if !shown {
		return nil
	}
	if g.fam.riskDataset != "" {
		p.Params.DatasetPath = g.urls.link(datasetPath(g.fam.riskDataset))
	}
	return p
}

// riskTableOf lays out a source's published rows of its latest period:
// the latest with rows for at least rankMinShare of the states of its
// best-covered period.
func (g *generator) riskTableOf(s *SourceStatus, pages map[string]string) *riskAllTable {
	inds := s.CountryPage.Indicators
	per := map[string]map[string]bool{} // period -> states
	var rows []*dataset.RiskReport
	for i := range g.fam.risk {
		r := &g.fam.risk[i]
		if r.Source != s.Name || !slices.Contains(inds, r.Indicator) || !isState(r.Country) {
			continue
		}
		rows = append(rows, r)
		if per[r.Period] == nil {
			per[r.Period] = map[string]bool{}
		}
		per[r.Period][r.Country] = true
	}
	if len(rows) == 0 {
		return nil
	}
	best, period := 0, ""
	for _, st := range per {
		best = max(best, len(st))
	}
	for pd, st := range per {
		if float64(len(st)) >= rankMinShare*float64(best) && pd > period {
			period = pd
		}
	}
	t := &riskAllTable{Slug: slug(s.Name), Layout: s.CountryPage.Layout, Source: g.names.linkOf(s.Name), Licence: s.Licence,
		Period: period, Indicators: inds, Units: make([]string, len(inds))}
	if t.Layout == "" {
		t.Layout = "index"
	}
	byState := map[string]*riskRow{}
	vals := map[string]float64{}
	for _, r := range rows {
		if r.Period != period {
			continue
		}
		row := byState[r.Country]
		if row == nil {
			row = &riskRow{ISO3: r.Country, Name: countryName(r.Country, r.CountryName), Cells: make([]riskCell, len(inds))}
			if name, ok := pages[r.Country]; ok {
				row.Name, row.Path = name, g.urls.link(countryPath(r.Country))
			}
			byState[r.Country] = row
		}
		k := slices.Index(inds, r.Indicator)
		c := riskCell{Row: true, Category: r.Category}
		if r.HasValue {
			c.Value, c.Text = format.Exact(r.Value), g.num.Exact(r.Value)
			if k == 0 {
				vals[r.Country] = r.Value
				t.Sorted = true
			}
		}
		if t.Units[k] == "" {
			t.Units[k] = r.Unit
		}
		row.Cells[k] = c
	}
	for _, row := range byState {
		t.Rows = append(t.Rows, *row)
	}
	slices.SortFunc(t.Rows, func(a, b riskRow) int {
		va, oka := vals[a.ISO3]
		vb, okb := vals[b.ISO3]
		switch {
		case oka && okb && va != vb:
			return cmp.Compare(vb, va)
		case oka != okb:
			if oka {
				return -1
			}
			return 1
		}
		return cmp.Compare(sortKey(a.Name), sortKey(b.Name))
	})
	t.States = g.count(len(t.Rows))
	return t
}

// riskShown reports whether the site has a risk page: a source of
// risk-reports whose figures the country pages show.
func (g *generator) riskShown() bool {
	for i := range g.in.Sources {
		if s := &g.in.Sources[i]; s.CountryPage != nil && len(s.CountryPage.Indicators) > 0 {
			return true
		}
	}
	return false
}
