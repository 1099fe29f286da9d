package generic

import (
	"errors"
	"io/fs"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
)

// collectMirror collects a source of the repository's sources file from
// the bundled mirror and returns its records and the URLs fetched.
func collectMirror(t *testing.T, name string) ([]map[string]string, []string) {
	t.Helper()
	src := sourceNamed(t, readSources(t, sourcesFile), name)
	rec := &collecttest.Recorder{Next: collecttest.Fetcher(t, src, mirror.FS)}
	tab, warns, err := run(t, rec, src)
	if err != nil {
		t.Fatalf("Collect(%s) error = %v", name, err)
	}
	if len(warns) > 0 {
		t.Errorf("Collect(%s) warnings:\n%s", name, joinLines(warns))
	}
	if err := dataset.Validate(tab); err != nil {
		t.Errorf("Validate(%s) = %v", name, err)
	}
	return records(tab), rec.Fetched()
}

func TestMirrorNAO(t *testing.T) {
	got, urls := collectMirror(t, "nao-defence")
	row := func(slug, title, published, subject string) map[string]string {
		return map[string]string{"auditor": "uk_nao", "report_id": slug, "country_iso3": "GBR", "jurisdiction": "United Kingdom",
			"published": published, "title": title, "subject": subject, "link": "https://www.nao.org.uk/reports/" + slug + "/",
			"source": "nao-defence"}
	}
	want := []map[string]string{
		row("army-2020", "Army 2020", "2014-06-11", "National security"),
		row("equipment-plan-2013-2023", "Equipment Plan 2013 – 2023", "2014-02-13", "National security; Major projects"),
		// A relative link on the page, resolved against it.
		row("ministry-of-defence-the-major-projects-report-2013", "The Major Projects Report 2013", "2014-02-13",
			"National security; Major projects"),
		row("departmental-overview-the-performance-of-the-ministry-of-defence-2012-13",
			"Departmental Overview: The performance of the Ministry of Defence 2012-13", "2013-09-16",
			"National security; Performance improvement"),
		row("2012-13-review-of-the-data-systems-for-the-ministry-of-defence",
			"2012-13 review of the data systems for the Ministry of Defence", "2013-08-09", "National security"),
		row("allocation-and-management-of-risk-in-ministry-of-defence-pfi-projects",
			"Allocation and management of risk in Ministry of Defence PFI projects", "2008-10-30", "National security; Private finance"),
		row("appropriation-accounts-1998-99-volume-1-class-i-ministry-of-defence",
			"Appropriation Accounts 1998-99 Volume 1: Class I – Ministry of Defence", "2000-01-19", "National security"),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Collect(nao-defence) mismatch (-want +got):\n%s", diff)
	}
	wantURLs := []string{
		"https://www.nao.org.uk/search/sector/national-security/type/report/",
		"https://www.nao.org.uk/search/sector/national-security/type/report/page/2/",
	}
	if diff := cmp.Diff(wantURLs, urls); diff != "" {
		t.Errorf("pages fetched (-want +got):\n%s", diff)
	}
}

