package store

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"strings"
	"time"

	"github.com/smsdash/smsdash/sms"
)

// Filter selects messages for Latest, CountsFor and Export. Zero fields
// select everything.
type Filter struct {
	// Status is a display bucket (see Bucket): a state ("pending",
	// "unknown", "refused", "not_sent", "resent", "accepted" for
	// accepted without a status yet) or a status word ("Delivered",
	// "Unknown"). A state must be written exactly; a status word in any
	// case. So "unknown" is the local outcome unknown, "Unknown" the
	// gateway's status, and "delivered" means "Delivered".
	Status string
	// Recipient is a number as an agent types it (see recipientMatch):
	// a whole number matches that recipient, the start of one
	// ("8029 67", "+375 29") the recipients it begins, other digits the
	// recipients that contain them.
	Recipient string
	BatchID   int64
	// Agent: the messages this agent recorded (sent, resent), exactly
	// as recorded.
	Agent string
	Since time.Time // created at or after
	// Search: messages whose text contains it, case ignored in any
	// alphabet (search.go).
	Search string
	// BeforeID and AfterID bound the local ids (0: no bound), so that a
	// list pages on from the rows it holds instead of counting an
	// offset from the newest. OldestFirst reverses the order: the page
	// just above a row, or the oldest page.
	BeforeID, AfterID int64
	OldestFirst       bool
	Limit, Offset     int // Limit <= 0: no limit
	// WithResent keeps the rows a resend or a resume superseded (state
	// "resent"): a message counts once, at its latest row, unless they
	// are asked for (Status "resent") or kept for the record (Export).
	WithResent bool
}

// Row is one message as stored.
type Row struct {
	ID          int64
	BatchID     int64 // 0: not in a batch
	Agent       string
	Recipient   string
	Text        string
	Sender      string
	Transport   string
	ScheduledAt time.Time     // zero: sent at once
	Validity    time.Duration // zero: the gateway's default
	GatewayID   int64         // 0 until accepted
	Parts       int
	State       State
	Code        sms.Code // the gateway's code when refused
	Error       string
	Status      sms.Status
	Final       bool
	Polled      bool  // still asked about (see ExpireStale)
	ResendOf    int64 // the row this one sends again, 0 if none
	CreatedAt   time.Time
	UpdatedAt   time.Time
	StatusAt    time.Time // zero until a status came
}

// Bucket gives the row's display bucket.
func (r Row) Bucket() string { return Bucket(r.State, r.Status) }

// Change is one entry of a message's history.
type Change struct {
	At     time.Time
	Source string // "send", "http", "smpp", "recovery", "resend", "expire"
	State  State
	Status sms.Status
	Note   string // error text, code, resend target
}

// BalancePoint is one reading of the account's credits.
type BalancePoint struct {
	At      time.Time
	Credits float64
}

const rowColumns = `id, batch_id, agent, recipient, text, sender, transport, scheduled_at, validity_s,
	gateway_id, parts, ` + shownStateSQL + `, code, error, status, final, polled, resend_of, created_at, updated_at, status_at`

// A package in flight stays queued row by row: MarkPending marks its id
// range (inflight) instead. Its rows are shown, filtered and counted as
// pending all the same: their request may be on its way.
const (
	// shownStateSQL is the state of the outer statement's message as
	// shown; inflight holds the few ranges on their way at the moment.
	shownStateSQL = `(CASE WHEN state = 'queued' AND EXISTS
		(SELECT 1 FROM inflight f WHERE messages.id BETWEEN f.lo AND f.hi) THEN 'pending' ELSE state END)`
	// shownBucketSQL is the display bucket of that state (bucketSQL is
	// the stored one, which the counts and the index keep).
	shownBucketSQL = `(CASE WHEN status <> '' THEN status ELSE ` + shownStateSQL + ` END)`
)

type scanner interface{ Scan(dest ...any) error }

func scanRow(sc scanner) (Row, error) {
	var r Row
	var batch, scheduled, gateway, resendOf, created, updated, statusAt sql.NullInt64
	var validity, code int64
	var state, status string
	err := sc.Scan(&r.ID, &batch, &r.Agent, &r.Recipient, &r.Text, &r.Sender, &r.Transport, &scheduled, &validity,
		&gateway, &r.Parts, &state, &code, &r.Error, &status, &r.Final, &r.Polled, &resendOf, &created, &updated, &statusAt)
	if err != nil {
		return Row{}, err
	}
	r.BatchID, r.GatewayID, r.ResendOf = batch.Int64, gateway.Int64, resendOf.Int64
	r.ScheduledAt = fromSeconds(scheduled)
	r.Validity = time.Duration(validity) * time.Second
	r.State = State(state)
	r.Code = sms.Code(code)
	r.Status = parseStatus(status)
	r.CreatedAt, r.UpdatedAt, r.StatusAt = fromMS(created), fromMS(updated), fromMS(statusAt)
	return r, nil
}

