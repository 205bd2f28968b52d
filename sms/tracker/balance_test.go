package tracker

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/sim"
)

// credits is a simulator whose credits endpoint is decided by the test.
func (r *rig) credits(t *testing.T, handle func(w http.ResponseWriter, req *http.Request) bool) sms.Gateway {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == sim.PathCreditsPlain && handle(w, req) {
			return
		}
		r.sim.Server().ServeHTTP(w, req)
	}))
	t.Cleanup(ts.Close)
	return jsonGateway(t, ts.URL)
}

// A balance read that hangs does not hold up the statuses: the first
// poll's changes are published while the read is still waiting.
func TestStatusesNotHeldUpByBalance(t *testing.T) {
	r := newRig(t, sim.Faults{})
	r.send(t, "375296717259")
	asked, release := make(chan struct{}), make(chan struct{})
	noteAsked, answer := sync.OnceFunc(func() { close(asked) }), sync.OnceFunc(func() { close(release) })
	defer answer()
	gw := r.credits(t, func(w http.ResponseWriter, req *http.Request) bool {
		noteAsked()
		select {
		case <-release:
			return false // then answered by the simulator
		case <-req.Context().Done():
			return true
		}
	})
	tr := New(r.st, gw, r.feed, Options{Now: r.clk.Now})
	ctx, sub := r.run(t, tr)

	select {
	case <-asked:
	case <-ctx.Done():
		t.Fatal("the balance was never asked for")
	}
	next(t, ctx, sub, "the first poll's statuses", func(ev Event) bool {
		if ev.Balance != nil || ev.BalanceErrSet {
			t.Fatalf("the balance read ended before the first poll's statuses came: %+v", ev)
		}
		return len(ev.Updates) > 0
	})
	answer()
	ev := next(t, ctx, sub, "the balance", func(ev Event) bool { return ev.Balance != nil })
	if ev.Balance.Credits <= 0 || !ev.BalanceErrSet || ev.BalanceErr != nil {
		t.Errorf("balance event: %+v", ev)
	}
}

// A failed balance read is published as the balance's error, not the
// polling's; the next reading that works clears it.
func TestBalanceFailureShown(t *testing.T) {
	r := newRig(t, sim.Faults{})
	r.send(t, "375296717259")
	var failing atomic.Bool
	failing.Store(true)
	gw := r.credits(t, func(w http.ResponseWriter, req *http.Request) bool {
		if failing.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return true
		}
		return false
	})
	tr := New(r.st, gw, r.feed, Options{Now: r.clk.Now})
	ctx, sub := r.run(t, tr)

	var pollOK, balanceErr bool
	next(t, ctx, sub, "a polling success and a balance failure", func(ev Event) bool {
		pollOK = pollOK || ev.ErrSet && ev.Err == nil
		if ev.ErrSet && ev.Err != nil {
			t.Errorf("the polling took a failure: %v", ev.Err)
		}
		if ev.BalanceErrSet {
			balanceErr = ev.BalanceErr != nil
			if !balanceErr || !strings.Contains(ev.BalanceErr.Error(), "502") {
				t.Errorf("balance error: %v", ev.BalanceErr)
			}
		}
		return pollOK && balanceErr
	})
	failing.Store(false)
	tr.Poke()
	ev := next(t, ctx, sub, "a reading", func(ev Event) bool { return ev.BalanceErrSet })
	if ev.BalanceErr != nil || ev.Balance == nil {
		t.Errorf("after the endpoint came back: %+v", ev)
	}
}
