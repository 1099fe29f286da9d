package collect

import (
	"context"
	"errors"
	"fmt"
)

// Unchanged follows the answers to the fetches of one Collect call, to tell
// whether the source changed since the last run (then the collector returns
// ErrUnchanged) and, when it did, whether every body is at hand to parse
// again. It suits collectors for which any document that changed means the
// source changed; one whose data sits in a single document tests that
// document's NotModified instead. The zero value is ready to use; use one
// per Collect call.
type Unchanged struct {
	docs, same int
	noBody     []string // not modified, and the fetcher kept no copy
}

// Fetch fetches url through f and counts the answer. A not-modified answer
// without a body (an error wrapping ErrNotModified, from a fetcher that
// keeps no archive) is counted and returned as a nil Document and no
// error: the caller skips it, and Missing reports it if the source changed.
// Any other error is returned as it is, uncounted, as is the error of a
// done ctx, tested before fetching.
func (u *Unchanged) Fetch(ctx context.Context, f Fetcher, url string) (*Document, error) {
	return u.Do(ctx, f, &Request{URL: url})
}

// Do is Fetch for a request with more than a URL (a Fresh time).
func (u *Unchanged) Do(ctx context.Context, f Fetcher, req *Request) (*Document, error) {
	url := req.URL
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d, err := f.Fetch(ctx, req)
	switch {
	case errors.Is(err, ErrNotModified):
		u.docs++
		u.same++
		u.noBody = append(u.noBody, url)
		return nil, nil
	case err != nil:
		return nil, err
	case d == nil:
		return nil, errors.New("the fetcher returned no document")
	}
	u.Add(d)
	return d, nil
}

// Add counts a document fetched without Fetch: unchanged when d is
// NotModified.
func (u *Unchanged) Add(d *Document) {
	u.docs++
	if d.NotModified {
		u.same++
	}
}

// All reports whether every document counted so far came back not
// modified. It is true before the first: a collector that counts none has
// nothing that changed.
func (u *Unchanged) All() bool { return u.same == u.docs }

// Len returns how many documents have been counted.
func (u *Unchanged) Len() int { return u.docs }

// Missing returns nil when every document counted came with its body, else
// an error wrapping ErrNotModified that names the first without: once the
// source has changed every document is parsed again, and that one's body
// was not kept.
func (u *Unchanged) Missing() error {
	if len(u.noBody) == 0 {
		return nil
	}
	return fmt.Errorf("fetch %s: not modified and no archived copy to read again: %w", u.noBody[0], ErrNotModified)
}
