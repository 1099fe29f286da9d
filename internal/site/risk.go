package site

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/site/format"
)

// The risk context on a country's page: a panel per source of
// risk-reports whose [source.country_page] in the sources file names the
// indicators to show (the Global Peace Index's overall score and rank, the
// INFORM Risk Index, CrisisWatch's trends and alerts in the default
// sources file, and whatever a fork configures). The panel holds the
// source's figures by period, newest first, and what the sentences on the
// latest figures need: the previous period's figure and the earliest, their
// differences, and how many states have a figure. The template the
// source's layout names words and draws it.

// riskParams is the Risk context section of a country's page.
type riskParams struct {
	Panels []riskPanel `json:"panels,omitempty"`
	// Other counts the country's figures of indicators the page does not
	// show, when it shows none.
	Other *count `json:"other,omitempty"`
}

// riskPanel is one source's indicators on a country's page.
type riskPanel struct {
	Slug       string   `json:"slug"`   // for the panel's id, unique on the page
	Layout     string   `json:"layout"` // the partial risk/LAYOUT.html draws it
	Source     string   `json:"source"` // its label
	Sources    []link   `json:"sources"`
	Indicators []string `json:"indicators"`
	// Periods are the periods with a row, newest first, at most the
	// source's country_page.periods; Count is how many there are in all.
	Periods []riskPeriod `json:"periods"`
	Count   int          `json:"count"`
	// Latest is the latest figure of each indicator, as Indicators; nil
	// where the indicator has none.
	Latest []*riskLatest `json:"latest"`
}

// riskPeriod is one period of a panel: a cell per indicator, and the
// publisher's text and link for the period, from the first of its rows
// that has them.
type riskPeriod struct {
	Period  string     `json:"period"` // 2025, or 2025-10
	Cells   []riskCell `json:"cells"`
	Summary string     `json:"summary,omitempty"`
	Link    string     `json:"link,omitempty"`
}

// riskCell is one indicator's row in a period: Row is false where there
// is none; Value is "" where the row holds a category or no figure.
type riskCell struct {
	Row      bool   `json:"row,omitempty"`
	Value    string `json:"value,omitempty"` // exact
	Text     string `json:"text,omitempty"`  // exact, with separators
	Category string `json:"category,omitempty"`
}

// riskLatest is an indicator's latest figure and what it compares with.
type riskLatest struct {
	Period string `json:"period"`
	Value  string `json:"value"`
	Text   string `json:"text"`
	Unit   string `json:"unit,omitempty"`
	Link   string `json:"link,omitempty"` // the publisher's page of it, http(s)
	// Prev is the figure of the period before, and Earliest the earliest
	// figure shown, when it is older than that.
	Prev     *riskCompare `json:"prev,omitempty"`
	Earliest *riskCompare `json:"earliest,omitempty"`
	// States counts the states with a figure of the indicator in Period,
	// for a rank's "of 163 states".
	States count `json:"states"`
}

// riskCompare is an earlier figure of an indicator and how the latest
// differs from it: by Diff, rounded to the decimals the two are published
// with, with the sign of Sign, or by Places, rounded to a whole number, for
// ranks.
type riskCompare struct {
	Period string `json:"period"`
	Value  string `json:"value"`
	Diff   string `json:"diff"`
	Sign   int    `json:"sign"`
	Places int    `json:"places"`
}

// riskView is what the country pages show of one source, from the sources
// file.
type riskView struct {
	source string
	page   *CountryPage
	rank   int
}

// riskIndex groups the rows of risk-reports that the country pages show by
// country and source, and counts the states with a figure of each
// indicator and period.
type riskIndex struct {
	recs      []dataset.RiskReport
	views     map[string]*riskView        // by source
	byCountry map[string]map[string][]int // country -> source -> rows
	states    map[string]int              // indicator+"\x1f"+period -> states with a figure
	other     map[string]int              // country -> rows of indicators not shown
}

// newRiskIndex sorts the rows into those the pages show, by the sources'
// country_page, and the others, which they count.
func (g *generator) newRiskIndex(recs []dataset.RiskReport) *riskIndex {
	x := &riskIndex{recs: recs, views: map[string]*riskView{}, byCountry: map[string]map[string][]int{},
		states: map[string]int{}, other: map[string]int{}}
	for i := range g.in.Sources {
		s := &g.in.Sources[i]
		if s.CountryPage != nil && len(s.CountryPage.Indicators) > 0 {
			x.views[s.Name] = &riskView{source: s.Name, page: s.CountryPage, rank: i}
		}
	}
	for i := range recs {
		r := &recs[i]
		v := x.views[r.Source]
		if v == nil || !slices.Contains(v.page.Indicators, r.Indicator) {
			x.other[r.Country]++
			continue
		}
		m := x.byCountry[r.Country]
		if m == nil {
			m = map[string][]int{}
			x.byCountry[r.Country] = m
		}
		m[r.Source] = append(m[r.Source], i)
		if r.HasValue {
			x.states[r.Indicator+"\x1f"+r.Period]++
		}
	}
	return x
}

