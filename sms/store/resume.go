package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/smsdash/smsdash/sms"
)

// Batch is one recorded batch.
type Batch struct {
	ID        int64
	Name      string
	Agent     string
	Transport string
	CreatedAt time.Time
	Total     int // messages recorded when it was created
}

// ErrNoBatch is returned by Batch and ResumeBatch for an unknown batch id.
var ErrNoBatch = errors.New("store: no such batch")

// Batch returns a batch by id, or ErrNoBatch.
func (s *Store) Batch(ctx context.Context, id int64) (Batch, error) {
	b := Batch{ID: id}
	var created int64
	err := s.r.QueryRowContext(ctx, `SELECT name, agent, transport, created_at, total FROM batches WHERE id = ?`, id).
		Scan(&b.Name, &b.Agent, &b.Transport, &created, &b.Total)
	if errors.Is(err, sql.ErrNoRows) {
		return Batch{}, ErrNoBatch
	}
	if err != nil {
		return Batch{}, wrap("batch", err)
	}
	b.CreatedAt = time.UnixMilli(created)
	return b, nil
}

// SameBatch finds the newest batch with this name and this many messages
// (a list that went out before, by file name and size); ok is false when
// there is none.
func (s *Store) SameBatch(ctx context.Context, name string, total int) (b Batch, ok bool, err error) {
	var created int64
	err = s.r.QueryRowContext(ctx, `SELECT id, agent, transport, created_at FROM batches
		WHERE name = ? AND total = ? ORDER BY id DESC LIMIT 1`, name, total).Scan(&b.ID, &b.Agent, &b.Transport, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Batch{}, false, nil
	}
	if err != nil {
		return Batch{}, false, wrap("same batch", err)
	}
	b.Name, b.Total, b.CreatedAt = name, total, time.UnixMilli(created)
	return b, true, nil
}

// ResumeBatch takes the messages of a batch that never left (state
// not_sent) to send them again. In one transaction each becomes "resent"
// and a new queued row with the same message is added (same batch, its
// resend_of pointing at the old row); the new rows' ids, which are
// consecutive, and their messages come back in the batch's order. The
// caller sends them as the outbox does: MarkPending for each chunk just
// before its request leaves, then RecordResults.
//
// at, when not nil, gives the new rows another scheduled time (the zero
// time: send at once), for a batch whose time has passed.
//
// Rows whose outcome is unknown are never taken: they may have reached
// the gateway, and only the agent's explicit Resend sends them again.
// A row is taken only while it is not_sent and becomes resent in the same
// transaction, so two resumes at once cannot both take it; a crash after
// ResumeBatch leaves the new rows queued, which RecoverPending makes not
// sent, to be resumed again. So no message is sent twice.
func (s *Store) ResumeBatch(ctx context.Context, batchID int64, agent, transport string, at *time.Time) ([]int64, []sms.Message, error) {
	owner, err := s.owner()
	if err != nil {
		return nil, nil, wrap("resume batch", err)
	}
	var ids []int64
	var msgs []sms.Message
	err = s.write(ctx, "resume batch", func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM batches WHERE id = ?`, batchID).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return ErrNoBatch
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, recipient, text, sender, scheduled_at, validity_s
			FROM messages WHERE batch_id = ? AND state = 'not_sent' ORDER BY id`, batchID)
		if err != nil {
			return err
		}
		var olds []int64
		for rows.Next() {
			var id, validity int64
			var m sms.Message
			var sched sql.NullInt64
			if err := rows.Scan(&id, &m.To, &m.Text, &m.Sender, &sched, &validity); err != nil {
				rows.Close()
				return err
			}
			m.At = fromSeconds(sched)
			if at != nil {
				m.At = *at
			}
			m.Validity = time.Duration(validity) * time.Second
			olds, msgs = append(olds, id), append(msgs, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(olds) == 0 {
			return nil
		}
		now := s.now()
		if err := recount(ctx, tx, `SELECT `+bucketSQL+`, `+stateBucket(StateResent)+`
			FROM messages WHERE batch_id = ? AND state = 'not_sent'`, batchID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET state = 'resent', updated_at = ?
			WHERE batch_id = ? AND state = 'not_sent'`, ms(now), batchID); err != nil {
			return err
		}
		ids = make([]int64, len(msgs))
		if err := insertPending(ctx, tx, owner, now, StateQueued, batchID, agent, transport, msgs, olds, ids); err != nil {
			return err
		}
		return insertRows(ctx, tx, `INSERT INTO status_history(message_id, state, at, source, note)`, "(?, ?, ?, ?, ?)", "", len(olds),
			func(i int, args []any) []any {
				return append(args, olds[i], string(StateResent), ms(now), "resend", resentNote(ids[i], agent))
			})
	})
	if err != nil {
		if errors.Is(err, ErrNoBatch) {
			return nil, nil, ErrNoBatch
		}
		return nil, nil, err
	}
	return ids, msgs, nil
}

// Unfinished is a batch with messages that never left.
type Unfinished struct {
	Batch
	NotSent int // ResumeBatch takes these
	Unknown int // outcome unknown: they may have reached the gateway
}

// UnfinishedBatches lists the batches that have messages not sent,
// newest first: the ones a resume can finish.
func (s *Store) UnfinishedBatches(ctx context.Context) ([]Unfinished, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT b.id, b.name, b.agent, b.transport, b.created_at, b.total, x.not_sent, x.unknown
		FROM (SELECT batch_id,
				count(*) FILTER (WHERE `+bucketSQL+` = 'not_sent') AS not_sent,
				count(*) FILTER (WHERE `+bucketSQL+` = 'unknown') AS unknown
			FROM messages WHERE `+bucketSQL+` IN ('not_sent', 'unknown') AND batch_id IS NOT NULL
			GROUP BY batch_id) x
		JOIN batches b ON b.id = x.batch_id
		WHERE x.not_sent > 0
		ORDER BY b.id DESC`)
	if err != nil {
		return nil, wrap("unfinished batches", err)
	}
	defer rows.Close()
	var out []Unfinished
	for rows.Next() {
		var b Unfinished
		var created int64
		if err := rows.Scan(&b.ID, &b.Name, &b.Agent, &b.Transport, &created, &b.Total, &b.NotSent, &b.Unknown); err != nil {
			return nil, wrap("unfinished batches", err)
		}
		b.CreatedAt = time.UnixMilli(created)
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("unfinished batches", err)
	}
	return out, nil
}
