package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gofrs/flock"
)

// Ownership says which smsdash may still be sending a queued or pending
// row, so that a start (even a short `smsdash history`) recovers only
// what a dead process left.
//
//   - The first time a Store records queued or pending rows it takes an
//     owner token and an exclusive OS lock on <history>.owners/<token>.lock
//     (mode 0600), held until Close. The OS drops the lock when the
//     process dies, however it dies.
//   - Each insert of queued or pending rows (insertPending) claims its id
//     range for the token: one row in claims per call, or the owner's
//     previous claim grown when the ids follow on. In-flight ranges lie
//     inside the ids their sender inserted, so the claims say whose they
//     are too; inflight needs no owner of its own.
//   - RecoverPending takes an owner for dead when its lock file is gone or
//     can be locked. It recovers the rows of dead owners, the rows of this
//     Store itself (it is called at start, before sending) and rows no
//     claim covers (recorded before schema v5), then drops those claims
//     and the dead owners' lock files. Rows of live owners stay as they are.
//   - A claim goes once nothing in its range is queued or pending: in
//     RecordResults, RecoverPending and Close.
//
// On PostgreSQL the smsdash sharing a history run on several hosts, and
// no file is seen by all of them: the owner's lock is a session advisory
// lock (ownerLockClass, ownerKey(token)) on a connection the Store holds
// for that alone. The server drops it when that connection ends, however
// the process ended, on whichever host. RecoverPending takes an owner for
// dead when it can take that lock itself, for its transaction: a dead
// owner's rows are recovered under it, as under a dead owner's lock file.
type ownership struct {
	mu    sync.Mutex
	dir   string       // <history>.owners (SQLite)
	token string       // "" until the Store first records queued or pending rows
	lock  *flock.Flock // held while token is set (SQLite)
	db    *sql.DB      // where conn comes from (PostgreSQL)
	conn  *sql.Conn    // holds the advisory lock while token is set (PostgreSQL)
}

// owner returns the Store's owner token, taking one and its lock on first
// use. The lock is held before any claim of the token is written, so a
// claim whose owner's lock can be taken is a dead process's.
func (s *Store) owner() (string, error) {
	o := &s.own
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.token != "" {
		return o.token, nil
	}
	if o.db != nil {
		return o.lockSession()
	}
	if err := os.MkdirAll(o.dir, 0o700); err != nil {
		return "", fmt.Errorf("owner lock: %w", err)
	}
	var last error
	for range 5 {
		token := rand.Text()
		path := lockPath(o.dir, token)
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_RDONLY, 0o600)
		if err != nil {
			return "", fmt.Errorf("owner lock: %w", err)
		}
		f.Close()
		// Another start sweeping lock files (RecoverPending) may take
		// and remove the file before it is locked here: then the lock is
		// not had, or is on a file no longer at path. Try another token.
		l := flock.New(path, flock.SetFlag(os.O_RDONLY))
		ok, err := l.TryLock()
		if err != nil || !ok {
			last = err
			continue
		}
		held, err1 := l.Stat()
		named, err2 := os.Stat(path)
		if err1 != nil || err2 != nil || !os.SameFile(held, named) {
			l.Close()
			last = errors.Join(err1, err2)
			continue
		}
		o.token, o.lock = token, l
		return token, nil
	}
	if last == nil {
		last = errors.New("the new lock file was taken each time")
	}
	return "", fmt.Errorf("owner lock: %w", last)
}

