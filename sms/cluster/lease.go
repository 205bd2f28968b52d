package cluster

import (
	"context"
	"hash/fnv"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/smsdash/smsdash/sms/secret"
)

// LeaseApp is the application_name of a Lease's connection, unless the URL
// sets one.
const LeaseApp = "smsdash lease"

// Key is the advisory lock key for a lease's name: the FNV-1a 64-bit hash
// of its UTF-8 bytes, as an int64. It is fixed (not PostgreSQL's
// hashtext, which may change between versions) so that every version of
// smsdash contends for the same lock. pg_locks shows it split into
// classid (high 32 bits) and objid (low 32 bits).
func Key(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name)) // a hash takes any bytes
	return int64(h.Sum64())
}

// Lease is one process's campaign for a session-level advisory lock. The
// lock belongs to a connection of its own: when the process dies, or its
// host vanishes (see the package doc), the server ends that session and
// frees the lock, and the next try of another process gains it.
type Lease struct {
	held   atomic.Bool
	cancel context.CancelFunc
	done   chan struct{}
}

// Lead campaigns for the lock Key(name) on the database at dbURL in the
// background until Close or ctx ends: it tries every opt.Retry; once it
// holds the lock it pings every opt.Check, and when a ping fails it counts
// the lock lost, closes the connection and, after the backoff, connects
// and campaigns again. The error is for a URL that does not parse.
func Lead(ctx context.Context, dbURL, name string, opt Options) (*Lease, error) {
	cfg, mask, err := config(dbURL, LeaseApp)
	if err != nil {
		return nil, err
	}
	opt = opt.withDefaults()
	ctx, cancel := context.WithCancel(ctx)
	l := &Lease{cancel: cancel, done: make(chan struct{})}
	go l.run(ctx, &dialer{cfg: cfg, mask: mask, policy: opt.Backoff}, Key(name), mask, opt)
	return l, nil
}

// Held tells whether this process holds the lock. It turns before
// Options.Changed is called.
func (l *Lease) Held() bool { return l.held.Load() }

// Close releases the lock if held (after Options.Changed(false)), closes
// the connection and waits for the campaign to end.
func (l *Lease) Close() {
	l.cancel()
	<-l.done
}

func (l *Lease) run(ctx context.Context, d *dialer, key int64, mask *secret.Masker, opt Options) {
	defer close(l.done)
	for {
		conn, err := d.dial(ctx)
		if err == nil {
			err = l.hold(ctx, conn, key, opt)
		}
		if ctx.Err() != nil {
			return
		}
		opt.Log(mask.Err(err))
	}
}

// hold campaigns on conn and keeps the lock while conn answers. It returns
// why it stopped, having closed conn and reported the lock lost.
func (l *Lease) hold(ctx context.Context, conn *pgx.Conn, key int64, opt Options) error {
	defer closeConn(conn)
	set := func(held bool) {
		l.held.Store(held)
		opt.Changed(held)
	}
	defer func() {
		if l.held.Load() {
			set(false)
		}
	}()
	for {
		qctx, cancel := context.WithTimeout(ctx, queryTimeout)
		var err error
		if l.held.Load() {
			err = conn.Ping(qctx)
		} else {
			var got bool
			err = conn.QueryRow(qctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got)
			if got {
				set(true)
			}
		}
		cancel()
		if err != nil {
			return err
		}
		wait := opt.Retry
		if l.held.Load() {
			wait = opt.Check
		}
		select {
		case <-ctx.Done():
			if l.held.Load() {
				set(false)
				unlock(conn, key)
			}
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// unlock frees the lock before the connection closes, so that it is free
// once Close returns rather than once the server has ended the session
// (which frees it all the same should unlock fail).
func unlock(conn *pgx.Conn, key int64) {
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	_, _ = conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", key)
}