// from turns the filter (without order and limit) into the FROM and
// WHERE clauses of a select over messages, and names the id column to
// order by: a text search reads the matching ids from the text index, in
// the order of its ids, so a page of a common word stops early.
func (f Filter) from(d dialect) (clause, idCol string, args []any) {
	var conds []string
	clause, idCol = ` FROM messages`, `id`
	if cond, m, ok := d.textMatch(f.Search); ok {
		clause = ` FROM (SELECT rowid AS tid FROM messages_text WHERE ` + cond + `) AS t CROSS JOIN messages`
		idCol = `tid`
		conds, args = append(conds, `messages.id = tid`), append(args, m)
	} else if f.Search != "" {
		c, a := shortSearch(f.Search)
		conds, args = append(conds, c), append(args, a...)
	}
	switch w := bucketWord(f.Status); w {
	case "":
		if !f.WithResent {
			conds = append(conds, `state <> 'resent'`)
		}
	case string(StatePending):
		conds = append(conds, `(`+bucketSQL+` = 'pending' OR `+inFlightSQL(d)+`)`)
	default:
		// A batch (its index) picks out fewer rows than a bucket, which
		// may be most of the history: with both, the batch's index is
		// the one used.
		if f.BatchID != 0 {
			conds = append(conds, d.unindexed(bucketSQL)+` = ?`)
		} else {
			conds = append(conds, bucketSQL+` = ?`)
		}
		args = append(args, w)
	}
	if f.Recipient != "" {
		c, a := recipientMatch(d, f.Recipient)
		conds, args = append(conds, c), append(args, a...)
	}
	if f.BatchID != 0 {
		conds = append(conds, `batch_id = ?`)
		args = append(args, f.BatchID)
	}
	if f.Agent != "" {
		conds = append(conds, `agent = ?`)
		args = append(args, f.Agent)
	}
	if !f.Since.IsZero() {
		conds = append(conds, `created_at >= ?`)
		args = append(args, ms(f.Since))
	}
	if f.BeforeID != 0 {
		conds = append(conds, idCol+` < ?`)
		args = append(args, f.BeforeID)
	}
	if f.AfterID != 0 {
		conds = append(conds, idCol+` > ?`)
		args = append(args, f.AfterID)
	}
	if len(conds) > 0 {
		clause += " WHERE " + strings.Join(conds, " AND ")
	}
	return clause, idCol, args
}

// bucketWord reads a Filter.Status: a state as it is, a status word in
// any case.
func bucketWord(w string) string {
	switch State(w) {
	case StatePending, StateAccepted, StateRefused, StateUnknown, StateNotSent, StateResent:
		return w
	}
	if st, ok := sms.ParseStatus(w); ok {
		return st.String()
	}
	return w
}

// query returns the filtered rows, newest first (or oldest first).
func (f Filter) query(d dialect) (string, []any) {
	from, idCol, args := f.from(d)
	limit := f.Limit
	if limit <= 0 {
		limit = math.MaxInt64 // PostgreSQL takes no -1
	}
	order := " DESC"
	if f.OldestFirst {
		order = ""
	}
	return `SELECT ` + rowColumns + from + ` ORDER BY ` + idCol + order + ` LIMIT ? OFFSET ?`,
		append(args, limit, max(f.Offset, 0))
}

// Latest returns the messages that match f, newest first.
func (s *Store) Latest(ctx context.Context, f Filter) ([]Row, error) {
	if err := s.indexText(ctx, f.Search); err != nil {
		return nil, err
	}
	q, args := f.query(s.d)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, wrap("latest", err)
	}
	defer rows.Close()
	// Room for a screen's rows: most reads (the rows newer than the top,
	// many times a second per dashboard) find few of their Limit.
	out := make([]Row, 0, min(max(f.Limit, 0), 64))
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return nil, wrap("latest", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("latest", err)
	}
	return out, nil
}

