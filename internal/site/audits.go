package site

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/defence-transparency/publish/internal/dataset"
)

// The audit pages: an overview of the auditors and the countries whose
// defence they audited, a list of reports per auditor and one per country,
// and each country's newest reports on its page. A list longer than
// auditPageCap is split into one page per year of publication, so that no
// page grows past what a phone reads comfortably.
//
// Auditors are codes here: the templates name them and say what they audit
// (auditor_* in the i18n file); an auditor the i18n file does not know is
// named after the source of its rows.

// auditPageCap is the most reports a list shows on one page before it is
// split by year.
const auditPageCap = 200

// Reports shown in short lists: on a country's page, on the overview and
// at the top of a list split by year.
const (
	auditCountryCap = 10
	auditLatestCap  = 10
)

// undated is the year of a report without a date of publication.
const undated = "undated"

// auditor names an auditor for the templates: its code, and the name of
// the source of its rows for a code the i18n file does not know.
type auditor struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// auditItem is one report in a list.
type auditItem struct {
	Title        link    `json:"title"` // linked to the report when its link is http(s)
	Date         when    `json:"date"`
	ReportID     string  `json:"id"`
	Auditor      auditor `json:"auditor"`
	AuditorPath  string  `json:"auditorpath,omitempty"` // empty on the auditor's own list
	Jurisdiction string  `json:"jurisdiction"`
	Subject      string  `json:"subject,omitempty"`
	Recs         *count  `json:"recs,omitempty"` // recommendations, where stated
}

// auditIndex groups the audit reports by auditor and by country.
type auditIndex struct {
	recs      []dataset.AuditReport
	items     []auditItem // per record
	auditors  []string
	newest    []int            // every record, newest first
	byAuditor map[string][]int // newest first
	byCountry map[string][]int // newest first
	noCountry []int            // reports on no single country
	info      map[string]auditor
	sources   map[string][]string // the sources of each auditor's rows
}

// auditorPath is the path of an auditor's list from the site's root.
func auditorPath(code string) string { return "audits/" + strings.ReplaceAll(code, "_", "-") + "/" }

// countryAuditsPath is the path of a country's list of audits.
func countryAuditsPath(code string) string { return countryPath(code) + "audits/" }

func (g *generator) newAuditIndex(recs []dataset.AuditReport) *auditIndex {
	x := &auditIndex{recs: recs, items: make([]auditItem, len(recs)), byAuditor: map[string][]int{},
		byCountry: map[string][]int{}, info: map[string]auditor{}, sources: map[string][]string{}}
	order := make([]int, len(recs))
	for i := range order {
		order[i] = i
	}
	// Newest first; the same day in the auditor's order of identifiers.
	slices.SortStableFunc(order, func(a, b int) int {
		ra, rb := &recs[a], &recs[b]
		return cmp.Or(cmp.Compare(rb.Published, ra.Published), cmp.Compare(ra.Auditor, rb.Auditor), cmp.Compare(ra.ReportID, rb.ReportID))
	})
	x.newest = order
	for _, i := range order {
		r := &recs[i]
		if _, ok := x.info[r.Auditor]; !ok {
			x.auditors = append(x.auditors, r.Auditor)
			name := g.names.labelOf(r.Source)
			if name == "" {
				name = strings.ReplaceAll(r.Auditor, "_", " ")
			}
			x.info[r.Auditor] = auditor{Code: r.Auditor, Name: name}
		}
		if !slices.Contains(x.sources[r.Auditor], r.Source) {
			x.sources[r.Auditor] = append(x.sources[r.Auditor], r.Source)
		}
		x.byAuditor[r.Auditor] = append(x.byAuditor[r.Auditor], i)
		if r.Country != "" {
			x.byCountry[r.Country] = append(x.byCountry[r.Country], i)
		} else {
			x.noCountry = append(x.noCountry, i)
		}
	}
	slices.Sort(x.auditors)
	for i := range recs {
		r := &recs[i]
		it := auditItem{
			Title: newLink(r.Title, r.Link), ReportID: r.ReportID, Auditor: x.info[r.Auditor],
			AuditorPath: g.urls.link(auditorPath(r.Auditor)), Jurisdiction: r.Jurisdiction, Subject: r.Subject,
		}
		if it.Title.Text == r.Link && it.Title.Href == "" {
			it.Title.Text = r.ReportID // neither a title nor a usable link
		}
		if t := parseDate(r.Published); !t.IsZero() {
			it.Date.ISO = r.Published
		} else {
			it.Date.Raw = r.Published
		}
		if r.Country != "" && it.Jurisdiction == "" {
			it.Jurisdiction = countryName(r.Country, "")
		}
		if r.HasRecommendations {
			c := g.count(r.Recommendations)
			it.Recs = &c
		}
		x.items[i] = it
	}
	return x
}

