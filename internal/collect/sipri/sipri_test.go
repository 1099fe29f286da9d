package sipri

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
	"github.com/defence-transparency/publish/internal/realdata"
)

// page is one document of a test fetcher.
type page struct {
	body        []byte
	notModified bool
	err         error // returned instead of a document
}

// serve returns a fetcher of pages, by URL, that records what was
// fetched.
func serve(pages map[string]page) *collecttest.MapFetcher {
	f := &collecttest.MapFetcher{Docs: map[string][]byte{}, NotModified: map[string]bool{}, Errs: map[string]error{}}
	for u, p := range pages {
		if p.err != nil {
			f.Errs[u] = p.err
			continue
		}
		f.Docs[u], f.NotModified[u] = p.body, p.notModified
	}
	return f
}

func sipriSource(url string) collect.Source {
	return collect.Source{Name: "sipri", Dataset: "military-expenditure", Collector: "sipri", URLs: []string{url}}
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func landing(links ...string) []byte {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><body><h1>SIPRI Military Expenditure Database</h1>\n")
	for _, l := range links {
		fmt.Fprintf(&b, "<p><a href=%q>download</a></p>\n", l)
	}
	b.WriteString("</body></html>")
	return []byte(b.String())
}

func TestWorkbookLink(t *testing.T) {
	const page = "https://www.sipri.org/databases/milex"
	tests := []struct {
		name string
		body []byte
		url  string // page URL; page when empty
		want string
	}{
		{"relative", landing("/sites/default/files/SIPRI-Milex-data-1949-2024.xlsx"), "",
			"https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2024.xlsx"},
		{"relative to the page's folder", landing("files/SIPRI-Milex-data-1949-2024.xlsx"), "https://www.sipri.org/databases/",
			"https://www.sipri.org/databases/files/SIPRI-Milex-data-1949-2024.xlsx"},
		{"protocol-relative", landing("//www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2025_v1.2.xlsx"), "",
			"https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2025_v1.2.xlsx"},
		{"protocol-relative on http", landing("//www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2022.xlsx"), "http://www.sipri.org/databases/milex",
			"http://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2022.xlsx"},
		{"absolute", landing("https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1948-2023.xlsx"), "",
			"https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1948-2023.xlsx"},
		{"spaces, fragment and upper case", landing("  /sites/default/files/sipri-milex-data-1949-2020_0.XLSX#top "), "",
			"https://www.sipri.org/sites/default/files/sipri-milex-data-1949-2020_0.XLSX"},
		{"query kept", landing("/sites/default/files/SIPRI-Milex-data-1949-2024.xlsx?v=2"), "",
			"https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2024.xlsx?v=2"},
		{"base href", []byte(`<html><head><base href="https://files.example.org/sipri/"></head><body>
			<a href="SIPRI-Milex-data-1949-2024.xlsx">x</a></body></html>`), "",
			"https://files.example.org/sipri/SIPRI-Milex-data-1949-2024.xlsx"},
		{"other files ignored", landing(
			"/sites/default/files/2025-04/2504_fs_milex_2024.pdf",
			"/sites/default/files/SIPRI-Top-100-2002-2023.xlsx",
			"/sites/default/files/SIPRI-Milex-data-1949-2024.pdf",
			"javascript:void('SIPRI-Milex-data-1949-2099.xlsx')",
			"mailto:SIPRI-Milex-data-1949-2099.xlsx",
			"/sites/default/files/SIPRI-Milex-data-1949-2024.xlsx"), "",
			"https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2024.xlsx"},
		{"latest last year", landing(
			"/f/SIPRI-Milex-data-1949-2022.xlsx", "/f/SIPRI-Milex-data-1949-2024.xlsx", "/f/SIPRI-Milex-data-1948-2023.xlsx"), "",
			"https://www.sipri.org/f/SIPRI-Milex-data-1949-2024.xlsx"},
		{"widest range", landing("/f/SIPRI-Milex-data-2018-2023.xlsx", "/f/SIPRI-Milex-data-1948-2023.xlsx"), "",
			"https://www.sipri.org/f/SIPRI-Milex-data-1948-2023.xlsx"},
		{"latest revision", landing(
			"/f/SIPRI-Milex-data-1949-2025.xlsx", "/f/SIPRI-Milex-data-1949-2025_v1.2.xlsx", "/f/SIPRI-Milex-data-1949-2025_v1.1.xlsx"), "",
			"https://www.sipri.org/f/SIPRI-Milex-data-1949-2025_v1.2.xlsx"},
		{"re-upload beats the original", landing("/f/SIPRI-Milex-data-1949-2020.xlsx", "/f/SIPRI-Milex-data-1949-2020_0.xlsx"), "",
			"https://www.sipri.org/f/SIPRI-Milex-data-1949-2020_0.xlsx"},
		{"same link twice", landing("/f/SIPRI-Milex-data-1949-2024.xlsx", "https://www.sipri.org/f/SIPRI-Milex-data-1949-2024.xlsx"), "",
			"https://www.sipri.org/f/SIPRI-Milex-data-1949-2024.xlsx"},
		{"bundled mirror", readFile(t, landingFile), "", sampleURL},
		{"no local file from a web page", landing("file:///etc/SIPRI-Milex-data-1949-2099.xlsx", "/f/SIPRI-Milex-data-1949-2024.xlsx"), "",
			"https://www.sipri.org/f/SIPRI-Milex-data-1949-2024.xlsx"},
		{"local page, local file", landing("SIPRI-Milex-data-1949-2024.xlsx"), "file:///home/user/milex.html",
			"file:///home/user/SIPRI-Milex-data-1949-2024.xlsx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.url
			if u == "" {
				u = page
			}
			got, err := workbookLink(&collect.Document{URL: u, Body: tt.body})
			if err != nil || got != tt.want {
				t.Errorf("workbookLink(%s) = %q, %v; want %q", tt.name, got, err, tt.want)
			}
		})
	}
}

