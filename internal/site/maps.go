package site

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/defence-transparency/publish/internal/atlas"
	"github.com/defence-transparency/publish/internal/dataset"
)

// The world maps: a choropleth per measure, drawn as SVG by the template
// (maps/page.html) from the outlines in data/atlas.json, with the same
// figures in a table beside it. Go gives each country its class (a bin of
// a scale, or a category) and the figure as text; the template words the
// legend and the titles. Every map reads the published rows alone: it
// compares countries, which an excerpt may not.

// Map identifiers: the page's path under maps/ and the prefix of its words.
const (
	mapShareOfGDP = "share-of-gdp"
	mapMilex      = "un-milex"
	mapUNROCA     = "unroca"
	mapGPI        = "gpi"
)

// mapPage is the front matter of one map's page.
type mapPage struct {
	Type    string    `json:"type"`
	Lastmod string    `json:"lastmod,omitempty"`
	Weight  int       `json:"weight"`
	Params  mapParams `json:"params"`
}

type mapParams struct {
	Key    string `json:"key"` // the prefix of its words: maps_<id>
	ID     string `json:"id"`
	Year   string `json:"year,omitempty"`
	Source link   `json:"source"`
	// Legend lists the classes the map uses, in order.
	Legend []mapBin `json:"legend,omitempty"`
	// Values are the countries' classes and figures by lower-case code
	// (Hugo folds the keys of front matter), for the drawing.
	Values map[string]mapValue `json:"values,omitempty"`
	// Rows are the same figures for the table, by name.
	Rows []mapRow `json:"rows,omitempty"`
	// Undrawn counts the countries with a figure that the map is too
	// coarse to draw (small islands); the table lists them.
	Undrawn count `json:"undrawn"`
	// Withheld says the source's terms allow excerpts only, and no
	// permission is recorded: the map is not drawn.
	Withheld  bool `json:"withheld,omitempty"`
	Estimates bool `json:"estimates,omitempty"`
}

type mapValue struct {
	Bin  int    `json:"b"`             // the legend's bin of a figure
	Cat  string `json:"cat,omitempty"` // or its category's code
	Text string `json:"t"`
	Name string `json:"n"`
}

type mapRow struct {
	ISO3      string `json:"iso3"`
	Name      string `json:"name"`
	Path      string `json:"path,omitempty"`
	Value     string `json:"v,omitempty"`   // exact
	Text      string `json:"t"`             // rounded, or the category's code
	Bin       int    `json:"b"`             // the legend's bin of a figure
	Cat       string `json:"cat,omitempty"` // or its category's code
	Drawn     bool   `json:"drawn"`
	Estimate  bool   `json:"e,omitempty"`
	Uncertain bool   `json:"u,omitempty"`
}

// mapBin is one class of a map: a range of a scale (From ≤ v < To, either
// open) or a category.
type mapBin struct {
	Bin  int    `json:"b"`
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	Cat  string `json:"cat,omitempty"`
	N    int    `json:"n"` // countries in it
}

// scale is a map's bins: the upper bounds of all but the last.
type scale []float64

func (s scale) class(v float64) int {
	for i, b := range s {
		if v < b {
			return i
		}
	}
	return len(s)
}

// mapsIndex is the front matter of the maps' section page.
type mapsIndex struct {
	Type    string         `json:"type"`
	Lastmod string         `json:"lastmod,omitempty"`
	Params  map[string]any `json:"params"`
}

// mapPages makes the maps from the published rows; names are the countries
// with a page, by code.
func (g *generator) mapPages(names map[string]string) []mapPage {
	w, err := atlas.World()
	if err != nil {
		return nil // the embedded file is checked by atlas's tests
	}
	var out []mapPage
	if p := g.gdpMap(w, names); p != nil {
		out = append(out, *p)
	}
	for _, m := range []struct{ id, instrument string }{{mapMilex, dataset.InstrumentMilex}, {mapUNROCA, dataset.InstrumentUNROCA}} {
		if p := g.cbmMap(w, names, m.id, m.instrument); p != nil {
			out = append(out, *p)
		}
	}
	if p := g.gpiMap(w, names); p != nil {
		out = append(out, *p)
	}
	for i := range out {
		out[i].Weight = i + 1
	}
	return out
}

