package collect

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"
)

// client is the Fetcher at the bottom of a source's chain: one GET through
// the session's colly collector, which sends the User-Agent, honours
// robots.txt, follows redirects within the source's allow-list and reads at
// most the size limit plus one byte, so that a body over the limit is
// detected rather than truncated.
//
// colly delivers a response to callbacks registered on its Collector, and
// takes the context of its HTTP requests from a Collector field. So each
// Fetch works on its own clone of the session's collector (clones share the
// HTTP client, the robots.txt cache and the cookie jar), with this call's
// context in that field, and its callbacks put what they see in a
// colly.Context made for the call. Concurrent calls share nothing mutable.
type client struct {
	tmpl    *colly.Collector
	ua      string
	maxBody int64
	hosts   []string // lower-case host names the source may contact
	folders []string // local folders of the source's own file:// URLs
}

// Keys of the colly.Context of one call.
const (
	keyResponse = "publish.response" // *colly.Response
	keyError    = "publish.error"    // error found by a callback
)

// Fetch implements Fetcher.
func (c *client) Fetch(ctx context.Context, req *Request) (*Document, error) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, fmt.Errorf("collect: fetch %q: %w", req.URL, err)
	}
	if err := allowed(u, c.hosts, c.folders); err != nil {
		return nil, fmt.Errorf("collect: fetch %s: %w", req.URL, err)
	}
	// colly sends its robots.txt request without a context, so a call
	// could block past ctx for as long as that request's timeout. Running
	// the call aside lets Fetch return the moment ctx is done; the
	// abandoned call ends by itself, its own request being cancelled with
	// ctx.
	type result struct {
		doc *Document
		err error
	}
	done := make(chan result, 1)
	go func() {
		doc, err := c.fetch(ctx, req)
		done <- result{doc, err}
	}()
	select {
	case r := <-done:
		return r.doc, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("collect: fetch %s: %w", req.URL, ctx.Err())
	}
}

func (c *client) fetch(ctx context.Context, req *Request) (*Document, error) {
	st := &call{hosts: c.hosts, limit: c.maxBody}
	col := c.tmpl.Clone()
	// The one place a context sits in a struct: colly reads it from this
	// field (see the type's comment). The clone lives for this call only.
	col.Context = context.WithValue(ctx, callKey{}, st)
	col.OnResponseHeaders(func(r *colly.Response) {
		// Reject early what the server says is too large, before reading
		// any of it. colly aborts the transfer when a callback calls Abort.
		n, err := strconv.ParseInt(r.Headers.Get("Content-Length"), 10, 64)
		if err == nil && n > c.maxBody {
			r.Ctx.Put(keyError, tooLarge(n, c.maxBody))
			r.Request.Abort()
		}
	})
	col.OnResponse(func(r *colly.Response) { r.Ctx.Put(keyResponse, r) })

	cctx := colly.NewContext()
	hdr := req.Header.Clone()
	if hdr == nil {
		hdr = http.Header{}
	}
	hdr.Set("User-Agent", c.ua)
	err := col.Request(http.MethodGet, req.URL, nil, cctx, hdr)
	if e, ok := cctx.GetAny(keyError).(error); ok {
		return nil, fmt.Errorf("collect: fetch %s: %w", req.URL, e)
	}
	if err != nil {
		return nil, fetchError(ctx, req.URL, err)
	}
	resp, _ := cctx.GetAny(keyResponse).(*colly.Response)
	ex := st.last
	if resp == nil || ex == nil {
		return nil, fmt.Errorf("collect: fetch %s: no response", req.URL)
	}
	// The body as the server sent it: colly's own copy may have been
	// re-encoded to UTF-8 (a declared charset) or gunzipped (a gzip
	// Content-Type), and the archive keeps the publisher's bytes.
	body := ex.body.Bytes()
	if n := max(int64(len(body)), int64(len(resp.Body))); n > c.maxBody {
		return nil, fmt.Errorf("collect: fetch %s: %w", req.URL, tooLarge(-1, c.maxBody))
	}
	fetched := time.Now().UTC()
	switch code := resp.StatusCode; {
	case code == http.StatusNotModified:
		return nil, &notModifiedError{url: req.URL, header: ex.header.Clone(), fetched: fetched}
	case code < 200 || code > 299:
		return nil, wrapFetch(req.URL, statusError(req.URL, code, ex.header))
	}
	if cap(body)-len(body) > len(body)/4 {
		// Grown without a Content-Length: drop the spare capacity,
		// since the document may be kept for a while.
		body = bytes.Clone(body)
	}
	return &Document{
		URL:      req.URL,
		FinalURL: resp.Request.URL.String(),
		Status:   resp.StatusCode,
		Header:   ex.header.Clone(),
		Body:     body,
		SHA256:   Sum(body),
		Fetched:  fetched,
	}, nil
}

