package collecttest

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/defence-transparency/publish/internal/collect"
	"github.com/defence-transparency/publish/internal/dataset"
)

// What the fuzz targets of the collectors share. Each target feeds a parser
// (through the collector's Collect where the parser is not exported) an
// input the fuzzer made, and checks the properties every parser keeps,
// beyond not panicking:
//
//   - it returns within FuzzDeadline (Within), so a pathological input
//     (unbounded nesting, quadratic work) is found as a crash with the
//     stacks of the hung goroutines;
//   - an error is a usable error: a message in valid UTF-8, and no rows
//     beside it (CheckError);
//   - the rows it returns validate against their dataset's schema, every
//     string is valid UTF-8, and none holds the replacement character
//     U+FFFD unless the input did (CheckTable).

// FuzzDeadline is how long one parse of a fuzz input may take. Inputs are
// small (the fuzzer's mutations of the fixtures), and real documents of
// the same size parse in milliseconds; this bound, far above that so a
// loaded machine does not trip it, catches hangs.
const FuzzDeadline = 20 * time.Second

// Within runs f and returns when it does. If f has not returned after d, it
// ends the process with the stacks of every goroutine: under go test -fuzz
// that saves the input as a crasher, which is what a hang is.
func Within(d time.Duration, f func()) {
	done := make(chan struct{})
	timer := time.AfterFunc(d, func() {
		select {
		case <-done:
			return
		default:
		}
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		fmt.Fprintf(os.Stderr, "collecttest: parse still running after %v (a hang): goroutines:\n%s\n", d, buf[:n])
		panic(fmt.Sprintf("collecttest: parse still running after %v", d))
	})
	defer timer.Stop()
	defer close(done)
	f()
}

// CheckError fails t if err is not a usable error: an empty message, or
// one that is not valid UTF-8 (error messages reach the sources page).
func CheckError(t testing.TB, err error) {
	t.Helper()
	msg := err.Error()
	if strings.TrimSpace(msg) == "" {
		t.Errorf("error with an empty message: %#v", err)
	}
	if !utf8.ValidString(msg) {
		t.Errorf("error message is not valid UTF-8: %q", msg)
	}
}

// CheckTable fails t if tab breaks a property of every collector's rows: it
// validates against its schema (dataset.Validate), every string is valid
// UTF-8, and no string holds U+FFFD unless one of inputs could have
// carried it (as UTF-8 bytes or a character reference).
func CheckTable(t testing.TB, tab *dataset.Table, inputs ...[]byte) {
	t.Helper()
	if tab == nil {
		t.Fatal("nil table without an error")
	}
	if err := dataset.Validate(tab); err != nil {
		t.Errorf("rows do not validate: %v", err)
	}
	replacement := false
	for _, in := range inputs {
		replacement = replacement || mayHoldReplacement(in)
	}
	for col, f := range tab.Schema.Fields {
		for i, s := range tab.Columns[col].Strings {
			if !utf8.ValidString(s) {
				t.Errorf("row %d, %s: %q is not valid UTF-8", i, f.Name, s)
			}
			if !replacement && strings.ContainsRune(s, utf8.RuneError) {
				t.Errorf("row %d, %s: %q holds U+FFFD, which the input did not", i, f.Name, s)
			}
		}
	}
}

// mayHoldReplacement reports whether b could hold U+FFFD: as UTF-8, as a
// character reference (&#65533;, &#xFFFD;, \uFFFD in JSON), or inside
// compressed data, which is not looked into.
func mayHoldReplacement(b []byte) bool {
	if collect.IsZip(b) || bytes.Contains(b, []byte("\uFFFD")) || bytes.Contains(b, []byte("65533")) {
		return true
	}
	l := bytes.ToLower(b)
	return bytes.Contains(l, []byte("fffd"))
}