// previousPeriod returns the period before p: the year or month before.
func previousPeriod(p string) string {
	if len(p) == 7 {
		if t, err := time.Parse("2006-01", p); err == nil {
			return t.AddDate(0, -1, 0).Format("2006-01")
		}
	}
	if y, err := strconv.Atoi(p); err == nil {
		return strconv.Itoa(y - 1)
	}
	return ""
}

// decimals returns how many decimals the shortest form of v has.
func decimals(v float64) int {
	s := format.Exact(v)
	for i := range len(s) {
		if s[i] == '.' {
			return len(s) - i - 1
		}
	}
	return 0
}

// difference returns |a-b| rounded to the decimals of a and b, and the
// sign of a-b.
func difference(a, b float64, num format.Numbers) (string, int) {
	d := max(decimals(a), decimals(b))
	p := math.Pow(10, float64(d))
	diff := math.Round(a*p)/p - math.Round(b*p)/p
	diff = math.Round(diff*p) / p
	sign := 0
	switch {
	case diff > 0:
		sign = 1
	case diff < 0:
		sign = -1
	}
	return num.Fixed(math.Abs(diff), d), sign
}

// compare returns how r's figure differs from the earlier e's.
func compare(r, e *dataset.RiskReport, num format.Numbers) *riskCompare {
	d, sign := difference(r.Value, e.Value, num)
	return &riskCompare{Period: e.Period, Value: format.Exact(e.Value), Diff: d, Sign: sign,
		Places: int(math.Round(math.Abs(r.Value - e.Value)))}
}

// section returns a country's risk context, or nil when it has none.
func (g *generator) riskSection(x *riskIndex, code string) *riskParams {
	bySource := x.byCountry[code]
	if len(bySource) == 0 {
		if n := x.other[code]; n > 0 {
			c := g.count(n)
			return &riskParams{Other: &c}
		}
		return nil
	}
	views := make([]*riskView, 0, len(bySource))
	for s := range bySource {
		views = append(views, x.views[s])
	}
	slices.SortFunc(views, func(a, b *riskView) int { return cmp.Compare(a.rank, b.rank) })
	p := &riskParams{}
	used := map[string]bool{}
	for _, v := range views {
		panel := g.riskPanel(x, v, bySource[v.source])
		// Two sources drawn with one layout keep their ids apart.
		if used[panel.Slug] {
			panel.Slug += "-" + slug(v.source)
		}
		used[panel.Slug] = true
		p.Panels = append(p.Panels, panel)
	}
	return p
}

// riskPanel lays out one source's rows of a country.
func (g *generator) riskPanel(x *riskIndex, v *riskView, rows []int) riskPanel {
	inds := v.page.Indicators
	p := riskPanel{Slug: slug(v.source), Layout: "index", Source: g.names.labelOf(v.source),
		Indicators: inds, Latest: make([]*riskLatest, len(inds)), Sources: []link{g.names.linkOf(v.source)}}
	if v.page.Layout != "" {
		p.Slug, p.Layout = slug(v.page.Layout), v.page.Layout
	}
	// The rows by indicator and period.
	by := make([]map[string]*dataset.RiskReport, len(inds))
	for k := range by {
		by[k] = map[string]*dataset.RiskReport{}
	}
	periods := map[string]bool{}
	for _, i := range rows {
		r := &x.recs[i]
		k := slices.Index(inds, r.Indicator)
		by[k][r.Period] = r
		periods[r.Period] = true
	}
	order := sortedKeys(periods)
	slices.Reverse(order)
	p.Count = len(order)
	if n := v.page.Periods; n > 0 && len(order) > n {
		order = order[:n]
	}
	for _, per := range order {
		rp := riskPeriod{Period: per, Cells: make([]riskCell, len(inds))}
		for k := range inds {
			r := by[k][per]
			if r == nil {
				continue
			}
			c := riskCell{Row: true, Category: r.Category}
			if r.HasValue {
				c.Value, c.Text = format.Exact(r.Value), g.num.Exact(r.Value)
			}
			rp.Cells[k] = c
			if rp.Summary == "" {
				rp.Summary = r.Summary
			}
			if rp.Link == "" {
				rp.Link = webURL(r.Link)
			}
		}
		p.Periods = append(p.Periods, rp)
	}
	// The latest figure of each indicator, against the one before it and
	// the earliest of those shown.
	for k := range inds {
		var latest string
		for per, r := range by[k] {
			if r.HasValue && per > latest {
				latest = per
			}
		}
		if latest == "" {
			continue
		}
		r := by[k][latest]
		l := &riskLatest{Period: latest, Value: format.Exact(r.Value), Text: g.num.Exact(r.Value), Unit: r.Unit,
			Link: webURL(r.Link), States: g.count(x.states[r.Indicator+"\x1f"+latest])}
		prev := previousPeriod(latest)
		if e := by[k][prev]; e != nil && e.HasValue {
			l.Prev = compare(r, e, g.num)
		}
		for j := len(order) - 1; j >= 0; j-- {
			if e := by[k][order[j]]; e != nil && e.HasValue && e.Period < prev {
				l.Earliest = compare(r, e, g.num)
				break
			}
		}
		p.Latest[k] = l
	}
	return p
}
