package collect

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Request is one document to fetch.
type Request struct {
	URL string
	// Header holds extra request headers; the fetcher's decorators use it
	// for conditional requests.
	Header http.Header
	// Fresh, when set, says the caller knows the document has not changed
	// since this time (a listing's own date of its last change, or the
	// oldest copy a source is willing to reuse): a fetcher that keeps an
	// archive and makes conditional requests answers with the latest
	// archived copy, without asking the publisher, when that copy was
	// fetched at or after Fresh. The Document then has NotModified and
	// Reused set. Other fetchers ignore it.
	Fresh time.Time
}

// Document is a fetched document with its provenance.
type Document struct {
	URL string // the URL requested
	// FinalURL is the URL after redirects, against which links in the body
	// resolve; it equals URL when there was no redirect.
	FinalURL string
	Status   int // HTTP status of the response (200, or 304 when NotModified)
	Header   http.Header
	Body     []byte
	SHA256   string // hex SHA-256 of the body as sent (TextFetcher's Body holds it decoded)
	Fetched  time.Time
	// NotModified is true when the publisher answered a conditional request
	// with 304 Not Modified; Body then comes from the raw archive.
	NotModified bool
	// Reused is true when no request was made at all: the archived copy
	// was fetched after the request's Fresh time (NotModified is set too,
	// and Fetched is the archived copy's).
	Reused bool
}

// Fetcher fetches documents.
type Fetcher interface {
	// Fetch returns the document at req.URL with its whole body. It never
	// returns a truncated body: a body over the size limit is an error
	// wrapping ErrTooLarge. A 304 answer to a conditional request is
	// returned as an error wrapping ErrNotModified by fetchers that do not
	// keep an archive, and as a Document with NotModified set by those that
	// do. Errors for statuses other than 2xx are *StatusError. Fetch may be
	// retried.
	Fetch(ctx context.Context, req *Request) (*Document, error)
}

// Errors that callers test for.
var (
	ErrNotModified    = errors.New("not modified")
	ErrTooLarge       = errors.New("body exceeds the size limit")
	ErrHostNotAllowed = errors.New("host not in the source's allow-list")
	ErrRobots         = errors.New("disallowed by robots.txt")
	ErrNotInMirror    = errors.New("not in the offline mirror")
)

// StatusError is a response with a status other than 2xx or 304.
type StatusError struct {
	URL  string
	Code int
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s: HTTP %d %s", e.URL, e.Code, http.StatusText(e.Code))
}

// Temporary reports whether a retry may succeed: server errors and 429.
func (e *StatusError) Temporary() bool {
	return e.Code >= 500 || e.Code == http.StatusTooManyRequests || e.Code == http.StatusRequestTimeout
}

// Sum returns the hex SHA-256 of b.
func Sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Base returns the URL that relative links in the document resolve
// against: FinalURL when known, else URL.
func (d *Document) Base() string {
	if d.FinalURL != "" {
		return d.FinalURL
	}
	return d.URL
}
