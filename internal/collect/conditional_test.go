package collect

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// publisher is a test server for one document whose content the test can
// change; it answers conditional requests as a web server does, and counts
// the full bodies it sends.
type publisher struct {
	mu       sync.Mutex
	body     string
	modified time.Time
	etag     bool // send an ETag
	lastMod  bool // send Last-Modified
	bodies   int  // 200 answers with the body
}

func (p *publisher) set(body string, modified time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.body, p.modified = body, modified
}

func (p *publisher) sent() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.bodies
}

func (p *publisher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		http.NotFound(w, r)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	tag := `"` + Sum([]byte(p.body)) + `"`
	if p.etag {
		w.Header().Set("ETag", tag)
	}
	if p.lastMod {
		w.Header().Set("Last-Modified", p.modified.UTC().Format(http.TimeFormat))
	}
	if inm := r.Header.Get("If-None-Match"); p.etag && inm == tag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); p.lastMod && r.Header.Get("If-None-Match") == "" && err == nil && !p.modified.Truncate(time.Second).After(ims) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	p.bodies++
	w.Header().Set("Content-Type", "text/csv")
	fmt.Fprint(w, p.body)
}

// conditionalFetcher returns a conditional fetcher with an archive for a
// source on url's host.
func conditionalFetcher(t *testing.T, a Archive, url string) Fetcher {
	t.Helper()
	s, err := NewSession(SessionOptions{Config: testConfig(), Archive: a, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Fetcher(Source{Name: "test", URLs: []string{url}}, true)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestConditional(t *testing.T) {
	modified := time.Date(2025, 4, 28, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name          string
		etag, lastMod bool
		wantINM       bool
		wantIMS       bool
	}{
		{"etag and last-modified", true, true, true, true},
		{"etag only", true, false, true, false},
		{"last-modified only", false, true, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pub := &publisher{etag: tt.etag, lastMod: tt.lastMod}
			pub.set("SWE,2023,1.5\n", modified)
			var h hits
			srv := serve(t, &h, pub.ServeHTTP)
			a := mustArchive(t)
			f := conditionalFetcher(t, a, srv.URL)
			url := srv.URL + "/data.csv"

			first, err := f.Fetch(t.Context(), &Request{URL: url})
			if err != nil {
				t.Fatal(err)
			}
			if first.NotModified {
				t.Errorf("first Fetch().NotModified = true, want false")
			}
			second, err := f.Fetch(t.Context(), &Request{URL: url})
			if err != nil {
				t.Fatal(err)
			}
			reqs := h.all()
			last := reqs[len(reqs)-1].Header
			if got := last.Get("If-None-Match") != ""; got != tt.wantINM {
				t.Errorf("second request If-None-Match = %q, want sent %v", last.Get("If-None-Match"), tt.wantINM)
			}
			if got := last.Get("If-Modified-Since"); (got != "") != tt.wantIMS || (tt.wantIMS && got != modified.Format(http.TimeFormat)) {
				t.Errorf("second request If-Modified-Since = %q, want sent %v", got, tt.wantIMS)
			}
			if !second.NotModified || second.Status != http.StatusNotModified {
				t.Errorf("second Fetch() = status %d, NotModified %v, want 304 and true", second.Status, second.NotModified)
			}
			if !bytes.Equal(second.Body, first.Body) || second.SHA256 != first.SHA256 {
				t.Errorf("second Fetch().Body = %q, want the archived %q", second.Body, first.Body)
			}
			if second.Header.Get("Content-Type") != "text/csv" {
				t.Errorf("second Fetch().Header = %v, want the stored headers", second.Header)
			}
			if n := pub.sent(); n != 1 {
				t.Errorf("server sent the body %d times, want once", n)
			}
			// The 304 is recorded too, with the body's SHA-256.
			hist, err := a.History(url)
			if err != nil {
				t.Fatal(err)
			}
			if len(hist) != 2 || hist[1].Status != 304 || !hist[1].NotModified || hist[1].SHA256 != first.SHA256 {
				t.Errorf("History() = %+v, want the 200 then the 304", hist)
			}

			// A change is downloaded again.
			pub.set("SWE,2023,1.6\n", modified.Add(24*time.Hour))
			third, err := f.Fetch(t.Context(), &Request{URL: url})
			if err != nil {
				t.Fatal(err)
			}
			if third.NotModified || string(third.Body) != "SWE,2023,1.6\n" {
				t.Errorf("Fetch() after a change = %q, NotModified %v, want the new body", third.Body, third.NotModified)
			}
		})
	}
}

func TestConditionalDisabled(t *testing.T) {
	pub := &publisher{etag: true, lastMod: true}
	pub.set("x", time.Now())
	var h hits
	srv := serve(t, &h, pub.ServeHTTP)
	a := mustArchive(t)
	s, err := NewSession(SessionOptions{Config: testConfig(), Archive: a, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Fetcher(Source{Name: "test", URLs: []string{srv.URL}}, false)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		doc, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/d"})
		if err != nil || doc.NotModified {
			t.Fatalf("Fetch() = %v, NotModified %v, want a full download", err, doc != nil && doc.NotModified)
		}
	}
	for _, x := range h.all() {
		if x.Header.Get("If-None-Match") != "" || x.Header.Get("If-Modified-Since") != "" {
			t.Errorf("request %s carries validators; conditional requests are off", x.Path)
		}
	}
	if hist, _ := a.History(srv.URL + "/d"); len(hist) != 2 {
		t.Errorf("History() has %d records, want 2: the archive records every fetch", len(hist))
	}
}

// TestConditionalBodyLost fetches in full when the archive kept the record
// of a fetch but lost its body.
func TestConditionalBodyLost(t *testing.T) {
	pub := &publisher{etag: true}
	pub.set("x", time.Now())
	var h hits
	srv := serve(t, &h, pub.ServeHTTP)
	a := mustArchive(t)
	f := conditionalFetcher(t, a, srv.URL)
	url := srv.URL + "/d"
	if _, err := f.Fetch(t.Context(), &Request{URL: url}); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(a.Dir(), "objects")); err != nil {
		t.Fatal(err)
	}
	doc, err := f.Fetch(t.Context(), &Request{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	if doc.NotModified || string(doc.Body) != "x" {
		t.Errorf("Fetch() = %q, NotModified %v, want a full download", doc.Body, doc.NotModified)
	}
	if n := pub.sent(); n != 2 {
		t.Errorf("server sent the body %d times, want 2", n)
	}
	if _, err := a.Body(t.Context(), Sum([]byte("x"))); err != nil {
		t.Errorf("after the full download Body() = %v, want the body archived again", err)
	}
}

// TestConditionalFile makes conditional requests for a file:// URL.
func TestConditionalFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "SIPRI-Milex-data-1949-2024.xlsx")
	if err := os.WriteFile(name, []byte("PK\x03\x04 v1"), 0o644); err != nil {
		t.Fatal(err)
	}
	url := "file://" + filepath.ToSlash(name)
	f := conditionalFetcher(t, mustArchive(t), url)
	first, err := f.Fetch(t.Context(), &Request{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	if got := first.Header.Get("Content-Type"); got != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("Content-Type = %q, want the xlsx type", got)
	}
	second, err := f.Fetch(t.Context(), &Request{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	if !second.NotModified || !bytes.Equal(second.Body, first.Body) {
		t.Errorf("second Fetch() = NotModified %v, want true with the archived body", second.NotModified)
	}
	if err := os.WriteFile(name, []byte("PK\x03\x04 v2"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(name, later, later); err != nil {
		t.Fatal(err)
	}
	third, err := f.Fetch(t.Context(), &Request{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	if third.NotModified || string(third.Body) != "PK\x03\x04 v2" {
		t.Errorf("Fetch() after a change = %q, NotModified %v, want the new file", third.Body, third.NotModified)
	}
	if _, err := f.Fetch(t.Context(), &Request{URL: "file://" + filepath.ToSlash(filepath.Join(t.TempDir(), "absent.csv"))}); err == nil || Temporary(err) {
		t.Errorf("Fetch(absent file) = %v, want a permanent error", err)
	}
}

// TestConditionalUnreadableRecord fetches in full when the record of the
// last fetch cannot be read.
func TestConditionalUnreadableRecord(t *testing.T) {
	pub := &publisher{etag: true}
	pub.set("x", time.Now())
	var h hits
	srv := serve(t, &h, pub.ServeHTTP)
	a := mustArchive(t)
	f := conditionalFetcher(t, a, srv.URL)
	url := srv.URL + "/d"
	if _, err := f.Fetch(t.Context(), &Request{URL: url}); err != nil {
		t.Fatal(err)
	}
	if err := a.Sync(); err != nil {
		t.Fatal(err)
	}
	latest := filepath.Join(a.Dir(), "fetches", urlKey(url), "latest.json")
	if err := os.WriteFile(latest, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	doc, err := f.Fetch(t.Context(), &Request{URL: url})
	if err != nil || doc.NotModified {
		t.Fatalf("Fetch() with a damaged record = %v, want a full download", err)
	}
	if _, err := a.Latest(t.Context(), url); err != nil {
		t.Errorf("Latest() after the full download = %v, want the record replaced", err)
	}
}

// TestConditionalDecorator uses Conditional on its own, over any fetcher
// that reports 304 as an error wrapping ErrNotModified.
func TestConditionalDecorator(t *testing.T) {
	a := mustArchive(t)
	url := "https://example.org/data.csv"
	stored := &Document{URL: url, Status: 200, Body: []byte("a,b\n"), SHA256: Sum([]byte("a,b\n")),
		Header:  http.Header{"Etag": {`"v1"`}, "Content-Type": {"text/csv"}, "Content-Length": {"4"}},
		Fetched: time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)}
	if err := a.Put(t.Context(), stored); err != nil {
		t.Fatal(err)
	}
	var sent http.Header
	next := fetchFunc(func(_ context.Context, req *Request) (*Document, error) {
		sent = req.Header
		return nil, &notModifiedError{url: req.URL, header: http.Header{"Etag": {`"v1"`}, "Cache-Control": {"max-age=60"}, "Content-Length": {"0"}}, fetched: time.Now()}
	})
	c := &Conditional{Next: next, Archive: a, Logger: quiet()}
	req := &Request{URL: url, Header: http.Header{"Accept": {"text/csv"}}}
	doc, err := c.Fetch(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	if sent.Get("If-None-Match") != `"v1"` || sent.Get("Accept") != "text/csv" {
		t.Errorf("request headers = %v, want If-None-Match and the caller's own", sent)
	}
	if req.Header.Get("If-None-Match") != "" {
		t.Errorf("Fetch() changed the caller's request headers: %v", req.Header)
	}
	want := http.Header{"Etag": {`"v1"`}, "Content-Type": {"text/csv"}, "Content-Length": {"4"}, "Cache-Control": {"max-age=60"}}
	if diff := cmp.Diff(want, doc.Header); diff != "" {
		t.Errorf("Fetch().Header differs (-want +got):\n%s", diff)
	}
	if !doc.NotModified || string(doc.Body) != "a,b\n" {
		t.Errorf("Fetch() = NotModified %v, body %q, want the archived body", doc.NotModified, doc.Body)
	}

	// Any error wrapping ErrNotModified will do.
	c.Next = fetchFunc(func(_ context.Context, req *Request) (*Document, error) {
		return nil, fmt.Errorf("other fetcher: %w", ErrNotModified)
	})
	if doc, err := c.Fetch(t.Context(), req); err != nil || !doc.NotModified {
		t.Errorf("Fetch() over a plain ErrNotModified = %v, want a NotModified document", err)
	}
}

// TestConditionalFresh: a request whose Fresh time the archived copy is not
// older than is answered from the archive without a request and recorded
// nowhere; an older copy, or no Fresh time, asks the publisher.
func TestConditionalFresh(t *testing.T) {
	pub := &publisher{etag: true}
	pub.set("SWE,2023,1.5\n", time.Now())
	var h hits
	srv := serve(t, &h, pub.ServeHTTP)
	a := mustArchive(t)
	f := conditionalFetcher(t, a, srv.URL)
	url := srv.URL + "/data.csv"
	first, err := f.Fetch(t.Context(), &Request{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	requests := len(h.all())

	reused, err := f.Fetch(t.Context(), &Request{URL: url, Fresh: first.Fetched.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if !reused.Reused || !reused.NotModified || !bytes.Equal(reused.Body, first.Body) || !reused.Fetched.Equal(first.Fetched) {
		t.Errorf("Fetch(Fresh before the copy) = Reused %v, NotModified %v, body %q, fetched %v; want the archived copy of %v",
			reused.Reused, reused.NotModified, reused.Body, reused.Fetched, first.Fetched)
	}
	if n := len(h.all()); n != requests {
		t.Errorf("Fetch(Fresh before the copy) made %d requests, want none", n-requests)
	}
	if hist, err := a.History(url); err != nil || len(hist) != 1 {
		t.Errorf("History() = %d records, %v; want only the first fetch, so the copy ages", len(hist), err)
	}

	again, err := f.Fetch(t.Context(), &Request{URL: url, Fresh: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if again.Reused || !again.NotModified {
		t.Errorf("Fetch(Fresh after the copy) = Reused %v, NotModified %v; want a conditional request answered 304", again.Reused, again.NotModified)
	}
	if n := len(h.all()); n != requests+1 {
		t.Errorf("Fetch(Fresh after the copy) made %d requests, want 1", n-requests)
	}
}
