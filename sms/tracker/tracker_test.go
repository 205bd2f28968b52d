package tracker

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/httpapi"
	"github.com/smsdash/smsdash/sms/internal/pgtest"
	"github.com/smsdash/smsdash/sms/outbox"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/store"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

type rig struct {
	sim   *sim.Running
	path  string // the history's file
	st    *store.Store
	gw    sms.Gateway
	ob    *outbox.Outbox
	hub   *Hub
	feed  *Feed
	clk   *clock
	start time.Time
}

// run runs tr until the test ends (at most 30 s), with a subscription
// to the hub taken before it starts.
func (r *rig) run(t *testing.T, tr *Tracker) (context.Context, *Sub) {
	sub := r.hub.Subscribe()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	done := make(chan struct{})
	go func() { tr.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; sub.Close() })
	return ctx, sub
}

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

func newRig(t testing.TB, faults sim.Faults) *rig {
	t.Helper()
	start := time.Now().Truncate(time.Second)
	clk := &clock{t: start}
	run, err := sim.Start("127.0.0.1:0", sim.Options{Balance: 1e9, QueuedFor: time.Minute, SentFor: time.Minute, Now: clk.Now, Faults: faults, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Close() })
	path := filepath.Join(t.TempDir(), "h.db")
	if os.Getenv("SMSDASH_TEST_STORE") == "postgres" { // the benchmarks beside SQLite's
		path = pgtest.Shared(t).NewDatabase(t)
	}
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	gw := jsonGateway(t, run.URL())
	hub := NewHub()
	feed, err := NewFeed(context.Background(), st, hub)
	if err != nil {
		t.Fatal(err)
	}
	return &rig{sim: run, path: path, st: st, gw: gw, hub: hub, feed: feed, clk: clk, start: start,
		ob: &outbox.Outbox{Store: st, Gateway: gw, Transport: "json", Agent: "test", Chunk: 1000}}
}

