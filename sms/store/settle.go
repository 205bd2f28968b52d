package store

import (
	"context"
	"database/sql"
	"fmt"
)

// MarkSent settles messages whose outcome is unknown as sent, on the
// agent's decision (the recipient got it, or the gateway's account shows
// it): each becomes accepted and final (without a gateway id nothing can
// ask about it), and its history says who decided. Rows that are not
// unknown are left alone; it returns how many were settled.
func (s *Store) MarkSent(ctx context.Context, agent string, ids []int64) (int, error) {
	settled := 0
	err := s.write(ctx, "mark sent", func(tx *sql.Tx) error {
		now := ms(s.now())
		for _, id := range ids {
			if err := recount(ctx, tx, `SELECT `+bucketSQL+`, `+stateBucket(StateAccepted)+`
				FROM messages WHERE id = ? AND state = 'unknown'`, id); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `UPDATE messages SET state = 'accepted', final = 1, polled = 0, updated_at = ?
				WHERE id = ? AND state = 'unknown'`, now, id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			settled++
			if _, err := tx.ExecContext(ctx, `INSERT INTO status_history(message_id, state, at, source, note)
				VALUES (?, 'accepted', ?, 'agent', ?)`, id, now, markedNote(agent)); err != nil {
				return err
			}
		}
		return nil
	})
	return settled, err
}

func markedNote(agent string) string {
	if agent == "" {
		return "marked sent by the agent"
	}
	return fmt.Sprintf("marked sent by %s", agent)
}
