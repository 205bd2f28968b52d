package smpp

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/outbox"
	"github.com/smsdash/smsdash/sms/smppsim"
	"github.com/smsdash/smsdash/sms/store"
	"github.com/smsdash/smsdash/sms/tracker"
)

// TestWiring runs the transport the way the app is to wire it: the outbox
// records the sends, receipts go to store.ApplyStatuses("smpp") and the
// hub, and a subscriber sees every message reach its final status.
func TestWiring(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hub := tracker.NewHub()
	sub := hub.Subscribe()
	defer sub.Close()

	o := smppsim.Options{}
	o.Account.QueuedFor, o.Account.SentFor = -1, 50*time.Millisecond
	srv := startSim(t, o)
	ctx := context.Background()
	cl := New(Config{
		Addr: srv.Addr(), User: "demo", Password: "demo",
		Backoff: Backoff{Min: 20 * time.Millisecond, Max: 200 * time.Millisecond},
		OnReceipts: func(reps []sms.StatusReport) {
			ups, err := st.ApplyStatuses(context.Background(), "smpp", reps)
			if err != nil {
				hub.Publish(tracker.Event{Err: err, ErrSet: true})
				return
			}
			if len(ups) > 0 {
				hub.Publish(tracker.Event{Updates: ups})
			}
		},
	})
	if err := cl.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer cl.Close()

	ob := &outbox.Outbox{Store: st, Gateway: cl, Transport: "smpp", Agent: "test", Chunk: 500}
	msgs := []sms.Message{
		msg("375291234500", "Rejected"), msg("375291234504", "Delivered"),
		msg("375291234598", strings.Repeat("Длинное сообщение. ", 10)),
	}
	ids, res, err := ob.Send(ctx, 0, msgs)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Outcome != sms.Accepted {
			t.Fatalf("message %d: %+v", i, r)
		}
	}
	want := map[int64]sms.Status{ids[0]: sms.Rejected, ids[1]: sms.Delivered, ids[2]: sms.Delivered}
	got := map[int64]sms.Status{}
	deadline := time.After(10 * time.Second)
	for len(got) < len(want) || !final(got) {
		select {
		case <-sub.C():
			e, _ := sub.Take()
			if e.ErrSet && e.Err != nil {
				t.Fatal(e.Err)
			}
			for _, u := range e.Updates {
				got[u.ID] = u.To
			}
		case <-deadline:
			t.Fatalf("updates %v, want %v", got, want)
		}
	}
	for id, s := range want {
		row, err := st.Message(ctx, id)
		if err != nil || row.Status != s || got[id] != s || row.GatewayID != res[indexOf(ids, id)].ID {
			t.Errorf("message %d: row %+v (%v), update %v, want %v", id, row, err, got[id], s)
		}
	}
	if row, _ := st.Message(ctx, ids[2]); row.Parts != 3 {
		t.Errorf("long message parts %d", row.Parts)
	}
}

func final(m map[int64]sms.Status) bool {
	for _, s := range m {
		if !s.Final() {
			return false
		}
	}
	return true
}

func indexOf(ids []int64, id int64) int {
	for i, x := range ids {
		if x == id {
			return i
		}
	}
	return -1
}
