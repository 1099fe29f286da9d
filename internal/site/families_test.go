package site

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/dataset/git"
	"github.com/defence-transparency/publish/internal/dataset/history"
	"github.com/defence-transparency/publish/internal/site/chart"
	"github.com/defence-transparency/publish/internal/site/format"
)

// rowsOf returns the text of every cell of the body rows of a table
// selection, row by row, trimmed.
func rowsOf(table *goquery.Selection) [][]string {
	var out [][]string
	table.Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
		var row []string
		tr.Children().Each(func(_ int, c *goquery.Selection) { row = append(row, strings.TrimSpace(c.Text())) })
		out = append(out, row)
	})
	return out
}

// squash joins the white space of a text into single spaces.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestFamilies(t *testing.T) {
	in := familiesInput(t)
	_, public := build(t, in)

	t.Run("country pages", func(t *testing.T) {
		// Every country of every dataset has a page; those without
		// spending figures have only the sections that have data.
		for _, code := range []string{"deu", "sun", "civ", "lie", "afg", "arm", "usa", "gbr", "nor", "sdn", "isl"} {
			if _, err := os.Stat(filepath.Join(public, "countries", code, "index.html")); err != nil {
				t.Errorf("no page for %s: %v", code, err)
			}
		}
		for _, tt := range []struct {
			code string
			want []string // the page's contents
		}{
			{"deu", []string{"Military spending", "Reporting to the UN", "Reported to the UN vs estimates", "Risk context", "Revisions"}},
			{"lie", []string{"Reporting to the UN"}},
			{"usa", []string{"Audits"}},
			{"sdn", []string{"Risk context"}},
			{"afg", []string{"Reporting to the UN", "Risk context"}},
			{"isl", []string{"Risk context"}},
		} {
			doc := parseHTML(t, public, "countries/"+tt.code+"/index.html")
			var got []string
			doc.Find("nav.contents a").Each(func(_ int, a *goquery.Selection) {
				got = append(got, a.Text())
				href, _ := a.Attr("href")
				if doc.Find(href).Length() != 1 {
					t.Errorf("%s: contents link %s has no target", tt.code, href)
				}
			})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s: sections (-want +got):\n%s", tt.code, diff)
			}
			if tt.code != "deu" && (doc.Find("figure.chart").Length() != 0 || doc.Find("#figures").Length() != 0) {
				t.Errorf("%s: spending section without spending figures", tt.code)
			}
		}
		if got := parseHTML(t, public, "countries/isl/index.html").Find("#risk ~ p").Eq(1).Text(); !strings.Contains(got, "1 figure for this country, of indicators this page does not show") {
			t.Errorf("Iceland's risk section = %q, want it to point to the downloads", got)
		}
		deu := parseHTML(t, public, "countries/deu/index.html")
		if deu.Find("#chart-usd svg").Length() != 1 || deu.Find("#figures-sipri-table").Length() != 1 {
			t.Errorf("Germany lost its spending charts or figures")
		}
		home := parseHTML(t, public, "index.html")
		var names []string
		home.Find("ul.countries a").Each(func(_ int, a *goquery.Selection) { names = append(names, a.Text()) })
		want := []string{"Afghanistan", "Armenia", "Côte d'Ivoire", "Germany", "Iceland", "Liechtenstein", "Norway", "Soviet Union", "Sudan", "United Kingdom", "United States"}
		if diff := cmp.Diff(want, names); diff != "" {
			t.Errorf("countries listed (-want +got):\n%s", diff)
		}
	})

	t.Run("tracker", func(t *testing.T) {
		doc := parseHTML(t, public, "cbm/un-milex/index.html")
		years := doc.Find("table.matrix thead th").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
		if diff := cmp.Diff([]string{"State", "2022", "2023", "2024"}, years); diff != "" {
			t.Errorf("matrix columns (-want +got):\n%s", diff)
		}
		got := map[string][]string{}
		doc.Find("table.matrix tbody tr").Each(func(_ int, tr *goquery.Selection) {
			var cells []string
			tr.Find("td").Each(func(_ int, td *goquery.Selection) {
				class, _ := td.Attr("class")
				cells = append(cells, class+" "+td.Text())
			})
			got[tr.Find("th").Text()] = cells
		})
		wantCells := map[string][]string{
			"Afghanistan":   {"k-none –", "k-none –", "k-none –"},
			"Armenia":       {"k-one 1", "k-simp S", "k-none –"},
			"Germany":       {"k-full F", "k-full F", "k-full F"},
			"Liechtenstein": {"k-nil Nil", "k-nil Nil", "k-nil Nil"}, // a nil report, never "no report"
		}
		if diff := cmp.Diff(wantCells, got); diff != "" {
			t.Errorf("matrix cells (-want +got):\n%s", diff)
		}
		legend := map[string]string{}
		doc.Find("dl.kinds dt").Each(func(_ int, dt *goquery.Selection) {
			legend[dt.Find(".kind").Text()] = squash(dt.Text())
		})
		for abbr, want := range map[string]string{"Nil": "Nil nil report", "–": "– no report", "F": "F full return", "S": "S simplified return", "1": "1 single figure"} {
			if legend[abbr] != want {
				t.Errorf("legend for %q = %q, want %q", abbr, legend[abbr], want)
			}
		}
		if !strings.Contains(doc.Find("dl.kinds").Text(), "counts as a report, never as no report") {
			t.Errorf("legend does not say a nil report counts as a report")
		}
		if href, _ := doc.Find(`table.matrix th a`).First().Attr("href"); href != "../../countries/afg/index.html" {
			t.Errorf("state links to %q, want its country page", href)
		}

		// The rate: nil reports count as reports, and the chart's bars say
		// what the table says.
		wantRates := [][]string{
			{"2022", "3", "1", "4", "75%"},
			{"2023", "3", "1", "4", "75%"},
			{"2024", "2", "1", "4", "50%"},
		}
		if diff := cmp.Diff(wantRates, rowsOf(doc.Find("table.rates"))); diff != "" {
			t.Errorf("rate table (-want +got):\n%s", diff)
		}
		svg := doc.Find("#rate-chart svg")
		if role, _ := svg.Attr("role"); role != "img" || svg.Find("title").First().Text() == "" || svg.Find("desc").Text() == "" {
			t.Errorf("rate chart: role %q, title %q, desc %q", role, svg.Find("title").First().Text(), svg.Find("desc").Text())
		}
		var bars [][]string
		svg.Find("g[data-year]").Each(func(_ int, g *goquery.Selection) {
			year, _ := g.Attr("data-year")
			rep, _ := g.Attr("data-reported")
			nils, _ := g.Attr("data-nil")
			states, _ := g.Attr("data-states")
			bars = append(bars, []string{year, rep, nils, states, strconv.Itoa(chart.Percent(atoi(t, rep), atoi(t, states))) + "%"})
			if g.Find(`rect[fill^="url(#"]`).Length() != 1 {
				t.Errorf("bar %s: nil reports not hatched", year)
			}
		})
		if diff := cmp.Diff(wantRates, bars); diff != "" {
			t.Errorf("rate chart bars (-want +got):\n%s", diff)
		}
		if desc := svg.Find("desc").Text(); !strings.Contains(desc, "2024: 2 of 4 states reported (50%), 1 of them a nil report") {
			t.Errorf("chart description %q lacks the latest year", desc)
		}

		// The filter: one radio button per choice, labelled with its count,
		// and the rows carry the classes the stylesheet hides them by.
		var filters []string
		doc.Find("fieldset.filter input[type=radio]").Each(func(_ int, in *goquery.Selection) {
			id, _ := in.Attr("id")
			filters = append(filters, id+" "+doc.Find(`label[for="`+id+`"]`).Text())
		})
		wantFilters := []string{"show-all All states (4)", "show-rep Reported for 2024 (2)", "show-nil Nil report for 2024 (1)",
			"show-none No report for 2024 (2)", "show-never Never reported (1)"}
		if diff := cmp.Diff(wantFilters, filters); diff != "" {
			t.Errorf("filters (-want +got):\n%s", diff)
		}
		classes := map[string]string{}
		doc.Find("table.matrix tbody tr").Each(func(_ int, tr *goquery.Selection) {
			c, _ := tr.Attr("class")
			classes[tr.Find("th").Text()] = c
		})
		if diff := cmp.Diff(map[string]string{"Afghanistan": "st none never", "Armenia": "st none", "Germany": "st rep", "Liechtenstein": "st rep nil"}, classes); diff != "" {
			t.Errorf("row classes (-want +got):\n%s", diff)
		}

		unroca := parseHTML(t, public, "cbm/unroca/index.html")
		var afg []string
		unroca.Find("table.matrix tbody tr").Each(func(_ int, tr *goquery.Selection) {
			if tr.Find("th").Text() == "Afghanistan" {
				tr.Find("td").Each(func(_ int, td *goquery.Selection) { afg = append(afg, td.Text()) })
			}
		})
		if diff := cmp.Diff([]string{"", "–", ""}, afg); diff != "" {
			t.Errorf("Afghanistan's UNROCA cells (-want +got): years the source does not list must be blank:\n%s", diff)
		}
		if !strings.Contains(unroca.Find("dl.kinds").Text(), "blank") {
			t.Errorf("UNROCA legend does not explain blank cells")
		}
		if diff := cmp.Diff([][]string{{"2021", "2", "1", "2", "100%"}, {"2022", "1", "0", "3", "33%"}, {"2023", "2", "1", "2", "100%"}},
			rowsOf(unroca.Find("table.rates"))); diff != "" {
			t.Errorf("UNROCA rates (-want +got):\n%s", diff)
		}

		overview := parseHTML(t, public, "cbm/index.html")
		if overview.Find(`a[href="../cbm/un-milex/index.html"]`).Length() == 0 || overview.Find(`a[href="../cbm/unroca/index.html"]`).Length() == 0 {
			t.Errorf("tracker overview does not link both instruments")
		}
	})

	t.Run("country record", func(t *testing.T) {
		lie := parseHTML(t, public, "countries/lie/index.html")
		rows := rowsOf(lie.Find("#cbm-un-milex-caption").Parent())
		want := [][]string{{"2024", "Nil nil report"}, {"2023", "Nil nil report"}, {"2022", "Nil nil report"}}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("Liechtenstein's UN Milex record (-want +got):\n%s", diff)
		}
		if got := lie.Find("#cbm-un-milex + p").Text(); !strings.HasPrefix(got, "Reported in every one of the 3 years listed (2022–2024). All of them are nil reports.") {
			t.Errorf("Liechtenstein's summary = %q", got)
		}
		if got := lie.Find("#cbm-unroca + p").Text(); !strings.HasPrefix(got, "Reported in 2 of the 3 years listed (2021–2023), most recently for 2023. All of them are nil reports.") {
			t.Errorf("Liechtenstein's UNROCA summary = %q", got)
		}
		want = [][]string{{"2023", "Nil nil report"}, {"2022", "– no report"}, {"2021", "Nil nil report"}}
		if diff := cmp.Diff(want, rowsOf(lie.Find("#cbm-unroca-caption").Parent())); diff != "" {
			t.Errorf("Liechtenstein's UNROCA record (-want +got):\n%s", diff)
		}
		deu := parseHTML(t, public, "countries/deu/index.html")
		table := deu.Find("#cbm-un-milex-caption").Parent()
		if diff := cmp.Diff([]string{"Year", "Report", "Submitted on", "Total reported"},
			table.Find("thead th").Map(func(_ int, s *goquery.Selection) string { return s.Text() })); diff != "" {
			t.Errorf("Germany's UN Milex columns (-want +got):\n%s", diff)
		}
		first := table.Find("tbody tr").First()
		if got := strings.Join(rowsOf(table)[0], " | "); got != "2024 | F full return | 2 May 2025 | EUR 70,105.6 million" {
			t.Errorf("Germany 2024 reads %q", got)
		}
		if v, _ := first.Find("data").Attr("value"); v != "70105600000" { // in whole euros, as the dataset holds it
			t.Errorf("Germany 2024 total data value = %q", v)
		}
		if href, _ := first.Find("a").Attr("href"); href != "https://milex-reporting.unoda.org/en/states/DEU/2024" {
			t.Errorf("Germany 2024 links to %q", href)
		}
	})

	t.Run("audits", func(t *testing.T) {
		type item struct{ Title, Href, Meta string }
		items := func(s *goquery.Selection) []item {
			var out []item
			s.Find("ol.audits > li").Each(func(_ int, li *goquery.Selection) {
				href, _ := li.Find(".audit-title a").Attr("href")
				out = append(out, item{squash(li.Find(".audit-title").Text()), href, squash(li.Find(".audit-meta").Text())})
			})
			return out
		}
		gao := item{"F-35 Aircraft: DOD's Sustainment Cost Goals Need Clearer Targets", "https://www.gao.gov/products/gao-24-106256",
			"13 June 2024, GAO, GAO-24-106256. On: United States. 4 recommendations."}
		gao2 := item{"Military Personnel: Services Should Clarify Who May Sit on Separation Boards", "https://www.gao.gov/products/gao-23-105833",
			"30 August 2023, GAO, GAO-23-105833. On: United States."}
		nao := item{"Army 2020", "https://www.nao.org.uk/reports/army-2020/",
			"11 June 2014, NAO, army-2020. On: United Kingdom. Subject: National security. No recommendations."}
		eca := item{"EU military mobility – Not yet in the fast lane", "https://www.eca.europa.eu/en/publications/SR-2025-04",
			"5 February 2025, ECA, 04/2025. On: European Union. Subject: Security and defence."}
		for _, tt := range []struct {
			page string
			want []item
		}{
			{"audits/us-gao/index.html", []item{gao, gao2}},
			{"audits/uk-nao/index.html", []item{nao}},
			{"audits/eu-eca/index.html", []item{eca}},
			{"countries/usa/audits/index.html", []item{gao, gao2}},
			{"countries/gbr/audits/index.html", []item{nao}},
			{"countries/usa/index.html", []item{gao, gao2}},
			{"audits/index.html", []item{eca, gao, gao2, nao}},
		} {
			if diff := cmp.Diff(tt.want, items(parseHTML(t, public, tt.page).Selection)); diff != "" {
				t.Errorf("%s: reports (-want +got):\n%s", tt.page, diff)
			}
		}
		// The EU-level report is on its auditor's page, with the reason,
		// and on no country's.
		eu := parseHTML(t, public, "audits/eu-eca/index.html")
		if !strings.Contains(eu.Find(".aside").Text(), "concern no single country") {
			t.Errorf("ECA page does not explain why its reports are on no country's page")
		}
		for _, name := range htmlPages(t, public) {
			if strings.HasPrefix(name, "countries/") && strings.Contains(readFile(t, public, name), "04/2025") {
				t.Errorf("%s lists the EU-level report", name)
			}
		}
		idx := parseHTML(t, public, "audits/index.html")
		auditors := idx.Find("ul.auditors > li > a").Map(func(_ int, a *goquery.Selection) string {
			href, _ := a.Attr("href")
			return a.Text() + " " + href
		})
		if diff := cmp.Diff([]string{
			"European Court of Auditors (ECA) ../audits/eu-eca/index.html",
			"UK National Audit Office (NAO) ../audits/uk-nao/index.html",
			"US Government Accountability Office (GAO) ../audits/us-gao/index.html",
		}, auditors); diff != "" {
			t.Errorf("auditors (-want +got):\n%s", diff)
		}
		countries := idx.Find("#by-country + ul li").Map(func(_ int, li *goquery.Selection) string {
			href, _ := li.Find("a").Attr("href")
			return squash(li.Text()) + " " + href
		})
		if diff := cmp.Diff([]string{"United Kingdom (1) ../countries/gbr/audits/index.html", "United States (2) ../countries/usa/audits/index.html"}, countries); diff != "" {
			t.Errorf("countries (-want +got):\n%s", diff)
		}
		nav := parseHTML(t, public, "index.html").Find("header nav a").Map(func(_ int, a *goquery.Selection) string { return a.Text() })
		if diff := cmp.Diff([]string{"Countries", "Maps", "UN reporting", "Audits", "Risk", "Rankings", "Datasets", "Changes", "Sources"}, nav); diff != "" {
			t.Errorf("navigation (-want +got):\n%s", diff)
		}
	})

	t.Run("risk", func(t *testing.T) {
		deu := parseHTML(t, public, "countries/deu/index.html")
		gpi := deu.Find("section.risk").Has("#risk-gpi")
		latest := gpi.Find(".latest").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
		if diff := cmp.Diff([]string{
			"Overall score 1.533 in 2025, 0.033 higher than in 2024 (1.5): less peaceful.",
			"Rank 1 of 3 states in 2025 (1 = most peaceful), up 1 place from 2 in 2024.",
		}, latest); diff != "" {
			t.Errorf("GPI (-want +got):\n%s", diff)
		}
		src := gpi.Find(".source")
		if got := squash(src.Text()); !strings.HasPrefix(got, "Source: Global Peace Index; latest figures for 2025.") {
			t.Errorf("GPI source line = %q", got)
		}
		if href, _ := src.Find("a").First().Attr("href"); href != "https://www.visionofhumanity.org/" {
			t.Errorf("GPI source links to %q", href)
		}
		if diff := cmp.Diff([][]string{{"2025", "1.533", "1"}, {"2024", "1.5", "2"}}, rowsOf(gpi.Find("table"))); diff != "" {
			t.Errorf("GPI table (-want +got):\n%s", diff)
		}
		if strings.Contains(deu.Find("#risk").Parent().Text(), "2.25") {
			t.Errorf("Germany's page shows a GPI indicator it should leave to the downloads")
		}
		inform := deu.Find("section.risk").Has("#risk-inform")
		if got := inform.Find(".latest").Text(); got != "Risk 2.3 in 2025: the same as in 2024; 0.1 higher than in 2023 (2.2), the earliest figure shown." {
			t.Errorf("INFORM = %q", got)
		}
		if got := squash(inform.Find(".source").Text()); got != "Source: INFORM Risk Index; latest figures for 2025." {
			t.Errorf("INFORM source = %q", got)
		}
		if got := inform.Find(".note").First().Text(); got != "Scale: score 0-10 (10 = highest risk)." {
			t.Errorf("INFORM scale = %q", got)
		}

		sdn := parseHTML(t, public, "countries/sdn/index.html")
		var entries []string
		sdn.Find("ol.crisiswatch > li").Each(func(_ int, li *goquery.Selection) {
			when, _ := li.Find("time").Attr("datetime")
			href, _ := li.Find("a").Last().Attr("href")
			entries = append(entries, when+" | "+squash(li.Find(".entry-head").Text())+" | "+li.Find(".summary").Text()+" | "+href)
		})
		if diff := cmp.Diff([]string{
			"2025-10 | October 2025: ↓ Deteriorated Conflict risk alert | Fighting intensified around besieged towns in the west.\nA conflict risk alert is issued for the coming month. | https://www.crisisgroup.org/crisiswatch/october-2025#sudan",
			"2025-09 | September 2025: ↓ Deteriorated | Attacks on displacement camps killed dozens. | https://www.crisisgroup.org/crisiswatch/september-2025#sudan",
		}, entries); diff != "" {
			t.Errorf("CrisisWatch entries (-want +got):\n%s", diff)
		}
		if href, _ := sdn.Find("#risk-crisiswatch ~ p.source a").Attr("href"); href != "https://www.crisisgroup.org/crisiswatch" {
			t.Errorf("CrisisWatch source links to %q", href)
		}
	})

	t.Run("home", func(t *testing.T) {
		home := parseHTML(t, public, "index.html")
		if diff := cmp.Diff([][]string{
			{"UN Report on Military Expenditures", "2024", "2", "1", "4", "50%"},
			{"UN Register of Conventional Arms", "2023", "2", "1", "2", "100%"},
		}, rowsOf(home.Find("table.participation"))); diff != "" {
			t.Errorf("participation (-want +got):\n%s", diff)
		}
		if href, _ := home.Find("table.participation a").First().Attr("href"); href != "./cbm/un-milex/index.html" {
			t.Errorf("participation links to %q", href)
		}
		var changes []string
		home.Find("ul.latest li").Each(func(_ int, li *goquery.Selection) { changes = append(changes, squash(li.Text())) })
		if len(changes) != len(fixtureVersions) {
			t.Fatalf("home lists %d changes, want the %d versions: %q", len(changes), len(fixtureVersions), changes)
		}
		// The three datasets without history have no version to list; the
		// newest of military expenditure's come with their counts.
		if want := "28 April 2026: Military expenditure by country, version 2026-04-28 sample data: 20 rows; 1 added, 1 removed, 2 changed (1 revision of a published figure)."; !strings.HasPrefix(changes[0], want) {
			t.Errorf("newest change = %q, want it to start %q", changes[0], want)
		}
		if want := "the first published version"; !strings.Contains(changes[3], want) {
			t.Errorf("oldest change = %q, want %q", changes[3], want)
		}
		facts := home.Find("ul.datasets li .facts").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
		if len(facts) != 4 || !strings.Contains(facts[1], "19 rows, version 2026-04-28 (28 April 2026); 2021–2024, 4 countries and former states") {
			t.Errorf("dataset summaries on the home page: %q", facts)
		}
	})

	t.Run("dataset pages", func(t *testing.T) {
		for _, d := range in.Datasets[1:] {
			doc := parseHTML(t, public, "datasets/"+d.Definition.Name+"/index.html")
			if n := doc.Find("table.schema tbody tr").Length(); n != len(d.Definition.Schema.Fields) {
				t.Errorf("%s: schema table has %d rows, want %d", d.Definition.Name, n, len(d.Definition.Schema.Fields))
			}
			if n := doc.Find("ul.downloads a").Length(); n != 4 {
				t.Errorf("%s: %d downloads, want 4", d.Definition.Name, n)
			}
			if n := doc.Find("section.source").Length(); n != len(d.Descriptor.Sources) {
				t.Errorf("%s: %d sources with licence and attribution, want %d", d.Definition.Name, n, len(d.Descriptor.Sources))
			}
			cite := doc.Find("blockquote.citation").Text()
			if !strings.Contains(cite, d.Definition.Title+", version 2026-04-28") || !strings.Contains(cite, d.Descriptor.Sources[0].Attribution) {
				t.Errorf("%s: citation %q", d.Definition.Name, cite)
			}
			var ld map[string]any
			if err := json.Unmarshal([]byte(doc.Find(`script[type="application/ld+json"]`).Text()), &ld); err != nil {
				t.Errorf("%s: JSON-LD: %v", d.Definition.Name, err)
			}
			if ld["temporalCoverage"] == nil {
				t.Errorf("%s: JSON-LD has no temporal coverage", d.Definition.Name)
			}
			var want strings.Builder
			if err := dataset.WriteCSV(&want, d.Table); err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, public, "datasets/"+d.Definition.Name+"/"+d.Definition.Name+".csv"); got != want.String() {
				t.Errorf("%s: CSV download differs from WriteCSV (-want +got):\n%s", d.Definition.Name, cmp.Diff(want.String(), got))
			}
		}
		for name, want := range map[string]string{
			"cbm-reports":    "2021–2024, 4 countries and former states",
			"audit-outcomes": "2014–2025, 2 countries and former states",
			"risk-reports":   "2023–2025, 5 countries and former states",
		} {
			doc := parseHTML(t, public, "datasets/"+name+"/index.html")
			if got := doc.Find("dl.facts dt:contains('Coverage') + dd").Text(); got != want {
				t.Errorf("%s: coverage %q, want %q", name, got, want)
			}
		}
	})
}

