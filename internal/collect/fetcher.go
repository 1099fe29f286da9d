package collect

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"
)

// SessionOptions configure a Session.
type SessionOptions struct {
	// Config holds the fetcher's settings. Zero values of UserAgent,
	// Timeout, Backoff and MaxBody take the defaults of DefaultFetchConfig;
	// Delay and Retries are used as given (zero is no delay, no retries),
	// as ParseConfig leaves them.
	Config FetchConfig
	// Mirror, when set, serves http and https URLs from this file system
	// laid out by URL (see MirrorTransport) instead of the network: pass
	// mirror.FS for the bundled offline mirror. When it is nil and
	// Config.Mirror names a folder, that folder is served.
	Mirror fs.FS
	// Archive keeps every fetched document and the validators of
	// conditional requests. Nil keeps nothing; then no fetcher of the
	// session may make conditional requests.
	Archive Archive
	// Transport carries http and https requests to the network; nil means
	// a clone of http.DefaultTransport.
	Transport http.RoundTripper
	// MaxRetryAfter is the longest Retry-After honoured (see Retry).
	MaxRetryAfter time.Duration
	// Logger receives a line per fetch (Info), per retry (Warn) and per
	// ignored COLLY_* environment variable (Warn); nil means slog.Default().
	Logger *slog.Logger
}

// Session is what the fetchers of one run share: the HTTP client and its
// transport, with the per-host rate limit, robots.txt rules already
// fetched, cookies, and the archive. Sharing the rate limit is the point:
// two sources on one host wait for each other, and robots.txt requests
// count too. A Session is safe for concurrent use, and so are the fetchers
// it makes: several sources may fetch at once from different goroutines.
//
// Requests travel through these layers, each a small type:
//
//	Fetcher: logged → Archiver → Conditional → Retry → client (colly)
//	Transport: callTransport → by scheme:
//	    file://       fileTransport
//	    http(s)://    MirrorTransport, or limiter → timeouts → network
//
// The rate limit and the timeout apply only to the network: the mirror and
// local files answer at once. The timeout bounds one HTTP exchange, from
// sending the request to the end of the body, and not the wait for the
// host's turn.
type Session struct {
	cfg           FetchConfig
	archive       Archive
	log           *slog.Logger
	col           *colly.Collector
	network       http.RoundTripper // nil when a mirror serves http(s)
	limit         *limiter          // nil when a mirror serves http(s)
	maxRetryAfter time.Duration
	root          *os.Root // the mirror folder of the sources file, when set
}

var _ interface {
	Fetcher(Source, bool) (Fetcher, error)
	Sync() error
} = (*Session)(nil)

// NewSession returns a session with o's settings.
func NewSession(o SessionOptions) (*Session, error) {
	cfg := o.Config.withDefaults()
	if cfg.Retries < 0 {
		return nil, fmt.Errorf("collect: session: retries must not be negative (got %d)", cfg.Retries)
	}
	log := logger(o.Logger)
	s := &Session{cfg: cfg, archive: o.Archive, log: log, maxRetryAfter: o.MaxRetryAfter}

	var web http.RoundTripper
	switch {
	case o.Mirror != nil:
		web = MirrorTransport(o.Mirror)
	case cfg.Mirror != "":
		info, err := os.Stat(cfg.Mirror)
		if err == nil && !info.IsDir() {
			err = fmt.Errorf("not a folder")
		}
		if err != nil {
			return nil, fmt.Errorf("collect: mirror %s: %w", cfg.Mirror, err)
		}
		// Through an os.Root: a symbolic link in the mirror that leads out
		// of its folder is refused, not followed.
		root, err := os.OpenRoot(cfg.Mirror)
		if err != nil {
			return nil, fmt.Errorf("collect: mirror %s: %w", cfg.Mirror, err)
		}
		s.root = root
		web = MirrorTransport(root.FS())
	default:
		s.network = o.Transport
		if s.network == nil {
			s.network = http.DefaultTransport.(*http.Transport).Clone()
		}
		s.limit = &limiter{
			next:  &timeouts{next: s.network, d: cfg.Timeout.Duration},
			delay: cfg.Delay.Duration,
		}
		web = s.limit
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, fmt.Errorf("collect: session: %w", err)
	}
	hc := &http.Client{
		Transport: &callTransport{next: schemes{web: web, file: fileTransport{}}},
		Jar:       jar,
		// No client-wide timeout: the timeouts transport bounds each
		// exchange, after the rate limit's wait.
		Timeout: 0,
	}
	s.col = newCollector(cfg, hc, log)
	return s, nil
}

