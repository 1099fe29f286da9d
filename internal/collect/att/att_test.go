package att

import (
	"errors"
	"flag"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/mirror"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func mirrorSource() collect.Source {
	return collect.Source{Name: "att", Dataset: dataset.CBMReports.Name, Collector: "att", URLs: []string{ReportsURL, PartiesURL}}
}

// TestMirror collects the bundled mirror through the real fetch stack and
// checks the rows that matter: a State Party's year without a report is
// no_report, a year before the treaty was in force for the whole year has
// no row, a signatory that is not a party has none, and public and nil
// reports are told apart. The rows are also kept in a golden file.
func TestMirror(t *testing.T) {
	src := mirrorSource()
	ctx, warnings := collect.WithWarnings(t.Context())
	tab, err := new(Collector).Collect(ctx, collecttest.Fetcher(t, src, mirror.FS), src)
	if err != nil {
		t.Fatalf("Collect(bundled mirror) error = %v", err)
	}
	if w := warnings.List(); len(w) != 0 {
		t.Errorf("Collect(bundled mirror) warnings = %q, want none", w)
	}
	if err := dataset.Validate(tab); err != nil {
		t.Fatalf("Validate() = %v", err)
	}
	recs, err := dataset.CBMReportsOf(tab)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Kind           string
		Public, HasPub bool
		Link           string
	}
	got := map[string]row{}
	years := map[string][2]int{}
	for _, r := range recs {
		k := r.Country + " " + itoa(r.Year)
		got[k] = row{r.Kind, r.Public, r.HasPublic, r.Link}
		y := years[r.Country]
		if y[0] == 0 || r.Year < y[0] {
			y[0] = r.Year
		}
		y[1] = max(y[1], r.Year)
		years[r.Country] = y
		if r.Instrument != dataset.InstrumentATT || r.Source != "att" {
			t.Errorf("row %+v: want instrument att, source att", r)
		}
	}
	const listing = ReportsURL
	want := map[string]row{
		"DEU 2023": {dataset.ReportSubmitted, true, true, "https://thearmstradetreaty.org/hyper-images/file/Germany_2023_ATT_Annual_Report/Germany_2023_ATT_Annual_Report.pdf"},
		"FRA 2023": {dataset.ReportSubmitted, false, true, listing},
		"LIE 2023": {dataset.ReportNil, true, true, "https://thearmstradetreaty.org/hyper-images/file/Liechtenstein_2023_ATT_Annual_Report/Liechtenstein_2023_ATT_Annual_Report.pdf"},
		"CHE 2021": {dataset.ReportNil, false, true, listing},
		"GBR 2023": {dataset.ReportNone, false, false, listing},
		"AFG 2021": {dataset.ReportNone, false, false, listing},
	}
	for k, w := range want {
		if g := got[k]; g != w {
			t.Errorf("row %s = %+v, want %+v", k, g, w)
		}
	}
	// First years: 2015 for the parties since 24 December 2014;
	// Switzerland (in force 30 April 2015) from 2016, Korea (29 May 2017)
	// from 2018, Afghanistan (27 October 2020) from 2021; the United States
	// signed only.
	wantYears := map[string][2]int{"AFG": {2021, 2023}, "AUT": {2015, 2023}, "CHE": {2016, 2023}, "DEU": {2015, 2023},
		"FRA": {2015, 2023}, "GBR": {2015, 2023}, "KOR": {2018, 2023}, "LIE": {2015, 2023}, "NOR": {2015, 2023}, "SWE": {2015, 2023}}
	if diff := cmp.Diff(wantYears, years); diff != "" {
		t.Errorf("years per state (-want +got):\n%s", diff)
	}
	tab.SortByKey()
	collecttest.Golden(t, filepath.Join("testdata", "golden", "mirror-rows.csv"), tab, *update)
}

