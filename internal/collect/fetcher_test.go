package collect

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

const testUA = "publish-test/1.0 (+https://example.org/contact)"

// testConfig returns settings for tests: no delay, no retries, short waits.
func testConfig() FetchConfig {
	return FetchConfig{
		UserAgent: testUA,
		Timeout:   Duration{5 * time.Second},
		Backoff:   Duration{time.Millisecond},
		MaxBody:   1 << 20,
	}
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// logBuffer is a slog handler's output that tests read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// newFetcher returns a fetcher of a new session for a source whose URLs are
// urls.
func newFetcher(t *testing.T, o SessionOptions, urls ...string) Fetcher {
	t.Helper()
	if o.Logger == nil {
		o.Logger = quiet()
	}
	s, err := NewSession(o)
	if err != nil {
		t.Fatalf("NewSession() = %v", err)
	}
	t.Cleanup(func() { s.Close() })
	f, err := s.Fetcher(Source{Name: "test", URLs: urls}, false)
	if err != nil {
		t.Fatalf("Fetcher() = %v", err)
	}
	return f
}

// hit is a request a test server received.
type hit struct {
	Path   string // with the query
	Header http.Header
	At     time.Time
}

// hits records the requests a test server receives.
type hits struct {
	mu   sync.Mutex
	list []hit
}

func (h *hits) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.list = append(h.list, hit{Path: r.URL.RequestURI(), Header: r.Header.Clone(), At: time.Now()})
		h.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (h *hits) all() []hit {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.list)
}

// count returns how many requests asked for path.
func (h *hits) count(path string) int {
	n := 0
	for _, x := range h.all() {
		if x.Path == path {
			n++
		}
	}
	return n
}

// serve starts a test server whose requests h records.
func serve(t *testing.T, h *hits, handler http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h.wrap(handler))
	t.Cleanup(srv.Close)
	return srv
}

func TestLimiterTurns(t *testing.T) {
	t0 := time.Date(2025, 11, 3, 10, 0, 0, 0, time.UTC)
	now := t0
	var waits []time.Duration
	l := &limiter{
		delay: 2 * time.Second,
		now:   func() time.Time { return now },
		sleep: func(_ context.Context, d time.Duration) error {
			waits = append(waits, d)
			return nil
		},
	}
	steps := []struct {
		at   time.Duration // since t0
		host string
		want time.Duration
	}{
		{0, "www.sipri.org", 0},
		{0, "www.sipri.org", 2 * time.Second},
		{0, "www.sipri.org", 4 * time.Second},
		{0, "api.worldbank.org", 0}, // another host has its own turns
		{500 * time.Millisecond, "api.worldbank.org", 1500 * time.Millisecond},
		{10 * time.Second, "www.sipri.org", 0}, // long after the last turn
		{10 * time.Second, "WWW.SIPRI.ORG", 2 * time.Second},
	}
	for i, s := range steps {
		now = t0.Add(s.at)
		waits = nil
		if err := l.wait(context.Background(), strings.ToLower(s.host)); err != nil {
			t.Fatal(err)
		}
		if got := waits[0]; got != s.want {
			t.Errorf("step %d: wait(%q) at +%s waited %s, want %s", i, s.host, s.at, got, s.want)
		}
	}
}

func TestLimiterStopsWaitingOnCancel(t *testing.T) {
	l := &limiter{delay: time.Hour}
	if err := l.wait(context.Background(), "h"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := l.wait(ctx, "h")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("wait() = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("wait() returned after %s, want soon after the context ended", d)
	}
}

// TestRateLimitSharedBySources fetches from two sources of one session on
// one host at once: their requests, robots.txt included, must be spaced by
// the delay between them, not per source. It runs on the fake clock of a
// synctest bubble, so the gaps the server sees are the limiter's own, to
// the nanosecond, whatever the machine is doing.
func TestRateLimitSharedBySources(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const delay = 150 * time.Millisecond
		var h hits
		srv := servePipe(&h, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				http.NotFound(w, r)
				return
			}
			fmt.Fprint(w, "ok")
		})
		defer srv.Close()
		cfg := testConfig()
		cfg.Delay = Duration{delay}
		s, err := NewSession(SessionOptions{Config: cfg, Logger: quiet(), Transport: srv.Transport})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		start := time.Now()
		var wg sync.WaitGroup
		for _, name := range []string{"a", "b"} {
			f, err := s.Fetcher(Source{Name: name, URLs: []string{srv.URL}}, false)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 2 {
				wg.Go(func() {
					if _, err := f.Fetch(t.Context(), &Request{URL: fmt.Sprintf("%s/%s/%d", srv.URL, name, i)}); err != nil {
						t.Error(err)
					}
				})
			}
		}
		wg.Wait()
		got := h.all()
		if len(got) != 5 {
			t.Fatalf("server got %d requests, want 5 (robots.txt once for the session, 4 documents): %v", len(got), got)
		}
		if n := h.count("/robots.txt"); n != 1 {
			t.Errorf("robots.txt fetched %d times, want once per session", n)
		}
		slices.SortFunc(got, func(a, b hit) int { return a.At.Compare(b.At) })
		if got[0].At != start {
			t.Errorf("first request at %s after the start, want at once", got[0].At.Sub(start))
		}
		for i := 1; i < len(got); i++ {
			if gap := got[i].At.Sub(got[i-1].At); gap != delay {
				t.Errorf("requests %s and %s are %s apart, want %s", got[i-1].Path, got[i].Path, gap, delay)
			}
		}
	})
}

