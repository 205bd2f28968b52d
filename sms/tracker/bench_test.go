package tracker

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/store"
)

// One tracker cycle over 100,000 non-final messages against the
// in-process simulator. "all-change": every message changes status each
// cycle (the clock swings between the Queued and the Sent phase), the
// worst case; "no-change": the gateway has no news.
func BenchmarkCycle100k(b *testing.B) {
	b.Run("all-change", func(b *testing.B) { benchCycle(b, true) })
	b.Run("no-change", func(b *testing.B) { benchCycle(b, false) })
}

func benchCycle(b *testing.B, swing bool) {
	r := newRig(b, sim.Faults{})
	msgs := make([]sms.Message, 100000)
	for i := range msgs {
		msgs[i] = sms.Message{To: fmt.Sprintf("3752912%05d", i), Text: "Привет", Sender: "CMC"}
	}
	r.ob.Chunk = 10000
	if _, _, err := r.ob.Send(context.Background(), 0, msgs); err != nil {
		b.Fatal(err)
	}
	tr := New(r.st, r.gw, r.feed, Options{Now: r.clk.Now, Chunk: 5000})
	sub := r.hub.Subscribe()
	defer sub.Close()
	if _, err := tr.Cycle(context.Background()); err != nil { // the first statuses, untimed
		b.Fatal(err)
	}
	for i := 1; b.Loop(); i++ {
		if swing {
			r.clk.Set(r.start.Add(time.Duration(i%2) * 90 * time.Second))
		}
		n, err := tr.Cycle(context.Background())
		if err != nil || (swing && n != len(msgs)) || (!swing && n != 0) {
			b.Fatalf("cycle %d: %d changes, %v", i, n, err)
		}
	}
	b.ReportMetric(float64(len(msgs)), "msgs/cycle")
}

// A burst of 10,000 updates merged for one subscriber.
func BenchmarkHubBurst10k(b *testing.B) {
	h := NewHub()
	s := h.Subscribe()
	ups := make([]store.Update, 10000)
	for i := range ups {
		ups[i] = store.Update{ID: int64(i + 1), To: sms.Delivered}
	}
	b.ReportAllocs()
	for b.Loop() {
		h.Publish(Event{Updates: ups})
		if ev, ok := s.Take(); !ok || len(ev.Updates) != len(ups) {
			b.Fatal("lost updates")
		}
	}
}
