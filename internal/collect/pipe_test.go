package collect

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"
)

// pipeServer is a real http.Server that the fetcher reaches over in-memory
// connections (net.Pipe) instead of sockets, so that a test can run in a
// testing/synctest bubble: a goroutine waiting on a pipe is durably
// blocked, one waiting on a socket is not, and the bubble's fake clock
// would never move. Requests, responses, cancellation and closed
// connections are HTTP's own, as over the network.
type pipeServer struct {
	URL       string          // http://pipe.test
	Transport *http.Transport // dials the server; give it to SessionOptions.Transport
	srv       *http.Server
	l         *pipeListener
}

// servePipe starts a pipeServer for handler, wrapped so that h records its
// requests. Call it inside the bubble, and Close it before the bubble
// ends: its goroutines must exit with the test.
func servePipe(h *hits, handler http.HandlerFunc) *pipeServer {
	l := &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
	p := &pipeServer{URL: "http://pipe.test", l: l, srv: &http.Server{Handler: h.wrap(handler)}}
	p.Transport = &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			client, server := net.Pipe()
			select {
			case l.conns <- server:
				return client, nil
			case <-l.done:
				return nil, net.ErrClosed
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		},
	}
	go p.srv.Serve(l)
	return p
}

// Close stops the server, closes every connection and waits for nothing:
// the connections' goroutines end as their pipes close.
func (p *pipeServer) Close() {
	p.Transport.CloseIdleConnections()
	p.srv.Close()
}

// pipeListener hands the server the far ends of the pipes the transport
// dials.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe.test:80" }

var _ net.Listener = (*pipeListener)(nil)

// TestPipeServer checks the helper itself: a request goes and comes back.
func TestPipeServer(t *testing.T) {
	var h hits
	p := servePipe(&h, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	defer p.Close()
	resp, err := (&http.Client{Transport: p.Transport}).Get(p.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || h.count("/x") != 1 {
		t.Errorf("GET /x = %d, server saw %d requests, want 200 and 1", resp.StatusCode, h.count("/x"))
	}
}
