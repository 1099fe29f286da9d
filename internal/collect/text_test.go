package collect

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// latin1Of returns s encoded in ISO-8859-1.
func latin1Of(t *testing.T, s string) string {
	t.Helper()
	b, err := charmap.ISO8859_1.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestText(t *testing.T) {
	page := `<!DOCTYPE html><html><head><title>Ministère</title></head><body><p>Défense nationale</p></body></html>`
	metaPage := `<!DOCTYPE html><html><head><meta charset="iso-8859-1"><title>x</title></head><body><p>Défense</p></body></html>`
	tests := []struct {
		name, contentType, body string
		want                    string // "" with wantErr
		wantWarn                string // a word the one warning holds; "" for none
		wantErr                 error
	}{
		{name: "utf-8 declared", contentType: "text/html; charset=utf-8", body: page, want: page},
		{name: "nothing declared, utf-8", contentType: "text/html", body: page, want: page},
		{name: "latin-1 declared", contentType: "text/html; charset=ISO-8859-1", body: latin1Of(t, page), want: page},
		{name: "latin-1 in <meta>", contentType: "text/html", body: latin1Of(t, metaPage), want: metaPage},
		{name: "latin-1 declared utf-8", contentType: "text/html; charset=utf-8", body: latin1Of(t, page), want: page,
			wantWarn: "windows-1252"},
		{name: "latin-1 declared nowhere", contentType: "text/html", body: latin1Of(t, page), want: page, wantWarn: "windows-1252"},
		{name: "latin-1 declared utf-8, <meta> right", contentType: "text/html; charset=utf-8", body: latin1Of(t, metaPage),
			want: metaPage, wantWarn: "<meta>"},
		{name: "utf-8 declared latin-1", contentType: "text/html; charset=iso-8859-1", body: page, want: page, wantWarn: "mojibake"},
		{name: "xml declaration", contentType: "application/xml",
			body: latin1Of(t, `<?xml version="1.0" encoding="ISO-8859-1"?><rss><title>Défense</title></rss>`),
			want: `<?xml version="1.0" encoding="ISO-8859-1"?><rss><title>Défense</title></rss>`},
		{name: "byte-order mark", contentType: "text/csv; charset=windows-1252", body: "\xef\xbb\xbfD\xc3\xa9fense", want: "Défense"},
		{name: "utf-16 with byte-order mark", contentType: "text/csv", body: "\xff\xfeD\x00\xe9\x00", want: "Dé"},
		// A UTF-8 document with one stray Latin-1 byte is damaged, not
		// Latin-1: which other bytes are wrong cannot be told.
		{name: "mixed", contentType: "text/html; charset=utf-8", body: "Défense " + latin1Of(t, "é"), wantErr: ErrCharset},
		// Bytes that are not Western text in windows-1252.
		{name: "binary", contentType: "text/html", body: "D\xe9f\x01\x02", wantErr: ErrCharset},
		{name: "undefined in windows-1252", contentType: "text/plain; charset=utf-8", body: "D\x81f", wantErr: ErrCharset},
		{name: "not valid shift_jis", contentType: "text/html; charset=shift_jis", body: "\x82\xa0\x82", wantErr: ErrCharset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, w := WithWarnings(context.Background())
			doc := &Document{URL: "https://example.org/p", Header: http.Header{"Content-Type": {tt.contentType}}, Body: []byte(tt.body)}
			got, err := Text(ctx, doc)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("Text() = %q, %v; want an error wrapping %v", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("Text() = %q, %v; want %q", got, err, tt.want)
			}
			if !utf8.Valid(got) || strings.ContainsRune(string(got), utf8.RuneError) {
				t.Errorf("Text() = %q: not valid UTF-8, or holds U+FFFD", got)
			}
			warns := w.List()
			switch {
			case tt.wantWarn == "" && len(warns) > 0:
				t.Errorf("Text() warned %q, want no warning", warns)
			case tt.wantWarn != "" && (len(warns) != 1 || !strings.Contains(warns[0], tt.wantWarn) || !strings.Contains(warns[0], doc.URL)):
				t.Errorf("Text() warned %q, want one warning naming the document and %q", warns, tt.wantWarn)
			}
		})
	}
}

// TestTextReplacement checks that a body already holding U+FFFD is
// reported: its text was damaged before it was published.
func TestTextReplacement(t *testing.T) {
	ctx, w := WithWarnings(context.Background())
	if _, err := Text(ctx, &Document{URL: "u", Header: http.Header{}, Body: []byte("D\uFFFDfense")}); err != nil {
		t.Fatal(err)
	}
	if warns := w.List(); len(warns) != 1 || !strings.Contains(warns[0], "U+FFFD") {
		t.Errorf("Text(body with U+FFFD) warned %q, want one warning", warns)
	}
}

// TestTextFetcherLatin1 fetches a Latin-1 page that its server declares as
// UTF-8 (issue 9: "Défense" was published as "D\uFFFDfense"): the page comes
// back in UTF-8, with a warning, and the archive keeps the bytes as sent.
func TestTextFetcherLatin1(t *testing.T) {
	raw := latin1Of(t, "<html><body><h1>Ministère de la Défense</h1></body></html>")
	var h hits
	srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(raw))
	})
	f := TextFetcher{Next: newFetcher(t, SessionOptions{Config: testConfig()}, srv.URL)}
	ctx, w := WithWarnings(t.Context())
	doc, err := f.Fetch(ctx, &Request{URL: srv.URL + "/page.html"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "<html><body><h1>Ministère de la Défense</h1></body></html>"; string(doc.Body) != want {
		t.Errorf("Fetch().Body = %q, want %q", doc.Body, want)
	}
	if doc.SHA256 != Sum([]byte(raw)) {
		t.Errorf("Fetch().SHA256 = %s, want the hash of the bytes as sent", doc.SHA256)
	}
	if warns := w.List(); len(warns) != 1 || !strings.Contains(warns[0], "windows-1252") || !strings.Contains(warns[0], "Ministère") {
		t.Errorf("warnings = %q, want one saying the page was read as windows-1252", warns)
	}
	// Binary documents pass as they are.
	zip := []byte("PK\x05\x06" + strings.Repeat("\x00", 18))
	bin := TextFetcher{Next: fetcherFunc(func(context.Context, *Request) (*Document, error) {
		return &Document{URL: "u", Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: zip}, nil
	})}
	if d, err := bin.Fetch(ctx, &Request{URL: "u"}); err != nil || string(d.Body) != string(zip) {
		t.Errorf("Fetch(zip) = %v, %v; want it as it is", d, err)
	}
}

type fetcherFunc func(context.Context, *Request) (*Document, error)

func (f fetcherFunc) Fetch(ctx context.Context, r *Request) (*Document, error) { return f(ctx, r) }