func TestWorkbookLinkNone(t *testing.T) {
	for name, body := range map[string][]byte{
		"no links":        landing(),
		"only other xlsx": landing("/sites/default/files/SIPRI-Top-100-2002-2023.xlsx", "/a/report.pdf"),
		"not html":        []byte("%PDF-1.7 binary"),
		"empty":           nil,
	} {
		t.Run(name, func(t *testing.T) {
			const u = "https://www.sipri.org/databases/milex"
			got, err := workbookLink(&collect.Document{URL: u, Body: body})
			if !errors.Is(err, ErrNoWorkbook) {
				t.Fatalf("workbookLink(%s) = %q, %v; want ErrNoWorkbook", name, got, err)
			}
			if !strings.Contains(err.Error(), u) {
				t.Errorf("workbookLink(%s) error %q does not name the page URL", name, err)
			}
		})
	}
}

// TestWorkbookLinkRealPage reads the trimmed copy of SIPRI's real landing
// page, with its protocol-relative link.
func TestWorkbookLinkRealPage(t *testing.T) {
	body := readFile(t, realdata.Path(t, "html", "sipri-milex-landing.trimmed.html"))
	got, err := workbookLink(&collect.Document{URL: "https://www.sipri.org/databases/milex", Body: body})
	const want = "https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2025_v1.2.xlsx"
	if err != nil || got != want {
		t.Errorf("workbookLink(real page) = %q, %v; want %q", got, err, want)
	}
}

func exportJSON(xlsx []byte) []byte {
	return []byte(`{"Value":"` + base64.StdEncoding.EncodeToString(xlsx) + `"}`)
}

func TestCollect(t *testing.T) {
	sample := readFile(t, sampleFile)
	want := sampleRecords()
	sortRecords(want)
	const direct = "file:///home/user/Downloads/SIPRI-Milex-data-1949-2024.xlsx"
	const export = "https://backend.sipri.org/api/p/excel-export"
	tests := []struct {
		name    string
		pages   map[string]page
		start   string
		fetched []string
	}{
		{"landing page", map[string]page{landingURL: {body: readFile(t, landingFile)}, sampleURL: {body: sample}},
			landingURL, []string{landingURL, sampleURL}},
		{"landing page not modified, workbook modified", map[string]page{
			landingURL: {body: readFile(t, landingFile), notModified: true}, sampleURL: {body: sample}},
			landingURL, []string{landingURL, sampleURL}},
		{"workbook at the URL", map[string]page{direct: {body: sample}}, direct, []string{direct}},
		{"export answer at the URL", map[string]page{export: {body: exportJSON(sample)}}, export, []string{export}},
		{"export answer behind the link", map[string]page{
			landingURL: {body: landing("/x/SIPRI-Milex-data-1949-2024.xlsx")},
			"https://www.sipri.org/x/SIPRI-Milex-data-1949-2024.xlsx": {body: append([]byte("\n "), exportJSON(sample)...)}},
			landingURL, []string{landingURL, "https://www.sipri.org/x/SIPRI-Milex-data-1949-2024.xlsx"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := serve(tt.pages)
			tab, err := (&Collector{}).Collect(context.Background(), f, sipriSource(tt.start))
			if err != nil {
				t.Fatalf("Collect(%s) error: %v", tt.start, err)
			}
			got := dataset.Expenditures(tab)
			sortRecords(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Collect(%s) records (-want +got):\n%s", tt.start, diff)
			}
			if diff := cmp.Diff(tt.fetched, f.Fetched()); diff != "" {
				t.Errorf("Collect(%s) fetched (-want +got):\n%s", tt.start, diff)
			}
		})
	}
}

