package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/dataset"
)

// parseHTML reads a page of the built site.
func parseHTML(tb testing.TB, public, name string) *goquery.Document {
	tb.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(readFile(tb, public, name)))
	if err != nil {
		tb.Fatalf("parse %s: %v", name, err)
	}
	return doc
}

// htmlPages lists the HTML files of a built site.
func htmlPages(tb testing.TB, public string) []string {
	tb.Helper()
	var pages []string
	err := filepath.WalkDir(public, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasSuffix(path, ".html") {
			rel, _ := filepath.Rel(public, path)
			pages = append(pages, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return pages
}

// figureCell finds the table cell of a record on its country page.
func figureCell(tb testing.TB, doc *goquery.Document, r dataset.Expenditure) *goquery.Selection {
	tb.Helper()
	table := doc.Find("#figures-" + r.Source + "-table")
	if table.Length() != 1 {
		tb.Fatalf("%s: no table for source %s", r.Country, r.Source)
	}
	col := -1
	table.Find("thead th").Each(func(i int, th *goquery.Selection) {
		if strings.HasPrefix(th.Text(), englishWords(tb).measureLabel(r.Measure)) {
			col = i
		}
	})
	if col < 0 {
		tb.Fatalf("%s %s: no column for %s", r.Country, r.Source, r.Measure)
	}
	var cell *goquery.Selection
	table.Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
		if tr.Find("th").Text() == fmt.Sprint(r.Year) {
			cell = tr.Children().Eq(col)
		}
	})
	if cell == nil || cell.Length() == 0 {
		tb.Fatalf("%s %s: no row for %d", r.Country, r.Source, r.Year)
	}
	return cell
}

func TestGenerate(t *testing.T) {
	in := testInput(t, true)
	project, public := build(t, in)
	recs := testRecords()

	t.Run("pages", func(t *testing.T) {
		for _, name := range []string{
			"index.html", "404.html", "sitemap.xml", "robots.txt", "catalog.json",
			"countries/index.html", "countries/deu/index.html", "countries/sun/index.html", "countries/civ/index.html",
			"datasets/index.html", "datasets/military-expenditure/index.html", "sources/index.html",
			"datasets/military-expenditure/military-expenditure.csv",
			"datasets/military-expenditure/military-expenditure.parquet",
			"datasets/military-expenditure/military-expenditure.zstd.parquet",
			"datasets/military-expenditure/datapackage.json",
		} {
			if _, err := os.Stat(filepath.Join(public, filepath.FromSlash(name))); err != nil {
				t.Errorf("built site: %v", err)
			}
		}
	})

	t.Run("every page", func(t *testing.T) {
		for _, name := range htmlPages(t, public) {
			doc := parseHTML(t, public, name)
			if lang, _ := doc.Find("html").Attr("lang"); lang != "en" {
				t.Errorf("%s: html lang = %q, want en", name, lang)
			}
			if doc.Find(`meta[name="viewport"]`).Length() != 1 {
				t.Errorf("%s: no viewport meta", name)
			}
			if n := doc.Find("h1").Length(); n != 1 {
				t.Errorf("%s: %d h1 elements, want 1", name, n)
			}
			if doc.Find(`a.skip[href="#main"]`).Length() != 1 || doc.Find("main#main").Length() != 1 {
				t.Errorf("%s: no skip link to main", name)
			}
			banner := doc.Find("#sample-banner").Text()
			if want := "Sample data: built from the bundled offline mirror, not the publishers' live files. Do not cite."; banner != want {
				t.Errorf("%s: sample banner = %q, want %q", name, banner, want)
			}
			// The only scripts are the site's own (the search box's, the
			// compare page's), which the pages work without.
			doc.Find("script:not([type='application/ld+json'])").Each(func(_ int, s *goquery.Selection) {
				if src, _ := s.Attr("src"); !siteScript.MatchString(src) || strings.TrimSpace(s.Text()) != "" {
					t.Errorf("%s: has a script %q %q", name, src, s.Text())
				}
			})
		}
	})

	t.Run("figures", func(t *testing.T) {
		docs := map[string]*goquery.Document{}
		for _, r := range recs {
			if r.Aggregate {
				continue // no country page; TestAggregates checks where it is
			}
			doc := docs[r.Country]
			if doc == nil {
				doc = parseHTML(t, public, "countries/"+strings.ToLower(r.Country)+"/index.html")
				docs[r.Country] = doc
			}
			cell := figureCell(t, doc, r)
			data := cell.Find("data")
			if r.HasValue {
				got, _ := data.Attr("value")
				if want := exact(r.Value); got != want {
					t.Errorf("%s %d %s %s: data value = %q, want %q", r.Country, r.Year, r.Measure, r.Source, got, want)
				}
			} else {
				if data.Length() != 0 {
					t.Errorf("%s %d %s: missing figure has a data element", r.Country, r.Year, r.Measure)
				}
				if got, want := cell.Find(".missing").Text(), englishWords(t).missingText(r.Missing); got != want {
					t.Errorf("%s %d %s: missing cell says %q, want %q", r.Country, r.Year, r.Measure, got, want)
				}
			}
			marks := cell.Find("sup.mark").Text()
			if got, want := strings.Contains(marks, "e"), r.Estimate; got != want || cell.HasClass("est") != want {
				t.Errorf("%s %d %s: estimate mark %v (class %v), want %v", r.Country, r.Year, r.Measure, got, cell.HasClass("est"), want)
			}
			if got, want := strings.Contains(marks, "u"), r.Uncertain; got != want || cell.HasClass("unc") != want {
				t.Errorf("%s %d %s: uncertain mark %v, want %v", r.Country, r.Year, r.Measure, got, want)
			}
			if got := cell.Find(".notes").Text(); got != r.Notes {
				t.Errorf("%s %d %s: notes %q, want %q", r.Country, r.Year, r.Measure, got, r.Notes)
			}
		}
		deu := docs["DEU"]
		for _, tt := range []struct {
			r    dataset.Expenditure
			text string
		}{
			{recs[0], "49,012"}, // US$ m, rounded to millions
			{recs[4], "1.3%"},   // SIPRI published the fraction 0.0134
			{recs[5], "3.5%"},   // 0.0345: 3.45 rounds up
			{recs[8], "43.1"},   // 43.143085155943012
			{recs[9], "49,013"}, // World Bank US$ 49,012,500,000.75, in US$ m
			{recs[12], "1.4%"},  // World Bank percent 1.3956
			{recs[6], "43,781"}, // local currency
		} {
			if got := figureCell(t, deu, tt.r).Find("data").Text(); got != tt.text {
				t.Errorf("DEU %d %s %s shown as %q, want %q", tt.r.Year, tt.r.Measure, tt.r.Source, got, tt.text)
			}
		}
		if got := deu.Find("#figures-sipri-table thead").Text(); !strings.Contains(got, "Euro") || !strings.Contains(got, "(Jan-Dec)") {
			t.Errorf("DEU local-currency header %q lacks the currency or financial year", got)
		}
		if got := figureCell(t, deu, recs[5]).Find(".fn").Text(); got != "[4]" {
			t.Errorf("DEU footnote shown as %q, want [4]", got)
		}
		legend := deu.Find(".legend").Text()
		for _, want := range []string{"estimates by the source", "highly uncertain", "adopted budget", "redenominated", "footnotes", "not available", "did not exist"} {
			if !strings.Contains(legend, want) {
				t.Errorf("DEU legend lacks %q: %s", want, legend)
			}
		}
	})

	t.Run("charts", func(t *testing.T) {
		deu := parseHTML(t, public, "countries/deu/index.html")
		svgs := deu.Find("figure.chart svg")
		if svgs.Length() != 2 {
			t.Fatalf("DEU has %d charts, want 2", svgs.Length())
		}
		svgs.Each(func(_ int, s *goquery.Selection) {
			label, _ := s.Attr("aria-label")
			role, _ := s.Attr("role")
			vb, _ := s.Attr("viewBox")
			_, hasWidth := s.Attr("width")
			if role != "img" || label == "" || s.Find("title").Text() != label || s.Find("desc").Text() == "" || vb == "" || hasWidth {
				t.Errorf("chart %q: role %q, viewBox %q, width set %v, title %q, desc %q",
					label, role, vb, hasWidth, s.Find("title").Text(), s.Find("desc").Text())
			}
		})
		usd := deu.Find("#chart-usd svg")
		if !strings.Contains(usd.Find("desc").Text(), "Hollow circles mark estimates") || !strings.Contains(usd.Text(), "highly uncertain") {
			t.Errorf("US$ chart does not explain its marks: %s", usd.Text())
		}
		// Both sources' current US$ are in US$ m: the World Bank's line is
		// drawn beside SIPRI's, on one axis.
		if got := usd.Find("title").Text(); !strings.Contains(usd.Text(), "World Bank") || !strings.Contains(usd.Text(), "SIPRI") {
			t.Errorf("US$ chart %q does not draw both sources: %s", got, usd.Text())
		}
		sun := parseHTML(t, public, "countries/sun/index.html")
		if got := sun.Find(".former-state").Text(); !strings.Contains(got, "former state") || !strings.Contains(got, "1922–1991") {
			t.Errorf("Soviet Union page says %q, want it labelled a former state of 1922–1991", got)
		}
		if got := sun.Find("h1").Text(); got != "Soviet Union" {
			t.Errorf("SUN page h1 = %q, want the registry's name", got)
		}
		if sun.Find("#chart-gdp").Length() != 0 || !strings.Contains(sun.Find(".nochart").Text(), "share of GDP") {
			t.Errorf("Soviet Union has no GDP figure, yet no note says so")
		}
	})

	t.Run("downloads", func(t *testing.T) {
		tbl := in.Datasets[0].Table
		var want bytes.Buffer
		if err := dataset.WriteCSV(&want, tbl); err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, public, "datasets/military-expenditure/military-expenditure.csv"); got != want.String() {
			t.Errorf("CSV download differs from WriteCSV:\n%s", cmp.Diff(want.String(), got))
		}
		pq, err := os.ReadFile(in.Datasets[0].ParquetPath)
		if err != nil {
			t.Fatal(err)
		}
		if got := readFile(t, public, "datasets/military-expenditure/military-expenditure.parquet"); got != string(pq) {
			t.Errorf("Parquet download is not the published file")
		}
		z, err := dataset.ReadParquetFile(filepath.Join(public, "datasets/military-expenditure/military-expenditure.zstd.parquet"), dataset.ExpenditureSchema)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(dataset.Expenditures(tbl), dataset.Expenditures(z)); diff != "" {
			t.Errorf("zstd Parquet rows differ (-want +got):\n%s", diff)
		}
		desc, err := dataset.ReadDescriptor(filepath.Join(public, "datasets/military-expenditure/datapackage.json"))
		if err != nil {
			t.Fatal(err)
		}
		if !desc.Sample {
			t.Errorf("descriptor lost its sample flag")
		}
		doc := parseHTML(t, public, "datasets/military-expenditure/index.html")
		for _, file := range []string{"military-expenditure.csv", "military-expenditure.parquet", "military-expenditure.zstd.parquet"} {
			b := []byte(readFile(t, public, "datasets/military-expenditure/"+file))
			var res *dataset.Resource
			for i := range desc.Resources {
				if desc.Resources[i].Path == file {
					res = &desc.Resources[i]
				}
			}
			sum := sha256.Sum256(b)
			hash := hex.EncodeToString(sum[:])
			if res == nil || res.Hash != "sha256:"+hash || res.Bytes != int64(len(b)) {
				t.Errorf("descriptor resource %s = %+v, want hash %s and %d bytes", file, res, hash, len(b))
			}
			link := doc.Find(fmt.Sprintf(`a[href$="/%s"]`, file))
			if link.Length() != 1 {
				t.Errorf("dataset page has %d links to %s, want 1", link.Length(), file)
				continue
			}
			li := link.Parent().Text()
			if !strings.Contains(li, hash) || !strings.Contains(li, byteSize(int64(len(b)))) {
				t.Errorf("download %s: %q lacks its size or SHA-256", file, li)
			}
		}
	})

	t.Run("dataset page", func(t *testing.T) {
		doc := parseHTML(t, public, "datasets/military-expenditure/index.html")
		rows := doc.Find("table.schema tbody tr")
		if rows.Length() != len(dataset.ExpenditureSchema.Fields) {
			t.Errorf("schema table has %d rows, want %d", rows.Length(), len(dataset.ExpenditureSchema.Fields))
		}
		var keys []string
		rows.Each(func(_ int, tr *goquery.Selection) {
			if tr.Find("span.key").Length() > 0 {
				keys = append(keys, tr.Find("code").First().Text())
			}
		})
		if diff := cmp.Diff(dataset.ExpenditureSchema.PrimaryKey, keys); diff != "" {
			t.Errorf("fields marked key (-want +got):\n%s", diff)
		}
		cite := doc.Find("blockquote.citation").Text()
		for _, want := range []string{dataset.MilitaryExpenditure.Title, "version 2026-04-28 (2026-04-28)",
			// The sources are separate sentences, as in the dataset's README.
			"Published with publish, from: SIPRI Military Expenditure Database, Stockholm International Peace Research Institute. World Bank, World Development Indicators."} {
			if !strings.Contains(cite, want) {
				t.Errorf("citation %q lacks %q", cite, want)
			}
		}
		var ld map[string]any
		if err := json.Unmarshal([]byte(doc.Find(`script[type="application/ld+json"]`).Text()), &ld); err != nil {
			t.Fatalf("JSON-LD: %v", err)
		}
		if ld["@type"] != "Dataset" || ld["version"] != "2026-04-28" || ld["temporalCoverage"] != "1990/2023" || ld["license"] == nil {
			t.Errorf("JSON-LD = %v", ld)
		}
		dist, _ := ld["distribution"].([]any)
		if len(dist) != 4 {
			t.Fatalf("JSON-LD has %d distributions, want 4", len(dist))
		}
		if d := dist[0].(map[string]any); d["contentUrl"] != "military-expenditure.csv" || d["encodingFormat"] != "text/csv" {
			t.Errorf("JSON-LD CSV distribution = %v", d)
		}
		var cat map[string]any
		if err := json.Unmarshal([]byte(readFile(t, public, "catalog.json")), &cat); err != nil {
			t.Fatalf("catalog.json: %v", err)
		}
		ds := cat["dcat:dataset"].([]any)[0].(map[string]any)
		dl := ds["dcat:distribution"].([]any)[0].(map[string]any)["dcat:downloadURL"].(map[string]any)["@id"]
		if dl != "datasets/military-expenditure/military-expenditure.csv" {
			t.Errorf("catalog CSV URL = %v", dl)
		}
	})

	t.Run("failed source", func(t *testing.T) {
		want := "SIPRI could not be collected on 28 April 2026: fetch https://www.sipri.org/databases/milex: 503 Service Unavailable. The figures shown are the last good version from 20 April 2026."
		for _, name := range []string{"index.html", "datasets/military-expenditure/index.html", "sources/index.html"} {
			if got := parseHTML(t, public, name).Find(".notice").First().Text(); got != want {
				t.Errorf("%s: notice = %q, want %q", name, got, want)
			}
		}
		src := parseHTML(t, public, "sources/index.html")
		if got := src.Find("#source-sipri .badge").Text(); got != "Failed" {
			t.Errorf("SIPRI status = %q, want Failed", got)
		}
		if got := src.Find("#source-worldbank .badge").Text(); got != "Collected" {
			t.Errorf("World Bank status = %q", got)
		}
		if src.Find(`#source-worldbank a[href="https://creativecommons.org/licenses/by/4.0/"]`).Length() != 1 {
			t.Errorf("World Bank licence is not linked")
		}
	})

	t.Run("home", func(t *testing.T) {
		doc := parseHTML(t, public, "index.html")
		var names []string
		doc.Find("ul.countries a").Each(func(_ int, a *goquery.Selection) { names = append(names, a.Text()) })
		if diff := cmp.Diff([]string{"Côte d'Ivoire", "Germany", "Soviet Union"}, names); diff != "" {
			t.Errorf("countries on the home page (-want +got):\n%s", diff)
		}
		if href, _ := doc.Find(`ul.countries a`).Eq(1).Attr("href"); href != "./countries/deu/index.html" {
			t.Errorf("link to Germany = %q, want a relative link to its index.html", href)
		}
		if got := doc.Find("ul.datasets li").Text(); !strings.Contains(got, "20 rows") || !strings.Contains(got, "version 2026-04-28") {
			t.Errorf("home lists the dataset as %q", got)
		}
		sitemap := readFile(t, public, "sitemap.xml")
		if !strings.Contains(sitemap, "/countries/deu/") || !strings.Contains(sitemap, "<lastmod>2026-04-28T06:30:00") {
			t.Errorf("sitemap lacks the country pages or their dates:\n%s", sitemap)
		}
	})

	t.Run("project", func(t *testing.T) {
		if _, err := os.Stat(filepath.Join(project, ".hugo_build.lock")); err == nil {
			t.Errorf("the build left a lock file in the project")
		}
	})
}

