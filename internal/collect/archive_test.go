package collect

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func testDoc(url, body string, at time.Time) *Document {
	return &Document{
		URL:     url,
		Status:  200,
		Header:  http.Header{"Etag": {`"v1"`}, "Content-Type": {"text/csv"}},
		Body:    []byte(body),
		SHA256:  Sum([]byte(body)),
		Fetched: at,
	}
}

func TestArchivePut(t *testing.T) {
	a := mustArchive(t)
	ctx := t.Context()
	at := time.Date(2025, 11, 3, 10, 15, 0, 123456789, time.UTC)
	doc := testDoc("https://api.worldbank.org/v2/en/indicator/MS.MIL.XPND.CD?downloadformat=csv", "PK\x03\x04 zip", at)
	if err := a.Put(ctx, doc); err != nil {
		t.Fatal(err)
	}
	// The body is stored under its SHA-256, byte for byte.
	obj := filepath.Join(a.Dir(), "objects", doc.SHA256[:2], doc.SHA256)
	b, err := os.ReadFile(obj)
	if err != nil || string(b) != "PK\x03\x04 zip" {
		t.Errorf("object %s = %q, %v, want the body", obj, b, err)
	}
	want := &Snapshot{URL: doc.URL, SHA256: doc.SHA256, Size: int64(len(doc.Body)), Fetched: at, Status: 200, Header: doc.Header}
	got, err := a.Latest(ctx, doc.URL)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Latest() differs (-want +got):\n%s", diff)
	}
	hist, err := a.History(doc.URL)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Snapshot{*want}, hist); diff != "" {
		t.Errorf("History() differs (-want +got):\n%s", diff)
	}
	body, err := a.Body(ctx, doc.SHA256)
	if err != nil || string(body) != string(doc.Body) {
		t.Errorf("Body() = %q, %v, want the body", body, err)
	}
	// A second fetch of the same body adds a record and no object.
	doc2 := testDoc(doc.URL, "PK\x03\x04 zip", at.Add(time.Hour))
	if err := a.Put(ctx, doc2); err != nil {
		t.Fatal(err)
	}
	if hist, _ := a.History(doc.URL); len(hist) != 2 {
		t.Errorf("History() has %d records after two fetches, want 2", len(hist))
	}
	// The records reach the disk with Sync: the same archive opened
	// again (as the next run does) sees them then, and only then.
	again, err := OpenArchive(a.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := again.Latest(ctx, doc.URL); !errors.Is(err, ErrNotArchived) {
		t.Errorf("Latest() before Sync, from disk = %v, want ErrNotArchived", err)
	}
	if err := a.Sync(); err != nil {
		t.Fatal(err)
	}
	if got, err := again.Latest(ctx, doc.URL); err != nil || !got.Fetched.Equal(doc2.Fetched) {
		t.Errorf("Latest() after Sync, from disk = %v, %v, want the second fetch", got, err)
	}
	if hist, err := again.History(doc.URL); err != nil || len(hist) != 2 || !hist[0].Fetched.Equal(at) {
		t.Errorf("History() after Sync, from disk = %v, %v, want both fetches, oldest first", hist, err)
	}
	// A third fetch: History joins the records on disk with the one
	// waiting for Sync.
	if err := a.Put(ctx, testDoc(doc.URL, "PK\x03\x04 zip", at.Add(2*time.Hour))); err != nil {
		t.Fatal(err)
	}
	if hist, err := a.History(doc.URL); err != nil || len(hist) != 3 || !hist[2].Fetched.Equal(at.Add(2*time.Hour)) {
		t.Errorf("History() with a record waiting for Sync = %v, %v, want three fetches, oldest first", hist, err)
	}
	if err := a.Sync(); err != nil {
		t.Fatal(err)
	}
	var objects, temps int
	filepath.WalkDir(a.Dir(), func(p string, d fs.DirEntry, err error) error {
		if strings.Contains(p, string(filepath.Separator)+"objects"+string(filepath.Separator)) && !d.IsDir() {
			objects++
		}
		if strings.Contains(d.Name(), ".tmp-") {
			temps++
		}
		return nil
	})
	if objects != 1 || temps != 0 {
		t.Errorf("archive holds %d objects and %d temporary files, want 1 and 0", objects, temps)
	}
}

