package collect

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Conditional is a Fetcher that makes conditional requests: it sends the
// ETag and Last-Modified of the latest archived fetch of a URL as
// If-None-Match and If-Modified-Since, and turns a 304 answer into a
// Document with NotModified set and the archived body, so an unchanged
// document is neither downloaded nor parsed again. Put it in front of a
// fetcher that reports 304 as an error wrapping ErrNotModified (the
// session's client, behind Retry), and behind an Archiver, which records
// the result. It is safe for concurrent use when Next and Archive are.
//
// Only a caller that still holds the records parsed from the archived
// documents may use it: a NotModified document tells the collector to keep
// them.
type Conditional struct {
	Next    Fetcher
	Archive Archive
	Logger  *slog.Logger // nil means slog.Default()
}

type kept struct{}

// WithKept returns a context under which Conditional sends the validators
// of a URL's latest archived document only when that document is the one
// docs names for it (URL to SHA-256): the documents the kept records were
// parsed from, as the run status recorded them after the records were
// durable. Any other URL is fetched in full. The validators of a document
// archived by a run that died before keeping its records are so never
// used.
func WithKept(ctx context.Context, docs map[string]string) context.Context {
	return context.WithValue(ctx, kept{}, docs)
}

// Fetch implements Fetcher.
func (c *Conditional) Fetch(ctx context.Context, req *Request) (*Document, error) {
	snap, err := c.Archive.Latest(ctx, req.URL)
	if err != nil {
		if !errors.Is(err, ErrNotArchived) {
			// A damaged record only costs a full download, which
			// replaces it.
			logger(c.Logger).Warn("archived fetch unreadable; fetching in full", "url", req.URL, "err", err)
		}
		return c.Next.Fetch(ctx, req)
	}
	if known, ok := ctx.Value(kept{}).(map[string]string); ok && known[req.URL] != snap.SHA256 {
		// The latest archived document is not the one the kept records
		// were parsed from (a run killed between archiving it and keeping
		// its records): its validators would make the publisher answer
		// 304 for rows nobody kept.
		logger(c.Logger).Info("archived document is not the one the records were parsed from; fetching in full", "url", req.URL)
		return c.Next.Fetch(ctx, req)
	}
	if !req.Fresh.IsZero() && !snap.Fetched.Before(req.Fresh) {
		// The caller knows the document has not changed since the
		// archived copy was fetched: no request.
		body, err := c.Archive.Body(ctx, snap.SHA256)
		if err == nil {
			return &Document{URL: req.URL, Status: http.StatusNotModified, Header: snap.Header.Clone(),
				Body: body, SHA256: snap.SHA256, Fetched: snap.Fetched, NotModified: true, Reused: true}, nil
		}
		logger(c.Logger).Warn("archived body unreadable; fetching again", "url", req.URL, "sha256", snap.SHA256, "err", err)
	}
	etag, lastMod := snap.Header.Get("ETag"), snap.Header.Get("Last-Modified")
	if etag == "" && lastMod == "" {
		return c.Next.Fetch(ctx, req)
	}
	creq := &Request{URL: req.URL, Header: req.Header.Clone()}
	if creq.Header == nil {
		creq.Header = http.Header{}
	}
	if etag != "" {
		creq.Header.Set("If-None-Match", etag)
	}
	if lastMod != "" {
		creq.Header.Set("If-Modified-Since", lastMod)
	}
	doc, err := c.Next.Fetch(ctx, creq)
	if err == nil || !errors.Is(err, ErrNotModified) {
		return doc, err
	}
	var fresh http.Header
	fetched := time.Now().UTC()
	if nm := (*notModifiedError)(nil); errors.As(err, &nm) {
		fresh, fetched = nm.header, nm.fetched
	}
	body, err := c.Archive.Body(ctx, snap.SHA256)
	if err != nil {
		// The record outlived its body (a cache cleaned by hand): the
		// publisher's 304 cannot be used, so fetch the document in full.
		logger(c.Logger).Warn("archived body unreadable; fetching in full", "url", req.URL, "sha256", snap.SHA256, "err", err)
		return c.Next.Fetch(ctx, req)
	}
	return &Document{
		URL:         req.URL,
		Status:      http.StatusNotModified,
		Header:      updateHeader(snap.Header, fresh),
		Body:        body,
		SHA256:      snap.SHA256,
		Fetched:     fetched,
		NotModified: true,
	}, nil
}

// updateHeader returns the stored headers of a response updated with those
// of a 304 answer, as a cache does (RFC 9111, section 4.3.4): the 304's
// headers replace the stored ones of the same name, except Content-Length,
// which describes the 304 and not the stored body.
func updateHeader(stored, fresh http.Header) http.Header {
	h := stored.Clone()
	if h == nil {
		h = http.Header{}
	}
	for k, v := range fresh {
		if k == "Content-Length" {
			continue
		}
		h[k] = append([]string(nil), v...)
	}
	return h
}

// notModifiedError is the client's answer to a 304: it wraps
// ErrNotModified and keeps the 304's headers for Conditional.
type notModifiedError struct {
	url     string
	header  http.Header
	fetched time.Time
}

func (e *notModifiedError) Error() string {
	return fmt.Sprintf("collect: %s: %v", e.url, ErrNotModified)
}
func (e *notModifiedError) Unwrap() error { return ErrNotModified }

func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.Default()
	}
	return l
}
