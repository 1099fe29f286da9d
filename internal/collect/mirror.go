package collect

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// MirrorTransport returns a RoundTripper that serves http and https URLs
// from fsys, a folder laid out by URL as MirrorPath describes, instead of
// the network. It answers GET and HEAD with 200 and the file, its
// Content-Type (from the extension, or sniffed), an ETag (the quoted SHA-256
// of the content) and, when fsys reports a modification time (os.DirFS
// does, embed.FS does not), Last-Modified; with 304 to a matching
// If-None-Match or If-Modified-Since. A missing robots.txt is a plain 404,
// so the publisher's robots rules allow everything; any other missing file
// is an error naming the URL and wrapping ErrNotInMirror, which says more
// than a 404 would in an offline run. It is safe for concurrent use.
func MirrorTransport(fsys fs.FS) http.RoundTripper {
	return &mirrorTransport{fsys: fsys}
}

type mirrorTransport struct {
	fsys fs.FS
}

func (t *mirrorTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	closeRequestBody(req)
	name, err := MirrorPath(req.URL)
	if err != nil {
		return nil, err
	}
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return response(req, http.StatusMethodNotAllowed, http.Header{"Allow": {"GET, HEAD"}}, nil), nil
	}
	body, mod, name, err := readMirror(t.fsys, name)
	switch {
	case errors.Is(err, fs.ErrNotExist) && req.URL.Path == "/robots.txt":
		return response(req, http.StatusNotFound, http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, nil), nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: %w (no file %s)", req.URL.Redacted(), ErrNotInMirror, name)
	case err != nil:
		return nil, fmt.Errorf("%s: mirror: %w", req.URL.Redacted(), err)
	}
	h := http.Header{}
	h.Set("ETag", `"`+Sum(body)+`"`)
	if !mod.IsZero() {
		h.Set("Last-Modified", mod.UTC().Format(http.TimeFormat))
	}
	if notModified(req.Header, h.Get("ETag"), mod) {
		return response(req, http.StatusNotModified, h, nil), nil
	}
	h.Set("Content-Type", contentType(name, body))
	return response(req, http.StatusOK, h, body), nil
}

// readMirror reads name from fsys, or name/index.html when name is a
// folder, and returns the name it read.
func readMirror(fsys fs.FS, name string) ([]byte, time.Time, string, error) {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, time.Time{}, name, err
	}
	if info.IsDir() {
		name = path.Join(name, "index.html")
		if info, err = fs.Stat(fsys, name); err != nil {
			return nil, time.Time{}, name, err
		}
	}
	if !info.Mode().IsRegular() {
		return nil, time.Time{}, name, fmt.Errorf("%s is not a regular file", name)
	}
	b, err := fs.ReadFile(fsys, name)
	return b, info.ModTime(), name, err
}

// MirrorPath returns the file that holds u in a mirror, as
// `wget -x --restrict-file-names=windows` lays it out: <host>/<path>, the host
// in lower case with a port other than the scheme's default written "+port",
// a "?query" written "@query", and a path that is empty or ends in "/" mapped
// to index.html. It fails for a URL that is not http or https or whose path
// is not a valid fs.FS name (empty or dot-dot elements).
func MirrorPath(u *url.URL) (string, error) {
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("%s: mirror: want an http or https URL", u.Redacted())
	}
	host := strings.ToLower(u.Hostname())
	if port := u.Port(); port != "" && !(u.Scheme == "http" && port == "80") && !(u.Scheme == "https" && port == "443") {
		host += "+" + port
	}
	p := u.Path
	if p == "" || strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	name := host + "/" + strings.TrimPrefix(p, "/")
	if u.RawQuery != "" {
		name += "@" + strings.ReplaceAll(u.RawQuery, "/", "%2F")
	}
	if host == "" || !fs.ValidPath(name) {
		return "", fmt.Errorf("%s: mirror: no valid file name for this URL", u.Redacted())
	}
	return name, nil
}

