package store

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
)

func TestBatch(t *testing.T) {
	s := openTest(t)
	id, err := s.CreateBatch(ctx, "list.csv", "ann", "json", 12)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Batch(ctx, id)
	if err != nil || b != (Batch{ID: id, Name: "list.csv", Agent: "ann", Transport: "json", CreatedAt: time.UnixMilli(t0.UnixMilli()), Total: 12}) {
		t.Fatalf("%v %+v", err, b)
	}
	if _, err := s.Batch(ctx, id+1); !errors.Is(err, ErrNoBatch) {
		t.Fatal(err)
	}
}

func TestResumeBatch(t *testing.T) {
	s := openTest(t)
	batch, _ := s.CreateBatch(ctx, "list", "ann", "json", 6)
	m := msgs(6)
	m[2].At, m[2].Validity = t0.Add(time.Hour).Truncate(time.Second), 2*time.Hour
	ids, err := s.AddQueued(ctx, batch, "ann", "json", m)
	if err != nil {
		t.Fatal(err)
	}
	// 0 accepted, 1 refused, 2-3 not sent, 4 pending at a crash, 5 queued at a crash
	s.MarkPending(ctx, ids[:2])
	s.RecordResults(ctx, ids[:4], []sms.Result{
		{Outcome: sms.Accepted, ID: 77, Parts: 1}, {Outcome: sms.Refused, Code: sms.CodeBadRecipient},
		{Outcome: sms.NotSent, Err: errors.New("stopped")}, {Outcome: sms.NotSent, Err: errors.New("stopped")},
	})
	s.MarkPending(ctx, ids[4:5])
	if u, n, err := s.RecoverPending(ctx); err != nil || u != 1 || n != 1 {
		t.Fatalf("%v %d %d", err, u, n)
	}
	other, _ := s.CreateBatch(ctx, "other", "ann", "json", 1)
	otherIDs, _ := s.AddQueued(ctx, other, "ann", "json", msgs(1))
	s.RecordResults(ctx, otherIDs, []sms.Result{{Outcome: sms.NotSent}})

	newIDs, got, err := s.ResumeBatch(ctx, batch, "bob", "xml", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []sms.Message{m[2], m[3], m[5]}
	if len(newIDs) != 3 || newIDs[1] != newIDs[0]+1 || newIDs[2] != newIDs[0]+2 || len(got) != 3 {
		t.Fatalf("ids %v messages %+v", newIDs, got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.To != w.To || g.Text != w.Text || g.Sender != w.Sender || g.Validity != w.Validity || !g.At.Equal(w.At) {
			t.Errorf("message %d: %+v, want %+v", i, g, w)
		}
	}
	for i, old := range []int64{ids[2], ids[3], ids[5]} {
		o, _ := s.Message(ctx, old)
		n, _ := s.Message(ctx, newIDs[i])
		if o.State != StateResent || n.State != StateQueued || n.ResendOf != old || n.BatchID != batch || n.Agent != "bob" || n.Transport != "xml" {
			t.Errorf("old %+v new %+v", o, n)
		}
		h, _ := s.History(ctx, old)
		if last := h[len(h)-1]; last.State != StateResent || last.Source != "resend" || last.Note != "resent as #"+itoa(int(newIDs[i]))+" by bob" {
			t.Errorf("history %+v", h)
		}
	}
	for _, id := range []int64{ids[0], ids[1], ids[4], otherIDs[0]} {
		if r, _ := s.Message(ctx, id); r.State == StateResent {
			t.Errorf("message %d taken: %+v", id, r)
		}
	}
	// Nothing left; and a crash now leaves the new rows queued: not sent at
	// the next start, to be resumed again.
	if ids, _, err := s.ResumeBatch(ctx, batch, "bob", "xml", nil); err != nil || len(ids) != 0 {
		t.Fatalf("%v %v", err, ids)
	}
	if _, n, _ := s.RecoverPending(ctx); n != 3 {
		t.Fatalf("recovered %d", n)
	}
	at := time.Time{}
	again, got, err := s.ResumeBatch(ctx, batch, "bob", "xml", &at)
	if err != nil || len(again) != 3 || !got[0].At.IsZero() {
		t.Fatalf("%v %v %+v", err, again, got)
	}
	if r, _ := s.Message(ctx, again[0]); r.ResendOf != newIDs[0] || !r.ScheduledAt.IsZero() {
		t.Errorf("%+v", r)
	}
	if _, _, err := s.ResumeBatch(ctx, 999, "bob", "xml", nil); !errors.Is(err, ErrNoBatch) {
		t.Fatal(err)
	}
}

// Two smsdash on one history resuming one batch at once take disjoint
// rows: no message is sent twice.
func TestResumeBatchConcurrent(t *testing.T) {
	path := newTarget(t)
	var stores [2]*Store
	for i := range stores {
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores[i] = s
	}
	batch, _ := stores[0].CreateBatch(ctx, "list", "ann", "json", 2000)
	if _, err := stores[0].AddQueued(ctx, batch, "ann", "json", msgs(2000)); err != nil {
		t.Fatal(err)
	}
	stores[0].RecoverPending(ctx)
	var wg sync.WaitGroup
	var taken [2][]int64
	for i := range stores {
		wg.Go(func() {
			for range 5 {
				ids, _, err := stores[i].ResumeBatch(ctx, batch, "ann", "json", nil)
				if err != nil {
					t.Error(err)
				}
				taken[i] = append(taken[i], ids...)
			}
		})
	}
	wg.Wait()
	if len(taken[0])+len(taken[1]) != 2000 {
		t.Fatalf("%d + %d rows taken", len(taken[0]), len(taken[1]))
	}
}

// RecordResults on a package that mixes every kind of row and outcome.
func TestRecordResultsMixed(t *testing.T) {
	s := openTest(t)
	a, _ := s.AddQueued(ctx, 0, "ann", "json", msgs(4))
	s.MarkPending(ctx, a[:2])
	s.RecoverPending(ctx) // a0, a1 unknown (interrupted); a2, a3 not sent
	// A receipt that overtakes its send's reply.
	if _, err := s.ApplyStatuses(ctx, "http", []sms.StatusReport{{ID: 5001, Status: sms.Sent}, {ID: 5001, Status: sms.Delivered}}); err != nil {
		t.Fatal(err)
	}
	b, _ := s.AddQueued(ctx, 0, "ann", "json", msgs(8))
	s.MarkPending(ctx, b[:6])
	u, _ := s.AddQueued(ctx, 0, "ann", "json", msgs(1))
	s.MarkPending(ctx, u)
	s.RecordResults(ctx, u, []sms.Result{{Outcome: sms.Accepted, ID: 4000}})
	ids := append(append(append([]int64{a[0], a[2]}, b...), u...), b[1])
	type want struct {
		state   State
		status  sms.Status
		gateway int64
		code    sms.Code
		err     string
		history int // entries, the recording itself included
	}
	cases := []struct {
		res  sms.Result
		want want
	}{
		{sms.Result{Outcome: sms.Accepted, ID: 5000, Parts: 1}, want{StateAccepted, sms.StatusNone, 5000, 0, "", 3}}, // interrupted: the real reply wins
		{sms.Result{Outcome: sms.Accepted, ID: 5009, Parts: 1}, want{StateNotSent, sms.StatusNone, 0, 0, NeverLeft, 2}},
		{sms.Result{Outcome: sms.Accepted, ID: 5001, Parts: 2}, want{StateAccepted, sms.Delivered, 5001, 0, "", 3}}, // the orphan applies (the last report of the two)
		{sms.Result{Outcome: sms.Refused, Code: sms.CodeBadRecipient}, want{StateRefused, sms.StatusNone, 0, sms.CodeBadRecipient, sms.CodeBadRecipient.Error(), 2}},
		{sms.Result{Outcome: sms.NotSent, Err: errors.New("connection refused")}, want{StateNotSent, sms.StatusNone, 0, 0, "connection refused", 2}},
		{sms.Result{Outcome: sms.OutcomeUnknown, Err: errors.New("reply lost")}, want{StateUnknown, sms.StatusNone, 0, 0, "reply lost", 2}},
		{sms.Result{Outcome: sms.Accepted}, want{StateUnknown, sms.StatusNone, 0, 0, "the gateway accepted the message but gave no id", 2}},
		{sms.Result{Outcome: sms.Accepted, ID: 5002, Parts: 3}, want{StateAccepted, sms.StatusNone, 5002, 0, "", 2}},
		{sms.Result{Outcome: sms.NotSent, Err: errors.New("stopped")}, want{StateNotSent, sms.StatusNone, 0, 0, "stopped", 2}}, // queued
		{sms.Result{Outcome: sms.Refused, Code: sms.CodeNoFunds}, want{StateRefused, sms.StatusNone, 0, sms.CodeNoFunds, sms.CodeNoFunds.Error(), 2}},
		{sms.Result{Outcome: sms.Accepted, ID: 4001}, want{StateAccepted, sms.StatusNone, 4000, 0, "", 2}},                                                                       // already recorded: left alone
		{sms.Result{Outcome: sms.OutcomeUnknown, Err: errors.New("listed twice")}, want{StateRefused, sms.StatusNone, 0, sms.CodeBadRecipient, sms.CodeBadRecipient.Error(), 2}}, // the first result for b1 counts
	}
	results := make([]sms.Result, len(cases))
	for i, c := range cases {
		results[i] = c.res
	}
	if err := s.RecordResults(ctx, ids, results); err != nil {
		t.Fatal(err)
	}
	// A second call on the same connection works (the table is reused)
	// and leaves recorded rows alone.
	if err := s.RecordResults(ctx, ids[:1], []sms.Result{{Outcome: sms.NotSent}}); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		r, err := s.Message(ctx, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		h, _ := s.History(ctx, ids[i])
		got := want{r.State, r.Status, r.GatewayID, r.Code, r.Error, len(h)}
		if got != c.want {
			t.Errorf("%d (message %d): got %+v, want %+v", i, ids[i], got, c.want)
		}
	}
	if err := s.RecordResults(ctx, ids[:2], results[:1]); err == nil {
		t.Error("mismatched lengths accepted")
	}
}

// A package whose ids are a range but whose rows are no longer all queued
// (a start recovered them) takes the careful path: only the waiting rows
// are written.
func TestRecordResultsRangeNotAllQueued(t *testing.T) {
	s := openTest(t)
	ids, _ := s.AddQueued(ctx, 0, "ann", "json", msgs(3))
	s.MarkPending(ctx, ids[:1])
	s.RecoverPending(ctx) // ids[0] unknown (interrupted), the others not sent
	res := []sms.Result{{Outcome: sms.Accepted, ID: 70, Parts: 1}, {Outcome: sms.Accepted, ID: 71, Parts: 1}, {Outcome: sms.Accepted, ID: 72, Parts: 1}}
	if err := s.RecordResults(ctx, ids, res); err != nil {
		t.Fatal(err)
	}
	for i, want := range []State{StateAccepted, StateNotSent, StateNotSent} {
		if r, _ := s.Message(ctx, ids[i]); r.State != want {
			t.Errorf("message %d: %s, want %s", ids[i], r.State, want)
		}
	}
	checkCounts(t, s, map[string]int{"accepted": 1, "not_sent": 2})
}

func TestUnfinishedBatches(t *testing.T) {
	s := openTest(t)
	done, _ := s.CreateBatch(ctx, "done", "ann", "json", 2)
	ids, _ := s.AddQueued(ctx, done, "ann", "json", msgs(2))
	s.MarkPending(ctx, ids)
	s.RecordResults(ctx, ids, []sms.Result{{Outcome: sms.Accepted, ID: 1}, {Outcome: sms.Accepted, ID: 2}})
	cut, _ := s.CreateBatch(ctx, "cut", "ann", "xml", 5)
	ids, _ = s.AddQueued(ctx, cut, "ann", "xml", msgs(5))
	s.MarkPending(ctx, ids[:2])
	s.AddQueued(ctx, 0, "ann", "json", msgs(3)) // no batch
	s.RecoverPending(ctx)
	got, err := s.UnfinishedBatches(ctx)
	if err != nil || len(got) != 1 {
		t.Fatalf("%v %+v", err, got)
	}
	if b := got[0]; b.ID != cut || b.Name != "cut" || b.Transport != "xml" || b.Total != 5 || b.NotSent != 3 || b.Unknown != 2 {
		t.Fatalf("%+v", b)
	}
	if _, _, err := s.ResumeBatch(ctx, cut, "ann", "xml", nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.UnfinishedBatches(ctx); len(got) != 0 {
		t.Fatalf("resumed, still listed: %+v", got)
	}
	// A crash before the resumed rows left: not sent again, listed again.
	s.RecoverPending(ctx)
	if got, _ := s.UnfinishedBatches(ctx); len(got) != 1 || got[0].NotSent != 3 {
		t.Fatalf("%+v", got)
	}
}
