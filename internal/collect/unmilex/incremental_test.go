package unmilex

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
)

// site is a local UN Milex reporting site for the incremental runs: a
// states index whose entries date each state's last change, and a page per
// state and year that answers conditional requests by ETag. It counts the
// requests it gets, robots.txt aside.
type site struct {
	srv     *httptest.Server
	states  []string
	first   int
	last    int
	body    []byte
	mu      sync.Mutex
	changed map[string]time.Time // a state's last change, as the index dates it
	version map[string]int       // bumped when a state's pages change
	hits    atomic.Int64
	bodies  atomic.Int64 // 200 answers
}

func newSite(t testing.TB, states []string, first, last int, since time.Time) *site {
	s := &site{states: states, first: first, last: last, changed: map[string]time.Time{}, version: map[string]int{},
		body: fixtureFiles()[filepath.Join("en", "states", "DEU", "2022")]}
	for _, c := range states {
		s.changed[c] = since
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// change marks n states as changed at when: their pages get a new ETag and
// the index their new date.
func (s *site) change(n int, when time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.states[:n] {
		s.changed[c] = when
		s.version[c]++
	}
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		http.NotFound(w, r)
		return
	}
	s.hits.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	var body []byte
	var tag string
	if r.URL.Path == "/en/states/" {
		var b strings.Builder
		b.WriteString("<!DOCTYPE html><html><body><ul>")
		for _, c := range s.states {
			fmt.Fprintf(&b, `<li><a href="/en/states/%s">%s</a> <time datetime="%s">updated</time></li>`, c, c, s.changed[c].Format(time.RFC3339))
		}
		b.WriteString("</ul></body></html>")
		body = []byte(b.String())
		tag = fmt.Sprintf(`"%x"`, sha256.Sum256(body))
	} else {
		code, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/en/states/"), "/")
		body = s.body
		tag = fmt.Sprintf(`"%s-%d"`, code, s.version[code])
	}
	w.Header().Set("ETag", tag)
	if r.Header.Get("If-None-Match") == tag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.bodies.Add(1)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(body)
}

func (s *site) source() collect.Source {
	return collect.Source{Name: "unmilex", Dataset: "cbm-reports", Collector: "unmilex", URLs: []string{s.srv.URL + "/en/states/"},
		Options: map[string]any{"first_year": int64(s.first), "last_year": int64(s.last)}}
}

// runResult is what one run cost.
type runResult struct {
	requests, bodies int64
	elapsed          time.Duration
	unchanged        bool
}

// run collects once, as the pipeline does (a conditional fetcher with the
// session's archive), with the collector's clock at now, and returns what
// the site saw.
func (s *site) run(t testing.TB, sess *collect.Session, now time.Time) runResult {
	t.Helper()
	h, b := s.hits.Load(), s.bodies.Load()
	src := s.source()
	f := collecttest.SessionFetcher(t, sess, src, true)
	start := time.Now()
	ctx, _ := collect.WithWarnings(t.Context())
	_, err := (&Collector{Now: func() time.Time { return now }}).Collect(ctx, f, src)
	r := runResult{requests: s.hits.Load() - h, bodies: s.bodies.Load() - b, elapsed: time.Since(start)}
	if err != nil {
		if !errors.Is(err, collect.ErrUnchanged) {
			t.Fatalf("Collect() error = %v", err)
		}
		r.unchanged = true
	}
	return r
}

// days are the scenarios of the incremental runs: the first (cold) run,
// a day on which the index shows no change, a day on which 5 states
// changed, and the weekly full refresh.
func incrementalRuns(t testing.TB, s *site, sess *collect.Session, t0 time.Time) (cold, same, five, full runResult) {
	cold = s.run(t, sess, t0)
	same = s.run(t, sess, t0.Add(24*time.Hour))
	s.change(5, t0.Add(36*time.Hour))
	five = s.run(t, sess, t0.Add(48*time.Hour))
	full = s.run(t, sess, t0.Add(8*24*time.Hour))
	return cold, same, five, full
}

// TestIncremental checks the request pattern of the incremental runs on a
// small site (12 states, 3 years): the index alone on a day without
// change; the index and the changed states' pages on a day with changes;
// every page, conditionally, on the full refresh.
func TestIncremental(t *testing.T) {
	states := Members()[:12]
	t0 := time.Now().UTC()
	s := newSite(t, states, 2021, 2023, t0.Add(-30*24*time.Hour))
	sess := collecttest.Session(t, nil)
	pages := int64(len(states) * 3)
	cold, same, five, full := incrementalRuns(t, s, sess, t0)
	if cold.requests != 1+pages || cold.bodies != 1+pages {
		t.Errorf("cold run: %d requests, %d bodies; want the index and %d pages", cold.requests, cold.bodies, pages)
	}
	if same.requests != 1 || !same.unchanged {
		t.Errorf("unchanged day: %d requests, unchanged %v; want the index alone, and the source unchanged", same.requests, same.unchanged)
	}
	if five.requests != 1+5*3 || five.bodies != 1+5*3 || five.unchanged {
		t.Errorf("5 states changed: %d requests, %d bodies; want the index and the 15 changed pages, all new", five.requests, five.bodies)
	}
	if full.requests != 1+pages || full.bodies != 0 || !full.unchanged {
		t.Errorf("full refresh: %d requests, %d bodies, unchanged %v; want the index and every page, all 304", full.requests, full.bodies, full.unchanged)
	}

	// Without the option, every page is asked for every day.
	s2 := newSite(t, states, 2021, 2023, t0.Add(-30*24*time.Hour))
	sess2 := collecttest.Session(t, nil)
	src := s2.source()
	src.Options["incremental"] = false
	s2.run(t, sess2, t0)
	h := s2.hits.Load()
	f := collecttest.SessionFetcher(t, sess2, src, true)
	if _, err := (&Collector{Now: func() time.Time { return t0.Add(24 * time.Hour) }}).Collect(t.Context(), f, src); !errors.Is(err, collect.ErrUnchanged) {
		t.Errorf("Collect(incremental = false, nothing changed) error = %v, want ErrUnchanged", err)
	}
	if n := s2.hits.Load() - h; n != 1+pages {
		t.Errorf("incremental = false: %d requests on an unchanged day, want %d", n, 1+pages)
	}
}

// BenchmarkIncremental runs the incremental collection against a local
// site of the real size, 193 states and 26 years (2000-2025, 5,018
// pages), with no politeness delay, and reports for each run the requests
// the site saw and the seconds it took here, and the seconds the same
// requests take at the source's delay of one request a second
// (requests x 1 s): a cold first run, a day on which the index shows no
// change, a day on which 5 states changed, and the weekly full refresh.
func BenchmarkIncremental(b *testing.B) {
	for b.Loop() {
		t0 := time.Now().UTC()
		s := newSite(b, Members(), 2000, 2025, t0.Add(-30*24*time.Hour))
		sess := collecttest.Session(b, nil)
		cold, same, five, full := incrementalRuns(b, s, sess, t0)
		for _, m := range []struct {
			name string
			r    runResult
		}{{"cold", cold}, {"unchanged", same}, {"changed5", five}, {"full", full}} {
			b.ReportMetric(float64(m.r.requests), m.name+"-fetches")
			b.ReportMetric(m.r.elapsed.Seconds(), m.name+"-s")
			b.ReportMetric(float64(m.r.requests), m.name+"-s@1rps")
		}
	}
}