// fetchError turns an error of colly or the HTTP client into ours.
func fetchError(ctx context.Context, rawURL string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("collect: fetch %s: %w", rawURL, ctx.Err())
	}
	if errors.Is(err, colly.ErrRobotsTxtBlocked) {
		return fmt.Errorf("collect: fetch %s: %w", rawURL, ErrRobots)
	}
	var re *redirectError
	if errors.As(err, &re) {
		return fmt.Errorf("collect: fetch %s: %w", rawURL, re)
	}
	// url.Error repeats the URL and the method; what it wraps says it all.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("collect: fetch %s: body cut short: %w", rawURL, err)
	}
	return wrapFetch(rawURL, err)
}

// wrapFetch prefixes err with the URL fetched, unless err begins with it
// already (a *StatusError, a timeout, a document not in the mirror).
func wrapFetch(rawURL string, err error) error {
	if strings.HasPrefix(err.Error(), rawURL+": ") {
		return fmt.Errorf("collect: %w", err)
	}
	return fmt.Errorf("collect: fetch %s: %w", rawURL, err)
}

func tooLarge(n, limit int64) error {
	hint := "; if the document is genuine, raise max_body in [fetch] of sources.toml"
	if n < 0 {
		return fmt.Errorf("%w: more than %d bytes (max_body)%s", ErrTooLarge, limit, hint)
	}
	return fmt.Errorf("%w: Content-Length %d, more than %d bytes (max_body)%s", ErrTooLarge, n, limit, hint)
}

// allowed checks a URL against a source's allow-list. file:// URLs are
// allowed inside the folders of the file:// URLs the user configured for
// the source, and nowhere else, so a link on a fetched page cannot make the
// fetcher read other local files; redirects to them are refused too (see
// checkRedirect).
func allowed(u *url.URL, hosts, folders []string) error {
	switch u.Scheme {
	case "file":
		p := filepath.Clean(filepath.FromSlash(u.Path))
		for _, dir := range folders {
			if within(p, dir) {
				return insideLinks(p, dir)
			}
		}
		return fmt.Errorf("local file %s: outside the folders of the source's file:// URLs: %w", p, ErrHostNotAllowed)
	case "http", "https":
		if h := HostKey(u); !slices.Contains(hosts, h) {
			return fmt.Errorf("host %q: %w", h, ErrHostNotAllowed)
		}
		return nil
	default:
		return fmt.Errorf("scheme %q: want http, https or file", u.Scheme)
	}
}

// within reports whether the clean path p is dir or lies under it.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, string(filepath.Separator))+string(filepath.Separator))
}

// insideLinks checks that the file p, which lies under dir by its name,
// still does once symbolic links are followed: a link inside a file://
// folder must not lead the fetcher out of it. The folder itself may be, or
// lie under, a link: both sides are resolved. A file that does not exist
// is left to the fetch to report.
func insideLinks(p, dir string) error {
	real, err := filepath.EvalSymlinks(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("local file %s: %w", p, err)
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return fmt.Errorf("local folder %s: %w", dir, err)
	}
	if !within(real, realDir) {
		return fmt.Errorf("local file %s: a symbolic link to %s, outside the folder %s: %w", p, real, dir, ErrHostNotAllowed)
	}
	return nil
}

// redirectError is a redirect the fetcher refused to follow.
type redirectError struct {
	from, to string
}

func (e *redirectError) Error() string {
	return fmt.Sprintf("redirect from %s to %s: %v", e.from, e.to, ErrHostNotAllowed)
}

func (e *redirectError) Unwrap() error { return ErrHostNotAllowed }

// maxRedirects is the length of a redirect chain followed, as net/http's
// default.
const maxRedirects = 10