// Config returns the session's settings, defaults filled in.
func (s *Session) Config() FetchConfig { return s.cfg }

// Fetcher returns a fetcher for src: it may contact only src's hosts
// (AllowedHosts) and local files; with conditional set it makes conditional
// requests from the archive, which the caller may ask for only when it
// still holds the records parsed from the archived documents.
func (s *Session) Fetcher(src Source, conditional bool) (Fetcher, error) {
	if conditional && s.archive == nil {
		return nil, fmt.Errorf("collect: source %q: conditional requests need an archive", src.Name)
	}
	hosts := src.AllowedHosts()
	if src.Delay.Duration > 0 && s.limit != nil {
		// The source asks for its own pace on its hosts (a site with
		// thousands of small pages, say); it holds for every source of the
		// session that shares those hosts, whatever the port.
		for _, h := range hosts {
			if host, _, err := net.SplitHostPort(h); err == nil {
				h = host
			}
			s.limit.setDelay(h, src.Delay.Duration)
		}
	}
	log := s.log.With("source", src.Name)
	var folders []string
	for _, raw := range src.URLs {
		if u, err := url.Parse(raw); err == nil && u.Scheme == "file" {
			folders = append(folders, filepath.Dir(filepath.Clean(filepath.FromSlash(u.Path))))
		}
	}
	var f Fetcher = &client{tmpl: s.col, ua: s.cfg.UserAgent, maxBody: int64(s.cfg.MaxBody), hosts: hosts, folders: folders}
	f = &Retry{Next: f, Retries: s.cfg.Retries, Backoff: s.cfg.Backoff.Duration, MaxRetryAfter: s.maxRetryAfter, Logger: log}
	if conditional {
		f = &Conditional{Next: f, Archive: s.archive, Logger: log}
	}
	if s.archive != nil {
		f = &Archiver{Next: f, Archive: s.archive}
	}
	return &logged{next: f, log: log}, nil
}

// Sync makes the archive's records of the session's fetches so far
// durable (Archive.Sync). A session without an archive has none.
func (s *Session) Sync() error {
	if s.archive == nil {
		return nil
	}
	return s.archive.Sync()
}

// Close closes the idle network connections of the session. It does not
// stop fetches under way.
func (s *Session) Close() error {
	if c, ok := s.network.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
	if s.root != nil {
		return s.root.Close()
	}
	return nil
}

// logged is the outermost Fetcher of a source: it logs each document
// fetched. Failures are the caller's to report.
type logged struct {
	next Fetcher
	log  *slog.Logger
}

func (l *logged) Fetch(ctx context.Context, req *Request) (*Document, error) {
	start := time.Now()
	doc, err := l.next.Fetch(ctx, req)
	if err != nil {
		return nil, err
	}
	if doc.Reused {
		// Thousands of pages a run may be reused: one line each at debug.
		l.log.Debug("reused", "url", doc.URL, "sha256", doc.SHA256, "fetched", doc.Fetched)
		return doc, nil
	}
	l.log.Info("fetched", "url", doc.URL, "status", doc.Status, "bytes", len(doc.Body),
		"sha256", doc.SHA256, "duration", time.Since(start).Round(time.Millisecond), "not_modified", doc.NotModified)
	return doc, nil
}

// schemes routes a request by its URL's scheme.
type schemes struct {
	web, file http.RoundTripper
}