func TestSessionDefaults(t *testing.T) {
	s, err := NewSession(SessionOptions{Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	def := DefaultFetchConfig()
	def.Delay = Duration{} // used as given, as ParseConfig leaves it
	def.Retries = 0
	if diff := cmp.Diff(def, s.Config()); diff != "" {
		t.Errorf("Config() of a zero FetchConfig differs from the defaults (-want +got):\n%s", diff)
	}
	if _, err := NewSession(SessionOptions{Config: FetchConfig{Retries: -1}}); err == nil {
		t.Errorf("NewSession(Retries: -1) = nil error, want an error")
	}
	if _, err := NewSession(SessionOptions{Config: FetchConfig{Mirror: "testdata/no-such-folder"}}); err == nil {
		t.Errorf("NewSession(Mirror: missing folder) = nil error, want an error")
	}
}

func TestFetcherConditionalNeedsArchive(t *testing.T) {
	s, err := NewSession(SessionOptions{Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Fetcher(Source{Name: "x", URLs: []string{"https://example.org/"}}, true); err == nil {
		t.Errorf("Fetcher(conditional) without an archive = nil error, want an error")
	}
}

func TestFetchLogs(t *testing.T) {
	var h hits
	srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "hello") })
	var logs logBuffer
	f := newFetcher(t, SessionOptions{Config: testConfig(), Logger: logs.logger()}, srv.URL)
	if _, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/x"}); err != nil {
		t.Fatal(err)
	}
	line := logs.String()
	for _, want := range []string{"level=INFO", "source=test", "url=" + srv.URL + "/x", "status=200", "bytes=5", "sha256=" + Sum([]byte("hello")), "duration="} {
		if !strings.Contains(line, want) {
			t.Errorf("log %q lacks %q", line, want)
		}
	}
}

// TestSessionMirrorFolder serves http(s) URLs from FetchConfig.Mirror.
func TestSessionMirrorFolder(t *testing.T) {
	cfg := testConfig()
	cfg.Mirror = "testdata/mirror"
	f := newFetcher(t, SessionOptions{Config: cfg}, "https://example.org/data.csv")
	doc, err := f.Fetch(t.Context(), &Request{URL: "https://example.org/data.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(doc.Body, []byte("country_iso3,year,value\n")) {
		t.Errorf("Fetch(data.csv).Body = %q, want the mirror's file", doc.Body)
	}
	_, err = f.Fetch(t.Context(), &Request{URL: "https://example.org/missing.csv"})
	if !errors.Is(err, ErrNotInMirror) {
		t.Errorf("Fetch(missing.csv) = %v, want ErrNotInMirror", err)
	}
	// The allow-list holds in mirror mode too.
	_, err = f.Fetch(t.Context(), &Request{URL: "https://elsewhere.example/data.csv"})
	if !errors.Is(err, ErrHostNotAllowed) {
		t.Errorf("Fetch(other host) = %v, want ErrHostNotAllowed", err)
	}
}

// TestConcurrentFetches runs fetches of several sources from many
// goroutines; run with -race.
func TestConcurrentFetches(t *testing.T) {
	var h hits
	srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nDisallow: /private\n")
			return
		}
		fmt.Fprint(w, r.URL.Path)
	})
	s, err := NewSession(SessionOptions{Config: testConfig(), Logger: quiet(), Archive: mustArchive(t)})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 4 {
		f, err := s.Fetcher(Source{Name: fmt.Sprintf("s%d", i), URLs: []string{srv.URL}}, i%2 == 0)
		if err != nil {
			t.Fatal(err)
		}
		for j := range 8 {
			wg.Go(func() {
				path := fmt.Sprintf("/doc/%d", j%3)
				doc, err := f.Fetch(t.Context(), &Request{URL: srv.URL + path})
				if err != nil {
					t.Errorf("Fetch(%s) = %v", path, err)
					return
				}
				if string(doc.Body) != path {
					t.Errorf("Fetch(%s).Body = %q, want %q", path, doc.Body, path)
				}
				if _, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/private/x"}); !errors.Is(err, ErrRobots) {
					t.Errorf("Fetch(/private/x) = %v, want ErrRobots", err)
				}
			})
		}
	}
	wg.Wait()
}

func mustArchive(t *testing.T) *DirArchive {
	t.Helper()
	a, err := OpenArchive(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func mustParse(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// BenchmarkFetch fetches a 1 MiB document from a local server; B/op shows
// the cost of keeping the publisher's bytes beside colly's copy.
func BenchmarkFetch(b *testing.B) {
	body := bytes.Repeat([]byte("SWE,2023,1.52\n"), (1<<20)/14)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/csv")
		w.Write(body)
	}))
	defer srv.Close()
	s, err := NewSession(SessionOptions{Config: testConfig(), Logger: quiet()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	f, err := s.Fetcher(Source{Name: "bench", URLs: []string{srv.URL}}, false)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Fetch(b.Context(), &Request{URL: srv.URL + "/data.csv"}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSourceDelay lets a source set its own pace on its hosts.
func TestSourceDelay(t *testing.T) {
	l := &limiter{delay: time.Hour}
	var slept []time.Duration
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return now }
	l.sleep = func(ctx context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	l.setDelay("fast.example", 500*time.Millisecond)
	for _, host := range []string{"fast.example", "fast.example", "slow.example", "slow.example"} {
		if err := l.wait(context.Background(), host); err != nil {
			t.Fatal(err)
		}
	}
	want := []time.Duration{0, 500 * time.Millisecond, 0, time.Hour}
	if fmt.Sprint(slept) != fmt.Sprint(want) {
		t.Errorf("waits = %v, want %v", slept, want)
	}
}
