package batch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/outbox"
	"github.com/smsdash/smsdash/sms/store"
)

// Progress is how far a send is.
type Progress struct {
	Done, Total int // messages whose outcome is recorded, of all
	Accepted    int // of Done, those the gateway accepted
	Rate        float64
	Elapsed     time.Duration
}

// Left estimates the time still needed, 0 when unknown.
func (p Progress) Left() time.Duration {
	if p.Rate <= 0 || p.Done >= p.Total {
		return 0
	}
	return time.Duration(float64(p.Total-p.Done) / p.Rate * float64(time.Second))
}

// Percent is the share of messages done, 0 to 100 (0 for an empty send).
func (p Progress) Percent() int {
	if p.Total <= 0 {
		return 0
	}
	return min(max(p.Done, 0), p.Total) * 100 / p.Total
}

// maxBar bounds a bar's cells, whatever width a caller asks for.
const maxBar = 1000

// Bar draws the progress as "[###.......]  30%": width cells (1 to
// maxBar) filled in proportion to the messages done, then the percentage.
func (p Progress) Bar(width int) string {
	width = min(max(width, 1), maxBar)
	fill := 0
	if p.Total > 0 {
		fill = min(max(p.Done, 0), p.Total) * width / p.Total
	}
	return "[" + strings.Repeat("#", fill) + strings.Repeat(".", width-fill) + "] " + fmt.Sprintf("%3d%%", p.Percent())
}

// SendOptions tune Send and Resume.
type SendOptions struct {
	Name string // the batch's name in the history (the file's name)
	// Transport is "json" or "xml"; "" takes the app's when it is one of
	// them, else json. "plain" is refused: the gateway blocks accounts
	// that send lists one PLAIN request per number.
	Transport string
	// Progress, if set, is called in the sending goroutine at the start
	// and after each package's outcome is recorded.
	Progress func(Progress)
	// Stop, when closed, stops gracefully: the package in flight gets
	// its reply, no other leaves (see outbox.Outbox.Stop). Cancelling the
	// context aborts, cutting the package in flight.
	Stop <-chan struct{}
	// Only, when above 0, sends the first Only messages (Report.Covered:
	// what the balance covers); the rest stay not sent, to resume.
	Only int
	// Agent is recorded with the batch and its messages: who sends.
	Agent string
}

// Core is what a send needs of smsdash's core (sms/app.App is one): the
// config now, outboxes on its transports, and the tracker to poke.
type Core interface {
	Config() *config.Config
	Outbox(transport, agent string) (outbox.Outbox, error)
	Poke()
}

// Summary is the outcome of a send.
type Summary struct {
	BatchID   int64
	Transport string
	Total     int
	Accepted  int
	Refused   int // refused by the gateway (a code): final
	NotSent   int // never left: Resume sends them
	Unknown   int // may have reached the gateway: the agent decides
	Parts     int // parts the gateway counted for the accepted
	// Codes counts the refusals by gateway code.
	Codes map[sms.Code]int
	// Err is the first reason a message was not sent or its outcome is
	// unknown (a network failure, a cancel).
	Err       error
	Cancelled bool // stopped or aborted by the agent with messages left
	Elapsed   time.Duration
}

// ErrNothing: there is no message to send.
var ErrNothing = &sms.Error{EN: "nothing to send: no row gave a message", RU: "нечего отправлять: ни одна строка не дала сообщения"}

// Send records the report's messages as a new batch and sends them in
// packages of the config's batch_size through the JSON or XML API. Each
// package is marked in the history before its request leaves and takes
// its outcome right after (package outbox), so a crash loses nothing and
// sends nothing twice. Cancelling ctx stops before the next package: the
// packages sent stay recorded, the rest are recorded as not sent, and
// Resume sends them later. The error is for a refused transport or a
// failing history; the messages' outcomes are in the Summary.
func Send(ctx context.Context, c Core, st *store.Store, r *Report, opt SendOptions) (*Summary, error) {
	if len(r.Messages) == 0 {
		return nil, ErrNothing
	}
	if err := ctx.Err(); err != nil {
		return nil, err // nothing recorded, nothing sent
	}
	ob, err := outboxFor(c, opt.Transport, opt.Agent)
	if err != nil {
		return nil, err
	}
	if err := preflight(ctx, ob.Gateway); err != nil {
		return nil, err
	}
	if at := r.At; !at.IsZero() {
		if err := sms.CheckSchedule(at, time.Now()); err != nil {
			return nil, err
		}
	}
	msgs := r.SMS()
	id, err := st.CreateBatch(context.WithoutCancel(ctx), opt.Name, ob.Agent, ob.Transport, len(msgs))
	if err != nil {
		return nil, err
	}
	ob.Store = history{Store: st}
	return send(ctx, c, ob, id, msgs, opt)
}