func TestArchiveLatestKeepsNewest(t *testing.T) {
	a := mustArchive(t)
	ctx := t.Context()
	at := time.Date(2025, 11, 3, 10, 0, 0, 0, time.UTC)
	if err := a.Put(ctx, testDoc("u", "new", at.Add(time.Minute))); err != nil {
		t.Fatal(err)
	}
	// A slower fetch that started earlier finishes last.
	if err := a.Put(ctx, testDoc("u", "old", at)); err != nil {
		t.Fatal(err)
	}
	got, err := a.Latest(ctx, "u")
	if err != nil {
		t.Fatal(err)
	}
	if got.SHA256 != Sum([]byte("new")) {
		t.Errorf("Latest() = the fetch of %v, want the newest", got.Fetched)
	}
	hist, _ := a.History("u")
	if len(hist) != 2 || !hist[0].Fetched.Equal(at) {
		t.Errorf("History() = %v, want both fetches, oldest first", hist)
	}
}

func TestArchiveErrors(t *testing.T) {
	a := mustArchive(t)
	ctx := t.Context()
	if _, err := a.Latest(ctx, "https://example.org/never"); !errors.Is(err, ErrNotArchived) {
		t.Errorf("Latest(never fetched) = %v, want ErrNotArchived", err)
	}
	if _, err := a.Body(ctx, Sum([]byte("absent"))); !errors.Is(err, ErrNotArchived) {
		t.Errorf("Body(absent) = %v, want ErrNotArchived", err)
	}
	for _, bad := range []string{"../../etc/passwd", "", strings.Repeat("A", 64), strings.Repeat("a", 63)} {
		if _, err := a.Body(ctx, bad); err == nil || errors.Is(err, ErrNotArchived) {
			t.Errorf("Body(%q) = %v, want an error about the sum", bad, err)
		}
	}
	doc := testDoc("u", "body", time.Now())
	if err := a.Put(ctx, doc); err != nil {
		t.Fatal(err)
	}
	obj := filepath.Join(a.Dir(), "objects", doc.SHA256[:2], doc.SHA256)
	if err := os.WriteFile(obj, []byte("b0dy"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Body(ctx, doc.SHA256); err == nil || errors.Is(err, ErrNotArchived) {
		t.Errorf("Body(corrupt object) = %v, want a corruption error", err)
	}
	bad := testDoc("u", "body", time.Now())
	bad.SHA256 = Sum([]byte("other"))
	if err := a.Put(ctx, bad); err == nil {
		t.Errorf("Put(document whose SHA-256 does not match its body) = nil, want an error")
	}
}

func TestArchiver(t *testing.T) {
	a := mustArchive(t)
	fail := errors.New("down")
	tests := []struct {
		name string
		next Fetcher
		want bool // archived
	}{
		{"success", fetchFunc(func(ctx context.Context, req *Request) (*Document, error) {
			return testDoc(req.URL, "x", time.Now()), nil
		}), true},
		{"failure", fetchFunc(func(ctx context.Context, req *Request) (*Document, error) { return nil, fail }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := "https://example.org/" + tt.name
			_, err := (&Archiver{Next: tt.next, Archive: a}).Fetch(t.Context(), &Request{URL: url})
			if tt.want != (err == nil) {
				t.Fatalf("Fetch() = %v", err)
			}
			_, err = a.Latest(t.Context(), url)
			if got := err == nil; got != tt.want {
				t.Errorf("after Fetch(), Latest() = %v, want archived %v", err, tt.want)
			}
		})
	}
}
