package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"

	"github.com/smsdash/smsdash/sms"
)

// State is where a message stands on this side of the gateway.
type State string

const (
	StateQueued   State = "queued"   // recorded, waiting its turn: it has not left
	StatePending  State = "pending"  // recorded, the request may be on its way
	StateAccepted State = "accepted" // the gateway gave it an id; statuses follow
	StateRefused  State = "refused"  // the gateway answered with an error code
	StateUnknown  State = "unknown"  // it may have reached the gateway: never resent blindly
	StateNotSent  State = "not_sent" // the request never left
	StateResent   State = "resent"   // explicitly sent again as another row (Resend)
)

// Bucket is how a message is counted and filtered: its status word when
// it has one ("Delivered"), else its state ("pending"). Gateway words are
// capitalised and states lower case, so the gateway's "Unknown" status
// and the local "unknown" outcome stay apart.
func Bucket(state State, status sms.Status) string {
	if status != sms.StatusNone {
		return status.String()
	}
	return string(state)
}

// Interrupted is the error text RecoverPending gives a message that
// was pending when the program stopped.
const Interrupted = "interrupted: the program stopped before the gateway's reply was recorded; check before resending"

// Notes of a message's history, written into SQL as they are (no quote
// in them).
const (
	NoteOrphan  = "the report arrived before the send was recorded"
	NoteExpired = "no longer asked about: its validity period has passed"
)

// CreateBatch records a batch and returns its id. The batch is this
// Store's (owner.go) until its messages are recorded: a start meanwhile
// leaves it alone.
func (s *Store) CreateBatch(ctx context.Context, name, agent, transport string, total int) (int64, error) {
	owner, err := s.owner()
	if err != nil {
		return 0, wrap("create batch", err)
	}
	var id int64
	err = s.write(ctx, "create batch", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx,
			`INSERT INTO batches(name, agent, created_at, total, transport, owner) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			name, agent, ms(s.now()), total, transport, owner).Scan(&id)
	})
	return id, err
}

// AddQueued records msgs as queued: written down, not yet sent. A send
// records all its messages first, so that a crash at any moment leaves
// every one of them in the history; MarkPending moves each chunk on just
// before its request leaves.
func (s *Store) AddQueued(ctx context.Context, batchID int64, agent, transport string, msgs []sms.Message) ([]int64, error) {
	if len(msgs) == 0 {
		return nil, nil
	}
	owner, err := s.owner()
	if err != nil {
		return nil, wrap("add queued", err)
	}
	ids := make([]int64, len(msgs))
	err = s.write(ctx, "add queued", func(tx *sql.Tx) error {
		return insertPending(ctx, tx, owner, s.now(), StateQueued, batchID, agent, transport, msgs, nil, ids)
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// MarkPending moves queued rows to pending: their request is about to
// leave. It reports which rows moved: only those may be sent. A row in
// another state (recovered as not sent, by this Store's own
// RecoverPending or by a start that found this process's lock file gone)
// is left alone. The mark is on disk when it returns (writeDurable).
func (s *Store) MarkPending(ctx context.Context, ids []int64) ([]bool, error) {
	moved := make([]bool, len(ids))
	if len(ids) == 0 {
		return moved, nil
	}
	err := s.writeDurable(ctx, "mark pending", func(tx *sql.Tx) error {
		now := ms(s.now())
		// The ids of one send are consecutive: when every row in the
		// range is still queued, one inflight row marks them all (they
		// stay queued, the range says they may be on their way).
		if lo, hi := ids[0], ids[len(ids)-1]; hi-lo == int64(len(ids)-1) {
			queued, err := queuedIn(ctx, tx, lo, hi)
			if err != nil {
				return err
			}
			if queued == len(ids) {
				if _, err := tx.ExecContext(ctx, `INSERT INTO inflight(lo, hi) VALUES (?, ?)`, lo, hi); err != nil {
					return err
				}
				for i := range moved {
					moved[i] = true
				}
				return nil
			}
		}
		// Otherwise each row that is still queued becomes pending.
		list, err := json.Marshal(ids)
		if err != nil {
			return err
		}
		where := `id IN (` + s.d.intList + `) AND state = 'queued'`
		if err := recount(ctx, tx, `SELECT `+bucketSQL+`, `+stateBucket(StatePending)+` FROM messages WHERE `+where, string(list)); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `UPDATE messages SET state = 'pending', updated_at = ? WHERE `+where+` RETURNING id`, now, string(list))
		if err != nil {
			return err
		}
		defer rows.Close()
		pending := make(map[int64]bool, len(ids))
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			pending[id] = true
		}
		for i, id := range ids {
			moved[i] = pending[id]
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return moved, nil
}

// insertPending inserts msgs as pending (or queued) rows, fills ids and
// claims them for owner (owner.go). resendOf, if not nil, gives each row
// the id it resends.
//
// The ids are chosen here rather than read back: the transaction holds
// the write lock, so max(id)+1… are free, and they come out in order.
func insertPending(ctx context.Context, tx *sql.Tx, owner string, now time.Time, state State, batchID int64, agent, transport string, msgs []sms.Message, resendOf []int64, ids []int64) error {
	if len(msgs) == 0 {
		return nil
	}
	var last int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM messages`).Scan(&last); err != nil {
		return err
	}
	// The numbers and the state all rows share are written into the
	// statement rather than bound for each row (binding is much of an
	// insert's cost); they are integers and a State constant, never text
	// from outside.
	batch := "NULL"
	if batchID > 0 {
		batch = strconv.FormatInt(batchID, 10)
	}
	at := strconv.FormatInt(ms(now), 10)
	err := insertRows(ctx, tx, `INSERT INTO messages
		(id, batch_id, agent, recipient, text, sender, transport, scheduled_at, validity_s, resend_of, created_at, updated_at, state)`,
		"(?, "+batch+", ?, ?, ?, ?, ?, ?, ?, ?, "+at+", "+at+", '"+string(state)+"')", "", len(msgs), func(i int, args []any) []any {
			ids[i] = last + 1 + int64(i)
			m := msgs[i]
			var of sql.NullInt64
			if resendOf != nil {
				of = nullID(resendOf[i])
			}
			return append(args, ids[i], agent, m.To, m.Text, m.Sender, transport,
				nullSeconds(m.At), max(int64(m.Validity/time.Second), 0), of)
		})
	if err != nil {
		return err
	}
	if err := claim(ctx, tx, owner, ids[0], ids[len(ids)-1]); err != nil {
		return err
	}
	return addCount(ctx, tx, string(state), len(msgs))
}

