package tracker

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/health"
	"github.com/smsdash/smsdash/sms/sim"
)

// gated answers the first status request and holds the others until
// open is closed.
type gated struct {
	sms.Gateway
	calls chan struct{} // one per status request begun
	open  chan struct{}
}

func (g *gated) Statuses(ctx context.Context, ids []int64) ([]sms.StatusReport, error) {
	g.calls <- struct{}{}
	if len(g.calls) > 1 {
		select {
		case <-g.open:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return g.Gateway.Statuses(ctx, ids)
}

// waitLevel waits for the record to reach level, on its change signal.
func waitLevel(t *testing.T, rec *health.Record, changed <-chan struct{}, level health.Level) health.State {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if s := rec.State(); s.Level == level {
			return s
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("state %+v, want level %d", rec.State(), level)
		}
	}
}

func newRecord() (*health.Record, chan struct{}) {
	changed := make(chan struct{}, 1)
	return health.New(func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}), changed
}

// TestHealthBeforeTheCycleEnds: over a history of many packages, the
// light is online as soon as the first status request works, while the
// cycle is still asking (it cannot end: the other requests are held).
func TestHealthBeforeTheCycleEnds(t *testing.T) {
	r := newRig(t, sim.Faults{})
	r.send(t, "375296717251", "375296717252", "375296717253", "375296717254")
	rec, changed := newRecord()
	g := &gated{Gateway: r.gw, calls: make(chan struct{}, 10), open: make(chan struct{})}
	tr := New(r.st, g, r.feed, Options{Now: r.clk.Now, Chunk: 1, Health: rec})
	done := make(chan error, 1)
	go func() { _, err := tr.Cycle(context.Background()); done <- err }()
	waitLevel(t, rec, changed, health.Online)
	select {
	case err := <-done:
		t.Fatalf("the cycle ended (%v) before the light was checked", err)
	default:
	}
	close(g.open)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := len(g.calls); n != 4 {
		t.Errorf("%d status requests, want 4", n)
	}
}

// TestHealthFailures: a dead gateway's status and balance requests are
// reported as they fail: offline, with both kinds and the reason.
func TestHealthFailures(t *testing.T) {
	r := newRig(t, sim.Faults{})
	r.send(t, "375296717251")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	rec, changed := newRecord()
	tr := New(r.st, jsonGateway(t, dead), r.feed, Options{Now: r.clk.Now, Health: rec})
	if _, err := tr.Cycle(context.Background()); err == nil {
		t.Fatal("a cycle on a dead gateway worked")
	}
	if _, err := tr.ReadBalance(context.Background()); err == nil {
		t.Fatal("a balance read on a dead gateway worked")
	}
	s := waitLevel(t, rec, changed, health.Offline)
	if len(s.Failed) != 2 || s.Failed[0].Kind != health.Statuses || s.Failed[1].Kind != health.Balance ||
		!strings.Contains(sms.ErrText(s.Failed[1].Err, sms.EN), "nothing listens at "+strings.TrimPrefix(dead, "http://")) {
		t.Errorf("%+v", s)
	}
}
