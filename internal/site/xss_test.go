package site

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/defence-transparency/publish/internal/dataset"
)

// Text that would run script if a page emitted it as HTML.
const (
	xssScript = `<script>alert(1)</script>`
	xssImg    = `<img src=x onerror=alert(1)>`
	xssEnd    = `</script><script>alert(2)</script>`
	xssURL    = `javascript:alert(1)`
)

// TestXSS feeds every text field that comes from a source or its
// configuration with markup, and every link with a javascript: URL, and
// checks that the built pages show the text and run nothing.
func TestXSS(t *testing.T) {
	in := testInput(t, true)
	for i := range in.Sources {
		s := &in.Sources[i]
		s.Title = "Evil " + xssScript + xssImg
		s.Error = "parse: " + xssScript + " " + xssImg
		s.Attribution = xssImg + xssEnd
		s.Homepage = xssURL
		s.LicenceURL = " JavaScript:alert(1)"
		s.Licence = xssScript
		s.Status = dataset.SourceFailed
	}
	desc := in.Datasets[0].Descriptor
	desc.Licenses = []dataset.License{{Title: xssImg, Path: xssURL}}
	for i := range desc.Sources {
		s := &desc.Sources[i]
		s.Title, s.Path, s.Attribution, s.Licence, s.LicenceURL = xssScript, xssURL, xssEnd, xssImg, "data:text/html,"+xssScript
	}
	recs := append(testRecords(),
		dataset.Expenditure{Country: "QQQ", CountryName: xssScript + xssImg, Year: 2020, Measure: dataset.MeasureLocalCY,
			Source: dataset.SourceSIPRI, Value: 1, HasValue: true, Unit: "local currency", Currency: xssEnd,
			Notes: xssImg, Footnotes: xssScript, Estimate: true},
		dataset.Expenditure{Country: "QQQ", CountryName: xssScript, Year: 2021, Measure: dataset.MeasureCurrentUSD,
			Source: dataset.SourceSIPRI, Value: 2, HasValue: true, Unit: "US$ m"},
		dataset.Expenditure{Country: "QQQ", CountryName: xssScript, Year: 2021, Measure: dataset.MeasurePerCapita,
			Source: dataset.SourceSIPRI, Value: 2, HasValue: true, Unit: xssImg, FiscalYear: xssScript},
		dataset.Expenditure{Country: "QQQ", CountryName: xssScript, Year: 2021, Measure: dataset.MeasureShareOfGDP,
			Source: dataset.SourceSIPRI, HasValue: false, Unit: "fraction", Missing: xssImg},
	)
	tbl := dataset.ExpenditureTable(recs)
	tbl.SortByKey()
	in.Datasets[0].Table = tbl
	_, public := build(t, in)

	checkNoMarkup(t, public)

	// The text is shown, not dropped.
	sources := parseHTML(t, public, "sources/index.html").Text()
	for _, want := range []string{"Evil " + xssScript + xssImg, "parse: " + xssScript, xssImg + xssEnd, xssURL} {
		if !strings.Contains(sources, want) {
			t.Errorf("sources page does not show %q as text", want)
		}
	}
	home := parseHTML(t, public, "index.html")
	if !strings.Contains(home.Find(".notice").Text(), "parse: "+xssScript) {
		t.Errorf("home notice does not show the error as text: %q", home.Find(".notice").Text())
	}
	qqq := parseHTML(t, public, "countries/qqq/index.html")
	if got := qqq.Find("h1").Text(); got != xssScript+xssImg {
		t.Errorf("QQQ h1 = %q, want the name as text", got)
	}
	for _, want := range []string{xssEnd, xssImg, "[" + xssScript + "]"} {
		if !strings.Contains(qqq.Find("table").Text(), want) {
			t.Errorf("QQQ table does not show %q as text", want)
		}
	}
	if label, _ := qqq.Find("svg").Attr("aria-label"); !strings.Contains(label, xssScript) {
		t.Errorf("chart label = %q, want the name as text", label)
	}
	if got := qqq.Find("svg text").Text(); !strings.Contains(got, xssScript) {
		t.Errorf("chart legend %q does not show the source's title as text", got)
	}
	ds := parseHTML(t, public, "datasets/military-expenditure/index.html")
	var ld struct{ CreditText string }
	if err := json.Unmarshal([]byte(ds.Find(`script[type="application/ld+json"]`).Text()), &ld); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ld.CreditText, xssEnd) {
		t.Errorf("JSON-LD creditText = %q, want the attribution unchanged", ld.CreditText)
	}
}

