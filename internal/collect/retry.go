package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DefaultMaxRetryAfter is the longest Retry-After that Retry waits for when
// its MaxRetryAfter is zero.
const DefaultMaxRetryAfter = 2 * time.Minute

// maxBackoff caps the doubled wait, however many retries there are.
const maxBackoff = 5 * time.Minute

// Retry is a Fetcher that tries again after a temporary failure: a 5xx, 429
// or 408 answer, a timeout, a connection reset or refused, or a body cut
// short. It waits Backoff before the first retry and doubles the wait each
// time, or waits as long as the server's Retry-After asks when that is
// longer. It never retries other failures (4xx, robots.txt, a host outside
// the allow-list, a body over the size limit, a document not in the
// mirror), and stops waiting as soon as ctx is done. It is safe for
// concurrent use when Next is.
type Retry struct {
	Next    Fetcher
	Retries int           // further attempts after the first; 0 means none
	Backoff time.Duration // wait before the first retry
	// MaxRetryAfter is the longest Retry-After honoured; zero means
	// DefaultMaxRetryAfter. A server asking for a longer wait gets none:
	// Fetch fails at once rather than hold the run or ignore the request.
	MaxRetryAfter time.Duration
	Logger        *slog.Logger // nil means slog.Default(); each retry logs at Warn

	sleep func(ctx context.Context, d time.Duration) error // tests replace it
	now   func() time.Time
}

// Fetch implements Fetcher.
func (r *Retry) Fetch(ctx context.Context, req *Request) (*Document, error) {
	sleep, now := r.sleep, r.now
	if sleep == nil {
		sleep = sleepContext
	}
	if now == nil {
		now = time.Now
	}
	maxAfter := r.MaxRetryAfter
	if maxAfter <= 0 {
		maxAfter = DefaultMaxRetryAfter
	}
	for attempt := 0; ; attempt++ {
		doc, err := r.Next.Fetch(ctx, req)
		if err == nil {
			return doc, nil
		}
		if ctx.Err() != nil || !Temporary(err) {
			return nil, err
		}
		if attempt >= r.Retries {
			if attempt > 0 {
				err = fmt.Errorf("%w (gave up after %d attempts)", err, attempt+1)
			}
			return nil, err
		}
		wait := r.Backoff
		for i := 0; i < attempt && wait < maxBackoff; i++ {
			wait *= 2
		}
		wait = min(wait, max(maxBackoff, r.Backoff))
		var ra *retryAfterError
		if errors.As(err, &ra) {
			after := ra.wait(now())
			if after > maxAfter {
				return nil, fmt.Errorf("%w (the server asks to retry after %s, longer than the %s allowed)", err, after.Round(time.Second), maxAfter)
			}
			wait = max(wait, after)
		}
		logger(r.Logger).Warn("fetch failed; retrying", "url", req.URL, "attempt", attempt+1, "attempts", r.Retries+1, "wait", wait, "err", err)
		if serr := sleep(ctx, wait); serr != nil {
			return nil, fmt.Errorf("collect: fetch %s: %w (while waiting to retry after: %v)", req.URL, serr, err)
		}
	}
}

// Temporary reports whether a failed fetch may succeed if tried again: a
// 5xx, 429 or 408 answer, a timeout (the fetcher's or the network's), a
// connection reset, refused or closed early, or a body cut short. A
// cancelled context, a 4xx answer, robots.txt, the allow-list, the size
// limit, a missing file and a document not in the mirror are not.
func Temporary(err error) bool {
	for _, permanent := range []error{ErrRobots, ErrHostNotAllowed, ErrTooLarge, ErrNotModified, ErrNotInMirror, context.Canceled, fs.ErrNotExist} {
		if errors.Is(err, permanent) {
			return false
		}
	}
	var se *StatusError
	if errors.As(err, &se) {
		return se.Temporary()
	}
	var te interface{ Timeout() bool }
	if errors.As(err, &te) && te.Timeout() {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.IsTimeout || dns.IsTemporary
	}
	for _, transient := range []error{context.DeadlineExceeded, io.ErrUnexpectedEOF, io.EOF,
		syscall.ECONNRESET, syscall.ECONNREFUSED, syscall.ECONNABORTED, syscall.EPIPE} {
		if errors.Is(err, transient) {
			return true
		}
	}
	return false
}

// retryAfterError carries the Retry-After header of a 429 or 5xx answer.
type retryAfterError struct {
	err   error
	after string // the header's value: seconds or an HTTP date
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// wait returns how long the header asks to wait from now; zero when it
// cannot be read or has passed.
func (e *retryAfterError) wait(now time.Time) time.Duration {
	v := strings.TrimSpace(e.after)
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(24*time.Hour/time.Second) {
			return 24 * time.Hour
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// statusError returns the error for an answer with a status other than 2xx
// or 304, keeping a Retry-After header for Retry.
func statusError(url string, code int, h http.Header) error {
	err := error(&StatusError{URL: url, Code: code})
	if ra := h.Get("Retry-After"); ra != "" {
		err = &retryAfterError{err: err, after: ra}
	}
	return err
}

// sleepContext waits for d or until ctx is done.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
