package gpi

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
	"github.com/defence-transparency/publish/internal/dataset"
)

func TestWorkbookLink(t *testing.T) {
	tests := []struct {
		name, page, want string
		err              error
	}{
		{
			name: "latest year, relative",
			page: `<a href="/wp-content/uploads/2024/06/GPI-2024-overall-scores-and-domains-2008-2024.xlsx">2024</a>
				<a href="/wp-content/uploads/2025/06/GPI_public_release_2025.xlsx">2025</a>`,
			want: "https://www.visionofhumanity.org/wp-content/uploads/2025/06/GPI_public_release_2025.xlsx",
		},
		{
			name: "public release before overall scores of the same year",
			page: `<a href="https://www.visionofhumanity.org/wp-content/uploads/2025/06/GPI-2025-overall-scores-2008-2025.xlsx">scores</a>
				<a href="//www.visionofhumanity.org/wp-content/uploads/2025/06/GPI_Public_Release_2025.XLSX#download">release</a>`,
			want: "https://www.visionofhumanity.org/wp-content/uploads/2025/06/GPI_Public_Release_2025.XLSX",
		},
		{
			name: "other indices and reports are not the GPI workbook",
			page: `<a href="/wp-content/uploads/2025/03/GTI-2025-overall-scores-2011-2024.xlsx">GTI</a>
				<a href="/wp-content/uploads/2024/10/PPI-Public-Release-Data-2024.xlsx">PPI</a>
				<a href="/wp-content/uploads/2025/06/Global-Peace-Index-2025-web.pdf">report</a>
				<a href="/wp-content/uploads/2020/02/GPI-2019-overall-scores-2008-2019.xlsx">2019</a>`,
			want: "https://www.visionofhumanity.org/wp-content/uploads/2020/02/GPI-2019-overall-scores-2008-2019.xlsx",
		},
		{
			name: "base element",
			page: `<head><base href="https://www.visionofhumanity.org/wp-content/uploads/2023/06/"></head>
				<a href="GPI-2023-overall-scores-and-domains-2008-2023.xlsx">2023</a>`,
			want: "https://www.visionofhumanity.org/wp-content/uploads/2023/06/GPI-2023-overall-scores-and-domains-2008-2023.xlsx",
		},
		{
			name: "no local files from a web page",
			page: `<a href="file:///etc/GPI_public_release_2025.xlsx">local</a>`,
			err:  ErrNoWorkbook,
		},
		{
			name: "no workbook",
			page: `<p>The data is available on request.</p><a href="/maps/">Maps</a>`,
			err:  ErrNoWorkbook,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := &collect.Document{URL: LandingURL, Body: []byte("<html><body>" + tt.page + "</body></html>")}
			got, err := workbookLink(doc)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Errorf("workbookLink() = %q, %v; want an error wrapping %v", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("workbookLink() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// server serves a landing page and workbooks, and counts requests.
type server struct {
	*httptest.Server
	mu    sync.Mutex
	paths []string
}

func newServer(t *testing.T, files map[string][]byte) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.paths = append(s.paths, r.URL.Path)
		s.mu.Unlock()
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(s.Close)
	return s
}

const testLanding = `<!DOCTYPE html><html><body><h1>Public Release Data</h1>
<a href="/wp-content/uploads/2025/06/GPI_public_release_2025.xlsx">GPI 2025</a></body></html>`

func TestCollect(t *testing.T) {
	sample := sampleBook().write(t)
	wantRecs, _, err := parseBytes(sample)
	if err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, map[string][]byte{
		"/public-release-data/": []byte(testLanding),
		"/wp-content/uploads/2025/06/GPI_public_release_2025.xlsx": sample,
	})
	for name, path := range map[string]string{
		"landing page": "/public-release-data/",
		"workbook":     "/wp-content/uploads/2025/06/GPI_public_release_2025.xlsx",
	} {
		t.Run(name, func(t *testing.T) {
			src := gpiSource(srv.URL + path)
			src.Options = map[string]any{"link": "https://www.visionofhumanity.org/maps/?year={year}"}
			ctx, warnings := collect.WithWarnings(t.Context())
			tab, err := (&Collector{}).Collect(ctx, collecttest.Fetcher(t, src, nil), src)
			if err != nil {
				t.Fatalf("Collect(%s) error = %v", path, err)
			}
			if tab.Len() != len(wantRecs) {
				t.Errorf("Collect(%s) = %d rows, want %d", path, tab.Len(), len(wantRecs))
			}
			if n := len(warnings.List()); n != 1 {
				t.Errorf("Collect(%s) warnings = %q, want one", path, warnings.List())
			}
			// The first row: Afghanistan's 2021 score, with the year in
			// the link.
			want := []string{"gpi", "AFG", "Afghanistan", "2021", OverallScore, "3.38", UnitScore, "", "",
				"https://www.visionofhumanity.org/maps/?year=2021", "gpi"}
			if diff := cmp.Diff(want, rows(tab)[0]); diff != "" {
				t.Errorf("Collect(%s) first row (-want +got):\n%s", path, diff)
			}
		})
	}
}

// notModified answers every fetch of the workbook as not modified.
type notModified struct {
	collect.Fetcher
	archived bool // a Document with NotModified, as an archiving fetcher gives
}

func (f notModified) Fetch(ctx context.Context, req *collect.Request) (*collect.Document, error) {
	d, err := f.Fetcher.Fetch(ctx, req)
	if err != nil || !collect.IsXLSX(d.Body) {
		return d, err
	}
	if !f.archived {
		return nil, collect.ErrNotModified
	}
	d.NotModified, d.Body = true, []byte("not parsed")
	return d, nil
}

func TestCollectUnchanged(t *testing.T) {
	srv := newServer(t, map[string][]byte{
		"/public-release-data/": []byte(testLanding),
		"/wp-content/uploads/2025/06/GPI_public_release_2025.xlsx": sampleBook().write(t),
	})
	for _, archived := range []bool{false, true} {
		src := gpiSource(srv.URL + "/public-release-data/")
		f := notModified{collecttest.Fetcher(t, src, nil), archived}
		tab, err := (&Collector{}).Collect(t.Context(), f, src)
		if !errors.Is(err, collect.ErrUnchanged) || tab != nil {
			t.Errorf("Collect(workbook not modified, archived %v) = %v, %v; want ErrUnchanged", archived, tab, err)
		}
	}
}

func TestCollectErrors(t *testing.T) {
	var notXLSX bytes.Buffer
	zw := zip.NewWriter(&notXLSX)
	w, _ := zw.Create("word/document.xml")
	w.Write([]byte("<document/>"))
	zw.Close()
	bad := sampleBook()
	bad.sheet(t, "2024").set(t, "B9", "XYZ")

	srv := newServer(t, map[string][]byte{
		"/no-link/":                     []byte(`<html><body><a href="/maps/">Maps</a></body></html>`),
		"/html-link/":                   []byte(`<html><body><a href="/GPI_public_release_2025.xlsx">GPI</a></body></html>`),
		"/dead-link/":                   []byte(`<html><body><a href="/gone/GPI_public_release_2025.xlsx">GPI</a></body></html>`),
		"/docx.xlsx":                    notXLSX.Bytes(),
		"/bad-code.xlsx":                bad.write(t),
		"/GPI_public_release_2025.xlsx": []byte("<html><body>Please fill in the form</body></html>"),
	})
	tests := []struct {
		name string
		src  func() collect.Source
		err  error // when set, the error must wrap it
	}{
		{"no workbook link", func() collect.Source { return gpiSource(srv.URL + "/no-link/") }, ErrNoWorkbook},
		{"link to an HTML page", func() collect.Source { return gpiSource(srv.URL + "/html-link/") }, nil},
		{"link to nothing", func() collect.Source { return gpiSource(srv.URL + "/dead-link/") }, new(collect.StatusError)},
		{"zip but not xlsx", func() collect.Source { return gpiSource(srv.URL + "/docx.xlsx") }, nil},
		{"unknown geocode", func() collect.Source { return gpiSource(srv.URL + "/bad-code.xlsx") }, ErrCountry},
		{"no URL", func() collect.Source { s := gpiSource(""); s.URLs = nil; return s }, nil},
		{"two URLs", func() collect.Source {
			s := gpiSource(srv.URL + "/no-link/")
			s.URLs = append(s.URLs, srv.URL+"/docx.xlsx")
			return s
		}, nil},
		{"unknown option", func() collect.Source {
			s := gpiSource(srv.URL + "/bad-code.xlsx")
			s.Options = map[string]any{"months": 12}
			return s
		}, ErrOption},
		{"link not http", func() collect.Source {
			s := gpiSource(srv.URL + "/bad-code.xlsx")
			s.Options = map[string]any{"link": "javascript:alert({year})"}
			return s
		}, ErrOption},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src()
			var f collect.Fetcher
			if len(src.URLs) > 0 {
				f = collecttest.Fetcher(t, src, nil)
			}
			tab, err := (&Collector{}).Collect(t.Context(), f, src)
			if err == nil || tab != nil {
				t.Fatalf("Collect() = %v, %v; want an error and no table", tab, err)
			}
			if errors.Is(err, collect.ErrUnchanged) {
				t.Errorf("Collect() = %v, which says unchanged", err)
			}
			var se *collect.StatusError
			switch want := tt.err.(type) {
			case nil:
			case *collect.StatusError:
				if !errors.As(err, &se) || se.Code != http.StatusNotFound {
					t.Errorf("Collect() = %v, want an error wrapping HTTP 404", err)
				}
			default:
				if !errors.Is(err, want) {
					t.Errorf("Collect() = %v, want an error wrapping %v", err, want)
				}
			}
		})
	}
}

// TestTableValidates checks the rows of the real layout against the
// dataset's schema and keys.
func TestTableValidates(t *testing.T) {
	recs, _, err := parseBytes(sampleBook().write(t))
	if err != nil {
		t.Fatal(err)
	}
	tab, err := Table(recs, "gpi", DefaultLink)
	if err != nil {
		t.Fatal(err)
	}
	if err := dataset.Validate(tab); err != nil {
		t.Errorf("Validate(Table(sample)) = %v", err)
	}
}
