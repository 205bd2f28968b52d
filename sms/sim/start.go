package sim

import (
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// Running is a simulator serving on a listener.
type Running struct {
	srv  *Server
	hs   *http.Server
	url  string
	done chan struct{}
	once sync.Once
	err  error
}

// Start listens on addr exactly as given (e.g. "127.0.0.1:0"; see
// CheckListenAddr for what a command line should allow) and serves an
// account of o, in memory, in the background until Close.
func Start(addr string, o Options) (*Running, error) { return Serve(addr, New(o)) }

// Serve is Start for an account made already (Open's, on a world file);
// Close closes it too.
func Serve(addr string, s *Server) (*Running, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	r := &Running{
		srv: s,
		hs: &http.Server{
			Handler:           s,
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    64 << 10,
			// In DEMO mode the simulator runs inside the terminal UI:
			// it must never write to the terminal.
			ErrorLog: log.New(io.Discard, "", 0),
		},
		url:  "http://" + ln.Addr().String(),
		done: make(chan struct{}),
	}
	go func() {
		defer close(r.done)
		r.hs.Serve(ln)
	}()
	return r, nil
}

// URL is the base URL, "http://127.0.0.1:PORT"; the APIs are under it at
// the real service's paths (PathJSON and the others).
func (r *Running) URL() string { return r.url }

// Server is the simulated account, for its counters and balance.
func (r *Running) Server() *Server { return r.srv }

// Close stops listening and closes every connection, then the account's
// world file if it has one; requests in flight see their context
// cancelled.
func (r *Running) Close() error {
	r.once.Do(func() {
		r.err = r.hs.Close()
		<-r.done
		r.err = errors.Join(r.err, r.srv.Close())
	})
	return r.err
}
