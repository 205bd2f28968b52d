package outbox

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/health"
	"github.com/smsdash/smsdash/sms/secret"
	"github.com/smsdash/smsdash/sms/store"
)

// gateway answers each Send with outcome(call) for every message.
type gateway struct {
	calls   int
	sent    int
	outcome func(call int) sms.Outcome
	code    sms.Code // of a Refused outcome
	cancel  func()   // called during the given call, if set
	at      int
	cut     int // calls whose context was cancelled by the time they answered
}

func (g *gateway) Send(ctx context.Context, msgs []sms.Message) []sms.Result {
	g.calls++
	g.sent += len(msgs)
	if g.cancel != nil && g.calls == g.at {
		g.cancel()
	}
	if ctx.Err() != nil {
		g.cut++
	}
	res := make([]sms.Result, len(msgs))
	for i := range res {
		switch o := g.outcome(g.calls); o {
		case sms.Accepted:
			res[i] = sms.Result{Outcome: o, ID: int64(g.calls*1000 + i), Parts: 1}
		case sms.Refused:
			res[i] = sms.Result{Outcome: o, Code: g.code, Err: g.code}
		default:
			res[i] = sms.Result{Outcome: o, Err: errors.New("boom")}
		}
	}
	return res
}

func (g *gateway) Statuses(context.Context, []int64) ([]sms.StatusReport, error) { return nil, nil }
func (g *gateway) Balance(context.Context) (float64, error)                      { return 0, nil }

func messages(n int) []sms.Message {
	msgs := make([]sms.Message, n)
	for i := range msgs {
		msgs[i] = sms.Message{To: fmt.Sprintf("3752912%05d", i), Text: "x", Sender: "CMC"}
	}
	return msgs
}