// fileTransport serves file:// URLs from the local file system, so that a
// sources file can name files downloaded by hand. Files are streamed, not
// read whole, so the fetcher's size limit rejects a large one early from its
// Content-Length. Each answer carries Last-Modified and a weak ETag made of
// the size and modification time, and a matching If-None-Match or
// If-Modified-Since gets 304.
type fileTransport struct{}

func (fileTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	closeRequestBody(req)
	if req.URL.Host != "" && req.URL.Host != "localhost" {
		return nil, fmt.Errorf("%s: want a file URL without a host (file:///path)", req.URL.Redacted())
	}
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return response(req, http.StatusMethodNotAllowed, http.Header{"Allow": {"GET, HEAD"}}, nil), nil
	}
	name := filepath.FromSlash(req.URL.Path)
	if runtime.GOOS == "windows" {
		// file:///C:/data/x.csv has the path /C:/data/x.csv.
		name = strings.TrimPrefix(name, `\`)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", req.URL.Redacted(), err)
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a regular file", name)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", req.URL.Redacted(), err)
	}
	mod := info.ModTime()
	h := http.Header{}
	h.Set("ETag", fmt.Sprintf(`W/"%x-%x"`, info.Size(), mod.UnixNano()))
	h.Set("Last-Modified", mod.UTC().Format(http.TimeFormat))
	if notModified(req.Header, h.Get("ETag"), mod) {
		f.Close()
		return response(req, http.StatusNotModified, h, nil), nil
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, fmt.Errorf("%s: %w", req.URL.Redacted(), err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", req.URL.Redacted(), err)
	}
	h.Set("Content-Type", contentType(name, head[:n]))
	h.Set("Content-Length", strconv.FormatInt(info.Size(), 10))
	resp := response(req, http.StatusOK, h, nil)
	if req.Method == http.MethodHead {
		f.Close()
		return resp, nil
	}
	resp.Body, resp.ContentLength = f, info.Size()
	return resp, nil
}

// notModified reports whether a request's validators match: If-None-Match
// against etag (weak comparison, as RFC 9110 prescribes for GET), or, when
// the request has no If-None-Match, If-Modified-Since against mod.
func notModified(h http.Header, etag string, mod time.Time) bool {
	if inm := h.Get("If-None-Match"); inm != "" {
		for _, tag := range strings.Split(inm, ",") {
			tag = strings.TrimSpace(tag)
			if tag == "*" || strings.TrimPrefix(tag, "W/") == strings.TrimPrefix(etag, "W/") {
				return true
			}
		}
		return false
	}
	ims := h.Get("If-Modified-Since")
	if ims == "" || mod.IsZero() {
		return false
	}
	t, err := http.ParseTime(ims)
	return err == nil && !mod.Truncate(time.Second).After(t)
}

// contentTypes are the media types of the formats publishers use, fixed here
// because mime.TypeByExtension reads the system's tables, which differ from
// one machine to the next.
var contentTypes = map[string]string{
	".csv":  "text/csv",
	".htm":  "text/html; charset=utf-8",
	".html": "text/html; charset=utf-8",
	".json": "application/json",
	".pdf":  "application/pdf",
	".txt":  "text/plain; charset=utf-8",
	".xls":  "application/vnd.ms-excel",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".xml":  "application/xml",
	".zip":  "application/zip",
}

// contentType returns the media type of a file from its extension (ignoring
// an "@query" suffix), or sniffed from its first bytes.
func contentType(name string, head []byte) string {
	base, _, _ := strings.Cut(path.Base(filepath.ToSlash(name)), "@")
	ext := strings.ToLower(path.Ext(base))
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); ext != "" && t != "" {
		return t
	}
	return http.DetectContentType(head)
}

// response builds an HTTP/1.1 response to req; a HEAD request gets no body.
func response(req *http.Request, status int, h http.Header, body []byte) *http.Response {
	if status == http.StatusOK && h.Get("Content-Length") == "" {
		h.Set("Content-Length", strconv.Itoa(len(body)))
	}
	if req.Method == http.MethodHead {
		body = nil
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}

// closeRequestBody closes req.Body, as a RoundTripper must.
func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
