package collecttest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/defence-transparency/publish/internal/collect"
)

func TestMapFetcher(t *testing.T) {
	errDown := errors.New("server down")
	f := &MapFetcher{
		Docs:        map[string][]byte{"https://a.example/new": []byte("new"), "https://a.example/same": []byte("archived")},
		NotModified: map[string]bool{"https://a.example/same": true},
		NoBody:      map[string]bool{"https://a.example/bodiless": true},
		Errs:        map[string]error{"https://a.example/down": errDown},
	}
	tests := []struct {
		url         string
		body        string
		notModified bool
		wantErr     error
	}{
		{url: "https://a.example/new", body: "new"},
		{url: "https://a.example/same", body: "archived", notModified: true},
		{url: "https://a.example/bodiless", wantErr: collect.ErrNotModified},
		{url: "https://a.example/down", wantErr: errDown},
		{url: "https://a.example/missing", wantErr: collect.ErrNotInMirror},
	}
	var want []string
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			d, err := f.Fetch(t.Context(), &collect.Request{URL: tt.url})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || d != nil {
					t.Errorf("Fetch(%s) = %v, %v; want an error wrapping %v", tt.url, d, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch(%s) = %v", tt.url, err)
			}
			wantStatus := 200
			if tt.notModified {
				wantStatus = 304
			}
			got := []any{d.URL, string(d.Body), d.SHA256, d.Status, d.NotModified}
			if diff := cmp.Diff([]any{tt.url, tt.body, collect.Sum([]byte(tt.body)), wantStatus, tt.notModified}, got); diff != "" {
				t.Errorf("Fetch(%s) mismatch (-want +got):\n%s", tt.url, diff)
			}
		})
		want = append(want, tt.url)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := f.Fetch(ctx, &collect.Request{URL: "https://a.example/new"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Fetch(cancelled) = %v, want context.Canceled", err)
	}
	if diff := cmp.Diff(want, f.Fetched()); diff != "" {
		t.Errorf("Fetched() mismatch (-want +got):\n%s", diff)
	}
}

func TestMapFetcherConcurrent(t *testing.T) {
	f := &MapFetcher{Docs: map[string][]byte{}}
	for i := range 20 {
		f.Docs[fmt.Sprintf("https://a.example/%d", i)] = []byte{byte(i)}
	}
	var wg sync.WaitGroup
	for u := range f.Docs {
		wg.Go(func() {
			if _, err := f.Fetch(t.Context(), &collect.Request{URL: u}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := len(f.Fetched()); n != len(f.Docs) {
		t.Errorf("len(Fetched()) = %d, want %d", n, len(f.Docs))
	}
}

// TestSession checks that a second, conditional fetch through the session's
// archive answers an unchanged document NotModified with its body, and a
// changed one in full.
func TestSession(t *testing.T) {
	fsys := fstest.MapFS{
		"data.example/a.csv": {Data: []byte("SWE,2024,1.3\n")},
		"data.example/b.csv": {Data: []byte("NOR,2024,1.4\n")},
	}
	src := collect.Source{Name: "test", URLs: []string{"https://data.example/a.csv", "https://data.example/b.csv"}}
	s := Session(t, fsys)
	first := SessionFetcher(t, s, src, false)
	for _, u := range src.URLs {
		if d, err := first.Fetch(t.Context(), &collect.Request{URL: u}); err != nil || d.NotModified {
			t.Fatalf("first Fetch(%s) = %v, %v; want a new document", u, d, err)
		}
	}
	fsys["data.example/b.csv"] = &fstest.MapFile{Data: []byte("NOR,2024,1.5\n")}
	again := SessionFetcher(t, s, src, true)
	tests := []struct {
		url         string
		body        string
		notModified bool
	}{
		{src.URLs[0], "SWE,2024,1.3\n", true},
		{src.URLs[1], "NOR,2024,1.5\n", false},
	}
	for _, tt := range tests {
		d, err := again.Fetch(t.Context(), &collect.Request{URL: tt.url})
		if err != nil {
			t.Fatalf("again Fetch(%s) = %v", tt.url, err)
		}
		if string(d.Body) != tt.body || d.NotModified != tt.notModified {
			t.Errorf("again Fetch(%s) = %q, NotModified %v; want %q, %v", tt.url, d.Body, d.NotModified, tt.body, tt.notModified)
		}
	}
}

func TestRecorder(t *testing.T) {
	next := &MapFetcher{Docs: map[string][]byte{"https://a.example/1": []byte("one")}}
	r := &Recorder{Next: next}
	urls := []string{"https://a.example/1", "https://a.example/2", "https://a.example/1"}
	for _, u := range urls {
		d, err := r.Fetch(t.Context(), &collect.Request{URL: u})
		wd, werr := next.Fetch(t.Context(), &collect.Request{URL: u})
		if (err == nil) != (werr == nil) || (d == nil) != (wd == nil) || d != nil && string(d.Body) != string(wd.Body) {
			t.Errorf("Recorder.Fetch(%s) = %v, %v; want what Next returns: %v, %v", u, d, err, wd, werr)
		}
	}
	if diff := cmp.Diff(urls, r.Fetched()); diff != "" {
		t.Errorf("Fetched() mismatch (-want +got):\n%s", diff)
	}
}