func atoi(tb testing.TB, s string) int {
	tb.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		tb.Fatalf("%q is not a number", s)
	}
	return n
}

// TestAuditListSplit checks that a list longer than auditPageCap becomes a
// page with the newest reports and a page per year that together hold
// every report once.
func TestAuditListSplit(t *testing.T) {
	var recs []dataset.AuditReport
	n := auditPageCap + 50
	for i := range n {
		year := 2000 + i%7
		recs = append(recs, dataset.AuditReport{Auditor: dataset.AuditorGAO, ReportID: fmt.Sprintf("GAO-%d-%03d", year, i), Country: "USA",
			Jurisdiction: "United States", Published: fmt.Sprintf("%d-%02d-%02d", year, 1+i%12, 1+i%28), Title: fmt.Sprintf("Report %d", i),
			Link: "https://www.gao.gov/", Source: "gao"})
	}
	recs = append(recs, dataset.AuditReport{Auditor: dataset.AuditorECA, ReportID: "01/2024", Jurisdiction: "European Union",
		Published: "2024-01-10", Title: "EU report", Link: "https://www.eca.europa.eu/", Source: "eca-defence"})
	g := &generator{names: testNames(), num: format.New("en"), fam: &families{}}
	x := g.newAuditIndex(recs)
	var gao []auditListPage
	for _, p := range g.auditorPages(x) {
		if strings.HasPrefix(p.file, "audits/us-gao") {
			gao = append(gao, p)
		}
	}
	for _, pages := range [][]auditListPage{gao, g.countryListPages(x, map[string]string{"USA": "United States"})} {
		var files []string
		seen := map[string]int{}
		for _, p := range pages {
			files = append(files, p.file)
			for _, g := range p.Params.Groups {
				for _, it := range g.Items {
					seen[it.ReportID]++
					if it.ReportID[4:8] != g.Year {
						t.Errorf("%s: report %s listed under %s", p.file, it.ReportID, g.Year)
					}
				}
			}
		}
		main := pages[0]
		if len(main.Params.Latest) != auditLatestCap || main.Params.Groups != nil || len(main.Params.Years) != 7 {
			t.Errorf("%s: %d latest, %d groups, %d years; want %d latest, no groups and 7 years",
				main.file, len(main.Params.Latest), len(main.Params.Groups), len(main.Params.Years), auditLatestCap)
		}
		if main.Params.Years[0].Year != "2006" || main.Params.Years[0].Path != strings.TrimSuffix(main.file, ".md")+"/2006/index.html" {
			t.Errorf("%s: first year link %+v", main.file, main.Params.Years[0])
		}
		for i := range n {
			if id := recs[i].ReportID; seen[id] != 1 {
				t.Errorf("%s: report %s listed %d times on the year pages", main.file, id, seen[id])
			}
		}
		if len(pages) < 8 {
			t.Errorf("pages %q, want the list and one per year", files)
		}
	}
}

