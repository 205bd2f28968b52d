package batch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/store"
)

// report makes a checked report of n distinct numbers.
func report(t testing.TB, n int, at time.Time) *Report {
	t.Helper()
	var b strings.Builder
	b.WriteString("Телефон;Имя\n")
	for i := range n {
		fmt.Fprintf(&b, "+375 29 1%02d-%02d-%02d;Имя %d\n", i/10000, i/100%100, i%100, i)
	}
	tb, err := Parse([]byte(b.String()), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tpl, _ := ParseTemplate("Здравствуйте, {Имя}!", tb.Columns)
	r, err := Check(tb, Plan{PhoneCol: 0, TextCol: -1, Template: tpl, Sender: "CMC", At: at})
	if err != nil || len(r.Messages) != n {
		t.Fatalf("%v: %d messages", err, len(r.Messages))
	}
	return r
}

// receivedOnce checks that the gateway got every message exactly once.
func receivedOnce(t *testing.T, srv *sim.Server, r *Report) {
	t.Helper()
	for _, m := range r.Messages {
		if n := srv.Received(m.To); n != 1 {
			t.Fatalf("%s received %d times", m.To, n)
		}
	}
}

// batchRows counts a batch's rows in the history by state, superseded
// ones too.
func batchRows(t *testing.T, a *app.App, id int64) map[store.State]int {
	t.Helper()
	rows, err := a.Store.Latest(context.Background(), store.Filter{BatchID: id, WithResent: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[store.State]int{}
	for _, r := range rows {
		out[r.State]++
	}
	return out
}

func TestSend(t *testing.T) {
	for _, tr := range []string{"json", "xml"} {
		t.Run(tr, func(t *testing.T) {
			a, run := testApp(t, sim.Options{}, 100)
			r := report(t, 1000, time.Time{})
			var seen []Progress
			sum, err := Send(context.Background(), a, a.Store, r, SendOptions{Name: "list.csv", Agent: "ann", Transport: tr, Progress: func(p Progress) { seen = append(seen, p) }})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Accepted != 1000 || sum.Total != 1000 || sum.Parts != 1000 || sum.Transport != tr || sum.NotSent+sum.Unknown+sum.Refused != 0 || sum.Cancelled {
				t.Fatalf("%+v", sum)
			}
			receivedOnce(t, run.Server(), r)
			if len(seen) != 11 || seen[0].Done != 0 || seen[10].Done != 1000 || seen[10].Rate <= 0 {
				t.Errorf("progress %+v", seen)
			}
			for i := 1; i < len(seen); i++ {
				if seen[i].Done <= seen[i-1].Done || seen[i].Total != 1000 {
					t.Errorf("progress %+v", seen)
				}
			}
			if got := batchRows(t, a, sum.BatchID); got[store.StateAccepted] != 1000 || len(got) != 1 {
				t.Errorf("rows %v", got)
			}
			b, err := a.Store.Batch(context.Background(), sum.BatchID)
			if err != nil || b.Name != "list.csv" || b.Total != 1000 || b.Transport != tr || b.Agent != "ann" {
				t.Errorf("%v %+v", err, b)
			}
			// The tracker follows them: they are tracked.
			tracked, _ := a.Store.Tracked(context.Background(), 0)
			if len(tracked) != 1000 {
				t.Errorf("%d tracked", len(tracked))
			}
		})
	}
}

func TestSendRefusesPlain(t *testing.T) {
	a, _ := testApp(t, sim.Options{}, 100)
	r := report(t, 3, time.Time{})
	if _, err := Send(context.Background(), a, a.Store, r, SendOptions{Transport: "plain"}); !errors.Is(err, app.ErrMassPlain) {
		t.Fatal(err)
	}
	// A config on plain sends batches as JSON.
	reconfigure(t, a, func(c *config.Config) { c.API.Transport = "plain" })
	sum, err := Send(context.Background(), a, a.Store, r, SendOptions{})
	if err != nil || sum.Transport != "json" || sum.Accepted != 3 {
		t.Fatalf("%v %+v", err, sum)
	}
	if _, err := Send(context.Background(), a, a.Store, &Report{}, SendOptions{}); !errors.Is(err, ErrNothing) {
		t.Fatal(err)
	}
}

// A cancel stops before the next package: what was sent is recorded, the
// rest is not sent; Resume then sends the rest, and nothing twice.
func TestCancelAndResume(t *testing.T) {
	a, run := testApp(t, sim.Options{Faults: sim.Faults{Latency: 5 * time.Millisecond}}, 50)
	r := report(t, 2000, time.Time{})
	ctx, cancel := context.WithCancel(context.Background())
	sum, err := Send(ctx, a, a.Store, r, SendOptions{Progress: func(p Progress) {
		if p.Done >= 500 {
			cancel()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Cancelled || sum.Accepted < 500 || sum.NotSent == 0 || sum.Accepted+sum.NotSent != 2000 || sum.Unknown != 0 {
		t.Fatalf("%+v", sum)
	}
	st, err := BatchState(context.Background(), a.Store, sum.BatchID)
	if err != nil || st.NotSent != sum.NotSent || len(st.Unknown) != 0 || st.Counts[string(store.StateNotSent)] != sum.NotSent {
		t.Fatalf("%v %+v", err, st)
	}
	var seen []Progress
	res, err := Resume(context.Background(), a, a.Store, sum.BatchID, ResumeOptions{SendOptions: SendOptions{Progress: func(p Progress) { seen = append(seen, p) }}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accepted != sum.NotSent || res.BatchID != sum.BatchID || res.Total != sum.NotSent || seen[len(seen)-1].Done != sum.NotSent {
		t.Fatalf("%+v", res)
	}
	receivedOnce(t, run.Server(), r)
	got := batchRows(t, a, sum.BatchID)
	if got[store.StateAccepted] != 2000 || got[store.StateResent] != sum.NotSent || len(got) != 2 {
		t.Fatalf("rows %v", got)
	}
	// Counted once: the batch's counts are its 2,000 messages, each at
	// its latest row.
	st, err = BatchState(context.Background(), a.Store, sum.BatchID)
	total := 0
	for _, n := range st.Counts {
		total += n
	}
	if err != nil || total != 2000 || st.Counts[string(store.StateResent)] != 0 {
		t.Fatalf("counts after a resume %v %v", st.Counts, err)
	}
	// Nothing is left: a second resume sends nothing.
	again, err := Resume(context.Background(), a, a.Store, sum.BatchID, ResumeOptions{})
	if err != nil || again.Total != 0 {
		t.Fatalf("%v %+v", err, again)
	}
	receivedOnce(t, run.Server(), r)
}

// Resume never touches a message whose outcome is unknown.
func TestResumeLeavesUnknown(t *testing.T) {
	a, run := testApp(t, sim.Options{}, 10)
	ctx := context.Background()
	r := report(t, 30, time.Time{})
	id, err := a.Store.CreateBatch(ctx, "crashed", "ann", "json", 30)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := a.Store.AddQueued(ctx, id, "ann", "json", r.SMS())
	if err != nil {
		t.Fatal(err)
	}
	// A crash while the first 10 were on their way.
	if _, err := a.Store.MarkPending(ctx, ids[:10]); err != nil {
		t.Fatal(err)
	}
	unknown, notSent, err := a.Store.RecoverPending(ctx)
	if err != nil || unknown != 10 || notSent != 20 {
		t.Fatalf("%v %d %d", err, unknown, notSent)
	}
	st, _ := BatchState(ctx, a.Store, id)
	if st.NotSent != 20 || len(st.Unknown) != 10 {
		t.Fatalf("%+v", st)
	}
	sum, err := Resume(ctx, a, a.Store, id, ResumeOptions{})
	if err != nil || sum.Accepted != 20 || sum.Total != 20 {
		t.Fatalf("%v %+v", err, sum)
	}
	for i, m := range r.Messages {
		want := 1
		if i < 10 {
			want = 0
		}
		if got := run.Server().Received(m.To); got != want {
			t.Fatalf("message %d received %d times", i, got)
		}
	}
	if got := batchRows(t, a, id); got[store.StateUnknown] != 10 || got[store.StateAccepted] != 20 || got[store.StateResent] != 20 {
		t.Fatalf("%v", got)
	}
	if _, err := Resume(ctx, a, a.Store, 999, ResumeOptions{}); err == nil || !strings.Contains(err.Error(), "no batch 999") {
		t.Fatal(err)
	}
	if _, err := BatchState(ctx, a.Store, 999); err == nil {
		t.Fatal("no error")
	}
}

// A scheduled batch whose time has passed is resumed only with a new time.
func TestResumeScheduled(t *testing.T) {
	a, run := testApp(t, sim.Options{}, 10)
	ctx := context.Background()
	r := report(t, 5, time.Time{})
	msgs := r.SMS()
	past := time.Now().Add(-time.Hour).Truncate(time.Minute)
	for i := range msgs {
		msgs[i].At = past
	}
	id, _ := a.Store.CreateBatch(ctx, "scheduled", "ann", "json", 5)
	if _, err := a.Store.AddQueued(ctx, id, "ann", "json", msgs); err != nil {
		t.Fatal(err)
	}
	a.Store.RecoverPending(ctx)
	if _, err := Resume(ctx, a, a.Store, id, ResumeOptions{}); err == nil || !strings.Contains(err.Error(), "scheduled for") {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour).Truncate(time.Minute)
	sum, err := Resume(ctx, a, a.Store, id, ResumeOptions{Reschedule: true, At: later})
	if err != nil || sum.Accepted != 5 {
		t.Fatalf("%v %+v", err, sum)
	}
	rows, _ := a.Store.Latest(ctx, store.Filter{BatchID: id, Status: "accepted"})
	for _, row := range rows {
		if !row.ScheduledAt.Equal(later) {
			t.Fatalf("scheduled %v", row.ScheduledAt)
		}
		if rec, _ := run.Server().Message(row.GatewayID); !rec.Due.Equal(later) {
			t.Fatalf("due %v", rec.Due)
		}
	}
}

// A send the balance does not cover: the gateway's -1 refuses the account,
// not the messages, so they stay not sent, with the reason, and after a
// top-up the resume sends them, each exactly once.
func TestSendOverTheBalance(t *testing.T) {
	a, run := testApp(t, sim.Options{Balance: 3}, 2)
	r := report(t, 8, time.Time{})
	sum, err := Send(context.Background(), a, a.Store, r, SendOptions{})
	if err != nil || sum.Accepted != 3 || sum.Refused != 0 || sum.NotSent != 5 || !errors.Is(sum.Err, sms.CodeNoFunds) {
		t.Fatalf("%v %+v", err, sum)
	}
	if st := run.Server().Stats(); st.SendRequests != 2 {
		t.Errorf("%d packages posted: the send goes on after -1", st.SendRequests)
	}
	run.Server().Charge(-10) // a negative charge tops the balance up
	sum, err = Resume(context.Background(), a, a.Store, sum.BatchID, ResumeOptions{})
	if err != nil || sum.Accepted != 5 || sum.NotSent != 0 {
		t.Fatalf("resume after a top-up: %v %+v", err, sum)
	}
	for _, m := range r.Messages {
		if n := run.Server().Received(m.To); n != 1 {
			t.Errorf("%s received %d times", m.To, n)
		}
	}
}

// 3,000 rows on 100 credits: the first 100 the balance covers go, the
// other 2,900 stay not sent, and after a top-up the resume sends them,
// each message exactly once.
func TestSendCovered(t *testing.T) {
	a, run := testApp(t, sim.Options{Balance: 100}, 500)
	r := report(t, 3000, time.Time{})
	r.Balance, r.BalanceKnown, r.Enough = 100, true, false
	if n := r.Covered(); n != 100 {
		t.Fatalf("Covered %d, want 100", n)
	}
	sum, err := Send(context.Background(), a, a.Store, r, SendOptions{Only: r.Covered()})
	if err != nil || sum.Accepted != 100 || sum.NotSent != 2900 || sum.Refused != 0 || run.Server().Stats().Messages != 100 {
		t.Fatalf("%v %+v", err, sum)
	}
	run.Server().Charge(-2900) // a negative charge tops the balance up
	sum, err = Resume(context.Background(), a, a.Store, sum.BatchID, ResumeOptions{})
	if err != nil || sum.Accepted != 2900 || sum.NotSent != 0 {
		t.Fatalf("resume: %v %+v", err, sum)
	}
	receivedOnce(t, run.Server(), r)
}

// A package whose reply is lost: its messages are unknown, the rest not
// sent; resuming sends only the rest.
func TestSendLostReply(t *testing.T) {
	a, run := testApp(t, sim.Options{Faults: sim.Faults{Drop: 1}}, 10)
	r := report(t, 30, time.Time{})
	sum, err := Send(context.Background(), a, a.Store, r, SendOptions{})
	if err != nil || sum.Unknown != 10 || sum.NotSent != 20 || sum.Err == nil {
		t.Fatalf("%v %+v", err, sum)
	}
	run.Server().SetFaults(sim.Faults{})
	res, err := Resume(context.Background(), a, a.Store, sum.BatchID, ResumeOptions{})
	if err != nil || res.Accepted != 20 {
		t.Fatalf("%v %+v", err, res)
	}
	for _, m := range r.Messages {
		if n := run.Server().Received(m.To); n != 1 {
			t.Fatalf("%s received %d times", m.To, n)
		}
	}
	st, _ := BatchState(context.Background(), a.Store, sum.BatchID)
	if len(st.Unknown) != 10 || st.NotSent != 0 {
		t.Fatalf("%+v", st)
	}
}

// A refusal of the account at the balance read stops a batch before
// anything is recorded or posted.
func TestSendStopsOnAccountRefusal(t *testing.T) {
	a, run := testApp(t, sim.Options{}, 10)
	reconfigure(t, a, func(c *config.Config) { c.Account.Password = "wrong" })
	_, err := Send(context.Background(), a, a.Store, report(t, 5, time.Time{}), SendOptions{})
	if !errors.Is(err, sms.CodeAuth) || run.Server().Stats().SendRequests != 0 {
		t.Fatalf("%v, %d send requests", err, run.Server().Stats().SendRequests)
	}
	if rows, _ := a.Store.Latest(context.Background(), store.Filter{}); len(rows) != 0 {
		t.Errorf("%d rows recorded", len(rows))
	}
}
