package site

import (
	"cmp"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/site/format"
)

// The rankings: one table of every state with a column per measure, each
// for its latest year with data, written once per order, so that a reader
// sorts it by any column by following a link, without JavaScript. They rank
// only what is published: a source whose terms allow excerpts only (SIPRI,
// the Global Peace Index without a permission) is named with the reason it
// is left out, since a ranking of all states is no excerpt of one. The
// aggregates (the world, regions, income groups) never rank among states.

// rankingPage is the front matter of one order of the rankings.
type rankingPage struct {
	Lastmod string        `json:"lastmod,omitempty"`
	Weight  int           `json:"weight,omitempty"`
	Params  rankingParams `json:"params"`
}

type rankingParams struct {
	// Order is the key of the column the rows are sorted by, or "name".
	Order     string        `json:"order"`
	NamePath  string        `json:"namepath"` // the page sorted by name
	Columns   []rankColumn  `json:"columns"`
	Rows      []rankRow     `json:"rows"`
	Withheld  []rankSource  `json:"withheld,omitempty"`
	Estimates bool          `json:"estimates,omitempty"`
	Uncertain bool          `json:"uncertain,omitempty"`
	Left      *rankLeftOut  `json:"left,omitempty"`
	Datasets  []rankDataset `json:"datasets,omitempty"`
}

// rankColumn is one ranked measure: Key names it for the templates
// (rank_col_KEY in the i18n file), Source is where its figures come from,
// Year the year ranked (From the first year of a change or a record).
type rankColumn struct {
	Key     string `json:"key"`
	Source  link   `json:"source"`
	Licence string `json:"licence,omitempty"`
	Year    int    `json:"year"`
	From    int    `json:"from,omitempty"`
	Base    string `json:"base,omitempty"` // constant US$: the base year
	Path    string `json:"path"`           // the page sorted by it
	States  count  `json:"states"`         // states with a figure
}

// rankRow is one state: Rank is its place in the page's order, shared by
// equal figures, 0 where it has no figure in the sorted column.
type rankRow struct {
	Rank  int        `json:"r,omitempty"`
	ISO3  string     `json:"iso3"`
	Name  string     `json:"name"`
	Path  string     `json:"path,omitempty"`
	Cells []rankCell `json:"c"`
}

// rankCell is one figure: V the exact value, T rounded for reading, K the
// marks' classes ("est", "unc"); for a reporting record N years of Of.
type rankCell struct {
	V  string `json:"v,omitempty"`
	T  string `json:"t,omitempty"`
	E  bool   `json:"e,omitempty"` // an estimate
	U  bool   `json:"u,omitempty"` // highly uncertain
	N  int    `json:"n,omitempty"`
	Of int    `json:"of,omitempty"`
	// Sign of a change: 1 a rise, -1 a fall.
	Sign int `json:"s,omitempty"`
	has  bool
	val  float64
}

// rankSource is a source left out of the rankings for its terms.
type rankSource struct {
	Source   link   `json:"source"`
	Terms    string `json:"terms"`
	Download link   `json:"download"`
}

// rankLeftOut counts the aggregates the rankings leave out.
type rankLeftOut struct {
	Aggregates count `json:"aggregates"`
}

// rankDataset links the datasets the rankings read.
type rankDataset struct {
	Title string `json:"title"`
	Path  string `json:"path"`
}

// rankingsPath is the path of the rankings sorted by a column ("" is the
// first column's order, the section's own page).
func rankingsPath(key string) string {
	if key == "" {
		return "rankings/"
	}
	return "rankings/" + strings.ReplaceAll(key, "_", "-") + "/"
}

// rankMinShare is the share of its best-covered year's states that a year
// needs to be a column's latest year: a year in which only a few states
// have reported yet would rank a few states.
const rankMinShare = 0.5

// rankValues is one column while it is made: the cells by state.
type rankValues struct {
	col   rankColumn
	cells map[string]rankCell
}

