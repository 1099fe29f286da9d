package collect

import (
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"
)

func TestMirrorPath(t *testing.T) {
	tests := []struct {
		url  string
		want string // "" for an error
	}{
		{"https://www.sipri.org/databases/milex", "www.sipri.org/databases/milex"},
		{"https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2024.xlsx", "www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2024.xlsx"},
		{"https://api.worldbank.org/v2/en/indicator/MS.MIL.XPND.GD.ZS?downloadformat=csv", "api.worldbank.org/v2/en/indicator/MS.MIL.XPND.GD.ZS@downloadformat=csv"},
		{"http://api.worldbank.org/v2/en/indicator/MS.MIL.XPND.CD?downloadformat=csv", "api.worldbank.org/v2/en/indicator/MS.MIL.XPND.CD@downloadformat=csv"},
		{"https://example.org/", "example.org/index.html"},
		{"https://example.org", "example.org/index.html"},
		{"https://example.org/reports/", "example.org/reports/index.html"},
		{"https://example.org/?q=1", "example.org/index.html@q=1"},
		{"https://Example.ORG/Data.CSV", "example.org/Data.CSV"},
		{"https://example.org:443/a", "example.org/a"},
		{"http://example.org:8080/a", "example.org+8080/a"},
		{"https://example.org/a%20b.csv", "example.org/a b.csv"},
		{"https://example.org/search?q=a/b", "example.org/search@q=a%2Fb"},
		{"https://example.org/a/../b", ""},
		{"https://example.org/a//b", ""},
		{"ftp://example.org/a", ""},
		{"file:///tmp/a", ""},
	}
	for _, tt := range tests {
		got, err := MirrorPath(mustParse(t, tt.url))
		if tt.want == "" {
			if err == nil {
				t.Errorf("MirrorPath(%q) = %q, want an error", tt.url, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("MirrorPath(%q) = %q, %v, want %q", tt.url, got, err, tt.want)
		}
	}
}

func TestMirrorTransport(t *testing.T) {
	mod := time.Date(2025, 4, 28, 9, 30, 0, 0, time.UTC)
	zip := []byte("PK\x03\x04\x14\x00\x00\x00zip")
	fsys := fstest.MapFS{
		"README.md":                      {Data: []byte("# layout")},
		"example.org/index.html":         {Data: []byte("<!doctype html><title>home</title>")},
		"example.org/data.csv":           {Data: []byte("a,b\n1,2\n"), ModTime: mod},
		"example.org/reports/index.html": {Data: []byte("<p>reports</p>")},
		"api.worldbank.org/v2/en/indicator/MS.MIL.XPND.CD@downloadformat=csv": {Data: zip},
	}
	rt := MirrorTransport(fsys)
	etag := func(b []byte) string { return `"` + Sum(b) + `"` }
	tests := []struct {
		name       string
		method     string
		url        string
		header     http.Header
		wantStatus int
		wantBody   string
		wantType   string
		wantETag   string
		wantLM     string
		wantErr    error
	}{
		{name: "file", url: "https://example.org/data.csv", wantStatus: 200, wantBody: "a,b\n1,2\n", wantType: "text/csv",
			wantETag: etag([]byte("a,b\n1,2\n")), wantLM: "Mon, 28 Apr 2025 09:30:00 GMT"},
		{name: "index", url: "https://example.org/", wantStatus: 200, wantBody: "<!doctype html><title>home</title>", wantType: "text/html; charset=utf-8"},
		{name: "folder", url: "https://example.org/reports", wantStatus: 200, wantBody: "<p>reports</p>"},
		{name: "query, sniffed", url: "https://api.worldbank.org/v2/en/indicator/MS.MIL.XPND.CD?downloadformat=csv", wantStatus: 200,
			wantBody: string(zip), wantType: "application/zip", wantETag: etag(zip)},
		{name: "head", method: "HEAD", url: "https://example.org/data.csv", wantStatus: 200, wantBody: ""},
		{name: "if-none-match", url: "https://example.org/data.csv", header: http.Header{"If-None-Match": {etag([]byte("a,b\n1,2\n"))}}, wantStatus: 304},
		{name: "if-none-match weak", url: "https://example.org/data.csv", header: http.Header{"If-None-Match": {`"x", W/` + etag([]byte("a,b\n1,2\n"))}}, wantStatus: 304},
		{name: "if-none-match other", url: "https://example.org/data.csv", header: http.Header{"If-None-Match": {`"x"`}}, wantStatus: 200, wantBody: "a,b\n1,2\n"},
		{name: "if-modified-since same", url: "https://example.org/data.csv", header: http.Header{"If-Modified-Since": {"Mon, 28 Apr 2025 09:30:00 GMT"}}, wantStatus: 304},
		{name: "if-modified-since earlier", url: "https://example.org/data.csv", header: http.Header{"If-Modified-Since": {"Mon, 28 Apr 2025 09:29:59 GMT"}}, wantStatus: 200, wantBody: "a,b\n1,2\n"},
		{name: "if-modified-since without a modtime", url: "https://example.org/", header: http.Header{"If-Modified-Since": {"Mon, 28 Apr 2025 09:30:00 GMT"}}, wantStatus: 200, wantBody: "<!doctype html><title>home</title>"},
		{name: "robots.txt absent", url: "https://example.org/robots.txt", wantStatus: 404},
		{name: "missing", url: "https://example.org/missing.csv", wantErr: ErrNotInMirror},
		{name: "host missing", url: "https://www.sipri.org/databases/milex", wantErr: ErrNotInMirror},
		{name: "readme is not served", url: "https://README.md/", wantErr: ErrNotInMirror},
		{name: "post", method: "POST", url: "https://example.org/data.csv", wantStatus: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = "GET"
			}
			req, err := http.NewRequest(method, tt.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tt.header {
				req.Header[k] = v
			}
			resp, err := rt.RoundTrip(req)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("RoundTrip(%s) = %v, want %v", tt.url, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("RoundTrip(%s) = %v", tt.url, err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("RoundTrip(%s) status = %d, want %d", tt.url, resp.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus == 200 && method == "GET" && string(body) != tt.wantBody {
				t.Errorf("RoundTrip(%s) body = %q, want %q", tt.url, body, tt.wantBody)
			}
			if tt.wantStatus != 200 && len(body) != 0 && tt.wantStatus != 404 {
				t.Errorf("RoundTrip(%s) status %d has a body %q", tt.url, resp.StatusCode, body)
			}
			for _, c := range []struct{ header, want string }{{"Content-Type", tt.wantType}, {"ETag", tt.wantETag}, {"Last-Modified", tt.wantLM}} {
				if c.want != "" && resp.Header.Get(c.header) != c.want {
					t.Errorf("RoundTrip(%s) %s = %q, want %q", tt.url, c.header, resp.Header.Get(c.header), c.want)
				}
			}
			if tt.name == "index" && resp.Header.Get("Last-Modified") != "" {
				t.Errorf("RoundTrip(%s) Last-Modified = %q for a file without a modification time", tt.url, resp.Header.Get("Last-Modified"))
			}
		})
	}
}

// TestMirrorSession fetches through a session that serves the network from
// a mirror, with file:// URLs working as well.
func TestMirrorSession(t *testing.T) {
	dir := t.TempDir()
	local := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(local, []byte("local,file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS("testdata/mirror")
	a := mustArchive(t)
	s, err := NewSession(SessionOptions{Config: testConfig(), Mirror: fsys, Archive: a, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Fetcher(Source{Name: "x", URLs: []string{"https://example.org/", "file://" + filepath.ToSlash(local)}}, true)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		url      string
		wantBody string
	}{
		{"https://example.org/data.csv", "country_iso3,year,value\nSWE,2023,1.52\nNOR,2023,1.61\n"},
		{"https://example.org/search?q=milex&page=2", "<!doctype html>\n<title>Search: milex</title>\n"},
		{"https://example.org/reports/", "<!doctype html>\n<title>Reports</title>\n"},
		{"http://example.org", "<!doctype html>\n<title>Example publisher</title>\n<a href=\"/data.csv\">data</a>\n"},
		{"file://" + filepath.ToSlash(local), "local,file\n"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			doc, err := f.Fetch(t.Context(), &Request{URL: tt.url})
			if err != nil {
				t.Fatal(err)
			}
			if string(doc.Body) != tt.wantBody || doc.NotModified {
				t.Errorf("Fetch(%s) = %q, NotModified %v, want %q", tt.url, doc.Body, doc.NotModified, tt.wantBody)
			}
			again, err := f.Fetch(t.Context(), &Request{URL: tt.url})
			if err != nil {
				t.Fatal(err)
			}
			if !again.NotModified || string(again.Body) != tt.wantBody {
				t.Errorf("second Fetch(%s) = NotModified %v, want a 304 with the archived body", tt.url, again.NotModified)
			}
		})
	}
	if _, err := f.Fetch(t.Context(), &Request{URL: "https://example.org/nothing.xlsx"}); !errors.Is(err, ErrNotInMirror) || Temporary(err) {
		t.Errorf("Fetch(absent) = %v, want ErrNotInMirror, not retried", err)
	}
}