func itoa(n int) string { return time.Date(n, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006") }

// TestSuite serves the collector the misbehaving publishers of the shared
// conformance suite.
func TestSuite(t *testing.T) {
	collecttest.Suite(t, collecttest.Target{
		Paths: []string{"/annual-reports.html", "/treaty-status.html"},
		New: func(urls []string) (collect.Collector, collect.Source) {
			src := mirrorSource()
			src.URLs = urls
			return &Collector{}, src
		},
		Mirror: func() (collect.Collector, collect.Source) { return &Collector{}, mirrorSource() },
	})
}

func TestParseReports(t *testing.T) {
	const base = "https://thearmstradetreaty.org/annual-reports.html"
	page := func(rows string) []byte {
		return []byte(`<table><tr><th>Country</th><th>Year</th><th>Report</th></tr>` + rows + `</table>`)
	}
	tests := []struct {
		name    string
		body    []byte
		want    []Report
		wantErr error
	}{
		{name: "public", body: page(`<tr><td>Peru</td><td>2020</td><td><a href="/f/p.pdf">PDF</a></td></tr>`),
			want: []Report{{State: "Peru", Year: 2020, Public: true, Link: "https://thearmstradetreaty.org/f/p.pdf"}}},
		{name: "private", body: page(`<tr><td>Peru</td><td>2020</td><td>Private report</td></tr>`),
			want: []Report{{State: "Peru", Year: 2020}}},
		{name: "link but not public", body: page(`<tr><td>Peru</td><td>2020</td><td><a href="/login">Not public</a></td></tr>`),
			want: []Report{{State: "Peru", Year: 2020}}},
		{name: "nil", body: page(`<tr><td>Peru</td><td>2020</td><td><a href="/f/n.pdf">Nil report</a></td></tr>`),
			want: []Report{{State: "Peru", Year: 2020, Nil: true, Public: true, Link: "https://thearmstradetreaty.org/f/n.pdf"}}},
		{name: "javascript link", body: page(`<tr><td>Peru</td><td>2020</td><td><a href="javascript:x()">PDF</a></td></tr>`), wantErr: ErrFormat},
		{name: "no year", body: page(`<tr><td>Peru</td><td>soon</td><td></td></tr>`), wantErr: ErrFormat},
		{name: "no table", body: []byte(`<p>Please enable JavaScript</p>`), wantErr: ErrFormat},
		{name: "empty table", body: page(``), wantErr: ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseReports(tt.body, base)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParseReports() error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseReports() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseParties(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name    string
		body    string
		want    []Party
		wantErr error
	}{
		{name: "entry into force",
			body: `<table><thead><tr><th>State</th><th>Entry into force</th></tr></thead><tr><td>Peru</td><td>14 May 2016</td></tr></table>`,
			want: []Party{{State: "Peru", Force: day(2016, 5, 14)}}},
		{name: "deposit only: ninety days after, not before the treaty",
			body: `<table><tr><th>State</th><th>Ratification / Accession</th></tr><tr><td>Peru</td><td>16/02/2016</td></tr><tr><td>Mali</td><td>3 December 2013 (a)</td></tr><tr><td>Chile</td><td></td></tr></table>`,
			want: []Party{{State: "Peru", Force: day(2016, 5, 16)}, {State: "Mali", Force: EntryIntoForce}}},
		{name: "bad date", body: `<table><tr><th>State</th><th>Entry into force</th></tr><tr><td>Peru</td><td>soon</td></tr></table>`, wantErr: ErrFormat},
		{name: "no party", body: `<table><tr><th>State</th><th>Deposit</th></tr><tr><td>Chile</td><td></td></tr></table>`, wantErr: ErrFormat},
		{name: "not the list", body: `<table><tr><th>State</th><th>Year</th></tr></table>`, wantErr: ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseParties([]byte(tt.body))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParseParties() error = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseParties() (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOwes: a report is owed for a year only when the treaty was in force
// for the state on its first day.
func TestOwes(t *testing.T) {
	p := Party{Force: time.Date(2020, 10, 27, 0, 0, 0, 0, time.UTC)}
	for y, want := range map[int]bool{2020: false, 2021: true} {
		if got := p.owes(y); got != want {
			t.Errorf("owes(%d) = %v, want %v", y, got, want)
		}
	}
	if !(Party{Force: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)}).owes(2021) {
		t.Errorf("owes(2021) for a party from 1 January 2021 = false, want true")
	}
}
