// Package store is smsdash's history: every message sent, its outcome
// and status changes, batches and balance readings, in one SQLite file
// (modernc.org/sqlite, no cgo), or in a PostgreSQL database that the
// smsdash of several hosts share (pgx). The same code serves both; what
// differs is in dialect.go.
//
// It is built so that a crash never loses a message nor sends one twice:
// messages are written as queued before anything leaves (AddQueued),
// each package is marked in flight right before its request leaves
// (MarkPending), its outcome is written right after (RecordResults), and
// at the next start what a dead process had in flight becomes "outcome
// unknown" and what it never sent "not sent" (RecoverPending; the poller
// of a running smsdash settles them too, RecoverDead); only an explicit
// Resend sends again. Each process claims the rows it records and
// holds a lock for as long as it runs (owner.go): a lock file, or on
// PostgreSQL an advisory lock of its session, so a start leaves the rows
// of an smsdash that is still sending alone.
//
// The dashboard and the command line may hold the same file at once (two
// processes). The file is in WAL mode, so readers never wait for writers;
// each Store has a single write connection whose transactions take the
// write lock up front (BEGIN IMMEDIATE), and the other process's writer
// waits up to 10 s for it (busy_timeout) instead of failing. On
// PostgreSQL every write transaction takes an advisory lock first, so
// that writers are one at a time there too (changes.go).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/smsdash/smsdash/sms/pgurl"
	"github.com/smsdash/smsdash/sms/sqlfile"
)

// Store is an open history. It is safe for concurrent use.
type Store struct {
	w   *sql.DB // the one write connection
	r   *sql.DB // a pool of read-only connections
	d   dialect
	now func() time.Time
	own ownership // which unfinished rows are this process's (owner.go)

	// The read pool's prepared statements by their text: every session's
	// Status tab asks the same few shapes of Latest and CountsFor many
	// times a second, and parsing them again was most of such a read.
	// At most maxStmts; others run unprepared.
	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt
}

// maxStmts bounds the statements kept: the shapes of the filters are
// few, their values are parameters.
const maxStmts = 64

// ErrNotFound is returned by Message and History for an unknown local id.
var ErrNotFound = errors.New("store: no such message")

// Open opens the history at target and brings its schema up to date.
// target is a file path, or the URL of a PostgreSQL database
// (postgres://… or postgresql://…, as libpq reads it; sslmode=verify-full
// verifies the server's certificate).
//
// A file is created (0600) with its directory (0700) if needed; a Store
// that records sends keeps its lock file in the directory <path>.owners
// (owner.go).
func Open(target string) (*Store, error) {
	if strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://") {
		return openPG(target)
	}
	return openFile(target)
}

