package tracker

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/store"
)

// other opens the rig's history a second time: another smsdash process.
func (r *rig) other(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(r.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// next waits for events until one passes ok (events merge, so one may
// carry several publishes) and returns it; ctx bounds the wait.
func next(t *testing.T, ctx context.Context, sub *Sub, what string, ok func(Event) bool) Event {
	t.Helper()
	for range 1000 {
		select {
		case <-sub.C():
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		}
		if ev, _ := sub.Take(); ok(ev) {
			return ev
		}
	}
	t.Fatalf("1000 events, none with %s", what)
	return Event{}
}

func statuses(ev Event) map[int64][2]sms.Status {
	out := map[int64][2]sms.Status{}
	for _, u := range ev.Updates {
		out[u.ID] = [2]sms.Status{u.From, u.To}
	}
	return out
}

// A change another process wrote reaches this process's subscribers;
// this tracker's own changes are published once, and all in the order
// the history has them, so a later status is never overtaken by an
// earlier one.
func TestFeedPublishesEveryProcessInOrder(t *testing.T) {
	r := newRig(t, sim.Faults{})
	ids := r.send(t, "375296717259", "375291234500")
	tr := New(r.st, r.gw, r.feed, Options{Now: r.clk.Now})
	sub := r.hub.Subscribe()
	defer sub.Close()
	other := r.other(t)
	ctx := context.Background()
	gwID := func(i int) int64 {
		row, err := r.st.Message(ctx, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		return row.GatewayID
	}

	if _, err := other.ApplyStatuses(ctx, "http", []sms.StatusReport{{ID: gwID(0), Status: sms.Queued}}); err != nil {
		t.Fatal(err)
	}
	// The two sends' outcomes, then the other process's change.
	if n, err := r.feed.CatchUp(ctx); err != nil || n != 3 {
		t.Fatalf("CatchUp = %d, %v", n, err)
	}
	ev, _ := sub.Take()
	if got := statuses(ev); len(got) != 1 || got[ids[0]] != [2]sms.Status{sms.StatusNone, sms.Queued} {
		t.Fatalf("the other process's change: %+v", ev.Updates)
	}
	if !slices.Equal(ev.Written, ids) {
		t.Fatalf("the sends written: %v, want %v", ev.Written, ids)
	}
	// This cycle finds only the second message new; it is published once.
	if n, err := tr.Cycle(ctx); err != nil || n != 1 {
		t.Fatalf("Cycle = %d, %v", n, err)
	}
	ev, _ = sub.Take()
	if got := statuses(ev); len(got) != 1 || got[ids[1]] != [2]sms.Status{sms.StatusNone, sms.Queued} {
		t.Fatalf("the cycle's change: %+v", ev.Updates)
	}
	if n, err := r.feed.CatchUp(ctx); err != nil || n != 0 {
		t.Errorf("CatchUp after the cycle = %d, %v: published twice", n, err)
	}
	if ev, ok := sub.Take(); ok {
		t.Errorf("published twice: %+v", ev)
	}

	// The other process writes Sent, then this cycle Delivered: they go
	// out in that order, merged to where the message ends.
	if _, err := other.ApplyStatuses(ctx, "http", []sms.StatusReport{{ID: gwID(0), Status: sms.Sent}}); err != nil {
		t.Fatal(err)
	}
	r.clk.Set(r.start.Add(3 * time.Minute))
	if n, err := tr.Cycle(ctx); err != nil || n != 2 {
		t.Fatalf("final cycle = %d, %v", n, err)
	}
	ev, _ = sub.Take()
	want := map[int64][2]sms.Status{ids[0]: {sms.Queued, sms.Delivered}, ids[1]: {sms.Queued, sms.Rejected}}
	if got := statuses(ev); len(got) != 2 || got[ids[0]] != want[ids[0]] || got[ids[1]] != want[ids[1]] {
		t.Errorf("merged: %+v, want %v", ev.Updates, want)
	}
}

// A running tracker publishes what another process writes, though its
// own cycles write nothing (with receipts it asks nothing).
func TestRunFollowsOtherProcess(t *testing.T) {
	r := newRig(t, sim.Faults{})
	ids := r.send(t, "375296717259")
	row, _ := r.st.Message(context.Background(), ids[0])
	tr := New(r.st, r.gw, r.feed, Options{Now: r.clk.Now, Receipts: true, FollowInterval: time.Millisecond, BalanceInterval: time.Hour})
	ctx, sub := r.run(t, tr)

	if _, err := r.other(t).ApplyStatuses(ctx, "smpp", []sms.StatusReport{{ID: row.GatewayID, Status: sms.Delivered}}); err != nil {
		t.Fatal(err)
	}
	ev := next(t, ctx, sub, "the other process's change", func(ev Event) bool { return len(ev.Updates) > 0 })
	if got := statuses(ev); got[ids[0]] != [2]sms.Status{sms.StatusNone, sms.Delivered} {
		t.Errorf("followed: %+v", ev.Updates)
	}
}
