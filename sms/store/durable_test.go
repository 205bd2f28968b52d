package store

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/smsdash/smsdash/sms"
)

// syncSeen records, from triggers on the writer connection, the
// synchronous level each write of rows ran with. On PostgreSQL the
// triggers are the test database's, and the level is synchronous_commit
// (pgtest's server runs with it off).
func syncSeen(t *testing.T, s *Store) func() []string {
	t.Helper()
	qs := []string{
		`CREATE TEMP TABLE seen(n INTEGER PRIMARY KEY, what TEXT)`,
		`CREATE TEMP TRIGGER seen_range AFTER INSERT ON main.inflight BEGIN
			INSERT INTO seen(what) SELECT 'in flight ' || synchronous FROM pragma_synchronous; END`,
		`CREATE TEMP TRIGGER seen_pending AFTER UPDATE OF state ON main.messages WHEN new.state = 'pending' BEGIN
			INSERT INTO seen(what) SELECT 'pending ' || synchronous FROM pragma_synchronous; END`,
		`CREATE TEMP TRIGGER seen_new AFTER INSERT ON main.messages BEGIN
			INSERT INTO seen(what) SELECT 'new ' || new.state || ' ' || synchronous FROM pragma_synchronous; END`,
	}
	if testPG {
		level := `current_setting('synchronous_commit')`
		qs = []string{`CREATE TABLE seen(n bigint GENERATED ALWAYS AS IDENTITY, what text)`}
		for _, tr := range []struct{ name, what, on string }{
			{"seen_range", `'in flight ' || ` + level, `AFTER INSERT ON inflight FOR EACH ROW`},
			{"seen_pending", `'pending ' || ` + level, `AFTER UPDATE OF state ON messages FOR EACH ROW WHEN (NEW.state = 'pending')`},
			{"seen_new", `'new ' || NEW.state || ' ' || ` + level, `AFTER INSERT ON messages FOR EACH ROW`},
		} {
			qs = append(qs, `CREATE FUNCTION `+tr.name+`() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN INSERT INTO seen(what) VALUES (`+tr.what+`); RETURN NULL; END $$`,
				`CREATE TRIGGER `+tr.name+` `+tr.on+` EXECUTE FUNCTION `+tr.name+`()`)
		}
	}
	for _, q := range qs {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return func() []string {
		t.Helper()
		rows, err := s.w.QueryContext(ctx, `SELECT what FROM seen ORDER BY n`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var w string
			if err := rows.Scan(&w); err != nil {
				t.Fatal(err)
			}
			out = append(out, w)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
}

// A power loss must not undo an in-flight mark whose request has left:
// MarkPending (either way it marks) and Resend commit with
// synchronous=FULL (2); the other writes keep WAL's NORMAL (1). On
// PostgreSQL they commit with synchronous_commit on whatever the
// server's setting (pgtest's: off).
func TestInFlightMarkIsDurable(t *testing.T) {
	s := openTest(t)
	seen := syncSeen(t, s)
	ids, err := s.AddQueued(ctx, 0, "ann", "json", msgs(4))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkPending(ctx, ids[:2]); err != nil { // a range
		t.Fatal(err)
	}
	if _, err := s.MarkPending(ctx, []int64{ids[3], ids[2]}); err != nil { // row by row
		t.Fatal(err)
	}
	lost := []sms.Result{{Outcome: sms.OutcomeUnknown, Err: errors.New("reset")}, {Outcome: sms.Accepted, ID: 5, Parts: 1}}
	if err := s.RecordResults(ctx, ids[:2], lost); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Resend(ctx, "ann", "json", ids[:1]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddQueued(ctx, 0, "ann", "json", msgs(1)); err != nil {
		t.Fatal(err)
	}
	want := []string{"new queued 1", "new queued 1", "new queued 1", "new queued 1",
		"in flight 2", "pending 2", "pending 2", "new pending 2", "new queued 1"}
	if testPG {
		for i, w := range want {
			want[i] = strings.NewReplacer(" 1", " off", " 2", " on").Replace(w)
		}
	}
	if got := seen(); !slices.Equal(got, want) {
		t.Errorf("writes and their synchronous level:\n got %q\nwant %q", got, want)
	}
}
