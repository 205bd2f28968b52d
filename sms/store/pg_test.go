package store

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/smsdash/smsdash/sms"
)

// pgOnly skips, in the SQLite pass, a test of what only PostgreSQL has.
func pgOnly(t *testing.T, what string) {
	t.Helper()
	if !testPG {
		t.Skip("PostgreSQL only: " + what)
	}
}

// Servers starting at once on a new database all open it, and each
// version is applied once. (Not SQLite's: Opens at once of a file that
// does not exist yet may meet SQLITE_BUSY while the first one turns it
// to WAL, as before the store knew PostgreSQL.)
func TestOpenConcurrently(t *testing.T) {
	pgOnly(t, "schema_version")
	target := newTarget(t)
	const n = 6
	stores := make([]*Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = Open(target) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		t.Cleanup(func() { stores[i].Close() })
	}
	s := stores[0]
	rows, err := s.r.Query(`SELECT version, count(*) FROM schema_version GROUP BY version ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var v, k int
		if err := rows.Scan(&v, &k); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d×%d", v, k))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var want []string
	for v := range pgMigrations {
		want = append(want, fmt.Sprintf("%d×1", v+1))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("versions applied (version×times) %v, want %v", got, want)
	}
	// Reopening applies nothing.
	again, err := Open(target)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	var total int
	if err := again.r.QueryRow(`SELECT count(*) FROM schema_version`).Scan(&total); err != nil || total != len(pgMigrations) {
		t.Errorf("after reopening: %d versions applied, %v", total, err)
	}
}

func TestReadPoolCannotWrite(t *testing.T) {
	s := openTest(t)
	if _, err := s.r.Exec(`DELETE FROM balance`); err == nil {
		t.Error("the read pool can write")
	}
}

// A text search reads the trigram index, whatever the table's size
// (seq scans are priced out so that a small table shows the plan too).
func TestSearchUsesTrigramIndex(t *testing.T) {
	pgOnly(t, "pg_trgm")
	s := openTest(t)
	tx, err := s.w.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	cond, arg, _ := s.d.textMatch("Код подтверждения")
	rows, err := tx.Query(`EXPLAIN SELECT rowid FROM messages_text WHERE `+cond, arg)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(plan, "\n"), "messages_text_trgm") {
		t.Errorf("the search does not use the trigram index:\n%s", strings.Join(plan, "\n"))
	}
}

func TestOpenRefusesNewerDatabase(t *testing.T) {
	pgOnly(t, "schema_version")
	target := newTarget(t)
	s, err := Open(target)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(`INSERT INTO schema_version(version, applied_at) VALUES (99, 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(target)
	if err == nil || !strings.Contains(err.Error(), "newer") || !strings.Contains(err.Error(), "99") {
		t.Fatalf("Open of a newer database: %v", err)
	}
}

// A listener learns of changes from the server the moment their
// transaction commits: a send's outcome and a status change each notify
// smsdash_changes.
func TestChangesNotify(t *testing.T) {
	pgOnly(t, "LISTEN/NOTIFY")
	target := newTarget(t)
	s, err := Open(target)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l, err := pgx.Connect(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close(ctx)
	if _, err := l.Exec(ctx, `LISTEN smsdash_changes`); err != nil {
		t.Fatal(err)
	}
	wait := func(after string) {
		t.Helper()
		c, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		n, err := l.WaitForNotification(c)
		if err != nil {
			t.Fatalf("no notification after %s: %v", after, err)
		}
		if n.Channel != "smsdash_changes" {
			t.Errorf("notification on %q after %s", n.Channel, after)
		}
	}
	ids, err := s.AddQueued(ctx, 0, "ann", "json", msgs(3))
	if err != nil {
		t.Fatal(err)
	}
	res := []sms.Result{{Outcome: sms.Accepted, ID: 7, Parts: 1}, {Outcome: sms.Accepted, ID: 8, Parts: 1}, {Outcome: sms.NotSent}}
	if err := s.RecordResults(ctx, ids, res); err != nil {
		t.Fatal(err)
	}
	wait("RecordResults")
	if ups, err := s.ApplyStatuses(ctx, "http", []sms.StatusReport{{ID: 7, Status: sms.Delivered}, {ID: 8, Status: sms.Sent}}); err != nil || len(ups) != 2 {
		t.Fatalf("ApplyStatuses = %v, %v", ups, err)
	}
	wait("ApplyStatuses")
	// One notification a statement, not a row: nothing else is pending.
	c, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if n, err := l.WaitForNotification(c); err == nil {
		t.Errorf("a third notification: %+v", n)
	}
}

// A URL's password never shows in Open's errors, whatever fails.
func TestOpenHidesPassword(t *testing.T) {
	pgOnly(t, "URLs")
	const pw = "Pa55-w0rd.secret"
	base, err := url.Parse(newTarget(t))
	if err != nil {
		t.Fatal(err)
	}
	with := func(edit func(u *url.URL)) string {
		u := *base
		u.User = url.UserPassword(base.User.Username(), pw)
		edit(&u)
		return u.String()
	}
	// A free port: nothing listens on it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()
	admin, err := pgx.Connect(ctx, base.String())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `CREATE ROLE smsdash_nologin NOLOGIN`); err != nil {
		t.Fatal(err)
	}
	defer admin.Exec(ctx, `DROP ROLE smsdash_nologin`)
	for name, target := range map[string]string{
		"refused":     with(func(u *url.URL) { u.Host = closed }),
		"no database": with(func(u *url.URL) { u.Path = "/no_such_database" }),
		"no login": with(func(u *url.URL) {
			u.User = url.UserPassword("smsdash_nologin", pw)
		}),
		"bad port":   strings.Replace(with(func(*url.URL) {}), base.Host, "127.0.0.1:99999", 1),
		"bad option": with(func(u *url.URL) { u.RawQuery = "sslmode=bogus" }),
		"in the query": with(func(u *url.URL) {
			u.User = url.User(base.User.Username())
			u.RawQuery = "sslmode=bogus&password=" + url.QueryEscape(pw)
		}),
		"not a URL": "postgres://postgres:" + pw + "@[::1/t1",
	} {
		s, err := Open(target)
		if err == nil {
			s.Close()
			t.Errorf("%s: Open succeeded", name)
			continue
		}
		if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), url.QueryEscape(pw)) {
			t.Errorf("%s: the password is in the error: %v", name, err)
		}
		if !strings.HasPrefix(err.Error(), "store: open") {
			t.Errorf("%s: error %q does not say what failed", name, err)
		}
	}
}

func TestRebind(t *testing.T) {
	for in, want := range map[string]string{
		`SELECT 1`:                                 `SELECT 1`,
		`a = ? AND b IN (?, ?)`:                    `a = $1 AND b IN ($2, $3)`,
		`note = 'why?' AND x = ?`:                  `note = 'why?' AND x = $1`,
		`'it''s?' || ? || "odd?col"`:               `'it''s?' || $1 || "odd?col"`,
		"x = ? -- and y?\nAND y = ?":               "x = $1 -- and y?\nAND y = $2",
		`SELECT json_array_elements_text(?::json)`: `SELECT json_array_elements_text($1::json)`,
		`x = '?`: `x = '?`, // unterminated: left as it is
	} {
		for range 2 { // the second time from the cache
			if got := rebind(in); got != want {
				t.Errorf("rebind(%q) = %q, want %q", in, got, want)
			}
		}
	}
}
