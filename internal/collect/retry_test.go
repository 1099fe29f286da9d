package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRetryThenSuccess(t *testing.T) {
	var h hits
	srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		if h.count("/doc") < 3 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "ok")
	})
	var logs logBuffer
	cfg := testConfig()
	cfg.Retries = 3
	f := newFetcher(t, SessionOptions{Config: cfg, Logger: logs.logger()}, srv.URL)
	doc, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/doc"})
	if err != nil || string(doc.Body) != "ok" {
		t.Fatalf("Fetch() = %v, want success on the third attempt", err)
	}
	if n := h.count("/doc"); n != 3 {
		t.Errorf("server got %d requests, want 3", n)
	}
	if n := strings.Count(logs.String(), "level=WARN msg=\"fetch failed; retrying\""); n != 2 {
		t.Errorf("log has %d retry warnings, want 2:\n%s", n, logs.String())
	}
}

func TestRetryGivesUp(t *testing.T) {
	var h hits
	srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		http.Error(w, "broken", http.StatusInternalServerError)
	})
	cfg := testConfig()
	cfg.Retries = 2
	f := newFetcher(t, SessionOptions{Config: cfg}, srv.URL)
	_, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/doc"})
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 500 {
		t.Errorf("Fetch() = %v, want *StatusError 500", err)
	}
	if !strings.Contains(fmt.Sprint(err), "gave up after 3 attempts") {
		t.Errorf("Fetch() = %v, want it to say how many attempts it made", err)
	}
	if n := h.count("/doc"); n != 3 {
		t.Errorf("server got %d requests, want 3", n)
	}
}

// fetchFunc adapts a function to Fetcher.
type fetchFunc func(ctx context.Context, req *Request) (*Document, error)

func (f fetchFunc) Fetch(ctx context.Context, req *Request) (*Document, error) { return f(ctx, req) }

// failing returns a fetcher that fails with errs in turn, then succeeds,
// and counts its calls.
func failing(calls *int, errs ...error) Fetcher {
	return fetchFunc(func(ctx context.Context, req *Request) (*Document, error) {
		*calls++
		if *calls <= len(errs) {
			return nil, errs[*calls-1]
		}
		return &Document{URL: req.URL, Status: 200}, nil
	})
}

func TestRetryWaits(t *testing.T) {
	now := time.Date(2025, 11, 3, 10, 0, 0, 0, time.UTC)
	status := func(code int, retryAfter string) error {
		return statusError("https://example.org/x", code, http.Header{"Retry-After": {retryAfter}})
	}
	e503 := &StatusError{URL: "https://example.org/x", Code: 503}
	tests := []struct {
		name      string
		retries   int
		errs      []error
		wantWaits []time.Duration
		wantCalls int
		wantErr   bool
	}{
		{"backoff doubles", 3, []error{e503, e503, e503}, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, 4, false},
		{"retries run out", 2, []error{e503, e503, e503}, []time.Duration{time.Second, 2 * time.Second}, 3, true},
		{"no retries", 0, []error{e503}, nil, 1, true},
		{"retry-after seconds", 1, []error{status(429, "7")}, []time.Duration{7 * time.Second}, 2, false},
		{"retry-after date", 1, []error{status(503, now.Add(45*time.Second).Format(http.TimeFormat))}, []time.Duration{45 * time.Second}, 2, false},
		{"retry-after shorter than backoff", 1, []error{status(503, "0")}, []time.Duration{time.Second}, 2, false},
		{"retry-after unreadable", 1, []error{status(503, "soon")}, []time.Duration{time.Second}, 2, false},
		{"retry-after too long", 3, []error{status(429, "3600")}, nil, 1, true},
		{"not temporary", 3, []error{&StatusError{URL: "https://example.org/x", Code: 404}}, nil, 1, true},
		{"robots", 3, []error{fmt.Errorf("x: %w", ErrRobots)}, nil, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			var waits []time.Duration
			r := &Retry{
				Next:          failing(&calls, tt.errs...),
				Retries:       tt.retries,
				Backoff:       time.Second,
				MaxRetryAfter: time.Minute,
				Logger:        quiet(),
				now:           func() time.Time { return now },
				sleep: func(_ context.Context, d time.Duration) error {
					waits = append(waits, d)
					return nil
				},
			}
			_, err := r.Fetch(t.Context(), &Request{URL: "https://example.org/x"})
			if (err != nil) != tt.wantErr {
				t.Errorf("Fetch() = %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.wantWaits, waits); diff != "" {
				t.Errorf("waits differ (-want +got):\n%s", diff)
			}
			if calls != tt.wantCalls {
				t.Errorf("Next called %d times, want %d", calls, tt.wantCalls)
			}
		})
	}
}

