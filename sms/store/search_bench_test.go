package store

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// searchMillion is a history of 1,000,000 messages for BenchmarkSearch1M,
// built at the first run and kept in the temporary directory, keyed by
// the schema version (a new schema builds a new one; on PostgreSQL each
// run builds one in its database): recipients spread
// over the four mobile codes, four kinds of Russian text, every tenth
// message in one of 100 batches, the statuses of million. The text index
// is filled as the first search of a real history fills it; the time it
// took is logged.
func searchMillion(b *testing.B) string {
	b.Helper()
	if testPG {
		target := newTarget(b)
		s, err := Open(target)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		buildSearchMillion(b, s)
		if _, err := s.w.Exec(`ANALYZE`); err != nil {
			b.Fatal(err)
		}
		return target
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("smsdash-search-1m-v%d.db", len(migrations)))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".building"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	os.RemoveAll(tmp + ".owners")
	s, err := Open(tmp)
	if err != nil {
		b.Fatal(err)
	}
	buildSearchMillion(b, s)
	if _, err := s.w.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// buildSearchMillion writes searchMillion's messages, in SQL both engines
// take: zero-padding is the tail of a number with a 1 in front (neither
// printf nor to_char is the other's).
func buildSearchMillion(b *testing.B, s *Store) {
	b.Helper()
	pad := func(expr string, width int) string {
		return fmt.Sprintf("substr(CAST(1%0*d + %s AS text), 2)", width, 0, expr)
	}
	start := time.Now()
	_, err := s.w.Exec(`
		WITH RECURSIVE n(i) AS (SELECT CAST(1 AS bigint) UNION ALL SELECT i + 1 FROM n WHERE i < 100)
		INSERT INTO batches(id, name, agent, created_at, total, transport) SELECT i, 'batch ' || i, 'ann', 0, 1000, 'json' FROM n;
		WITH RECURSIVE n(i) AS (SELECT CAST(1 AS bigint) UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
		INSERT INTO messages(id, batch_id, agent, recipient, text, sender, transport, gateway_id, parts,
			state, code, status, final, created_at, updated_at, status_at)
		SELECT i, CASE WHEN i % 10 = 0 THEN 1 + (i / 10) % 100 END, 'ann',
			'375' || (CASE i % 4 WHEN 0 THEN '25' WHEN 1 THEN '29' WHEN 2 THEN '33' ELSE '44' END) || ` + pad(`(i * 7919) % 10000000`, 7) + `,
			CASE i % 4
				WHEN 0 THEN 'Здравствуйте, ' || (CASE i % 3 WHEN 0 THEN 'Анна' WHEN 1 THEN 'Иван' ELSE 'Ольга' END)
					|| '! К оплате ' || (i % 500) || '.' || ` + pad(`i % 100`, 2) + ` || ' руб.'
				WHEN 1 THEN 'Ваш код подтверждения: ' || ` + pad(`i % 10000`, 4) + ` || '. Никому его не сообщайте.'
				WHEN 2 THEN 'Заказ №' || i || ' готов к выдаче по адресу ул. Ленина, ' || (i % 90)
				ELSE 'Напоминаем о записи на ' || ` + pad(`i % 28 + 1`, 2) + ` || '.12 в ' || ` + pad(`i % 12 + 8`, 2) + `
					|| ':00. Отмена: +375291234567' END,
			'CMC', 'json',
			` + millionOutcomes)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("built 1,000,000 messages in %v", time.Since(start))
	start = time.Now()
	if err := s.indexText(ctx, "first"); err != nil {
		b.Fatal(err)
	}
	b.Logf("indexed their texts (the first search) in %v", time.Since(start))
}

// BenchmarkSearch1M: the Status tab's queries on a history of 1,000,000
// messages: a page of 100 (what the tab reads) and the counts by bucket
// of the same filter (its counts line).
func BenchmarkSearch1M(b *testing.B) {
	path := searchMillion(b)
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(path + suffix); err == nil {
			b.Logf("%s: %.1f MB", filepath.Base(path+suffix), float64(fi.Size())/1e6)
		}
	}
	s, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var rowid int64
	if err := s.r.QueryRow(`SELECT max(id) FROM messages`).Scan(&rowid); err != nil || rowid != 1_000_000 {
		b.Fatalf("the history has %d messages, %v", rowid, err)
	}
	for _, c := range []struct {
		name string
		f    Filter
	}{
		{"number=whole", Filter{Recipient: "8 029 " + fmt.Sprintf("%07d", (999_997*7919)%10_000_000)}},
		{"number=8029 67", Filter{Recipient: "8029 67"}},    // a tenth of a code's numbers
		{"number=8029", Filter{Recipient: "8029"}},          // a quarter of the history
		{"number=digits 12345", Filter{Recipient: "12345"}}, // anywhere in the number
		{"text=common", Filter{Search: "код подтверждения"}},
		{"text=rare", Filter{Search: "№123458 "}},
		{"batch+status", Filter{BatchID: 7, Status: "Queued"}},
		{"batch+text+number", Filter{BatchID: 8, Search: "Ленина", Recipient: "+375 33"}},
	} {
		b.Run("page/"+c.name, func(b *testing.B) {
			f := c.f
			f.Limit = 100
			for b.Loop() {
				if rows, err := s.Latest(ctx, f); err != nil || len(rows) == 0 {
					b.Fatalf("%d rows, %v", len(rows), err)
				}
			}
		})
		b.Run("counts/"+c.name, func(b *testing.B) {
			for b.Loop() {
				if counts, err := s.CountsFor(ctx, c.f); err != nil || len(counts) == 0 {
					b.Fatalf("%v, %v", counts, err)
				}
			}
		})
	}
}
