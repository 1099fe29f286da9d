// Package collecttest holds what the tests of every collector share: Suite,
// which serves a collector misbehaving publishers and checks that it fails
// cleanly, as restic's backend test suite does for its backends; Fetcher,
// a fetcher for tests that reads a mirror folder or talks to httptest
// servers; Session, the same with a raw archive, for second runs;
// MapFetcher, which serves documents from memory; and Recorder, which
// records what a collector asks for.
package collecttest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/mirror"
)

// UserAgent is the User-Agent of the fetchers made here.
const UserAgent = "publish-test/1.0 (+https://github.com/defence-transparency/publish)"

// Config returns fetch settings for tests: no delay between requests, one
// quick retry, the default size limit.
func Config() collect.FetchConfig {
	return collect.FetchConfig{
		UserAgent: UserAgent,
		Timeout:   collect.Duration{Duration: 10 * time.Second},
		Retries:   1,
		Backoff:   collect.Duration{Duration: time.Millisecond},
		MaxBody:   collect.DefaultFetchConfig().MaxBody,
	}
}

// Fetcher returns a fetcher for src with the settings of Config. With fsys
// set it serves http and https URLs from fsys, laid out by URL as
// collect.MirrorTransport describes (mirror.FS, os.DirFS("testdata/…"),
// fstest.MapFS); with fsys nil it uses the network, for httptest servers.
// file:// URLs work either way. It keeps no archive and makes no
// conditional requests, and logs nothing.
func Fetcher(t testing.TB, src collect.Source, fsys fs.FS) collect.Fetcher {
	t.Helper()
	return SessionFetcher(t, newSession(t, fsys, nil), src, false)
}

// Session returns a fetch session for tests with the settings of Config,
// serving URLs as Fetcher does, that keeps a raw archive in a temporary
// folder, as the pipeline does: its fetchers made with conditional set ask
// for each document only if it changed since the session last fetched it,
// and answer one that did not with the archived body and NotModified set.
// It logs nothing and is closed when the test ends.
func Session(t testing.TB, fsys fs.FS) *collect.Session {
	t.Helper()
	a, err := collect.OpenArchive(t.TempDir())
	if err != nil {
		t.Fatalf("collecttest: %v", err)
	}
	return newSession(t, fsys, a)
}

// SessionFetcher returns s's fetcher for src, making conditional requests
// or not, and fails the test when s cannot make one.
func SessionFetcher(t testing.TB, s *collect.Session, src collect.Source, conditional bool) collect.Fetcher {
	t.Helper()
	f, err := s.Fetcher(src, conditional)
	if err != nil {
		t.Fatalf("collecttest: %v", err)
	}
	return f
}