// TestFamiliesBaseURL checks the new pages' links under a base URL with a
// path: absolute paths under it, the country lists of audits included.
func TestFamiliesBaseURL(t *testing.T) {
	in := familiesInput(t)
	in.BaseURL = "https://data.example.org/milex"
	_, public := build(t, in)
	for _, tt := range []struct{ page, sel, want string }{
		{"index.html", `header nav a[href*="cbm/"]`, "/milex/cbm/"},
		{"index.html", `table.participation a`, "/milex/cbm/un-milex/"},
		{"cbm/un-milex/index.html", `table.matrix tbody th a`, "/milex/countries/afg/"},
		{"countries/usa/index.html", `#audits ~ p a`, "/milex/countries/usa/audits/"},
		{"countries/usa/audits/index.html", `nav.up a`, "/milex/countries/usa/"},
		{"audits/index.html", `ul.auditors a`, "/milex/audits/eu-eca/"},
		{"audits/index.html", `#by-country + ul a`, "/milex/countries/gbr/audits/"},
	} {
		doc := parseHTML(t, public, tt.page)
		if href, _ := doc.Find(tt.sel).First().Attr("href"); href != tt.want {
			t.Errorf("%s: %s links to %q, want %q", tt.page, tt.sel, href, tt.want)
		}
	}
	if got := readFile(t, public, "sitemap.xml"); !strings.Contains(got, "<loc>https://data.example.org/milex/countries/usa/audits/</loc>") ||
		!strings.Contains(got, "<loc>https://data.example.org/milex/cbm/unroca/</loc>") {
		t.Errorf("sitemap lacks the tracker or the audit lists")
	}
}

