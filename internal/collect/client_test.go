package collect

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"testing/synctest"
	"time"
)

func TestFetchDocument(t *testing.T) {
	var h hits
	srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		fmt.Fprint(w, "country_iso3,year\nSWE,2023\n")
	})
	f := newFetcher(t, SessionOptions{Config: testConfig()}, srv.URL)
	before := time.Now()
	doc, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/data.csv"})
	if err != nil {
		t.Fatal(err)
	}
	body := "country_iso3,year\nSWE,2023\n"
	if doc.URL != srv.URL+"/data.csv" || doc.Status != 200 || string(doc.Body) != body || doc.SHA256 != Sum([]byte(body)) || doc.NotModified {
		t.Errorf("Fetch() = %+v, want URL, status 200, the body and its SHA-256", doc)
	}
	if got := doc.Header.Get("Content-Type"); got != "text/csv" {
		t.Errorf("Fetch().Header Content-Type = %q, want %q", got, "text/csv")
	}
	if doc.Fetched.Before(before.Add(-time.Second)) || doc.Fetched.After(time.Now().Add(time.Second)) {
		t.Errorf("Fetch().Fetched = %v, want about now", doc.Fetched)
	}
}

func TestUserAgent(t *testing.T) {
	var h hits
	srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })
	f := newFetcher(t, SessionOptions{Config: testConfig()}, srv.URL)
	if _, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/a", Header: http.Header{"User-Agent": {"somebody-else"}}}); err != nil {
		t.Fatal(err)
	}
	got := h.all()
	if len(got) != 2 {
		t.Fatalf("server got %d requests, want robots.txt and /a", len(got))
	}
	for _, x := range got {
		if ua := x.Header.Get("User-Agent"); ua != testUA {
			t.Errorf("request %s User-Agent = %q, want %q", x.Path, ua, testUA)
		}
	}
}

func TestRobots(t *testing.T) {
	tests := []struct {
		name    string
		robots  string
		path    string
		blocked bool
	}{
		{"allowed", "User-agent: *\nDisallow: /private/\n", "/public/data.csv", false},
		{"disallowed", "User-agent: *\nDisallow: /private/\n", "/private/data.csv", true},
		{"prefix only", "User-agent: *\nDisallow: /private/\n", "/private", false},
		{"everything", "User-agent: *\nDisallow: /\n", "/data.csv", true},
		// The group naming our agent replaces the * group.
		{"our group blocks", "User-agent: *\nDisallow:\n\nUser-agent: publish-test\nDisallow: /data\n", "/data.csv", true},
		{"our group allows", "User-agent: *\nDisallow: /\n\nUser-agent: publish-test\nDisallow: /private/\n", "/data.csv", false},
		{"another agent's group", "User-agent: otherbot\nDisallow: /\n", "/data.csv", false},
		{"query", "User-agent: *\nDisallow: /*?format=xlsx\n", "/data?format=xlsx", true},
		// Lines the parser would reject the whole file for are ignored.
		{"rule before any agent", "Disallow: /data.csv\nUser-agent: *\nDisallow: /private/\n", "/data.csv", false},
		{"bad crawl-delay", "User-agent: *\nCrawl-delay: soon\nDisallow: /private/\n", "/private/data.csv", true},
		{"html page", "<!doctype html><html><body><h1>Page: not found</h1></body></html>", "/data.csv", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h hits
			srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					fmt.Fprint(w, tt.robots)
					return
				}
				fmt.Fprint(w, "ok")
			})
			f := newFetcher(t, SessionOptions{Config: testConfig()}, srv.URL)
			_, err := f.Fetch(t.Context(), &Request{URL: srv.URL + tt.path})
			if tt.blocked {
				if !errors.Is(err, ErrRobots) {
					t.Errorf("Fetch(%q) = %v, want ErrRobots", tt.path, err)
				}
				if n := h.count(tt.path); n != 0 {
					t.Errorf("server got %d requests for %s, want none", n, tt.path)
				}
			} else if err != nil {
				t.Errorf("Fetch(%q) = %v, want success", tt.path, err)
			}
			if n := h.count("/robots.txt"); n != 1 {
				t.Errorf("robots.txt fetched %d times, want once", n)
			}
		})
	}
}

