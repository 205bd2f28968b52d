package smpp

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/smppsim"
)

// startSim runs an SMSC on loopback for the test.
func startSim(t testing.TB, o smppsim.Options) *smppsim.Running {
	t.Helper()
	r, err := smppsim.Start("127.0.0.1:0", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// instant makes receipts come at once.
func instant(o smppsim.Options) smppsim.Options {
	o.Account.QueuedFor, o.Account.SentFor = -1, -1
	return o
}

// sink collects what OnReceipts gets.
type sink struct {
	mu      sync.Mutex
	reps    []sms.StatusReport
	batches int
	ch      chan struct{}
}

func newSink() *sink { return &sink{ch: make(chan struct{}, 1)} }

func (s *sink) on(b []sms.StatusReport) {
	s.mu.Lock()
	s.reps = append(s.reps, b...)
	s.batches++
	s.mu.Unlock()
	select {
	case s.ch <- struct{}{}:
	default:
	}
}

func (s *sink) all() []sms.StatusReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sms.StatusReport(nil), s.reps...)
}

// wait waits until at least n reports came, or fails.
func (s *sink) wait(t testing.TB, n int, d time.Duration) []sms.StatusReport {
	t.Helper()
	deadline := time.After(d)
	for {
		if r := s.all(); len(r) >= n {
			return r
		}
		select {
		case <-s.ch:
		case <-deadline:
			r := s.all()
			t.Fatalf("%d of %d receipts after %s: %+v", len(r), n, d, r)
			return nil
		}
	}
}

// latest gives each id's last reported status.
func latest(reps []sms.StatusReport) map[int64]sms.StatusReport {
	m := map[int64]sms.StatusReport{}
	for _, r := range reps {
		m[r.ID] = r
	}
	return m
}

func testConfig(addr string) Config {
	return Config{
		Addr: addr, User: "demo", Password: "demo",
		Backoff:     Backoff{Min: 20 * time.Millisecond, Max: 200 * time.Millisecond},
		RespTimeout: 3 * time.Second, ConnectWait: 5 * time.Second,
	}
}

// startClient starts a client on addr; mod adjusts its config.
func startClient(t testing.TB, addr string, mod func(*Config)) (*Client, *sink) {
	t.Helper()
	s := newSink()
	cfg := testConfig(addr)
	cfg.OnReceipts = s.on
	if mod != nil {
		mod(&cfg)
	}
	c := New(cfg)
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, s
}

// waitState waits for the client to reach kind.
func waitState(t testing.TB, c *Client, kind StateKind, d time.Duration) ConnState {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		s := c.State()
		if s.Kind == kind {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("state %v, want %v after %s", s, kind, d)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func msg(to, text string) sms.Message { return sms.Message{To: to, Text: text, Sender: "CMC"} }

// waitLosses waits until the client has lost links n times.
func waitLosses(t testing.TB, c *Client, n int64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for c.Stats().Losses < n {
		if time.Now().After(deadline) {
			t.Fatalf("losses %d, want %d", c.Stats().Losses, n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitBinds waits until the client has bound n times.
func waitBinds(t testing.TB, c *Client, n int64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for c.Stats().Binds < n {
		if time.Now().After(deadline) {
			t.Fatalf("binds %d, want %d", c.Stats().Binds, n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitSessions waits until the SMSC has tx transmitter and rx receiver binds.
func waitSessions(t testing.TB, srv *smppsim.Running, tx, rx int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		a, b := srv.Sessions()
		if a == tx && b == rx {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("sessions %d %d, want %d %d", a, b, tx, rx)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