// jsonGateway is the JSON transport on a simulator at base.
func jsonGateway(t testing.TB, base string) sms.Gateway {
	t.Helper()
	gw, err := httpapi.New("json", httpapi.Config{Login: "demo", Password: "demo", JSONURL: base + sim.PathJSON,
		CreditsPlainURL: base + sim.PathCreditsPlain, BatchSize: 1000, Timeout: 5 * time.Second,
		Retry: httpapi.Retry{Attempts: 2, Base: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return gw
}

func (r *rig) send(t testing.TB, numbers ...string) []int64 {
	t.Helper()
	msgs := make([]sms.Message, len(numbers))
	for i, n := range numbers {
		msgs[i] = sms.Message{To: n, Text: "Привет", Sender: "CMC"}
	}
	ids, res, err := r.ob.Send(context.Background(), 0, msgs)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range res {
		if x.Outcome != sms.Accepted {
			t.Fatalf("message %d: %+v", i, x)
		}
	}
	return ids
}

func TestCycle(t *testing.T) {
	r := newRig(t, sim.Faults{})
	tr := New(r.st, r.gw, r.feed, Options{Now: r.clk.Now})
	sub := r.hub.Subscribe()
	defer sub.Close()
	ids := r.send(t, "375296717259", "375291234500", "375291234503")
	ctx := context.Background()

	want := func(stage string, changes int, statuses ...sms.Status) {
		t.Helper()
		n, err := tr.Cycle(ctx)
		if err != nil || n != changes {
			t.Fatalf("%s: %d changes, %v; want %d", stage, n, err, changes)
		}
		for i, id := range ids {
			row, err := r.st.Message(ctx, id)
			if err != nil || row.Status != statuses[i] {
				t.Errorf("%s: message %d is %v (%v), want %v", stage, id, row.Status, err, statuses[i])
			}
		}
	}
	want("at once", 3, sms.Queued, sms.Queued, sms.Queued)
	ev, ok := sub.Take()
	if !ok || len(ev.Updates) != 3 || ev.Updates[0].To != sms.Queued {
		t.Fatalf("event: %+v", ev)
	}
	want("no news", 0, sms.Queued, sms.Queued, sms.Queued)
	if _, ok := sub.Take(); ok {
		t.Error("a cycle without changes published an event")
	}
	r.clk.Set(r.start.Add(90 * time.Second))
	want("sent", 3, sms.Sent, sms.Sent, sms.Sent)
	r.clk.Set(r.start.Add(3 * time.Minute))
	want("final", 3, sms.Delivered, sms.Rejected, sms.Unknown)
	// Two cycles' changes merged: each message once, From where it began.
	ev, _ = sub.Take()
	if len(ev.Updates) != 3 || ev.Updates[0].From != sms.Queued || ev.Updates[0].To != sms.Delivered {
		t.Errorf("merged event: %+v", ev.Updates)
	}
	tracked, err := r.st.Tracked(ctx, 0)
	if err != nil || len(tracked) != 1 || tracked[0].ID != ids[2] {
		t.Errorf("only the Unknown one is still tracked: %+v, %v", tracked, err)
	}
	// Past validity (48 h) and the margin, Unknown stays Unknown, unpolled.
	r.clk.Set(r.start.Add(50 * time.Hour))
	want("expired", 0, sms.Delivered, sms.Rejected, sms.Unknown)
	if tracked, _ := r.st.Tracked(ctx, 0); len(tracked) != 0 {
		t.Errorf("still tracked after validity: %+v", tracked)
	}
}

// With a share of every fault, cycles go on until every message is final:
// no change lost, none written twice.
func TestCycleUnderFaults(t *testing.T) {
	r := newRig(t, sim.Faults{})
	tr := New(r.st, r.gw, r.feed, Options{Now: r.clk.Now, Chunk: 7})
	var numbers []string
	for i := range 50 {
		numbers = append(numbers, fmt.Sprintf("3752912345%02d", i))
	}
	ids := r.send(t, numbers...)
	r.sim.Server().SetFaults(sim.Faults{HTTP500: 0.2, Unavailable: 0.2, Garbage: 0.1, Drop: 0.1})
	ctx := context.Background()
	r.clk.Set(r.start.Add(90 * time.Second))
	tr.Cycle(ctx) // some see Sent, some do not: the chunks fail at random
	r.clk.Set(r.start.Add(3 * time.Minute))
	failures := 0
	for range 200 {
		if _, err := tr.Cycle(ctx); err != nil {
			failures++
		} else if tracked, _ := r.st.Tracked(ctx, 0); len(tracked) == 1 { // ...03 stays Unknown
			break
		}
	}
	if failures == 0 {
		t.Error("no fault met: the test tests nothing")
	}
	for i, id := range ids {
		row, _ := r.st.Message(ctx, id)
		if want := finalStatus(numbers[i]); row.Status != want {
			t.Errorf("%s: %v, want %v", numbers[i], row.Status, want)
		}
		hist, err := r.st.History(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[sms.Status]int{}
		for _, c := range hist {
			if c.Status != sms.StatusNone {
				seen[c.Status]++
			}
		}
		for s, n := range seen {
			if n > 1 {
				t.Errorf("%s: %v written %d times", numbers[i], s, n)
			}
		}
	}
}

func finalStatus(number string) sms.Status {
	n, _ := strconv.ParseUint(number, 10, 64)
	return sim.FinalStatus(n)
}

// A tracker that does not lead asks the gateway nothing; once it leads, a
// poke starts a cycle.
func TestLeads(t *testing.T) {
	r := newRig(t, sim.Faults{})
	r.send(t, "375296717259")
	var leads atomic.Bool
	tr := New(r.st, r.gw, r.feed, Options{Now: r.clk.Now, PollInterval: time.Hour, BalanceInterval: time.Hour, Leads: leads.Load})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { tr.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	sub := r.hub.Subscribe()
	defer sub.Close()
	// The balance is read whoever leads: its reading says Run is under
	// way, and no cycle came before it.
	waitFor(t, func() bool { return r.sim.Server().Stats().CreditsRequests > 0 })
	tr.Poke()
	waitFor(t, func() bool { return r.sim.Server().Stats().CreditsRequests > 1 }) // the poke was taken
	if n := r.sim.Server().Stats().StatusRequests; n != 0 {
		t.Fatalf("%d status requests from a tracker that does not lead", n)
	}
	leads.Store(true)
	tr.Poke()
	waitFor(t, func() bool { return r.sim.Server().Stats().StatusRequests > 0 })
}

// waitFor waits, up to a bound, for cond.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("not in 10 s")
		}
	}
}
