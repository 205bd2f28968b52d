// Package outbox sends through the history so that a crash or a lost
// network never loses a message nor sends one twice. Every message is
// written down as queued before anything leaves; each chunk is marked in
// flight (store.MarkPending) just before its request leaves, and takes
// its outcome right after. If the process dies, the next start
// (store.RecoverPending) makes a row that never left "not sent" and one
// in flight "outcome unknown": nothing is ever resent silently. A start
// while this process still runs (the command line during the dashboard's
// send) leaves its rows alone: the store holds an owner lock for it.
package outbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/health"
	"github.com/smsdash/smsdash/sms/secret"
)

// Store is what the outbox needs of the history.
type Store interface {
	AddQueued(ctx context.Context, batchID int64, agent, transport string, msgs []sms.Message) ([]int64, error)
	MarkPending(ctx context.Context, ids []int64) ([]bool, error)
	RecordResults(ctx context.Context, ids []int64, results []sms.Result) error
	Resend(ctx context.Context, agent, transport string, ids []int64) ([]int64, []sms.Message, error)
}

// Outbox sends messages and records them.
type Outbox struct {
	Store     Store
	Gateway   sms.Gateway
	Transport string // recorded with each message
	Agent     string // recorded with each message
	Chunk     int    // messages sent together; the transport's batch size
	// Mask hides the account's secrets in every error text before it is
	// recorded or returned, whatever the transport put in it.
	Mask *secret.Masker
	// Sent, if set, is called after each chunk is recorded (progress):
	// done messages have their outcome, accepted of them were accepted.
	Sent func(done, accepted, total int)
	// Stop, when closed, ends the send gracefully: the chunk in flight
	// gets its reply (its request goes on; only ctx cuts it) and no
	// other chunk leaves. What did not leave is recorded as not sent.
	Stop <-chan struct{}
	// Only, when above 0, sends only the first Only messages (what the
	// balance covers); the rest are recorded as not sent, to resume.
	Only int
	// Health, if set, is told how each request went (the connection
	// light).
	Health *health.Record
	// Done, if set, is told of each Send and Resend as it ends (smsdash
	// serve's session log).
	Done func(Report)
}

// Report is one Send or Resend as Done is told of it: how many messages
// and how they went, never their texts nor their numbers.
type Report struct {
	Resend             bool
	Agent, Transport   string
	BatchID            int64 // 0: single messages
	Messages, Accepted int
	Err                error // the send's, masked
}

// done tells Done of a Send or Resend of n messages.
func (o *Outbox) done(resend bool, batchID int64, n int, res []sms.Result, err error) {
	if o.Done != nil {
		o.Done(Report{Resend: resend, Agent: o.Agent, Transport: o.Transport, BatchID: batchID,
			Messages: n, Accepted: countAccepted(res), Err: o.Mask.Err(err)})
	}
}

// ErrStopped marks messages left unsent after an earlier chunk failed or
// the send was cancelled.
var ErrStopped = errors.New("not sent: sending stopped after an earlier failure or a cancel")

// ErrBeyond marks the messages past Outbox.Only.
var ErrBeyond = errors.New("not sent: beyond what the balance covered; resume after a top-up")

// ErrTaken marks queued messages recovered as not sent before their turn
// came (the store's RecoverPending ran on this Store, or another smsdash
// found this process's lock file gone): they are left to the agent.
var ErrTaken = errors.New("not sent: another smsdash marked it as interrupted")

// Send records msgs, sends them in chunks, and returns every message's
// local id and result. After a chunk the transport gave up on, a refusal
// of the whole account (sms.Code.AccountWide: those messages are not sent
// either, and can be resumed), a stop or a cancel, the rest are recorded
// as not sent. Cancelling ctx aborts: the request in flight is cut and
// its messages may end "outcome unknown"; Stop does not. On a store error
// it stops at once: what was recorded tells the rest.
//
// Recording a chunk's outcome overlaps with the next chunk's request:
// the next chunk is marked in flight first, so a crash at any moment
// leaves both in the history (in flight: outcome unknown).
func (o *Outbox) Send(ctx context.Context, batchID int64, msgs []sms.Message) ([]int64, []sms.Result, error) {
	ids, res, err := o.send(ctx, batchID, msgs)
	o.done(false, batchID, len(msgs), res, err)
	return ids, res, err
}

