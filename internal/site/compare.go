package site

import (
	"cmp"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/defence-transparency/publish/internal/atlas"
	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/site/chart"
)

// Comparing countries: military spending as a share of GDP in one year,
// as bars, for the states of each SIPRI region (the compare page) and for
// a country and its neighbours (its own page), drawn without JavaScript;
// and, with it, any set a reader picks, drawn from the static files
// api/countries/ISO3.json (api.go). Like the maps, the comparisons read
// the published rows alone.

// Geometry of the bars, in viewBox units, close to a phone's width.
const (
	compareWidth = 340
	compareBarW  = 250 // the longest bar
	compareRow   = 36  // a name's line and its bar
	compareBarH  = 12
)

// compareChart is one group of countries on one measure.
type compareChart struct {
	ID     string       `json:"id"`
	Region string       `json:"region,omitempty"` // the SIPRI region's name, as SIPRI gives it
	Year   int          `json:"year"`
	Source link         `json:"source"`
	Height int          `json:"h"`
	Bars   []compareBar `json:"bars"`
	// Missing are the group's countries with no figure that year.
	Missing []navLink `json:"missing,omitempty"`
}

type compareBar struct {
	ISO3      string `json:"iso3"`
	Name      string `json:"name"`
	Path      string `json:"path,omitempty"`
	Value     string `json:"v"` // exact
	Text      string `json:"t"` // rounded
	Self      bool   `json:"self,omitempty"`
	Estimate  bool   `json:"e,omitempty"`
	Uncertain bool   `json:"u,omitempty"`
	// Geometry: the name's baseline (TextY), the bar (Y, W) and its value's
	// position (ValueX).
	TextY  string `json:"ty"`
	Y      string `json:"y"`
	W      string `json:"w"`
	ValueX string `json:"vx"`
}

// shareSet is the figures the comparisons use: each state's share of GDP
// in year, from one source.
type shareSet struct {
	source string
	year   int
	recs   map[string]*dataset.Expenditure
}

// shares returns the latest year most states have a share of GDP for, from
// SIPRI when its rows are published, else from the World Bank; nil when
// neither has one.
func (g *generator) shares() *shareSet {
	bySource := map[string][]*dataset.Expenditure{}
	for i := range g.pubRecs {
		r := &g.pubRecs[i]
		if r.Aggregate || !isState(r.Country) || r.Measure != dataset.MeasureShareOfGDP || !r.HasValue || !isPercentUnit(r.Unit) {
			continue
		}
		bySource[r.Source] = append(bySource[r.Source], r)
	}
	src := dataset.SourceSIPRI
	if len(bySource[src]) == 0 {
		src = dataset.SourceWorldBank
	}
	rows := bySource[src]
	if len(rows) == 0 {
		return nil
	}
	s := &shareSet{source: src, year: latestFullYear(rows), recs: map[string]*dataset.Expenditure{}}
	for _, r := range rows {
		if r.Year == s.year {
			s.recs[r.Country] = r
		}
	}
	return s
}

// chart lays out the bars of codes, the largest first; self is the
// country whose page it is, or "".
func (g *generator) compareChart(s *shareSet, id string, codes []string, self string, names map[string]string) *compareChart {
	c := &compareChart{ID: id, Year: s.year, Source: g.names.linkOf(s.source)}
	var with []*dataset.Expenditure
	for _, code := range codes {
		if r := s.recs[code]; r != nil {
			with = append(with, r)
		} else {
			c.Missing = append(c.Missing, navLink{Text: nameOf(code, names), Path: pathOf(g, code, names)})
		}
	}
	if len(with) == 0 {
		return nil
	}
	slices.SortFunc(with, func(a, b *dataset.Expenditure) int {
		if x := cmp.Compare(percent(b.Value, b.Unit), percent(a.Value, a.Unit)); x != 0 {
			return x
		}
		return cmp.Compare(a.Country, b.Country)
	})
	hi := percent(with[0].Value, with[0].Unit)
	for i, r := range with {
		v := percent(r.Value, r.Unit)
		w := 0.0
		if hi > 0 {
			w = v / hi * compareBarW
		}
		top := float64(i * compareRow)
		c.Bars = append(c.Bars, compareBar{
			ISO3: r.Country, Name: nameOf(r.Country, names), Path: pathOf(g, r.Country, names),
			Value: exact(v), Text: number(v) + "%", Self: r.Country == self, Estimate: r.Estimate, Uncertain: r.Uncertain,
			TextY: chart.Coord(top + 14), Y: chart.Coord(top + 19), W: chart.Coord(max(w, 1)), ValueX: chart.Coord(max(w, 1) + 6),
		})
	}
	c.Height = len(with)*compareRow + 4
	slices.SortFunc(c.Missing, func(a, b navLink) int { return cmp.Compare(sortKey(a.Text), sortKey(b.Text)) })
	return c
}