// auditYear returns the year of a report's publication, or undated.
func auditYear(r *dataset.AuditReport) string {
	if len(r.Published) >= 4 {
		if _, err := strconv.Atoi(r.Published[:4]); err == nil {
			return r.Published[:4]
		}
	}
	return undated
}

// pubSpan is a range of years of publication, either of which may be
// undated.
type pubSpan struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// span returns the years of publication of rows, newest first.
func (x *auditIndex) span(rows []int) pubSpan {
	return pubSpan{auditYear(&x.recs[rows[len(rows)-1]]), auditYear(&x.recs[rows[0]])}
}

// countryLabel returns the name of a country's page, or the registry's name
// of a country without one.
func countryLabel(countryNames map[string]string, code string) string {
	if name := countryNames[code]; name != "" {
		return name
	}
	return countryName(code, "")
}

// auditListPage is the front matter of a list of audit reports: an
// auditor's (Auditor set) or a country's (Country set), whole or, when
// Year is set, one year of it.
type auditListPage struct {
	Lastmod string          `json:"lastmod,omitempty"`
	Type    string          `json:"type"`
	Params  auditListParams `json:"params"`
	file    string          // the content file, from the content directory
}

type auditListParams struct {
	Auditor *auditor `json:"auditor,omitempty"`
	Country string   `json:"country,omitempty"` // its name
	Year    string   `json:"year,omitempty"`
	// NoCountry is set on an auditor's list that holds reports on no
	// single country.
	NoCountry bool         `json:"nocountry,omitempty"`
	Count     count        `json:"count"`
	Span      pubSpan      `json:"span"`
	Up        []navLink    `json:"up"`                // the pages above this one
	Years     []yearLink   `json:"years,omitempty"`   // when split: every year's page
	Latest    []auditItem  `json:"latest,omitempty"`  // when split: the newest reports
	Groups    []auditGroup `json:"groups,omitempty"`  // the reports on this page, by year
	Sources   []link       `json:"sources,omitempty"` // the sources of the rows
}

type yearLink struct {
	Year   string `json:"year"`
	Count  int    `json:"count"`
	Path   string `json:"path"`
	Anchor bool   `json:"anchor,omitempty"` // Path is a fragment of this page
}

type auditGroup struct {
	Year  string      `json:"year"`
	Items []auditItem `json:"items"`
}

// listPages returns a list of reports as one page at base, or, past
// auditPageCap reports, as a page at base with the newest reports and a
// link to every year, and a page per year below it. head fills in whose
// list it is.
func (g *generator) listPages(x *auditIndex, base string, head auditListParams, rows []int) []auditListPage {
	// On an auditor's own list, a link to the auditor on every report
	// would lead back to the list.
	item := func(i int) auditItem {
		it := x.items[i]
		if head.Auditor != nil {
			it.AuditorPath = ""
		}
		return it
	}
	main := auditListPage{Lastmod: g.lastmod, Type: "audits", Params: head, file: strings.TrimSuffix(base, "/") + ".md"}
	main.Params.Count, main.Params.Span = g.count(len(rows)), x.span(rows)
	var groups []auditGroup
	for _, i := range rows {
		y := auditYear(&x.recs[i])
		if len(groups) == 0 || groups[len(groups)-1].Year != y {
			groups = append(groups, auditGroup{Year: y})
		}
		gr := &groups[len(groups)-1]
		gr.Items = append(gr.Items, item(i))
	}
	if len(rows) <= auditPageCap {
		main.Params.Groups = groups
		for _, gr := range groups {
			main.Params.Years = append(main.Params.Years, yearLink{Year: gr.Year, Count: len(gr.Items), Path: "#year-" + gr.Year, Anchor: true})
		}
		return []auditListPage{main}
	}
	out := []auditListPage{main}
	for _, i := range rows[:auditLatestCap] {
		main.Params.Latest = append(main.Params.Latest, item(i))
	}
	yearUp := append(slices.Clone(head.Up), navLink{Key: "list", Path: g.urls.link(base)})
	for _, gr := range groups {
		path := base + gr.Year + "/"
		main.Params.Years = append(main.Params.Years, yearLink{Year: gr.Year, Count: len(gr.Items), Path: g.urls.link(path)})
		p := auditListPage{Lastmod: g.lastmod, Type: "audits", Params: head, file: base + gr.Year + ".md"}
		p.Params.Year, p.Params.Count, p.Params.Span = gr.Year, g.count(len(gr.Items)), pubSpan{gr.Year, gr.Year}
		p.Params.Up, p.Params.Groups = yearUp, []auditGroup{gr}
		out = append(out, p)
	}
	out[0] = main
	for k := range out[1:] {
		out[k+1].Params.Years = main.Params.Years
	}
	return out
}