// lockSession takes a token and its advisory lock (PostgreSQL). A token
// is new, so its lock is free unless its key meets a live owner's
// (ownerKey is 32 bits): then another token. Should it meet a dead
// owner's, that owner passes for alive until this Store closes: its rows
// wait, they are never sent twice.
func (o *ownership) lockSession() (string, error) {
	ctx := context.Background()
	c, err := o.db.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("owner lock: %w", err)
	}
	for range 5 {
		token := rand.Text()
		var ok bool
		if err := c.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(?, ?)`, ownerLockClass, ownerKey(token)).Scan(&ok); err != nil {
			c.Close()
			return "", fmt.Errorf("owner lock: %w", err)
		}
		if ok {
			o.token, o.conn = token, c
			return token, nil
		}
	}
	c.Close()
	return "", errors.New("owner lock: the new token's lock was taken each time")
}

// ownerKey is the second key of token's advisory lock.
func ownerKey(token string) int32 {
	h := fnv.New32a()
	h.Write([]byte(token))
	return int32(h.Sum32())
}

// ownToken is the token, "" if the Store has none yet.
func (s *Store) ownToken() string {
	s.own.mu.Lock()
	defer s.own.mu.Unlock()
	return s.own.token
}

// claim records ids lo..hi, just inserted, as owner's.
func claim(ctx context.Context, tx *sql.Tx, owner string, lo, hi int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE claims SET hi = ? WHERE owner = ? AND hi = ?`, hi, owner, lo-1)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO claims(owner, lo, hi) VALUES (?, ?, ?)`, owner, lo, hi)
	return err
}

// settledClaimSQL selects the claims (of the outer statement's table
// claims) with no row left queued or pending; it uses messages_bucket,
// whose entries are ordered by id within a bucket.
const settledClaimSQL = `NOT EXISTS (SELECT 1 FROM messages
	WHERE ` + bucketSQL + ` IN ('queued', 'pending') AND messages.id BETWEEN claims.lo AND claims.hi)`

// disown drops the claims whose rows are all settled and releases the
// lock (Close). Claims left (a send stopped by an error) are a dead
// owner's from then on: the next start recovers their rows.
func (s *Store) disown() error {
	o := &s.own
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.token == "" {
		return nil
	}
	err := s.write(context.Background(), "close", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(context.Background(), `DELETE FROM claims WHERE owner = ? AND `+settledClaimSQL, o.token)
		return err
	})
	release(o.lock)
	if o.conn != nil {
		// Closing a *sql.Conn gives it back to its pool, session and
		// lock alive: unlocked first.
		_, uerr := o.conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(?, ?)`, ownerLockClass, ownerKey(o.token))
		err = errors.Join(err, uerr, o.conn.Close())
	}
	o.token, o.lock, o.conn = "", nil, nil
	return err
}

func lockPath(dir, token string) string { return filepath.Join(dir, token+".lock") }

// validToken: rand.Text's alphabet (base32), so a token read from the
// file cannot name a path outside the owners' directory.
func validToken(t string) bool {
	return t != "" && strings.Trim(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == ""
}

// probe tells whether the owner of token is dead (probeFile). On
// PostgreSQL its lock is free: taken then for tx, so that the owner
// counts as dead until the recovery commits (it never comes back: a
// token is not taken twice).
func (s *Store) probe(ctx context.Context, tx *sql.Tx, token string) (dead bool, held *flock.Flock, err error) {
	if s.d.pg {
		err := tx.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock(?, ?)`, ownerLockClass, ownerKey(token)).Scan(&dead)
		return dead, nil, err
	}
	dead, held = probeFile(s.own.dir, token)
	return dead, held, nil
}

// probeFile tells whether the owner of token is dead: its lock file is gone,
// or its lock can be taken. A dead owner's lock comes back held (nil when
// the file is gone), for release once its rows are recovered. When it
// cannot tell (the file cannot be opened), the owner counts as alive:
// its rows are left alone.
func probeFile(dir, token string) (dead bool, held *flock.Flock) {
	if !validToken(token) {
		return true, nil
	}
	l := flock.New(lockPath(dir, token), flock.SetFlag(os.O_RDONLY))
	ok, err := l.TryLock()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return true, nil
	case err != nil || !ok:
		return false, nil
	}
	return true, l
}

// release unlocks a lock file and removes it.
func release(l *flock.Flock) {
	if l == nil {
		return
	}
	l.Close()
	os.Remove(l.Path())
}

// sweep removes the lock files of dead owners that RecoverPending did not
// meet in claims: processes killed after their claims were settled, or
// before they wrote one. live (already known to be alive) and this
// Store's own token are skipped.
func (s *Store) sweep(live []string) {
	if s.d.pg {
		return // no files: the server dropped the dead owners' locks
	}
	entries, err := os.ReadDir(s.own.dir)
	if err != nil {
		return
	}
	skip := map[string]bool{s.ownToken(): true}
	for _, t := range live {
		skip[t] = true
	}
	for _, e := range entries {
		token, ok := strings.CutSuffix(e.Name(), ".lock")
		if !ok || skip[token] || !validToken(token) {
			continue
		}
		if dead, l := probeFile(s.own.dir, token); dead {
			release(l)
		}
	}
}