func TestGenerateNotSample(t *testing.T) {
	in := testInput(t, false)
	in.BaseURL = "https://data.example.org/milex"
	in.Sources[0].Status = dataset.SourceOK
	in.Sources[0].Error = ""
	_, public := build(t, in)
	for _, name := range htmlPages(t, public) {
		doc := parseHTML(t, public, name)
		if doc.Find("#sample-banner").Length() != 0 || strings.Contains(doc.Text(), "Do not cite") {
			t.Errorf("%s: sample banner on live data", name)
		}
		if doc.Find(".notice").Length() != 0 {
			t.Errorf("%s: failure notice without a failed source: %s", name, doc.Find(".notice").Text())
		}
	}
	doc := parseHTML(t, public, "countries/deu/index.html")
	if href, _ := doc.Find(`link[rel="canonical"]`).Attr("href"); href != "https://data.example.org/milex/countries/deu/" {
		t.Errorf("canonical = %q", href)
	}
	if href, _ := doc.Find(`nav a`).First().Attr("href"); href != "/milex/countries/" {
		t.Errorf("nav link = %q, want a path under the base URL", href)
	}
	if got := readFile(t, public, "robots.txt"); !strings.Contains(got, "Sitemap: https://data.example.org/milex/sitemap.xml") {
		t.Errorf("robots.txt does not name the sitemap:\n%s", got)
	}
	if got := readFile(t, public, "sitemap.xml"); !strings.Contains(got, "<loc>https://data.example.org/milex/countries/deu/</loc>") {
		t.Errorf("sitemap lacks absolute URLs:\n%s", got)
	}
	ds := parseHTML(t, public, "datasets/military-expenditure/index.html")
	if got := ds.Find("blockquote.citation").Text(); !strings.Contains(got, "https://data.example.org/milex/datasets/military-expenditure/") {
		t.Errorf("citation %q lacks the dataset's URL", got)
	}
	if !strings.Contains(ds.Find(`script[type="application/ld+json"]`).Text(), `"contentUrl":"https://data.example.org/milex/datasets/military-expenditure/military-expenditure.csv"`) {
		t.Errorf("JSON-LD download URL is not absolute")
	}
}

