package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/smsdash/smsdash/sms"
)

// die plays the death of the Store's process: the OS drops its lock and
// nothing is cleaned up. removeFile loses the lock file as well. The
// Store stays usable, as a new owner once it records again. On
// PostgreSQL the server ends the session that holds the owner lock, as
// when the process is killed; pg_terminate_backend waits until it has.
func (s *Store) die(removeFile bool) {
	s.own.mu.Lock()
	defer s.own.mu.Unlock()
	if c := s.own.conn; c != nil {
		var pid int
		if err := c.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
			panic(err)
		}
		var gone bool
		if err := s.w.QueryRowContext(ctx, `SELECT pg_terminate_backend(?, 10000)`, pid).Scan(&gone); err != nil || !gone {
			panic(fmt.Sprintf("owner session %d not ended: %v", pid, err))
		}
		c.Close()
		s.own.conn = nil
	}
	if s.own.lock != nil {
		s.own.lock.Close()
		if removeFile {
			os.Remove(s.own.lock.Path())
		}
	}
	s.own.token, s.own.lock = "", nil
}

// openShared opens the same history n times, as n processes would; each
// is checked for counts at the end.
func openShared(t *testing.T, n int) (string, []*Store) {
	t.Helper()
	path := newTarget(t)
	var out []*Store
	for range n {
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		s.now = func() time.Time { return t0 }
		t.Cleanup(func() { s.Close() })
		t.Cleanup(func() { checkCounts(t, s, nil) })
		out = append(out, s)
	}
	return path, out
}