func TestRiskText(t *testing.T) {
	for _, tt := range []struct {
		a, b     float64
		want     string
		wantSign int
	}{
		{1.533, 1.5, "0.033", 1},
		{2.3, 2.3, "0.0", 0},
		{2.3, 2.2, "0.1", 1},
		{7.8, 8.1, "0.3", -1},
		{3, 2, "1", 1},
	} {
		got, sign := difference(tt.a, tt.b, format.New("en"))
		if got != tt.want || sign != tt.wantSign {
			t.Errorf("difference(%v, %v) = %q, %d; want %q, %d", tt.a, tt.b, got, sign, tt.want, tt.wantSign)
		}
	}
	for _, tt := range []struct{ in, prev string }{
		{"2025", "2024"},
		{"2025-10", "2025-09"},
		{"2025-01", "2024-12"},
	} {
		if got := previousPeriod(tt.in); got != tt.prev {
			t.Errorf("previousPeriod(%q) = %q, want %q", tt.in, got, tt.prev)
		}
	}
}

// TestCBMVersions checks the version page of a CBM revision: a report
// kind changed from no report to a nil report reads in words, on the
// version page and on the country's page.
func TestCBMVersions(t *testing.T) {
	in := testInput(t, true)
	addFamilies(t, in, fixtureCBM(), fixtureAudits(), fixtureRisk())
	r, err := git.Open(t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	before := fixtureCBM()
	for i := range before {
		if before[i].Country == "LIE" && before[i].Year == 2024 {
			before[i].Kind = dataset.ReportNone
		}
	}
	commitTable(t, r, dataset.CBMReports, "2026-04-27", testTime.Add(-24*time.Hour), true, cbmTable(t, before))
	commitTable(t, r, dataset.CBMReports, "2026-04-28", testTime, true, cbmTable(t, fixtureCBM()))
	h, err := history.Load(r, dataset.CBMReports)
	if err != nil {
		t.Fatal(err)
	}
	in.Datasets[1].History = h
	in.CacheDir = t.TempDir()
	_, public := build(t, in)
	doc := parseHTML(t, public, "datasets/cbm-reports/versions/2026-04-28/index.html")
	rows := rowsOf(doc.Find("#changes-revised ~ div table.changes").First())
	if diff := cmp.Diff([][]string{{"Liechtenstein1 row", "UN Milex", "2024", "Report: no report →changed to nil report"}}, rows); diff != "" {
		t.Errorf("version page rows (-want +got):\n%s", diff)
	}
	// Liechtenstein has no spending figures; its page shows the revision
	// of its report all the same.
	lie := parseHTML(t, public, "countries/lie/index.html")
	if lie.Find("nav.contents a[href='#revisions']").Length() != 1 {
		t.Errorf("Liechtenstein's page lists no Revisions section")
	}
	rows = rowsOf(lie.Find("#revisions ~ div table.changes"))
	if diff := cmp.Diff([][]string{{"2026-04-28Revised", "UN Milex", "2024", "Report: no report →changed to nil report"}}, rows); diff != "" {
		t.Errorf("Liechtenstein's revisions (-want +got):\n%s", diff)
	}
	// Germany has spending figures without a history here, and no CBM
	// revision: its page says so.
	if got := parseHTML(t, public, "countries/deu/index.html").Find("#revisions + p").Text(); !strings.HasPrefix(got, "No revisions yet") {
		t.Errorf("Germany's revisions say %q", got)
	}
}

// TestFamiliesBadCodes checks that codes which become parts of page paths
// are refused before anything is written.
func TestFamiliesBadCodes(t *testing.T) {
	for _, tt := range []struct {
		name string
		edit func(cbm []dataset.CBMReport, audits []dataset.AuditReport, risk []dataset.RiskReport)
	}{
		{"country code", func(cbm []dataset.CBMReport, _ []dataset.AuditReport, _ []dataset.RiskReport) { cbm[0].Country = "../" }},
		{"instrument", func(cbm []dataset.CBMReport, _ []dataset.AuditReport, _ []dataset.RiskReport) {
			cbm[0].Instrument = "../x"
		}},
		{"auditor", func(_ []dataset.CBMReport, audits []dataset.AuditReport, _ []dataset.RiskReport) {
			audits[0].Auditor = "../x"
		}},
		{"country code", func(_ []dataset.CBMReport, audits []dataset.AuditReport, _ []dataset.RiskReport) {
			audits[0].Country = "us"
		}},
		{"country code", func(_ []dataset.CBMReport, _ []dataset.AuditReport, risk []dataset.RiskReport) {
			risk[0].Country = "d e"
		}},
		{"period", func(_ []dataset.CBMReport, _ []dataset.AuditReport, risk []dataset.RiskReport) {
			risk[0].Period = "last year"
		}},
		// Risk codes are checked once for each run of equal ones: a bad
		// one in the last row is found too.
		{"country code", func(_ []dataset.CBMReport, _ []dataset.AuditReport, risk []dataset.RiskReport) {
			risk[len(risk)-1].Country = "d e"
		}},
		{"period", func(_ []dataset.CBMReport, _ []dataset.AuditReport, risk []dataset.RiskReport) {
			risk[len(risk)-1].Period = "2025-5"
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := testInput(t, false)
			cbm, audits, risk := fixtureCBM(), fixtureAudits(), fixtureRisk()
			tt.edit(cbm, audits, risk)
			// The tables are built without validation, as a fork's
			// pipeline might hand them over.
			addFamilies(t, in, cbm, audits, risk)
			dir := t.TempDir()
			err := Generate(dir, in)
			if err == nil || !strings.Contains(err.Error(), tt.name) {
				t.Errorf("Generate(bad %s) = %v, want an error about the %s", tt.name, err, tt.name)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("Generate wrote %d entries before refusing the input", len(entries))
			}
		})
	}
}

// Totals are in whole units of the currency, whatever multiplier the state
// reported in; from a million up they read in millions.
func TestTotalOf(t *testing.T) {
	num := format.New("en")
	for _, tt := range []struct {
		r    dataset.CBMReport
		want cbmTotal
	}{
		{dataset.CBMReport{Total: 70105600000, Currency: "EUR", UnitOfMeasure: "Million"},
			cbmTotal{Value: "70105600000", Text: "70,105.6", Currency: "EUR", Multiplier: "million"}},
		{dataset.CBMReport{Total: 601250000500, Currency: "AMD", UnitOfMeasure: "Thousand"},
			cbmTotal{Value: "601250000500", Text: "601,250.0005", Currency: "AMD", Multiplier: "million"}},
		{dataset.CBMReport{Total: 950000, Currency: "EUR", UnitOfMeasure: "Thousand"},
			cbmTotal{Value: "950000", Text: "950,000", Currency: "EUR"}},
	} {
		if got := totalOf(&tt.r, num); *got != tt.want {
			t.Errorf("totalOf(%v) = %+v, want %+v", tt.r, *got, tt.want)
		}
	}
}
