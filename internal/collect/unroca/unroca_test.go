package unroca

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
)

// mirrorDir is the bundled mirror's folder of the register.
var mirrorDir = filepath.Join("..", "..", "mirror", "files", "www.unroca.org")

// sampleDocs returns the bundled mirror's answers keyed by their URLs.
func sampleDocs(t testing.TB) map[string][]byte {
	t.Helper()
	docs := map[string][]byte{}
	err := filepath.WalkDir(mirrorDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(mirrorDir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		docs["https://www.unroca.org/"+strings.TrimSuffix(filepath.ToSlash(rel), "index.html")] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// sampleSlugs are the mirror's states in the list's order.
var sampleSlugs = []string{"austria", "bolivarian-republic-of-venezuela", "cote-divoire", "guinea-bissau",
	"republic-of-korea", "saudi-arabia", "switzerland", "united-states"}

func profileURL(slug string) string { return "https://www.unroca.org/api/" + slug + "/" }

func mirrorSource() collect.Source {
	return collect.Source{
		Name:      "unroca",
		Dataset:   dataset.CBMReports.Name,
		Collector: "unroca",
		URLs:      []string{CountryListURL},
	}
}

// cell returns the text of a row's field by name.
func cell(t *dataset.Table, i int, name string) string { return t.Text(i, t.Schema.Index(name)) }

func TestCollectSample(t *testing.T) {
	f := &collecttest.MapFetcher{Docs: sampleDocs(t)}
	ctx, warnings := collect.WithWarnings(context.Background())
	tab, err := new(Collector).Collect(ctx, f, mirrorSource())
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	if err := dataset.Validate(tab); err != nil {
		t.Fatalf("Collect() table does not validate: %v", err)
	}
	want := []string{CountryListURL}
	for _, s := range sampleSlugs {
		want = append(want, profileURL(s))
	}
	if diff := cmp.Diff(want, f.Fetched()); diff != "" {
		t.Errorf("Collect() fetched (-want +got):\n%s", diff)
	}
	// Eight states, 1992 to 2023 (the latest year any of them reported).
	if tab.Len() != 8*32 {
		t.Errorf("Collect() = %d rows, want %d", tab.Len(), 8*32)
	}
	if w := warnings.List(); len(w) != 0 {
		t.Errorf("Collect() warnings = %q, want none", w)
	}
	byKey := map[string]int{}
	submitted := map[string]int{}
	for i := range tab.Len() {
		byKey[cell(tab, i, "country_iso3")+"/"+cell(tab, i, "year")] = i
		if cell(tab, i, "report_kind") == dataset.ReportSubmitted {
			submitted[cell(tab, i, "country_iso3")]++
		}
		if cell(tab, i, "instrument") != dataset.InstrumentUNROCA {
			t.Errorf("row %d: instrument %q", i, cell(tab, i, "instrument"))
		}
	}
	for key, want := range map[string][2]string{
		"AUT/2019": {dataset.ReportSubmitted, "https://www.unroca.org/austria/report/2019/"},
		"AUT/2017": {dataset.ReportNone, "https://www.unroca.org/austria/"},
		"CIV/2009": {dataset.ReportSubmitted, "https://www.unroca.org/cote-divoire/report/2009/"},
		"GNB/1992": {dataset.ReportNone, "https://www.unroca.org/guinea-bissau/"},
		"VEN/2004": {dataset.ReportSubmitted, "https://www.unroca.org/bolivarian-republic-of-venezuela/report/2004/"},
		"KOR/2023": {dataset.ReportSubmitted, "https://www.unroca.org/republic-of-korea/report/2023/"},
		"CHE/2023": {dataset.ReportNone, "https://www.unroca.org/switzerland/"},
	} {
		i, ok := byKey[key]
		if !ok {
			t.Errorf("Collect() has no row %s", key)
			continue
		}
		if got := [2]string{cell(tab, i, "report_kind"), cell(tab, i, "link")}; got != want {
			t.Errorf("Collect() row %s = %q, want %q", key, got, want)
		}
	}
	if diff := cmp.Diff(map[string]int{"AUT": 29, "VEN": 8, "CIV": 2, "KOR": 32, "CHE": 31, "USA": 32}, submitted); diff != "" {
		t.Errorf("Collect() submitted years per state (-want +got):\n%s", diff)
	}
	if _, ok := byKey["USA/1991"]; ok {
		t.Errorf("Collect() has a row before 1992")
	}
}

func TestCollectUnchanged(t *testing.T) {
	docs := sampleDocs(t)
	all := map[string]bool{CountryListURL: true}
	junk := map[string][]byte{CountryListURL: docs[CountryListURL]}
	errs := map[string]error{}
	for _, s := range sampleSlugs {
		all[profileURL(s)] = true
		junk[profileURL(s)] = []byte("<html>archived</html>")
		errs[profileURL(s)] = fmt.Errorf("get: %w", collect.ErrNotModified)
	}
	tests := []struct {
		name string
		f    *collecttest.MapFetcher
	}{
		{"archive answers 304", &collecttest.MapFetcher{Docs: junk, NotModified: all}},
		{"fetcher without archive for the profiles", &collecttest.MapFetcher{Docs: junk, NotModified: map[string]bool{CountryListURL: true}, Errs: errs}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := new(Collector).Collect(context.Background(), tt.f, mirrorSource())
			if !errors.Is(err, collect.ErrUnchanged) || tab != nil {
				t.Errorf("Collect() = %v, %v; want nil, ErrUnchanged", tab, err)
			}
		})
	}
}

func TestCollectPartlyUnchanged(t *testing.T) {
	docs := sampleDocs(t)
	fresh, err := new(Collector).Collect(context.Background(), &collecttest.MapFetcher{Docs: docs}, mirrorSource())
	if err != nil {
		t.Fatal(err)
	}
	nm := map[string]bool{CountryListURL: true}
	for _, s := range sampleSlugs[:7] {
		nm[profileURL(s)] = true
	}
	got, err := new(Collector).Collect(context.Background(), &collecttest.MapFetcher{Docs: docs, NotModified: nm}, mirrorSource())
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	if diff := cmp.Diff(collecttest.Rows(fresh), collecttest.Rows(got)); diff != "" {
		t.Errorf("Collect() partly unchanged rows mismatch (-fresh +got):\n%s", diff)
	}

	f := &collecttest.MapFetcher{Docs: docs, Errs: map[string]error{profileURL("austria"): collect.ErrNotModified}}
	tab, err := new(Collector).Collect(context.Background(), f, mirrorSource())
	if !errors.Is(err, collect.ErrNotModified) || errors.Is(err, collect.ErrUnchanged) || tab != nil {
		t.Errorf("Collect() without an archived body = %v, %v; want nil, an error wrapping ErrNotModified", tab, err)
	}

	f = &collecttest.MapFetcher{Docs: docs, Errs: map[string]error{CountryListURL: collect.ErrNotModified}}
	tab, err = new(Collector).Collect(context.Background(), f, mirrorSource())
	if !errors.Is(err, collect.ErrNotModified) || errors.Is(err, collect.ErrUnchanged) || tab != nil {
		t.Errorf("Collect() without the list's body = %v, %v; want nil, an error wrapping ErrNotModified", tab, err)
	}

	// An unchanged profile that cannot be read is an error as soon as a
	// changed document turns up.
	junk := sampleDocs(t)
	junk[profileURL("austria")] = []byte("<html>archived</html>")
	f = &collecttest.MapFetcher{Docs: junk, NotModified: map[string]bool{CountryListURL: true, profileURL("austria"): true}}
	tab, err = new(Collector).Collect(context.Background(), f, mirrorSource())
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), profileURL("austria")) || tab != nil {
		t.Errorf("Collect() with an unreadable unchanged profile = %v, %v; want nil, an error wrapping ErrFormat naming it", tab, err)
	}
}

