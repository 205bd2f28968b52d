package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
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

// ReadNote tells apart the notes of a message's history that the store
// writes with a local id or an agent's name in them, so that a reader can
// show them in its own words: kind "resent" (resentNote: id is the new
// row) or "marked" (markedNote); "" for any other note.
func ReadNote(note string) (kind string, id int64, agent string) {
	if rest, ok := strings.CutPrefix(note, "resent as #"); ok {
		num, by, _ := strings.Cut(rest, " by ")
		if n, err := strconv.ParseInt(num, 10, 64); err == nil {
			return "resent", n, by
		}
	}
	if note == markedNote("") {
		return "marked", 0, ""
	}
	if by, ok := strings.CutPrefix(note, "marked sent by "); ok {
		return "marked", 0, by
	}
	return "", 0, ""
}