func TestMirrorECA(t *testing.T) {
	got, urls := collectMirror(t, "eca-defence")
	want := []map[string]string{
		{"auditor": "eu_eca", "report_id": "04/2025", "jurisdiction": "European Union", "published": "2025-02-05",
			"title": "EU military mobility – Not yet in the fast lane", "subject": "Security and defence",
			"link": "https://www.eca.europa.eu/en/publications/SR-2025-04", "source": "eca-defence"},
		{"auditor": "eu_eca", "report_id": "10/2023", "jurisdiction": "European Union", "published": "2023-04-26",
			"title":   "Preparatory action on defence research – Useful to a limited extent for priming EU defence spending",
			"subject": "Security and defence", "link": "https://www.eca.europa.eu/en/publications/SR-2023-10", "source": "eca-defence"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Collect(eca-defence) mismatch (-want +got):\n%s", diff)
	}
	wantURLs := []string{
		"https://www.eca.europa.eu/en/publications?type=SpecialReport",
		"https://www.eca.europa.eu/en/publications?type=SpecialReport&page=2",
	}
	if diff := cmp.Diff(wantURLs, urls); diff != "" {
		t.Errorf("pages fetched (-want +got):\n%s", diff)
	}
}

func TestMirrorINFORM(t *testing.T) {
	got, urls := collectMirror(t, "inform-risk")
	names := map[string]string{"AFG": "Afghanistan", "SOM": "Somalia", "UKR": "Ukraine", "MMR": "Myanmar", "NGA": "Nigeria",
		"COL": "Colombia", "DEU": "Germany", "FRA": "France", "GBR": "United Kingdom", "SWE": "Sweden"}
	var want []map[string]string
	for _, s := range informScores {
		for i := len(informYears) - 1; i >= 0; i-- {
			want = append(want, map[string]string{"publisher": "inform", "country_iso3": s.iso3, "country_name": names[s.iso3],
				"period": strconv.Itoa(informYears[i]), "indicator": "inform_risk", "value": strconv.FormatFloat(s.scores[i], 'f', -1, 64),
				"unit": "score 0-10 (10 = highest risk)", "source": "inform-risk"})
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Collect(inform-risk) mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{informURL}, urls); diff != "" {
		t.Errorf("documents fetched (-want +got):\n%s", diff)
	}
}

// TestSourcesFile checks every source of the repository's sources file
// that names a configured collector: each passes Check and collects rows
// from the bundled mirror.
func TestSourcesFile(t *testing.T) {
	all := New(datasets)
	n := 0
	for _, src := range readSources(t, sourcesFile) {
		c, ok := all[src.Collector].(*Collector)
		if !ok {
			continue
		}
		n++
		t.Run(src.Name, func(t *testing.T) {
			if err := c.Check(src); err != nil {
				t.Fatalf("Check(%s) = %v", src.Name, err)
			}
			tab, err := c.Collect(t.Context(), collecttest.Fetcher(t, src, mirror.FS), src)
			if err != nil {
				t.Fatalf("Collect(%s) = %v", src.Name, err)
			}
			if tab.Len() == 0 {
				t.Errorf("Collect(%s) = no rows from the bundled mirror", src.Name)
			}
		})
	}
	if n == 0 {
		t.Errorf("%s has no source with a configured collector", sourcesFile)
	}
}

// TestUnchanged checks the conditional paths: every page not modified is
// collect.ErrUnchanged; archived bodies of unchanged pages are read again
// when another page changed; a page without a kept body fails then.
func TestUnchanged(t *testing.T) {
	src := sourceNamed(t, readSources(t, sourcesFile), "nao-defence")
	p1 := "https://www.nao.org.uk/search/sector/national-security/type/report/"
	p2 := p1 + "page/2/"
	docs := map[string]string{}
	for u, f := range map[string]string{p1: "index.html", p2: "page/2/index.html"} {
		b, err := fs.ReadFile(mirror.FS, "www.nao.org.uk/search/sector/national-security/type/report/"+f)
		if err != nil {
			t.Fatal(err)
		}
		docs[u] = string(b)
	}
	tests := []struct {
		name        string
		notModified map[string]bool
		noBody      map[string]bool
		wantErr     error
		wantRows    int
	}{
		{name: "all-not-modified", notModified: map[string]bool{p1: true, p2: true}, wantErr: collect.ErrUnchanged},
		{name: "first-not-modified-no-body", noBody: map[string]bool{p1: true}, wantErr: collect.ErrUnchanged},
		{name: "one-changed", notModified: map[string]bool{p1: true}, wantRows: 7},
		{name: "changed-and-no-body", noBody: map[string]bool{p2: true}, wantErr: collect.ErrNotModified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := serve(docs)
			f.NotModified, f.NoBody = tt.notModified, tt.noBody
			tab, _, err := run(t, f, src)
			if failed(t, tab, err, tt.wantErr) {
				if errors.Is(tt.wantErr, collect.ErrNotModified) && errors.Is(err, collect.ErrUnchanged) {
					t.Errorf("Collect() = %v, which says unchanged though page 1 changed", err)
				}
				return
			}
			if tab.Len() != tt.wantRows {
				t.Errorf("Collect() = %d rows, want %d", tab.Len(), tt.wantRows)
			}
		})
	}
}
