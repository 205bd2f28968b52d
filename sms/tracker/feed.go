package tracker

import (
	"context"
	"sync"

	"github.com/smsdash/smsdash/sms/store"
)

// ChangeLog is the history's change sequence (see store.Changes).
type ChangeLog interface {
	LastChange(ctx context.Context) (int64, error)
	Changes(ctx context.Context, after, upto int64) (changes []store.Update, written []int64, err error)
}

// Feed is the one path from the history to the hub: it publishes every
// status change written to the history, and every send's outcome, by this process or another
// smsdash on the same file, in the order written. Several smsdash
// processes track the same messages, and the first to write a change is
// the only one whose ApplyStatuses returns it; reading the history
// instead is how a watch beside the dashboard still sees every final
// status. Publishing only what the history says, in its order, also
// means a change is published once, and never before an older one.
//
// One Feed per process and history: it outlives the trackers that kick
// it (the dashboard makes a new one when the transport changes).
type Feed struct {
	log ChangeLog
	hub *Hub
	mu  sync.Mutex // one catch-up at a time, so that changes go out in order
	at  int64      // the last position published
}

// feedPage bounds one read: a burst of 100,000 changes is published in
// pages rather than held whole.
const feedPage = 10000

// NewFeed starts a feed at the history's newest change: a consumer reads
// what it shows after this, so that nothing written in between is missed.
func NewFeed(ctx context.Context, log ChangeLog, hub *Hub) (*Feed, error) {
	at, err := log.LastChange(ctx)
	if err != nil {
		return nil, err
	}
	return &Feed{log: log, hub: hub, at: at}, nil
}

// Hub is where the feed publishes.
func (f *Feed) Hub() *Hub { return f.hub }

// CatchUp publishes the changes written since the last call, and returns
// how many (status changes and messages written). On failure it publishes what it read so far; the rest comes
// at the next call.
func (f *Feed) CatchUp(ctx context.Context) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	end, err := f.log.LastChange(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for f.at < end { // at most (end-at)/feedPage+1 reads: end is fixed
		upto := min(f.at+feedPage, end)
		ups, written, err := f.log.Changes(ctx, f.at, upto)
		if err != nil {
			return n, err
		}
		if len(ups) > 0 || len(written) > 0 {
			f.hub.Publish(Event{Updates: ups, Written: written})
		}
		n += len(ups) + len(written)
		f.at = upto
	}
	return n, nil
}
