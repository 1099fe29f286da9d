package site

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/defence-transparency/publish/internal/country"
	"github.com/defence-transparency/publish/internal/dataset"
)

// TestComparisonsReadPublishedRowsOnly builds a site whose SIPRI, UNROCA
// and GPI rows are excerpts, and checks that what compares countries (the
// maps, the compare page, the ranking of reported-vs-estimated gaps and
// the countries' files under api/) holds none of them, while each
// country's file holds its published rows.
func TestComparisonsReadPublishedRowsOnly(t *testing.T) {
	in := familiesInput(t)
	in.Datasets[0].ParquetPath = ""
	splitSource(in, "military-expenditure", dataset.SourceSIPRI, 15)
	splitSource(in, "cbm-reports", "unroca", 7)
	splitSource(in, "risk-reports", "gpi", 12)
	_, public := build(t, in)

	files, err := filepath.Glob(filepath.Join(public, "api", "countries", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no country files under api/countries: %v", err)
	}
	for _, f := range files {
		code := strings.TrimSuffix(filepath.Base(f), ".json")
		if c, ok := country.Lookup(code); ok && !c.IsState() {
			t.Errorf("%s: an aggregate has a country file", code)
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v apiCountry
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if v.Format != apiFormat || v.ISO3 != code || v.Page != "countries/"+strings.ToLower(code)+"/" {
			t.Errorf("%s: format %q, iso3 %q, page %q", f, v.Format, v.ISO3, v.Page)
		}
		for _, s := range v.Spending {
			if s.Source == dataset.SourceSIPRI {
				t.Errorf("%s holds SIPRI's %s, an excerpt", code, s.Measure)
			}
		}
		for _, r := range v.CBM {
			if r.Source == "unroca" {
				t.Errorf("%s holds UNROCA rows, an excerpt", code)
			}
		}
		for _, r := range v.Risk {
			if r.Publisher == dataset.PublisherGPI {
				t.Errorf("%s holds GPI rows, an excerpt", code)
			}
		}
	}
	var deu apiCountry
	b, err := os.ReadFile(filepath.Join(public, "api", "countries", "DEU.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &deu); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(deu.Neighbours, "FRA") || deu.Region != "Western Europe" || len(deu.CBM) == 0 {
		t.Errorf("DEU.json: neighbours %v, region %q, %d UN reports; want France among them, Western Europe and its UN Milex rows", deu.Neighbours, deu.Region, len(deu.CBM))
	}
	// Its published rows, all of them: every row of the published table
	// for Germany is a point.
	want := 0
	for _, r := range dataset.Expenditures(in.Datasets[0].Table) {
		if r.Country == "DEU" {
			want++
		}
	}
	got := 0
	for _, s := range deu.Spending {
		got += len(s.Points)
	}
	if got != want {
		t.Errorf("DEU.json has %d points, want the %d published rows of Germany", got, want)
	}

	// The GPI map says why it is not drawn; no map or comparison cites SIPRI.
	gpi := parseHTML(t, public, "maps/gpi/index.html")
	if gpi.Find("svg").Length() != 0 || !strings.Contains(gpi.Find("p.notice").Text(), "excerpts only") {
		t.Errorf("GPI map without a permission: %d drawings, notice %q", gpi.Find("svg").Length(), gpi.Find("p.notice").Text())
	}
	pages, _ := filepath.Glob(filepath.Join(public, "maps", "*", "index.html"))
	pages = append(pages, filepath.Join(public, "compare", "index.html"))
	for _, p := range pages {
		rel, _ := filepath.Rel(public, p)
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if s := squash(parseHTML(t, public, rel).Find("main").Text()); strings.Contains(s, "SIPRI Military Expenditure Database") {
			t.Errorf("%s cites SIPRI's figures, which are excerpts", rel)
		}
	}
	if n := parseHTML(t, public, "reported/index.html").Find("#reported-ranking tbody tr").Length(); n != 0 {
		t.Errorf("the ranking of gaps has %d rows from excerpts", n)
	}
}

// siteScript matches the site's own script files (site/assets/js), which
// no page needs to be read: the search box's and the compare page's.
var siteScript = regexp.MustCompile(`(^|/)js/(search|compare)\.min\.[0-9a-f]{64}\.js$`)
