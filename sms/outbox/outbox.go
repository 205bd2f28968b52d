// Package outbox sends through the history so that a crash or a lost
// network never loses a message nor sends one twice. Every message is
// written down as queued before anything leaves; each chunk becomes
// pending just before its request leaves, and takes its outcome right
// after. At the next start (store.RecoverPending) a queued row becomes
// "not sent" and a pending one "outcome unknown": nothing is ever resent
// silently.
package outbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/smsdash/smsdash/sms"
)

// Store is what the outbox needs of the history.
type Store interface {
	AddQueued(ctx context.Context, batchID int64, agent, transport string, msgs []sms.Message) ([]int64, error)
	MarkPending(ctx context.Context, ids []int64) ([]bool, error)
	RecordResults(ctx context.Context, ids []int64, results []sms.Result) error
}

// Outbox sends messages and records them.
type Outbox struct {
	Store     Store
	Gateway   sms.Gateway
	Transport string // recorded with each message
	Agent     string // recorded with each message
	Chunk     int    // messages sent together; the transport's batch size
	// Sent, if set, is called after each chunk is recorded (progress).
	Sent func(done, total int)
}

// ErrStopped marks messages left unsent after an earlier chunk failed or
// the send was cancelled.
var ErrStopped = errors.New("not sent: sending stopped after an earlier failure or a cancel")

// ErrTaken marks queued messages another smsdash recovered as not sent
// (it started while this one was sending): they are left to the agent.
var ErrTaken = errors.New("not sent: another smsdash marked it as interrupted")

// Send records msgs, sends them in chunks, and returns every message's
// local id and result. After a chunk the transport gave up on, or a
// cancel, the rest are recorded as not sent. On a store error it stops at
// once: what was recorded tells the rest.
func (o *Outbox) Send(ctx context.Context, batchID int64, msgs []sms.Message) ([]int64, []sms.Result, error) {
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
	results := make([]sms.Result, len(msgs))
	stop := false
	for start := 0; start < len(msgs); start += chunk {
		end := min(start+chunk, len(msgs))
		stop = stop || ctx.Err() != nil
		if stop {
			for i := start; i < end; i++ {
				results[i] = sms.Result{Outcome: sms.NotSent, Err: ErrStopped}
			}
		} else if err := o.sendChunk(ctx, ids[start:end], msgs[start:end], results[start:end]); err != nil {
			return ids, results[:start], err
		}
		if err := o.Store.RecordResults(bg, ids[start:end], results[start:end]); err != nil {
			return ids, results[:start], fmt.Errorf("recording the gateway's reply (these messages stay pending and will show as outcome unknown): %w", err)
		}
		if o.Sent != nil {
			o.Sent(end, len(msgs))
		}
		stop = stop || stopped(results[start:end])
	}
	return ids, results, nil
}

// sendChunk marks a chunk pending and sends the rows that moved.
func (o *Outbox) sendChunk(ctx context.Context, ids []int64, msgs []sms.Message, res []sms.Result) error {
	moved, err := o.Store.MarkPending(context.WithoutCancel(ctx), ids)
	if err != nil {
		return fmt.Errorf("recording before sending: %w", err)
	}
	send := make([]sms.Message, 0, len(msgs))
	for i, ok := range moved {
		if ok {
			send = append(send, msgs[i])
		} else {
			res[i] = sms.Result{Outcome: sms.NotSent, Err: ErrTaken}
		}
	}
	got := o.Gateway.Send(ctx, send)
	k := 0
	for i, ok := range moved {
		if ok {
			res[i] = got[k]
			k++
		}
	}
	return nil
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
