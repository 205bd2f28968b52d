package serve

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/cli"
	"github.com/smsdash/smsdash/sms/sim"
)

// BenchmarkLiveStatus: 10, 25 and 50 sessions on the Status tab while
// 100 messages a second go through a simulator, each followed by its
// first status, as the tracker would record it: two changes on the hub
// per message. Each message's text is a marker; the latency of a frame is
// the time from the message's first publication on the hub (its send
// recorded) to the marker in a session's output, over SSH (p50, p99,
// p99.9 and the worst, in ms, over every session and message). A message
// a session never drew is counted in missed: a screen of a dozen rows
// may jump past a few at this rate.
// go test -run - -bench LiveStatus -benchtime 1x ./ui/serve
func BenchmarkLiveStatus(b *testing.B) {
	for _, n := range []int{10, 25, 50} {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			for b.Loop() {
				liveStatus(b, n, 300, 10*time.Millisecond)
			}
		})
	}
}

func liveStatus(b *testing.B, sessions, messages int, every time.Duration) {
	o := sim.Options{Login: "agent", Password: "pw", Balance: 1e9}
	run, err := sim.Start("127.0.0.1:0", o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { run.Close() })
	f := startOn(b, simConfig(b, run.URL(), o, nil), func(o *cli.ServeOptions) { o.MaxSessions = sessions + 1 }).run(b)
	core := f.s.core
	ob, err := core.Outbox("", "bench")
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	// A history is never empty: the sessions open on a list, as an
	// agent's does (the first message into an empty one reads it whole).
	if _, _, err := ob.Send(ctx, 0, []sms.Message{{To: "375296717259", Text: "seed", Sender: sms.DefaultSender}}); err != nil {
		b.Fatal(err)
	}
	ws := make([]*watcher, sessions)
	for i := range ws {
		ws[i] = &watcher{seen: map[int]time.Time{}}
		_, in := f.shell(b, f.bob, ws[i])
		ws[i].waitFor(b, "2 Batch")
		in.Write([]byte(alt("3")))
		ws[i].waitFor(b, "1 message") // the Status tab's count: the seed
	}
	// When each message first went out on the hub, as the sessions'
	// own subscriptions get it.
	var pubMu sync.Mutex
	pubAt := map[int64]time.Time{}
	sub := core.Hub.Subscribe()
	defer sub.Close()
	subDone := make(chan struct{})
	go func() {
		defer close(subDone)
		for range sub.C() {
			now := time.Now()
			ev, _ := sub.Take()
			pubMu.Lock()
			for _, id := range ev.Written {
				if _, ok := pubAt[id]; !ok {
					pubAt[id] = now
				}
			}
			pubMu.Unlock()
			if len(pubAt) >= messages {
				return
			}
		}
	}()
	ids := make([]int64, messages)
	// Four senders take the ticks, so that one send slowed by the
	// sessions' drawing does not slow the rate: 100 a second is the load.
	ticks := make(chan int)
	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range ticks {
				msg := sms.Message{To: "375296717259", Text: fmt.Sprintf("bench-%06d", i), Sender: sms.DefaultSender}
				local, res, err := ob.Send(ctx, 0, []sms.Message{msg})
				if err == nil && res[0].Outcome != sms.Accepted {
					err = fmt.Errorf("send %d: %+v", i, res)
				}
				if err == nil {
					ids[i] = local[0]
				}
				// Its first status, as the tracker would record it.
				if err == nil {
					_, err = core.Store.ApplyStatuses(ctx, "http", []sms.StatusReport{{ID: res[0].ID, Status: sms.Queued, Parts: 1}})
				}
				if err == nil {
					_, err = core.Feed.CatchUp(ctx)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	tick := time.NewTicker(every)
	began := time.Now()
	for i := range messages {
		<-tick.C
		ticks <- i
	}
	tick.Stop()
	close(ticks)
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	select {
	case <-subDone:
	case <-time.After(10 * time.Second):
		b.Fatal("the hub did not publish every send")
	}
	published := make([]time.Time, messages)
	for i, id := range ids {
		published[i] = pubAt[id]
	}
	rate := float64(messages) / time.Since(began).Seconds()
	// The last markers have a bounded time to show.
	last := fmt.Sprintf("bench-%06d", messages-1)
	for _, w := range ws {
		w.waitFor(b, last)
	}
	var lat []time.Duration
	missed := 0
	for _, w := range ws {
		w.mu.Lock()
		for i, at := range published {
			if seen, ok := w.seen[i]; ok {
				lat = append(lat, max(seen.Sub(at), 0))
			} else {
				missed++
			}
		}
		w.mu.Unlock()
	}
	slices.Sort(lat)
	q := func(p float64) float64 {
		return float64(lat[min(int(p*float64(len(lat))), len(lat)-1)]) / float64(time.Millisecond)
	}
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(q(0.999), "p99.9-ms")
	b.ReportMetric(q(1), "max-ms")
	b.ReportMetric(float64(missed), "missed")
	b.ReportMetric(rate, "msgs/s")
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		b.Logf("%d sessions: load average %s", sessions, strings.Fields(string(load))[0])
	}
}

// watcher reads a session's output as it comes: when each marker
// (bench-NNNNNN) first showed, and whether a text has shown.
type watcher struct {
	mu   sync.Mutex
	tail []byte // the end of the last write: a marker may span two
	seen map[int]time.Time
	text strings.Builder // bounded: only until the Status tab shows
}

const marker = "bench-"

func (w *watcher) Write(p []byte) (int, error) {
	now := time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	buf := append(w.tail, p...)
	for s := string(buf); ; {
		i := strings.Index(s, marker)
		if i < 0 || len(s) < i+len(marker)+6 {
			break
		}
		if n, err := strconv.Atoi(s[i+len(marker) : i+len(marker)+6]); err == nil {
			if _, ok := w.seen[n]; !ok {
				w.seen[n] = now
			}
		}
		s = s[i+len(marker):]
	}
	w.tail = append(w.tail[:0], buf[max(len(buf)-len(marker)-5, 0):]...)
	if w.text.Len() < 1<<20 {
		w.text.Write(p)
	}
	return len(p), nil
}

// waitFor waits until text has shown: a marker, or a text of the first
// frames.
func (w *watcher) waitFor(b *testing.B, text string) {
	b.Helper()
	for deadline := time.Now().Add(wait); ; time.Sleep(5 * time.Millisecond) {
		w.mu.Lock()
		ok := strings.Contains(w.text.String(), text)
		if n, err := strconv.Atoi(strings.TrimPrefix(text, marker)); err == nil && strings.HasPrefix(text, marker) {
			_, ok = w.seen[n]
		}
		w.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			b.Fatalf("no %q in a session's output (%d markers seen):\n%s", text, len(w.seen), w.text.String()[max(0, w.text.Len()-3000):])
		}
	}
}
