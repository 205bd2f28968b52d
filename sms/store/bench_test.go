package store

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/internal/pgtest"
)

var benchDir string

func TestMain(m *testing.M) {
	code := pgtest.Run(m)
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func BenchmarkAddQueued100k(b *testing.B) {
	const n = 100_000
	m := msgs(n)
	for _, chunk := range []int{n, 500} {
		b.Run("chunk="+itoa(chunk), func(b *testing.B) {
			s := openTest(b)
			b.ResetTimer()
			for range b.N {
				for start := 0; start < n; start += chunk {
					if _, err := addPending(s, ctx, 0, "ann", "json", m[start:min(start+chunk, n)]); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

func BenchmarkApplyStatuses100k(b *testing.B) {
	const n = 100_000
	s := openTest(b)
	ids, err := addPending(s, ctx, 0, "ann", "json", msgs(n))
	if err != nil {
		b.Fatal(err)
	}
	res := make([]sms.Result, n)
	for i := range res {
		res[i] = sms.Result{Outcome: sms.Accepted, ID: int64(i + 1), Parts: 1}
	}
	start := time.Now()
	if err := s.RecordResults(ctx, ids, res); err != nil {
		b.Fatal(err)
	}
	b.Logf("RecordResults of %d accepted: %v", n, time.Since(start))
	reports := [2][]sms.StatusReport{make([]sms.StatusReport, n), make([]sms.StatusReport, n)}
	for i := range n {
		reports[0][i] = sms.StatusReport{ID: int64(i + 1), Status: sms.Queued}
		reports[1][i] = sms.StatusReport{ID: int64(i + 1), Status: sms.Sent}
	}
	b.ResetTimer()
	for i := range b.N {
		ups, err := s.ApplyStatuses(ctx, "http", reports[i%2]) // every report a change
		if err != nil || len(ups) != n {
			b.Fatalf("%d updates, %v", len(ups), err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "reports/s")
}

var (
	millionOnce sync.Once
	millionPath string
	millionErr  error
)

// million builds, once per run, a history of 1,000,000 messages in one
// INSERT … SELECT from a recursive CTE, then counts them as a migration
// does. On PostgreSQL each benchmark builds its own (a test's database
// goes when the test ends), and the server then gathers its statistics,
// as its autovacuum would.
func million(b *testing.B) string {
	if testPG {
		target := newTarget(b)
		if err := buildMillion(b, target); err != nil {
			b.Fatal(err)
		}
		return target
	}
	millionOnce.Do(func() {
		benchDir, millionErr = os.MkdirTemp("", "smsdash-store-bench")
		if millionErr != nil {
			return
		}
		millionPath = filepath.Join(benchDir, "million.db")
		millionErr = buildMillion(b, millionPath)
	})
	if millionErr != nil {
		b.Fatal(millionErr)
	}
	return millionPath
}

// millionOutcomes are the columns gateway_id … status_at of the
// benchmarks' million messages, from n(i): one in 50 refused, the rest
// spread over the statuses; then their counts.
const millionOutcomes = `CASE WHEN i % 50 = 0 THEN NULL ELSE i END, 1,
	CASE WHEN i % 50 = 0 THEN 'refused' ELSE 'accepted' END,
	CASE WHEN i % 50 = 0 THEN -4 ELSE 0 END,
	CASE WHEN i % 50 = 0 THEN '' ELSE
		CASE i % 10 WHEN 0 THEN 'Queued' WHEN 1 THEN 'Sent' WHEN 2 THEN 'Rejected' WHEN 3 THEN 'Expired'
			WHEN 4 THEN 'Unknown' ELSE 'Delivered' END END,
	CASE WHEN i % 50 = 0 OR i % 10 IN (2, 3) OR i % 10 >= 5 THEN 1 ELSE 0 END,
	1767225600000 + i * 1000, 1767225600000 + i * 1000, 1767225600000 + i * 1000
	FROM n;
	INSERT INTO status_counts(status, n) SELECT ` + bucketSQL + `, count(*) FROM messages GROUP BY 1`

func buildMillion(b *testing.B, target string) error {
	s, err := Open(target)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	// The recipient's seven digits: substr of 1xxxxxxx (neither engine's
	// zero-padding works in the other).
	_, err = s.w.Exec(`
			WITH RECURSIVE n(i) AS (SELECT CAST(1 AS bigint) UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
			INSERT INTO messages(id, agent, recipient, text, sender, transport, gateway_id, parts,
				state, code, status, final, created_at, updated_at, status_at)
			SELECT i, 'ann', '37529' || substr(CAST(10000000 + (i * 7919) % 10000000 AS text), 2), 'message number ' || i, 'CMC', 'json',
				` + millionOutcomes)
	if err == nil && testPG {
		_, err = s.w.Exec(`ANALYZE`)
	}
	b.Logf("built a 1,000,000-message history in %v", time.Since(start))
	return err
}

func BenchmarkLatest1000WithCounts(b *testing.B) {
	s, err := Open(million(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct {
		name string
		f    Filter
	}{
		{"all", Filter{Limit: 1000}},
		{"status=Delivered", Filter{Status: "Delivered", Limit: 1000}},
		{"status=refused", Filter{Status: "refused", Limit: 1000}},
		{"recipient=digits", Filter{Recipient: "1234", Limit: 1000}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				rows, err := s.Latest(ctx, c.f)
				if err != nil || len(rows) == 0 {
					b.Fatalf("%d rows, %v", len(rows), err)
				}
				counts, err := s.Counts(ctx)
				if err != nil || counts["Delivered"] == 0 {
					b.Fatalf("%v, %v", counts, err)
				}
			}
		})
	}
	b.Run("CountsFor(status=Sent)", func(b *testing.B) {
		for range b.N {
			if _, err := s.CountsFor(ctx, Filter{Status: "Sent"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// The tracker's real call: one chunk of 1000 reports against a long
// history. "recent": the newest 1000 tracked messages (what the tracker
// asks about: validity is at most 48 h); "spread": 1000 messages spread
// over the whole history, the worst case, every one on its own pages.
func BenchmarkApplyStatuses1kOn1M(b *testing.B) {
	s, err := Open(million(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	// In the built history, gateway id i is Queued when i%10 == 0 and
	// i%50 != 0.
	var recent, spread []int64
	for i := int64(1_000_000); len(recent) < 1000; i -= 10 {
		if i%50 != 0 {
			recent = append(recent, i)
		}
	}
	for k := range int64(1000) {
		spread = append(spread, 1000*k+10)
	}
	for _, c := range []struct {
		name string
		ids  []int64
	}{{"recent", recent}, {"spread", spread}} {
		b.Run(c.name, func(b *testing.B) {
			reports := [2][]sms.StatusReport{make([]sms.StatusReport, 1000), make([]sms.StatusReport, 1000)}
			for k, id := range c.ids {
				reports[0][k] = sms.StatusReport{ID: id, Status: sms.Sent}
				reports[1][k] = sms.StatusReport{ID: id, Status: sms.Queued}
			}
			if _, err := s.ApplyStatuses(ctx, "http", reports[1]); err != nil { // back to Queued after an earlier run
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				ups, err := s.ApplyStatuses(ctx, "http", reports[i%2])
				if err != nil || len(ups) != 1000 {
					b.Fatalf("%d updates, %v", len(ups), err)
				}
			}
		})
	}
}

// BenchmarkRecoverBesideLive100k is a start (RecoverPending) while
// another process has a batch of 100,000 queued, a package in flight: it
// holds the write lock the sender waits for, so it must look at none of
// the live rows.
func BenchmarkRecoverBesideLive100k(b *testing.B) {
	path := newTarget(b)
	sender, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer sender.Close()
	ids, err := sender.AddQueued(ctx, 0, "ann", "json", msgs(100_000))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sender.MarkPending(ctx, ids[:1000]); err != nil {
		b.Fatal(err)
	}
	start, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer start.Close()
	b.ResetTimer()
	for range b.N {
		if unknown, notSent, err := start.RecoverPending(ctx); err != nil || unknown+notSent != 0 {
			b.Fatalf("recovered %d, %d of a live sender: %v", unknown, notSent, err)
		}
	}
}

// Following the change sequence (Changes): a burst of 100,000 status
// changes read in the feed's pages of 10,000, as another process's
// tracker reads what one cycle wrote; and a read when nothing changed,
// what each process pays at every follow tick.
func BenchmarkChanges100k(b *testing.B) {
	const n = 100_000
	s := openTest(b)
	ids, err := addPending(s, ctx, 0, "ann", "json", msgs(n))
	if err != nil {
		b.Fatal(err)
	}
	res := make([]sms.Result, n)
	reports := make([]sms.StatusReport, n)
	for i := range res {
		res[i] = sms.Result{Outcome: sms.Accepted, ID: int64(i + 1), Parts: 1}
		reports[i] = sms.StatusReport{ID: int64(i + 1), Status: sms.Queued}
	}
	if err := s.RecordResults(ctx, ids, res); err != nil {
		b.Fatal(err)
	}
	before, _ := s.LastChange(ctx)
	if _, err := s.ApplyStatuses(ctx, "http", reports); err != nil {
		b.Fatal(err)
	}
	last, err := s.LastChange(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("burst", func(b *testing.B) {
		for b.Loop() {
			got := 0
			for at := before; at < last; at += 10000 {
				ups, _, err := s.Changes(ctx, at, min(at+10000, last))
				if err != nil {
					b.Fatal(err)
				}
				got += len(ups)
			}
			if got != n {
				b.Fatalf("%d changes, want %d", got, n)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "changes/s")
	})
	b.Run("idle", func(b *testing.B) {
		for b.Loop() {
			end, err := s.LastChange(ctx)
			if err != nil || end != last {
				b.Fatalf("LastChange = %d, %v", end, err)
			}
			if ups, _, err := s.Changes(ctx, end, end); err != nil || len(ups) != 0 {
				b.Fatalf("%d changes, %v", len(ups), err)
			}
		}
	})
}