func newSession(t testing.TB, fsys fs.FS, a collect.Archive) *collect.Session {
	t.Helper()
	s, err := collect.NewSession(collect.SessionOptions{Config: Config(), Mirror: fsys, Archive: a, Logger: discard()})
	if err != nil {
		t.Fatalf("collecttest: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// Unchanged collects src twice from fsys through one session with a raw
// archive, as the pipeline does: the first run must give rows; the second
// makes conditional requests, every document answers 304, and Collect must
// say the source is unchanged (an error wrapping collect.ErrUnchanged, no
// table), so that the pipeline keeps the records it has and parses nothing.
func Unchanged(t *testing.T, c collect.Collector, src collect.Source, fsys fs.FS) {
	t.Helper()
	s := Session(t, fsys)
	tab, err := c.Collect(t.Context(), SessionFetcher(t, s, src, false), src)
	if err != nil || tab == nil || tab.Len() == 0 {
		t.Fatalf("Collect() first run = %v, %v; want rows", tab, err)
	}
	rec := &Recorder{Next: SessionFetcher(t, s, src, true)}
	tab, err = c.Collect(t.Context(), rec, src)
	if !errors.Is(err, collect.ErrUnchanged) || tab != nil {
		t.Errorf("Collect() second run = %v, %v; want nil, an error wrapping collect.ErrUnchanged", tab, err)
	}
	if len(rec.Fetched()) == 0 {
		t.Error("Collect() second run fetched nothing: it must ask the publisher whether anything changed")
	}
}

// Target is a collector under test.
type Target struct {
	// Paths are the paths, with any query, of the source's start URLs,
	// as the collector expects them (a collector may tell documents
	// apart by their path). Each misbehaving server serves every path.
	// Empty means one path, "/data".
	Paths []string
	// New returns the collector and a source whose URLs are urls, one per
	// path, in order. The source must allow the URLs' host: leave
	// Source.Hosts empty.
	New func(urls []string) (collect.Collector, collect.Source)
	// Mirror returns the collector and its source as they read the bundled
	// offline mirror (mirror.FS). Suite then checks that a second run with
	// nothing new is unchanged (see Unchanged). Every collector whose
	// source the mirror holds sets it.
	Mirror func() (collect.Collector, collect.Source)
}

// Suite runs every Fault against the collector: each must make Collect
// return an error and no table, and the error must say what went wrong by
// wrapping the fetcher's error (%w), so callers can tell a robots.txt
// refusal from a server down. It runs in a few seconds.
func Suite(t *testing.T, tg Target) {
	t.Helper()
	if tg.Mirror != nil {
		t.Run("second run unchanged", func(t *testing.T) {
			t.Parallel()
			c, src := tg.Mirror()
			Unchanged(t, c, src, mirror.FS)
		})
	}
	for _, f := range Faults() {
		t.Run(f.Name, func(t *testing.T) {
			t.Parallel()
			if err := Check(t.Context(), tg, f); err != nil {
				t.Error(err)
			}
		})
	}
}

// Fault is a way a publisher's server misbehaves, with what Collect must
// return then.
type Fault struct {
	Name string
	// Description says what the server does and what is expected.
	Description string

	config  func(*collect.FetchConfig)
	handler func(sc *scene) http.HandlerFunc
	check   func(err error, sc *scene) error
}

// suiteConfig returns the settings Check fetches with: a small size limit
// and a quick retry, so that every fault shows in well under a second. The
// timeout is a generous one, which a loaded machine running many suites at
// once does not reach; the fault that tests it sets its own.
func suiteConfig() collect.FetchConfig {
	return collect.FetchConfig{
		UserAgent: UserAgent,
		Timeout:   collect.Duration{Duration: 10 * time.Second},
		Retries:   1,
		Backoff:   collect.Duration{Duration: time.Millisecond},
		MaxBody:   maxBody,
	}
}

const maxBody = 64 << 10

// Check runs one fault against the collector and returns what was wrong
// with its answer, or nil.
func Check(ctx context.Context, tg Target, f Fault) error {
	sc := &scene{}
	other := httptest.NewServer(sc.count(&sc.otherHits, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "country_iso3,year,value\nSWE,2023,1.5\n")
	}))
	defer closeServer(other)
	// The same machine under another name: "localhost" is not the
	// "127.0.0.1" the source allows.
	sc.otherURL = strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	srv := httptest.NewServer(sc.count(&sc.hits, f.handler(sc)))
	defer closeServer(srv)

	paths := tg.Paths
	if len(paths) == 0 {
		paths = []string{"/data"}
	}
	var urls []string
	for _, p := range paths {
		urls = append(urls, srv.URL+"/"+strings.TrimPrefix(p, "/"))
	}
	coll, src := tg.New(urls)
	host := srv.Listener.Addr().String() // the allow-list matches the port too
	if !slices.Contains(src.AllowedHosts(), host) {
		return fmt.Errorf("%s: the source allows hosts %q, want the suite's server %s: leave Source.Hosts empty", f.Name, src.AllowedHosts(), host)
	}
	cfg := suiteConfig()
	if f.config != nil {
		f.config(&cfg)
	}
	s, err := collect.NewSession(collect.SessionOptions{Config: cfg, Logger: discard()})
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name, err)
	}
	defer s.Close()
	fetcher, err := s.Fetcher(src, false)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Name, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	table, err := coll.Collect(ctx, fetcher, src)

	var errs []error
	if table != nil {
		errs = append(errs, fmt.Errorf("Collect returned a table of %d rows, want no records", table.Len()))
	}
	switch {
	case err == nil:
		errs = append(errs, errors.New("Collect returned no error, want one"))
	case errors.Is(err, collect.ErrUnchanged):
		errs = append(errs, fmt.Errorf("Collect = %v, which says the documents are unchanged", err))
	default:
		if cerr := f.check(err, sc); cerr != nil {
			errs = append(errs, cerr)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%s (%s):\n%w", f.Name, f.Description, err)
	}
	return nil
}

// closeServer closes a test server without waiting for handlers that hold a
// connection open.
func closeServer(s *httptest.Server) {
	s.CloseClientConnections()
	s.Close()
}

// scene is one run of a fault: the misbehaving server's and the other
// host's requests.
type scene struct {
	otherURL string

	mu        sync.Mutex
	hits      []string // paths the misbehaving server was asked for
	otherHits []string
}

func (sc *scene) count(list *[]string, next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sc.mu.Lock()
		*list = append(*list, r.URL.Path)
		sc.mu.Unlock()
		next(w, r)
	})
}

// documents returns how many requests other than robots.txt the server got.
func (sc *scene) documents() int {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	n := 0
	for _, p := range sc.hits {
		if p != "/robots.txt" {
			n++
		}
	}
	return n
}

func (sc *scene) others() int {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return len(sc.otherHits)
}