func openFile(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: open: empty path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	// Created here so that its mode is 0600 (SQLite would use 0644); the
	// -wal and -shm files take the same mode from it.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	f.Close()

	w, err := sql.Open("sqlite", sqlfile.DSN(abs,
		"_pragma=busy_timeout(10000)",
		"_pragma=journal_mode(WAL)",
		// NORMAL: a power loss may undo the last commits, never corrupt
		// the file; the in-flight marks commit FULL (writeDurable).
		"_pragma=synchronous(NORMAL)",
		"_pragma=foreign_keys(on)",
		"_pragma=temp_store(memory)",
		"_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	// One writer: SQLite allows one at a time anyway, and with a single
	// connection the writes of this process queue in Go instead of
	// spinning on the file lock.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	s := &Store{w: w, d: sqliteDialect, now: time.Now, stmts: map[string]*sql.Stmt{}}
	s.own.dir = abs + ".owners"
	if err := s.migrate(context.Background()); err != nil {
		w.Close()
		return nil, err
	}
	// Readers open after migrating, when the file is surely in WAL mode.
	r, err := sql.Open("sqlite", sqlfile.DSN(abs, "_pragma=busy_timeout(10000)", "_query_only=1"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open: %w", err)
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	if err := r.Ping(); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("store: open: %w", err)
	}
	s.r = r
	return s, nil
}

// openPG opens a PostgreSQL history. Its connections come from three
// pools of pgx's: the write connection, the read pool (read-only
// transactions), and one connection that holds the owner lock (owner.go).
// The URL's password never reaches an error (pgurl.Config's Masker).
func openPG(target string) (*Store, error) {
	cfg, mask, err := pgurl.Config(target, "smsdash")
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	open := func(params map[string]string, also ...func(*pgx.ConnConfig)) *sql.DB {
		c := cfg.Copy()
		for k, v := range params {
			c.RuntimeParams[k] = v
		}
		for _, f := range also {
			f(c)
		}
		return sql.OpenDB(rebindConnector{stdlib.GetConnector(*c)})
	}
	// As SQLite's busy_timeout: a writer waits up to 10 s for the write
	// lock, then fails. A transaction left idle (its process stopped
	// mid-way) is ended by the server, so that it does not hold the lock
	// for every other writer.
	w := open(map[string]string{"lock_timeout": "10s", "idle_in_transaction_session_timeout": "60s"})
	w.SetMaxOpenConns(1) // as on SQLite: this Store's writes queue in Go
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r := open(map[string]string{"default_transaction_read_only": "on"})
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	s := &Store{w: w, r: r, d: pgDialect, now: time.Now, stmts: map[string]*sql.Stmt{}}
	// A host that dies without closing its connections (power, network)
	// holds its owner lock until the server sees the connection dead: by
	// keepalives within pgurl.DeadAfter, not the system's two hours.
	s.own.db = open(nil, pgurl.KeepAlive)
	fail := func(err error) (*Store, error) {
		w.Close()
		r.Close()
		s.own.db.Close()
		return nil, mask.Err(err)
	}
	if err := w.Ping(); err != nil {
		return fail(fmt.Errorf("store: open: %w", err))
	}
	if err := s.migrate(context.Background()); err != nil {
		return fail(err)
	}
	if err := r.Ping(); err != nil {
		return fail(fmt.Errorf("store: open: %w", err))
	}
	return s, nil
}

// Close closes the history. Claims whose rows are all settled go, and the
// owner lock is released: rows this Store left queued or pending (a send
// stopped by an error) are recovered by the next start.
func (s *Store) Close() error {
	err := s.disown()
	s.stmtMu.Lock()
	for _, st := range s.stmts {
		err = errors.Join(err, st.Close())
	}
	s.stmts = nil // none is kept after
	s.stmtMu.Unlock()
	err = errors.Join(err, s.r.Close(), s.w.Close())
	if s.own.db != nil {
		err = errors.Join(err, s.own.db.Close())
	}
	return err
}

// query runs a read of the read pool through its prepared statement.
func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := s.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.r.QueryContext(ctx, q, args...)
}

// queryRow is query for one row.
func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := s.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.r.QueryRowContext(ctx, q, args...)
}

// stmt is q prepared on the read pool, kept for the next time; nil when
// the cache is full or q does not prepare (run unprepared, its error
// comes from the run).
func (s *Store) stmt(ctx context.Context, q string) *sql.Stmt {
	s.stmtMu.Lock()
	st, ok := s.stmts[q]
	full := len(s.stmts) >= maxStmts
	s.stmtMu.Unlock()
	if ok || full {
		return st
	}
	// Prepared unlocked: it waits for a connection of the pool.
	st, err := s.r.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	if had, ok := s.stmts[q]; ok || len(s.stmts) >= maxStmts || s.stmts == nil {
		st.Close() // another read prepared it meanwhile, or the cache filled
		return had
	}
	s.stmts[q] = st
	return st
}

// write runs fn in one write transaction (BEGIN IMMEDIATE, or on
// PostgreSQL the write lock first).
func (s *Store) write(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	return s.commit(ctx, op, s.w, "", fn)
}

// writeDurable is write for a commit that must outlive a power loss: an
// in-flight mark, after which a request leaves. With synchronous=NORMAL a
// WAL commit is on disk only at the next checkpoint, so a power loss can
// undo it and the next start would take the package for never sent;
// FULL syncs the WAL before the commit returns. It is set for this
// transaction only, on the writer pinned so that no other write runs
// between.
//
// PostgreSQL is durable at commit unless its server says otherwise
// (synchronous_commit off): this transaction asks for it all the same.
func (s *Store) writeDurable(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	if s.d.pg {
		return s.commit(ctx, op, s.w, `SET LOCAL synchronous_commit = on`, fn)
	}
	c, err := s.w.Conn(ctx)
	if err != nil {
		return wrap(op, err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `PRAGMA synchronous = FULL`); err != nil {
		return wrap(op, err)
	}
	err = s.commit(ctx, op, c, "", fn)
	// Should this fail, the writer stays FULL: slower, never less safe.
	c.ExecContext(context.WithoutCancel(ctx), `PRAGMA synchronous = NORMAL`)
	return err
}

// commit runs fn in one transaction begun on db, after setup if any. On
// PostgreSQL the transaction takes the write lock first (changes.go).
func (s *Store) commit(ctx context.Context, op string, db interface {
	BeginTx(context.Context, *sql.TxOptions) (*sql.Tx, error)
}, setup string, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	if err := s.begin(ctx, tx, setup); err != nil {
		tx.Rollback()
		return fmt.Errorf("store: %s: %w", op, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return fmt.Errorf("store: %s: %w", op, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: %s: %w", op, err)
	}
	return nil
}

// begin takes PostgreSQL's write lock and runs setup.
func (s *Store) begin(ctx context.Context, tx *sql.Tx, setup string) error {
	if s.d.pg {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(writeLock)); err != nil {
			return err
		}
	}
	if setup != "" {
		_, err := tx.ExecContext(ctx, setup)
		return err
	}
	return nil
}

func wrap(op string, err error) error { return fmt.Errorf("store: %s: %w", op, err) }

// Times are stored as unix milliseconds (0 or NULL: none), scheduled
// times as unix seconds, durations as seconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid || v.Int64 == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64)
}

func nullSeconds(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.Unix(), Valid: true}
}

func fromSeconds(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.Unix(v.Int64, 0)
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id > 0} }
