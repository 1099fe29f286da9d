package site

import (
	"cmp"
	"fmt"
	"html/template"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
)

// countryCode is the form of a code that may become a page path.
var countryCode = regexp.MustCompile(`^[A-Z]{3}$`)

// countryPage is the front matter of one country's page.
type countryPage struct {
	Title       string        `json:"title"`
	Description string        `json:"description"`
	Lastmod     string        `json:"lastmod,omitempty"`
	Params      countryParams `json:"params"`
}

type countryParams struct {
	ISO3 string `json:"iso3"`
	// InProse is the name inside a sentence: "the United States".
	InProse  string        `json:"inprose"`
	Former   *formerState  `json:"former,omitempty"` // set for a state that no longer exists
	Charts   []chartParams `json:"charts,omitempty"`
	NoCharts []string      `json:"nocharts,omitempty"` // what could not be drawn, in words
	Tables   []tableParams `json:"tables,omitempty"`
	Notes    []symbolNote  `json:"notes,omitempty"` // the note symbols used on the page
	// Which marks the tables use, so the key explains only those.
	Estimates bool `json:"estimates,omitempty"`
	Uncertain bool `json:"uncertain,omitempty"`
	Footnotes bool `json:"footnotes,omitempty"`
	Blanks    bool `json:"blanks,omitempty"`
	// Revisions lists the revisions of the country's figures in the
	// versions the site shows; Feeds is the country's feed of them.
	Revisions []revisionsParams `json:"revisions,omitempty"`
	Feeds     []feedLink        `json:"feeds,omitempty"`
	// ShowRevisions says whether the page has a Revisions section, and
	// SeveralRevisions whether it holds tables of several datasets.
	ShowRevisions    bool `json:"showrevisions,omitempty"`
	SeveralRevisions bool `json:"severalrevisions,omitempty"`
	// The sections from the other datasets, where the country has rows.
	CBM []cbmCountryParams `json:"cbm,omitempty"`
	// Reported sets its reports to UN Milex beside the estimates
	// (reported.go).
	Reported *reportedCountry `json:"reported,omitempty"`
	// Neighbours compares it with the countries it borders (compare.go).
	Neighbours *compareChart       `json:"neighbours,omitempty"`
	Audits     *auditCountryParams `json:"audits,omitempty"`
	Risk       *riskParams         `json:"risk,omitempty"`
	Contents   []navLink           `json:"contents,omitempty"` // the page's sections
	// Excerpts names the sources whose figures the page shows as an
	// excerpt only, as their terms allow (excerpts.go).
	Excerpts []excerptNote `json:"excerpts,omitempty"`
}

type chartParams struct {
	ID      string        `json:"id"`
	Heading string        `json:"heading"`
	SVG     template.HTML `json:"svg"` // drawn by chart.svg, escaped there
	Note    string        `json:"note,omitempty"`
}

// tableParams is one source's figures for a country: a row per year and a
// column per measure.
type tableParams struct {
	ID      string         `json:"id"`
	Source  string         `json:"source"`
	Caption string         `json:"caption"`
	Columns []columnParams `json:"columns"`
	// Body is the table's rows, drawn by figuresBody (figures.go).
	Body template.HTML `json:"body"`
}

type columnParams struct {
	Label string `json:"label"`
	Unit  string `json:"unit,omitempty"`
	// Notes and Footnotes that the source gives for every figure of the
	// column are shown once, in its heading.
	Notes     string `json:"notes,omitempty"`
	Footnotes string `json:"footnotes,omitempty"`
}

// figureRow is one year's figures: a cell per column.
type figureRow struct {
	Year  string
	Cells []cellParams
}

// cellParams is one figure.
type cellParams struct {
	Value   string     // exact published value
	Text    string     // rounded, for reading
	Missing string     // "not available", "did not exist"
	E       bool       // an estimate
	U       bool       // highly uncertain
	Marks   *cellMarks // the source's marks, when it has any
}

// cellMarks are the source's marks on a figure.
type cellMarks struct {
	Estimate  bool
	Uncertain bool
	Notes     string
	Footnotes string
}

type symbolNote struct {
	Symbol string `json:"symbol"`
	Key    string `json:"key"` // the i18n key of its meaning
}

