package sim

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/smsdash/smsdash/sms/sqlfile"
)

// A world keeps an account (its balance, its accepted messages with their
// due times, the blocks NumberBlock reserved) in an SQLite file, so that
// it outlasts the process and is shared by every simulator opened on the
// file: DEMO's dashboard and each command line run at once.
//
// Every simulator keeps the whole account in memory. Before it answers, it
// reads what others committed since: the account row and the messages
// past the last it holds, in one read transaction. To change the account
// it takes the write lock (BEGIN IMMEDIATE), reads the rest, changes its
// memory and writes the difference in the same transaction: one a
// request, whatever its number of messages; should that fail, memory is
// put back. Statuses follow from the stored due times and the clock, so a
// later process answers what an earlier one would have. The file is in
// WAL mode with synchronous=NORMAL: a crash leaves every transaction
// whole or absent, a power loss may undo the last ones.
type world struct {
	path string
	db   *sql.DB // one connection: the Server's mutex orders its use
	max  int64   // messages it may hold (maxMessages)

	// prepared once on the connection: SQLite parses each statement once,
	// not once a request
	account, since, insertOne, insertMany, setAccount *sql.Stmt
}

// worldApp is a world's PRAGMA application_id ("smsW"): an SQLite file
// without it is something else's, refused and left alone.
const worldApp = 0x736d7357

// worldMigrations step a world from PRAGMA user_version i to i+1. A
// released step never changes (worlds were made by it): a new layout
// appends a step.
var worldMigrations = []string{`
CREATE TABLE account (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	balance REAL    NOT NULL,
	blocks  INTEGER NOT NULL DEFAULT 0 -- NumberBlock's blocks reserved
);
CREATE TABLE messages (
	id       INTEGER PRIMARY KEY, -- its sms_id, from FirstID on, without a gap
	due      INTEGER NOT NULL,    -- unix nanoseconds: max(accepted, scheduled)
	phone    INTEGER NOT NULL,    -- the normalised recipient
	validity INTEGER NOT NULL,    -- seconds, 0 for the gateway's default
	parts    INTEGER NOT NULL,
	sender   TEXT    NOT NULL
);`}

// maxMessages bounds a world: the whole account is held in memory (some
// 50 MB at the bound) and read at each start (BenchmarkWorldOpen: about a
// second a million messages); a send past it answers -10.
const maxMessages = 2_000_000