// TestRobotsServerError checks that a 5xx robots.txt is retried rather than
// taken for "disallow everything" for the rest of the run.
func TestRobotsServerError(t *testing.T) {
	var h hits
	srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			if h.count("/robots.txt") == 1 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "ok")
	})
	cfg := testConfig()
	cfg.Retries = 1
	f := newFetcher(t, SessionOptions{Config: cfg}, srv.URL)
	if _, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/a"}); err != nil {
		t.Fatalf("Fetch() = %v, want success after retrying robots.txt", err)
	}
	if n := h.count("/robots.txt"); n != 2 {
		t.Errorf("robots.txt fetched %d times, want 2", n)
	}

	cfg.Retries = 0
	var h2 hits
	down := serve(t, &h2, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusInternalServerError) })
	f = newFetcher(t, SessionOptions{Config: cfg}, down.URL)
	_, err := f.Fetch(t.Context(), &Request{URL: down.URL + "/a"})
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 500 || errors.Is(err, ErrRobots) {
		t.Errorf("Fetch() with robots.txt answering 500 = %v, want a *StatusError 500 that is not ErrRobots", err)
	}
}

func TestAllowList(t *testing.T) {
	var other hits
	elsewhere := serve(t, &other, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "elsewhere") })
	// The same server under another host name: localhost is not 127.0.0.1.
	elsewhereURL := strings.Replace(elsewhere.URL, "127.0.0.1", "localhost", 1)
	file := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(file, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	var h hits
	srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
		case "/away":
			http.Redirect(w, r, elsewhereURL+"/data", http.StatusFound)
		case "/file":
			http.Redirect(w, r, "file://"+filepath.ToSlash(file), http.StatusFound)
		case "/moved":
			http.Redirect(w, r, "/data", http.StatusMovedPermanently)
		default:
			fmt.Fprint(w, "here")
		}
	})
	srvHost := strings.TrimPrefix(srv.URL, "http://")
	elsewhereHost := strings.TrimPrefix(elsewhereURL, "http://")
	tests := []struct {
		name  string
		hosts []string // Source.Hosts
		url   string
		want  string // body, or "" for ErrHostNotAllowed
	}{
		{"same host", nil, srv.URL + "/data", "here"},
		{"redirect within the host", nil, srv.URL + "/moved", "here"},
		{"another host", nil, elsewhereURL + "/data", ""},
		{"redirect to another host", nil, srv.URL + "/away", ""},
		{"redirect to a local file", nil, srv.URL + "/file", ""},
		{"redirect to an allowed host", []string{srvHost, elsewhereHost}, srv.URL + "/away", "elsewhere"},
		{"host with port in the list", []string{strings.ToUpper(elsewhereHost), srvHost}, srv.URL + "/away", "elsewhere"},
		// The allow-list matches the port too: a host named without one
		// allows the default ports only.
		{"host without its port", []string{srvHost, "localhost"}, srv.URL + "/away", ""},
		{"host on another port", []string{srvHost, "localhost:1"}, srv.URL + "/away", ""},
		{"local file named", nil, "file://" + filepath.ToSlash(file), "secret"},
		{"local file outside the source's folders", nil, "file:///etc/hostname", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSession(SessionOptions{Config: testConfig(), Logger: quiet()})
			if err != nil {
				t.Fatal(err)
			}
			// The source names the secret file, so its folder may be read.
			f, err := s.Fetcher(Source{Name: "x", URLs: []string{srv.URL + "/", "file://" + filepath.ToSlash(file)}, Hosts: tt.hosts}, false)
			if err != nil {
				t.Fatal(err)
			}
			before := len(other.all())
			doc, err := f.Fetch(t.Context(), &Request{URL: tt.url})
			if tt.want == "" {
				if !errors.Is(err, ErrHostNotAllowed) {
					t.Errorf("Fetch(%s) = %v, want ErrHostNotAllowed", tt.url, err)
				}
				if n := len(other.all()) - before; n != 0 {
					t.Errorf("the host outside the allow-list got %d requests, want none", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch(%s) = %v", tt.url, err)
			}
			if string(doc.Body) != tt.want {
				t.Errorf("Fetch(%s).Body = %q, want %q", tt.url, doc.Body, tt.want)
			}
		})
	}
}

func TestSizeLimit(t *testing.T) {
	const limit = 1000
	var h hits
	srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		body := bytes.Repeat([]byte("x"), n)
		if r.URL.Query().Get("chunked") != "" {
			// Flushing before the end makes the server send chunks
			// without a Content-Length.
			w.Write(body[:n/2])
			w.(http.Flusher).Flush()
			w.Write(body[n/2:])
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(n))
		w.Write(body)
	})
	cfg := testConfig()
	cfg.MaxBody = limit
	cfg.Retries = 2
	f := newFetcher(t, SessionOptions{Config: cfg}, srv.URL)
	tests := []struct {
		query   string
		tooMany bool
	}{
		{"n=1000", false},
		{"n=1001", true},
		{"n=1000&chunked=1", false},
		{"n=1001&chunked=1", true},
		{"n=50000&chunked=1", true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			path := "/doc?" + tt.query
			doc, err := f.Fetch(t.Context(), &Request{URL: srv.URL + path})
			if tt.tooMany {
				if !errors.Is(err, ErrTooLarge) {
					t.Errorf("Fetch(%s) = %v, want ErrTooLarge", path, err)
				}
				if n := h.count(path); n != 1 {
					t.Errorf("server got %d requests for %s, want 1: a body too large is not retried", n, path)
				}
				return
			}
			if err != nil || len(doc.Body) != limit {
				t.Errorf("Fetch(%s) = %v, want %d bytes", path, err, limit)
			}
		})
	}
}

