package store

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
)

// accepted records n messages on s as accepted with gateway ids
// first, first+1, …
func accepted(t *testing.T, s *Store, n int, first int64) []int64 {
	t.Helper()
	ids, err := addPending(s, ctx, 0, "ann", "json", msgs(n))
	if err != nil {
		t.Fatal(err)
	}
	res := make([]sms.Result, n)
	for i := range res {
		res[i] = sms.Result{Outcome: sms.Accepted, ID: first + int64(i), Parts: 1}
	}
	if err := s.RecordResults(ctx, ids, res); err != nil {
		t.Fatal(err)
	}
	return ids
}

func openPair(t *testing.T) (writer, reader *Store) {
	t.Helper()
	path := newTarget(t)
	for _, s := range []**Store{&writer, &reader} {
		var err error
		if *s, err = Open(path); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { (*s).Close() })
	}
	writer.now = func() time.Time { return t0 }
	return writer, reader
}

func sameUpdates(a, b []Update) bool {
	return slices.EqualFunc(a, b, func(x, y Update) bool {
		return x.ID == y.ID && x.GatewayID == y.GatewayID && x.From == y.From && x.To == y.To && x.At.UnixMilli() == y.At.UnixMilli()
	})
}

// Another handle on the file (another process) reads the status changes
// one handle wrote, as ApplyStatuses returned them, and only those: an
// outcome, ExpireStale giving up and a recovery change no status. A
// receipt kept as an orphan counts once it is applied.
func TestChangesFromAnotherHandle(t *testing.T) {
	w, r := openPair(t)
	start, err := r.LastChange(ctx)
	if err != nil || start != 0 {
		t.Fatalf("LastChange of an empty history = %d, %v", start, err)
	}
	ids := accepted(t, w, 3, 101)
	var wrote []Update
	apply := func(reps ...sms.StatusReport) {
		t.Helper()
		ups, err := w.ApplyStatuses(ctx, "http", reps)
		if err != nil {
			t.Fatal(err)
		}
		wrote = append(wrote, ups...)
	}
	apply(sms.StatusReport{ID: 101, Status: sms.Queued}, sms.StatusReport{ID: 102, Status: sms.Queued}, sms.StatusReport{ID: 103, Status: sms.Queued})
	mid, _ := r.LastChange(ctx)
	apply(sms.StatusReport{ID: 101, Status: sms.Sent}, sms.StatusReport{ID: 102, Status: sms.Delivered})
	apply(sms.StatusReport{ID: 999, Status: sms.Delivered}) // no such message yet: kept
	orphan := accepted(t, w, 1, 999)
	wrote = append(wrote, Update{ID: orphan[0], GatewayID: 999, From: sms.StatusNone, To: sms.Delivered, At: t0})
	if n, err := w.ExpireStale(ctx, t0.Add(50*time.Hour), time.Hour); err != nil || n != 2 {
		t.Fatalf("ExpireStale = %d, %v", n, err)
	}
	queued, err := w.AddQueued(ctx, 0, "ann", "json", msgs(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, notSent, err := w.RecoverPending(ctx); err != nil || notSent != 1 {
		t.Fatalf("RecoverPending: %d not sent, %v", notSent, err)
	}
	last, err := r.LastChange(ctx)
	if err != nil || last <= mid || mid <= start {
		t.Fatalf("LastChange: %d, %d, %d, %v", start, mid, last, err)
	}

	got, written, err := r.Changes(ctx, start, last)
	if err != nil {
		t.Fatal(err)
	}
	// The entries that change no status name their messages, each once,
	// in the order written: the three outcomes (two given up later), the
	// orphan's outcome, the recovered one.
	if want := append(slices.Clone(ids), orphan[0], queued[0]); !slices.Equal(written, want) {
		t.Errorf("written = %v, want %v", written, want)
	}
	if !sameUpdates(got, wrote) {
		t.Errorf("Changes =\n%+v\nwant\n%+v", got, wrote)
	}
	if got[0].ID != ids[0] || got[3].From != sms.Queued || got[3].To != sms.Sent {
		t.Errorf("Changes = %+v", got)
	}
	// Read in two windows, the same changes, each once.
	first, _, err1 := r.Changes(ctx, start, mid)
	rest, _, err2 := r.Changes(ctx, mid, last)
	if err1 != nil || err2 != nil || len(first) != 3 || !sameUpdates(append(first, rest...), wrote) {
		t.Errorf("windows: %+v + %+v, %v %v", first, rest, err1, err2)
	}
	if none, _, err := r.Changes(ctx, last, last+100); err != nil || len(none) != 0 {
		t.Errorf("after the last change: %+v, %v", none, err)
	}
	// Entries written before schema v6 have no prev: it is looked up.
	if _, err := w.w.Exec(`UPDATE status_history SET prev = NULL`); err != nil {
		t.Fatal(err)
	}
	if old, _, err := r.Changes(ctx, start, last); err != nil || !sameUpdates(old, wrote) {
		t.Errorf("Changes without prev =\n%+v\nwant\n%+v (%v)", old, wrote, err)
	}
}

// Two processes write statuses at once while a third follows the
// sequence: it sees every change exactly once, and each message's
// changes in the order they were made.
func TestChangesFollowConcurrentWriters(t *testing.T) {
	path := newTarget(t)
	var handles [3]*Store
	for i := range handles {
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		handles[i] = s
	}
	const perWriter = 40
	accepted(t, handles[0], 2*perWriter, 1)
	follower := handles[2]
	after, err := follower.LastChange(ctx)
	if err != nil {
		t.Fatal(err)
	}

	steps := []sms.Status{sms.Queued, sms.Sent, sms.Delivered}
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for w := range 2 {
		wg.Go(func() {
			for _, st := range steps {
				for k := 0; k < perWriter; k += 5 { // five messages a write
					var reps []sms.StatusReport
					for j := k; j < k+5; j++ {
						reps = append(reps, sms.StatusReport{ID: int64(w*perWriter + j + 1), Status: st})
					}
					if _, err := handles[w].ApplyStatuses(ctx, "http", reps); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()

	seen := map[int64][]sms.Status{} // gateway id → statuses in the order read
	follow := func() {
		last, err := follower.LastChange(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ups, _, err := follower.Changes(ctx, after, last)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range ups {
			prev := sms.StatusNone
			if s := seen[u.GatewayID]; len(s) > 0 {
				prev = s[len(s)-1]
			}
			if u.From != prev {
				t.Errorf("message %d: %v → %v read after %v", u.GatewayID, u.From, u.To, prev)
			}
			seen[u.GatewayID] = append(seen[u.GatewayID], u.To)
		}
		after = last
	}
	// Follow while they write (as often as it gets to), then once more.
	for i := 0; i < 10000; i++ {
		select {
		case <-done:
			i = 10000
		default:
			follow()
		}
	}
	<-done
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	follow()
	for id := int64(1); id <= 2*perWriter; id++ {
		if !slices.Equal(seen[id], steps) {
			t.Errorf("message %d: read %v, want %v", id, seen[id], steps)
		}
	}
	if len(seen) != 2*perWriter {
		t.Errorf("read changes of %d messages, want %d", len(seen), 2*perWriter)
	}
}
