package site

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/defence-transparency/publish/internal/dataset"
)

// homePage is the front matter of the home page.
type homePage struct {
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Lastmod     string     `json:"lastmod,omitempty"`
	Params      homeParams `json:"params"`
}

type homeParams struct {
	Datasets  []datasetSummary `json:"datasets"`
	Notices   []failure        `json:"notices,omitempty"`
	Countries count            `json:"countries"`
	Changes   []changesRow     `json:"changes,omitempty"` // the newest versions
	Feeds     []feedLink       `json:"feeds,omitempty"`
	// Participation is each UN instrument's reporting in its latest year
	// with a report, nil reports counted as reports.
	Participation []participation `json:"participation,omitempty"`
	TrackerPath   string          `json:"trackerpath,omitempty"`
	AuditsPath    string          `json:"auditspath,omitempty"`
	Reports       count           `json:"reports"`  // audit reports
	Auditors      count           `json:"auditors"` // their auditors
	Figures       *homeFigures    `json:"figures,omitempty"`
}

// datasetSummary is a dataset as the home page lists it.
type datasetSummary struct {
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Path        string    `json:"path"`
	Rows        count     `json:"rows"`
	Version     string    `json:"version,omitempty"`
	Created     when      `json:"created"`
	Coverage    *coverage `json:"coverage,omitempty"`
}

// homeChanges is how many of the newest versions the home page lists.
const homeChanges = 6

func (g *generator) homePage(summaries []datasetSummary, countries int) homePage {
	return homePage{
		Title:       g.title,
		Description: g.description,
		Lastmod:     g.lastmod,
		Params:      homeParams{Datasets: summaries, Countries: g.count(countries), Notices: g.failures("")},
	}
}

// The figures of the home page: the world's and the regions' totals, the
// largest rises and falls, the newest audit reports and revisions. They
// read only published rows, as the rankings do.

// homeFigures is the Figures section of the home page.
type homeFigures struct {
	// Totals are the world's and the regions' figures of one measure in
	// its latest year, from the aggregates of one source.
	Totals *homeTotals `json:"totals,omitempty"`
	// Rises and Falls are the states whose figure of the rankings' first
	// measure changed most since the year before.
	Moves *homeMoves `json:"moves,omitempty"`
	// Audits are the newest audit reports.
	Audits []auditItem `json:"audits,omitempty"`
	// Revisions are the newest versions that revised published figures.
	Revisions    []changesRow `json:"revisions,omitempty"`
	RankingsPath string       `json:"rankingspath,omitempty"`
}

type homeTotals struct {
	Key         string      `json:"key"` // the measure, as the rankings' column keys
	Base        string      `json:"base,omitempty"`
	Year        int         `json:"year"`
	Source      link        `json:"source"`
	Rows        []homeTotal `json:"rows"`
	DatasetPath string      `json:"datasetpath"`
}

type homeTotal struct {
	ISO3  string   `json:"iso3"`
	Name  string   `json:"name"`
	World bool     `json:"world,omitempty"`
	Cell  rankCell `json:"cell"`
}

type homeMoves struct {
	Key    string     `json:"key"`
	Year   int        `json:"year"`
	Source link       `json:"source"`
	Rises  []homeMove `json:"rises,omitempty"`
	Falls  []homeMove `json:"falls,omitempty"`
}

// homeMove is one state's change: Diff in the measure's own unit
// (percentage points for a share) or, for spending, in percent; Sign is
// the change's.
type homeMove struct {
	Name string `json:"name"`
	Path string `json:"path,omitempty"`
	From string `json:"from"` // the figures, rounded for reading
	To   string `json:"to"`
	Diff string `json:"diff"`
	Sign int    `json:"sign"`
	E    bool   `json:"e,omitempty"` // an estimate
	U    bool   `json:"u,omitempty"` // highly uncertain
	d    float64
}

// homeRegions are the aggregates the home page shows after the world, by
// publisher: the World Bank's seven regions and SIPRI's five.
var homeRegions = []string{"EAS", "ECS", "LCN", "MEA", "NAC", "SAS", "SSF", "XAF", "XAM", "XAO", "XEP", "XME"}

// homeMovesShown is how many rises and how many falls the home page lists.
const homeMovesShown = 5

// homeListed is how many audit reports and revisions the home page lists.
const homeListed = 5

// totalMeasures are the measures the totals may show, in preference.
var totalMeasures = []string{"constant_usd", dataset.MeasureCurrentUSD, dataset.MeasureShareOfGDP}

