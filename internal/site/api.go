package site

import (
	"cmp"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/defence-transparency/publish/internal/atlas"
	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
)

// The static API: api/countries/ISO3.json for every country with a page,
// a stable interface documented in the README ("Country files"). A file
// holds the country's published rows only: the rows of sources whose terms
// allow excerpts alone are left out, because every country's file together
// would be the whole dataset. Fields are added, never renamed or removed,
// within one format.

// apiFormat names the files' layout; a change that is not an addition
// gets a new one.
const apiFormat = "publish-country/1"

type apiCountry struct {
	Format     string      `json:"format"`
	ISO3       string      `json:"iso3"`
	Name       string      `json:"name"`
	Page       string      `json:"page"`             // from the site's root
	Region     string      `json:"region,omitempty"` // SIPRI's subregion
	Neighbours []string    `json:"neighbours"`
	Sample     bool        `json:"sample"`
	Spending   []apiSeries `json:"military_expenditure"`
	CBM        []apiCBM    `json:"cbm_reports"`
	Risk       []apiRisk   `json:"risk_reports"`
}

// apiSeries is one source's figures of one measure, by year.
type apiSeries struct {
	Source     string     `json:"source"`
	Measure    string     `json:"measure"`
	Unit       string     `json:"unit"`
	Currency   string     `json:"currency,omitempty"`
	FiscalYear string     `json:"fiscal_year,omitempty"`
	Points     []apiPoint `json:"points"`
}

type apiPoint struct {
	Year      int      `json:"year"`
	Value     *float64 `json:"value"` // null: see missing
	Missing   string   `json:"missing,omitempty"`
	Estimate  bool     `json:"estimate,omitempty"`
	Uncertain bool     `json:"uncertain,omitempty"`
	Notes     string   `json:"notes,omitempty"`
}

type apiCBM struct {
	Instrument string   `json:"instrument"`
	Year       int      `json:"year"`
	Kind       string   `json:"report_kind"`
	Currency   string   `json:"currency,omitempty"`
	Total      *float64 `json:"total,omitempty"`
	Link       string   `json:"link,omitempty"`
	Source     string   `json:"source"`
}

type apiRisk struct {
	Publisher string   `json:"publisher"`
	Indicator string   `json:"indicator"`
	Period    string   `json:"period"`
	Value     *float64 `json:"value,omitempty"`
	Unit      string   `json:"unit,omitempty"`
	Category  string   `json:"category,omitempty"`
	Source    string   `json:"source"`
}

// writeAPI writes the file of every country in names into dir, one at a
// time: all the files together hold every published figure (220 MB of
// points for 2M rows).
func (g *generator) writeAPI(dir string, names map[string]string) error {
	cbm := map[string][]*dataset.CBMReport{}
	for i := range g.fam.cbm {
		r := &g.fam.cbm[i]
		cbm[r.Country] = append(cbm[r.Country], r)
	}
	risk := map[string][]*dataset.RiskReport{}
	for i := range g.fam.risk {
		r := &g.fam.risk[i]
		risk[r.Country] = append(risk[r.Country], r)
	}
	world, worldErr := atlas.World()
	// A file per country, on every core.
	codes := slices.Sorted(maps.Keys(names))
	return parallel(len(codes), func(k int) error {
		code, name := codes[k], names[codes[k]]
		f := &apiCountry{Format: apiFormat, ISO3: code, Name: name, Page: countryPath(code), Sample: g.sample,
			Neighbours: []string{}, Spending: []apiSeries{}, CBM: []apiCBM{}, Risk: []apiRisk{}}
		if r, ok := country.SIPRIRegion(code); ok {
			f.Region = r
		}
		if worldErr == nil {
			f.Neighbours = append(f.Neighbours, world.Neighbours(code)...)
		}
		series := map[[2]string]int{} // index in Spending
		// The country's rows of recs, in order (countryRows); the
		// published ones are the first len(pubRecs) of recs (readExcerpts
		// adds the excerpts after them).
		for _, i := range g.rows[code] {
			if i >= len(g.pubRecs) {
				continue
			}
			r := &g.pubRecs[i]
			k := [2]string{r.Source, r.Measure}
			at, ok := series[k]
			if !ok {
				f.Spending = append(f.Spending, apiSeries{Source: r.Source, Measure: r.Measure, Unit: r.Unit, Currency: r.Currency, FiscalYear: r.FiscalYear})
				at = len(f.Spending) - 1
				series[k] = at
			}
			s := &f.Spending[at]
			p := apiPoint{Year: r.Year, Missing: r.Missing, Estimate: r.Estimate, Uncertain: r.Uncertain, Notes: r.Notes}
			if r.HasValue {
				v := r.Value
				p.Value = &v
			}
			s.Points = append(s.Points, p)
		}
		for _, r := range cbm[code] {
			c := apiCBM{Instrument: r.Instrument, Year: r.Year, Kind: r.Kind, Currency: r.Currency, Link: webURL(r.Link), Source: r.Source}
			if r.HasTotal {
				v := r.Total
				c.Total = &v
			}
			f.CBM = append(f.CBM, c)
		}
		// Sorted as pointers: a risk row is large, and a country has
		// hundreds. Each country's rows are sorted by its own worker.
		rs := risk[code]
		slices.SortFunc(rs, func(a, b *dataset.RiskReport) int {
			if c := cmp.Compare(a.Publisher, b.Publisher); c != 0 {
				return c
			}
			if c := cmp.Compare(a.Indicator, b.Indicator); c != 0 {
				return c
			}
			return cmp.Compare(a.Period, b.Period)
		})
		for _, r := range rs {
			x := apiRisk{Publisher: r.Publisher, Indicator: r.Indicator, Period: r.Period, Unit: r.Unit, Category: r.Category, Source: r.Source}
			if r.HasValue {
				v := r.Value
				x.Value = &v
			}
			f.Risk = append(f.Risk, x)
		}
		for i := range f.Spending {
			slices.SortFunc(f.Spending[i].Points, func(a, b apiPoint) int { return cmp.Compare(a.Year, b.Year) })
		}
		slices.SortFunc(f.Spending, func(a, b apiSeries) int {
			return cmp.Or(cmp.Compare(a.Measure, b.Measure), cmp.Compare(a.Source, b.Source))
		})
		slices.SortFunc(f.CBM, func(a, b apiCBM) int {
			return cmp.Or(cmp.Compare(a.Instrument, b.Instrument), cmp.Compare(a.Year, b.Year))
		})
		return g.out.putPage(filepath.Join(dir, strings.ToUpper(code)+".json"), f)
	})
}