func TestCollectErrors(t *testing.T) {
	with := func(u, body string) map[string][]byte {
		d := sampleDocs(t)
		d[u] = []byte(body)
		return d
	}
	docs := sampleDocs(t)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		options map[string]any
		urls    []string
		f       *collecttest.MapFetcher
		want    error // nil: any error
	}{
		{"list is an error page", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: with(CountryListURL, "<html><body>Maintenance</body></html>")}, ErrFormat},
		{"empty list", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: with(CountryListURL, "[]")}, ErrFormat},
		{"unknown state", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: with(CountryListURL, `[{"name_en": "Atlantis", "countryname_slug": "atlantis"}]`)}, ErrCountry},
		{"one state twice", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: with(CountryListURL,
			`[{"name_en": "Austria", "countryname_slug": "austria", "iso_2_acronym": "AT"}, {"name_en": "Österreich", "countryname_slug": "oesterreich", "iso_2_acronym": "AT"}]`)}, ErrFormat},
		{"profile of another state", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: with(profileURL("cote-divoire"), string(docs[profileURL("austria")]))}, ErrFormat},
		{"profile without reports", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: with(profileURL("switzerland"), `{"country": {"countryname_slug": "switzerland"}}`)}, ErrFormat},
		{"profile missing", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: docs, Errs: map[string]error{profileURL("guinea-bissau"): &collect.StatusError{URL: profileURL("guinea-bissau"), Code: 404}}}, nil},
		{"list down", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: docs, Errs: map[string]error{CountryListURL: &collect.StatusError{URL: CountryListURL, Code: 503}}}, nil},
		{"robots", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: docs, Errs: map[string]error{profileURL("austria"): collect.ErrRobots}}, collect.ErrRobots},
		{"no state reported and no last year", context.Background(), nil, nil, &collecttest.MapFetcher{Docs: with(CountryListURL, `[{"name_en": "Saudi Arabia", "countryname_slug": "saudi-arabia", "iso_2_acronym": "SA"}]`)}, ErrFormat},
		{"unknown option", context.Background(), map[string]any{"states": []any{"AUT"}}, nil, &collecttest.MapFetcher{Docs: docs}, ErrConfig},
		{"years reversed", context.Background(), map[string]any{"first_year": int64(2000), "last_year": int64(1999)}, nil, &collecttest.MapFetcher{Docs: docs}, ErrConfig},
		{"year not whole", context.Background(), map[string]any{"last_year": "2023"}, nil, &collecttest.MapFetcher{Docs: docs}, ErrConfig},
		{"not the country list", context.Background(), nil, []string{"https://www.unroca.org/api/austria/"}, &collecttest.MapFetcher{Docs: docs}, nil},
		{"two urls", context.Background(), nil, []string{CountryListURL, CountryListURL}, &collecttest.MapFetcher{Docs: docs}, nil},
		{"cancelled", cancelled, nil, nil, &collecttest.MapFetcher{Docs: docs}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := mirrorSource()
			src.Options = tt.options
			if tt.urls != nil {
				src.URLs = tt.urls
			}
			tab, err := new(Collector).Collect(tt.ctx, tt.f, src)
			if tab != nil || err == nil {
				t.Fatalf("Collect() = %v, %v; want nil and an error", tab, err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Collect() error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCollectYears(t *testing.T) {
	src := mirrorSource()
	src.Options = map[string]any{"first_year": int64(2000), "last_year": int64(2020)}
	ctx, warnings := collect.WithWarnings(context.Background())
	tab, err := new(Collector).Collect(ctx, &collecttest.MapFetcher{Docs: sampleDocs(t)}, src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	if tab.Len() != 8*21 {
		t.Errorf("Collect() = %d rows, want %d", tab.Len(), 8*21)
	}
	w := strings.Join(warnings.List(), "\n")
	for _, want := range []string{"austria lists reports for 2023, 2022, 2021, 1999", "united-states lists reports for 2023, 2022, 2021, 1999"} {
		if !strings.Contains(w, want) {
			t.Errorf("Collect() warnings = %q, want one saying %q", w, want)
		}
	}

	// A register where nobody reported yet publishes only with last_year.
	none := `[{"name_en": "Saudi Arabia", "countryname_slug": "saudi-arabia", "iso_2_acronym": "SA"}]`
	docs := sampleDocs(t)
	docs[CountryListURL] = []byte(none)
	src.Options = map[string]any{"last_year": int64(1993)}
	tab, err = new(Collector).Collect(context.Background(), &collecttest.MapFetcher{Docs: docs}, src)
	if err != nil || tab.Len() != 2 || cell(tab, 1, "report_kind") != dataset.ReportNone {
		t.Errorf("Collect(nobody reported, last_year 1993) = %v rows, %v; want 2 rows of no report", tab, err)
	}
}

func TestCollectPaginated(t *testing.T) {
	page2 := CountryListURL + "?page=2"
	page3 := CountryListURL + "?page=3"
	docs := sampleDocs(t)
	docs[CountryListURL] = []byte(`{"count": 3, "next": "?page=2", "previous": null, "results": [{"name_en": "Austria", "countryname_slug": "austria", "iso_2_acronym": "AT"}]}`)
	docs[page2] = []byte(`{"count": 3, "next": "` + page3 + `", "results": [{"name_en": "Switzerland", "countryname_slug": "switzerland", "iso_2_acronym": "CH"}]}`)
	docs[page3] = []byte(`{"count": 3, "next": null, "results": [{"name_en": "Saudi Arabia", "countryname_slug": "saudi-arabia", "iso_2_acronym": "SA"}]}`)
	f := &collecttest.MapFetcher{Docs: docs}
	tab, err := new(Collector).Collect(context.Background(), f, mirrorSource())
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	want := []string{CountryListURL, page2, page3, profileURL("austria"), profileURL("switzerland"), profileURL("saudi-arabia")}
	if diff := cmp.Diff(want, f.Fetched()); diff != "" {
		t.Errorf("Collect() fetched (-want +got):\n%s", diff)
	}
	if tab.Len() != 3*32 {
		t.Errorf("Collect() = %d rows, want %d", tab.Len(), 3*32)
	}

	src := mirrorSource()
	src.Options = map[string]any{"max_pages": int64(2)}
	tab, err = new(Collector).Collect(context.Background(), &collecttest.MapFetcher{Docs: docs}, src)
	if !errors.Is(err, ErrPageCap) || tab != nil {
		t.Errorf("Collect(max_pages 2) = %v, %v; want nil, an error wrapping ErrPageCap", tab, err)
	}
}

// TestCollectMirrorFolder reads the mirror's folder on disk, as a folder
// saved by hand with wget -x and named by mirror in [fetch] is read.
func TestCollectMirrorFolder(t *testing.T) {
	src := mirrorSource()
	f := collecttest.Fetcher(t, src, os.DirFS(filepath.Join("..", "..", "mirror", "files")))
	tab, err := new(Collector).Collect(context.Background(), f, src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	if tab.Len() != 8*32 {
		t.Errorf("Collect() = %d rows, want %d", tab.Len(), 8*32)
	}
	if got, want := cell(tab, 0, "link"), "https://www.unroca.org/austria/report/1992/"; got != want {
		t.Errorf("Collect() first link = %q, want %q", got, want)
	}

	src.URLs = []string{"file:///data/www.unroca.org/api/country-list/index.html"}
	tab, err = new(Collector).Collect(context.Background(), f, src)
	if err == nil || tab != nil || !strings.Contains(err.Error(), "mirror") {
		t.Errorf("Collect(file:// list) = %v, %v; want an error pointing to the mirror setting", tab, err)
	}
}

func TestReportURL(t *testing.T) {
	if got, want := ReportURL("austria", 2019), "https://www.unroca.org/austria/report/2019/"; got != want {
		t.Errorf("ReportURL(austria, 2019) = %q, want %q", got, want)
	}
}
