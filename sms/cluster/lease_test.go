package cluster_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/smsdash/smsdash/sms/backoff"
	"github.com/smsdash/smsdash/sms/cluster"
)

const poller = "smsdash poller"

// candidate is a Lease and the turns its Changed reported.
type candidate struct {
	*cluster.Lease
	mu    sync.Mutex
	turns []bool
}

func (c *candidate) changes() []bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.turns)
}

// lead starts a campaign that tries and checks often, and that waits a
// minute before connecting again: a lease that lost its connection cannot
// come back before the other's next try.
func lead(t *testing.T, dbURL string) *candidate {
	t.Helper()
	c := &candidate{}
	opt := cluster.Options{
		Retry:   20 * time.Millisecond,
		Check:   20 * time.Millisecond,
		Backoff: backoff.Policy{Min: time.Minute, Max: time.Minute},
		Changed: func(held bool) {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.turns = append(c.turns, held)
		},
		Log: func(err error) { t.Log(err) },
	}
	var err error
	c.Lease, err = cluster.Lead(t.Context(), dbURL, poller, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// two starts two campaigns, waits until one holds the lock, checks that
// the other does not and that the server agrees, and returns the holder
// first.
func two(t *testing.T, dbURL string, admin *pgx.Conn) (holder, other *candidate) {
	t.Helper()
	a, b := lead(t, dbURL), lead(t, dbURL)
	gained := func(c *candidate) bool { return slices.Equal(c.changes(), []bool{true}) }
	eventually(t, "one holds the lease", func() bool { return gained(a) || gained(b) })
	holder, other = a, b
	if gained(b) {
		holder, other = b, a
	}
	if !holder.Held() {
		t.Fatal("Changed(true) came before Held")
	}
	// Both connected and tried (a lease connects before it tries).
	eventually(t, "both connected", func() bool {
		return queryRow[int](t, admin, "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()", cluster.LeaseApp) == 2
	})
	if other.Held() {
		t.Fatal("both hold the lease")
	}
	if queryRow[bool](t, admin, "SELECT pg_try_advisory_lock($1)", cluster.Key(poller)) {
		t.Fatal("the lock is free while a lease holds it")
	}
	return holder, other
}

func TestLeaseTakeoverOnClose(t *testing.T) {
	dbURL := shared(t)
	admin := connect(t, dbURL)
	holder, other := two(t, dbURL, admin)

	start := time.Now()
	holder.Close()
	if holder.Held() {
		t.Error("Held after Close")
	}
	if got := holder.changes(); !slices.Equal(got, []bool{true, false}) {
		t.Errorf("the closed holder's Changed got %v, want [true false]", got)
	}
	eventually(t, "the other takes over", func() bool { return slices.Equal(other.changes(), []bool{true}) })
	t.Logf("taken over %v after Close", time.Since(start))
}

func TestLeaseTakeoverOnTerminate(t *testing.T) {
	dbURL := shared(t)
	admin := connect(t, dbURL)
	holder, other := two(t, dbURL, admin)

	// The key is split into classid and objid in pg_locks.
	key := uint64(cluster.Key(poller))
	var pid int32
	var app string
	err := admin.QueryRow(t.Context(), `SELECT l.pid, a.application_name
		FROM pg_locks l JOIN pg_stat_activity a USING (pid)
		WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = $1 AND l.objid::bigint = $2`,
		int64(key>>32), int64(uint32(key))).Scan(&pid, &app)
	if err != nil {
		t.Fatalf("the lock's holder in pg_locks: %v", err)
	}
	if app != cluster.LeaseApp {
		t.Errorf("the lock's connection is named %q, want %q", app, cluster.LeaseApp)
	}

	start := time.Now() // terminate waits for the backend in 100 ms steps
	terminate(t, admin, pid)
	eventually(t, "the holder sees it lost", func() bool { return slices.Equal(holder.changes(), []bool{true, false}) })
	t.Logf("lost seen %v after terminating", time.Since(start))
	if holder.Held() {
		t.Error("Held after Changed(false)")
	}
	eventually(t, "the other takes over", func() bool { return slices.Equal(other.changes(), []bool{true}) })
	t.Logf("taken over %v after terminating", time.Since(start))
}

func TestKeyIsFixed(t *testing.T) {
	// FNV-1a 64 of "smsdash poller": a change would let old and new
	// versions of smsdash poll at once.
	if got, want := cluster.Key(poller), int64(0x3238dae40c3d9774); got != want {
		t.Errorf("Key(%q) = %#x, want %#x", poller, got, want)
	}
}