// Memo is a fetcher that asks Next for each URL once and serves its
// document from memory afterwards, so that a fuzz target reading the
// fixtures through a real fetcher pays for it once. It is safe for
// concurrent use.
type Memo struct {
	Next collect.Fetcher

	mu   sync.Mutex
	docs map[string]*collect.Document
	errs map[string]error
}

// Fetch implements collect.Fetcher.
func (m *Memo) Fetch(ctx context.Context, req *collect.Request) (*collect.Document, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if d, ok := m.docs[req.URL]; ok {
		c := *d
		return &c, nil
	}
	if err, ok := m.errs[req.URL]; ok {
		return nil, err
	}
	d, err := m.Next.Fetch(ctx, req)
	if m.docs == nil {
		m.docs, m.errs = map[string]*collect.Document{}, map[string]error{}
	}
	if err != nil {
		m.errs[req.URL] = err
		return nil, err
	}
	m.docs[req.URL] = d
	c := *d
	return &c, nil
}

// Swap is a fetcher that answers requests for the URLs in Docs with those
// bodies and passes the others to Next: a fuzz target puts its input in
// the place of one document of a source.
type Swap struct {
	Next collect.Fetcher
	Docs map[string][]byte
}

// Fetch implements collect.Fetcher.
func (s *Swap) Fetch(ctx context.Context, req *collect.Request) (*collect.Document, error) {
	b, ok := s.Docs[req.URL]
	if !ok {
		return s.Next.Fetch(ctx, req)
	}
	return Doc(req.URL, b), nil
}

// ReadFile returns the file at name in fsys, failing t if it cannot.
func ReadFile(t testing.TB, fsys fs.FS, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ZipParts returns the members of the zip archive b by name, and their
// names in archive order, failing t if b is not one. Fuzz targets of
// workbook parsers fuzz the XML parts of a workbook: mutated compressed
// bytes seldom make a readable archive.
func ZipParts(t testing.TB, b []byte) (map[string][]byte, []string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]byte{}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return parts, names
}

// Zip returns a zip archive of parts, stored without compression, in the
// order of names (parts not named are left out).
func Zip(parts map[string][]byte, names []string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range names {
		p, ok := parts[name]
		if !ok {
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			panic(err) // writing to memory does not fail
		}
		w.Write(p)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// FetcherFunc is a function serving as a fetcher.
type FetcherFunc func(ctx context.Context, req *collect.Request) (*collect.Document, error)

// Fetch implements collect.Fetcher.
func (f FetcherFunc) Fetch(ctx context.Context, req *collect.Request) (*collect.Document, error) {
	return f(ctx, req)
}

// Doc returns a document of body at u, as a fetcher returns one.
func Doc(u string, body []byte) *collect.Document {
	return &collect.Document{URL: u, FinalURL: u, Status: 200, Body: body, SHA256: collect.Sum(body),
		Fetched: time.Unix(0, 0).UTC()}
}

// Corpus returns the values of a corpus file that go test -fuzz wrote (a
// crasher kept under testdata/fuzz/FuzzXxx/), for the named regression test
// that replays it: one value per line after "go test fuzz v1", each a
// []byte(...), string(...) or bool literal.
func Corpus(t testing.TB, path string) []any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) == 0 || lines[0] != "go test fuzz v1" {
		t.Fatalf("%s: not a corpus file", path)
	}
	var vals []any
	for _, l := range lines[1:] {
		switch {
		case strings.HasPrefix(l, "[]byte(") && strings.HasSuffix(l, ")"):
			s, err := strconv.Unquote(l[len("[]byte(") : len(l)-1])
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			vals = append(vals, []byte(s))
		case strings.HasPrefix(l, "string(") && strings.HasSuffix(l, ")"):
			s, err := strconv.Unquote(l[len("string(") : len(l)-1])
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			vals = append(vals, s)
		case l == "bool(true)", l == "bool(false)":
			vals = append(vals, l == "bool(true)")
		default:
			t.Fatalf("%s: value %.40q not read", path, l)
		}
	}
	return vals
}