func TestRetryBackoffCapped(t *testing.T) {
	calls := 0
	var waits []time.Duration
	errs := make([]error, 40)
	for i := range errs {
		errs[i] = &StatusError{Code: 502}
	}
	r := &Retry{Next: failing(&calls, errs...), Retries: 40, Backoff: time.Second, Logger: quiet(),
		sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	if _, err := r.Fetch(t.Context(), &Request{URL: "x"}); err != nil {
		t.Fatal(err)
	}
	for i, w := range waits {
		if w <= 0 || w > maxBackoff {
			t.Fatalf("wait %d = %s, want within (0, %s]", i, w, maxBackoff)
		}
	}
}

// TestRetryStopsOnCancel cancels a fetch while Retry waits an hour to try
// again: it must return at the cancel, on a synctest bubble's fake clock,
// without a second call.
func TestRetryStopsOnCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		calls := 0
		r := &Retry{Next: failing(&calls, &StatusError{Code: 503}, &StatusError{Code: 503}), Retries: 5, Backoff: time.Hour, Logger: quiet()}
		const after = 20 * time.Millisecond
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(after, cancel)
		start := time.Now()
		_, err := r.Fetch(ctx, &Request{URL: "https://example.org/x"})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Fetch() = %v, want context.Canceled", err)
		}
		if d := time.Since(start); d != after {
			t.Errorf("Fetch() returned %s after the start, want at the cancel, %s", d, after)
		}
		if calls != 1 {
			t.Errorf("Next called %d times, want 1", calls)
		}
	})
}

func TestTemporary(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"500", &StatusError{Code: 500}, true},
		{"503 wrapped with retry-after", fmt.Errorf("f: %w", statusError("u", 503, http.Header{"Retry-After": {"1"}})), true},
		{"429", &StatusError{Code: 429}, true},
		{"408", &StatusError{Code: 408}, true},
		{"404", &StatusError{Code: 404}, false},
		{"403", &StatusError{Code: 403}, false},
		{"timeout", &timeoutError{url: "u", d: time.Second}, true},
		{"net timeout", &url.Error{Op: "Get", URL: "u", Err: &net.OpError{Op: "dial", Err: &timeoutNetError{}}}, true},
		{"connection reset", &net.OpError{Op: "read", Err: syscall.ECONNRESET}, true},
		{"connection refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true},
		{"truncated", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"dns temporary", &net.DNSError{Err: "server misbehaving", IsTemporary: true}, true},
		{"dns not found", &net.DNSError{Err: "no such host", IsNotFound: true}, false},
		{"robots", fmt.Errorf("f: %w", ErrRobots), false},
		{"host", fmt.Errorf("f: %w", ErrHostNotAllowed), false},
		{"too large", fmt.Errorf("f: %w", ErrTooLarge), false},
		{"not modified", &notModifiedError{url: "u"}, false},
		{"not in mirror", fmt.Errorf("f: %w", ErrNotInMirror), false},
		{"missing file", fmt.Errorf("f: %w", fs.ErrNotExist), false},
		{"cancelled", fmt.Errorf("f: %w", context.Canceled), false},
		{"other", errors.New("parse error"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Temporary(tt.err); got != tt.want {
				t.Errorf("Temporary(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

type timeoutNetError struct{}

func (timeoutNetError) Error() string   { return "i/o timeout" }
func (timeoutNetError) Timeout() bool   { return true }
func (timeoutNetError) Temporary() bool { return true }