func (g *generator) newMap(id string) *mapPage {
	return &mapPage{Type: "maps", Lastmod: g.lastmod,
		Params: mapParams{Key: "maps_" + strings.ReplaceAll(id, "-", "_"), ID: id, Values: map[string]mapValue{}}}
}

// add puts a country's figure on the map and in its table.
func (p *mapPage) add(w *atlas.Atlas, names map[string]string, g *generator, r mapRow) {
	if n := names[r.ISO3]; n != "" {
		r.Name = n
		r.Path = g.urls.link(countryPath(r.ISO3))
	} else if r.Name == "" {
		r.Name = countryName(r.ISO3, "")
	}
	if _, ok := w.Lookup(r.ISO3); ok {
		r.Drawn = true
		p.Params.Values[strings.ToLower(r.ISO3)] = mapValue{Bin: r.Bin, Cat: r.Cat, Text: r.Text, Name: r.Name}
	}
	p.Params.Rows = append(p.Params.Rows, r)
}

// finish sorts the table, counts the classes and the undrawn.
func (p *mapPage) finish(g *generator) {
	slices.SortFunc(p.Params.Rows, func(a, b mapRow) int { return cmp.Compare(sortKey(a.Name), sortKey(b.Name)) })
	n := 0
	for _, r := range p.Params.Rows {
		if !r.Drawn {
			n++
		}
		for i := range p.Params.Legend {
			if p.Params.Legend[i].Bin == r.Bin && p.Params.Legend[i].Cat == r.Cat {
				p.Params.Legend[i].N++
			}
		}
	}
	p.Params.Undrawn = g.count(n)
}

// gdpMap maps military spending as a share of GDP in the latest year most
// states have a figure for, from SIPRI when its rows are published, else
// from the World Bank.
func (g *generator) gdpMap(w *atlas.Atlas, names map[string]string) *mapPage {
	set := g.shares()
	if set == nil {
		return nil
	}
	src, year := set.source, set.year
	p := g.newMap(mapShareOfGDP)
	p.Params.Year = strconv.Itoa(year)
	p.Params.Source = g.names.linkOf(src)
	bounds := scale{1, 2, 3, 5}
	p.Params.Legend = []mapBin{{Bin: 0, To: "1"}, {Bin: 1, From: "1", To: "2"}, {Bin: 2, From: "2", To: "3"},
		{Bin: 3, From: "3", To: "5"}, {Bin: 4, From: "5"}}
	for _, r := range set.recs {
		v := percent(r.Value, r.Unit)
		p.Params.Estimates = p.Params.Estimates || r.Estimate
		p.add(w, names, g, mapRow{ISO3: r.Country, Name: r.CountryName, Value: exact(v), Text: number(v) + "%",
			Bin: bounds.class(v), Estimate: r.Estimate, Uncertain: r.Uncertain})
	}
	p.finish(g)
	return p
}

// latestFullYear returns the latest year with figures for at least half as
// many states as the best-covered year: the newest year of a release is
// often a handful of early figures.
func latestFullYear(rows []*dataset.Expenditure) int {
	n := map[int]int{}
	most := 0
	for _, r := range rows {
		n[r.Year]++
		most = max(most, n[r.Year])
	}
	best := 0
	for y, c := range n {
		if 2*c >= most && y > best {
			best = y
		}
	}
	return best
}

// cbmMap maps what each state reported to an instrument in its latest
// year: a report, a nil report or none.
func (g *generator) cbmMap(w *atlas.Atlas, names map[string]string, id, instrument string) *mapPage {
	year := 0
	for i := range g.fam.cbm {
		if r := &g.fam.cbm[i]; r.Instrument == instrument {
			year = max(year, r.Year)
		}
	}
	if year == 0 {
		return nil
	}
	p := g.newMap(id)
	p.Params.Year = strconv.Itoa(year)
	p.Params.Legend = []mapBin{{Cat: "report"}, {Cat: "nil"}, {Cat: "none"}}
	var srcs []string
	for i := range g.fam.cbm {
		r := &g.fam.cbm[i]
		if r.Instrument != instrument || r.Year != year || !isState(r.Country) {
			continue
		}
		cat := "report"
		switch r.Kind {
		case dataset.ReportNil:
			cat = "nil"
		case dataset.ReportNone:
			cat = "none"
		}
		if !slices.Contains(srcs, r.Source) {
			srcs = append(srcs, r.Source)
		}
		p.add(w, names, g, mapRow{ISO3: r.Country, Name: r.CountryName, Text: cat, Cat: cat})
	}
	if len(srcs) > 0 {
		slices.SortFunc(srcs, g.names.compare)
		p.Params.Source = g.names.linkOf(srcs[0])
	}
	p.finish(g)
	return p
}