func (o *Outbox) send(ctx context.Context, batchID int64, msgs []sms.Message) ([]int64, []sms.Result, error) {
	// The store is written even after a cancel: outcomes must be kept.
	bg := context.WithoutCancel(ctx)
	ids, err := o.Store.AddQueued(bg, batchID, o.Agent, o.Transport, msgs)
	if err != nil {
		return nil, nil, fmt.Errorf("recording before sending: %w", err)
	}
	chunk := o.Chunk
	if chunk <= 0 {
		chunk = 500
	}
	spans := chunks(len(msgs), chunk, o.Only)
	span := func(k int) (int, int) { return spans[k][0], spans[k][1] }
	packages := len(spans)
	results := make([]sms.Result, len(msgs))
	stop := ctx.Err() != nil || o.stopped()
	var moved []bool // which rows of the current chunk may leave; nil: none
	if !stop && packages > 0 {
		lo, hi := span(0)
		if moved, err = o.Store.MarkPending(bg, ids[lo:hi]); err != nil {
			return ids, nil, fmt.Errorf("recording before sending: %w", err)
		}
	}
	recorded := make(chan error, 1) // the previous chunk's recording
	recorded <- nil
	accepted := 0
	for k := range packages {
		lo, hi := span(k)
		if moved != nil {
			o.sendChunk(ctx, moved, msgs[lo:hi], results[lo:hi])
		} else {
			why := ErrStopped
			if o.Only > 0 && lo >= o.Only {
				why = ErrBeyond
			}
			for i := lo; i < hi; i++ {
				results[i] = sms.Result{Outcome: sms.NotSent, Err: why}
			}
		}
		stop = stop || ctx.Err() != nil || o.stopped() || stopped(results[lo:hi]) || o.Only > 0 && hi >= o.Only
		if err := <-recorded; err != nil {
			return ids, results[:max(lo-chunk, 0)], recordErr(err)
		}
		moved = nil
		if k+1 < packages && !stop {
			nlo, nhi := span(k + 1)
			if moved, err = o.Store.MarkPending(bg, ids[nlo:nhi]); err != nil {
				rerr := o.Store.RecordResults(bg, ids[lo:hi], results[lo:hi])
				return ids, results[:lo], errors.Join(fmt.Errorf("recording before sending: %w", err), rerr)
			}
		}
		go func() { recorded <- o.Store.RecordResults(bg, ids[lo:hi], results[lo:hi]) }()
		accepted += countAccepted(results[lo:hi])
		if o.Sent != nil {
			o.Sent(hi, accepted, len(msgs))
		}
	}
	if err := <-recorded; err != nil {
		_, lo := span(packages - 2)
		return ids, results[:max(lo, 0)], recordErr(err)
	}
	return ids, results, nil
}

// Resend sends again, on the agent's explicit decision, messages whose
// outcome is unknown (or not sent, or refused): each old row becomes
// "resent" and a new one, in flight, is sent in its place (the store's
// Resend). It may deliver a message twice: the caller says so before.
// It returns the new rows' ids and results; ids not resendable are
// skipped.
func (o *Outbox) Resend(ctx context.Context, ids []int64) ([]int64, []sms.Result, error) {
	newIDs, res, err := o.resend(ctx, ids)
	o.done(true, 0, len(res), res, err)
	return newIDs, res, err
}

func (o *Outbox) resend(ctx context.Context, ids []int64) ([]int64, []sms.Result, error) {
	bg := context.WithoutCancel(ctx)
	newIDs, msgs, err := o.Store.Resend(bg, o.Agent, o.Transport, ids)
	if err != nil || len(msgs) == 0 {
		return nil, nil, err
	}
	res := make([]sms.Result, len(msgs))
	all := make([]bool, len(msgs))
	for i := range all {
		all[i] = true
	}
	o.sendChunk(ctx, all, msgs, res)
	if err := o.Store.RecordResults(bg, newIDs, res); err != nil {
		return newIDs, res, recordErr(err)
	}
	return newIDs, res, nil
}

func recordErr(err error) error {
	return fmt.Errorf("recording the gateway's reply (these messages will show as outcome unknown): %w", err)
}

// sendChunk sends the rows marked in flight; the others were recovered
// (ErrTaken).
func (o *Outbox) sendChunk(ctx context.Context, moved []bool, msgs []sms.Message, res []sms.Result) {
	send := make([]sms.Message, 0, len(msgs))
	for i, ok := range moved {
		if ok {
			send = append(send, msgs[i])
		} else {
			res[i] = sms.Result{Outcome: sms.NotSent, Err: ErrTaken}
		}
	}
	got := o.Gateway.Send(ctx, send)
	if len(send) > 0 {
		o.Health.Report(health.Send, o.Mask.Err(failure(got)))
	}
	k := 0
	for i, ok := range moved {
		if ok {
			res[i] = got[k]
			if r := res[i]; r.Outcome == sms.Refused && r.Code.AccountWide() {
				// The account cannot send now: the message is not
				// refused for itself, and goes again once that is fixed.
				res[i] = sms.Result{Outcome: sms.NotSent, Code: r.Code, Err: r.Code}
			}
			res[i].Err = o.Mask.Err(res[i].Err)
			k++
		}
	}
}

// failure is what a request's results say of the way to the gateway:
// the first that did not get through (outcome unknown; not sent, unless
// a local check refused it; a refusal of the whole account), nil when
// the gateway took the messages or refused them for themselves.
func failure(res []sms.Result) error {
	for _, r := range res {
		_, local := r.Err.(*sms.Error)
		switch {
		case r.Outcome == sms.Refused && r.Code.AccountWide():
			return r.Code
		case r.Outcome == sms.OutcomeUnknown && r.Err != nil, r.Outcome == sms.NotSent && r.Err != nil && !local:
			return r.Err
		}
	}
	return nil
}

func (o *Outbox) stopped() bool { return Stopped(o.Stop) }

// Stopped reports whether a stop channel is closed (never, for nil).
func Stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

// chunks cuts n messages into spans of at most size, with a cut at only
// (when 0 < only < n) so that the messages past it travel apart.
func chunks(n, size, only int) [][2]int {
	var out [][2]int
	for lo := 0; lo < n; {
		hi := min(lo+size, n)
		if lo < only && hi > only {
			hi = only
		}
		out = append(out, [2]int{lo, hi})
		lo = hi
	}
	return out
}

func countAccepted(res []sms.Result) int {
	n := 0
	for _, r := range res {
		if r.Outcome == sms.Accepted {
			n++
		}
	}
	return n
}

// stopped: the transport gave up on part of the chunk (see httpapi), so
// later chunks must wait for the agent.
func stopped(res []sms.Result) bool {
	for _, r := range res {
		if r.Outcome == sms.OutcomeUnknown || (r.Outcome == sms.NotSent && r.Err != ErrTaken) {
			return true
		}
	}
	return false
}