func tableRows(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// lockFiles lists the owner locks held on the history at path: its lock
// files, or on PostgreSQL the keys of the owner locks that sessions hold.
func lockFiles(t *testing.T, path string) []string {
	t.Helper()
	if testPG {
		return ownerLocks(t, path)
	}
	entries, err := os.ReadDir(path + ".owners")
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func ownerLocks(t *testing.T, url string) []string {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT objid::text FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND classid = $1 AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		ORDER BY 1`, ownerLockClass)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func states(t *testing.T, s *Store, ids []int64) []State {
	t.Helper()
	out := make([]State, len(ids))
	for i, id := range ids {
		r, err := s.Message(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = r.State
	}
	return out
}

// A start (B) while another smsdash (A) sends leaves A's rows alone:
// queued, in flight and pending alike. Once A is dead (its lock dropped,
// or its lock file gone), the next start recovers them as before.
func TestRecoverLeavesLiveOwner(t *testing.T) {
	for _, lost := range []bool{false, true} {
		t.Run(fmt.Sprintf("lock file lost=%v", lost), func(t *testing.T) {
			if lost {
				sqliteOnly(t, "lock files")
			}
			path, st := openShared(t, 2)
			a, b := st[0], st[1]
			ids, err := a.AddQueued(ctx, 0, "ann", "json", msgs(10))
			if err != nil {
				t.Fatal(err)
			}
			if moved, err := a.MarkPending(ctx, ids[:4]); err != nil || slices.Contains(moved, false) {
				t.Fatalf("MarkPending = %v, %v", moved, err)
			}
			// A pending row (a resend) of A's too.
			if err := a.RecordResults(ctx, ids[9:], []sms.Result{{Outcome: sms.Refused, Code: sms.CodeBadRecipient}}); err != nil {
				t.Fatal(err)
			}
			re, _, err := a.Resend(ctx, "ann", "json", ids[9:])
			if err != nil || len(re) != 1 {
				t.Fatalf("Resend = %v, %v", re, err)
			}
			if got := lockFiles(t, path); len(got) != 1 {
				t.Fatalf("lock files %v, want A's", got)
			}

			for range 2 {
				if unknown, notSent, err := b.RecoverPending(ctx); err != nil || unknown != 0 || notSent != 0 {
					t.Fatalf("B's RecoverPending while A runs = %d unknown, %d not sent, %v", unknown, notSent, err)
				}
			}
			checkCounts(t, b, map[string]int{"queued": 5, "resent": 1, "pending": 5}) // 4 in flight, 1 resend
			if n := tableRows(t, b, "inflight"); n != 1 {
				t.Errorf("B dropped A's in-flight range: %d left", n)
			}
			// A goes on: its next package is still its to send.
			if moved, err := a.MarkPending(ctx, ids[4:6]); err != nil || slices.Contains(moved, false) {
				t.Fatalf("A's next MarkPending = %v, %v", moved, err)
			}

			a.die(lost)
			unknown, notSent, err := b.RecoverPending(ctx)
			if err != nil || unknown != 7 || notSent != 3 {
				t.Fatalf("B's RecoverPending after A died = %d unknown, %d not sent, %v", unknown, notSent, err)
			}
			want := []State{StateUnknown, StateUnknown, StateUnknown, StateUnknown, StateUnknown, StateUnknown, StateNotSent, StateNotSent, StateNotSent, StateResent}
			if got := states(t, b, ids); !slices.Equal(got, want) {
				t.Errorf("states %v, want %v", got, want)
			}
			if r, _ := b.Message(ctx, re[0]); r.State != StateUnknown || r.Error != Interrupted {
				t.Errorf("A's resend after recovery: %+v", r)
			}
			if r, _ := b.Message(ctx, ids[7]); r.Error != NeverLeft {
				t.Errorf("queued row after recovery: %+v", r)
			}
			if h, _ := b.History(ctx, ids[0]); len(h) != 2 || h[1].Source != "recovery" {
				t.Errorf("history %+v", h)
			}
			checkCounts(t, b, map[string]int{"unknown": 7, "not_sent": 3, "resent": 1})
			if c, f := tableRows(t, b, "claims"), tableRows(t, b, "inflight"); c != 0 || f != 0 {
				t.Errorf("%d claims, %d in-flight ranges left", c, f)
			}
			if got := lockFiles(t, path); len(got) != 0 {
				t.Errorf("lock files %v left", got)
			}
			if unknown, notSent, _ := b.RecoverPending(ctx); unknown+notSent != 0 {
				t.Errorf("second recovery: %d, %d", unknown, notSent)
			}
		})
	}
}

// Rows no claim covers (recorded before schema v5) are recovered as
// before, next to a live owner's rows, which are not.
func TestRecoverUnclaimedRows(t *testing.T) {
	_, st := openShared(t, 2)
	a, b := st[0], st[1]
	old, err := a.AddQueued(ctx, 0, "ann", "json", msgs(3))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.MarkPending(ctx, old[:1]); err != nil {
		t.Fatal(err)
	}
	if _, err := a.w.Exec(`DELETE FROM claims`); err != nil { // as a v4 file has them
		t.Fatal(err)
	}
	live, err := a.AddQueued(ctx, 0, "ann", "json", msgs(2))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.MarkPending(ctx, live); err != nil {
		t.Fatal(err)
	}
	unknown, notSent, err := b.RecoverPending(ctx)
	if err != nil || unknown != 1 || notSent != 2 {
		t.Fatalf("RecoverPending = %d unknown, %d not sent, %v", unknown, notSent, err)
	}
	if got := states(t, b, append(old, live...)); !slices.Equal(got, []State{StateUnknown, StateNotSent, StateNotSent, StatePending, StatePending}) { // the live ones in flight
		t.Errorf("states %v", got)
	}
	if n := tableRows(t, b, "inflight"); n != 1 {
		t.Errorf("%d in-flight ranges, want the live one", n)
	}
	if err := a.RecordResults(ctx, live, []sms.Result{{Outcome: sms.Accepted, ID: 1}, {Outcome: sms.Accepted, ID: 2}}); err != nil {
		t.Fatal(err)
	}
	checkCounts(t, a, map[string]int{"unknown": 1, "not_sent": 2, "accepted": 2})
}

// A Store's own rows count as interrupted in its own RecoverPending (it is
// called at start, before sending), and its claims go with them.
func TestRecoverOwnRows(t *testing.T) {
	s := openTest(t)
	ids, err := addPending(s, ctx, 0, "ann", "json", msgs(3))
	if err != nil {
		t.Fatal(err)
	}
	if unknown, _, err := s.RecoverPending(ctx); err != nil || unknown != 3 {
		t.Fatalf("RecoverPending = %d, %v", unknown, err)
	}
	if n := tableRows(t, s, "claims"); n != 0 {
		t.Errorf("%d claims left", n)
	}
	// The Store keeps its token and claims what it records next.
	if _, err := s.AddQueued(ctx, 0, "ann", "json", msgs(1)); err != nil {
		t.Fatal(err)
	}
	if n := tableRows(t, s, "claims"); n != 1 {
		t.Errorf("%d claims, want 1", n)
	}
	if _, notSent, _ := s.RecoverPending(ctx); notSent != 1 || len(ids) != 3 {
		t.Errorf("second recovery: %d not sent", notSent)
	}
}

// Claims go once their rows are settled: they do not pile up over months.
func TestClaimsCleanedUp(t *testing.T) {
	path, st := openShared(t, 2)
	a, b := st[0], st[1]
	claims := func(want int) {
		t.Helper()
		if n := tableRows(t, b, "claims"); n != want {
			t.Errorf("%d claims, want %d", n, want)
		}
	}
	accept := func(ids []int64) {
		t.Helper()
		res := make([]sms.Result, len(ids))
		for i := range res {
			res[i] = sms.Result{Outcome: sms.Accepted, ID: ids[i] + 1000}
		}
		if err := a.RecordResults(ctx, ids, res); err != nil {
			t.Fatal(err)
		}
	}
	// A send in packages: the claim goes with the last package.
	ids, err := a.AddQueued(ctx, 0, "ann", "json", msgs(10))
	if err != nil {
		t.Fatal(err)
	}
	claims(1)
	for lo := 0; lo < 10; lo += 4 {
		p := ids[lo:min(lo+4, 10)]
		if _, err := a.MarkPending(ctx, p); err != nil {
			t.Fatal(err)
		}
		accept(p)
		if lo+4 < 10 {
			claims(1)
		}
	}
	claims(0)

	// A resend of several rows is one claim; so are consecutive sends.
	batch, _ := b.CreateBatch(ctx, "March", "bob", "json", 4)
	refused, err := b.AddQueued(ctx, batch, "bob", "json", msgs(4))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.RecordResults(ctx, refused, []sms.Result{{Outcome: sms.Refused, Code: sms.CodeBadRecipient}, {Outcome: sms.Refused, Code: sms.CodeBadRecipient}, {Outcome: sms.NotSent}, {Outcome: sms.NotSent}}); err != nil {
		t.Fatal(err)
	}
	re, _, err := a.Resend(ctx, "ann", "json", refused[:2])
	if err != nil || len(re) != 2 {
		t.Fatal(re, err)
	}
	more, err := a.AddQueued(ctx, 0, "ann", "json", msgs(2))
	if err != nil {
		t.Fatal(err)
	}
	claims(1)
	accept(re)
	claims(1)
	accept(more)
	claims(0)

	// ResumeBatch claims its new rows.
	resumed, _, err := a.ResumeBatch(ctx, batch, "ann", "json", nil)
	if err != nil || len(resumed) != 2 {
		t.Fatal(resumed, err)
	}
	claims(1)
	if _, err := a.MarkPending(ctx, resumed); err != nil {
		t.Fatal(err)
	}
	accept(resumed)
	claims(0)

	// Close keeps the claims of rows left unsettled (a send stopped by an
	// error), a dead owner's from then on; the next start recovers them.
	d, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	left, err := d.AddQueued(ctx, 0, "dan", "json", msgs(2))
	if err != nil {
		t.Fatal(err)
	}
	if got := lockFiles(t, path); len(got) != 3 {
		t.Errorf("lock files %v, want A's, B's and D's", got)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	claims(1)
	if unknown, notSent, err := b.RecoverPending(ctx); err != nil || unknown != 0 || notSent != 2 {
		t.Fatalf("RecoverPending after D closed = %d, %d, %v", unknown, notSent, err)
	}
	claims(0)
	if r, _ := b.Message(ctx, left[0]); r.State != StateNotSent {
		t.Errorf("left row %+v", r)
	}
	// A Store with nothing unsettled leaves neither claims nor its lock
	// file when it closes.
	e, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	sent, err := addPending(e, ctx, 0, "eve", "json", msgs(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.RecordResults(ctx, sent, []sms.Result{{Outcome: sms.Accepted, ID: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	claims(0)
	if got := lockFiles(t, path); len(got) != 2 {
		t.Errorf("lock files %v, want A's and B's", got)
	}
	checkCounts(t, b, map[string]int{"accepted": 17, "resent": 4, "not_sent": 2})
}

// A start removes the lock files of dead owners with no claims left (a
// dashboard killed after its sends were recorded), and only those.
func TestSweepDeadLockFiles(t *testing.T) {
	sqliteOnly(t, "lock files (the server drops a dead session's locks itself)")
	path, st := openShared(t, 3)
	a, b, c := st[0], st[1], st[2]
	for _, s := range []*Store{a, b} {
		ids, err := addPending(s, ctx, 0, "ann", "json", msgs(1))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RecordResults(ctx, ids, []sms.Result{{Outcome: sms.Accepted, ID: ids[0]}}); err != nil {
			t.Fatal(err)
		}
	}
	aFile := filepath.Base(a.own.lock.Path())
	bFile := filepath.Base(b.own.lock.Path())
	a.die(false)
	os.WriteFile(filepath.Join(path+".owners", "notes.txt"), nil, 0o600) // not ours: left
	if _, _, err := c.RecoverPending(ctx); err != nil {
		t.Fatal(err)
	}
	got := lockFiles(t, path)
	if slices.Contains(got, aFile) || !slices.Contains(got, bFile) || !slices.Contains(got, "notes.txt") {
		t.Errorf("lock files %v: want %s gone, %s kept", got, aFile, bFile)
	}
}

// Starts (open, recover, close) racing with live senders that open and
// close between sends never take a live sender's rows: every package
// leaves and is accepted.
func TestRecoverRacesLiveSenders(t *testing.T) {
	path, _ := openShared(t, 1)
	const senders, rounds, per, starts = 2, 15, 20, 500
	var sending, starting sync.WaitGroup
	var finished atomic.Bool
	errs := make(chan error, senders*rounds*2+starts)
	for w := range senders {
		sending.Go(func() {
			for r := range rounds {
				s, err := Open(path)
				if err != nil {
					errs <- err
					return
				}
				ids, err := s.AddQueued(ctx, 0, "ann", "json", msgs(per))
				for lo := 0; err == nil && lo < per; lo += per / 2 {
					p := ids[lo : lo+per/2]
					var moved []bool
					if moved, err = s.MarkPending(ctx, p); err == nil && slices.Contains(moved, false) {
						err = fmt.Errorf("sender %d round %d: rows taken: %v", w, r, moved)
					}
					time.Sleep(time.Millisecond) // the request on its way
					res := make([]sms.Result, len(p))
					for i := range res {
						res[i] = sms.Result{Outcome: sms.Accepted, ID: p[i]}
					}
					err = errors.Join(err, s.RecordResults(ctx, p, res))
				}
				if err != nil {
					errs <- err
				}
				if err := s.Close(); err != nil {
					errs <- err
				}
			}
		})
	}
	starting.Go(func() {
		// Starts until the senders are through (at most starts).
		for i := 0; i < starts && !finished.Load(); i++ {
			s, err := Open(path)
			if err != nil {
				errs <- err
				return
			}
			if unknown, notSent, err := s.RecoverPending(ctx); err != nil || unknown+notSent != 0 {
				errs <- fmt.Errorf("a start recovered %d unknown, %d not sent of live senders (%v)", unknown, notSent, err)
			}
			s.Close()
		}
	})
	sending.Wait()
	finished.Store(true)
	starting.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkCounts(t, s, map[string]int{"accepted": senders * rounds * per})
	if n := tableRows(t, s, "claims"); n != 0 {
		t.Errorf("%d claims left", n)
	}
	if got := lockFiles(t, path); len(got) != 0 {
		t.Errorf("lock files %v left", got)
	}
}

// A batch left without messages (its smsdash stopped between recording
// the batch and its messages) goes at the next start; one whose smsdash
// still runs, and so may be about to record them, stays, as does the
// starting Store's own.
func TestRecoverRemovesEmptyBatches(t *testing.T) {
	_, st := openShared(t, 3)
	a, b, c := st[0], st[1], st[2]
	live, err := a.CreateBatch(ctx, "live", "ann", "json", 2)
	if err != nil {
		t.Fatal(err)
	}
	filled, _ := c.CreateBatch(ctx, "filled", "bob", "json", 1)
	if _, err := c.AddQueued(ctx, filled, "bob", "json", msgs(1)); err != nil {
		t.Fatal(err)
	}
	dead, _ := c.CreateBatch(ctx, "dead", "bob", "json", 3)
	c.die(false)
	if _, err := a.w.Exec(`INSERT INTO batches(id, name, agent, created_at, total, transport) VALUES (99, 'v6', 'ann', 1, 5, 'json')`); err != nil {
		t.Fatal(err) // as schema v6 recorded it: no owner
	}
	own, _ := b.CreateBatch(ctx, "own", "cat", "json", 1)

	if _, _, err := b.RecoverPending(ctx); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]error{live: nil, filled: nil, own: nil, dead: ErrNoBatch, 99: ErrNoBatch} {
		if _, err := b.Batch(ctx, id); !errors.Is(err, want) {
			t.Errorf("batch %d: %v, want %v", id, err, want)
		}
	}
	// The live owner records its messages as it was about to.
	if _, err := a.AddQueued(ctx, live, "ann", "json", msgs(2)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.RecoverPending(ctx); err != nil { // now a start of A's: B is alive
		t.Fatal(err)
	}
	if _, err := a.Batch(ctx, own); err != nil {
		t.Errorf("B's empty batch, B running: %v", err)
	}
}

// RecoverDead, at each cycle of a running smsdash, settles a dead
// process's rows and leaves its own and every live owner's alone.
func TestRecoverDead(t *testing.T) {
	_, st := openShared(t, 2)
	a, b := st[0], st[1]
	mine, err := b.AddQueued(ctx, 0, "bob", "json", msgs(3))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.MarkPending(ctx, mine[:1]); err != nil {
		t.Fatal(err)
	}
	theirs, err := a.AddQueued(ctx, 0, "ann", "json", msgs(4))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.MarkPending(ctx, theirs[:2]); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*Store{a, b} {
		if unknown, notSent, err := s.RecoverDead(ctx); err != nil || unknown+notSent != 0 {
			t.Fatalf("RecoverDead while both run = %d unknown, %d not sent, %v", unknown, notSent, err)
		}
	}
	a.die(false)
	if unknown, notSent, err := b.RecoverDead(ctx); err != nil || unknown != 2 || notSent != 2 {
		t.Fatalf("RecoverDead after A died = %d unknown, %d not sent, %v", unknown, notSent, err)
	}
	want := []State{StateUnknown, StateUnknown, StateNotSent, StateNotSent}
	if got := states(t, b, theirs); !slices.Equal(got, want) {
		t.Errorf("A's rows: %v, want %v", got, want)
	}
	// B's own rows are still B's to send: its next package goes.
	if got := states(t, b, mine); !slices.Equal(got, []State{StatePending, StateQueued, StateQueued}) {
		t.Errorf("B's rows: %v, want them as they were", got)
	}
	if moved, err := b.MarkPending(ctx, mine[1:]); err != nil || slices.Contains(moved, false) {
		t.Fatalf("B's next MarkPending = %v, %v", moved, err)
	}
}