// auditorPages returns the list of every auditor's reports.
func (g *generator) auditorPages(x *auditIndex) []auditListPage {
	var out []auditListPage
	for _, a := range x.auditors {
		info := x.info[a]
		rows := x.byAuditor[a]
		head := auditListParams{Auditor: &info, Up: []navLink{{Key: "audits", Path: g.urls.link("audits/")}}}
		for _, i := range rows {
			if x.recs[i].Country == "" {
				head.NoCountry = true
				break
			}
		}
		for _, s := range x.sources[a] {
			head.Sources = append(head.Sources, g.names.linkOf(s))
		}
		out = append(out, g.listPages(x, auditorPath(a), head, rows)...)
	}
	return out
}

// countryListPages returns the list of every country's audit reports.
func (g *generator) countryListPages(x *auditIndex, countryNames map[string]string) []auditListPage {
	var out []auditListPage
	for _, code := range sortedKeys(x.byCountry) {
		rows := x.byCountry[code]
		name := countryLabel(countryNames, code)
		head := auditListParams{Country: name,
			Up: []navLink{{Key: "country", Text: name, Path: g.urls.link(countryPath(code))}, {Key: "audits", Path: g.urls.link("audits/")}}}
		seen := map[string]bool{}
		for _, i := range rows {
			if s := x.recs[i].Source; !seen[s] {
				seen[s] = true
				head.Sources = append(head.Sources, g.names.linkOf(s))
			}
		}
		out = append(out, g.listPages(x, countryAuditsPath(code), head, rows)...)
	}
	return out
}

// auditsOverview is the front matter of the audits page.
type auditsOverview struct {
	Lastmod string         `json:"lastmod,omitempty"`
	Params  auditsOverPars `json:"params"`
}

type auditsOverPars struct {
	Auditors    []auditorRow   `json:"auditors"` // the template orders them by name
	Countries   []countryCount `json:"countries,omitempty"`
	NoCountry   int            `json:"nocountry,omitempty"`
	Latest      []auditItem    `json:"latest"`
	Count       count          `json:"count"`
	DatasetPath string         `json:"datasetpath"`
}

type auditorRow struct {
	Auditor auditor `json:"auditor"`
	Path    string  `json:"path"`
	Count   count   `json:"count"`
	Span    pubSpan `json:"span"`
	Where   string  `json:"where"` // the jurisdictions of its reports
	Sources []link  `json:"sources"`
}

type countryCount struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Count int    `json:"count"`
}

func (g *generator) auditsOverview(x *auditIndex, countryNames map[string]string) auditsOverview {
	p := auditsOverview{
		Lastmod: g.lastmod,
		Params: auditsOverPars{Count: g.count(len(x.recs)), NoCountry: len(x.noCountry),
			DatasetPath: g.urls.link(datasetPath(g.fam.auditDataset))},
	}
	for _, a := range x.auditors {
		rows := x.byAuditor[a]
		var where []string
		for _, i := range rows {
			if j := x.items[i].Jurisdiction; j != "" && !slices.Contains(where, j) {
				where = append(where, j)
			}
		}
		slices.Sort(where)
		row := auditorRow{Auditor: x.info[a], Path: g.urls.link(auditorPath(a)),
			Count: g.count(len(rows)), Span: x.span(rows), Where: strings.Join(where, ", ")}
		for _, s := range x.sources[a] {
			row.Sources = append(row.Sources, g.names.linkOf(s))
		}
		p.Params.Auditors = append(p.Params.Auditors, row)
	}
	for _, code := range sortedKeys(x.byCountry) {
		p.Params.Countries = append(p.Params.Countries, countryCount{Name: countryLabel(countryNames, code),
			Path: g.urls.link(countryAuditsPath(code)), Count: len(x.byCountry[code])})
	}
	slices.SortFunc(p.Params.Countries, func(a, b countryCount) int { return cmp.Compare(sortKey(a.Name), sortKey(b.Name)) })
	for _, i := range x.newest[:min(len(x.newest), auditLatestCap)] {
		p.Params.Latest = append(p.Params.Latest, x.items[i])
	}
	return p
}

// auditCountryParams is the Audits section of a country's page.
type auditCountryParams struct {
	Count count       `json:"count"`
	Items []auditItem `json:"items"`
	More  bool        `json:"more,omitempty"` // the list has more than Items
	Path  string      `json:"path"`           // the country's list of audits
}

func (g *generator) auditCountry(x *auditIndex, code string) *auditCountryParams {
	rows := x.byCountry[code]
	if len(rows) == 0 {
		return nil
	}
	s := &auditCountryParams{Count: g.count(len(rows)), More: len(rows) > auditCountryCap,
		Path: g.urls.link(countryAuditsPath(code))}
	for _, i := range rows[:min(len(rows), auditCountryCap)] {
		s.Items = append(s.Items, x.items[i])
	}
	return s
}