// ResumeOptions tune Resume. SendOptions.Name is not used (the batch
// keeps its name); an empty Transport takes the batch's own.
type ResumeOptions struct {
	SendOptions
	// Reschedule gives the resumed messages the time At (zero: at once)
	// instead of the batch's own, which may have passed.
	Reschedule bool
	At         time.Time
}

// Resume sends again the messages of a batch that never left (recorded
// as not sent: a cancel, a failure that stopped the send, or a crash
// before their package's turn), through store.ResumeBatch: each becomes
// "resent" and a new row of the same batch is sent in its place. Messages
// whose outcome is unknown are not touched: see State. A batch with
// nothing left to send gives a Summary with Total 0.
func Resume(ctx context.Context, c Core, st *store.Store, batchID int64, opt ResumeOptions) (*Summary, error) {
	b, err := st.Batch(ctx, batchID)
	if err != nil {
		if errors.Is(err, store.ErrNoBatch) {
			return nil, &sms.Error{EN: fmt.Sprintf("no batch %d in the history", batchID), RU: fmt.Sprintf("в истории нет пакета %d", batchID)}
		}
		return nil, err
	}
	want := opt.Transport
	if want == "" && (b.Transport == config.TransportJSON || b.Transport == config.TransportXML) {
		want = b.Transport
	}
	ob, err := outboxFor(c, want, opt.Agent)
	if err != nil {
		return nil, err
	}
	if err := preflight(ctx, ob.Gateway); err != nil {
		return nil, err
	}
	var at *time.Time
	if opt.Reschedule {
		if !opt.At.IsZero() {
			if err := sms.CheckSchedule(opt.At, time.Now()); err != nil {
				return nil, err
			}
		}
		at = &opt.At
	} else if err := checkResumeTime(ctx, st, batchID); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ids, msgs, err := st.ResumeBatch(context.WithoutCancel(ctx), batchID, ob.Agent, ob.Transport, at)
	if err != nil {
		return nil, err
	}
	if len(msgs) == 0 {
		return &Summary{BatchID: batchID, Transport: ob.Transport, Codes: map[sms.Code]int{}}, nil
	}
	ob.Store = history{st, ids}
	return send(ctx, c, ob, batchID, msgs, opt.SendOptions)
}

// checkResumeTime refuses to resume a scheduled batch whose time is now
// too close or past: the gateway would refuse it (-15).
func checkResumeTime(ctx context.Context, st *store.Store, batchID int64) error {
	rows, err := st.Latest(ctx, store.Filter{BatchID: batchID, Status: string(store.StateNotSent), Limit: 1})
	if err != nil || len(rows) == 0 || rows[0].ScheduledAt.IsZero() {
		return err
	}
	at := rows[0].ScheduledAt
	if err := sms.CheckSchedule(at, time.Now()); err != nil {
		when := at.In(sms.Minsk).Format(sms.TypedLayout)
		return &sms.Error{
			EN: "the batch was scheduled for " + when + " Minsk time, which is past or less than 10 minutes away: resume it with a new time, or to send at once",
			RU: "пакет был запланирован на " + when + " по Минску, а это время прошло или до него меньше 10 минут: возобновите его с новым временем или с отправкой сразу",
		}
	}
	return nil
}

// history is the outbox's view of the store: a resume hands over the
// rows ResumeBatch recorded as queued instead of recording new ones.
type history struct {
	*store.Store
	queued []int64 // nil for a new batch
}

func (h history) AddQueued(ctx context.Context, batchID int64, agent, transport string, msgs []sms.Message) ([]int64, error) {
	if h.queued == nil {
		return h.Store.AddQueued(ctx, batchID, agent, transport, msgs)
	}
	if len(msgs) != len(h.queued) {
		return nil, fmt.Errorf("resume: %d messages for %d recorded rows", len(msgs), len(h.queued))
	}
	return h.queued, nil
}

