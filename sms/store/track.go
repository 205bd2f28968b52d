package store

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"time"

	"github.com/smsdash/smsdash/sms"
)

// Tracked is a message whose status the tracker keeps asking for.
type Tracked struct {
	ID          int64 // local id
	GatewayID   int64
	Status      sms.Status // the latest known, StatusNone at first
	CreatedAt   time.Time
	ScheduledAt time.Time     // zero: sent at once
	Validity    time.Duration // zero: the gateway's default (48 h)
}

// Update is one status change written by ApplyStatuses.
type Update struct {
	ID        int64 // local id
	GatewayID int64
	From, To  sms.Status
	At        time.Time
}

// maxValidity is the gateway's longest (and default) validity period.
const maxValidity = 48 * time.Hour

// Tracked returns the messages to ask about: accepted, not final, and
// not given up by ExpireStale; oldest first. limit <= 0 means all.
func (s *Store) Tracked(ctx context.Context, limit int) ([]Tracked, error) {
	return s.TrackedAfter(ctx, 0, limit)
}

// TrackedAfter is Tracked from local id after on, a page at a time: the
// tracker asks about one page while it reads the next.
func (s *Store) TrackedAfter(ctx context.Context, after int64, limit int) ([]Tracked, error) {
	if limit <= 0 {
		limit = math.MaxInt64
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, gateway_id, status, created_at, scheduled_at, validity_s
		FROM messages WHERE `+trackedSQL+` AND id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, wrap("tracked", err)
	}
	defer rows.Close()
	var out []Tracked
	for rows.Next() {
		var t Tracked
		var status string
		var created, scheduled sql.NullInt64
		var validity int64
		if err := rows.Scan(&t.ID, &t.GatewayID, &status, &created, &scheduled, &validity); err != nil {
			return nil, wrap("tracked", err)
		}
		t.Status = parseStatus(status)
		t.CreatedAt = fromMS(created)
		t.ScheduledAt = fromSeconds(scheduled)
		t.Validity = time.Duration(validity) * time.Second
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("tracked", err)
	}
	return out, nil
}

