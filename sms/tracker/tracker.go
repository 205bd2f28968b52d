// Package tracker keeps every message that is not final fresh: it asks the
// gateway for statuses in chunks at the poll interval (or takes SMPP
// receipts) and writes each change to the store. What the store holds
// is published on one stream that the dashboard and "smsdash status
// --watch" subscribe to (Feed), whichever process wrote it. It also
// reads the balance on its own interval, beside the polling.
package tracker

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/backoff"
	"github.com/smsdash/smsdash/sms/health"
	"github.com/smsdash/smsdash/sms/store"
)

// Store is what the tracker needs of the history.
type Store interface {
	TrackedAfter(ctx context.Context, after int64, limit int) ([]store.Tracked, error)
	ApplyStatuses(ctx context.Context, source string, reports []sms.StatusReport) ([]store.Update, error)
	ExpireStale(ctx context.Context, now time.Time, margin time.Duration) (int, error)
	RecoverDead(ctx context.Context) (unknown, notSent int, err error)
	RecordBalance(ctx context.Context, credits float64, at time.Time) error
}

// Options tune the tracker; zero values take the defaults.
type Options struct {
	PollInterval    time.Duration // default 30 s
	BalanceInterval time.Duration // default 5 min
	Chunk           int           // ids per status request; default 1000
	// FollowInterval: how often the history is read for what other
	// processes wrote; default the poll interval, at most 2 s (a read of
	// a few index pages when nothing changed).
	FollowInterval time.Duration
	// OneByOne: the transport asks one id per request (PLAIN), so the
	// tracker paces its requests at PlainRate per second (default 2).
	OneByOne  bool
	PlainRate float64
	// Receipts: statuses arrive by themselves (SMPP delivery receipts), so
	// a cycle asks nothing and only retires messages past their validity.
	Receipts bool
	// Margin after a message's validity during which it is still asked
	// about; past it an Unknown stays Unknown, unpolled. Default 1 h.
	Margin time.Duration
	Now    func() time.Time
	// Health, if set, is told how each request went (the connection
	// light) and whether the history could be read and written.
	Health *health.Record
	// Leads, if set, says whether this process is the one that asks the
	// gateway for statuses (a team's processes on one PostgreSQL history
	// hold a lease for it): cycles run only while it says so. The
	// balance and what others write are read whatever it says. Poke
	// when it becomes true, for a cycle at once.
	Leads func() bool
}

// Tracker is the one background service that keeps statuses fresh.
type Tracker struct {
	st          Store
	gw          sms.Gateway
	feed        *Feed
	hub         *Hub // the feed's
	opt         Options
	poke        chan struct{} // a cycle now
	pokeBalance chan struct{} // a balance reading now
	pacer       *rate.Limiter
	// nextExpire is when Cycle next retires expired messages; only
	// Cycle touches it, and cycles do not overlap.
	nextExpire time.Time
}