// checkRedirect is the collector's redirect handler. A redirect may not
// leave the source's allow-list, nor lead from the network to a local file.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	from := via[len(via)-1].URL
	if req.URL.Scheme == "file" && from.Scheme != "file" {
		return &redirectError{from: from.Redacted(), to: req.URL.Redacted()}
	}
	// Requests without a call are colly's robots.txt requests, which
	// may be redirected to another host.
	if st, ok := req.Context().Value(callKey{}).(*call); ok && allowed(req.URL, st.hosts, nil) != nil {
		return &redirectError{from: from.Redacted(), to: req.URL.Redacted()}
	}
	return nil
}

// newCollector returns the session's colly collector. colly.NewCollector
// applies COLLY_* environment variables after its options, so every setting
// is made here, after it returns, and the code wins; each such variable is
// reported as ignored.
func newCollector(cfg FetchConfig, hc *http.Client, log *slog.Logger) *colly.Collector {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "COLLY_") {
			log.Warn("ignoring environment variable: the sources file sets the fetcher", "name", name)
		}
	}
	c := colly.NewCollector()
	c.UserAgent = cfg.UserAgent
	c.Headers = nil
	c.MaxDepth = 0
	c.MaxRequests = 0
	c.AllowedDomains = nil // each call checks its source's allow-list
	c.DisallowedDomains = nil
	c.DisallowedURLFilters = nil
	c.URLFilters = nil
	c.AllowURLRevisit = true // retries and conditional requests fetch a URL again
	limit := int64(cfg.MaxBody)
	if limit >= math.MaxInt-1 {
		limit = math.MaxInt - 1
	}
	c.MaxBodySize = int(limit) + 1 // one byte more than allowed reveals a body over the limit
	c.CacheDir = ""                // the archive is the cache
	c.CacheExpiration = 0
	c.IgnoreRobotsTxt = false
	c.Async = false
	c.ParseHTTPErrorResponse = true // every status reaches OnResponse; client.fetch judges it
	c.DetectCharset = false
	c.CheckHead = false
	c.TraceHTTP = false
	c.Context = context.Background() // replaced in each call's clone
	c.SetClient(hc)                  // also undoes COLLY_DISABLE_COOKIES
	c.SetRedirectHandler(checkRedirect)
	return c
}

// callKey is the context key of a call's state.
type callKey struct{}

// call is the state of one client.fetch, reached by the transport through
// the request's context. One goroutine uses it at a time: the HTTP client
// runs a call's requests one after another, and client.fetch reads it after
// colly returns.
type call struct {
	hosts []string
	limit int64
	last  *exchange // the latest response: after redirects, the final one
}

// exchange is one response as the server sent it.
type exchange struct {
	header http.Header
	body   bytes.Buffer // what the reader of the response read of its body
}

// robotsLimit is the most of a robots.txt that is read, as Google reads
// 500 KiB.
const robotsLimit = 500 << 10

// callTransport is the transport of the session's HTTP client, between colly
// and the network. For a call's requests it records the response and keeps
// a copy of the body as it is read. colly's robots.txt requests come without
// a call; for those it
//   - answers 404 for file:// URLs: local files have no robots.txt;
//   - fetches each host's robots.txt once for the session, however many
//     calls ask at once (colly's own cache is filled only after a fetch, so
//     concurrent first calls would each fetch it), reading at most
//     robotsLimit;
//   - turns a 5xx or 429 answer into an error, which is not kept: colly
//     would cache such an answer as "disallow everything" for the rest of
//     the run, where the error is retried and robots.txt fetched again.
type callTransport struct {
	next http.RoundTripper

	mu        sync.Mutex
	robotsTxt map[string]*robotsAnswer // by URL
}

// robotsAnswer is a host's robots.txt, shared by the requests for it.
type robotsAnswer struct {
	done   chan struct{} // closed when the fields below are set
	status int
	header http.Header
	body   []byte
	err    error
}

