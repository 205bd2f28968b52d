package tracker

import (
	"sync"
	"time"

	"github.com/smsdash/smsdash/sms/store"
)

// Event is what subscribers receive: every change since they last took,
// merged. A burst of 10,000 receipts arrives as one Event, so the UI
// redraws once.
type Event struct {
	Updates []store.Update // one per message, the latest change
	// Written: messages whose entry was written without a status change
	// (a send's outcome, a settling), each once: read them again.
	Written []int64
	Balance *Balance // the newest reading, if any
	Err     error    // the newest polling failure, nil once a cycle succeeds
	ErrSet  bool     // Err changed (to nil as well)
	// BalanceErr is the newest failure to read the balance, nil once a
	// reading succeeds; BalanceErrSet: it changed.
	BalanceErr    error
	BalanceErrSet bool
	// Health: the record of how requests went changed (health.Record,
	// read from it: the event only says to look again).
	Health bool
	// Config: an admin put a new configuration to work (app.App.Apply);
	// read it again.
	Config bool
}

// Balance is one reading of the account's credits.
type Balance struct {
	Credits float64
	At      time.Time
}

// Hub fans events out to subscribers without ever blocking the
// publisher: a slow subscriber's pending changes are merged.
type Hub struct {
	mu   sync.Mutex
	subs map[*Sub]struct{}
}

// Sub is one subscriber. C signals that Take has something.
type Sub struct {
	hub     *Hub
	c       chan struct{}
	mu      sync.Mutex
	pending Event
	index   map[int64]int  // local id → position in pending.Updates
	written map[int64]bool // pending.Written, as a set
}

func NewHub() *Hub { return &Hub{subs: map[*Sub]struct{}{}} }

// Subscribe adds a subscriber; Close it when done.
func (h *Hub) Subscribe() *Sub {
	s := &Sub{hub: h, c: make(chan struct{}, 1), index: map[int64]int{}, written: map[int64]bool{}}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Publish merges e into every subscriber's pending event.
func (h *Hub) Publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		s.merge(e)
	}
}

// C is signalled when an event is pending.
func (s *Sub) C() <-chan struct{} { return s.c }

// Take returns the pending event and clears it; ok is false if none.
func (s *Sub) Take() (Event, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.pending
	s.pending = Event{}
	clear(s.index)
	clear(s.written)
	return e, len(e.Updates) > 0 || len(e.Written) > 0 || e.Balance != nil || e.ErrSet || e.BalanceErrSet || e.Health || e.Config
}

// Close unsubscribes.
func (s *Sub) Close() {
	s.hub.mu.Lock()
	delete(s.hub.subs, s)
	s.hub.mu.Unlock()
}

func (s *Sub) merge(e Event) {
	s.mu.Lock()
	for _, u := range e.Updates {
		if i, ok := s.index[u.ID]; ok {
			u.From = s.pending.Updates[i].From // keep where it started
			s.pending.Updates[i] = u
			continue
		}
		s.index[u.ID] = len(s.pending.Updates)
		s.pending.Updates = append(s.pending.Updates, u)
	}
	for _, id := range e.Written {
		if !s.written[id] {
			s.written[id] = true
			s.pending.Written = append(s.pending.Written, id)
		}
	}
	if e.Balance != nil {
		s.pending.Balance = e.Balance
	}
	if e.ErrSet {
		s.pending.Err, s.pending.ErrSet = e.Err, true
	}
	if e.BalanceErrSet {
		s.pending.BalanceErr, s.pending.BalanceErrSet = e.BalanceErr, true
	}
	s.pending.Health = s.pending.Health || e.Health
	s.pending.Config = s.pending.Config || e.Config
	s.mu.Unlock()
	select {
	case s.c <- struct{}{}:
	default:
	}
}
