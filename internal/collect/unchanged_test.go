package collect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// answers is a fetcher that answers each URL as its map says: "new" a
// changed document, "same" a not-modified one with its body, "304" an error
// wrapping ErrNotModified, "nil" no document and no error; any other URL
// fails.
type answers map[string]string

var errOffline = errors.New("offline")

func (a answers) Fetch(_ context.Context, req *Request) (*Document, error) {
	switch a[req.URL] {
	case "new":
		return &Document{URL: req.URL, Status: 200, Body: []byte("new")}, nil
	case "same":
		return &Document{URL: req.URL, Status: 304, Body: []byte("old"), NotModified: true}, nil
	case "304":
		return nil, fmt.Errorf("collect: %s: %w", req.URL, ErrNotModified)
	case "nil":
		return nil, nil
	}
	return nil, errOffline
}

func TestUnchanged(t *testing.T) {
	f := answers{"n1": "new", "n2": "new", "s1": "same", "s2": "same", "x1": "304", "x2": "304"}
	tests := []struct {
		name        string
		urls        []string
		all         bool
		missing     string // the URL Missing names; "" for nil
		nilDocument []bool
	}{
		{"none", nil, true, "", nil},
		{"all changed", []string{"n1", "n2"}, false, "", []bool{false, false}},
		{"all unchanged, with bodies", []string{"s1", "s2"}, true, "", []bool{false, false}},
		{"all unchanged, no bodies", []string{"x1", "x2"}, true, "x1", []bool{true, true}},
		{"one changed among unchanged", []string{"s1", "n1", "x2"}, false, "x2", []bool{false, false, true}},
		{"bodiless first", []string{"x1", "n1"}, false, "x1", []bool{true, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var u Unchanged
			for i, url := range tt.urls {
				d, err := u.Fetch(t.Context(), f, url)
				if err != nil {
					t.Fatalf("Fetch(%s) = %v", url, err)
				}
				if (d == nil) != tt.nilDocument[i] {
					t.Errorf("Fetch(%s) = %v, want a nil document: %v", url, d, tt.nilDocument[i])
				}
			}
			if got := u.All(); got != tt.all {
				t.Errorf("All() = %v, want %v", got, tt.all)
			}
			if got := u.Len(); got != len(tt.urls) {
				t.Errorf("Len() = %d, want %d", got, len(tt.urls))
			}
			err := u.Missing()
			switch {
			case tt.missing == "" && err != nil:
				t.Errorf("Missing() = %v, want nil", err)
			case tt.missing != "" && (!errors.Is(err, ErrNotModified) || !strings.Contains(err.Error(), "fetch "+tt.missing+":")):
				t.Errorf("Missing() = %v, want an error wrapping ErrNotModified naming %s", err, tt.missing)
			}
		})
	}
}

func TestUnchangedAdd(t *testing.T) {
	var u Unchanged
	u.Add(&Document{URL: "index", NotModified: true})
	if !u.All() || u.Len() != 1 {
		t.Errorf("after an unchanged document: All() = %v, Len() = %d; want true, 1", u.All(), u.Len())
	}
	u.Add(&Document{URL: "page"})
	if u.All() || u.Len() != 2 {
		t.Errorf("after a changed document: All() = %v, Len() = %d; want false, 2", u.All(), u.Len())
	}
	u.Add(&Document{URL: "page2", NotModified: true})
	if u.All() {
		t.Errorf("All() = true after a changed document, want false for good")
	}
}

func TestUnchangedFetchErrors(t *testing.T) {
	f := answers{"nil": "nil", "ok": "new"}
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		url     string
		wantErr error // nil: any error
	}{
		{"fetch error", t.Context(), "down", errOffline},
		{"no document", t.Context(), "nil", nil},
		{"cancelled", cancelled, "ok", context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var u Unchanged
			d, err := u.Fetch(tt.ctx, f, tt.url)
			if err == nil || d != nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Errorf("Fetch(%s) = %v, %v; want no document and an error wrapping %v", tt.url, d, err, tt.wantErr)
			}
			if u.Len() != 0 {
				t.Errorf("Fetch(%s) failing counted %d documents, want 0", tt.url, u.Len())
			}
		})
	}
}
