package site

import (
	"cmp"
	"fmt"
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

// auditPageCap is the most reports a list shows on one page before it is
// split by year.
const auditPageCap = 200

// Reports shown in short lists: on a country's page, on the overview and
// at the top of a list split by year.
const (
	auditCountryCap = 10
	auditLatestCap  = 10
)

// auditorInfo names an audit institution and says what it audits.
type auditorInfo struct {
	Name, Short, About string
}

var auditorInfos = map[string]auditorInfo{
	"us_gao": {Name: "US Government Accountability Office", Short: "GAO",
		About: "The audit agency of the United States Congress. It examines how the Department of Defense spends its budget and runs its programmes."},
	"uk_nao": {Name: "UK National Audit Office", Short: "NAO",
		About: "The auditor of the UK's central government for Parliament, the Ministry of Defence included."},
	"eu_eca": {Name: "European Court of Auditors", Short: "ECA",
		About: "The external auditor of the European Union. Its special reports on security and defence examine EU programmes and spending, not those of one member state."},
}

// auditorOf returns what the site says about an auditor; one it does not
// know is named after the source of its rows.
func auditorOf(code, sourceLabel string) auditorInfo {
	if a, ok := auditorInfos[code]; ok {
		return a
	}
	name := sourceLabel
	if name == "" {
		name = strings.ReplaceAll(code, "_", " ")
	}
	return auditorInfo{Name: name, Short: name}
}

// auditItem is one report in a list.
type auditItem struct {
	Title        link   `json:"title"` // linked to the report when its link is http(s)
	Date         string `json:"date"`
	DateISO      string `json:"dateiso"`
	ReportID     string `json:"id"`
	Auditor      string `json:"auditor"`
	AuditorPath  string `json:"auditorpath,omitempty"` // empty on the auditor's own list
	Jurisdiction string `json:"jurisdiction"`
	Subject      string `json:"subject,omitempty"`
	Recs         string `json:"recs,omitempty"` // "4 recommendations"; empty where not stated
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
	info      map[string]auditorInfo
	sources   map[string][]string // the sources of each auditor's rows
}

// auditorPath is the path of an auditor's list from the site's root.
func auditorPath(code string) string { return "audits/" + strings.ReplaceAll(code, "_", "-") + "/" }

// countryAuditsPath is the path of a country's list of audits.
func countryAuditsPath(code string) string { return countryPath(code) + "audits/" }

func newAuditIndex(recs []dataset.AuditReport, names *sourceNames, urls siteURLs) *auditIndex {
	x := &auditIndex{recs: recs, items: make([]auditItem, len(recs)), byAuditor: map[string][]int{},
		byCountry: map[string][]int{}, info: map[string]auditorInfo{}, sources: map[string][]string{}}
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
			x.info[r.Auditor] = auditorOf(r.Auditor, names.labelOf(r.Source))
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
	slices.SortFunc(x.auditors, func(a, b string) int { return cmp.Compare(sortKey(x.info[a].Name), sortKey(x.info[b].Name)) })
	for i := range recs {
		r := &recs[i]
		it := auditItem{
			Title: newLink(r.Title, r.Link), ReportID: r.ReportID, Auditor: x.info[r.Auditor].Short,
			AuditorPath: urls.link(auditorPath(r.Auditor)), Jurisdiction: r.Jurisdiction, Subject: r.Subject,
		}
		if it.Title.Text == r.Link && it.Title.Href == "" {
			it.Title.Text = r.ReportID // neither a title nor a usable link
		}
		if t := parseDate(r.Published); !t.IsZero() {
			it.Date, it.DateISO = day(t), r.Published
		} else {
			it.Date = r.Published
		}
		if r.Country != "" && it.Jurisdiction == "" {
			it.Jurisdiction = countryName(r.Country, "")
		}
		if r.HasRecommendations {
			switch r.Recommendations {
			case 0:
				it.Recs = "No recommendations"
			default:
				it.Recs = plural(r.Recommendations, "recommendation", "recommendations")
			}
		}
		x.items[i] = it
	}
	return x
}

// auditYear returns the year of a report's publication, or "undated".
func auditYear(r *dataset.AuditReport) string {
	if len(r.Published) >= 4 {
		if _, err := strconv.Atoi(r.Published[:4]); err == nil {
			return r.Published[:4]
		}
	}
	return "undated"
}

// span returns the years of publication of rows, newest first: "2014",
// or "2014–2025".
func (x *auditIndex) span(rows []int) string {
	first, last := auditYear(&x.recs[rows[len(rows)-1]]), auditYear(&x.recs[rows[0]])
	if first == last {
		return first
	}
	return first + "–" + last
}

// countryLabel returns the name of a country's page, or the registry's name
// of a country without one.
func countryLabel(countryNames map[string]string, code string) string {
	if name := countryNames[code]; name != "" {
		return name
	}
	return countryName(code, "")
}

// auditListPage is the front matter of a list of audit reports.
type auditListPage struct {
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Lastmod     string          `json:"lastmod,omitempty"`
	Type        string          `json:"type"`
	Params      auditListParams `json:"params"`
	file        string          // the content file, from the content directory
}

type auditListParams struct {
	Intro   string       `json:"intro"`
	Count   string       `json:"count"`
	Span    string       `json:"span,omitempty"`
	Up      []navLink    `json:"up"`                // the pages above this one
	Years   []yearLink   `json:"years,omitempty"`   // when split: every year's page
	Latest  []auditItem  `json:"latest,omitempty"`  // when split: the newest reports
	Groups  []auditGroup `json:"groups,omitempty"`  // the reports on this page, by year
	Sources []link       `json:"sources,omitempty"` // the sources of the rows
	Note    string       `json:"note,omitempty"`
}

type yearLink struct {
	Year   string `json:"year"`
	Count  int    `json:"count"`
	Path   string `json:"path"`
	Anchor bool   `json:"anchor,omitempty"` // Path is a fragment of this page
}

type auditGroup struct {
	Year  string      `json:"year"`
	ID    string      `json:"id"`
	Items []auditItem `json:"items"`
}

// listPages returns a list of reports as one page at base, or, past
// auditPageCap reports, as a page at base with the newest reports and a
// link to every year, and a page per year below it.
func (x *auditIndex) listPages(base, title, intro, description string, rows []int, up []navLink, sources []link, note, lastmod string, urls siteURLs) []auditListPage {
	// On an auditor's own list, a link to the auditor on every report
	// would lead back to the list.
	item := func(i int) auditItem {
		it := x.items[i]
		if strings.HasPrefix(base, "audits/") {
			it.AuditorPath = ""
		}
		return it
	}
	main := auditListPage{
		Title: title, Description: description, Lastmod: lastmod, Type: "audits",
		Params: auditListParams{Intro: intro, Count: plural(len(rows), "report", "reports"), Span: x.span(rows), Up: up, Sources: sources, Note: note},
		file:   strings.TrimSuffix(base, "/") + ".md",
	}
	var groups []auditGroup
	for _, i := range rows {
		y := auditYear(&x.recs[i])
		if len(groups) == 0 || groups[len(groups)-1].Year != y {
			groups = append(groups, auditGroup{Year: y, ID: "year-" + y})
		}
		g := &groups[len(groups)-1]
		g.Items = append(g.Items, item(i))
	}
	if len(rows) <= auditPageCap {
		main.Params.Groups = groups
		for _, g := range groups {
			main.Params.Years = append(main.Params.Years, yearLink{Year: g.Year, Count: len(g.Items), Path: "#" + g.ID, Anchor: true})
		}
		return []auditListPage{main}
	}
	out := []auditListPage{main}
	for _, i := range rows[:auditLatestCap] {
		main.Params.Latest = append(main.Params.Latest, item(i))
	}
	yearUp := append(slices.Clone(up), navLink{Text: title, Path: urls.link(base)})
	for _, g := range groups {
		path := base + g.Year + "/"
		main.Params.Years = append(main.Params.Years, yearLink{Year: g.Year, Count: len(g.Items), Path: urls.link(path)})
		out = append(out, auditListPage{
			Title:       fmt.Sprintf("%s, %s", title, g.Year),
			Description: fmt.Sprintf("%s, published in %s: %s.", title, g.Year, plural(len(g.Items), "report", "reports")),
			Lastmod:     lastmod, Type: "audits",
			Params: auditListParams{Intro: intro, Count: plural(len(g.Items), "report", "reports"), Span: g.Year, Up: yearUp,
				Groups: []auditGroup{g}, Sources: sources, Note: note},
			file: base + g.Year + ".md",
		})
	}
	out[0] = main
	for k := range out[1:] {
		out[k+1].Params.Years = main.Params.Years
	}
	return out
}

// euNote explains where the reports on no single country are shown.
const euNote = "Reports on the European Union as a whole, such as the European Court of Auditors' special reports on EU " +
	"defence programmes, concern no single country: they are listed on the auditor's page, not on a country's page."

// auditorPages returns the list of every auditor's reports.
func (x *auditIndex) auditorPages(names *sourceNames, urls siteURLs, lastmod string) []auditListPage {
	var out []auditListPage
	for _, a := range x.auditors {
		info := x.info[a]
		rows := x.byAuditor[a]
		intro := fmt.Sprintf("Reports of the %s on defence, newest first.", info.Name)
		if info.About != "" {
			intro = info.About + " " + intro
		}
		note := ""
		for _, i := range rows {
			if x.recs[i].Country == "" {
				note = euNote
				break
			}
		}
		var sources []link
		for _, s := range x.sources[a] {
			sources = append(sources, names.linkOf(s))
		}
		up := []navLink{{Text: "Audits", Path: urls.link("audits/")}}
		out = append(out, x.listPages(auditorPath(a), info.Name+": audit reports on defence", intro,
			fmt.Sprintf("Every audit report on defence of the %s that this site publishes, with its date, identifier, subject and link.", info.Name),
			rows, up, sources, note, lastmod, urls)...)
	}
	return out
}

// countryPages returns the list of every country's audit reports.
func (x *auditIndex) countryListPages(names *sourceNames, urls siteURLs, countryNames map[string]string, lastmod string) []auditListPage {
	var out []auditListPage
	for _, code := range sortedKeys(x.byCountry) {
		rows := x.byCountry[code]
		name := countryLabel(countryNames, code)
		seen := map[string]bool{}
		var sources []link
		for _, i := range rows {
			if s := x.recs[i].Source; !seen[s] {
				seen[s] = true
				sources = append(sources, names.linkOf(s))
			}
		}
		up := []navLink{{Text: name, Path: urls.link(countryPath(code))}, {Text: "Audits", Path: urls.link("audits/")}}
		out = append(out, x.listPages(countryAuditsPath(code), name+": audit reports on defence",
			fmt.Sprintf("What auditors reported on defence spending and programmes (%s), newest first.", name),
			fmt.Sprintf("Every audit report on defence concerning %s that this site publishes, with its date, auditor, identifier and link.", name),
			rows, up, sources, "", lastmod, urls)...)
	}
	return out
}

// auditsOverview is the front matter of the audits page.
type auditsOverview struct {
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Lastmod     string         `json:"lastmod,omitempty"`
	Params      auditsOverPars `json:"params"`
}

type auditsOverPars struct {
	Auditors    []auditorRow   `json:"auditors"`
	Countries   []countryCount `json:"countries,omitempty"`
	NoCountry   int            `json:"nocountry,omitempty"`
	Note        string         `json:"note,omitempty"`
	Latest      []auditItem    `json:"latest"`
	Count       string         `json:"count"`
	DatasetPath string         `json:"datasetpath"`
}

type auditorRow struct {
	Name    string `json:"name"`
	Short   string `json:"short"`
	About   string `json:"about,omitempty"`
	Path    string `json:"path"`
	Count   string `json:"count"`
	Span    string `json:"span"`
	Where   string `json:"where"` // the jurisdictions of its reports
	Sources []link `json:"sources"`
}

type countryCount struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Count int    `json:"count"`
}

