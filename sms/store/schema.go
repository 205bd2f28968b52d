package store

import (
	"context"
	"fmt"
)

// migrations are the schema's versions in order: migrations[i] takes a
// file from PRAGMA user_version i to i+1. A step that has been released
// must never change (files in the field were made by it); change the
// schema by appending a step.
var migrations = []string{schemaV1, schemaV2, schemaV3, schemaV4, schemaV5, schemaV6, schemaV7, schemaV8, schemaV9}

// schemaV1 is the first schema. Times are unix milliseconds except
// scheduled_at (unix seconds); validity_s is in seconds, 0 meaning the
// gateway's default.
const schemaV1 = `
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

// schemaV2 adds:
//   - status_counts, kept by triggers (by the store's statements since
//     schemaV4), so that the dashboard's counts over
//     a long history cost nothing. It is keyed by the display bucket: the
//     status word when there is one ("Delivered", capitalised as the API
//     writes it), else the local state ("pending", lower case). bucketSQL
//     is the same rule, and the index messages_bucket serves filters by it.
//   - polled: 0 once ExpireStale gave up asking about a message whose
//     validity has passed. Its status stays what it was (an Unknown stays
//     visible as Unknown); it is only no longer asked about.
const schemaV2 = `
CREATE TABLE status_counts (
	status TEXT PRIMARY KEY,
	n      INTEGER NOT NULL
);
INSERT INTO status_counts(status, n)
	SELECT (CASE WHEN status <> '' THEN status ELSE state END), count(*) FROM messages GROUP BY 1;