// Message returns one message by local id, or ErrNotFound.
func (s *Store) Message(ctx context.Context, id int64) (Row, error) {
	r, err := scanRow(s.r.QueryRowContext(ctx, `SELECT `+rowColumns+` FROM messages WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Row{}, ErrNotFound
	}
	if err != nil {
		return Row{}, wrap("message", err)
	}
	return r, nil
}

// Agents lists the agents the history's messages recorded, in order ("" the
// messages of a config without account.agent). It steps through the
// agent index, one look-up per agent, so it costs nothing at any size.
func (s *Store) Agents(ctx context.Context) ([]string, error) {
	rows, err := s.query(ctx, agentsSQL)
	if err != nil {
		return nil, wrap("agents", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, wrap("agents", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("agents", err)
	}
	return out, nil
}

const agentsSQL = `WITH RECURSIVE a(name) AS (
	SELECT min(agent) FROM messages
	UNION ALL SELECT (SELECT min(agent) FROM messages WHERE agent > name) FROM a WHERE name IS NOT NULL)
	SELECT name FROM a WHERE name IS NOT NULL`

// Counts returns the number of messages in each display bucket (see
// Bucket) over the whole history, from the table the store keeps:
// instant at any size. Empty buckets are left out, and so are the rows a
// resend superseded (see Filter.WithResent).
func (s *Store) Counts(ctx context.Context) (map[string]int, error) {
	return s.counts(ctx, "counts", `SELECT status, n FROM (`+countsSQL(s.d)+`) AS k WHERE status <> 'resent'`)
}

// countsSQL moves the rows in flight, kept as queued, to pending, in the
// same read (a snapshot: the two cannot disagree).
func countsSQL(d dialect) string {
	return `WITH f(n) AS (SELECT count(*) FROM messages WHERE ` + inFlightSQL(d) + `),
	c(status, n) AS (
		SELECT status, n - (CASE WHEN status = 'queued' THEN (SELECT n FROM f) ELSE 0 END) FROM status_counts
		UNION ALL SELECT 'pending', n FROM f)
	SELECT status, sum(n) AS n FROM c GROUP BY status HAVING sum(n) <> 0`
}

// CountsFor counts the messages that match f by display bucket; f's
// Limit and Offset are ignored. It reads every matching row: for the
// whole history, Counts is instant.
func (s *Store) CountsFor(ctx context.Context, f Filter) (map[string]int, error) {
	f.Limit, f.Offset, f.OldestFirst = 0, 0, false
	if f == (Filter{}) { // the kept counts, without the superseded rows
		return s.Counts(ctx)
	}
	if err := s.indexText(ctx, f.Search); err != nil {
		return nil, err
	}
	from, _, args := f.from(s.d)
	return s.counts(ctx, "counts for", `SELECT `+shownBucketSQL+`, count(*)`+from+` GROUP BY 1`, args...)
}

func (s *Store) counts(ctx context.Context, op, q string, args ...any) (map[string]int, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var bucket string
		var n int
		if err := rows.Scan(&bucket, &n); err != nil {
			return nil, wrap(op, err)
		}
		out[bucket] = n
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return out, nil
}

// History returns a message's life in the order it was recorded. Its
// first entry is the message being recorded (source "send", state
// pending), at its creation. An orphan receipt (see ApplyStatuses) comes
// after the send's reply it overtook, with its own earlier time.
func (s *Store) History(ctx context.Context, id int64) ([]Change, error) {
	var created int64
	err := s.r.QueryRowContext(ctx, `SELECT created_at FROM messages WHERE id = ?`, id).Scan(&created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, wrap("history", err)
	}
	out := []Change{{At: time.UnixMilli(created), Source: "send", State: StatePending}}
	rows, err := s.r.QueryContext(ctx, `SELECT at, source, state, status, note FROM status_history
		WHERE message_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, wrap("history", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Change
		var at int64
		var state, status string
		if err := rows.Scan(&at, &c.Source, &state, &status, &c.Note); err != nil {
			return nil, wrap("history", err)
		}
		c.At, c.State, c.Status = time.UnixMilli(at), State(state), parseStatus(status)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("history", err)
	}
	return out, nil
}

// RecordBalance keeps one balance reading.
func (s *Store) RecordBalance(ctx context.Context, credits float64, at time.Time) error {
	return s.write(ctx, "record balance", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO balance(at, credits) VALUES (?, ?)`, ms(at), credits)
		return err
	})
}

// Balances returns the latest limit readings at or after since, in time
// order (oldest first, ready to draw). limit <= 0 means all.
func (s *Store) Balances(ctx context.Context, since time.Time, limit int) ([]BalancePoint, error) {
	if limit <= 0 {
		limit = math.MaxInt64
	}
	rows, err := s.r.QueryContext(ctx, `SELECT at, credits FROM
		(SELECT id, at, credits FROM balance WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?) AS b
		ORDER BY at, id`, ms(since), limit)
	if err != nil {
		return nil, wrap("balances", err)
	}
	defer rows.Close()
	var out []BalancePoint
	for rows.Next() {
		var p BalancePoint
		var at int64
		if err := rows.Scan(&at, &p.Credits); err != nil {
			return nil, wrap("balances", err)
		}
		p.At = time.UnixMilli(at)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("balances", err)
	}
	return out, nil
}
