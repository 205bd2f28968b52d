package store

import (
	"context"
	"database/sql"
	"time"
)

// The history's change sequence is status_history's id. Every status
// change, by whichever process sharing the history, adds a row there in
// the transaction that makes it; writers take the write lock for the
// whole transaction (BEGIN IMMEDIATE), one at a time, so ids are handed
// out in commit order, and a reader that has seen id n has seen every
// change up to n.
//
// PostgreSQL's identity columns hand out ids as rows are inserted, not as
// they commit: two writers at once could commit n+1 first, and a reader
// in between would never see n. So there too every write transaction
// takes one lock first, pg_advisory_xact_lock(writeLock), which the
// server releases after the commit is visible: the next writer's ids
// follow every id committed before (the sequence caches no ids per
// session, CACHE 1). Writes queue in each Store anyway (one write
// connection); the lock costs a round trip per transaction. Rows are never deleted, so an id is never handed out twice. A
// reader follows every process's changes by asking, now and then, for
// those after the last id it saw (LastChange, Changes): no schema of
// its own, and a read of a few index pages when nothing changed.

// LastChange is the newest position in the change sequence (0 for an
// empty history).
func (s *Store) LastChange(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	if err := s.queryRow(ctx, `SELECT max(id) FROM status_history`).Scan(&n); err != nil {
		return 0, wrap("last change", err)
	}
	return n.Int64, nil
}

// Changes returns the status changes at positions after+1 … upto, in the
// order they were written, as ApplyStatuses returned them to the process
// that wrote them: From is the status before. The history's entries that
// change no status (a send's outcome, a recovery, a settling, ExpireStale
// giving up) are not changes; written lists their messages instead, each
// once, so that a dashboard shows a send the moment it is recorded.
func (s *Store) Changes(ctx context.Context, after, upto int64) (changes []Update, written []int64, err error) {
	rows, err := s.query(ctx, changesSQL, after, upto)
	if err != nil {
		return nil, nil, wrap("changes", err)
	}
	defer rows.Close()
	seen := map[int64]bool{}
	for rows.Next() {
		var u Update
		var to, from string
		var at int64
		if err := rows.Scan(&u.ID, &u.GatewayID, &to, &from, &at); err != nil {
			return nil, nil, wrap("changes", err)
		}
		if to == "" || to == from { // ExpireStale's note keeps the status as it was
			if !seen[u.ID] {
				seen[u.ID] = true
				written = append(written, u.ID)
			}
			continue
		}
		u.From, u.To, u.At = parseStatus(from), parseStatus(to), time.UnixMilli(at)
		changes = append(changes, u)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, wrap("changes", err)
	}
	return changes, written, nil
}

// changesSQL walks status_history by id (CROSS JOIN keeps it outside),
// the entries that change no status (status ”) too. A change's status
// before is written with it (prev); for an entry
// older than schemaV6 it is found among the message's earlier entries,
// by the status_history_message index (coalesce evaluates that only
// when prev is NULL).
const changesSQL = `SELECT h.message_id, coalesce(m.gateway_id, 0), h.status,
	CASE WHEN h.status = '' THEN '' ELSE coalesce(h.prev, (SELECT p.status FROM status_history p
		WHERE p.message_id = h.message_id AND p.id < h.id AND p.status <> ''
		ORDER BY p.id DESC LIMIT 1), '') END, h.at
	FROM status_history h CROSS JOIN messages m
	WHERE m.id = h.message_id AND h.id > ? AND h.id <= ?
	ORDER BY h.id`