func TestCollectUnchanged(t *testing.T) {
	// The workbook's body is not a workbook: an unchanged workbook must not
	// be parsed at all.
	tests := []struct {
		name  string
		pages map[string]page
		start string
	}{
		{"workbook not modified", map[string]page{
			landingURL: {body: readFile(t, landingFile)}, sampleURL: {body: []byte("archived"), notModified: true}}, landingURL},
		{"both not modified", map[string]page{
			landingURL: {body: readFile(t, landingFile), notModified: true}, sampleURL: {body: []byte("archived"), notModified: true}}, landingURL},
		{"fetcher without archive", map[string]page{
			landingURL: {body: readFile(t, landingFile)},
			sampleURL:  {err: fmt.Errorf("%s: %w", sampleURL, collect.ErrNotModified)}}, landingURL},
		{"workbook at the URL not modified", map[string]page{
			sampleURL: {body: readFile(t, sampleFile), notModified: true}}, sampleURL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := (&Collector{}).Collect(context.Background(), serve(tt.pages), sipriSource(tt.start))
			if !errors.Is(err, collect.ErrUnchanged) || tab != nil {
				t.Errorf("Collect(%s) = %v, %v; want no table and ErrUnchanged", tt.name, tab, err)
			}
		})
	}
}

func TestCollectErrors(t *testing.T) {
	sample := readFile(t, sampleFile)
	zipNoWorkbook := func() []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, _ := zw.Create("word/document.xml")
		w.Write([]byte("<document/>"))
		zw.Close()
		return b.Bytes()
	}()
	broken := clone(sampleWorkbook())
	sheetNamed(t, broken, "Current US$").set(t, "Germany", 2020, xcell{v: "n/a"})
	errStatus := &collect.StatusError{URL: sampleURL, Code: 503}
	tests := []struct {
		name   string
		pages  map[string]page
		is     error  // when set, the error must wrap it
		substr string // the error must contain it
	}{
		{"landing page fails", map[string]page{landingURL: {err: &collect.StatusError{URL: landingURL, Code: 500}}}, nil, "HTTP 500"},
		{"no workbook link", map[string]page{landingURL: {body: landing("/a.pdf")}}, ErrNoWorkbook, landingURL},
		{"workbook missing", map[string]page{landingURL: {body: readFile(t, landingFile)}}, collect.ErrNotInMirror, sampleURL},
		{"workbook fails", map[string]page{landingURL: {body: readFile(t, landingFile)}, sampleURL: {err: errStatus}}, errStatus, "HTTP 503"},
		{"workbook is an HTML page", map[string]page{landingURL: {body: readFile(t, landingFile)},
			sampleURL: {body: []byte("<html>Page not found</html>")}}, nil, "not an xlsx workbook"},
		{"workbook is another zip", map[string]page{landingURL: {body: readFile(t, landingFile)},
			sampleURL: {body: zipNoWorkbook}}, nil, "not an xlsx workbook"},
		{"export answer not base64", map[string]page{landingURL: {body: []byte(`{"Value":"not base64!"}`)}}, nil, "decode Value"},
		{"export answer not a workbook", map[string]page{landingURL: {body: exportJSON([]byte("hello"))}}, nil, "Value is not an xlsx workbook"},
		{"garbage in a cell", map[string]page{landingURL: {body: readFile(t, landingFile)},
			sampleURL: {body: buildWorkbook(t, broken)}}, nil, `sheet "Current US$" cell`},
		{"workbook at the URL truncated", map[string]page{landingURL: {body: sample[:len(sample)/2]}}, nil, "not an xlsx workbook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, err := (&Collector{}).Collect(context.Background(), serve(tt.pages), sipriSource(landingURL))
			if err == nil || tab != nil {
				t.Fatalf("Collect(%s) = %v, %v; want an error and no table", tt.name, tab, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Collect(%s) error %v does not wrap %v", tt.name, err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.substr) || !strings.HasPrefix(err.Error(), "sipri: ") {
				t.Errorf("Collect(%s) error %q, want it to start with \"sipri: \" and contain %q", tt.name, err, tt.substr)
			}
			if errors.Is(err, collect.ErrUnchanged) {
				t.Errorf("Collect(%s) error %v wraps ErrUnchanged", tt.name, err)
			}
		})
	}
	t.Run("no URL", func(t *testing.T) {
		if _, err := (&Collector{}).Collect(context.Background(), serve(nil), collect.Source{Name: "sipri"}); err == nil {
			t.Error("Collect(no URL) = nil error")
		}
	})
}

func TestCollectCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := serve(map[string]page{sampleURL: {body: readFile(t, sampleFile)}})
	if _, err := (&Collector{}).Collect(ctx, f, sipriSource(sampleURL)); !errors.Is(err, context.Canceled) {
		t.Errorf("Collect(cancelled) error = %v, want context.Canceled", err)
	}
}