// TestRawBody checks that the document is the bytes the server sent: colly
// re-encodes a body whose Content-Type declares another charset to UTF-8.
func TestRawBody(t *testing.T) {
	raw := []byte("country;name\nCIV;C\xf4te d'Ivoire\n")
	var h hits
	srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv; charset=iso-8859-1")
		w.Write(raw)
	})
	f := newFetcher(t, SessionOptions{Config: testConfig()}, srv.URL)
	doc, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/latin1.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(doc.Body, raw) || doc.SHA256 != Sum(raw) {
		t.Errorf("Fetch().Body = %q, want the raw %q", doc.Body, raw)
	}
}

func TestStatusNotRetried(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404, 410} {
		t.Run(strconv.Itoa(code), func(t *testing.T) {
			var h hits
			srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					http.NotFound(w, r)
					return
				}
				http.Error(w, "no", code)
			})
			cfg := testConfig()
			cfg.Retries = 3
			f := newFetcher(t, SessionOptions{Config: cfg}, srv.URL)
			_, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/doc"})
			var se *StatusError
			if !errors.As(err, &se) || se.Code != code || se.URL != srv.URL+"/doc" {
				t.Errorf("Fetch() = %v, want *StatusError %d for the URL", err, code)
			}
			if n := h.count("/doc"); n != 1 {
				t.Errorf("server got %d requests, want 1 (no retry on %d)", n, code)
			}
		})
	}
}

// hijack answers with raw bytes and closes the connection.
func hijack(t *testing.T, w http.ResponseWriter, raw string) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	defer conn.Close()
	buf.WriteString(raw)
	buf.Flush()
}

func TestTruncatedBody(t *testing.T) {
	var h hits
	srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		hijack(t, w, "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\n\r\ncountry_iso3,year\nSWE,20")
	})
	cfg := testConfig()
	cfg.Retries = 2
	f := newFetcher(t, SessionOptions{Config: cfg}, srv.URL)
	_, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/doc"})
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("Fetch() = %v, want io.ErrUnexpectedEOF", err)
	}
	if n := h.count("/doc"); n != 3 {
		t.Errorf("server got %d requests, want 3 (a truncated body is retried)", n)
	}
}

func TestTimeout(t *testing.T) {
	var h hits
	srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		if r.URL.Path == "/slow-body" {
			w.Header().Set("Content-Length", "10")
			w.Write([]byte("12345"))
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	cfg := testConfig()
	cfg.Timeout = Duration{100 * time.Millisecond}
	cfg.Retries = 1
	f := newFetcher(t, SessionOptions{Config: cfg}, srv.URL)
	for _, path := range []string{"/slow-headers", "/slow-body"} {
		t.Run(path, func(t *testing.T) {
			start := time.Now()
			_, err := f.Fetch(t.Context(), &Request{URL: srv.URL + path})
			if !errors.Is(err, context.DeadlineExceeded) || !Temporary(err) {
				t.Errorf("Fetch(%s) = %v, want a temporary error wrapping context.DeadlineExceeded", path, err)
			}
			if !strings.Contains(fmt.Sprint(err), "timeout") {
				t.Errorf("Fetch(%s) = %v, want an error that says timeout", path, err)
			}
			if n := h.count(path); n != 2 {
				t.Errorf("server got %d requests for %s, want 2 (a timeout is retried once)", n, path)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Fetch(%s) took %s, want about two timeouts", path, d)
			}
		})
	}
}

// TestContextCancel cancels a fetch whose server never answers: Fetch must
// return at the cancel, though robots.txt hangs too and colly sends that
// request without the context. On a synctest bubble's fake clock the test
// takes no time and "at the cancel" is exact.
func TestContextCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var h hits
		srv := servePipe(&h, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(time.Hour):
			}
		})
		defer srv.Close()
		cfg := testConfig()
		cfg.Retries = 3
		cfg.Timeout = Duration{2 * time.Hour}
		f := newFetcher(t, SessionOptions{Config: cfg, Transport: srv.Transport}, srv.URL)
		const after = 50 * time.Millisecond
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(after, cancel)
		start := time.Now()
		_, err := f.Fetch(ctx, &Request{URL: srv.URL + "/doc"})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Fetch() = %v, want context.Canceled", err)
		}
		if d := time.Since(start); d != after {
			t.Errorf("Fetch() returned %s after the start, want at the cancel, %s", d, after)
		}
	})
}