func TestGenerateDirectory(t *testing.T) {
	in := testInput(t, false)
	t.Run("foreign directory", func(t *testing.T) {
		dir := t.TempDir()
		keep := filepath.Join(dir, "notes.txt")
		if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := Generate(dir, in); !errors.Is(err, ErrNotBuildDir) {
			t.Errorf("Generate(non-empty dir) = %v, want ErrNotBuildDir", err)
		}
		if _, err := os.Stat(keep); err != nil {
			t.Errorf("Generate removed a file it did not make: %v", err)
		}
	})
	t.Run("again", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "build")
		if err := Generate(dir, in); err != nil {
			t.Fatal(err)
		}
		stale := filepath.Join(dir, "content", "countries", "xxx.md")
		if err := os.WriteFile(stale, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := Generate(dir, in); err != nil {
			t.Fatalf("Generate into its own directory: %v", err)
		}
		if _, err := os.Stat(stale); err == nil {
			t.Errorf("Generate kept a stale page")
		}
	})
	t.Run("bad input", func(t *testing.T) {
		for _, tt := range []struct {
			name string
			edit func(*Input)
		}{
			{"base URL", func(in *Input) { in.BaseURL = "javascript:alert(1)" }},
			{"dataset name", func(in *Input) {
				def := *in.Datasets[0].Definition
				def.Name = "../x"
				in.Datasets[0].Definition = &def
			}},
			{"country code", func(in *Input) {
				recs := testRecords()
				recs[0].Country = "../../x"
				tbl := dataset.ExpenditureTable(recs)
				tbl.SortByKey()
				in.Datasets[0].Table = tbl
			}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				in := testInput(t, false)
				tt.edit(in)
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
	})
	t.Run("rows from the file", func(t *testing.T) {
		in := testInput(t, false)
		want := in.Datasets[0].Table
		in.Datasets[0].Table = nil
		dir := t.TempDir()
		if err := Generate(dir, in); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "static/datasets/military-expenditure/military-expenditure.csv"))
		if err != nil {
			t.Fatal(err)
		}
		var csv bytes.Buffer
		if err := dataset.WriteCSV(&csv, want); err != nil {
			t.Fatal(err)
		}
		if string(b) != csv.String() {
			t.Errorf("CSV made from the Parquet file differs from the table's")
		}
	})
}