// openWorld opens the world file at path, creating it (0600) with an
// account of balance when it does not exist yet or is empty, and brings
// its layout up to date.
func openWorld(path string, balance float64) (*world, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("simulator world: %w", err)
	}
	// Created here so that its mode is 0600 (SQLite would use 0644); the
	// -wal and -shm files take the same mode from it.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("simulator world: %w", err)
	}
	f.Close()
	// WAL is set only once the file is known to be a world: switching a
	// foreign file would change it.
	db, err := sql.Open("sqlite", sqlfile.DSN(abs,
		"_pragma=busy_timeout(10000)", // another simulator holds the write lock for one request
		"_pragma=synchronous(NORMAL)",
		"_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("simulator world: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	w := &world{path: path, db: db, max: maxMessages}
	if err := w.migrate(balance); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := db.Exec(`PRAGMA journal_mode = WAL`); err != nil {
		db.Close()
		return nil, w.fail(err)
	}
	for _, p := range []struct {
		st **sql.Stmt
		q  string
	}{
		{&w.account, `SELECT balance, blocks FROM account`},
		{&w.since, `SELECT id, due, phone, validity, parts, sender FROM messages WHERE id >= ? ORDER BY id`},
		{&w.insertOne, insertSQL(1)},
		{&w.insertMany, insertSQL(insertRows)},
		{&w.setAccount, `UPDATE account SET balance = ?, blocks = ?`},
	} {
		if *p.st, err = db.Prepare(p.q); err != nil {
			db.Close()
			return nil, w.fail(err)
		}
	}
	return w, nil
}

// migrate makes a new (empty) file a world of balance, or steps a world
// of an earlier layout to this one, in one transaction; it refuses a file
// that is not a world, or of a layout newer than this program's.
func (w *world) migrate(balance float64) error {
	tx, err := w.db.Begin() // IMMEDIATE: of two simulators starting on a new file, one makes it
	if err != nil {
		return w.fail(err)
	}
	defer tx.Rollback()
	var app, version, objects int
	for _, q := range []struct {
		sql string
		v   *int
	}{{`PRAGMA application_id`, &app}, {`PRAGMA user_version`, &version}, {`SELECT count(*) FROM sqlite_schema`, &objects}} {
		if err := tx.QueryRow(q.sql).Scan(q.v); err != nil {
			return w.fail(err)
		}
	}
	switch {
	case app == 0 && version == 0 && objects == 0:
		// new
	case app != worldApp:
		return fmt.Errorf("%s is not a simulator world: it is an SQLite file of something else", w.path)
	case version > len(worldMigrations):
		return fmt.Errorf("%s is a simulator world of layout %d, newer than this program knows (%d): update smsdash", w.path, version, len(worldMigrations))
	}
	if version == len(worldMigrations) {
		return nil
	}
	for _, step := range worldMigrations[version:] {
		if _, err := tx.Exec(step); err != nil {
			return w.fail(err)
		}
	}
	if version == 0 {
		if _, err := tx.Exec(`INSERT INTO account (id, balance) VALUES (1, ?)`, balance); err != nil {
			return w.fail(err)
		}
	}
	// PRAGMAs take no parameters.
	if _, err := tx.Exec(fmt.Sprintf(`PRAGMA application_id = %d; PRAGMA user_version = %d`, worldApp, len(worldMigrations))); err != nil {
		return w.fail(err)
	}
	return w.fail(tx.Commit())
}

// fail names the world in an error, and says so of a file that is not
// SQLite at all.
func (w *world) fail(err error) error {
	var se *sqlite.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se) && se.Code() == sqlite3.SQLITE_NOTADB:
		return fmt.Errorf("%s is not a simulator world: it is no SQLite file", w.path)
	}
	return fmt.Errorf("simulator world %s: %w", w.path, err)
}

// catchUp reads into the account what other simulators committed since
// it was last read. The caller holds s.mu, and tx keeps the reads of one
// moment.
func (s *Server) catchUp(tx *sql.Tx) error {
	var balance float64
	var blocks int64
	if err := tx.Stmt(s.world.account).QueryRow().Scan(&balance, &blocks); err != nil {
		return err
	}
	if balance < 0 || math.IsInf(balance, 0) || blocks < 0 {
		return fmt.Errorf("its account (balance %v, %d blocks) is no account a simulator writes", balance, blocks)
	}
	rows, err := tx.Stmt(s.world.since).Query(FirstID + s.recs.n)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		id, phone, validity, parts int64
		sender                     sql.RawBytes
	)
	for rows.Next() {
		var r record
		if err := rows.Scan(&id, &r.due, &phone, &validity, &parts, &sender); err != nil {
			return err
		}
		switch {
		case id != FirstID+s.recs.n:
			return fmt.Errorf("message %d follows %d messages: ids have a gap", id, s.recs.n)
		case phone <= 0 || phone > 999_999_999_999_999 || validity < 0 || validity > math.MaxUint32 || parts < 0 || parts > math.MaxUint16:
			return fmt.Errorf("message %d is no message a simulator writes", id)
		case s.recs.n >= s.world.max:
			return s.world.full()
		}
		i, ok := s.senders[string(sender)]
		if !ok {
			i = noSender
		}
		r.phone, r.validity, r.parts, r.sender = uint64(phone), uint32(validity), uint16(parts), i
		s.recs.add(r)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	s.balance, s.blocks = balance, blocks
	return nil
}

func (w *world) full() error {
	return fmt.Errorf("it holds %d messages, the most a simulator world may", w.max)
}