CREATE TRIGGER messages_count_insert AFTER INSERT ON messages BEGIN
	INSERT INTO status_counts(status, n)
		VALUES ((CASE WHEN NEW.status <> '' THEN NEW.status ELSE NEW.state END), 1)
		ON CONFLICT(status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER messages_count_update AFTER UPDATE OF state, status ON messages
WHEN (CASE WHEN OLD.status <> '' THEN OLD.status ELSE OLD.state END)
  IS NOT (CASE WHEN NEW.status <> '' THEN NEW.status ELSE NEW.state END)
BEGIN
	UPDATE status_counts SET n = n - 1
		WHERE status = (CASE WHEN OLD.status <> '' THEN OLD.status ELSE OLD.state END);
	INSERT INTO status_counts(status, n)
		VALUES ((CASE WHEN NEW.status <> '' THEN NEW.status ELSE NEW.state END), 1)
		ON CONFLICT(status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER messages_count_delete AFTER DELETE ON messages BEGIN
	UPDATE status_counts SET n = n - 1
		WHERE status = (CASE WHEN OLD.status <> '' THEN OLD.status ELSE OLD.state END);
END;

DROP INDEX messages_status;
CREATE INDEX messages_bucket ON messages((CASE WHEN status <> '' THEN status ELSE state END));

ALTER TABLE messages ADD COLUMN polled INTEGER NOT NULL DEFAULT 1;
DROP INDEX messages_tracking;
CREATE INDEX messages_tracked ON messages(id) WHERE state = 'accepted' AND final = 0 AND polled = 1;
`

// schemaV3 adds inflight: the id ranges of packages whose request may be
// on its way. Marking a package costs one row instead of a state change
// for each of its messages; at the next start the queued rows inside a
// range are "outcome unknown", the others "not sent" (RecoverPending).
const schemaV3 = `
CREATE TABLE inflight (
	lo INTEGER NOT NULL,
	hi INTEGER NOT NULL
);
`

// schemaV4 drops the counting triggers: a trigger runs once per row, and
// in a batch of 100,000 they cost a fifth of the store's time. The
// statements that change a bucket now move the counts themselves, set-wise,
// in the same transaction (counts.go). The counts are rebuilt here, which
// also mends any drift a hand edit of the file caused.
const schemaV4 = `
DROP TRIGGER messages_count_insert;
DROP TRIGGER messages_count_update;
DROP TRIGGER messages_count_delete;
DELETE FROM status_counts;
INSERT INTO status_counts(status, n)
	SELECT (CASE WHEN status <> '' THEN status ELSE state END), count(*) FROM messages GROUP BY 1;
`

// schemaV5 adds claims: which smsdash (owner token) recorded each id
// range of queued or pending rows, one row per insert. RecoverPending
// leaves the rows of owners still running alone (owner.go).
const schemaV5 = `
CREATE TABLE claims (
	owner TEXT    NOT NULL,
	lo    INTEGER NOT NULL,
	hi    INTEGER NOT NULL
);
`

// schemaV6 adds status_history.prev: the status a change started from,
// written with it, so that following the changes (Changes) reads it
// instead of looking among the message's earlier entries. Rows written
// before have none (NULL) and are looked up.
const schemaV6 = `
ALTER TABLE status_history ADD COLUMN prev TEXT;
`

// schemaV7 adds batches.owner: the owner token (owner.go) of the smsdash
// that recorded the batch (empty before). A batch is recorded before its
// messages, in a transaction of its own; one left without messages (its
// smsdash stopped in between) goes at the next start, unless its owner
// still runs (RecoverPending).
const schemaV7 = `
ALTER TABLE batches ADD COLUMN owner TEXT NOT NULL DEFAULT '';
`

// schemaV8 adds messages_text, the index of the message texts that a
// search of the whole history reads (search.go), and text_indexed, the
// local id up to which it is filled. It starts empty: the first search
// fills it, a step at a time, so that this step is instant on a long
// history.
const schemaV8 = `
CREATE VIRTUAL TABLE messages_text USING fts5(text, content='messages', content_rowid='id', tokenize='trigram');
CREATE TABLE text_indexed (upto INTEGER NOT NULL);
INSERT INTO text_indexed VALUES (0);
`

// schemaV9 adds messages_agent: the filter by agent (Filter.Agent) and
// the agents a history holds (Agents) read it instead of the table.
const schemaV9 = `
CREATE INDEX messages_agent ON messages(agent);
`

// bucketSQL is a message's display bucket (see schemaV2). It must stay
// the very text of the messages_bucket index for SQLite to use the index.
const bucketSQL = `(CASE WHEN status <> '' THEN status ELSE state END)`

// trackedSQL selects the messages the tracker asks about; it matches the
// messages_tracked partial index.
const trackedSQL = `state = 'accepted' AND final = 0 AND polled = 1`

// migrate brings the history to the latest version, one step per
// transaction. Several processes (on PostgreSQL, several hosts) may start
// at once: each step takes the write lock (BEGIN IMMEDIATE, or the
// advisory write lock) and re-reads the version inside its transaction,
// so a step is applied once and the others wait for it.
func (s *Store) migrate(ctx context.Context) error {
	steps, what := migrations, "file"
	if s.d.pg {
		steps, what = pgMigrations, "database"
	}
	for i, step := range steps {
		v, err := s.migrateStep(ctx, i+1, step)
		if err != nil {
			return fmt.Errorf("store: migrate to schema version %d: %w", i+1, err)
		}
		if v > len(steps) {
			return fmt.Errorf("store: the history %s is schema version %d, newer than this program knows (%d): update smsdash", what, v, len(steps))
		}
	}
	return nil
}

// migrateStep applies step if the history is at version-1 and returns
// the version it found.
func (s *Store) migrateStep(ctx context.Context, version int, step string) (int, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if err := s.begin(ctx, tx, ""); err != nil {
		return 0, err
	}
	read, write := `PRAGMA user_version`, fmt.Sprintf(`PRAGMA user_version = %d`, version)
	if s.d.pg {
		// Made under the lock: two CREATE TABLE IF NOT EXISTS at once
		// can both try to create it.
		if _, err := tx.ExecContext(ctx, pgVersionTableSQL); err != nil {
			return 0, err
		}
		read = `SELECT coalesce(max(version), 0) FROM schema_version`
		write = fmt.Sprintf(`INSERT INTO schema_version(version, applied_at) VALUES (%d, %d)`, version, ms(s.now()))
	}
	var v int
	if err := tx.QueryRowContext(ctx, read).Scan(&v); err != nil {
		return 0, err
	}
	if v >= version {
		return v, nil
	}
	if v != version-1 {
		return v, fmt.Errorf("history is at version %d", v)
	}
	if _, err := tx.ExecContext(ctx, step); err != nil {
		return v, err
	}
	if _, err := tx.ExecContext(ctx, write); err != nil {
		return v, err
	}
	return version, tx.Commit()
}