// ApplyStatuses writes the gateway's reports, matched by gateway id, in
// one transaction, and returns the changes. Only real changes are
// written: a report repeating the current status, or about a message
// whose status is already final, writes nothing. Each change adds a
// history row with source ("http", "smpp", …). Reports without a status
// (the gateway refused to tell, e.g. -11) are skipped; of several
// reports for one id, the last counts. Reports for ids no message has
// are kept as orphan receipts and applied when the id is recorded
// (a receipt can overtake the recording of the send's reply).
func (s *Store) ApplyStatuses(ctx context.Context, source string, reports []sms.StatusReport) ([]Update, error) {
	if source == "" {
		return nil, errors.New("store: apply statuses: empty source")
	}
	if len(reports) == 0 {
		return nil, nil
	}
	at := s.now()
	var out []Update
	err := s.write(ctx, "apply statuses", func(tx *sql.Tx) error {
		// The reports go into a temporary table and are then matched in
		// a few set-wise statements: far faster than one lookup, one
		// update and one insert per report. The tables are dropped at the
		// end, and a rollback drops them too.
		if _, err := tx.ExecContext(ctx, reportTablesSQL(s.d)); err != nil {
			return err
		}
		// Of several reports for one id the last counts: it takes the
		// first one's place in the list.
		var usable []sms.StatusReport
		pos := map[int64]int{}
		for _, r := range reports {
			if r.Code != 0 || !validStatus(r.Status) || r.ID <= 0 {
				continue
			}
			if i, ok := pos[r.ID]; ok {
				usable[i] = r
				continue
			}
			pos[r.ID] = len(usable)
			usable = append(usable, r)
		}
		err := insertRows(ctx, tx, `INSERT INTO report_in(gateway_id, status, final, parts)`, "(?, ?, ?, ?)", "", len(usable),
			func(i int, args []any) []any {
				r := usable[i]
				return append(args, r.ID, r.Status.String(), flag(r.Status.Final()), max(r.Parts, 0))
			})
		if err != nil {
			return err
		}
		now := ms(at)
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{matchReportsSQL, nil},
			{recountSQL(`SELECT (CASE WHEN old <> '' THEN old ELSE 'accepted' END), new FROM report_change`), nil},
			// Two updates: setting final, even to its old value, costs an
			// update of the tracked index, and most changes are not final.
			{`UPDATE messages SET status = c.new, status_at = ?, updated_at = ?,
				parts = CASE WHEN c.parts > 0 THEN c.parts ELSE messages.parts END
				FROM report_change c WHERE messages.id = c.id AND c.final = 0`, []any{now, now}},
			{`UPDATE messages SET status = c.new, final = 1, status_at = ?, updated_at = ?,
				parts = CASE WHEN c.parts > 0 THEN c.parts ELSE messages.parts END
				FROM report_change c WHERE messages.id = c.id AND c.final = 1`, []any{now, now}},
			{`INSERT INTO status_history(message_id, state, status, prev, at, source)
				SELECT id, 'accepted', new, old, CAST(? AS bigint), CAST(? AS text) FROM report_change ORDER BY id`, []any{now, source}},
			{`INSERT INTO orphan_receipts(gateway_id, status, at, source)
				SELECT r.gateway_id, r.status, CAST(? AS bigint), CAST(? AS text) FROM report_in r
				WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.gateway_id = r.gateway_id)
				ON CONFLICT DO NOTHING`, []any{now, source}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, gateway_id, old, new FROM report_change ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u := Update{At: at}
			var from, to string
			if err := rows.Scan(&u.ID, &u.GatewayID, &from, &to); err != nil {
				return err
			}
			u.From, u.To = parseStatus(from), parseStatus(to)
			out = append(out, u)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DROP TABLE report_in; DROP TABLE report_change`)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// reportTablesSQL makes ApplyStatuses' scratch tables: the reports, and
// the changes they make. Leftovers of a failed call are dropped first.
// The names are unqualified: both engines look among the temporary
// tables first.
func reportTablesSQL(d dialect) string {
	return `
DROP TABLE IF EXISTS report_in;
DROP TABLE IF EXISTS report_change;
CREATE TEMP TABLE report_in (
	gateway_id ` + d.intKey + `, status TEXT NOT NULL, final INTEGER NOT NULL, parts BIGINT NOT NULL);
CREATE TEMP TABLE report_change (
	id ` + d.intKey + `, gateway_id BIGINT NOT NULL, old TEXT NOT NULL, new TEXT NOT NULL,
	final INTEGER NOT NULL, parts BIGINT NOT NULL);`
}

// matchReportsSQL finds the changes. CROSS JOIN keeps the reports as the
// outer loop: without statistics SQLite would rather scan every message
// with a gateway id, a million in a long history, to look each up among
// a thousand reports.
const matchReportsSQL = `INSERT INTO report_change
	SELECT m.id, m.gateway_id, m.status, r.status, r.final, r.parts
	FROM report_in r CROSS JOIN messages m
	WHERE m.gateway_id = r.gateway_id AND m.state = 'accepted' AND m.final = 0 AND m.status <> r.status`

// orphanApplier applies kept orphan receipts to messages as RecordResults
// records their gateway ids. Orphans are rare, so it costs one query per
// transaction when there are none.
type orphanApplier struct {
	sel, count, upd, hist, del *sql.Stmt
}

func newOrphanApplier(ctx context.Context, tx *sql.Tx) (*orphanApplier, error) {
	var some bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM orphan_receipts)`).Scan(&some); err != nil || !some {
		return &orphanApplier{}, err
	}
	o := &orphanApplier{}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&o.sel, `SELECT status, at, source FROM orphan_receipts WHERE gateway_id = ? ORDER BY at, rowid`},
		{&o.count, recountSQL(`SELECT ` + bucketSQL + `, ? FROM messages WHERE id = ?`)},
		{&o.upd, `UPDATE messages SET status = ?, final = ?, status_at = ?, updated_at = ? WHERE id = ?`},
		{&o.hist, `INSERT INTO status_history(message_id, state, status, prev, at, source, note)
			VALUES (?, 'accepted', ?, ?, ?, ?, '` + NoteOrphan + `')`},
		{&o.del, `DELETE FROM orphan_receipts WHERE gateway_id = ?`},
	} {
		stmt, err := tx.PrepareContext(ctx, p.sql)
		if err != nil {
			o.close()
			return nil, err
		}
		*p.stmt = stmt
	}
	return o, nil
}