func (t *callTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	st, ok := req.Context().Value(callKey{}).(*call)
	if !ok {
		return t.robots(req)
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if err := decodeBody(resp); err != nil {
		resp.Body.Close()
		return nil, err
	}
	ex := &exchange{header: resp.Header}
	if n := resp.ContentLength; n > 0 && n <= st.limit {
		ex.body.Grow(int(n))
	}
	st.last = ex
	resp.Body = &teeBody{ReadCloser: resp.Body, w: &ex.body}
	return resp, nil
}

func (t *callTransport) robots(req *http.Request) (*http.Response, error) {
	closeRequestBody(req)
	if req.URL.Scheme == "file" {
		return response(req, http.StatusNotFound, http.Header{}, nil), nil
	}
	key := req.URL.Scheme + "://" + req.URL.Host + req.URL.Path
	t.mu.Lock()
	a, ok := t.robotsTxt[key]
	if !ok {
		a = &robotsAnswer{done: make(chan struct{})}
		if t.robotsTxt == nil {
			t.robotsTxt = map[string]*robotsAnswer{}
		}
		t.robotsTxt[key] = a
	}
	t.mu.Unlock()
	if ok {
		<-a.done // bounded by the timeout of the request under way
	} else {
		a.status, a.header, a.body, a.err = t.fetchRobots(req)
		if a.err != nil {
			t.mu.Lock()
			delete(t.robotsTxt, key)
			t.mu.Unlock()
		}
		close(a.done)
	}
	if a.err != nil {
		return nil, a.err
	}
	resp := response(req, a.status, a.header.Clone(), nil)
	resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(a.body)), int64(len(a.body))
	return resp, nil
}

func (t *callTransport) fetchRobots(req *http.Request) (int, http.Header, []byte, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return 0, nil, nil, statusError(req.URL.String(), resp.StatusCode, resp.Header)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, robotsLimit))
	if err != nil {
		return 0, nil, nil, err
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		body = tidyRobots(body)
	}
	return resp.StatusCode, resp.Header, body, nil
}

// tidyRobots drops the lines of a robots.txt that the parser colly uses
// rejects the whole file for, where RFC 9309 says to ignore the line: an
// Allow or Disallow before the first User-agent, and Crawl-delay, whose
// value it fails on when it is not a number (the session's Delay spaces
// the requests instead).
func tidyRobots(b []byte) []byte {
	var out bytes.Buffer
	agent := false
	for line := range bytes.Lines(b) {
		field, _, _ := bytes.Cut(line, []byte("#"))
		key, _, ok := bytes.Cut(field, []byte(":"))
		k := strings.ToLower(strings.TrimSpace(string(key)))
		switch {
		case ok && (k == "user-agent" || k == "useragent"):
			agent = true
		case ok && (k == "crawl-delay" || k == "crawldelay"):
			continue
		case ok && !agent && (k == "allow" || k == "disallow"):
			continue
		}
		out.Write(line)
	}
	return out.Bytes()
}

// decodeBody keeps colly from decompressing a body without a limit. colly
// gunzips a body whose Content-Encoding names gzip (when the HTTP transport
// has not: an x-gzip encoding, or a request that asked for it itself) and
// one whose Content-Type does (application/gzip, or a path ending .xml.gz),
// reading the result whole, however large: a 10 MB gzip bomb would take 10
// GB. Here a gzip content encoding is decoded as a stream, which colly
// reads at most the size limit of (the body the fetcher returns is the
// representation, as when the transport decodes it), and a gzip document is
// left as it is, as the publisher sent it: its reader unpacks it against
// the source's limit. Either way colly is told the body is uncompressed.
func decodeBody(resp *http.Response) error {
	if !resp.Uncompressed && strings.Contains(strings.ToLower(resp.Header.Get("Content-Encoding")), "gzip") {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return fmt.Errorf("body with Content-Encoding %s: %w", resp.Header.Get("Content-Encoding"), err)
		}
		resp.Body = &gzipBody{Reader: zr, body: resp.Body}
		resp.Header.Del("Content-Encoding")
		resp.Header.Del("Content-Length")
		resp.ContentLength = -1
	}
	resp.Uncompressed = true
	return nil
}

// gzipBody is a response body decoded from gzip.
type gzipBody struct {
	*gzip.Reader
	body io.ReadCloser
}

func (b *gzipBody) Close() error {
	b.Reader.Close()
	return b.body.Close()
}

// teeBody copies what is read of a body to w.
type teeBody struct {
	io.ReadCloser
	w io.Writer
}

func (b *teeBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.w.Write(p[:n])
	}
	return n, err
}
