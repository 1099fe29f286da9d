package collecttest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
)

// MapFetcher serves documents from memory by URL and records the URLs asked
// for. It answers as a fetcher with a raw archive does for the URLs in
// NotModified, and as one without an archive does for those in NoBody, so a
// test can play every answer a collector meets on a second run. The zero
// value serves nothing; it is safe for concurrent use.
type MapFetcher struct {
	// Docs holds each URL's body. A URL it lacks, and that no other field
	// answers, is an error wrapping collect.ErrNotInMirror.
	Docs map[string][]byte
	// NotModified lists the URLs answered 304 with their body from Docs:
	// a Document with NotModified set.
	NotModified map[string]bool
	// NoBody lists the URLs answered with an error wrapping
	// collect.ErrNotModified and no document.
	NoBody map[string]bool
	// Errs holds the errors returned, instead of a document, for URLs.
	Errs map[string]error

	mu      sync.Mutex
	fetched []string
}

var _ collect.Fetcher = (*MapFetcher)(nil)

// Fetch returns the document at req.URL, or the error ctx or the fields
// say. The document's Fetched time is the Unix epoch, so that tables made
// from it do not change from run to run.
func (f *MapFetcher) Fetch(ctx context.Context, req *collect.Request) (*collect.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.fetched = append(f.fetched, req.URL)
	f.mu.Unlock()
	if err, ok := f.Errs[req.URL]; ok {
		return nil, err
	}
	if f.NoBody[req.URL] {
		return nil, fmt.Errorf("%s: %w", req.URL, collect.ErrNotModified)
	}
	b, ok := f.Docs[req.URL]
	if !ok {
		return nil, fmt.Errorf("%s: %w", req.URL, collect.ErrNotInMirror)
	}
	d := &collect.Document{URL: req.URL, Status: http.StatusOK, Body: b, SHA256: collect.Sum(b), Fetched: time.Unix(0, 0).UTC()}
	if f.NotModified[req.URL] {
		d.Status, d.NotModified = http.StatusNotModified, true
	}
	return d, nil
}

// Fetched returns the URLs asked for so far, in order, with repeats; a
// fetch refused because ctx was done is not among them.
func (f *MapFetcher) Fetched() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.fetched)
}

// Recorder is a fetcher that passes every request to Next and records the
// URLs asked for. It is safe for concurrent use.
type Recorder struct {
	Next collect.Fetcher

	mu      sync.Mutex
	fetched []string
}

var _ collect.Fetcher = (*Recorder)(nil)

// Fetch records req.URL and returns what Next returns.
func (r *Recorder) Fetch(ctx context.Context, req *collect.Request) (*collect.Document, error) {
	r.mu.Lock()
	r.fetched = append(r.fetched, req.URL)
	r.mu.Unlock()
	return r.Next.Fetch(ctx, req)
}

// Fetched returns the URLs asked for so far, in order, with repeats.
func (r *Recorder) Fetched() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.fetched)
}