// homeTotalsOf finds the published aggregates' figures of the first
// source (in the sources' order) that has the world's, in the first of
// totalMeasures it has.
func (g *generator) homeTotalsOf() *homeTotals {
	type series struct{ source, measure string }
	world := map[series]int{} // latest year of the world's figure
	for i := range g.pubRecs {
		r := &g.pubRecs[i]
		if r.Country == "WLD" && r.HasValue && r.Year > world[series{r.Source, r.Measure}] {
			world[series{r.Source, r.Measure}] = r.Year
		}
	}
	var best *series
	bestRank := 0
	for s := range world {
		key := s.measure
		if strings.HasPrefix(key, "constant_usd_") {
			key = "constant_usd"
		}
		m := slices.Index(totalMeasures, key)
		if m < 0 {
			continue
		}
		rank := g.names.rank[s.source]*len(totalMeasures) + m
		if best == nil || rank < bestRank || (rank == bestRank && s.measure > best.measure) {
			s := s
			best, bestRank = &s, rank
		}
	}
	if best == nil {
		return nil
	}
	year := world[*best]
	t := &homeTotals{Key: best.measure, Year: year, Source: g.names.linkOf(best.source)}
	if base, ok := strings.CutPrefix(best.measure, "constant_usd_"); ok {
		t.Key, t.Base = "constant_usd", base
	}
	for _, d := range g.in.Datasets {
		if d.Definition.Schema == dataset.ExpenditureSchema {
			t.DatasetPath = g.urls.link(datasetPath(d.Definition.Name))
		}
	}
	for i := range g.pubRecs {
		r := &g.pubRecs[i]
		if r.Source != best.source || r.Measure != best.measure || r.Year != year || !r.HasValue {
			continue
		}
		if r.Country != "WLD" && !slices.Contains(homeRegions, r.Country) {
			continue
		}
		t.Rows = append(t.Rows, homeTotal{ISO3: r.Country, Name: countryName(r.Country, r.CountryName), World: r.Country == "WLD",
			Cell: g.rankCell(r)})
	}
	slices.SortFunc(t.Rows, func(a, b homeTotal) int {
		if a.World != b.World {
			if a.World {
				return -1
			}
			return 1
		}
		return cmp.Compare(sortKey(a.Name), sortKey(b.Name))
	})
	return t
}

// homeMovesOf finds the largest rises and falls of the first ranked
// measure of military spending between its latest year and the one
// before: in percent for spending, in percentage points for a share.
func (g *generator) homeMovesOf(pages map[string]string) *homeMoves {
	cols := g.expenditureColumns()
	if len(cols) == 0 {
		return nil
	}
	col := cols[0].col
	source := ""
	for i := range g.in.Sources {
		if g.names.linkOf(g.in.Sources[i].Name) == col.Source {
			source = g.in.Sources[i].Name
		}
	}
	measure := col.Key
	if col.Key == "constant_usd" {
		measure = "constant_usd_" + col.Base
	}
	by := map[string][2]*dataset.Expenditure{}
	for i := range g.pubRecs {
		r := &g.pubRecs[i]
		if r.Source != source || r.Measure != measure || !r.HasValue || r.Aggregate || !isState(r.Country) {
			continue
		}
		if r.Year == col.Year || r.Year == col.Year-1 {
			v := by[r.Country]
			v[col.Year-r.Year] = r
			by[r.Country] = v
		}
	}
	m := &homeMoves{Key: col.Key, Year: col.Year, Source: col.Source}
	var moves []homeMove
	for code, v := range by {
		now, then := v[0], v[1]
		if now == nil || then == nil {
			continue
		}
		d := now.Value - then.Value
		if col.Key == "constant_usd" {
			if then.Value <= 0 {
				continue
			}
			d = (now.Value/then.Value - 1) * 100
		}
		mv := homeMove{Name: countryName(code, now.CountryName), From: number(then.Value), To: number(now.Value),
			Diff: g.num.Fixed(math.Abs(d), 1), E: now.Estimate || then.Estimate, U: now.Uncertain || then.Uncertain, d: d}
		if name, ok := pages[code]; ok {
			mv.Name, mv.Path = name, g.urls.link(countryPath(code))
		}
		switch {
		case d > 0:
			mv.Sign = 1
		case d < 0:
			mv.Sign = -1
		}
		moves = append(moves, mv)
	}
	slices.SortFunc(moves, func(a, b homeMove) int { return cmp.Or(cmp.Compare(b.d, a.d), cmp.Compare(a.Name, b.Name)) })
	for _, mv := range moves[:min(homeMovesShown, len(moves))] {
		if mv.Sign > 0 {
			m.Rises = append(m.Rises, mv)
		}
	}
	for i := len(moves) - 1; i >= max(0, len(moves)-homeMovesShown); i-- {
		if moves[i].Sign < 0 {
			m.Falls = append(m.Falls, moves[i])
		}
	}
	if len(m.Rises) == 0 && len(m.Falls) == 0 {
		return nil
	}
	return m
}

// homeFiguresOf gathers the figures of the home page.
func (g *generator) homeFiguresOf(pages map[string]string, audits *auditIndex, changes []changesRow, ranked bool) *homeFigures {
	f := &homeFigures{Totals: g.homeTotalsOf(), Moves: g.homeMovesOf(pages)}
	if ranked {
		f.RankingsPath = g.urls.link(rankingsPath(""))
	}
	if audits != nil {
		for _, i := range audits.newest[:min(len(audits.newest), homeListed)] {
			f.Audits = append(f.Audits, audits.items[i])
		}
	}
	for _, c := range changes {
		if c.Counts.Revisions != "0" && c.Counts.Revisions != "" && !c.First {
			f.Revisions = append(f.Revisions, c)
			if len(f.Revisions) == homeListed {
				break
			}
		}
	}
	return f
}