// checkNoMarkup checks that no page of a built site runs script or holds
// markup that came from a source: no script element but JSON-LD, no event
// handler attribute, no javascript: or data: link.
func checkNoMarkup(t *testing.T, public string) {
	t.Helper()
	for _, name := range htmlPages(t, public) {
		raw := readFile(t, public, name)
		for _, bad := range []string{"<script>alert", "<img", "ZgotmplZ"} {
			if strings.Contains(raw, bad) {
				t.Errorf("%s contains %q", name, bad)
			}
		}
		doc := parseHTML(t, public, name)
		doc.Find("script").Each(func(_ int, s *goquery.Selection) {
			if src, _ := s.Attr("src"); siteScript.MatchString(src) && strings.TrimSpace(s.Text()) == "" {
				return // the site's own scripts, from the project
			}
			if typ, _ := s.Attr("type"); typ != "application/ld+json" {
				t.Errorf("%s: script element %q", name, s.Text())
				return
			}
			var v any
			if err := json.Unmarshal([]byte(s.Text()), &v); err != nil {
				t.Errorf("%s: JSON-LD does not parse: %v", name, err)
			}
		})
		doc.Find("*").Each(func(_ int, s *goquery.Selection) {
			for _, a := range s.Nodes[0].Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("%s: <%s %s=%q>", name, goquery.NodeName(s), a.Key, a.Val)
				}
				if (a.Key == "href" || a.Key == "src") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:text")) {
					t.Errorf("%s: <%s %s=%q>", name, goquery.NodeName(s), a.Key, a.Val)
				}
			}
		})
	}
}