// TestCollyEnvironmentIgnored sets colly's environment variables: none may
// change what the fetcher does, and each is reported.
func TestCollyEnvironmentIgnored(t *testing.T) {
	cache := t.TempDir()
	env := map[string]string{
		"COLLY_USER_AGENT":                "evil-bot/1.0",
		"COLLY_IGNORE_ROBOTSTXT":          "yes",
		"COLLY_MAX_BODY_SIZE":             "10",
		"COLLY_FOLLOW_REDIRECTS":          "no",
		"COLLY_ALLOWED_DOMAINS":           "nowhere.example",
		"COLLY_CACHE_DIR":                 cache,
		"COLLY_DISABLE_COOKIES":           "yes",
		"COLLY_PARSE_HTTP_ERROR_RESPONSE": "no",
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	var h hits
	srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			fmt.Fprint(w, "User-agent: *\nDisallow: /private\n")
		case "/moved":
			http.Redirect(w, r, "/big", http.StatusFound)
		case "/big":
			w.Write(bytes.Repeat([]byte("x"), 100))
		default:
			w.Write(bytes.Repeat([]byte("y"), 2000))
		}
	})
	var logs logBuffer
	cfg := testConfig()
	cfg.MaxBody = 1000
	f := newFetcher(t, SessionOptions{Config: cfg, Logger: logs.logger()}, srv.URL)

	doc, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/moved"})
	if err != nil || len(doc.Body) != 100 {
		t.Errorf("Fetch(/moved) = %v, want the 100-byte body behind the redirect (COLLY_FOLLOW_REDIRECTS, COLLY_MAX_BODY_SIZE, COLLY_ALLOWED_DOMAINS ignored)", err)
	}
	if _, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/private"}); !errors.Is(err, ErrRobots) {
		t.Errorf("Fetch(/private) = %v, want ErrRobots (COLLY_IGNORE_ROBOTSTXT ignored)", err)
	}
	if _, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/huge"}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Fetch(/huge) = %v, want ErrTooLarge at the configured limit", err)
	}
	for _, x := range h.all() {
		if ua := x.Header.Get("User-Agent"); ua != testUA {
			t.Errorf("request %s User-Agent = %q, want %q (COLLY_USER_AGENT ignored)", x.Path, ua, testUA)
		}
	}
	if entries, _ := os.ReadDir(cache); len(entries) != 0 {
		t.Errorf("COLLY_CACHE_DIR holds %d entries, want none", len(entries))
	}
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	warned := map[string]bool{}
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, "level=WARN") {
			for k := range env {
				if strings.Contains(line, "name="+k) {
					warned[k] = true
				}
			}
		}
	}
	for k := range env {
		if !warned[k] {
			t.Errorf("no warning about %s in the log:\n%s", k, logs.String())
		}
	}
}

// TestSizeLimitLocal applies the size limit to file:// URLs and the mirror.
func TestSizeLimitLocal(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 1001)
	name := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(name, big, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	cfg.MaxBody = 1000
	f := newFetcher(t, SessionOptions{Config: cfg, Mirror: fstest.MapFS{"example.org/big.csv": {Data: big}}}, "https://example.org/", "file://"+filepath.ToSlash(name))
	for _, u := range []string{"file://" + filepath.ToSlash(name), "https://example.org/big.csv"} {
		if _, err := f.Fetch(t.Context(), &Request{URL: u}); !errors.Is(err, ErrTooLarge) {
			t.Errorf("Fetch(%s) = %v, want ErrTooLarge", u, err)
		}
	}
}

// TestFinalURL keeps the URL after redirects, against which a page's
// relative links resolve.
func TestFinalURL(t *testing.T) {
	var h hits
	srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, "/new/page", http.StatusMovedPermanently)
			return
		}
		fmt.Fprint(w, "moved here")
	})
	f := newFetcher(t, SessionOptions{Config: testConfig()}, srv.URL+"/")
	doc, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/old"})
	if err != nil {
		t.Fatal(err)
	}
	if doc.URL != srv.URL+"/old" || doc.FinalURL != srv.URL+"/new/page" || doc.Base() != doc.FinalURL {
		t.Errorf("Fetch(/old) URL = %q, FinalURL = %q, want the requested and the redirected URL", doc.URL, doc.FinalURL)
	}
}
