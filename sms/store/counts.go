package store

import (
	"context"
	"database/sql"
)

// The counts by bucket (status_counts) are moved by each statement that
// changes a message's bucket, in its transaction: addCount after
// inserting rows, recount right before an update. A change of bucket
// that skips them makes Counts wrong until the next migration; the
// store's tests check the counts after every test.

// addCount adds n rows to bucket.
func addCount(ctx context.Context, tx *sql.Tx, bucket string, n int) error {
	if n == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO status_counts(status, n) VALUES (?, ?)
		ON CONFLICT(status) DO UPDATE SET n = status_counts.n + excluded.n`, bucket, n)
	return err
}

// recount moves the counts for an update about to run: pairs is a SELECT
// of (old bucket, new bucket), one row for each message the update will
// change, and must select exactly the rows the update's WHERE does.
func recount(ctx context.Context, tx *sql.Tx, pairs string, args ...any) error {
	_, err := tx.ExecContext(ctx, recountSQL(pairs), args...)
	return err
}

// recountSQL is recount's statement.
func recountSQL(pairs string) string {
	return `WITH p(old, new) AS MATERIALIZED (` + pairs + `),
		d(bucket, n) AS (
			SELECT old, -count(*) FROM p WHERE old IS DISTINCT FROM new GROUP BY old
			UNION ALL
			SELECT new, count(*) FROM p WHERE old IS DISTINCT FROM new GROUP BY new)
		INSERT INTO status_counts(status, n) SELECT bucket, sum(n) FROM d GROUP BY bucket
		ON CONFLICT(status) DO UPDATE SET n = status_counts.n + excluded.n`
}

// stateBucket is the bucket a message of the selected row takes when its
// state becomes state and its status stays.
func stateBucket(state State) string {
	return `(CASE WHEN status <> '' THEN status ELSE '` + string(state) + `' END)`
}