// noteMeanings are SIPRI's special-note symbols.
var noteMeanings = []symbolNote{
	{"†", "note_pensions"},
	{"‡", "note_current_only"},
	{"§", "note_budget"},
	{"¶", "note_paramilitary"},
	{"‖", "note_currency"},
}

// formerState is a state that no longer exists, with its years when known.
type formerState struct {
	From int `json:"from,omitempty"`
	To   int `json:"to,omitempty"`
}

// countryEntry is one link in the list of countries.
type countryEntry struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	Former bool   `json:"former,omitempty"`
	key    string
}

type letterGroup struct {
	ID        string         `json:"id"`
	Letter    string         `json:"letter"`
	Countries []countryEntry `json:"countries"`
}

// sourceNames tells the label, the order and the homepage of each source.
type sourceNames struct {
	label map[string]string
	rank  map[string]int
	home  map[string]string
	// credit and download are each source's attribution and the
	// publisher's own download, for the notes on excerpts.
	credit   map[string]string
	download map[string]string
}

// linkOf returns a source's label, linked to its homepage when it has a
// web address.
func (n *sourceNames) linkOf(name string) link {
	return newLink(n.labelOf(name), n.home[name])
}

func (n *sourceNames) labelOf(name string) string {
	if l := n.label[name]; l != "" {
		return l
	}
	return name
}

func (n *sourceNames) compare(a, b string) int {
	ra, oka := n.rank[a]
	rb, okb := n.rank[b]
	switch {
	case oka && okb:
		return cmp.Compare(ra, rb)
	case oka:
		return -1
	case okb:
		return 1
	}
	return cmp.Compare(a, b)
}

// countrySections holds what the country pages show besides military
// expenditure: reporting to the UN instruments, audits and risk context.
// Each index is nil when its dataset is not published.
type countrySections struct {
	g      *generator
	cbm    *cbmIndex
	audits *auditIndex
	risk   *riskIndex
	names  map[string]string // every country with rows there, by its name in them
}

// countryRows groups the rows of recs by country, checking each code,
// since it becomes part of a page's path. Aggregates (the world, regions,
// the EU) are left out: they are in the downloads but never among the
// countries, with no page, no count and no place in a list of countries.
func countryRows(recs []dataset.Expenditure) (map[string][]int, error) {
	out := map[string][]int{}
	for i := range recs {
		if recs[i].Aggregate {
			continue
		}
		c := recs[i].Country
		idx, ok := out[c]
		if !ok && !countryCode.MatchString(c) {
			return nil, fmt.Errorf("site: generate: country code %q is not three capital letters", c)
		}
		out[c] = append(idx, i)
	}
	return out, nil
}