func setup(t *testing.T, g *gateway) (*Outbox, *store.Store) {
	st, err := store.Open(filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &Outbox{Store: st, Gateway: g, Transport: "json", Agent: "t", Chunk: 3}, st
}

func counts(t *testing.T, st *store.Store) map[string]int {
	c, err := st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c {
		if v == 0 {
			delete(c, k)
		}
	}
	return c
}

func TestSendAllAccepted(t *testing.T) {
	g := &gateway{outcome: func(int) sms.Outcome { return sms.Accepted }}
	ob, st := setup(t, g)
	var progress []int
	ob.Sent = func(done, accepted, total int) { progress = append(progress, done) }
	ids, res, err := ob.Send(context.Background(), 0, messages(7))
	if err != nil || len(ids) != 7 || len(res) != 7 || g.calls != 3 {
		t.Fatalf("%d ids, %d results, %d calls, %v", len(ids), len(res), g.calls, err)
	}
	if fmt.Sprint(progress) != "[3 6 7]" {
		t.Errorf("progress %v", progress)
	}
	if c := counts(t, st); c["accepted"] != 7 || len(c) != 1 {
		t.Errorf("counts %v", c)
	}
}

// After a chunk with an unknown outcome nothing more is sent; the rest is
// recorded as not sent.
func TestStopsAfterUnknown(t *testing.T) {
	g := &gateway{outcome: func(call int) sms.Outcome {
		if call == 2 {
			return sms.OutcomeUnknown
		}
		return sms.Accepted
	}}
	ob, st := setup(t, g)
	_, res, err := ob.Send(context.Background(), 0, messages(10))
	if err != nil || g.calls != 2 || g.sent != 6 {
		t.Fatalf("%d calls, %d sent, %v", g.calls, g.sent, err)
	}
	if res[9].Outcome != sms.NotSent || !errors.Is(res[9].Err, ErrStopped) {
		t.Errorf("last result %+v", res[9])
	}
	if c := counts(t, st); c["accepted"] != 3 || c["unknown"] != 3 || c["not_sent"] != 4 {
		t.Errorf("counts %v", c)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	g := &gateway{outcome: func(int) sms.Outcome { return sms.Accepted }, cancel: cancel, at: 1}
	ob, st := setup(t, g)
	_, _, err := ob.Send(ctx, 0, messages(9))
	if err != nil || g.calls != 1 {
		t.Fatalf("%d calls after a cancel, %v", g.calls, err)
	}
	if c := counts(t, st); c["accepted"] != 3 || c["not_sent"] != 6 {
		t.Errorf("counts %v", c)
	}
}

// Rows another smsdash recovered are not sent by this one.
func TestTaken(t *testing.T) {
	g := &gateway{outcome: func(int) sms.Outcome { return sms.Accepted }}
	ob, st := setup(t, g)
	ob.Store = &recoverFirst{st}
	_, res, err := ob.Send(context.Background(), 0, messages(2))
	if err != nil || g.sent != 0 || !errors.Is(res[0].Err, ErrTaken) {
		t.Fatalf("sent %d, %+v, %v", g.sent, res, err)
	}
	if c := counts(t, st); c["not_sent"] != 2 {
		t.Errorf("counts %v", c)
	}
}

// recoverFirst plays another process recovering the rows just queued.
type recoverFirst struct{ *store.Store }

func (r *recoverFirst) MarkPending(ctx context.Context, ids []int64) ([]bool, error) {
	if _, _, err := r.Store.RecoverPending(ctx); err != nil {
		return nil, err
	}
	return r.Store.MarkPending(ctx, ids)
}

// A store that fails to record stops the send: nothing more leaves, the
// error says what happened, and nothing hangs.
func TestRecordFailureStops(t *testing.T) {
	g := &gateway{outcome: func(int) sms.Outcome { return sms.Accepted }}
	ob, st := setup(t, g)
	ob.Store = &failSecondRecord{Store: st}
	_, _, err := ob.Send(context.Background(), 0, messages(12))
	if err == nil || !strings.Contains(err.Error(), "recording the gateway's reply") {
		t.Fatalf("error %v", err)
	}
	if g.calls > 3 {
		t.Errorf("%d packages sent after the store failed", g.calls)
	}
	// What was on its way when the store failed is in flight: unknown at
	// the next start, never lost, never sent again by itself.
	unknown, notSent, err := st.RecoverPending(context.Background())
	if err != nil || unknown == 0 || unknown+notSent+3 != 12 {
		t.Errorf("after recovery: %d unknown, %d not sent, %v", unknown, notSent, err)
	}
}

type failSecondRecord struct {
	*store.Store
	n int
}

func (f *failSecondRecord) RecordResults(ctx context.Context, ids []int64, res []sms.Result) error {
	f.n++
	if f.n == 2 {
		return errors.New("disk full")
	}
	return f.Store.RecordResults(ctx, ids, res)
}

// echoing answers with an error that repeats the password in the forms a
// broken server would use.
type echoing struct{ gateway }

func (g *echoing) Send(_ context.Context, msgs []sms.Message) []sms.Result {
	res := make([]sms.Result, len(msgs))
	for i := range res {
		res[i] = sms.Result{Outcome: sms.OutcomeUnknown,
			Err: errors.New(`HTTP 500; body: "password=p%26ss+w0rd {\"password\":\"p\u0026ss w0rd\"} <p>p&amp;ss w0rd</p>"`)}
	}
	return res
}

// No secret reaches the history's notes nor the errors returned, in any
// encoding the transport let through.
func TestSecretsMaskedInNotes(t *testing.T) {
	ob, st := setup(t, nil)
	ob.Gateway, ob.Mask = &echoing{}, secret.New("p&ss w0rd")
	ids, res, err := ob.Send(context.Background(), 0, messages(2))
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		row, err := st.Message(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		changes, err := st.History(context.Background(), id)
		if err != nil || len(changes) == 0 {
			t.Fatalf("history of %d: %v %v", id, changes, err)
		}
		for _, text := range []string{row.Error, changes[len(changes)-1].Note, res[i].Err.Error()} {
			if !strings.Contains(text, secret.Hidden) || strings.Contains(text, "ss w0rd") || strings.Contains(text, "ss+w0rd") {
				t.Errorf("message %d: %q", id, text)
			}
		}
	}
}

// A stop lets the package in flight get its reply and sends no other:
// nothing is left "outcome unknown".
func TestGracefulStop(t *testing.T) {
	stop := make(chan struct{})
	g := &gateway{outcome: func(int) sms.Outcome { return sms.Accepted }, cancel: func() { close(stop) }, at: 2}
	ob, st := setup(t, g)
	ob.Stop = stop
	_, res, err := ob.Send(context.Background(), 0, messages(12))
	if err != nil || g.calls != 2 || g.cut != 0 {
		t.Fatalf("%d calls, %d cut, %v", g.calls, g.cut, err)
	}
	if c := counts(t, st); c["accepted"] != 6 || c["not_sent"] != 6 || c["unknown"] != 0 {
		t.Errorf("counts %v", c)
	}
	if !errors.Is(res[11].Err, ErrStopped) {
		t.Errorf("last result %+v", res[11])
	}
	// Stopped before it starts, nothing leaves.
	g2 := &gateway{outcome: func(int) sms.Outcome { return sms.Accepted }}
	ob2, _ := setup(t, g2)
	ob2.Stop = stop
	if _, res, _ := ob2.Send(context.Background(), 0, messages(2)); g2.calls != 0 || res[0].Outcome != sms.NotSent {
		t.Errorf("after a stop: %d calls, %+v", g2.calls, res[0])
	}
}

// A refusal of the whole account stops the send, and its messages are not
// sent (resumable), where a refusal of a message stays final and the send
// goes on; the progress counts only what was accepted.
func TestAccountWideRefusal(t *testing.T) {
	for _, c := range []struct {
		code                    sms.Code
		calls, notSent, refused int
	}{
		{sms.CodeNoFunds, 2, 7, 0},
		{sms.CodeAuth, 2, 7, 0},
		{sms.CodeBlocked, 2, 7, 0},
		{sms.CodeBadRecipient, 4, 0, 3},
	} {
		g := &gateway{outcome: func(call int) sms.Outcome {
			if call == 2 {
				return sms.Refused
			}
			return sms.Accepted
		}, code: c.code}
		ob, st := setup(t, g)
		var accepted []int
		ob.Sent = func(_, a, _ int) { accepted = append(accepted, a) }
		_, res, err := ob.Send(context.Background(), 0, messages(10))
		if err != nil || g.calls != c.calls {
			t.Fatalf("%d: %d calls, %v", c.code, g.calls, err)
		}
		if n := counts(t, st); n["not_sent"] != c.notSent || n["refused"] != c.refused {
			t.Errorf("%d: counts %v", c.code, n)
		}
		if c.notSent > 0 && (res[3].Outcome != sms.NotSent || !errors.Is(res[3].Err, c.code)) {
			t.Errorf("%d: the refused package's result %+v", c.code, res[3])
		}
		if accepted[1] != 3 {
			t.Errorf("%d: progress counts %v accepted", c.code, accepted)
		}
	}
}

// Only sends the first messages and leaves the rest to resume.
func TestOnly(t *testing.T) {
	g := &gateway{outcome: func(int) sms.Outcome { return sms.Accepted }}
	ob, st := setup(t, g)
	ob.Only = 4
	_, res, err := ob.Send(context.Background(), 0, messages(10))
	if err != nil || g.calls != 2 || g.sent != 4 {
		t.Fatalf("%d calls, %d sent, %v", g.calls, g.sent, err)
	}
	if c := counts(t, st); c["accepted"] != 4 || c["not_sent"] != 6 {
		t.Errorf("counts %v", c)
	}
	if !errors.Is(res[4].Err, ErrBeyond) {
		t.Errorf("result past Only: %+v", res[4])
	}
}

// An unknown outcome is settled only by the agent: a resend sends a new
// row in the old one's place, a mark settles it as sent; the history
// keeps who decided.
func TestSettleUnknown(t *testing.T) {
	g := &gateway{outcome: func(call int) sms.Outcome {
		if call == 1 {
			return sms.OutcomeUnknown
		}
		return sms.Accepted
	}}
	ob, st := setup(t, g)
	ids, _, err := ob.Send(context.Background(), 0, messages(2))
	if err != nil {
		t.Fatal(err)
	}
	newIDs, res, err := ob.Resend(context.Background(), ids[:1])
	if err != nil || len(newIDs) != 1 || res[0].Outcome != sms.Accepted || g.sent != 3 {
		t.Fatalf("resend: %v %+v %v, %d sent", newIDs, res, err, g.sent)
	}
	if n, err := st.MarkSent(context.Background(), "olga", ids); err != nil || n != 1 {
		t.Fatalf("mark sent: %d %v", n, err)
	}
	if c := counts(t, st); c["accepted"] != 2 || len(c) != 1 { // counted once: the resent row is a step
		t.Errorf("counts %v", c)
	}
	notes := func(id int64) string {
		h, err := st.History(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, c := range h {
			b.WriteString(c.Source + ":" + c.Note + ";")
		}
		return b.String()
	}
	if h := notes(ids[0]); !strings.Contains(h, fmt.Sprintf("resend:resent as #%d by t", newIDs[0])) {
		t.Errorf("resent row's history: %s", h)
	}
	if h := notes(ids[1]); !strings.Contains(h, "agent:marked sent by olga") {
		t.Errorf("marked row's history: %s", h)
	}
	// Settled rows are left alone the second time.
	if _, res, _ := ob.Resend(context.Background(), ids); len(res) != 0 {
		t.Errorf("a settled row was resent: %+v", res)
	}
}

// TestHealthReports: each request's outcome reaches the connection
// light: a request that did not get through, or an account that cannot
// send, fails it; a refusal of one message does not.
func TestHealthReports(t *testing.T) {
	tests := []struct {
		name    string
		outcome sms.Outcome
		code    sms.Code
		err     error
		fails   bool
	}{
		{"accepted", sms.Accepted, 0, nil, false},
		{"refused for itself", sms.Refused, sms.CodeBadRecipient, nil, false},
		{"refused for the account", sms.Refused, sms.CodeAuth, sms.CodeAuth, true},
		{"outcome unknown", sms.OutcomeUnknown, 0, errors.New("boom"), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := &gateway{outcome: func(int) sms.Outcome { return tc.outcome }, code: tc.code}
			ob, _ := setup(t, g)
			ob.Health = health.New(nil)
			if _, _, err := ob.Send(context.Background(), 0, messages(2)); err != nil {
				t.Fatal(err)
			}
			s := ob.Health.State()
			switch {
			case !tc.fails && s.Level != health.Online:
				t.Errorf("%+v, want online", s)
			case tc.fails && (s.Level != health.Offline || len(s.Failed) != 1 || s.Failed[0].Kind != health.Send || s.Failed[0].Err.Error() != tc.err.Error()):
				t.Errorf("%+v, want offline: send: %v", s, tc.err)
			}
		})
	}
}