// rankings builds every order of the rankings, or nil when nothing
// published can be ranked. pages names the states that have a page.
func (g *generator) rankings(pages map[string]string) []rankingPage {
	var cols []*rankValues
	cols = append(cols, g.expenditureColumns()...)
	if c := g.gpiColumn(); c != nil {
		cols = append(cols, c)
	}
	cols = append(cols, g.recordColumns()...)
	if len(cols) == 0 {
		return nil
	}
	// Every state with a figure in a column, with the name of its page.
	states := map[string]bool{}
	for _, c := range cols {
		for code := range c.cells {
			states[code] = true
		}
	}
	base := make([]rankRow, 0, len(states))
	for code := range states {
		name, ok := pages[code]
		r := rankRow{ISO3: code, Name: name}
		if ok {
			r.Path = g.urls.link(countryPath(code))
		} else {
			r.Name = countryName(code, "")
		}
		for _, c := range cols {
			r.Cells = append(r.Cells, c.cells[code])
		}
		base = append(base, r)
	}
	slices.SortFunc(base, func(a, b rankRow) int {
		return cmp.Or(cmp.Compare(sortKey(a.Name), sortKey(b.Name)), cmp.Compare(a.ISO3, b.ISO3))
	})
	p := rankingParams{NamePath: g.urls.link(rankingsPath("name")), Withheld: g.rankWithheld()}
	for i, c := range cols {
		c.col.Path = g.urls.link(rankingsPath(c.col.Key))
		if i == 0 {
			c.col.Path = g.urls.link(rankingsPath(""))
		}
		c.col.States = g.count(len(c.cells))
		p.Columns = append(p.Columns, c.col)
		for _, cell := range c.cells {
			p.Estimates = p.Estimates || cell.E
			p.Uncertain = p.Uncertain || cell.U
		}
	}
	if n := g.rankedAggregates(); n > 0 {
		p.Left = &rankLeftOut{Aggregates: g.count(n)}
	}
	for i := range g.in.Datasets {
		d := g.in.Datasets[i].Definition
		if is(&g.in.Datasets[i], g.tables[i], dataset.ExpenditureSchema) ||
			is(&g.in.Datasets[i], g.tables[i], dataset.CBMSchema) ||
			(is(&g.in.Datasets[i], g.tables[i], dataset.RiskSchema) && g.pubGPI()) {
			p.Datasets = append(p.Datasets, rankDataset{Title: d.Title, Path: g.urls.link(datasetPath(d.Name))})
		}
	}

	var out []rankingPage
	for i := -1; i < len(cols); i++ {
		q := p
		q.Rows = slices.Clone(base)
		if i < 0 {
			q.Order = "name"
		} else {
			q.Order = cols[i].col.Key
			sortRanked(q.Rows, i)
		}
		out = append(out, rankingPage{Lastmod: g.lastmod, Weight: i + 2, Params: q})
	}
	return out
}

// sortRanked sorts rows by their figure in column k, highest first, the
// states without one last (in the order they came), and numbers them.
func sortRanked(rows []rankRow, k int) {
	slices.SortStableFunc(rows, func(a, b rankRow) int {
		ca, cb := a.Cells[k], b.Cells[k]
		switch {
		case ca.has && cb.has:
			return cmp.Compare(cb.val, ca.val)
		case ca.has:
			return -1
		case cb.has:
			return 1
		}
		return 0
	})
	for i := range rows {
		c := rows[i].Cells[k]
		switch {
		case !c.has:
			rows[i].Rank = 0
		case i > 0 && rows[i-1].Cells[k].has && rows[i-1].Cells[k].val == c.val:
			rows[i].Rank = rows[i-1].Rank
		default:
			rows[i].Rank = i + 1
		}
	}
}

// isState reports whether a code is a state's rather than an aggregate's.
func isState(code string) bool {
	c, ok := country.Lookup(code)
	return !ok || c.IsState()
}

// rankedMeasures are the military-expenditure measures the rankings show,
// in their order, by column key; "constant_usd" stands for the one
// constant_usd_BASE measure a source publishes.
var rankedMeasures = []string{"constant_usd", dataset.MeasureShareOfGDP, dataset.MeasurePerCapita, dataset.MeasureShareOfGovt}

