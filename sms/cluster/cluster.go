// Package cluster coordinates the smsdash processes that share one
// PostgreSQL database: a Lease lets one of them at a time poll the gateway,
// and a Listener tells each of them at once when any one of them has
// written to the history.
//
// Both hold a connection of their own, apart from the store's pool: a
// session-level advisory lock and a LISTEN belong to one session, and
// a pool would hand that session to other work or close it. For the same
// reason the URL must reach PostgreSQL itself, or a pooler in session
// mode, not one that pools transactions.
//
// A host that vanishes without closing its sockets is noticed by TCP
// keepalives on both ends of these connections (pgurl.KeepAlive), within
// 25 s; the server then ends the session, which frees its advisory lock.
package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/smsdash/smsdash/sms/backoff"
	"github.com/smsdash/smsdash/sms/pgurl"
	"github.com/smsdash/smsdash/sms/secret"
)

// Options tune Lead and Listen; the zero value gives the defaults.
type Options struct {
	// Retry is Lead's wait between tries for the lock (default 1 s).
	Retry time.Duration
	// Check is Lead's wait between pings while it holds the lock
	// (default 1 s); a failed ping counts as the lock lost.
	Check time.Duration
	// Backoff is the wait before connecting again once a connection has
	// failed or ended (default 1 s doubling to 30 s).
	Backoff backoff.Policy
	// Changed is called by Lead with true when it gains the lock and
	// false when it loses or releases it, in turn, from one goroutine; it
	// should return quickly (start or stop the tracker) and must not call
	// Close.
	Changed func(held bool)
	// Log gets the errors that Lead and Listen recover from (connecting,
	// querying), with the URL's password hidden; nil drops them.
	Log func(error)
}

// queryTimeout bounds each of Lead's queries, so that a holder cut off
// from the server gives up (in Check+queryTimeout) long before the server
// frees the lock (in pgurl.DeadAfter): two pollers never overlap.
const queryTimeout = 5 * time.Second

func (o Options) withDefaults() Options {
	if o.Retry <= 0 {
		o.Retry = time.Second
	}
	if o.Check <= 0 {
		o.Check = time.Second
	}
	if o.Backoff == (backoff.Policy{}) {
		o.Backoff = backoff.Policy{Min: time.Second, Max: 30 * time.Second}
	}
	if o.Changed == nil {
		o.Changed = func(bool) {}
	}
	if o.Log == nil {
		o.Log = func(error) {}
	}
	return o
}

// config is dbURL's for a connection named app, with keepalives: a lock
// or a LISTEN of a vanished host goes within pgurl.DeadAfter.
func config(dbURL, app string) (*pgx.ConnConfig, *secret.Masker, error) {
	cfg, mask, err := pgurl.Config(dbURL, app)
	if err != nil {
		return nil, nil, fmt.Errorf("cluster: %w", err)
	}
	pgurl.KeepAlive(cfg)
	return cfg, mask, nil
}

// dialer connects again and again, waiting the backoff before each
// attempt but the first: one failure for a connection that ended, one
// more for each attempt that failed since.
type dialer struct {
	cfg      *pgx.ConnConfig
	mask     *secret.Masker
	policy   backoff.Policy
	started  bool
	failures int
}

func (d *dialer) dial(ctx context.Context) (*pgx.Conn, error) {
	if d.started {
		d.failures++
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(d.policy.Delay(d.failures)):
		}
	}
	d.started = true
	conn, err := pgx.ConnectConfig(ctx, d.cfg)
	if err != nil {
		return nil, d.mask.Err(err)
	}
	d.failures = 0
	return conn, nil
}

// closeConn closes conn, giving up on a polite goodbye after queryTimeout.
func closeConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	_ = conn.Close(ctx) // the server ends the session either way
}