// countryPages builds the page of every country that has rows in recs
// (rows, by countryRows) or in the datasets of ex (which may be nil), and
// the list that links to them.
func (g *generator) countryPages(ex *countrySections, cs *changeSite) ([]countryPage, []letterGroup, error) {
	rows, names, urls, lastmod := g.rows, g.names, g.urls, g.lastmod
	all := map[string]bool{}
	for c := range rows {
		all[c] = true
	}
	if ex != nil {
		for c := range ex.names {
			all[c] = true
		}
	}
	codes := sortedKeys(all)
	// The pages are drawn on every core: each reads only what the
	// generator holds and writes its own page.
	pages := make([]countryPage, len(codes))
	err := parallel(len(codes), func(k int) error {
		code := codes[k]
		p := &pages[k]
		if idx := rows[code]; len(idx) > 0 {
			var err error
			if *p, err = g.buildCountry(code, idx); err != nil {
				return err
			}
		} else {
			*p = emptyCountry(code, ex.names[code], lastmod)
		}
		if ex != nil {
			ex.add(p, names, urls)
		}
		if cs != nil {
			p.Params.Revisions = cs.countryRevisions(code)
			if cs.any() {
				p.Params.Feeds = []feedLink{{Kind: "country", Name: p.Title, Path: countryPath(code) + "changes.atom"}}
			}
		}
		p.Params.ShowRevisions = hasRevisions(&p.Params)
		p.Params.SeveralRevisions = len(p.Params.Revisions) > 1
		p.Params.Contents = contentsOf(&p.Params)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	entries := make([]countryEntry, 0, len(pages))
	for k := range pages {
		p := &pages[k]
		entries = append(entries, countryEntry{
			Name: p.Title, Path: urls.link(countryPath(p.Params.ISO3)), Former: p.Params.Former != nil,
			key: sortKey(p.Title),
		})
	}
	slices.SortFunc(entries, func(a, b countryEntry) int { return cmp.Compare(a.key, b.key) })
	var groups []letterGroup
	for _, e := range entries {
		l, id := initial(e.key), "letter-other"
		if l != "#" {
			id = "letter-" + slug(l)
		}
		if len(groups) == 0 || groups[len(groups)-1].Letter != l {
			groups = append(groups, letterGroup{ID: id, Letter: l})
		}
		g := &groups[len(groups)-1]
		g.Countries = append(g.Countries, e)
	}
	return pages, groups, nil
}

// countryPath is the path of a country's page from the site's root.
func countryPath(code string) string { return "countries/" + strings.ToLower(code) + "/" }

// initial returns the letter a list groups a sort key under, upper-case,
// or "#" when it does not start with a letter.
func initial(key string) string {
	if r, _ := utf8.DecodeRuneInString(key); unicode.IsLetter(r) {
		return strings.ToUpper(string(r))
	}
	return "#"
}

// countryIdentity returns the name a country's page carries and, for a
// former state, its years.
func countryIdentity(code, fallback string) (name string, former *formerState) {
	if c, ok := country.Lookup(code); ok && c.Kind == country.KindHistorical {
		former = &formerState{}
		if c.From != 0 && c.To != 0 {
			former.From, former.To = c.From, c.To
		}
	}
	return countryName(code, fallback), former
}

// emptyCountry is the page of a country with no military expenditure rows,
// which the other datasets fill.
func emptyCountry(code, fallback, lastmod string) countryPage {
	name, former := countryIdentity(code, fallback)
	return countryPage{Title: name, Lastmod: lastmod, Params: countryParams{ISO3: code, InProse: countryInProse(code, fallback), Former: former}}
}

// add puts a country's sections from the other datasets on its page and
// completes its description.
func (ex *countrySections) add(p *countryPage, names *sourceNames, urls siteURLs) {
	code := p.Params.ISO3
	var what []string
	if ex.cbm != nil {
		if p.Params.CBM = ex.g.cbmCountry(ex.cbm, code); p.Params.CBM != nil {
			what = append(what, ex.g.words.say("country_what_cbm", nil))
		}
	}
	if ex.audits != nil {
		if p.Params.Audits = ex.g.auditCountry(ex.audits, code); p.Params.Audits != nil {
			what = append(what, ex.g.words.say("country_what_audits", nil))
		}
	}
	if ex.risk != nil {
		if p.Params.Risk = ex.g.riskSection(ex.risk, code); p.Params.Risk != nil {
			what = append(what, ex.g.words.say("country_what_risk", nil))
		}
	}
	if len(what) == 0 {
		return
	}
	list := what[0]
	if n := len(what); n > 1 {
		list = ex.g.words.say("list_and", map[string]any{"Items": strings.Join(what[:n-1], ", "), "Last": what[n-1]})
	}
	if p.Description == "" {
		p.Description = ex.g.words.say("country_description_other", map[string]any{"Country": p.Title, "List": list})
		p.Description = strings.ToUpper(p.Description[:1]) + p.Description[1:]
	} else {
		p.Description = ex.g.words.say("country_description_also", map[string]any{"Description": p.Description, "List": list})
	}
}

// hasRevisions reports whether a country's page has a Revisions section:
// with spending figures it always has one, which may say there are none
// yet; without, only when another dataset's figures were revised.
func hasRevisions(cp *countryParams) bool {
	if len(cp.Tables) > 0 {
		return true
	}
	for _, r := range cp.Revisions {
		if len(r.Rows) > 0 {
			return true
		}
	}
	return false
}

// contentsOf lists the sections of a country's page.
func contentsOf(cp *countryParams) []navLink {
	var out []navLink
	if len(cp.Tables) > 0 {
		out = append(out, navLink{Key: "contents_figures", Path: "#figures"})
	}
	if len(cp.CBM) > 0 {
		out = append(out, navLink{Key: "contents_cbm", Path: "#cbm"})
	}
	if cp.Reported != nil {
		out = append(out, navLink{Key: "reported_contents", Path: "#reported"})
	}
	if cp.Neighbours != nil {
		out = append(out, navLink{Key: "compare_contents", Path: "#neighbours"})
	}
	if cp.Audits != nil {
		out = append(out, navLink{Key: "contents_audits", Path: "#audits"})
	}
	if cp.Risk != nil {
		out = append(out, navLink{Key: "contents_risk", Path: "#risk"})
	}
	if hasRevisions(cp) {
		out = append(out, navLink{Key: "contents_revisions", Path: "#revisions"})
	}
	return out
}

// sortKey folds case and accents, so that Côte d'Ivoire sorts among the Cs
// and Türkiye among the Ts.
func sortKey(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// measureRank orders the measures as the tables show them.
func measureRank(m string) int {
	switch {
	case m == dataset.MeasureCurrentUSD:
		return 0
	case strings.HasPrefix(m, "constant_usd_"):
		return 1
	case m == dataset.MeasureShareOfGDP:
		return 2
	case m == dataset.MeasurePerCapita:
		return 3
	case m == dataset.MeasureShareOfGovt:
		return 4
	case m == dataset.MeasureEquipment:
		return 5
	case m == dataset.MeasureLocalCY:
		return 6
	case m == dataset.MeasureLocalFY:
		return 7
	}
	return 8
}

// isPercentUnit reports whether figures in unit are shares shown as percent.
func isPercentUnit(unit string) bool { return unit == "fraction" || unit == "percent" }

// percent returns a share as a percentage, whichever way it was published.
func percent(v float64, unit string) float64 {
	if unit == "fraction" {
		return fractionToPercent(v)
	}
	return v
}

// column is what a table needs to know about one measure of one source.
type column struct {
	measure  string
	unit     string // the unit of every row, or "" when rows differ
	currency string // the currency of every row, or "" when rows differ
	fy       string // the financial year of every row, or "" when rows differ
}

func (g *generator) buildCountry(code string, idx []int) (countryPage, error) {
	w, recs, names, lastmod := g.words, g.recs, g.names, g.lastmod
	fallback := ""
	for _, i := range idx {
		if recs[i].CountryName != "" {
			fallback = recs[i].CountryName
			break
		}
	}
	name, former := countryIdentity(code, fallback)
	p := countryPage{
		Title:   name,
		Lastmod: lastmod,
		Params:  countryParams{ISO3: code, InProse: countryInProse(code, fallback), Former: former},
	}

	// Group the rows by source, then by measure and year.
	bySource := map[string][]int{}
	for _, i := range idx {
		bySource[recs[i].Source] = append(bySource[recs[i].Source], i)
	}
	sources := make([]string, 0, len(bySource))
	for s := range bySource {
		sources = append(sources, s)
	}
	slices.SortFunc(sources, names.compare)

	usd := lineChart{ID: "chart-usd", Unit: "US$ m", Scale: usdScale, From: 1 << 30, To: -1 << 30}
	gdp := lineChart{ID: "chart-gdp", Unit: "% of GDP", From: 1 << 30, To: -1 << 30}
	used := map[string]bool{}
	for _, src := range sources {
		rows := bySource[src]
		label := names.labelOf(src)
		t, err := g.sourceTable(src, label, rows, &p.Params, used)
		if err != nil {
			return p, err
		}
		p.Params.Tables = append(p.Params.Tables, t)

		var usdPts, gdpPts []chartPoint
		for _, i := range rows {
			r := &recs[i]
			switch r.Measure {
			case dataset.MeasureCurrentUSD:
				usd.From, usd.To = min(usd.From, r.Year), max(usd.To, r.Year)
				if !r.HasValue {
					continue
				}
				// Every source's current US$ are in US$ m (the dataset's
				// one unit per measure).
				if r.Unit != dataset.UnitMillionUSD {
					continue
				}
				usdPts = append(usdPts, chartPoint{Year: r.Year, Value: r.Value, Estimate: r.Estimate, Uncertain: r.Uncertain})
			case dataset.MeasureShareOfGDP:
				gdp.From, gdp.To = min(gdp.From, r.Year), max(gdp.To, r.Year)
				if !r.HasValue || !isPercentUnit(r.Unit) {
					continue
				}
				gdpPts = append(gdpPts, chartPoint{Year: r.Year, Value: percent(r.Value, r.Unit), Estimate: r.Estimate, Uncertain: r.Uncertain})
			}
		}
		sortPoints := func(ps []chartPoint) {
			slices.SortFunc(ps, func(a, b chartPoint) int { return cmp.Compare(a.Year, b.Year) })
		}
		if len(usdPts) > 0 {
			sortPoints(usdPts)
			usd.Series = append(usd.Series, chartSeries{Label: label, Points: usdPts})
		}
		if len(gdpPts) > 0 {
			sortPoints(gdpPts)
			gdp.Series = append(gdp.Series, chartSeries{Label: label, Points: gdpPts})
		}
	}
	for _, n := range noteMeanings {
		if used[n.Symbol] {
			p.Params.Notes = append(p.Params.Notes, n)
		}
	}

	for _, c := range []struct {
		ch  *lineChart
		key string // of the chart's words: KEY_heading, KEY_none, KEY_what (the US$ chart's from usdInWords)
	}{
		{&usd, "chart_usd"},
		{&gdp, "chart_gdp"},
	} {
		if len(c.ch.Series) == 0 {
			p.Params.NoCharts = append(p.Params.NoCharts, w.say(c.key+"_none", nil))
			continue
		}
		whatKey := c.key + "_what"
		if c.ch == &usd {
			// The title names the unit the axis is labelled in.
			whatKey = usdInWords[c.ch.AxisUnit()]
		}
		c.ch.Title = w.say("chart_title", map[string]any{"Country": p.Params.InProse, "What": w.say(whatKey, nil),
			"Years": yearSpan(c.ch.From, c.ch.To)})
		svg, err := c.ch.svg(w)
		if err != nil {
			return p, err
		}
		cp := chartParams{ID: c.ch.ID, Heading: w.say(c.key+"_heading", nil), SVG: svg}
		if c.ch == &usd {
			cp.Note = w.say("chart_usd_note", nil)
		}
		p.Params.Charts = append(p.Params.Charts, cp)
	}

	labels := make([]string, len(p.Params.Tables))
	for i, t := range p.Params.Tables {
		labels[i] = t.Source
	}
	p.Description = w.say("country_description", map[string]any{"Country": name, "Sources": strings.Join(labels, "; ")})
	return p, nil
}

// usdInWords names the i18n keys of the units of usdScale in a chart's
// title.
var usdInWords = map[string]string{"US$ bn": "chart_usd_what_bn", "US$ m": "chart_usd_what_m"}

// usdScale shows large amounts in billions.
func usdScale(hi float64) (float64, string) {
	if hi >= 10000 {
		return 1000, "US$ bn"
	}
	return 1, "US$ m"
}

func yearSpan(from, to int) string {
	if from == to {
		return strconv.Itoa(from)
	}
	return fmt.Sprintf("%d–%d", from, to)
}

// sourceTable lays out one source's rows for a country: a row per year, a
// column per measure.
func (g *generator) sourceTable(src, label string, rows []int, cp *countryParams, used map[string]bool) (tableParams, error) {
	w, recs := g.words, g.recs
	cols := map[string]*column{}
	years := map[int]bool{}
	for _, i := range rows {
		r := &recs[i]
		years[r.Year] = true
		c, ok := cols[r.Measure]
		if !ok {
			cols[r.Measure] = &column{measure: r.Measure, unit: r.Unit, currency: r.Currency, fy: r.FiscalYear}
			continue
		}
		if c.unit != r.Unit {
			c.unit = "\x00"
		}
		if c.currency != r.Currency {
			c.currency = "\x00"
		}
		if c.fy != r.FiscalYear {
			c.fy = "\x00"
		}
	}
	order := make([]*column, 0, len(cols))
	for _, c := range cols {
		order = append(order, c)
	}
	slices.SortFunc(order, func(a, b *column) int {
		if c := cmp.Compare(measureRank(a.measure), measureRank(b.measure)); c != 0 {
			return c
		}
		return cmp.Compare(b.measure, a.measure) // newest constant-price base first
	})
	pos := map[string]int{}
	t := tableParams{
		ID:      "figures-" + slug(src),
		Source:  label,
		Caption: w.say("country_figures_caption", map[string]any{"Source": label}),
	}
	for k, c := range order {
		pos[c.measure] = k
		col := columnParams{Label: w.measureLabel(c.measure)}
		if c.fy != "\x00" && c.fy != "" {
			col.Label += " (" + c.fy + ")"
		}
		switch {
		case c.unit == "\x00":
		case isPercentUnit(c.unit):
			col.Unit = "%"
		case c.unit == dataset.UnitLocal:
			col.Unit = w.say("unit_local_currency", nil)
			if c.currency != "\x00" && c.currency != "" {
				col.Unit = c.currency
			}
		default:
			col.Unit = c.unit
		}
		t.Columns = append(t.Columns, col)
	}
	ys := make([]int, 0, len(years))
	for y := range years {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	rowOf := make(map[int]int, len(ys))
	figures := make([]figureRow, len(ys))
	for k, y := range ys {
		rowOf[y] = k
		figures[k] = figureRow{Year: strconv.Itoa(y), Cells: make([]cellParams, len(order))}
	}
	filled := 0
	for _, i := range rows {
		r := &recs[i]
		c := cols[r.Measure]
		cell := &figures[rowOf[r.Year]].Cells[pos[r.Measure]]
		*cell = cellParams{}
		if r.Estimate || r.Uncertain || r.Notes != "" || r.Footnotes != "" {
			cell.Marks = &cellMarks{Estimate: r.Estimate, Uncertain: r.Uncertain, Notes: r.Notes, Footnotes: r.Footnotes}
		}
		cell.E, cell.U = r.Estimate, r.Uncertain
		filled++
		if r.HasValue {
			cell.Value = exact(r.Value)
			cell.Text = displayValue(r, c)
		} else {
			cell.Missing = w.missingText(r.Missing)
		}
		cp.Estimates = cp.Estimates || r.Estimate
		cp.Uncertain = cp.Uncertain || r.Uncertain
		cp.Footnotes = cp.Footnotes || r.Footnotes != ""
		for _, s := range r.Notes {
			used[string(s)] = true
		}
	}
	if filled < len(ys)*len(order) {
		cp.Blanks = true
	}
	hoistNotes(t.Columns, figures)
	body, err := figuresBody(figures)
	if err != nil {
		return t, err
	}
	t.Body = body
	return t, nil
}

// hoistNotes moves the notes that every figure of a column carries into the
// column's heading: SIPRI repeats a country's notes on each year.
func hoistNotes(columns []columnParams, figures []figureRow) {
	for k := range columns {
		var notes, fns string
		n := 0
		same := true
		for _, row := range figures {
			c := &row.Cells[k]
			if c.Value == "" && c.Missing == "" {
				continue // no row for this year
			}
			var cn, cf string
			if c.Marks != nil {
				cn, cf = c.Marks.Notes, c.Marks.Footnotes
			}
			if n == 0 {
				notes, fns = cn, cf
			} else if cn != notes || cf != fns {
				same = false
				break
			}
			n++
		}
		if !same || n < 2 || (notes == "" && fns == "") {
			continue
		}
		columns[k].Notes, columns[k].Footnotes = notes, fns
		for _, row := range figures {
			c := &row.Cells[k]
			if c.Marks == nil {
				continue
			}
			c.Marks.Notes, c.Marks.Footnotes = "", ""
			if !c.Marks.Estimate && !c.Marks.Uncertain {
				c.Marks = nil
			}
		}
	}
}

// displayValue rounds a figure for reading, in its column's unit; a unit or
// currency that varies within the column is written in the cell.
func displayValue(r *dataset.Expenditure, c *column) string {
	if isPercentUnit(r.Unit) {
		return number(percent(r.Value, r.Unit)) + "%"
	}
	s := number(r.Value)
	if c.unit == "\x00" && r.Unit != dataset.UnitLocal {
		s += " " + r.Unit
	}
	if r.Unit == dataset.UnitLocal && (c.currency == "\x00" || c.unit == "\x00") && r.Currency != "" {
		s += " " + r.Currency
	}
	return s
}

// slug turns a source name into a fragment of an HTML id.
func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}