func nameOf(code string, names map[string]string) string {
	if n := names[code]; n != "" {
		return n
	}
	return countryName(code, "")
}

func pathOf(g *generator, code string, names map[string]string) string {
	if _, ok := names[code]; ok {
		return g.urls.link(countryPath(code))
	}
	return ""
}

// neighboursChart is a country and its neighbours (sharing a border on
// the map data), or nil when no neighbour has a figure.
func (g *generator) neighboursChart(s *shareSet, code string, names map[string]string) *compareChart {
	w, err := atlas.World()
	if err != nil || s == nil || s.recs[code] == nil {
		return nil
	}
	nb := w.Neighbours(code)
	n := 0
	for _, c := range nb {
		if s.recs[c] != nil {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return g.compareChart(s, "neighbours", append([]string{code}, nb...), code, names)
}

// comparePage is the front matter of the compare page.
type comparePage struct {
	Type    string        `json:"type"`
	Lastmod string        `json:"lastmod,omitempty"`
	Params  compareParams `json:"params"`
}

type compareParams struct {
	Charts []*compareChart `json:"charts"`
	// Countries are those a reader can pick, with their file under api/.
	Countries []compareCountry `json:"countries"`
	Source    string           `json:"source"` // the source the picker draws: a source's name
	SourceLbl link             `json:"sourceLabel"`
	API       string           `json:"api"` // the folder of the files, from the site's root
}

type compareCountry struct {
	ISO3 string `json:"iso3"`
	Name string `json:"name"`
}

// comparePageOf makes the compare page: a chart per SIPRI region, and the
// countries the picker offers.
func (g *generator) comparePageOf(s *shareSet, names map[string]string) *comparePage {
	if s == nil {
		return nil
	}
	p := &comparePage{Type: "compare", Lastmod: g.lastmod,
		Params: compareParams{Source: s.source, SourceLbl: g.names.linkOf(s.source), API: "api/countries/"}}
	byRegion := map[string][]string{}
	for code := range names {
		if r, ok := country.SIPRIRegion(code); ok {
			byRegion[r] = append(byRegion[r], code)
		}
	}
	for i, r := range country.SIPRIRegions() {
		codes := byRegion[r]
		slices.Sort(codes)
		if c := g.compareChart(s, "region-"+strconv.Itoa(i+1), codes, "", names); c != nil {
			c.Region = r
			p.Params.Charts = append(p.Params.Charts, c)
		}
	}
	for code := range names {
		p.Params.Countries = append(p.Params.Countries, compareCountry{ISO3: code, Name: names[code]})
	}
	slices.SortFunc(p.Params.Countries, func(a, b compareCountry) int { return cmp.Compare(sortKey(a.Name), sortKey(b.Name)) })
	return p
}

// writeCompare writes the compare page and the countries' files.
func (g *generator) writeCompare(s *shareSet, names map[string]string) error {
	if p := g.comparePageOf(s, names); p != nil {
		if err := g.out.putPage(filepath.Join(g.dir, "content", "compare.md"), p); err != nil {
			return err
		}
	}
	return g.writeAPI(filepath.Join(g.dir, "static", "api", "countries"), names)
}
