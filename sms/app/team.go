package app

import (
	"context"
	"sync"

	"github.com/smsdash/smsdash/sms/cluster"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/health"
	"github.com/smsdash/smsdash/sms/tracker"
)

// ChangesChannel is where the PostgreSQL history's trigger notifies every
// insert into status_history (store's schema), whichever process wrote.
const ChangesChannel = "smsdash_changes"

// pollerLease names the advisory lock of the one process that asks the
// gateway for statuses.
const pollerLease = "smsdash poller"

// team is what a core on a PostgreSQL history shares with the other
// smsdash on it, on this host or others: the lease of the one poller, so
// that the gateway is asked once, and the listener that brings what any
// of them writes to this core's sessions at once. A history in a SQLite
// file has no team: its one host's processes each poll (the gateway's
// answers are the same) and read each other's changes every 2 s.
type team struct {
	once   sync.Once
	lease  *cluster.Lease
	listen *cluster.Listener
}

// JoinTeam joins the team of a PostgreSQL history, once: from then on
// only the lease's holder among them polls (Leads), and every change
// written by any of them is published here as it commits. A core that
// runs no tracker (a short command) never joins. Nothing happens on a
// SQLite history. Call it before a tracker that asks Leads starts.
func (a *App) JoinTeam() { a.joinTeam(a.Config()) }

// joinTeam is JoinTeam on cfg, the config in use (run holds a.mu).
func (a *App) joinTeam(cfg *config.Config) {
	if cfg.Store.URL == "" || a.Demo {
		return
	}
	a.team.once.Do(func() {
		target := cfg.StoreTarget()
		ctx := context.Background()
		opt := cluster.Options{
			Changed: func(held bool) {
				if held {
					a.Poke() // the statuses wait for no one now
				}
			},
			Log: func(err error) { a.Health.Report(health.History, err) },
		}
		// The URL parsed when the store opened on it: these cannot fail
		// but for a URL that does not parse.
		var err error
		if a.team.lease, err = cluster.Lead(ctx, target, pollerLease, opt); err != nil {
			a.Health.Report(health.History, err)
		}
		a.team.listen, err = cluster.Listen(ctx, target, ChangesChannel, func() {
			_, err := a.Feed.CatchUp(ctx)
			a.Health.Report(health.History, err)
			if err != nil {
				a.Hub.Publish(tracker.Event{Err: err, ErrSet: true})
			}
		}, opt)
		if err != nil {
			a.Health.Report(health.History, err)
		}
	})
}

// Leads says whether this core's tracker asks the gateway for statuses:
// always on a SQLite history; on a PostgreSQL one while it holds the
// team's lease.
func (a *App) Leads() bool {
	return a.team.lease == nil || a.team.lease.Held()
}

// leaveTeam lets the lease go (another process takes it within a second)
// and stops listening.
func (a *App) leaveTeam() {
	if a.team.lease != nil {
		a.team.lease.Close()
	}
	if a.team.listen != nil {
		a.team.listen.Close()
	}
}
