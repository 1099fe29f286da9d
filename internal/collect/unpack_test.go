package collect

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
)

// zipWith returns a zip archive of members of the given sizes, filled with
// zeros and compressed.
func zipWith(t *testing.T, sizes map[string]int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, n := range sizes {
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(make([]byte, n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestOpenZip(t *testing.T) {
	small := zipWith(t, map[string]int{"a.csv": 1000, "b.csv": 2000})
	if _, err := OpenZip(bytes.NewReader(small), int64(len(small)), 1<<20); err != nil {
		t.Errorf("OpenZip(2 small members, 1 MiB) = %v", err)
	}
	big := zipWith(t, map[string]int{"data.csv": 4 << 20})
	_, err := OpenZip(bytes.NewReader(big), int64(len(big)), 1<<20)
	var ue *UnpackError
	if !errors.As(err, &ue) || !errors.Is(err, ErrUnpackLimit) || ue.Size != 4<<20 || ue.Limit != 1<<20 {
		t.Fatalf("OpenZip(4 MiB member, 1 MiB) = %v, want an *UnpackError of 4 MiB over 1 MiB", err)
	}
	for _, want := range []string{"4.0 MiB unpacked", "more than 1.0 MiB (max_unpacked)", "raise max_unpacked in the source's entry in sources.toml"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("OpenZip error %q does not say %q", err, want)
		}
	}
	// A directory of many empty members, each counted as 16 KiB.
	many := map[string]int{}
	for i := range 100 {
		many[strings.Repeat("x", i+1)] = 0
	}
	b := zipWith(t, many)
	if _, err := OpenZip(bytes.NewReader(b), int64(len(b)), 1<<20); !errors.Is(err, ErrUnpackLimit) || !strings.Contains(err.Error(), "100 members") {
		t.Errorf("OpenZip(100 empty members, 1 MiB) = %v, want the limit error naming the members", err)
	}
}

// TestOpenZipDuplicates checks that two members of one name are refused:
// readers differ on which one they read.
func TestOpenZipDuplicates(t *testing.T) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, s := range []string{"first", "second"} {
		f, _ := w.Create("data.csv")
		f.Write([]byte(s))
	}
	w.Close()
	if _, err := OpenZip(bytes.NewReader(buf.Bytes()), int64(buf.Len()), 1<<20); err == nil || !strings.Contains(err.Error(), "two members") {
		t.Errorf("OpenZip(two members named data.csv) = %v, want an error", err)
	}
}

// TestReadZipMemberLying checks that a member whose header understates its
// size is not read beyond the limit: archive/zip holds the data to the
// stated size, and ReadZipMember to the limit.
func TestReadZipMemberLying(t *testing.T) {
	b := zipWith(t, map[string]int{"data.csv": 3 << 20})
	zr, err := OpenZip(bytes.NewReader(b), int64(len(b)), 8<<20)
	if err != nil {
		t.Fatal(err)
	}
	f := zr.File[0]
	if _, err := ReadZipMember(f, 1<<20); !errors.Is(err, ErrUnpackLimit) {
		t.Errorf("ReadZipMember(3 MiB, limit 1 MiB) = %v, want ErrUnpackLimit", err)
	}
	f.UncompressedSize64 = 100 // the header lies
	if got, err := ReadZipMember(f, 1<<20); err == nil {
		t.Errorf("ReadZipMember(lying header) = %d bytes, want an error", len(got))
	}
	f.UncompressedSize64 = 3 << 20
	if got, err := ReadZipMember(f, 8<<20); err != nil || len(got) != 3<<20 {
		t.Errorf("ReadZipMember(3 MiB, limit 8 MiB) = %d bytes, %v", len(got), err)
	}
}

// gzipBomb returns a gzip stream of n MiB of zeros: one member of 64 MiB
// repeated, about 64 KiB each.
func gzipBomb(t testing.TB, n int) []byte {
	t.Helper()
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 64<<20))
	zw.Close()
	return bytes.Repeat(member.Bytes(), n/64)
}

// TestGzipBodies checks that no gzip body is decompressed beyond the size
// limit. colly gunzips, whole and without a limit, a body with a gzip
// Content-Encoding the HTTP transport left encoded (x-gzip) and a body
// whose Content-Type is gzip: 1 GiB of zeros, sent as 1 MiB.
func TestGzipBodies(t *testing.T) {
	bomb := gzipBomb(t, 1024)
	tests := []struct {
		name, header, value string
		wantErr             error
		wantBody            []byte
	}{
		{name: "x-gzip encoding", header: "Content-Encoding", value: "x-gzip", wantErr: ErrTooLarge},
		{name: "gzip document", header: "Content-Type", value: "application/gzip", wantBody: bomb},
		{name: "xml.gz document", header: "Content-Type", value: "application/octet-stream", wantBody: bomb},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h hits
			srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					http.NotFound(w, r)
					return
				}
				w.Header().Set(tt.header, tt.value)
				w.Write(bomb)
			})
			cfg := testConfig()
			cfg.MaxBody = 4 << 20
			f := newFetcher(t, SessionOptions{Config: cfg}, srv.URL)
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			doc, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/feed.xml.gz"})
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), "max_body") {
					t.Errorf("Fetch() = %v, want an error wrapping %v that names max_body", err, tt.wantErr)
				}
			} else if err != nil || !bytes.Equal(doc.Body, tt.wantBody) {
				t.Errorf("Fetch() = %v, want the %d bytes as sent", err, len(tt.wantBody))
			}
			// Not a measure of speed or of memory in use: a bound on
			// what was allocated, far below the 1 GiB a decompression
			// without a limit makes.
			if n := after.TotalAlloc - before.TotalAlloc; n > 256<<20 {
				t.Errorf("Fetch() allocated %d MiB for a body of %d KiB", n>>20, len(bomb)>>10)
			}
		})
	}
}

// TestGzipEncoding checks that a body with a gzip Content-Encoding that the
// transport did not decode is decoded, as it would have been.
func TestGzipEncoding(t *testing.T) {
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	io.WriteString(zw, "country,value\nFRA,1\n")
	zw.Close()
	var h hits
	srv := serve(t, &h, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Encoding", "x-gzip")
		w.Write(z.Bytes())
	})
	f := newFetcher(t, SessionOptions{Config: testConfig()}, srv.URL)
	doc, err := f.Fetch(t.Context(), &Request{URL: srv.URL + "/data.csv"})
	if err != nil || string(doc.Body) != "country,value\nFRA,1\n" || doc.Header.Get("Content-Encoding") != "" {
		t.Fatalf("Fetch() = %v, %v; want the decoded CSV", doc, err)
	}
}
