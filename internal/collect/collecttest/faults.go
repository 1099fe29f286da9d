package collecttest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/defence-transparency/publish/internal/collect"
)

// Faults returns the faults Suite checks, each with a Name for t.Run.
func Faults() []Fault {
	return []Fault{
		{
			Name:        "server-error",
			Description: "every document answers 500; after the retry the error wraps *collect.StatusError 500",
			handler: withoutRobots(func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "internal server error", http.StatusInternalServerError)
			}),
			check: func(err error, sc *scene) error {
				var se *collect.StatusError
				if !errors.As(err, &se) || se.Code != http.StatusInternalServerError {
					return fmt.Errorf("Collect = %v, want an error wrapping *collect.StatusError 500", err)
				}
				if n := sc.documents(); n < 2 {
					return fmt.Errorf("the server got %d document requests, want the first attempt and a retry", n)
				}
				return nil
			},
		},
		{
			Name:        "timeout",
			Description: "the server sends nothing for longer than the fetcher's timeout; the error is a timeout",
			config:      func(c *collect.FetchConfig) { c.Timeout.Duration = 250 * time.Millisecond },
			handler: withoutRobots(func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			}),
			check: func(err error, sc *scene) error {
				var ne interface{ Timeout() bool }
				if !errors.Is(err, context.DeadlineExceeded) && !(errors.As(err, &ne) && ne.Timeout()) {
					return fmt.Errorf("Collect = %v, want an error wrapping the fetcher's timeout", err)
				}
				return nil
			},
		},
		{
			Name:        "truncated",
			Description: "the server declares Content-Length 4096, sends 38 bytes and closes the connection; the error wraps io.ErrUnexpectedEOF",
			handler: withoutRobots(func(w http.ResponseWriter, r *http.Request) {
				conn, buf, err := w.(http.Hijacker).Hijack()
				if err != nil {
					return
				}
				defer conn.Close()
				buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: " + contentType(r.URL.Path) + "\r\nContent-Length: 4096\r\n\r\n")
				buf.WriteString("country_iso3,year,value\nSWE,2023,1.")
				buf.Flush()
			}),
			check: func(err error, sc *scene) error {
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					return fmt.Errorf("Collect = %v, want an error wrapping io.ErrUnexpectedEOF", err)
				}
				return nil
			},
		},
		{
			Name:        "html-error-page",
			Description: "every URL, robots.txt included, answers 200 with an HTML error page; the collector must see it is not data",
			handler: func(sc *scene) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
					fmt.Fprint(w, errorPage)
				}
			},
			check: notAFetchError,
		},
		{
			Name:        "binary-garbage",
			Description: "every document answers 200 with 16 KiB of random bytes, labelled with the media type of its extension; the collector must see it is not data",
			handler: withoutRobots(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", contentType(r.URL.Path))
				w.Write(garbage(16 << 10))
			}),
			check: notAFetchError,
		},
		{
			Name:        "redirect-other-host",
			Description: "every document redirects to a host outside the source's allow-list; the error wraps collect.ErrHostNotAllowed and the other host gets no request",
			handler: func(sc *scene) http.HandlerFunc {
				return withoutRobots(func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, sc.otherURL+r.URL.RequestURI(), http.StatusFound)
				})(sc)
			},
			check: func(err error, sc *scene) error {
				if !errors.Is(err, collect.ErrHostNotAllowed) {
					return fmt.Errorf("Collect = %v, want an error wrapping collect.ErrHostNotAllowed", err)
				}
				if n := sc.others(); n != 0 {
					return fmt.Errorf("the host outside the allow-list got %d requests, want none", n)
				}
				return nil
			},
		},
		{
			Name:        "too-large",
			Description: "every document is one byte over the size limit, with a Content-Length; the error wraps collect.ErrTooLarge",
			handler: withoutRobots(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", contentType(r.URL.Path))
				w.Header().Set("Content-Length", strconv.Itoa(maxBody+1))
				w.Write(garbage(maxBody + 1))
			}),
			check: wraps(collect.ErrTooLarge),
		},
		{
			Name:        "too-large-chunked",
			Description: "every document is twice the size limit, sent in chunks without a Content-Length; the error wraps collect.ErrTooLarge",
			handler: withoutRobots(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", contentType(r.URL.Path))
				chunk := garbage(8 << 10)
				for range 2 * maxBody / len(chunk) {
					if _, err := w.Write(chunk); err != nil {
						return
					}
					w.(http.Flusher).Flush()
				}
			}),
			check: wraps(collect.ErrTooLarge),
		},
		{
			Name:        "robots-disallow",
			Description: "robots.txt disallows everything; the error wraps collect.ErrRobots and no document is requested",
			handler: func(sc *scene) http.HandlerFunc {
				return func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/robots.txt" {
						fmt.Fprint(w, "User-agent: *\nDisallow: /\n")
						return
					}
					fmt.Fprint(w, "country_iso3,year,value\nSWE,2023,1.5\n")
				}
			},
			check: func(err error, sc *scene) error {
				if !errors.Is(err, collect.ErrRobots) {
					return fmt.Errorf("Collect = %v, want an error wrapping collect.ErrRobots", err)
				}
				if n := sc.documents(); n != 0 {
					return fmt.Errorf("the server got %d document requests, want none", n)
				}
				return nil
			},
		},
	}
}

// withoutRobots serves h for every path but robots.txt, which is absent.
func withoutRobots(h http.HandlerFunc) func(*scene) http.HandlerFunc {
	return func(*scene) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				http.NotFound(w, r)
				return
			}
			h(w, r)
		}
	}
}

func wraps(target error) func(error, *scene) error {
	return func(err error, _ *scene) error {
		if !errors.Is(err, target) {
			return fmt.Errorf("Collect = %v, want an error wrapping %v", err, target)
		}
		return nil
	}
}

// notAFetchError checks the error of a collector given a document that is
// not data: the fetch succeeded at once, so a temporary fetch error means
// the collector reported the wrong cause.
func notAFetchError(err error, _ *scene) error {
	var se *collect.StatusError
	var ne net.Error
	if collect.Temporary(err) || errors.As(err, &se) || errors.As(err, &ne) {
		return fmt.Errorf("Collect = %v, a fetch error, but every fetch succeeded: want an error about the content", err)
	}
	return nil
}

const errorPage = `<!DOCTYPE html>
<html lang="en"><head><title>Service temporarily unavailable</title></head>
<body><h1>We'll be back soon</h1>
<p>Sorry for the inconvenience. The data portal is undergoing maintenance.</p>
<table><tr><th>Country</th><th>Year</th></tr><tr><td>Sweden</td><td>2023</td></tr></table>
</body></html>
`

// garbage returns n bytes of noise, the same each time.
func garbage(n int) []byte {
	r := rand.New(rand.NewChaCha8([32]byte{'p', 'u', 'b', 'l', 'i', 's', 'h'}))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// contentType returns the media type a publisher would label a path with.
func contentType(p string) string {
	switch strings.ToLower(path.Ext(p)) {
	case ".csv":
		return "text/csv"
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".xls":
		return "application/vnd.ms-excel"
	case ".zip":
		return "application/zip"
	case ".json":
		return "application/json"
	case ".xml":
		return "application/xml"
	case ".html", ".htm", "":
		return "text/html; charset=utf-8"
	}
	return "application/octet-stream"
}