// New makes a tracker that publishes through feed, which reads st.
func New(st Store, gw sms.Gateway, feed *Feed, o Options) *Tracker {
	if o.PollInterval <= 0 {
		o.PollInterval = 30 * time.Second
	}
	if o.FollowInterval <= 0 {
		o.FollowInterval = min(o.PollInterval, 2*time.Second)
	}
	if o.BalanceInterval <= 0 {
		o.BalanceInterval = 5 * time.Minute
	}
	if o.Chunk <= 0 {
		o.Chunk = 1000
	}
	if o.PlainRate <= 0 {
		o.PlainRate = 2
	}
	if o.Margin <= 0 {
		o.Margin = time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	t := &Tracker{st: st, gw: gw, feed: feed, hub: feed.Hub(), opt: o,
		poke: make(chan struct{}, 1), pokeBalance: make(chan struct{}, 1)}
	if o.OneByOne {
		t.pacer = rate.NewLimiter(rate.Limit(o.PlainRate), 1)
		t.opt.Chunk = 1
	}
	return t
}

// Poke asks for a cycle and a balance reading now, e.g. right after a
// send: the credits just changed.
func (t *Tracker) Poke() {
	for _, c := range []chan struct{}{t.poke, t.pokeBalance} {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// Run polls until ctx ends. Failures back off (doubling, with jitter, up
// to ten poll intervals) and are published so the UI can show them.
// Beside the polling, on their own goroutines, it reads the balance
// (balances) and publishes what other processes write (follow); it
// returns once they have stopped.
func (t *Tracker) Run(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { t.balances(ctx) })
	wg.Go(func() { t.follow(ctx) })
	wait := backoff.Policy{Min: 2 * t.opt.PollInterval, Max: 10 * t.opt.PollInterval}
	failures := 0
	for {
		var err error
		if t.opt.Leads == nil || t.opt.Leads() {
			_, err = t.Cycle(ctx)
			if ctx.Err() != nil {
				return
			}
			if !t.opt.Receipts { // with receipts, the link's state speaks instead
				t.hub.Publish(Event{Err: err, ErrSet: true})
			}
		}
		delay := backoff.Jitter(t.opt.PollInterval)
		if err == nil {
			failures = 0
		} else {
			failures++
			delay = wait.Delay(failures)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.poke:
		case <-time.After(delay):
		}
	}
}

// balances reads the balance at BalanceInterval and when poked. It has
// its own goroutine: a slow credits endpoint (a read may take the whole
// request timeout) must not hold up the statuses.
func (t *Tracker) balances(ctx context.Context) {
	for {
		t.ReadBalance(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.pokeBalance:
		case <-time.After(t.opt.BalanceInterval):
		}
	}
}

// follow publishes, at FollowInterval, what was written to the history
// and not published yet: other processes' changes, mostly (this
// tracker's own are published as it writes them).
func (t *Tracker) follow(ctx context.Context) {
	tick := time.NewTicker(t.opt.FollowInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		_, err := t.feed.CatchUp(ctx)
		if ctx.Err() != nil {
			continue // stopping is no failure to show
		}
		t.opt.Health.Report(health.History, err)
		if err != nil {
			t.hub.Publish(Event{Err: err, ErrSet: true})
		}
	}
}

// ReadBalance reads and records the balance now (also the UI's refresh
// key) and publishes the reading, or the failure as the balance's own
// error: the polling's state is another matter.
func (t *Tracker) ReadBalance(ctx context.Context) (Balance, error) {
	credits, err := t.gw.Balance(ctx)
	t.opt.Health.Report(health.Balance, err)
	b := Balance{Credits: credits, At: t.opt.Now()}
	if err == nil {
		err = t.st.RecordBalance(ctx, credits, b.At)
		t.opt.Health.Report(health.History, err)
	}
	if err != nil {
		if ctx.Err() == nil { // stopping is no failure to show
			t.hub.Publish(Event{BalanceErr: err, BalanceErrSet: true})
		}
		return Balance{}, err
	}
	t.hub.Publish(Event{Balance: &b, BalanceErrSet: true})
	return b, nil
}

// Cycle asks once about every tracked message, writes the changes and
// publishes them. It returns how many statuses changed. Asking the
// gateway and writing the history overlap: while one chunk's reports are
// written, the next chunk is asked for.
func (t *Tracker) Cycle(ctx context.Context) (int, error) {
	// Validity runs in hours: retiring expired messages once a minute is
	// soon enough, and spares a scan of every tracked row each cycle.
	if now := t.opt.Now(); !now.Before(t.nextExpire) {
		if _, err := t.st.ExpireStale(ctx, now, t.opt.Margin); err != nil {
			return 0, t.historyErr(ctx, err)
		}
		t.nextExpire = now.Add(time.Minute)
	}
	// What a process killed in the middle of a send left (on any host of
	// a team) is settled by the one that polls, within a cycle.
	unknown, notSent, err := t.st.RecoverDead(ctx)
	if err != nil {
		return 0, t.historyErr(ctx, err)
	}
	if unknown+notSent > 0 {
		if _, err := t.feed.CatchUp(ctx); err != nil {
			return 0, t.historyErr(ctx, err)
		}
	}
	if t.opt.Receipts {
		t.opt.Health.Report(health.History, nil)
		return 0, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type answer struct {
		reports []sms.StatusReport
		err     error
	}
	answers := make(chan answer, 1)
	// Pages of tracked messages are read, asked about and written in a
	// pipeline: reading the next page and asking about it overlap with
	// writing the last one.
	go func() {
		defer close(answers)
		var after int64
		for {
			chunk, err := t.st.TrackedAfter(ctx, after, t.opt.Chunk)
			if err == nil && len(chunk) == 0 {
				return
			}
			a := answer{err: t.historyErr(ctx, err)}
			if err == nil {
				after = chunk[len(chunk)-1].ID
				ids := make([]int64, len(chunk))
				for i, m := range chunk {
					ids[i] = m.GatewayID
				}
				if t.pacer != nil {
					a.err = t.pacer.Wait(ctx)
				}
				if a.err == nil {
					a.reports, a.err = t.gw.Statuses(ctx, ids)
					a.reports = news(chunk, a.reports)
					// At once: a long first cycle over a large history
					// must not leave the light saying "connecting".
					t.opt.Health.Report(health.Statuses, a.err)
				}
			}
			select {
			case answers <- a:
			case <-ctx.Done():
				return
			}
			if a.err != nil {
				return
			}
		}
	}()
	changed := 0
	for a := range answers {
		if a.err != nil {
			return changed, a.err
		}
		updates, err := t.st.ApplyStatuses(ctx, "http", a.reports)
		if err != nil {
			return changed, t.historyErr(ctx, err)
		}
		changed += len(updates)
		if len(updates) > 0 {
			if _, err := t.feed.CatchUp(ctx); err != nil {
				return changed, t.historyErr(ctx, err)
			}
		}
	}
	if ctx.Err() == nil {
		t.opt.Health.Report(health.History, nil)
	}
	return changed, nil
}

// historyErr reports a failure of the history, unless the work stops.
func (t *Tracker) historyErr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() == nil {
		t.opt.Health.Report(health.History, err)
	}
	return err
}

// news keeps the reports that differ from what the history already
// knows, so a cycle without news writes nothing. Reports come in the
// order of the ids asked (sms.Gateway's contract).
func news(asked []store.Tracked, reports []sms.StatusReport) []sms.StatusReport {
	out := reports[:0]
	for i, r := range reports {
		if i < len(asked) && asked[i].GatewayID == r.ID && asked[i].Status == r.Status && r.Code == 0 {
			continue
		}
		out = append(out, r)
	}
	return out
}