// rowsPerInsert is how many rows one INSERT statement carries. A call
// through database/sql costs more than SQLite's own work for a row, so
// rows go in groups: this doubles the rate of AddQueued.
const rowsPerInsert = 50

// insertRows runs head ("INSERT INTO t(a, b)") with a VALUES list of n
// rows, each written as one ("(?, ?)"), then tail (an ON CONFLICT
// clause, or ""); row(i, args) appends row i's values, one for each "?".
func insertRows(ctx context.Context, tx *sql.Tx, head, one, tail string, n int, row func(i int, args []any) []any) error {
	ncols := strings.Count(one, "?")
	var stmt *sql.Stmt
	stmtRows := 0
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	args := make([]any, 0, rowsPerInsert*ncols)
	for start := 0; start < n; start += rowsPerInsert {
		k := min(rowsPerInsert, n-start)
		if k != stmtRows { // the full group, then once more for the tail
			if stmt != nil {
				stmt.Close()
			}
			var err error
			stmt, err = tx.PrepareContext(ctx, head+" VALUES "+one+strings.Repeat(", "+one, k-1)+tail)
			if err != nil {
				return err
			}
			stmtRows = k
		}
		args = args[:0]
		for i := start; i < start+k; i++ {
			args = row(i, args)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// RecordResults records the outcome of sending: results[i] is the
// outcome of ids[i]. Accepted rows take their gateway id and parts and are
// then tracked; Refused rows keep the gateway's code and are final (their
// status stays empty); OutcomeUnknown and NotSent keep the error text.
// An Accepted result without an id is recorded as unknown: it cannot be
// tracked, and it may have been sent.
//
// Only rows waiting for their outcome (queued or pending) are written,
// each with one history entry, and rows RecoverPending marked as
// interrupted: they may have been recovered while their request was still
// on its way (by this Store's own RecoverPending, or by a start that found
// this process's lock file gone), and the real reply is better than
// "interrupted". Other rows are left as they are. A claim (owner.go) whose
// rows are all settled goes in the same transaction.
//
// Reports that arrived for an accepted id before its reply was recorded
// (orphan receipts) are applied here.
//
// The results go into a temporary table and are matched in a few
// set-wise statements: for the hundreds of messages of a package that is
// several times faster than two statements a row.
func (s *Store) RecordResults(ctx context.Context, ids []int64, results []sms.Result) error {
	if len(ids) != len(results) {
		return fmt.Errorf("store: record results: %d ids but %d results", len(ids), len(results))
	}
	if len(ids) == 0 {
		return nil
	}
	return s.write(ctx, "record results", func(tx *sql.Tx) error {
		if err := doneInFlight(ctx, tx, ids); err != nil {
			return err
		}
		if err := fillOutcomes(ctx, tx, s.d, ids, results); err != nil {
			return err
		}
		lo, hi := slices.Min(ids), slices.Max(ids)
		waiting, err := keepWaiting(ctx, tx, ids, lo, hi)
		if err != nil {
			return err
		}
		now := ms(s.now())
		for _, q := range append(waiting,
			// The IN makes SQLite walk the few ids rather than the whole
			// messages table.
			stmt{`UPDATE messages SET state = o.state, gateway_id = o.gateway_id, parts = o.parts, code = o.code,
				error = o.error, final = o.final, updated_at = ?
				FROM outcome_in o WHERE messages.id = o.id AND messages.id IN (SELECT id FROM outcome_in)`, []any{now}},
			stmt{`INSERT INTO status_history(message_id, state, at, source, note)
				SELECT id, state, CAST(? AS bigint), 'send', error FROM outcome_in ORDER BY id`, []any{now}},
			// Claims over these rows go once all their rows are settled.
			stmt{`DELETE FROM claims WHERE lo <= ? AND hi >= ? AND ` + settledClaimSQL, []any{hi, lo}},
		) {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		if err := applyOrphans(ctx, tx); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM outcome_in`)
		return err
	})
}

type stmt struct {
	sql  string
	args []any
}

// fillOutcomes writes the results into the temporary table outcome_in.
// The table stays on the write connection between calls (making and
// dropping it would change the schema, and SQLite would then prepare
// every statement again); it is emptied before and after. Of an id
// listed twice, the first result counts.
func fillOutcomes(ctx context.Context, tx *sql.Tx, d dialect, ids []int64, results []sms.Result) error {
	if _, err := tx.ExecContext(ctx, outcomeTableSQL(d)); err != nil {
		return err
	}
	// Most packages are accepted whole: then each row binds only what
	// differs (binding is much of an insert's cost).
	head := `INSERT INTO outcome_in(id, gateway_id, parts, state, code, error, final)`
	one, row := "(?, ?, ?, 'accepted', 0, '', 0)", func(i int, args []any) []any {
		return append(args, ids[i], results[i].ID, max(results[i].Parts, 0))
	}
	if slices.ContainsFunc(results, func(r sms.Result) bool { return r.Outcome != sms.Accepted || r.ID <= 0 }) {
		one, row = "(?, ?, ?, ?, ?, ?, ?)", func(i int, args []any) []any {
			r := results[i]
			state, gatewayID, final, code, note := outcome(r)
			return append(args, ids[i], nullID(gatewayID), max(r.Parts, 0), string(state), code, note, flag(final))
		}
	}
	return insertRows(ctx, tx, head, one, " ON CONFLICT DO NOTHING", len(ids), row)
}

// queuedIn counts the queued rows with ids lo..hi (through the bucket
// index: a package's rows, not the table).
func queuedIn(ctx context.Context, tx *sql.Tx, lo, hi int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE `+bucketSQL+` = 'queued' AND id BETWEEN ? AND ?`, lo, hi).Scan(&n)
	return n, err
}

// keepWaiting gives the statements that keep in outcome_in only the
// rows still waiting for their outcome and move the counts from their
// buckets. A package's ids are usually a range whose rows are all still
// queued (marked in flight as a range): then no row is dropped and all
// leave "queued", which spares a lookup of each row.
func keepWaiting(ctx context.Context, tx *sql.Tx, ids []int64, lo, hi int64) ([]stmt, error) {
	if hi-lo == int64(len(ids)-1) {
		queued, err := queuedIn(ctx, tx, lo, hi)
		if err != nil {
			return nil, err
		}
		if queued == len(ids) {
			return []stmt{{recountSQL(`SELECT 'queued', state FROM outcome_in`), nil}}, nil
		}
	}
	return []stmt{
		{`DELETE FROM outcome_in WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = outcome_in.id
			AND (m.state IN ('pending', 'queued') OR (m.state = 'unknown' AND m.error = ?)))`, []any{Interrupted}},
		{recountSQL(`SELECT (CASE WHEN m.status <> '' THEN m.status ELSE m.state END),
			(CASE WHEN m.status <> '' THEN m.status ELSE o.state END)
			FROM outcome_in o CROSS JOIN messages m WHERE m.id = o.id`), nil},
	}, nil
}

// applyOrphans plays kept orphan receipts onto the rows just accepted.
func applyOrphans(ctx context.Context, tx *sql.Tx) error {
	orphans, err := newOrphanApplier(ctx, tx)
	if err != nil || orphans.sel == nil {
		return err
	}
	defer orphans.close()
	rows, err := tx.QueryContext(ctx, `SELECT id, gateway_id FROM outcome_in WHERE gateway_id IS NOT NULL ORDER BY id`)
	if err != nil {
		return err
	}
	var pairs [][2]int64
	for rows.Next() {
		var p [2]int64
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			rows.Close()
			return err
		}
		pairs = append(pairs, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range pairs {
		if err := orphans.apply(ctx, p[0], p[1]); err != nil {
			return fmt.Errorf("message %d: %w", p[0], err)
		}
	}
	return nil
}

func outcomeTableSQL(d dialect) string {
	return `CREATE TEMP TABLE IF NOT EXISTS outcome_in (
	id         ` + d.intKey + `,
	state      TEXT    NOT NULL,
	gateway_id BIGINT,
	parts      BIGINT  NOT NULL,
	code       BIGINT  NOT NULL,
	error      TEXT    NOT NULL,
	final      INTEGER NOT NULL
);
DELETE FROM outcome_in`
}

// flag is a bool as the schema keeps it (final, polled): an integer,
// which PostgreSQL does not make of a bool.
func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// outcome maps a send result to the row's columns.
func outcome(r sms.Result) (state State, gatewayID int64, final bool, code int64, errText string) {
	if r.Err != nil {
		errText = r.Err.Error()
	}
	switch r.Outcome {
	case sms.Accepted:
		if r.ID <= 0 {
			return StateUnknown, 0, false, 0, "the gateway accepted the message but gave no id"
		}
		return StateAccepted, r.ID, false, 0, ""
	case sms.Refused:
		if errText == "" {
			errText = r.Code.Error()
		}
		return StateRefused, 0, true, int64(r.Code), errText
	case sms.NotSent:
		if errText == "" {
			errText = "not sent"
		}
		return StateNotSent, 0, false, 0, errText
	default: // OutcomeUnknown, and any value this version does not know
		if errText == "" {
			errText = "no usable reply from the gateway"
		}
		return StateUnknown, 0, false, 0, errText
	}
}

// NeverLeft is the error text RecoverPending gives a message that was
// queued when the program stopped: it was not sent.
const NeverLeft = "interrupted before sending: it never left; safe to send again"

// RecoverPending is called at start, before this Store sends anything.
// It settles what a process that stopped in the middle of a send left:
// a pending row, or a queued row in an in-flight range, means the program
// stopped between marking the request as leaving and recording the
// gateway's reply: it becomes outcome unknown (Interrupted), since it may
// have been sent. Any other queued row never left: it becomes not sent
// (NeverLeft). It returns how many of each.
//
// It touches only rows no other running smsdash owns (owner.go): those
// of dead processes, this Store's own, and rows recorded before owners
// were (schema v5). The rows of another smsdash that is still running
// (the dashboard sending a batch while the command line starts) are its
// own to finish.
//
// A batch without messages (a process stopped between CreateBatch and
// recording its messages) is removed: nothing of it can be sent or
// resumed. Only one whose owner is dead (or unknown, before schema v7):
// a running smsdash may be about to record its messages, and this
// Store's own is left to it too.
func (s *Store) RecoverPending(ctx context.Context) (unknown, notSent int, err error) {
	return s.recoverPending(ctx, false)
}

// RecoverDead settles what dead processes left, as RecoverPending does,
// while this Store may be sending: its own rows are a live owner's. The
// team's poller calls it at each cycle, so that a process killed in the
// middle of a batch, on any host, has its rows settled within a cycle by
// one that runs.
func (s *Store) RecoverDead(ctx context.Context) (unknown, notSent int, err error) {
	return s.recoverPending(ctx, true)
}

func (s *Store) recoverPending(ctx context.Context, running bool) (unknown, notSent int, err error) {
	var dead []*flock.Flock // dead owners' locks, held until their rows are recovered
	var live []string
	defer func() {
		for _, l := range dead {
			release(l)
		}
		s.sweep(live)
	}()
	self := s.ownToken()
	err = s.write(ctx, "recover pending", func(tx *sql.Tx) error {
		owners, err := liveCandidates(ctx, tx)
		if err != nil {
			return err
		}
		for _, o := range owners {
			if o == self {
				if running {
					live = append(live, o)
				}
				continue
			}
			isDead, l, err := s.probe(ctx, tx, o)
			switch {
			case err != nil:
				return err
			case !isDead:
				live = append(live, o)
			case l != nil:
				dead = append(dead, l)
			}
		}
		liveJSON, err := json.Marshal(append([]string{}, live...))
		if err != nil {
			return err
		}
		// Rows are recovered in the id ranges between the live owners'
		// claims, so that a start beside a live batch of 100,000 does not
		// look at its rows one by one.
		gaps, err := unclaimedRanges(ctx, tx, s.d, string(liveJSON))
		if err != nil {
			return err
		}
		now := ms(s.now())
		for _, r := range []struct {
			where, to, note string
			n               *int
		}{
			{`(` + bucketSQL + ` = 'pending' OR ` + inFlightSQL(s.d) + `) AND id BETWEEN ? AND ?`, string(StateUnknown), Interrupted, &unknown},
			{bucketSQL + ` = 'queued' AND id BETWEEN ? AND ?`, string(StateNotSent), NeverLeft, &notSent},
		} {
			for _, g := range gaps {
				if _, err := tx.ExecContext(ctx, `INSERT INTO status_history(message_id, state, at, source, note)
					SELECT id, ?, CAST(? AS bigint), 'recovery', ? FROM messages WHERE `+r.where,
					r.to, now, r.note, g[0], g[1]); err != nil {
					return err
				}
				if err := recount(ctx, tx, `SELECT `+bucketSQL+`, `+stateBucket(State(r.to))+` FROM messages WHERE `+r.where, g[0], g[1]); err != nil {
					return err
				}
				res, err := tx.ExecContext(ctx, `UPDATE messages SET state = ?, error = ?, updated_at = ? WHERE `+r.where,
					r.to, r.note, now, g[0], g[1])
				if err != nil {
					return err
				}
				n, err := res.RowsAffected()
				if err != nil {
					return err
				}
				*r.n += int(n)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM claims WHERE owner NOT IN (`+s.d.textList+`)`, string(liveJSON)); err != nil {
			return err
		}
		keep := append([]string{}, live...) // [] rather than null
		if self != "" && !running {
			keep = append(keep, self)
		}
		keepJSON, err := json.Marshal(keep)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM batches WHERE owner NOT IN (`+s.d.textList+`) AND `+emptyBatchSQL,
			string(keepJSON)); err != nil {
			return err
		}
		if len(live) == 0 {
			_, err = tx.ExecContext(ctx, `DELETE FROM inflight`)
			return err
		}
		// The live owners' ranges still have queued rows; the others none.
		_, err = tx.ExecContext(ctx, `DELETE FROM inflight WHERE NOT EXISTS
			(SELECT 1 FROM messages m WHERE m.state = 'queued' AND m.id BETWEEN inflight.lo AND inflight.hi)`)
		return err
	})
	return unknown, notSent, err
}

// inFlightSQL selects the queued rows inside in-flight ranges. It walks
// each range by id (CROSS JOIN keeps inflight outside; the + keeps SQLite
// from building an index of every queued row, which beside a live batch
// of 100,000 costs tens of milliseconds a statement).
func inFlightSQL(d dialect) string {
	return `id IN (SELECT m.id FROM inflight f CROSS JOIN messages m WHERE m.id BETWEEN f.lo AND f.hi AND ` +
		d.unindexed(`m.state`) + ` = 'queued')`
}

// unclaimedRanges returns the id ranges, in order, that no claim of the
// owners in live (a JSON list) covers.
func unclaimedRanges(ctx context.Context, tx *sql.Tx, d dialect, live string) ([][2]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT lo, hi FROM claims WHERE owner IN (`+d.textList+`) ORDER BY lo`, live)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var gaps [][2]int64
	next := int64(math.MinInt64) // the first id not yet covered
	for rows.Next() {
		var lo, hi int64
		if err := rows.Scan(&lo, &hi); err != nil {
			return nil, err
		}
		if lo > next {
			gaps = append(gaps, [2]int64{next, lo - 1})
		}
		if hi == math.MaxInt64 {
			return gaps, rows.Err()
		}
		next = max(next, hi+1)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return append(gaps, [2]int64{next, math.MaxInt64}), nil
}

// emptyBatchSQL selects the batches (of the outer statement's table
// batches) without messages, by the messages_batch index.
const emptyBatchSQL = `NOT EXISTS (SELECT 1 FROM messages m WHERE m.batch_id = batches.id)`

// liveCandidates lists the owners whose liveness RecoverPending must
// know: those with claims, and those of batches without messages.
func liveCandidates(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT owner FROM claims
		UNION SELECT owner FROM batches WHERE owner <> '' AND `+emptyBatchSQL)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Resend sends messages again on the agent's explicit request, and
// leaves a trace: in one transaction each row of ids that is unknown, not
// sent or refused becomes "resent", and a new pending row with the same
// message (same batch, its resend_of pointing at the old row) is added.
// It returns the new rows' ids and their messages, in the order of ids;
// other ids are skipped. The caller sends the messages and records the
// outcome with RecordResults(newIDs, results), as after AddQueued.
//
// Doing both in one transaction means a crash can neither lose the
// resend (the new rows exist, pending, and become unknown at the next
// start) nor leave an old row resendable twice; the new rows are in
// flight, so the commit is on disk when it returns (writeDurable).
func (s *Store) Resend(ctx context.Context, agent, transport string, ids []int64) ([]int64, []sms.Message, error) {
	owner, err := s.owner()
	if err != nil {
		return nil, nil, wrap("resend", err)
	}
	var newIDs []int64
	var msgs []sms.Message
	err = s.writeDurable(ctx, "resend", func(tx *sql.Tx) error {
		now := s.now()
		var batches, olds []int64
		for _, id := range ids {
			var batch sql.NullInt64
			var m sms.Message
			var at sql.NullInt64
			var validity int64
			err := tx.QueryRowContext(ctx, `SELECT batch_id, recipient, text, sender, scheduled_at, validity_s
				FROM messages WHERE id = ? AND state IN ('unknown', 'not_sent', 'refused')`, id).
				Scan(&batch, &m.To, &m.Text, &m.Sender, &at, &validity)
			if errors.Is(err, sql.ErrNoRows) {
				continue
			}
			if err != nil {
				return err
			}
			m.At = fromSeconds(at)
			m.Validity = time.Duration(validity) * time.Second
			// A row listed twice is resent once.
			if err := recount(ctx, tx, `SELECT `+bucketSQL+`, `+stateBucket(StateResent)+` FROM messages WHERE id = ?`, id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE messages SET state = 'resent', updated_at = ? WHERE id = ?`, ms(now), id); err != nil {
				return err
			}
			msgs, olds, batches = append(msgs, m), append(olds, id), append(batches, batch.Int64)
		}
		newIDs = make([]int64, len(msgs))
		// Rows of one call may come from several batches: insert each
		// with its own batch, one at a time (resends are few).
		for i := range msgs {
			if err := insertPending(ctx, tx, owner, now, StatePending, batches[i], agent, transport, msgs[i:i+1], olds[i:i+1], newIDs[i:i+1]); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO status_history(message_id, state, at, source, note)
				VALUES (?, 'resent', ?, 'resend', ?)`, olds[i], ms(now), resentNote(newIDs[i], agent)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return newIDs, msgs, nil
}

func resentNote(newID int64, agent string) string {
	if agent == "" {
		return fmt.Sprintf("resent as #%d", newID)
	}
	return fmt.Sprintf("resent as #%d by %s", newID, agent)
}

// doneInFlight forgets the in-flight ranges within ids: their outcome is
// being recorded in the same transaction.
func doneInFlight(ctx context.Context, tx *sql.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	lo, hi := slices.Min(ids), slices.Max(ids)
	_, err := tx.ExecContext(ctx, `DELETE FROM inflight WHERE lo >= ? AND hi <= ?`, lo, hi)
	return err
}
