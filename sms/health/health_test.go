package health

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

// TestLevels follows the light through the rules: offline when every
// kind asked fails, degraded when some do, online once all work again;
// since follows each change of level, and a failure keeps its own since.
func TestLevels(t *testing.T) {
	refused := errors.New("nothing listens")
	changes := 0
	r := New(func() { changes++ })
	steps := []struct {
		kind   Kind
		err    error
		at     int
		level  Level
		since  int
		failed []Kind
		change bool
	}{
		{Send, refused, 1, Offline, 1, []Kind{Send}, true},
		{Balance, refused, 2, Offline, 1, []Kind{Send, Balance}, true},
		{Balance, refused, 3, Offline, 1, []Kind{Send, Balance}, false}, // the same again: nothing to redraw
		{Balance, nil, 4, Degraded, 4, []Kind{Send}, true},
		{Statuses, nil, 5, Degraded, 4, []Kind{Send}, true}, // a first report of a kind
		{Statuses, nil, 6, Degraded, 4, []Kind{Send}, false},
		{Send, nil, 7, Online, 7, nil, true},
		{History, errors.New("disk full"), 8, Degraded, 8, []Kind{History}, true},
		{History, nil, 9, Online, 9, nil, true},
		{Link, context.Canceled, 10, Online, 9, nil, false}, // given up, not failed
		{Link, fmt.Errorf("bind: %w", refused), 11, Degraded, 11, []Kind{Link}, true},
	}
	for i, s := range steps {
		before := changes
		r.ReportAt(s.kind, s.err, at(s.at))
		st := r.State()
		var failed []Kind
		for _, f := range st.Failed {
			failed = append(failed, f.Kind)
		}
		if st.Level != s.level || !st.Since.Equal(at(s.since)) || fmt.Sprint(failed) != fmt.Sprint(s.failed) || (changes > before) != s.change {
			t.Errorf("step %d: %+v (changed %v), want level %d since %d failed %v changed %v", i, st, changes > before, s.level, s.since, s.failed, s.change)
		}
	}
}

// TestFailureSince: a kind failing again keeps the since of its first
// failure and the newest error.
func TestFailureSince(t *testing.T) {
	r := New(nil)
	r.ReportAt(Send, errors.New("a"), at(1))
	r.ReportAt(Send, errors.New("b"), at(5))
	f := r.State().Failed
	if len(f) != 1 || !f[0].Since.Equal(at(1)) || !f[0].At.Equal(at(5)) || f[0].Err.Error() != "b" {
		t.Errorf("%+v", f)
	}
}

// TestHistoryAlone: the history working is no request: the light stays
// unknown; its failure alone is degraded, not offline.
func TestHistoryAlone(t *testing.T) {
	r := New(nil)
	r.ReportAt(History, nil, at(1))
	if l := r.State().Level; l != Unknown {
		t.Errorf("level %d after the history alone", l)
	}
	r.ReportAt(History, errors.New("locked"), at(2))
	if l := r.State().Level; l != Degraded {
		t.Errorf("level %d, want degraded", l)
	}
}

// TestNilRecord: a nil record takes reports (a path without one).
func TestNilRecord(t *testing.T) {
	var r *Record
	r.Report(Send, errors.New("x"))
	if s := r.State(); s.Level != Unknown || s.Failed != nil {
		t.Errorf("%+v", s)
	}
}

// TestConcurrentReports: senders on many goroutines never wait for each
// other beyond the lock, and the record ends consistent (run with -race).
func TestConcurrentReports(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	r := New(func() { mu.Lock(); calls++; mu.Unlock() })
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				var err error
				if i%2 == 0 {
					err = errors.New("down")
				}
				r.Report(Kind(g%int(kinds)), err)
				_ = r.State()
			}
		})
	}
	wg.Wait()
	for k := range kinds {
		r.Report(k, nil)
	}
	if s := r.State(); s.Level != Online || len(s.Failed) != 0 || calls == 0 {
		t.Errorf("%+v after %d changes", s, calls)
	}
}