// TestXSSFamilies feeds the text fields of the CBM, audit and risk rows
// with markup and their links with javascript: URLs, and checks that the
// tracker, the audit lists and the country pages show the text and run
// nothing.
func TestXSSFamilies(t *testing.T) {
	in := testInput(t, true)
	cbm := []dataset.CBMReport{
		{Country: "QQQ", CountryName: xssScript + xssImg, Instrument: dataset.InstrumentMilex, Year: 2024, Kind: dataset.ReportFull,
			Currency: xssEnd, UnitOfMeasure: xssImg, Total: 12, HasTotal: true, Link: xssURL, Source: "unmilex"},
		{Country: "QQQ", CountryName: xssScript + xssImg, Instrument: dataset.InstrumentUNROCA, Year: 2023, Kind: dataset.ReportNil,
			Link: " JavaScript:alert(1)", Source: "unroca"},
	}
	audits := []dataset.AuditReport{
		{Auditor: dataset.AuditorGAO, ReportID: xssImg, Country: "QQQ", Jurisdiction: xssEnd, Published: "2024-06-13",
			Title: "Audit " + xssScript, Subject: xssImg + xssEnd, Recommendations: 2, HasRecommendations: true, Link: xssURL, Source: "gao"},
		{Auditor: "xx_evil", ReportID: xssScript, Jurisdiction: xssScript, Published: "2024-01-01",
			Title: xssImg, Link: "data:text/html," + xssScript, Source: "evil"},
	}
	risk := []dataset.RiskReport{
		{Publisher: dataset.PublisherCrisisGroup, Country: "QQQ", CountryName: xssScript + xssImg, Period: "2025-10", Indicator: dataset.CrisisWatchTrend,
			Category: xssImg, Summary: "Summary " + xssScript + xssImg, Link: xssURL, Source: "crisiswatch"},
		{Publisher: dataset.PublisherCrisisGroup, Country: "QQQ", CountryName: xssScript + xssImg, Period: "2025-10", Indicator: dataset.CrisisWatchAlert,
			Category: xssEnd, Summary: "Summary " + xssScript + xssImg, Link: xssURL, Source: "crisiswatch"},
		{Publisher: dataset.PublisherGPI, Country: "QQQ", CountryName: xssScript + xssImg, Period: "2025", Indicator: gpiScore,
			Value: 2, HasValue: true, Unit: xssImg, Link: xssURL, Source: "gpi"},
		{Publisher: dataset.PublisherINFORM, Country: "QQQ", CountryName: xssScript + xssImg, Period: "2025", Indicator: informRisk,
			Value: 5, HasValue: true, Unit: xssEnd, Link: "data:text/html," + xssScript, Source: "inform-risk"},
	}
	addFamilies(t, in, cbm, audits, risk)
	for i := range in.Sources {
		s := &in.Sources[i]
		s.Title, s.Homepage = "Evil "+xssScript, xssURL
	}
	in.Sources = append(in.Sources, SourceStatus{Name: "evil", Title: xssImg, Dataset: "audit-outcomes", Homepage: xssURL, Status: dataset.SourceOK})
	_, public := build(t, in)
	checkNoMarkup(t, public)

	qqq := parseHTML(t, public, "countries/qqq/index.html")
	if got := qqq.Find("h1").Text(); got != xssScript+xssImg {
		t.Errorf("QQQ h1 = %q, want the name from the CBM rows as text", got)
	}
	for _, tt := range []struct {
		where string
		sel   *goquery.Selection
		want  []string
	}{
		{"CrisisWatch entry", qqq.Find("ol.crisiswatch"), []string{"Summary " + xssScript + xssImg, xssImg, xssEnd}},
		{"GPI scale", qqq.Find("#risk-gpi").Parent(), []string{xssImg}},
		{"INFORM scale", qqq.Find("#risk-inform").Parent(), []string{xssEnd}},
		{"UN Milex total", qqq.Find("#cbm-un-milex-caption").Parent(), []string{xssEnd + " 12"}},
		{"audit on the country page", qqq.Find("ol.audits"), []string{"Audit " + xssScript, xssImg, xssEnd}},
		{"sources", qqq.Find("#risk").Parent().Find(".source"), []string{"Evil " + xssScript}},
	} {
		for _, w := range tt.want {
			if !strings.Contains(tt.sel.Text(), w) {
				t.Errorf("%s does not show %q as text: %q", tt.where, w, tt.sel.Text())
			}
		}
	}
	if qqq.Find("ol.crisiswatch a, ol.audits .audit-title a, #cbm ~ div table a").Length() != 0 {
		t.Errorf("a javascript: link became a link")
	}
	gao := parseHTML(t, public, "audits/us-gao/index.html")
	if got := gao.Find(".audit-title").Text(); got != "Audit "+xssScript {
		t.Errorf("GAO list shows the title as %q", got)
	}
	evil := parseHTML(t, public, "audits/xx-evil/index.html")
	if got := evil.Find("h1").Text(); got != xssImg+": audit reports on defence" {
		t.Errorf("unknown auditor's page h1 = %q, want its source's title as text", got)
	}
	if got := evil.Find(".report-id").Text(); got != xssScript {
		t.Errorf("report id shown as %q", got)
	}
	tracker := parseHTML(t, public, "cbm/un-milex/index.html")
	if got := tracker.Find("table.matrix tbody th").Text(); got != xssScript+xssImg {
		t.Errorf("tracker names the state %q", got)
	}
	if label, _ := tracker.Find("#rate-chart svg").Attr("aria-label"); !strings.Contains(label, "UN Report on Military Expenditures") {
		t.Errorf("rate chart label = %q", label)
	}
}
