package site

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/defence-transparency/publish/internal/dataset"
)

// The risk context on a country's page: the Global Peace Index's overall
// score and rank, the INFORM Risk Index and Crisis Group's CrisisWatch
// entries, each with its latest figure, its trend, the period it refers to
// and its source.

// crisisWatchCap is how many of a country's latest CrisisWatch months its
// page shows.
const crisisWatchCap = 6

// riskParams is the Risk context section of a country's page.
type riskParams struct {
	GPI         *riskBlock   `json:"gpi,omitempty"`
	INFORM      *riskBlock   `json:"inform,omitempty"`
	CrisisWatch *crisisBlock `json:"crisiswatch,omitempty"`
	// Other says how many of the country's figures are indicators the
	// page does not show, when it shows none.
	Other string `json:"other,omitempty"`
}

// riskBlock is one index on a country's page: sentences on its latest
// figures, and a table of every period.
type riskBlock struct {
	ID      string    `json:"id"`
	Heading string    `json:"heading"`
	Latest  []string  `json:"latest"`
	Period  string    `json:"period"` // of the latest figures
	Scale   string    `json:"scale,omitempty"`
	Sources []link    `json:"sources"`
	Link    link      `json:"link,omitempty"` // the publisher's page of the figures
	Caption string    `json:"caption"`
	Columns []string  `json:"columns"`
	Rows    []riskRow `json:"rows"` // newest first
	Note    string    `json:"note,omitempty"`
}

type riskRow struct {
	Period string     `json:"period"`
	Cells  []riskCell `json:"cells"`
}

type riskCell struct {
	Text  string `json:"text,omitempty"`
	Value string `json:"value,omitempty"`
}

// crisisBlock is a country's latest CrisisWatch entries.
type crisisBlock struct {
	Entries []crisisEntry `json:"entries"` // newest first
	Count   int           `json:"count"`   // entries in the dataset
	Sources []link        `json:"sources"`
}

type crisisEntry struct {
	Month     string   `json:"month"`  // "October 2025"
	Period    string   `json:"period"` // "2025-10"
	Trend     string   `json:"trend,omitempty"`
	TrendCode string   `json:"trendcode,omitempty"` // deteriorated, improved, unchanged
	Alerts    []string `json:"alerts,omitempty"`
	Summary   string   `json:"summary,omitempty"`
	Link      link     `json:"link"`
}

// riskIndex groups the risk rows by country and counts the states ranked
// each year.
type riskIndex struct {
	recs      []dataset.RiskReport
	byCountry map[string][]int
	ranked    map[string]int // period -> states with a GPI rank
	other     map[string]int // country -> rows of indicators not shown
}

func newRiskIndex(recs []dataset.RiskReport, other map[string]int) *riskIndex {
	x := &riskIndex{recs: recs, byCountry: map[string][]int{}, ranked: map[string]int{}, other: other}
	for i := range recs {
		r := &recs[i]
		x.byCountry[r.Country] = append(x.byCountry[r.Country], i)
		if r.Indicator == indicatorGPIRank && r.HasValue {
			x.ranked[r.Period]++
		}
	}
	return x
}

