package tracker

import (
	"slices"
	"testing"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/store"
)

// A slow subscriber's pending events merge: each message once, a status
// change keeping where it started, a message written once however often.
func TestHubMerges(t *testing.T) {
	h := NewHub()
	sub := h.Subscribe()
	defer sub.Close()
	h.Publish(Event{Written: []int64{1, 2}, Updates: []store.Update{{ID: 1, From: sms.StatusNone, To: sms.Queued}}})
	h.Publish(Event{Written: []int64{2, 3}, Updates: []store.Update{{ID: 1, From: sms.Queued, To: sms.Delivered}}})
	ev, ok := sub.Take()
	if !ok || !slices.Equal(ev.Written, []int64{1, 2, 3}) {
		t.Fatalf("written %v (pending %v), want [1 2 3]", ev.Written, ok)
	}
	if len(ev.Updates) != 1 || ev.Updates[0].From != sms.StatusNone || ev.Updates[0].To != sms.Delivered {
		t.Fatalf("updates %+v, want one: none → delivered", ev.Updates)
	}
	h.Publish(Event{Written: []int64{2}})
	if ev, ok := sub.Take(); !ok || !slices.Equal(ev.Written, []int64{2}) {
		t.Fatalf("after a Take: written %v (pending %v), want [2] again", ev.Written, ok)
	}
	if _, ok := sub.Take(); ok {
		t.Fatal("an event pending after it was taken")
	}
}