func (t schemes) RoundTrip(req *http.Request) (*http.Response, error) {
	switch req.URL.Scheme {
	case "http", "https":
		return t.web.RoundTrip(req)
	case "file":
		return t.file.RoundTrip(req)
	}
	closeRequestBody(req)
	return nil, fmt.Errorf("%s: unsupported scheme %q", req.URL.Redacted(), req.URL.Scheme)
}

// limiter spaces the requests to each host: a request starts at least delay
// after the start of the one before it to the same host name (ports do not
// count: they are one server). Waiting requests take their turns in the
// order they arrive; a request whose context ends while it waits gives up
// at once (its turn is not handed back, which only spaces the others
// more).
type limiter struct {
	next  http.RoundTripper
	delay time.Duration
	// hosts holds the delays sources set for their own hosts (Source.Delay),
	// which replace delay for those hosts.
	hosts map[string]time.Duration
	now   func() time.Time                                 // nil means time.Now
	sleep func(ctx context.Context, d time.Duration) error // nil means sleepContext

	mu   sync.Mutex
	turn map[string]time.Time // per host, the earliest start of its next request
}

func (l *limiter) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := l.wait(req.Context(), strings.ToLower(req.URL.Hostname())); err != nil {
		closeRequestBody(req)
		return nil, err
	}
	return l.next.RoundTrip(req)
}

// setDelay sets the delay between two requests to host.
func (l *limiter) setDelay(host string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.hosts == nil {
		l.hosts = map[string]time.Duration{}
	}
	l.hosts[host] = d
}

// wait takes host's next turn and waits for it.
func (l *limiter) wait(ctx context.Context, host string) error {
	l.mu.Lock()
	delay, ok := l.hosts[host]
	l.mu.Unlock()
	if !ok {
		delay = l.delay
	}
	if delay <= 0 {
		return nil
	}
	now, sleep := time.Now, sleepContext
	if l.now != nil {
		now = l.now
	}
	if l.sleep != nil {
		sleep = l.sleep
	}
	l.mu.Lock()
	t := now()
	at := l.turn[host]
	if at.Before(t) {
		at = t
	}
	if l.turn == nil {
		l.turn = map[string]time.Time{}
	}
	l.turn[host] = at.Add(delay)
	l.mu.Unlock()
	return sleep(ctx, at.Sub(t))
}

// timeouts bounds each exchange with the network: from sending the request
// to the end of its body.
type timeouts struct {
	next http.RoundTripper
	d    time.Duration
}

func (t *timeouts) RoundTrip(req *http.Request) (*http.Response, error) {
	parent := req.Context()
	te := &timeoutError{url: req.URL.Redacted(), d: t.d}
	ctx, cancel := context.WithTimeoutCause(parent, t.d, te)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		expired := ctx.Err() != nil && parent.Err() == nil
		cancel()
		if expired {
			return nil, te
		}
		return nil, err
	}
	resp.Body = &deadlineBody{ReadCloser: resp.Body, ctx: ctx, parent: parent, cancel: cancel, te: te}
	return resp, nil
}

// deadlineBody reports a read cut by the exchange's timeout as a
// timeoutError, and ends the exchange's context when closed. It holds the
// contexts because io.Reader's Read takes none, and it lives only as long as
// the response it wraps (net/http's own timeout body does the same).
type deadlineBody struct {
	io.ReadCloser
	ctx, parent context.Context
	cancel      context.CancelFunc
	te          *timeoutError
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && b.ctx.Err() != nil && b.parent.Err() == nil {
		err = b.te
	}
	return n, err
}

func (b *deadlineBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// timeoutError is an exchange that took longer than the timeout. It is a
// net.Error-style timeout and wraps context.DeadlineExceeded.
type timeoutError struct {
	url string
	d   time.Duration
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("%s: no complete answer within the %s timeout", e.url, e.d)
}
func (e *timeoutError) Timeout() bool { return true }
func (e *timeoutError) Unwrap() error { return context.DeadlineExceeded }
