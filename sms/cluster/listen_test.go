package cluster_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/smsdash/smsdash/sms/cluster"
)

const channel = "smsdash_changes"

// listen starts a Listener with the default Options that counts the calls
// of onChange, having called also (when not nil).
func listen(t *testing.T, dbURL string, also func()) (*cluster.Listener, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	onChange := func() {
		if also != nil {
			also()
		}
		calls.Add(1)
	}
	l, err := cluster.Listen(t.Context(), dbURL, channel, onChange, cluster.Options{Log: func(err error) { t.Log(err) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	eventually(t, "the call after connecting", func() bool { return calls.Load() >= 1 })
	return l, &calls
}

func notify(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	exec(t, conn, "SELECT pg_notify($1, '')", channel)
}

func TestListenCallsOnNotify(t *testing.T) {
	dbURL := shared(t)
	admin := connect(t, dbURL)
	_, calls := listen(t, dbURL, nil)

	notify(t, admin)
	eventually(t, "a call for the notification", func() bool { return calls.Load() >= 2 })
	if n := calls.Load(); n != 2 {
		t.Errorf("%d calls for connecting and one notification", n)
	}
}

// TestListenCoalesces sends a burst of 100 notifications the way the
// store will, from a statement trigger on status_history, to a caller
// that catches up by counting the rows: it sees them all, in at least one
// call and at most one per notification.
func TestListenCoalesces(t *testing.T) {
	dbURL := shared(t)
	admin := connect(t, dbURL)
	exec(t, admin, `CREATE TABLE status_history (id bigserial PRIMARY KEY);
		CREATE FUNCTION notify_changes() RETURNS trigger LANGUAGE plpgsql AS
			$$BEGIN PERFORM pg_notify('smsdash_changes', ''); RETURN NULL; END$$;
		CREATE TRIGGER changes AFTER INSERT ON status_history
			FOR EACH STATEMENT EXECUTE FUNCTION notify_changes()`)
	reader := connect(t, dbURL) // onChange's alone: its calls come one at a time
	var seen atomic.Int64
	l, calls := listen(t, dbURL, func() {
		ctx, cancel := context.WithTimeout(context.Background(), within)
		defer cancel()
		var n int64
		if err := reader.QueryRow(ctx, "SELECT count(*) FROM status_history").Scan(&n); err != nil {
			t.Error(err)
		}
		seen.Store(n)
	})

	const burst = 100
	for range burst {
		exec(t, admin, "INSERT INTO status_history DEFAULT VALUES")
	}
	eventually(t, "onChange sees every row", func() bool { return seen.Load() == burst })
	l.Close()
	n := calls.Load() - 1 // the first was for connecting
	t.Logf("%d calls for %d notifications", n, burst)
	if n < 1 || n > burst {
		t.Errorf("%d calls for %d notifications", n, burst)
	}
}

func TestListenReconnects(t *testing.T) {
	dbURL := shared(t)
	admin := connect(t, dbURL)
	_, calls := listen(t, dbURL, nil)
	pid := func() int32 {
		return queryRow[int32](t, admin, "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()", cluster.ListenApp)
	}
	was := pid()

	terminate(t, admin, was)
	start := time.Now()
	eventually(t, "a call after reconnecting", func() bool { return calls.Load() >= 2 })
	t.Logf("called %v after the old backend ended", time.Since(start))
	if now := pid(); now == was {
		t.Fatalf("the listener's backend is still %d", was)
	}

	notify(t, admin)
	eventually(t, "a call for a notification after reconnecting", func() bool { return calls.Load() >= 3 })
	if n := calls.Load(); n != 3 {
		t.Errorf("%d calls for connecting, reconnecting and one notification", n)
	}
}