func (o *orphanApplier) close() {
	for _, s := range []*sql.Stmt{o.sel, o.count, o.upd, o.hist, o.del} {
		if s != nil {
			s.Close()
		}
	}
}

// apply plays the orphans of gatewayID onto message id, just accepted.
func (o *orphanApplier) apply(ctx context.Context, id, gatewayID int64) error {
	if o.sel == nil {
		return nil
	}
	type orphan struct {
		status sms.Status
		at     int64
		source string
	}
	rows, err := o.sel.QueryContext(ctx, gatewayID)
	if err != nil {
		return err
	}
	var list []orphan
	for rows.Next() {
		var word string
		var r orphan
		if err := rows.Scan(&word, &r.at, &r.source); err != nil {
			rows.Close()
			return err
		}
		r.status = parseStatus(word)
		list = append(list, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	cur := sms.StatusNone
	for _, r := range list {
		if r.status == sms.StatusNone || r.status == cur || cur.Final() {
			continue
		}
		if _, err := o.count.ExecContext(ctx, r.status.String(), id); err != nil {
			return err
		}
		if _, err := o.upd.ExecContext(ctx, r.status.String(), flag(r.status.Final()), r.at, r.at, id); err != nil {
			return err
		}
		if _, err := o.hist.ExecContext(ctx, id, r.status.String(), cur.String(), r.at, r.source); err != nil {
			return err
		}
		cur = r.status
	}
	if len(list) > 0 {
		_, err = o.del.ExecContext(ctx, gatewayID)
	}
	return err
}

// ExpireStale stops asking about messages whose validity (48 h when not
// set) plus margin has passed since they were sent (or scheduled): their
// polled flag goes to 0 and a history row says so. Their status stays as
// it is, so an Unknown stays visible as Unknown; a late receipt is still
// applied. It also drops orphan receipts older than that: no message of
// theirs can still be recorded. It returns how many messages stopped
// being tracked.
func (s *Store) ExpireStale(ctx context.Context, now time.Time, margin time.Duration) (int, error) {
	margin = max(margin, 0)
	var n int64
	err := s.write(ctx, "expire stale", func(tx *sql.Tx) error {
		// sent_ms + validity_ms + margin_ms <= now_ms
		stale := `coalesce(scheduled_at * 1000, created_at)
			+ (CASE WHEN validity_s > 0 AND validity_s < ? THEN validity_s ELSE ? END) * 1000 + ? <= ?`
		maxS := int64(maxValidity / time.Second)
		args := []any{maxS, maxS, margin.Milliseconds(), ms(now)}
		if _, err := tx.ExecContext(ctx, `INSERT INTO status_history(message_id, state, status, prev, at, source, note)
			SELECT id, state, status, status, CAST(? AS bigint), 'expire', '`+NoteExpired+`'
			FROM messages WHERE `+trackedSQL+` AND `+stale,
			append([]any{ms(now)}, args...)...); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE messages SET polled = 0, updated_at = ?
			WHERE `+trackedSQL+` AND `+stale, append([]any{ms(now)}, args...)...)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM orphan_receipts WHERE at <= ?`,
			ms(now.Add(-maxValidity-margin)))
		return err
	})
	return int(n), err
}

func validStatus(st sms.Status) bool {
	p, ok := sms.ParseStatus(st.String())
	return ok && p == st
}

// parseStatus reads a stored status word; "" (none yet) and a word this
// version does not know both read as StatusNone.
func parseStatus(word string) sms.Status {
	st, _ := sms.ParseStatus(word)
	return st
}