// periodLabel writes a period in words: "2025", or "October 2025".
func periodLabel(p string) string {
	if len(p) == 7 {
		if t, err := time.Parse("2006-01", p); err == nil {
			return t.Format("January 2006")
		}
	}
	return p
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
	s := exact(v)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

// difference returns |a-b| rounded to the decimals of a and b, as text,
// and the sign of a-b.
func difference(a, b float64) (string, int) {
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
	return strconv.FormatFloat(math.Abs(diff), 'f', d, 64), sign
}

// compared says how a figure differs from an earlier one of the same
// index: "the same as in 2024", "0.1 higher than in 2023 (2.2)"; sign is
// the sign of the difference.
func compared(r, prev *dataset.RiskReport) (text string, sign int) {
	d, sign := difference(r.Value, prev.Value)
	switch sign {
	case 0:
		return fmt.Sprintf("the same as in %s", periodLabel(prev.Period)), 0
	case -1:
		return fmt.Sprintf("%s lower than in %s (%s)", d, periodLabel(prev.Period), exact(prev.Value)), -1
	}
	return fmt.Sprintf("%s higher than in %s (%s)", d, periodLabel(prev.Period), exact(prev.Value)), 1
}

// series is one indicator's values of a country by period.
type series map[string]*dataset.RiskReport

func (s series) latest() string {
	best := ""
	for p, r := range s {
		if r.HasValue && p > best {
			best = p
		}
	}
	return best
}

// section returns a country's risk context, or nil when it has none.
func (x *riskIndex) section(code string, names *sourceNames) *riskParams {
	idx := x.byCountry[code]
	if len(idx) == 0 {
		if n := x.other[code]; n > 0 {
			return &riskParams{Other: fmt.Sprintf("The risk dataset has %s for this country, of indicators this page does not show; they are in its downloads.",
				plural(n, "figure", "figures"))}
		}
		return nil
	}
	by := map[string]series{}
	for _, i := range idx {
		r := &x.recs[i]
		if by[r.Indicator] == nil {
			by[r.Indicator] = series{}
		}
		by[r.Indicator][r.Period] = r
	}
	p := &riskParams{GPI: x.gpi(by, names), INFORM: informBlock(by[indicatorINFORM], names)}
	p.CrisisWatch = crisisWatch(by, names)
	if p.GPI == nil && p.INFORM == nil && p.CrisisWatch == nil {
		return nil
	}
	return p
}

// sourcesOf returns the sources of the records, as links.
func sourcesOf(names *sourceNames, recs ...*dataset.RiskReport) []link {
	var ss []string
	for _, r := range recs {
		if r != nil && !slices.Contains(ss, r.Source) {
			ss = append(ss, r.Source)
		}
	}
	slices.SortFunc(ss, names.compare)
	var out []link
	for _, s := range ss {
		out = append(out, names.linkOf(s))
	}
	return out
}

// periodsDesc returns the periods of the series, newest first.
func periodsDesc(ss ...series) []string {
	seen := map[string]bool{}
	for _, s := range ss {
		for p := range s {
			seen[p] = true
		}
	}
	out := sortedKeys(seen)
	slices.Reverse(out)
	return out
}

func (x *riskIndex) gpi(by map[string]series, names *sourceNames) *riskBlock {
	score, rank := by[indicatorGPIScore], by[indicatorGPIRank]
	if len(score) == 0 && len(rank) == 0 {
		return nil
	}
	b := &riskBlock{ID: "risk-gpi", Heading: "Global Peace Index", Columns: []string{"Overall score", "Rank"}}
	var all []*dataset.RiskReport
	for _, p := range periodsDesc(score, rank) {
		row := riskRow{Period: periodLabel(p), Cells: make([]riskCell, 2)}
		for k, s := range []series{score, rank} {
			if r := s[p]; r != nil {
				all = append(all, r)
				if r.HasValue {
					row.Cells[k] = riskCell{Text: groupDigits(exact(r.Value)), Value: exact(r.Value)}
				} else {
					row.Cells[k] = riskCell{Text: "no figure"}
				}
			}
		}
		b.Rows = append(b.Rows, row)
	}
	b.Sources = sourcesOf(names, all...)
	if l := score.latest(); l != "" {
		r := score[l]
		b.Period = periodLabel(l)
		s := fmt.Sprintf("Overall score %s in %s", exact(r.Value), periodLabel(l))
		if r.Unit != "" {
			b.Scale = "Scale: " + r.Unit + "."
		}
		if prev := score[previousPeriod(l)]; prev != nil && prev.HasValue {
			text, sign := compared(r, prev)
			s += ", " + text
			// A lower score is more peaceful.
			switch sign {
			case -1:
				s += ": more peaceful"
			case 1:
				s += ": less peaceful"
			}
		}
		b.Latest = append(b.Latest, s+".")
		b.Link = newLink("The Global Peace Index "+l+" on the publisher's site", r.Link)
	}
	if l := rank.latest(); l != "" {
		r := rank[l]
		if b.Period == "" {
			b.Period = periodLabel(l)
		}
		s := fmt.Sprintf("Rank %s", groupDigits(exact(r.Value)))
		if n := x.ranked[l]; n > 1 {
			s += fmt.Sprintf(" of %s", plural(n, "state", "states"))
		}
		s += " in " + periodLabel(l) + " (1 = most peaceful)"
		if prev := rank[previousPeriod(l)]; prev != nil && prev.HasValue {
			// A larger number is a lower place.
			switch d := int(math.Round(r.Value - prev.Value)); {
			case d == 0:
				s += fmt.Sprintf(", the same as in %s", periodLabel(prev.Period))
			case d > 0:
				s += fmt.Sprintf(", down %s from %s in %s", plural(d, "place", "places"), exact(prev.Value), periodLabel(prev.Period))
			default:
				s += fmt.Sprintf(", up %s from %s in %s", plural(-d, "place", "places"), exact(prev.Value), periodLabel(prev.Period))
			}
		}
		b.Latest = append(b.Latest, s+".")
		if b.Link.Text == "" {
			b.Link = newLink("The Global Peace Index "+l+" on the publisher's site", r.Link)
		}
	}
	if b.Link.Href == "" {
		b.Link = link{}
	}
	b.Caption = "Global Peace Index: overall score and rank by year"
	b.Note = "The index's domains and its 23 indicators are in the dataset's downloads."
	return b
}

func informBlock(s series, names *sourceNames) *riskBlock {
	if len(s) == 0 {
		return nil
	}
	b := &riskBlock{ID: "risk-inform", Heading: "INFORM Risk Index", Columns: []string{"Risk"},
		Caption: "INFORM Risk Index by year of release"}
	periods := periodsDesc(s)
	var all []*dataset.RiskReport
	for _, p := range periods {
		r := s[p]
		all = append(all, r)
		c := riskCell{Text: "no figure"}
		if r.HasValue {
			c = riskCell{Text: groupDigits(exact(r.Value)), Value: exact(r.Value)}
		}
		b.Rows = append(b.Rows, riskRow{Period: periodLabel(p), Cells: []riskCell{c}})
	}
	b.Sources = sourcesOf(names, all...)
	l := s.latest()
	if l == "" {
		return b
	}
	r := s[l]
	b.Period = periodLabel(l)
	if r.Unit != "" {
		b.Scale = "Scale: " + r.Unit + "."
	}
	var parts []string
	if prev := s[previousPeriod(l)]; prev != nil && prev.HasValue {
		text, _ := compared(r, prev)
		parts = append(parts, text)
	}
	// The trend over the years shown: against the earliest figure.
	for k := len(periods) - 1; k >= 0; k-- {
		if f := s[periods[k]]; f.HasValue && f.Period < previousPeriod(l) {
			text, _ := compared(r, f)
			parts = append(parts, text+", the earliest figure shown")
			break
		}
	}
	sentence := fmt.Sprintf("Risk %s in %s", exact(r.Value), periodLabel(l))
	if len(parts) > 0 {
		sentence += ": " + strings.Join(parts, "; ")
	}
	b.Latest = []string{sentence + "."}
	b.Link = newLink("The INFORM Risk Index on the publisher's site", r.Link)
	if b.Link.Href == "" {
		b.Link = link{}
	}
	return b
}

// trendLabels are CrisisWatch's trends in words.
var trendLabels = map[string]string{
	dataset.TrendDeteriorated: "Deteriorated",
	dataset.TrendImproved:     "Improved",
	dataset.TrendUnchanged:    "Unchanged",
}

// alertLabels are CrisisWatch's alerts in words.
var alertLabels = map[string]string{
	dataset.AlertConflictRisk:     "Conflict risk alert",
	dataset.AlertResolutionChance: "Resolution opportunity",
}

func crisisWatch(by map[string]series, names *sourceNames) *crisisBlock {
	trend, alert, resolution := by[dataset.CrisisWatchTrend], by[dataset.CrisisWatchAlert], by[dataset.CrisisWatchResolution]
	periods := periodsDesc(trend, alert, resolution)
	if len(periods) == 0 {
		return nil
	}
	b := &crisisBlock{Count: len(periods)}
	var all []*dataset.RiskReport
	for _, p := range periods[:min(len(periods), crisisWatchCap)] {
		e := crisisEntry{Month: periodLabel(p), Period: p}
		var first *dataset.RiskReport
		if r := trend[p]; r != nil {
			first = r
			e.TrendCode = r.Category
			e.Trend = trendLabels[r.Category]
			if e.Trend == "" {
				e.Trend = strings.ReplaceAll(r.Category, "_", " ")
				e.TrendCode = "other"
			}
		}
		for _, s := range []series{alert, resolution} {
			r := s[p]
			if r == nil {
				continue
			}
			if first == nil {
				first = r
			}
			l := alertLabels[r.Category]
			if l == "" {
				l = strings.ReplaceAll(r.Category, "_", " ")
			}
			e.Alerts = append(e.Alerts, l)
			all = append(all, r)
		}
		all = append(all, first)
		// The trend and the alerts of a month share the entry's text and
		// link; take them from the first that has them.
		for _, r := range []*dataset.RiskReport{trend[p], alert[p], resolution[p]} {
			if r == nil {
				continue
			}
			if e.Summary == "" {
				e.Summary = r.Summary
			}
			if e.Link.Text == "" && webURL(r.Link) != "" {
				e.Link = newLink("CrisisWatch, "+e.Month, r.Link)
			}
		}
		b.Entries = append(b.Entries, e)
	}
	b.Sources = sourcesOf(names, all...)
	return b
}