func (x *auditIndex) overview(names *sourceNames, urls siteURLs, countryNames map[string]string, datasetName, lastmod string) auditsOverview {
	p := auditsOverview{
		Title: "Audits",
		Description: "What national and European auditors reported on defence spending and programmes: every report, by auditor " +
			"and by country, with a link to read it.",
		Lastmod: lastmod,
		Params: auditsOverPars{Count: plural(len(x.recs), "report", "reports"), NoCountry: len(x.noCountry),
			DatasetPath: urls.link(datasetPath(datasetName))},
	}
	if len(x.noCountry) > 0 {
		p.Params.Note = euNote
	}
	for _, a := range x.auditors {
		info := x.info[a]
		rows := x.byAuditor[a]
		var where []string
		for _, i := range rows {
			if j := x.items[i].Jurisdiction; j != "" && !slices.Contains(where, j) {
				where = append(where, j)
			}
		}
		slices.Sort(where)
		row := auditorRow{Name: info.Name, Short: info.Short, About: info.About, Path: urls.link(auditorPath(a)),
			Count: plural(len(rows), "report", "reports"), Span: x.span(rows), Where: strings.Join(where, ", ")}
		for _, s := range x.sources[a] {
			row.Sources = append(row.Sources, names.linkOf(s))
		}
		p.Params.Auditors = append(p.Params.Auditors, row)
	}
	for _, code := range sortedKeys(x.byCountry) {
		p.Params.Countries = append(p.Params.Countries, countryCount{Name: countryLabel(countryNames, code),
			Path: urls.link(countryAuditsPath(code)), Count: len(x.byCountry[code])})
	}
	slices.SortFunc(p.Params.Countries, func(a, b countryCount) int { return cmp.Compare(sortKey(a.Name), sortKey(b.Name)) })
	for _, i := range x.newest[:min(len(x.newest), auditLatestCap)] {
		p.Params.Latest = append(p.Params.Latest, x.items[i])
	}
	return p
}

// auditCountryParams is the Audits section of a country's page.
type auditCountryParams struct {
	Count string      `json:"count"`
	Items []auditItem `json:"items"`
	More  bool        `json:"more,omitempty"` // the list has more than Items
	Path  string      `json:"path"`           // the country's list of audits
}

func (x *auditIndex) countrySection(code string, urls siteURLs) *auditCountryParams {
	rows := x.byCountry[code]
	if len(rows) == 0 {
		return nil
	}
	s := &auditCountryParams{Count: plural(len(rows), "report", "reports"), More: len(rows) > auditCountryCap,
		Path: urls.link(countryAuditsPath(code))}
	for _, i := range rows[:min(len(rows), auditCountryCap)] {
		s.Items = append(s.Items, x.items[i])
	}
	return s
}