// expenditureColumns ranks the published military-expenditure figures:
// each measure from the first source (in the sources file's order) that
// publishes it, and the 10-year change in constant US$.
func (g *generator) expenditureColumns() []*rankValues {
	// measure key -> source -> the source's rows of it.
	type series struct {
		measure string
		rows    []int
	}
	by := map[string]map[string]*series{}
	for i := range g.pubRecs {
		r := &g.pubRecs[i]
		if r.Aggregate || !r.HasValue || !isState(r.Country) {
			continue
		}
		key := r.Measure
		if strings.HasPrefix(key, "constant_usd_") {
			key = "constant_usd"
		}
		if !slices.Contains(rankedMeasures, key) {
			continue
		}
		if by[key] == nil {
			by[key] = map[string]*series{}
		}
		s := by[key][r.Source]
		if s == nil {
			s = &series{measure: r.Measure}
			by[key][r.Source] = s
		}
		if s.measure != r.Measure {
			continue // a second base year: the first one found ranks
		}
		s.rows = append(s.rows, i)
	}
	var out []*rankValues
	for _, key := range rankedMeasures {
		srcs := sortedKeys(by[key])
		if len(srcs) == 0 {
			continue
		}
		slices.SortFunc(srcs, g.names.compare)
		src := srcs[0]
		s := by[key][src]
		year := rankYear(g.pubRecs, s.rows)
		col := rankColumn{Key: key, Source: g.names.linkOf(src), Licence: g.licenceOf(src), Year: year}
		if key == "constant_usd" {
			col.Base = strings.TrimPrefix(s.measure, "constant_usd_")
		}
		v := &rankValues{col: col, cells: map[string]rankCell{}}
		byYear := map[string]map[int]*dataset.Expenditure{}
		for _, i := range s.rows {
			r := &g.pubRecs[i]
			if r.Year == year {
				v.cells[r.Country] = g.rankCell(r)
			}
			if key == "constant_usd" && (r.Year == year || r.Year == year-10) {
				if byYear[r.Country] == nil {
					byYear[r.Country] = map[int]*dataset.Expenditure{}
				}
				byYear[r.Country][r.Year] = r
			}
		}
		out = append(out, v)
		if c := g.changeColumn(col, byYear); key == "constant_usd" && len(c.cells) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// changeColumn is the change in constant US$ over ten years to col's year:
// the states with a figure, above zero, in both years.
func (g *generator) changeColumn(col rankColumn, byYear map[string]map[int]*dataset.Expenditure) *rankValues {
	c := col
	c.Key, c.From, c.Base = "change_10y", col.Year-10, ""
	v := &rankValues{col: c, cells: map[string]rankCell{}}
	for code, ys := range byYear {
		now, then := ys[col.Year], ys[col.Year-10]
		if now == nil || then == nil || then.Value <= 0 {
			continue
		}
		pct := (now.Value/then.Value - 1) * 100
		cell := rankCell{V: format.Exact(pct), T: g.num.Fixed(math.Abs(pct), 1), has: true, val: pct,
			E: now.Estimate || then.Estimate, U: now.Uncertain || then.Uncertain}
		switch {
		case pct > 0:
			cell.Sign = 1
		case pct < 0:
			cell.Sign = -1
		}
		v.cells[code] = cell
	}
	return v
}

// rankYear returns the latest year in which the rows have figures for at
// least rankMinShare of the states of their best-covered year.
func rankYear(recs []dataset.Expenditure, rows []int) int {
	per := map[int]int{}
	for _, i := range rows {
		per[recs[i].Year]++
	}
	best := 0
	for _, n := range per {
		best = max(best, n)
	}
	year := 0
	for y, n := range per {
		if float64(n) >= rankMinShare*float64(best) && y > year {
			year = y
		}
	}
	return year
}

// rankCell is a figure of military expenditure in a ranking.
func (g *generator) rankCell(r *dataset.Expenditure) rankCell {
	return rankCell{V: exact(r.Value), T: number(r.Value), E: r.Estimate, U: r.Uncertain, has: true, val: r.Value}
}

// gpiIndicator is the Global Peace Index's overall score in risk-reports.
const gpiIndicator = "gpi_overall_score"

// pubGPI reports whether the published risk-reports hold GPI scores.
func (g *generator) pubGPI() bool {
	for i := range g.fam.risk {
		if g.fam.risk[i].Indicator == gpiIndicator {
			return true
		}
	}
	return false
}

// gpiColumn ranks the published Global Peace Index scores of the latest
// year, or returns nil when none is published.
func (g *generator) gpiColumn() *rankValues {
	var rows []*dataset.RiskReport
	per := map[int]int{}
	for i := range g.fam.risk {
		r := &g.fam.risk[i]
		if r.Indicator != gpiIndicator || !r.HasValue || !isState(r.Country) || len(r.Period) != 4 {
			continue
		}
		rows = append(rows, r)
		per[yearOf(r.Period)]++
	}
	if len(rows) == 0 {
		return nil
	}
	best, year := 0, 0
	for _, n := range per {
		best = max(best, n)
	}
	for y, n := range per {
		if float64(n) >= rankMinShare*float64(best) && y > year {
			year = y
		}
	}
	v := &rankValues{cells: map[string]rankCell{}}
	for _, r := range rows {
		if yearOf(r.Period) != year {
			continue
		}
		if v.col.Key == "" {
			v.col = rankColumn{Key: "gpi", Source: g.names.linkOf(r.Source), Licence: g.licenceOf(r.Source), Year: year}
		}
		v.cells[r.Country] = rankCell{V: format.Exact(r.Value), T: g.num.Exact(r.Value), has: true, val: r.Value}
	}
	return v
}

// rankRecordYears is how many years a reporting record covers.
const rankRecordYears = 10

// recordColumns ranks each state's reporting to each UN instrument over
// the ten years to the instrument's latest year with a report: the years
// in which it submitted one, nil reports included.
func (g *generator) recordColumns() []*rankValues {
	if len(g.fam.cbm) == 0 {
		return nil
	}
	x := newCBMIndex(g.fam.cbm)
	var out []*rankValues
	for _, ins := range x.instruments {
		l := latestReported(x.rates[ins])
		if l == nil {
			continue
		}
		from := l.Year - rankRecordYears + 1
		// The years the source covers within the window: a state is
		// counted against those only.
		years := map[int]bool{}
		for _, r := range x.rates[ins] {
			if r.Year >= from && r.Year <= l.Year && r.States > 0 {
				years[r.Year] = true
			}
		}
		col := rankColumn{Key: "record_" + ins, Year: l.Year, From: from}
		v := &rankValues{col: col, cells: map[string]rankCell{}}
		var src string
		for _, i := range x.byInstrument[ins] {
			r := &g.fam.cbm[i]
			if r.Year < from || r.Year > l.Year || !isState(r.Country) {
				continue
			}
			if src == "" {
				src = r.Source
			}
			c := v.cells[r.Country]
			// Counted against the years the state has a row for: the
			// years it owed a report (an ATT State Party from its first
			// full year, a UN member from its admission).
			c.has = true
			if years[r.Year] {
				c.Of++
			}
			if submitted(r.Kind) {
				c.N++
			}
			c.val = float64(c.N)
			v.cells[r.Country] = c
		}
		v.col.Source, v.col.Licence = g.names.linkOf(src), g.licenceOf(src)
		out = append(out, v)
	}
	return out
}

// rankedAggregates counts the aggregates with figures in the published
// military-expenditure rows, which the rankings leave out.
func (g *generator) rankedAggregates() int {
	seen := map[string]bool{}
	for i := range g.pubRecs {
		if r := &g.pubRecs[i]; r.Aggregate || !isState(r.Country) {
			seen[r.Country] = true
		}
	}
	return len(seen)
}

// rankWithheld lists the sources of military expenditure and of risk
// whose terms keep their rows out of the published files, and so out of
// the rankings.
func (g *generator) rankWithheld() []rankSource {
	var out []rankSource
	for i := range g.in.Sources {
		s := &g.in.Sources[i]
		if s.Publishes || s.Terms == "" || s.Terms == "open" || s.Withheld == 0 {
			continue
		}
		ranked := s.CountryPage != nil && slices.Contains(s.CountryPage.Indicators, gpiIndicator)
		for j := range g.in.Datasets {
			d := &g.in.Datasets[j]
			ranked = ranked || (d.Definition.Name == s.Dataset && is(d, g.tables[j], dataset.ExpenditureSchema))
		}
		if !ranked {
			continue
		}
		out = append(out, rankSource{Source: g.names.linkOf(s.Name), Terms: s.Terms,
			Download: newLink(s.Download, s.Download)})
	}
	return out
}

// licenceOf returns the licence a source is published under, in a few
// words, as the sources file states it.
func (g *generator) licenceOf(name string) string {
	for i := range g.in.Sources {
		if g.in.Sources[i].Name == name {
			return g.in.Sources[i].Licence
		}
	}
	return ""
}

// yearOf reads a year; 0 when it is not one.
func yearOf(s string) int {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// writeRankings writes every order of the rankings, and reports whether
// there are any.
func (g *generator) writeRankings(pages map[string]string) (bool, error) {
	rs := g.rankings(pages)
	for i, p := range rs {
		file := "_index.md"
		if i > 1 {
			file = strings.TrimSuffix(strings.TrimPrefix(rankingsPath(p.Params.Order), "rankings/"), "/") + ".md"
		} else if i == 0 {
			file = "name.md"
		}
		if err := g.out.putPage(filepath.Join(g.dir, "content", "rankings", file), p); err != nil {
			return false, err
		}
	}
	return len(rs) > 0, nil
}
