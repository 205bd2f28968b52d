package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/internal/pgtest"
)

var ctx = context.Background()

// t0 is the tests' clock: Minsk noon, 1 March 2026.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, sms.Minsk)

// testPG runs the tests on PostgreSQL (SMSDASH_TEST_STORE=postgres): each
// history a new database of the package's server (pgtest). Otherwise they
// run on SQLite files in t.TempDir().
var testPG = os.Getenv("SMSDASH_TEST_STORE") == "postgres"

// newTarget is a new, empty history's place for Open.
func newTarget(t testing.TB) string {
	t.Helper()
	if testPG {
		return pgtest.Shared(t).NewDatabase(t)
	}
	return filepath.Join(t.TempDir(), "sub", "history.db")
}

// sqliteOnly skips, in the PostgreSQL pass, a test of what only an SQLite
// file has.
func sqliteOnly(t testing.TB, what string) {
	t.Helper()
	if testPG {
		t.Skip("SQLite only: " + what)
	}
}

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(newTarget(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	// Every test checks the kept counts against the rows at its end.
	t.Cleanup(func() { checkCounts(t, s, nil) })
	s.now = func() time.Time { return t0 }
	return s
}

func msgs(n int) []sms.Message {
	out := make([]sms.Message, n)
	for i := range out {
		out[i] = sms.Message{To: "37529" + strings.Repeat("0", 7-len(itoa(i))) + itoa(i), Text: "text " + itoa(i), Sender: "CMC"}
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }

func sqlInt(v int64) string { return strconv.FormatInt(v, 10) }

func userVersion(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// realCounts counts the buckets by query, to check the kept table.
func realCounts(t testing.TB, s *Store) map[string]int {
	t.Helper()
	got, err := s.counts(ctx, "recount", `SELECT `+shownBucketSQL+`, count(*) FROM messages GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// checkCounts compares the kept counts (the table, superseded rows
// too) with want and with the rows.
func checkCounts(t testing.TB, s *Store, want map[string]int) {
	t.Helper()
	got, err := s.counts(ctx, "kept counts", countsSQL(s.d))
	if err != nil {
		t.Fatal(err)
	}
	if want != nil && !equalCounts(got, want) {
		t.Errorf("Counts = %v, want %v", got, want)
	}
	if re := realCounts(t, s); !equalCounts(got, re) {
		t.Errorf("Counts = %v, but the rows say %v", got, re)
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	sqliteOnly(t, "file modes, WAL")
	dir := filepath.Join(t.TempDir(), "a", "b")
	path := filepath.Join(dir, "h?#%.db") // URI syntax in the name must not matter
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := addPending(s, ctx, 0, "ann", "json", msgs(1)); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), want)
		}
	}
	var mode string
	if err := s.r.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	if _, err := s.r.Exec("DELETE FROM balance"); err == nil {
		t.Error("the read pool can write")
	}
}

func TestMigrateFromEmptyAndReopen(t *testing.T) {
	sqliteOnly(t, "user_version (TestOpenConcurrently checks PostgreSQL's versions)")
	path := filepath.Join(t.TempDir(), "h.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if v := userVersion(t, s.w); v != len(migrations) {
		t.Fatalf("user_version = %d, want %d", v, len(migrations))
	}
	var schema1 string
	s.w.QueryRow(`SELECT group_concat(sql, ';') FROM sqlite_master`).Scan(&schema1)
	ids, err := addPending(s, ctx, 0, "ann", "json", msgs(3))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(path) // reopening is a no-op
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var schema2 string
	s.w.QueryRow(`SELECT group_concat(sql, ';') FROM sqlite_master`).Scan(&schema2)
	if schema1 != schema2 || userVersion(t, s.w) != len(migrations) {
		t.Error("reopening changed the schema")
	}
	rows, err := s.Latest(ctx, Filter{})
	if err != nil || len(rows) != 3 || rows[0].ID != ids[2] {
		t.Fatalf("after reopening: %v, %v", rows, err)
	}
}

func TestOpenRefusesNewerFile(t *testing.T) {
	sqliteOnly(t, "user_version (TestOpenRefusesNewerDatabase is PostgreSQL's)")
	path := filepath.Join(t.TempDir(), "h.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.w.Exec("PRAGMA user_version = 99")
	s.Close()
	_, err = Open(path)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a version 99 file: %v", err)
	}
}

func TestMigrationErrorNamesVersion(t *testing.T) {
	sqliteOnly(t, "a file in the way of version 1")
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Exec(`CREATE TABLE batches (x)`) // in the way of version 1
	err = (&Store{w: db, d: sqliteDialect, now: time.Now}).migrate(ctx)
	if err == nil || !strings.Contains(err.Error(), "schema version 1") {
		t.Fatalf("migrate: %v", err)
	}
	if v := userVersion(t, db); v != 0 {
		t.Errorf("a failed step left user_version %d", v)
	}
}

// frozenV1 is schema version 1 as released. It must never change: files
// in the field were made by it.
const frozenV1 = `
CREATE TABLE batches (
	id         INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL DEFAULT '',
	agent      TEXT    NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	total      INTEGER NOT NULL DEFAULT 0,
	transport  TEXT    NOT NULL DEFAULT '',
	note       TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE messages (
	id           INTEGER PRIMARY KEY,
	batch_id     INTEGER REFERENCES batches(id),
	agent        TEXT    NOT NULL DEFAULT '',
	recipient    TEXT    NOT NULL,
	text         TEXT    NOT NULL,
	sender       TEXT    NOT NULL DEFAULT '',
	transport    TEXT    NOT NULL DEFAULT '',
	scheduled_at INTEGER,
	validity_s   INTEGER NOT NULL DEFAULT 0,
	gateway_id   INTEGER,
	parts        INTEGER NOT NULL DEFAULT 0,
	state        TEXT    NOT NULL DEFAULT 'pending'
	             CHECK (state IN ('queued','pending','accepted','refused','unknown','not_sent','resent')),
	code         INTEGER NOT NULL DEFAULT 0,
	error        TEXT    NOT NULL DEFAULT '',
	status       TEXT    NOT NULL DEFAULT '',
	final        INTEGER NOT NULL DEFAULT 0,
	resend_of    INTEGER REFERENCES messages(id),
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	status_at    INTEGER
);
CREATE INDEX messages_status    ON messages(status);
CREATE INDEX messages_recipient ON messages(recipient);
CREATE INDEX messages_batch     ON messages(batch_id);
CREATE INDEX messages_resend_of ON messages(resend_of) WHERE resend_of IS NOT NULL;
CREATE INDEX messages_gateway   ON messages(gateway_id) WHERE gateway_id IS NOT NULL;
CREATE INDEX messages_tracking  ON messages(gateway_id) WHERE state = 'accepted' AND final = 0;

-- Every step of a message's life after it was recorded: the outcome of
-- sending, each status change, recovery, resend.
CREATE TABLE status_history (
	id         INTEGER PRIMARY KEY,
	message_id INTEGER NOT NULL REFERENCES messages(id),
	state      TEXT    NOT NULL,
	status     TEXT    NOT NULL DEFAULT '',
	at         INTEGER NOT NULL,
	source     TEXT    NOT NULL,
	note       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX status_history_message ON status_history(message_id);

-- Reports for gateway ids no message has (yet): a receipt may overtake
-- the recording of the send's reply.
CREATE TABLE orphan_receipts (
	gateway_id INTEGER NOT NULL,
	status     TEXT    NOT NULL,
	at         INTEGER NOT NULL,
	source     TEXT    NOT NULL,
	UNIQUE (gateway_id, status)
);

CREATE TABLE balance (
	id      INTEGER PRIMARY KEY,
	at      INTEGER NOT NULL,
	credits REAL    NOT NULL
);
CREATE INDEX balance_at ON balance(at);
`

func TestSchemaV1IsFrozen(t *testing.T) {
	if migrations[0] != frozenV1 {
		t.Fatal("schema version 1 changed: released steps must stay as they are; append a new step instead")
	}
}

func TestMigrateFromV1(t *testing.T) {
	sqliteOnly(t, "files made by the released versions")
	path := filepath.Join(t.TempDir(), "h.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	ms0 := t0.UnixMilli()
	for _, q := range []string{
		frozenV1,
		`PRAGMA user_version = 1`,
		`INSERT INTO batches(id, name, agent, created_at, total, transport) VALUES (1, 'March', 'ann', 1, 3, 'json')`,
		// 1 pending, 2 accepted without status, 3 Sent, 4 Delivered, 5 refused, 6 unknown
		`INSERT INTO messages(id, batch_id, agent, recipient, text, sender, transport, validity_s, gateway_id, parts, state, code, error, status, final, created_at, updated_at, status_at) VALUES
			(1, 1,    'ann', '375291111111', 'Привет, мир', 'CMC', 'json', 0,    NULL, 0, 'pending',  0, '', '', 0, ` + sqlInt(ms0) + `, ` + sqlInt(ms0) + `, NULL),
			(2, 1,    'ann', '375292222222', 'two',        'CMC', 'json', 3600, 102,  1, 'accepted', 0, '', '', 0, ` + sqlInt(ms0) + `, ` + sqlInt(ms0) + `, NULL),
			(3, 1,    'ann', '375293333333', 'three',      'CMC', 'json', 0,    103,  2, 'accepted', 0, '', 'Sent', 0, ` + sqlInt(ms0) + `, ` + sqlInt(ms0) + `, ` + sqlInt(ms0) + `),
			(4, NULL, 'bob', '375294444444', 'four',       'CMC', 'xml',  0,    104,  1, 'accepted', 0, '', 'Delivered', 1, ` + sqlInt(ms0) + `, ` + sqlInt(ms0) + `, ` + sqlInt(ms0) + `),
			(5, NULL, 'bob', '375295555555', 'five',       'CMC', 'xml',  0,    NULL, 0, 'refused', -4, 'gateway code -4', '', 1, ` + sqlInt(ms0) + `, ` + sqlInt(ms0) + `, NULL),
			(6, NULL, 'bob', '375296666666', 'six',        'CMC', 'xml',  0,    NULL, 0, 'unknown',  0, 'timeout', '', 0, ` + sqlInt(ms0) + `, ` + sqlInt(ms0) + `, NULL)`,
		`INSERT INTO status_history(message_id, state, status, at, source) VALUES (3, 'accepted', 'Sent', 5, 'http'), (4, 'accepted', 'Delivered', 6, 'smpp')`,
		`INSERT INTO orphan_receipts VALUES (777, 'Delivered', 7, 'smpp')`,
		`INSERT INTO balance(at, credits) VALUES (8, 12.5)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("building the v1 file: %v\n%s", err, q)
		}
	}
	db.Close()

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.now = func() time.Time { return t0.Add(time.Minute) }
	if v := userVersion(t, s.w); v != len(migrations) {
		t.Fatalf("user_version = %d, want %d", v, len(migrations))
	}

	// The data survived.
	rows, err := s.Latest(ctx, Filter{})
	if err != nil || len(rows) != 6 {
		t.Fatalf("Latest: %d rows, %v", len(rows), err)
	}
	r1, _ := s.Message(ctx, 1)
	if r1.Text != "Привет, мир" || r1.BatchID != 1 || r1.State != StatePending || !r1.CreatedAt.Equal(t0) || !r1.Polled {
		t.Errorf("message 1 = %+v", r1)
	}
	r4, _ := s.Message(ctx, 4)
	if r4.Status != sms.Delivered || !r4.Final || r4.GatewayID != 104 || r4.Transport != "xml" {
		t.Errorf("message 4 = %+v", r4)
	}
	if h, _ := s.History(ctx, 3); len(h) != 2 || h[1].Status != sms.Sent || h[1].Source != "http" {
		t.Errorf("history of 3 = %+v", h)
	}
	if b, _ := s.Balances(ctx, time.Time{}, 0); len(b) != 1 || b[0].Credits != 12.5 {
		t.Errorf("balances = %+v", b)
	}

	// Counts backfilled by v2, rebuilt by v4, then kept by the store.
	checkCounts(t, s, map[string]int{"pending": 1, "accepted": 1, "Sent": 1, "Delivered": 1, "refused": 1, "unknown": 1})
	if n, _, err := s.RecoverPending(ctx); n != 1 || err != nil {
		t.Fatalf("RecoverPending = %d, %v", n, err)
	}
	ups, err := s.ApplyStatuses(ctx, "http", []sms.StatusReport{{ID: 102, Status: sms.Delivered}, {ID: 103, Status: sms.Delivered}})
	if err != nil || len(ups) != 2 {
		t.Fatalf("ApplyStatuses: %v, %v", ups, err)
	}
	checkCounts(t, s, map[string]int{"Delivered": 3, "refused": 1, "unknown": 2})

	// v2: polling flag and its index. The orphan kept by v1 is applied.
	ids, err := addPending(s, ctx, 1, "ann", "json", msgs(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RecordResults(ctx, ids, []sms.Result{{Outcome: sms.Accepted, ID: 777, Parts: 1}}); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Message(ctx, ids[0]); r.Status != sms.Delivered || !r.Final {
		t.Errorf("orphan from v1 not applied: %+v", r)
	}
	ids, _ = addPending(s, ctx, 0, "ann", "json", msgs(1))
	s.RecordResults(ctx, ids, []sms.Result{{Outcome: sms.Accepted, ID: 900}})
	if tr, _ := s.Tracked(ctx, 0); len(tr) != 1 || tr[0].GatewayID != 900 {
		t.Errorf("Tracked = %+v", tr)
	}
	if n, err := s.ExpireStale(ctx, t0.Add(50*time.Hour), time.Hour); n != 1 || err != nil {
		t.Errorf("ExpireStale = %d, %v", n, err)
	}
	if tr, _ := s.Tracked(ctx, 0); len(tr) != 0 {
		t.Errorf("Tracked after expiry = %+v", tr)
	}
}

func TestSendStateMachine(t *testing.T) {
	s := openTest(t)
	batch, err := s.CreateBatch(ctx, "March", "ann", "json", 6)
	if err != nil {
		t.Fatal(err)
	}
	m := msgs(6)
	m[0].At = t0.Add(time.Hour)
	m[0].Validity = 2 * time.Hour
	ids, err := addPending(s, ctx, batch, "ann", "json", m)
	if err != nil || len(ids) != 6 {
		t.Fatalf("addPending: %v, %v", ids, err)
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] != ids[i-1]+1 {
			t.Fatalf("ids not in order: %v", ids)
		}
	}
	checkCounts(t, s, map[string]int{"pending": 6}) // in flight: queued rows in an inflight range, shown as pending

	if err := s.RecordResults(ctx, ids[:2], []sms.Result{{}}); err == nil {
		t.Error("RecordResults with mismatched lengths: no error")
	}
	err = s.RecordResults(ctx, ids[:5], []sms.Result{
		{Outcome: sms.Accepted, ID: 1 << 40, Parts: 2},
		{Outcome: sms.Refused, Code: sms.CodeBadRecipient},
		{Outcome: sms.OutcomeUnknown, Err: errors.New("connection reset")},
		{Outcome: sms.NotSent, Err: errors.New("dial: refused")},
		{Outcome: sms.Accepted}, // no id: cannot be tracked
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		state State
		final bool
		err   string
	}{
		{StateAccepted, false, ""},
		{StateRefused, true, "gateway code -4: bad recipient number"},
		{StateUnknown, false, "connection reset"},
		{StateNotSent, false, "dial: refused"},
		{StateUnknown, false, "the gateway accepted the message but gave no id"},
		{StatePending, false, ""}, // still in flight
	}
	for i, w := range want {
		r, err := s.Message(ctx, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		if r.State != w.state || r.Final != w.final || r.Error != w.err || r.Status != sms.StatusNone || r.BatchID != batch {
			t.Errorf("message %d: %s final=%v %q, want %s final=%v %q", i, r.State, r.Final, r.Error, w.state, w.final, w.err)
		}
	}
	r0, _ := s.Message(ctx, ids[0])
	if r0.GatewayID != 1<<40 || r0.Parts != 2 || !r0.ScheduledAt.Equal(t0.Add(time.Hour)) || r0.Validity != 2*time.Hour {
		t.Errorf("accepted row = %+v", r0)
	}
	if r1, _ := s.Message(ctx, ids[1]); r1.Code != sms.CodeBadRecipient {
		t.Errorf("refused code = %d", r1.Code)
	}

	// Recovery touches only the pending one.
	n, _, err := s.RecoverPending(ctx)
	if err != nil || n != 1 {
		t.Fatalf("RecoverPending = %d, %v", n, err)
	}
	r5, _ := s.Message(ctx, ids[5])
	if r5.State != StateUnknown || r5.Error != Interrupted {
		t.Errorf("recovered row = %+v", r5)
	}
	if n, _, _ := s.RecoverPending(ctx); n != 0 {
		t.Errorf("second RecoverPending = %d", n)
	}
	checkCounts(t, s, map[string]int{"accepted": 1, "refused": 1, "unknown": 3, "not_sent": 1})

	// A late reply (another process recovered the row while its request
	// was on its way) replaces "interrupted"; other rows stay as they are.
	err = s.RecordResults(ctx, []int64{ids[5], ids[1], ids[2], 12345}, []sms.Result{
		{Outcome: sms.Accepted, ID: 55},
		{Outcome: sms.Accepted, ID: 56},
		{Outcome: sms.Accepted, ID: 57},
		{Outcome: sms.Accepted, ID: 58},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Message(ctx, ids[5]); r.State != StateAccepted || r.GatewayID != 55 || r.Error != "" {
		t.Errorf("late reply not recorded: %+v", r)
	}
	if r, _ := s.Message(ctx, ids[1]); r.State != StateRefused || r.GatewayID != 0 {
		t.Errorf("refused row overwritten: %+v", r)
	}
	if r, _ := s.Message(ctx, ids[2]); r.State != StateUnknown || r.GatewayID != 0 {
		t.Errorf("unknown row overwritten: %+v", r)
	}
	h, err := s.History(ctx, ids[5])
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, c := range h {
		trail = append(trail, c.Source+":"+string(c.State))
	}
	if got := strings.Join(trail, " "); got != "send:pending recovery:unknown send:accepted" {
		t.Errorf("history = %s", got)
	}
	if _, err := s.History(ctx, 999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("History of a missing id: %v", err)
	}
	if _, err := s.Message(ctx, 999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("Message of a missing id: %v", err)
	}
	checkCounts(t, s, map[string]int{"accepted": 2, "refused": 1, "unknown": 2, "not_sent": 1})
}

func TestApplyStatuses(t *testing.T) {
	s := openTest(t)
	ids, _ := addPending(s, ctx, 0, "ann", "json", msgs(3))
	if err := s.RecordResults(ctx, ids, []sms.Result{
		{Outcome: sms.Accepted, ID: 101}, {Outcome: sms.Accepted, ID: 102}, {Outcome: sms.Accepted, ID: 103},
	}); err != nil {
		t.Fatal(err)
	}
	apply := func(source string, reps ...sms.StatusReport) []Update {
		t.Helper()
		ups, err := s.ApplyStatuses(ctx, source, reps)
		if err != nil {
			t.Fatal(err)
		}
		return ups
	}
	ups := apply("http", sms.StatusReport{ID: 101, Status: sms.Queued}, sms.StatusReport{ID: 102, Status: sms.Delivered, Parts: 3})
	if len(ups) != 2 || ups[0] != (Update{ID: ids[0], GatewayID: 101, From: sms.StatusNone, To: sms.Queued, At: t0}) ||
		ups[1].To != sms.Delivered || ups[1].ID != ids[1] {
		t.Fatalf("updates = %+v", ups)
	}
	r1, _ := s.Message(ctx, ids[1])
	if !r1.Final || r1.Parts != 3 || !r1.StatusAt.Equal(t0) {
		t.Errorf("delivered row = %+v", r1)
	}
	if tr, _ := s.Tracked(ctx, 0); len(tr) != 2 || tr[0].GatewayID != 101 || tr[0].Status != sms.Queued || tr[1].GatewayID != 103 {
		t.Errorf("Tracked = %+v", tr)
	}

	// Repeats, final rows, refusals and bad input write nothing.
	if ups := apply("http",
		sms.StatusReport{ID: 101, Status: sms.Queued},
		sms.StatusReport{ID: 102, Status: sms.Rejected},
		sms.StatusReport{ID: 103, Code: sms.CodeBadID},
		sms.StatusReport{ID: 103, Status: sms.Status(200)},
		sms.StatusReport{ID: -1, Status: sms.Sent},
	); len(ups) != 0 {
		t.Errorf("no-op reports gave %+v", ups)
	}
	// Of two reports for one id, the last counts.
	s.now = func() time.Time { return t0.Add(time.Minute) }
	ups = apply("smpp", sms.StatusReport{ID: 101, Status: sms.Sent}, sms.StatusReport{ID: 101, Status: sms.Unknown})
	if len(ups) != 1 || ups[0].From != sms.Queued || ups[0].To != sms.Unknown {
		t.Errorf("updates = %+v", ups)
	}
	h, _ := s.History(ctx, ids[0])
	if len(h) != 4 || h[2].Status != sms.Queued || h[3].Status != sms.Unknown || h[3].Source != "smpp" || !h[3].At.Equal(t0.Add(time.Minute)) {
		t.Errorf("history = %+v", h)
	}
	if r, _ := s.Message(ctx, ids[0]); r.Final {
		t.Error("Unknown made the message final")
	}
	checkCounts(t, s, map[string]int{"Unknown": 1, "Delivered": 1, "accepted": 1})

	if _, err := s.ApplyStatuses(ctx, "", []sms.StatusReport{{ID: 1, Status: sms.Sent}}); err == nil {
		t.Error("empty source accepted")
	}
}

func TestOrphanReceipts(t *testing.T) {
	s := openTest(t)
	ids, _ := addPending(s, ctx, 0, "ann", "smpp", msgs(1))
	// Receipts overtake the recording of the reply.
	if ups, err := s.ApplyStatuses(ctx, "smpp", []sms.StatusReport{{ID: 999, Status: sms.Sent}}); err != nil || len(ups) != 0 {
		t.Fatalf("%v %v", ups, err)
	}
	s.now = func() time.Time { return t0.Add(time.Second) }
	s.ApplyStatuses(ctx, "smpp", []sms.StatusReport{{ID: 999, Status: sms.Delivered}, {ID: 998, Status: sms.Sent}})
	s.ApplyStatuses(ctx, "smpp", []sms.StatusReport{{ID: 999, Status: sms.Delivered}}) // redelivered receipt

	s.now = func() time.Time { return t0.Add(2 * time.Second) }
	if err := s.RecordResults(ctx, ids, []sms.Result{{Outcome: sms.Accepted, ID: 999}}); err != nil {
		t.Fatal(err)
	}
	r, _ := s.Message(ctx, ids[0])
	if r.Status != sms.Delivered || !r.Final || !r.StatusAt.Equal(t0.Add(time.Second)) {
		t.Errorf("orphans not applied: %+v", r)
	}
	h, _ := s.History(ctx, ids[0])
	if len(h) != 4 || h[2].Status != sms.Sent || h[3].Status != sms.Delivered || h[3].Source != "smpp" {
		t.Errorf("history = %+v", h)
	}
	var left int
	s.r.QueryRow(`SELECT count(*) FROM orphan_receipts`).Scan(&left)
	if left != 1 {
		t.Errorf("%d orphans left, want 1 (998)", left)
	}
	checkCounts(t, s, map[string]int{"Delivered": 1})
	// Old orphans are dropped with stale messages.
	s.ExpireStale(ctx, t0.Add(50*time.Hour), time.Hour)
	s.r.QueryRow(`SELECT count(*) FROM orphan_receipts`).Scan(&left)
	if left != 0 {
		t.Errorf("%d orphans left after expiry", left)
	}
}

func TestExpireStale(t *testing.T) {
	s := openTest(t)
	m := msgs(4)
	m[0].Validity = time.Hour        // stale after 1 h + margin
	m[2].At = t0.Add(10 * time.Hour) // scheduled: counted from then
	m[2].Validity = time.Hour        //
	m[3].Validity = 100 * time.Hour  // the gateway caps it at 48 h
	ids, _ := addPending(s, ctx, 0, "ann", "json", m)
	s.RecordResults(ctx, ids, []sms.Result{
		{Outcome: sms.Accepted, ID: 1}, {Outcome: sms.Accepted, ID: 2}, {Outcome: sms.Accepted, ID: 3}, {Outcome: sms.Accepted, ID: 4},
	})
	s.ApplyStatuses(ctx, "http", []sms.StatusReport{{ID: 1, Status: sms.Unknown}})

	margin := 30 * time.Minute
	if n, err := s.ExpireStale(ctx, t0.Add(90*time.Minute-time.Millisecond), margin); n != 0 || err != nil {
		t.Fatalf("ExpireStale before time = %d, %v", n, err)
	}
	if n, _ := s.ExpireStale(ctx, t0.Add(90*time.Minute), margin); n != 1 {
		t.Fatalf("ExpireStale = %d, want 1", n)
	}
	r, _ := s.Message(ctx, ids[0])
	if r.Polled || r.Status != sms.Unknown || r.Final {
		t.Errorf("expired row = %+v: must stay Unknown, unpolled", r)
	}
	if c, _ := s.Counts(ctx); c["Unknown"] != 1 {
		t.Errorf("counts = %v", c)
	}
	tracked := func() []int64 {
		tr, _ := s.Tracked(ctx, 0)
		var g []int64
		for _, x := range tr {
			g = append(g, x.GatewayID)
		}
		return g
	}
	if g := tracked(); !slices.Equal(g, []int64{2, 3, 4}) {
		t.Errorf("tracked = %v", g)
	}
	if n, _ := s.ExpireStale(ctx, t0.Add(48*time.Hour+margin), margin); n != 3 {
		t.Errorf("ExpireStale at 48 h = %d, want 3", n)
	}
	// A late receipt is still welcome.
	if ups, _ := s.ApplyStatuses(ctx, "smpp", []sms.StatusReport{{ID: 1, Status: sms.Delivered}}); len(ups) != 1 {
		t.Errorf("late receipt: %+v", ups)
	}
	if h, _ := s.History(ctx, ids[0]); h[len(h)-2].Source != "expire" {
		t.Errorf("history = %+v", h)
	}
}

func TestResend(t *testing.T) {
	s := openTest(t)
	batch, _ := s.CreateBatch(ctx, "b", "ann", "json", 4)
	ids, _ := addPending(s, ctx, batch, "ann", "json", msgs(4))
	s.RecordResults(ctx, ids, []sms.Result{
		{Outcome: sms.OutcomeUnknown}, {Outcome: sms.NotSent}, {Outcome: sms.Accepted, ID: 5}, {Outcome: sms.Refused, Code: sms.CodeNoFunds},
	})
	newIDs, again, err := s.Resend(ctx, "bob", "xml", []int64{ids[0], ids[1], ids[2], ids[1], ids[3], 424242})
	if err != nil {
		t.Fatal(err)
	}
	if len(newIDs) != 3 || len(again) != 3 || again[0].To != msgs(4)[0].To || again[2].Text != "text 3" {
		t.Fatalf("Resend = %v %+v", newIDs, again)
	}
	for i, old := range []int64{ids[0], ids[1], ids[3]} {
		r, _ := s.Message(ctx, old)
		if r.State != StateResent {
			t.Errorf("old row %d: %s", old, r.State)
		}
		n, _ := s.Message(ctx, newIDs[i])
		if n.State != StatePending || n.ResendOf != old || n.BatchID != batch || n.Agent != "bob" || n.Transport != "xml" {
			t.Errorf("new row = %+v", n)
		}
	}
	if h, _ := s.History(ctx, ids[0]); h[len(h)-1].Note != "resent as #"+itoa(int(newIDs[0]))+" by bob" {
		t.Errorf("history = %+v", h)
	}
	if n, _, _ := s.Resend(ctx, "bob", "xml", ids); len(n) != 0 {
		t.Errorf("resent twice: %v", n)
	}
	checkCounts(t, s, map[string]int{"resent": 3, "pending": 3, "accepted": 1})
}

func TestFilters(t *testing.T) {
	s := openTest(t)
	batch, _ := s.CreateBatch(ctx, "b", "ann", "json", 2)
	m := []sms.Message{
		{To: "375291234567", Text: "100% off_today"},
		{To: "375331234567", Text: "hello"},
		{To: "375297654321", Text: "Hello again"},
	}
	ids, _ := addPending(s, ctx, batch, "ann", "json", m[:2])
	s.now = func() time.Time { return t0.Add(time.Hour) }
	ids2, _ := addPending(s, ctx, 0, "ann", "json", m[2:])
	ids = append(ids, ids2...)
	s.RecordResults(ctx, ids, []sms.Result{{Outcome: sms.Accepted, ID: 1}, {Outcome: sms.Accepted, ID: 2}, {Outcome: sms.NotSent}})
	s.ApplyStatuses(ctx, "http", []sms.StatusReport{{ID: 1, Status: sms.Delivered}})

	cases := []struct {
		f    Filter
		want []int64
	}{
		{Filter{}, []int64{ids[2], ids[1], ids[0]}},
		{Filter{Limit: 2}, []int64{ids[2], ids[1]}},
		{Filter{Limit: 2, Offset: 2}, []int64{ids[0]}},
		{Filter{Status: "Delivered"}, []int64{ids[0]}},
		{Filter{Status: "accepted"}, []int64{ids[1]}},
		{Filter{Status: "not_sent"}, []int64{ids[2]}},
		{Filter{Status: "delivered"}, []int64{ids[0]}},
		{Filter{Status: "unknown"}, nil},
		{Filter{Status: "nonsense"}, nil},
		{Filter{Recipient: "+375 29 123-45-67"}, []int64{ids[0]}},
		{Filter{Recipient: "1234"}, []int64{ids[1], ids[0]}},
		{Filter{Recipient: "(29)"}, []int64{ids[2], ids[0]}},
		{Filter{BatchID: batch}, []int64{ids[1], ids[0]}},
		{Filter{Since: t0.Add(time.Minute)}, []int64{ids[2]}},
		{Filter{Search: "hello"}, []int64{ids[2], ids[1]}},
		{Filter{Search: "0%"}, []int64{ids[0]}},
		{Filter{Search: "o_f"}, nil},
		{Filter{Search: "ff_t"}, []int64{ids[0]}},
		{Filter{Search: "hello", BatchID: batch}, []int64{ids[1]}},
	}
	for _, c := range cases {
		rows, err := s.Latest(ctx, c.f)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, r := range rows {
			got = append(got, r.ID)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("Latest(%+v) = %v, want %v", c.f, got, c.want)
		}
		counts, err := s.CountsFor(ctx, c.f)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, n := range counts {
			total += n
		}
		if c.f.Limit == 0 && total != len(c.want) {
			t.Errorf("CountsFor(%+v) = %v, want %d in all", c.f, counts, len(c.want))
		}
	}
}

// The filters the UI and the tracker use most must use their indexes.
func TestQueryPlans(t *testing.T) {
	sqliteOnly(t, "SQLite's planner, which has no statistics")
	s := openTest(t)
	tx, err := s.w.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(reportTablesSQL(s.d)); err != nil {
		t.Fatal(err)
	}
	pendingFrom, _, _ := Filter{Status: "pending"}.from(s.d)
	agentFrom, _, agentArgs := Filter{Agent: "ann"}.from(s.d)
	prefixFrom, _, prefixArgs := Filter{Recipient: "8029 671"}.from(s.d)
	textQuery, textArgs := Filter{Search: "код подтверждения", BatchID: 5, Limit: 10}.query(s.d)
	for _, c := range []struct{ query, want string }{
		{`SELECT id FROM messages WHERE ` + bucketSQL + ` = 'Delivered' ORDER BY id DESC LIMIT 10`, "messages_bucket"},
		{`SELECT id FROM messages WHERE ` + trackedSQL + ` ORDER BY id`, "messages_tracked"},
		{`SELECT id FROM messages WHERE recipient = '375291234567' ORDER BY id DESC`, "messages_recipient"},
		{`SELECT id FROM messages WHERE batch_id = 5 ORDER BY id DESC`, "messages_batch"},
		{inline(`SELECT id`+agentFrom+` ORDER BY id DESC LIMIT 10`, agentArgs), "SEARCH messages USING INDEX messages_agent (agent=?)"},
		{agentsSQL, "SEARCH messages USING COVERING INDEX messages_agent (agent>?)"},
		{`SELECT at FROM status_history WHERE message_id = 5 ORDER BY id`, "status_history_message"},
		{matchReportsSQL, "SCAN r | SEARCH m USING INDEX messages_gateway"},
		// A claim's rows are looked up by bucket and id: no walk over its range.
		{`DELETE FROM claims WHERE ` + settledClaimSQL, "messages_bucket (<expr>=? AND rowid>? AND rowid<?)"},
		// Recovery walks the in-flight ranges and the unclaimed ranges by id.
		{`SELECT id FROM messages WHERE ` + inFlightSQL(s.d), "SCAN f | SEARCH m USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"},
		{`SELECT id FROM messages WHERE ` + bucketSQL + ` = 'queued' AND id BETWEEN 5 AND 9`, "messages_bucket (<expr>=? AND rowid>? AND rowid<?)"},
		// In flight: the pending rows by bucket, the in-flight ranges by id.
		// The start of a number is a range of the recipient index; a text
		// is looked up in the text index, in the order of its ids.
		{inline(`SELECT id`+prefixFrom, prefixArgs), "SEARCH messages USING INDEX messages_recipient (recipient>? AND recipient<?)"},
		{inline(textQuery, textArgs), "SCAN messages_text VIRTUAL TABLE INDEX 192:M1 | SEARCH messages USING INTEGER PRIMARY KEY (rowid=?)"},
		{`SELECT id` + pendingFrom + ` ORDER BY id DESC LIMIT 10`, "MULTI-INDEX OR | INDEX 1 | SEARCH messages USING INDEX messages_bucket (<expr>=?) | INDEX 2"},
		// Following the changes walks the new entries by id, each message's by index.
		{strings.ReplaceAll(changesSQL, "?", "5"), "SEARCH h USING INTEGER PRIMARY KEY (rowid>? AND rowid<?) | SEARCH m USING INTEGER PRIMARY KEY (rowid=?) | " +
			"CORRELATED SCALAR SUBQUERY 1 | SEARCH p USING INDEX status_history_message (message_id=? AND rowid<?)"},
	} {
		rows, err := tx.Query("EXPLAIN QUERY PLAN " + c.query)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			rows.Scan(&id, &parent, &unused, &detail)
			plan = append(plan, detail)
		}
		rows.Close()
		if p := strings.Join(plan, " | "); !strings.Contains(p, c.want) {
			t.Errorf("%s\nplan: %s, want %s", c.query, p, c.want)
		}
	}
}

// inline writes args into q's placeholders, for EXPLAIN.
func inline(q string, args []any) string {
	for _, a := range args {
		v := fmt.Sprint(a)
		if s, ok := a.(string); ok {
			v = "'" + strings.ReplaceAll(s, "'", "''") + "'"
		}
		q = strings.Replace(q, "?", v, 1)
	}
	return q
}

func TestBalances(t *testing.T) {
	s := openTest(t)
	for i := range 5 {
		if err := s.RecordBalance(ctx, float64(10-i), t0.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	b, err := s.Balances(ctx, t0.Add(time.Minute), 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 3 || b[0].Credits != 8 || b[2].Credits != 6 || !b[2].At.Equal(t0.Add(4*time.Minute)) {
		t.Errorf("Balances = %+v", b)
	}
	if b, _ := s.Balances(ctx, t0.Add(time.Minute), 0); len(b) != 4 {
		t.Errorf("Balances without limit: %d", len(b))
	}
}

func TestEmptyInput(t *testing.T) {
	s := openTest(t)
	if ids, err := addPending(s, ctx, 0, "", "", nil); ids != nil || err != nil {
		t.Error(ids, err)
	}
	if err := s.RecordResults(ctx, nil, nil); err != nil {
		t.Error(err)
	}
	if ups, err := s.ApplyStatuses(ctx, "http", nil); ups != nil || err != nil {
		t.Error(ups, err)
	}
	if _, err := addPending(s, ctx, 12345, "", "", msgs(1)); err == nil || !strings.Contains(err.Error(), "store: add queued") {
		t.Errorf("AddQueued to a missing batch: %v", err)
	}
	if rows, err := s.Latest(ctx, Filter{Limit: -5, Offset: -3}); err != nil || len(rows) != 0 {
		t.Error(rows, err)
	}
}

// Queued rows never left: a crash turns them into not sent, and a row
// another process recovered is not moved to pending (so not sent twice).
func TestQueued(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	msgs := []sms.Message{{To: "375296717259", Text: "a", Sender: "CMC"}, {To: "375296717258", Text: "b", Sender: "CMC"}, {To: "375296717257", Text: "c", Sender: "CMC"}}
	ids, err := s.AddQueued(ctx, 0, "agent", "json", msgs)
	if err != nil || len(ids) != 3 {
		t.Fatal(ids, err)
	}
	moved, err := s.MarkPending(ctx, ids[:1])
	if err != nil || !moved[0] {
		t.Fatalf("MarkPending = %v, %v", moved, err)
	}
	unknown, notSent, err := s.RecoverPending(ctx)
	if err != nil || unknown != 1 || notSent != 2 {
		t.Fatalf("RecoverPending = %d unknown, %d not sent, %v", unknown, notSent, err)
	}
	r1, _ := s.Message(ctx, ids[1])
	if r1.State != StateNotSent || r1.Error != NeverLeft {
		t.Errorf("queued row after recovery: %+v", r1)
	}
	if moved, _ := s.MarkPending(ctx, ids[1:]); moved[0] || moved[1] {
		t.Errorf("recovered rows moved to pending again: %v", moved)
	}
	checkCounts(t, s, map[string]int{"unknown": 1, "not_sent": 2})
}

// A package marked in flight and then recorded leaves nothing for
// recovery; one marked and not recorded is outcome unknown.
func TestInFlight(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	msgs := []sms.Message{{To: "375296717259", Text: "a", Sender: "CMC"}, {To: "375296717258", Text: "b", Sender: "CMC"}, {To: "375296717257", Text: "c", Sender: "CMC"}, {To: "375296717256", Text: "d", Sender: "CMC"}}
	ids, err := s.AddQueued(ctx, 0, "agent", "json", msgs)
	if err != nil {
		t.Fatal(err)
	}
	if moved, err := s.MarkPending(ctx, ids[:2]); err != nil || !moved[0] || !moved[1] {
		t.Fatalf("MarkPending = %v, %v", moved, err)
	}
	if err := s.RecordResults(ctx, ids[:2], []sms.Result{{Outcome: sms.Accepted, ID: 11}, {Outcome: sms.Accepted, ID: 12}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkPending(ctx, ids[2:3]); err != nil {
		t.Fatal(err)
	}
	unknown, notSent, err := s.RecoverPending(ctx)
	if err != nil || unknown != 1 || notSent != 1 {
		t.Fatalf("RecoverPending = %d unknown, %d not sent, %v", unknown, notSent, err)
	}
	checkCounts(t, s, map[string]int{"accepted": 2, "unknown": 1, "not_sent": 1})
	if r, _ := s.Message(ctx, ids[2]); r.Error != Interrupted {
		t.Errorf("in-flight row: %+v", r)
	}
}

// A package in flight is marked by its id range, its rows staying
// queued; they are shown, filtered (history --status pending) and
// counted as pending all the same, beside rows marked pending one by
// one, until their outcome is recorded.
func TestInFlightShownPending(t *testing.T) {
	s := openTest(t)
	batch, err := s.CreateBatch(ctx, "list", "ann", "json", 5)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := s.AddQueued(ctx, batch, "ann", "json", msgs(5))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkPending(ctx, ids[:2]); err != nil { // a range: inflight
		t.Fatal(err)
	}
	single, err := s.AddQueued(ctx, 0, "ann", "json", msgs(3))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkPending(ctx, []int64{single[0], single[2]}); err != nil { // not a range: row by row
		t.Fatal(err)
	}
	pending := func(f Filter) []int64 {
		t.Helper()
		f.Status = string(StatePending)
		rows, err := s.Latest(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, r := range rows {
			if r.State != StatePending || r.Bucket() != "pending" {
				t.Errorf("row %d in the pending filter is %s", r.ID, r.State)
			}
			out = append(out, r.ID)
		}
		return out
	}
	if got, want := pending(Filter{}), []int64{single[2], single[0], ids[1], ids[0]}; !slices.Equal(got, want) {
		t.Errorf("pending = %v, want %v", got, want)
	}
	if got := pending(Filter{BatchID: batch, Limit: 1}); !slices.Equal(got, ids[1:2]) {
		t.Errorf("pending in the batch, 1 = %v", got)
	}
	if r, _ := s.Message(ctx, ids[2]); r.State != StateQueued {
		t.Errorf("a queued row outside the range: %s", r.State)
	}
	checkCounts(t, s, map[string]int{"pending": 4, "queued": 4})
	if c, err := s.CountsFor(ctx, Filter{BatchID: batch}); err != nil || c["pending"] != 2 || c["queued"] != 3 || len(c) != 2 {
		t.Errorf("CountsFor the batch = %v, %v", c, err)
	}
	var csv strings.Builder
	if err := s.Export(ctx, &csv, Filter{BatchID: batch, Status: "pending"}, false); err != nil || strings.Count(csv.String(), ",pending,") != 2 {
		t.Errorf("export: %v\n%s", err, csv.String())
	}

	if err := s.RecordResults(ctx, ids[:2], []sms.Result{{Outcome: sms.Accepted, ID: 7}, {Outcome: sms.Accepted, ID: 8}}); err != nil {
		t.Fatal(err)
	}
	if got := pending(Filter{}); !slices.Equal(got, []int64{single[2], single[0]}) {
		t.Errorf("pending after the outcome = %v", got)
	}
	checkCounts(t, s, map[string]int{"pending": 2, "queued": 4, "accepted": 2})
}

// addPending records msgs as the outbox does right before their request
// leaves: queued, then marked in flight.
func addPending(s *Store, ctx context.Context, batch int64, agent, transport string, m []sms.Message) ([]int64, error) {
	ids, err := s.AddQueued(ctx, batch, agent, transport, m)
	if err != nil || len(ids) == 0 {
		return ids, err
	}
	if _, err := s.MarkPending(ctx, ids); err != nil {
		return nil, err
	}
	return ids, nil
}

// The reads of a shape are prepared once, whatever their values; the
// cache is bounded, and a read past the bound runs all the same; Close
// closes what it kept.
func TestPreparedOnce(t *testing.T) {
	s := openTest(t)
	if _, err := s.AddQueued(ctx, 0, "ann", "json", msgs(5)); err != nil {
		t.Fatal(err)
	}
	kept := func() int {
		s.stmtMu.Lock()
		defer s.stmtMu.Unlock()
		return len(s.stmts)
	}
	before := kept()
	for _, id := range []int64{3, 5} {
		rows, err := s.Latest(ctx, Filter{BeforeID: id, Limit: 10})
		if err != nil || len(rows) != int(id)-1 {
			t.Fatalf("before %d: %d rows, %v", id, len(rows), err)
		}
	}
	if kept() != before+1 {
		t.Fatalf("%d statements kept for one shape (%d before)", kept(), before)
	}
	for i := kept(); i <= maxStmts; i++ {
		var n int
		if err := s.queryRow(ctx, "SELECT ? + "+itoa(i), 1).Scan(&n); err != nil || n != i+1 {
			t.Fatalf("statement %d: %d, %v", i, n, err)
		}
	}
	if kept() != maxStmts {
		t.Errorf("%d statements kept, the bound is %d", kept(), maxStmts)
	}

	o, err := Open(newTarget(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Counts(ctx); err != nil || len(o.stmts) != 1 {
		t.Fatalf("%d statements kept, %v", len(o.stmts), err)
	}
	if err := o.Close(); err != nil || o.stmts != nil {
		t.Errorf("after Close: %v, %d statements", err, len(o.stmts))
	}
}