// preflight reads the balance before anything is recorded: a refusal of
// the account (-2 wrong password, -12 API off, -13 blocked, …) stops the
// send with nothing posted; any other failure (the network) is left to
// the packages, whose outcomes say it.
func preflight(ctx context.Context, g sms.Gateway) error {
	bctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	_, err := g.Balance(bctx)
	var code sms.Code
	if errors.As(err, &code) && code.AccountWide() {
		return code
	}
	return nil
}

// outboxFor picks the batch transport (want, or the config's when it is
// JSON or XML, else JSON) and gives its outbox, recording agent.
func outboxFor(c Core, want, agent string) (outbox.Outbox, error) {
	tr := want
	if tr == "" {
		tr = c.Config().API.Transport
		if tr != config.TransportJSON && tr != config.TransportXML {
			tr = config.TransportJSON
		}
	}
	if tr != config.TransportJSON && tr != config.TransportXML {
		return outbox.Outbox{}, app.ErrMassPlain
	}
	return c.Outbox(tr, agent)
}

// send sends msgs through ob, whose Store is the batch's history.
func send(ctx context.Context, c Core, ob outbox.Outbox, batchID int64, msgs []sms.Message, opt SendOptions) (*Summary, error) {
	start := time.Now()
	report := func(done, accepted int) {
		if opt.Progress == nil {
			return
		}
		el := time.Since(start)
		p := Progress{Done: done, Accepted: accepted, Total: len(msgs), Elapsed: el}
		if el > 0 {
			p.Rate = float64(done) / el.Seconds()
		}
		opt.Progress(p)
	}
	ob.Stop, ob.Only = opt.Stop, opt.Only
	ob.Sent = func(done, accepted, _ int) { report(done, accepted) }
	report(0, 0)
	_, results, err := ob.Send(ctx, batchID, msgs)
	sum := summarize(results)
	sum.BatchID, sum.Transport, sum.Total, sum.Elapsed = batchID, ob.Transport, len(msgs), time.Since(start)
	sum.Cancelled = (ctx.Err() != nil || outbox.Stopped(opt.Stop)) && sum.NotSent > 0
	if sum.Accepted > 0 {
		c.Poke()
	}
	return sum, err
}

func summarize(results []sms.Result) *Summary {
	s := &Summary{Codes: map[sms.Code]int{}}
	for _, r := range results {
		switch r.Outcome {
		case sms.Accepted:
			s.Accepted++
			s.Parts += r.Parts
		case sms.Refused:
			s.Refused++
			s.Codes[r.Code]++
		case sms.NotSent:
			s.NotSent++
		default:
			s.Unknown++
		}
		if s.Err == nil && r.Err != nil && r.Outcome != sms.Refused {
			s.Err = r.Err
		}
	}
	return s
}

// State is where a batch stands, for the agent's decision on resuming.
type State struct {
	store.Batch
	Counts  map[string]int // by display bucket (store.Bucket)
	NotSent int            // Resume sends these
	Unknown []store.Row    // outcome unknown: may have reached the gateway; only an explicit resend sends them
}

// BatchState reads a batch's counts and its messages of unknown outcome.
func BatchState(ctx context.Context, st *store.Store, batchID int64) (*State, error) {
	b, err := st.Batch(ctx, batchID)
	if err != nil {
		if errors.Is(err, store.ErrNoBatch) {
			return nil, &sms.Error{EN: fmt.Sprintf("no batch %d in the history", batchID), RU: fmt.Sprintf("в истории нет пакета %d", batchID)}
		}
		return nil, err
	}
	counts, err := st.CountsFor(ctx, store.Filter{BatchID: batchID})
	if err != nil {
		return nil, err
	}
	unknown, err := st.Latest(ctx, store.Filter{BatchID: batchID, Status: string(store.StateUnknown)})
	if err != nil {
		return nil, err
	}
	return &State{Batch: b, Counts: counts, NotSent: counts[string(store.StateNotSent)], Unknown: unknown}, nil
}

// Unfinished lists the batches that have messages not sent, newest
// first: what Resume can finish (after a crash, a cancel or a failure).
func Unfinished(ctx context.Context, st *store.Store) ([]store.Unfinished, error) {
	return st.UnfinishedBatches(ctx)
}