// gpiMap maps the Global Peace Index's overall score in its latest
// release, when the GPI's rows are published; without a permission its
// terms allow excerpts only, and the page says so instead.
func (g *generator) gpiMap(w *atlas.Atlas, names map[string]string) *mapPage {
	const indicator = "gpi_overall_score"
	period := ""
	for i := range g.fam.risk {
		if r := &g.fam.risk[i]; r.Publisher == dataset.PublisherGPI && r.Indicator == indicator && r.HasValue {
			period = max(period, r.Period)
		}
	}
	p := g.newMap(mapGPI)
	p.Params.Source = g.names.linkOf(dataset.PublisherGPI)
	if period == "" {
		// Say why there is no map when the source is configured but withheld.
		for i := range g.in.Sources {
			if s := &g.in.Sources[i]; s.Name == dataset.PublisherGPI && !s.Publishes {
				p.Params.Withheld = true
				p.Params.Source = g.names.linkOf(s.Name)
				return p
			}
		}
		return nil
	}
	p.Params.Year = period
	bounds := scale{1.5, 2, 2.5, 3}
	p.Params.Legend = []mapBin{{Bin: 0, To: "1.5"}, {Bin: 1, From: "1.5", To: "2"}, {Bin: 2, From: "2", To: "2.5"},
		{Bin: 3, From: "2.5", To: "3"}, {Bin: 4, From: "3"}}
	for i := range g.fam.risk {
		r := &g.fam.risk[i]
		if r.Publisher != dataset.PublisherGPI || r.Indicator != indicator || r.Period != period || !r.HasValue || !isState(r.Country) {
			continue
		}
		p.add(w, names, g, mapRow{ISO3: r.Country, Name: r.CountryName, Value: exact(r.Value), Text: g.num.Fixed(r.Value, 3),
			Bin: bounds.class(r.Value)})
	}
	p.finish(g)
	return p
}

// atlasData is data/atlas.json: the outlines the map template draws.
func atlasData() (map[string]any, error) {
	w, err := atlas.World()
	if err != nil {
		return nil, err
	}
	type shape struct {
		ISO3 string `json:"iso3"`
		Name string `json:"name"`
		D    string `json:"d"`
	}
	cs := make([]shape, 0, len(w.Countries))
	for _, c := range w.Countries {
		cs = append(cs, shape{ISO3: strings.ToLower(c.ISO3), Name: c.Name, D: c.D})
	}
	un := make([]shape, 0, len(w.Unassigned))
	for _, c := range w.Unassigned {
		un = append(un, shape{Name: c.Name, D: c.D})
	}
	return map[string]any{"width": w.Width, "height": w.Height, "countries": cs, "unassigned": un}, nil
}

// writeMaps writes the maps' pages and the outlines they draw, and
// reports whether there was any map to write.
func (g *generator) writeMaps(names map[string]string) (bool, error) {
	pages := g.mapPages(names)
	if len(pages) == 0 {
		return false, nil
	}
	a, err := atlasData()
	if err != nil {
		return false, fmt.Errorf("site: maps: %w", err)
	}
	if err := g.out.putPage(filepath.Join(g.dir, "data", "atlas.json"), a); err != nil {
		return false, err
	}
	index := mapsIndex{Type: "maps", Lastmod: g.lastmod, Params: map[string]any{"key": "maps"}}
	if err := g.out.putPage(filepath.Join(g.dir, "content", "maps", "_index.md"), index); err != nil {
		return false, err
	}
	for _, p := range pages {
		if err := g.out.putPage(filepath.Join(g.dir, "content", "maps", p.Params.ID+".md"), p); err != nil {
			return false, err
		}
	}
	return true, nil
}