// save writes what changed since the account held n messages, balance
// and blocks. The caller holds s.mu and has caught up in tx.
func (s *Server) save(tx *sql.Tx, n int64, balance float64, blocks int64) error {
	if s.recs.n == n && s.balance == balance && s.blocks == blocks {
		return nil
	}
	if s.recs.n > s.world.max {
		return s.world.full()
	}
	args := make([]any, 0, 6*insertRows)
	for i := n; i < s.recs.n; {
		ins, k := s.world.insertOne, int64(1)
		if s.recs.n-i >= insertRows {
			ins, k = s.world.insertMany, insertRows
		}
		args = args[:0]
		for end := i + k; i < end; i++ {
			r, _ := s.recs.get(i)
			args = append(args, FirstID+i, r.due, int64(r.phone), r.validity, r.parts, s.o.Senders[r.sender])
		}
		if _, err := tx.Stmt(ins).Exec(args...); err != nil {
			return err
		}
	}
	_, err := tx.Stmt(s.world.setAccount).Exec(s.balance, s.blocks)
	return err
}

// insertRows is how many messages one INSERT of a package writes: a
// statement a message would cost most of a large package's time.
const insertRows = 100

func insertSQL(rows int) string {
	return `INSERT INTO messages (id, due, phone, validity, parts, sender) VALUES ` +
		strings.Repeat(`(?, ?, ?, ?, ?, ?), `, rows-1) + `(?, ?, ?, ?, ?, ?)`
}

// Open makes a simulated account like New whose balance and messages live
// in the world file at path (see world), created with o's balance when
// new and shared with every simulator opened on it, in this process or
// another. o's other options (login, senders, the clock, faults) are this
// simulator's own; a message of a sender this one has not registered
// shows no sender. Close closes the file.
func Open(path string, o Options) (*Server, error) {
	s := New(o)
	w, err := openWorld(path, s.o.Balance)
	if err != nil {
		return nil, err
	}
	s.world = w
	if err := s.view(func() {}); err != nil {
		w.db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the world file of an account made by Open; an account in
// memory has nothing to close.
func (s *Server) Close() error {
	if s.world == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.world.db.Close()
}

// NumberBlock reserves the next block of a numbering of the caller's own
// and gives its index: 0, 1, 2… over every simulator on the world. DEMO
// gives the SMSC of each process a block of message ids of its own.
func (s *Server) NumberBlock() (int64, error) {
	var k int64
	err := s.update(func() {
		k = s.blocks
		s.blocks++
	})
	return k, err
}

// view runs fn on the account as it stands, after reading what other
// simulators on the world committed. Should the world fail, fn still
// runs, on the account as last read, and the error is returned.
func (s *Server) view(fn func()) error {
	if s.world == nil {
		s.mu.RLock()
		defer s.mu.RUnlock()
		fn()
		return nil
	}
	s.mu.Lock() // catching up writes the account
	defer s.mu.Unlock()
	err := s.world.in(&sql.TxOptions{ReadOnly: true}, func(tx *sql.Tx) error { return s.catchUp(tx) })
	fn()
	return err
}

// update runs fn to change the account (its balance, blocks, and records
// added), after reading what other simulators committed, and writes the
// change to the world in the same transaction; should that fail, the
// account is as it was and the error is returned.
func (s *Server) update(fn func()) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.world == nil {
		fn()
		return nil
	}
	var (
		changed bool
		n       int64
		balance float64
		blocks  int64
	)
	err := s.world.in(nil, func(tx *sql.Tx) error {
		if err := s.catchUp(tx); err != nil {
			return err
		}
		changed, n, balance, blocks = true, s.recs.n, s.balance, s.blocks
		fn()
		return s.save(tx, n, balance, blocks)
	})
	if err != nil && changed { // not kept
		s.recs.n, s.balance, s.blocks = n, balance, blocks
	}
	return err
}

// in runs fn in one transaction, IMMEDIATE unless opts make it read only.
func (w *world) in(opts *sql.TxOptions, fn func(tx *sql.Tx) error) error {
	tx, err := w.db.BeginTx(context.Background(), opts)
	if err != nil {
		return w.fail(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return w.fail(err)
	}
	return w.fail(tx.Commit())
}
