package gao

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/collect/collecttest"
)

func TestCollectUnchanged(t *testing.T) {
	tests := []struct {
		name    string
		change  func(t *testing.T, m fstest.MapFS)
		wantErr error // nil: a whole table
	}{
		{"nothing changed", func(*testing.T, fstest.MapFS) {}, collect.ErrUnchanged},
		{"the feed changed", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, "www.gao.gov/rss/reports.xml", "Thu, 20 Jun 2024 11:02:41 -0400", "Thu, 20 Jun 2024 12:00:00 -0400")
		}, nil},
		{"the first page changed", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, pageFile(0), "Sample listing", "Sample listing.")
		}, nil},
		{"only the last page changed", func(t *testing.T, m fstest.MapFS) {
			edit(t, m, pageFile(2), "Sample listing", "Sample listing.")
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mapMirror(t)
			s := collecttest.Session(t, m)
			src := mirrorSource()
			if _, err := new(Collector).Collect(t.Context(), collecttest.SessionFetcher(t, s, src, false), src); err != nil {
				t.Fatalf("first Collect() error = %v", err)
			}
			tt.change(t, m)
			rec := &collecttest.Recorder{Next: collecttest.SessionFetcher(t, s, src, true)}
			tab, err := new(Collector).Collect(t.Context(), rec, src)
			if len(rec.Fetched()) != 4 {
				t.Errorf("second Collect() fetched %q, want the listing's three pages and the feed", rec.Fetched())
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || tab != nil {
					t.Errorf("second Collect() = %d rows, %v; want no table and an error wrapping %v", rowCount(tab), err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("second Collect() error = %v", err)
			}
			if got := reportsOf(t, tab); len(got) != len(wantMirror) {
				t.Errorf("second Collect() = %d rows, want %d: the unchanged documents are read from the archive", len(got), len(wantMirror))
			}
		})
	}
}

// bodiless answers like a fetcher that keeps no archive: a 304 is an
// error wrapping collect.ErrNotModified.
type bodiless struct {
	next      collect.Fetcher
	unchanged map[string]bool // nil: every URL
}

func (b bodiless) Fetch(ctx context.Context, req *collect.Request) (*collect.Document, error) {
	if b.unchanged == nil || b.unchanged[req.URL] {
		return nil, fmt.Errorf("collect: %s: %w", req.URL, collect.ErrNotModified)
	}
	return b.next.Fetch(ctx, req)
}

func TestCollectNotModifiedWithoutBody(t *testing.T) {
	tests := []struct {
		name      string
		unchanged map[string]bool
		wantErr   error
	}{
		{"every document", nil, collect.ErrUnchanged},
		// The first page is all there is to follow: its pages are
		// unknown, and so unchanged as far as anyone can tell.
		{"listing unchanged, feed too", map[string]bool{ListingURL: true, FeedURL: true}, collect.ErrUnchanged},
		{"the feed changed", map[string]bool{ListingURL: true}, collect.ErrNotModified},
		{"a later page without body", map[string]bool{pageURL(1): true}, collect.ErrNotModified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := mirrorSource()
			f := bodiless{next: collecttest.Fetcher(t, src, mapMirror(t)), unchanged: tt.unchanged}
			tab, err := new(Collector).Collect(t.Context(), f, src)
			if !errors.Is(err, tt.wantErr) || tab != nil {
				t.Errorf("Collect() = %d rows, %v; want no table and an error wrapping %v", rowCount(tab), err, tt.wantErr)
			}
			if errors.Is(tt.wantErr, collect.ErrNotModified) && errors.Is(err, collect.ErrUnchanged) {
				t.Errorf("Collect() = %v, which says nothing changed", err)
			}
		})
	}
}
