package cluster

import (
	"context"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgxlisten"
)

// ListenApp is the application_name of a Listener's connection, unless the
// URL sets one.
const ListenApp = "smsdash listen"

// Listener LISTENs on a channel on a connection of its own and tells of
// notifications by calling a function.
type Listener struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Listen calls onChange, from one goroutine, when a notification on
// channel arrives and after each (re)connection, since notifications sent
// while disconnected are lost. Calls are coalesced: those that arrive
// while onChange runs make one more call, enough for a caller that catches
// up by reading the history. After a lost connection it connects again
// after opt.Backoff; it uses no other Options but Log. The error is for a
// URL that does not parse.
func Listen(ctx context.Context, dbURL, channel string, onChange func(), opt Options) (*Listener, error) {
	cfg, mask, err := config(dbURL, ListenApp)
	if err != nil {
		return nil, err
	}
	opt = opt.withDefaults()
	d := &dialer{cfg: cfg, mask: mask, policy: opt.Backoff}
	pl := &pgxlisten.Listener{
		Connect: d.dial,
		LogError: func(ctx context.Context, err error) {
			if ctx.Err() == nil {
				opt.Log(mask.Err(err))
			}
		},
		ReconnectDelay: -1, // d.dial waits the backoff instead of a fixed delay
	}
	k := make(kick, 1)
	pl.Handle(channel, k)

	ctx, cancel := context.WithCancel(ctx)
	l := &Listener{cancel: cancel}
	l.wg.Go(func() { _ = pl.Listen(ctx) }) // returns only once ctx ends
	l.wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-k:
				onChange()
			}
		}
	})
	return l, nil
}

// Close stops listening, closes the connection and waits for a call of
// onChange under way (so onChange must not call Close).
func (l *Listener) Close() {
	l.cancel()
	l.wg.Wait()
}

// kick holds at most one pending call of onChange; pgxlisten calls
// HandleBacklog once LISTEN is in place on each new connection.
type kick chan struct{}

func (k kick) HandleNotification(context.Context, *pgconn.Notification, *pgx.Conn) error {
	k.signal()
	return nil
}

func (k kick) HandleBacklog(context.Context, string, *pgx.Conn) error {
	k.signal()
	return nil
}

func (k kick) signal() {
	select {
	case k <- struct{}{}:
	default: // a call is pending already
	}
}