// TestGenerateOverLastProject checks that a project written over the
// last one holds what a project written afresh holds, file for file and
// folder for folder, whatever the last one held; and that writing over it
// never writes through a link into the site cache.
func TestGenerateOverLastProject(t *testing.T) {
	full, small := familiesInput(t), testInput(t, false)
	dir := filepath.Join(t.TempDir(), "build")
	for i, in := range []*Input{full, small, full} {
		if err := Generate(dir, in); err != nil {
			t.Fatal(err)
		}
		fresh := filepath.Join(t.TempDir(), "build")
		if err := Generate(fresh, in); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(projectTree(t, fresh), projectTree(t, dir)); diff != "" {
			t.Errorf("build %d: the project written over the last differs from one written afresh (-fresh +over):\n%s", i, diff)
		}
	}
	// Every cache entry still holds the bytes its .sha256 file names.
	var sums []string
	err := filepath.WalkDir(full.CacheDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".sha256") {
			sums = append(sums, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) == 0 {
		t.Fatal("no cache entry to check")
	}
	for _, meta := range sums {
		m, err := os.ReadFile(meta)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(strings.TrimSuffix(meta, ".sha256"))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if want := fmt.Sprintf("%d %s\n", len(b), hex.EncodeToString(sum[:])); string(m) != want {
			t.Errorf("cache entry %s holds other bytes than it was made with", meta)
		}
	}
}

// projectTree maps every file and folder under dir, by its path from dir,
// to its bytes ("/" for a folder).
func projectTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	tree := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			tree[rel] = "/"
			return nil
		}
		b, err := os.ReadFile(p)
		tree[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// TestRebuild checks that a second build into the same directories leaves
// no page of the first: a country that lost its rows loses its page.
func TestRebuild(t *testing.T) {
	in := testInput(t, false)
	project, public := build(t, in)
	if _, err := os.Stat(filepath.Join(public, "countries", "civ", "index.html")); err != nil {
		t.Fatal(err)
	}
	recs := testRecords()
	var kept []dataset.Expenditure
	for _, r := range recs {
		if r.Country != "CIV" {
			kept = append(kept, r)
		}
	}
	tbl := dataset.ExpenditureTable(kept)
	tbl.SortByKey()
	in.Datasets[0].Table = tbl
	in.Datasets[0].ParquetPath = ""
	if err := Generate(project, in); err != nil {
		t.Fatal(err)
	}
	runHugo(t, project, public)
	if _, err := os.Stat(filepath.Join(public, "countries", "civ", "index.html")); err == nil {
		t.Errorf("the page of a country without rows survived the rebuild")
	}
	if strings.Contains(readFile(t, public, "index.html"), "Ivoire") {
		t.Errorf("the home page still lists a country without rows")
	}
}

// Aggregates are published in the downloads but never shown, counted or
// listed as countries.
func TestAggregatesAreNotCountries(t *testing.T) {
	in := testInput(t, false)
	_, public := build(t, in)
	if _, err := os.Stat(filepath.Join(public, "countries", "wld", "index.html")); err == nil {
		t.Errorf("the World has a country page")
	}
	home := parseHTML(t, public, "index.html")
	if strings.Contains(home.Find("ul.countries").Text(), "World") {
		t.Errorf("the World is listed among the countries")
	}
	ds := parseHTML(t, public, "datasets/military-expenditure/index.html")
	if got := ds.Find("main").Text(); !strings.Contains(got, "3 countries and former states") {
		t.Errorf("dataset page does not count 3 countries (the World is not one): %q", got)
	}
	csv := readFile(t, public, "datasets/military-expenditure/military-expenditure.csv")
	if !strings.Contains(csv, "WLD,World,true,2019,current_usd,worldbank,1859927.96629632,US$ m,US$,") {
		t.Errorf("the World's row is not in the CSV download, marked as an aggregate:\n%s", csv)
	}
}
