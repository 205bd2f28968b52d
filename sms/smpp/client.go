// Package smpp is the SMPP 3.4 transport (SPEC 1.4) on
// github.com/fiorix/go-smpp, with work-arounds for the bugs of the only
// version served (see shared/notes/go-smpp.md):
//
//   - A transmitter and a separate receiver, never a lone Transceiver: a
//     deliver_sm whose sequence number equals a pending submit_sm's would
//     fail the submit and lose the receipt.
//   - The transmitter is this package's own (transmitter.go), on the
//     library's PDU encoder: the library's Transmitter cannot tell a
//     submit it never wrote from one written before the link died, and
//     that difference is NotSent against OutcomeUnknown.
//   - Receipts are read by hand from the library's Receiver's decoded
//     deliver_sm (an SMSC built on its NewDeliverSM would send a stray
//     octet; the simulator sms/smppsim writes its deliver_sm by hand).
//   - Reconnects are ours: the Receiver's BindInterval is set beyond
//     reach, its status channel is drained, and on any status other than
//     Connected the object is closed and a new one built after our own
//     backoff (the library's own reconnect races on client.inbox). The
//     transmitter is dialled again the same way. A wrong password (0x0E)
//     or login stops the attempts.
//
// Texts are encoded and split here (Split): ISO-8859-1 or UCS-2BE,
// concatenated parts with a UDH and esm_class 0x40, short_message only.
// A window of submits in flight (Config.Window) and an optional rate sit
// in front of the transmitter.
//
// Ids: SMPP message ids are strings. A decimal id (the gateway's and the
// simulator's) is the sms.Result.ID as is. Any other id is mapped to an
// int64 in [2^62, 2^63) by a 64-bit FNV-1a hash, the same in every run, so
// that a receipt after a restart still finds its message; a table of the
// ids seen (forgotten past 2^20 entries) resolves the rare collision by
// taking the next free number.
//
// A long message's id is its first part's. Every part's id is remembered
// (until every part has a final receipt, or 72 hours), and a receipt for
// any part reports on the message: its status is the worst of its parts'
// latest, in the order Delivered < Sent (no receipt yet counts as Sent) <
// Unknown < Expired < Rejected < Failed, reported when it changes, with
// Parts set. So a message is Delivered once every part is, and Rejected as
// soon as one part is. While a long message is being sent, a receipt for
// an id not known yet waits up to a second (it may be for a part whose
// answer is still on its way). A receipt for an id the client does not
// know is then reported as it is: the history keeps it as an orphan until
// the id shows up.
package smpp

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fiorix/go-smpp/smpp"
	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
	"github.com/fiorix/go-smpp/smpp/pdu/pdutext"
	"golang.org/x/time/rate"

	"github.com/smsdash/smsdash/sms"
)

// never is a BindInterval the library never reaches: it must not
// reconnect by itself.
const never = 100 * 365 * 24 * time.Hour

// Client is the SMPP transport. It implements sms.Gateway.
type Client struct {
	cfg Config
	sem chan struct{}
	lim *rate.Limiter
	ref atomic.Uint32

	tx, rx *link

	smu     sync.Mutex
	state   ConnState
	changed chan struct{} // closed and replaced at every change
	stateCh chan ConnState
	stopErr error
	closed  bool

	stateSeq, stateGiven uint64 // stateGiven: guarded by onStateMu
	onStateMu            sync.Mutex

	rcpt chan rawReceipt
	dead chan struct{} // closed when receipts are no longer taken

	mu    sync.Mutex // parts, multi, cache, ids
	parts map[int64]*longMsg
	multi int // long messages being sent
	notes int
	cache statusCache
	ids   idTable

	started      atomic.Bool
	cancelLinks  context.CancelFunc
	links        sync.WaitGroup
	closing      chan struct{}
	closeOnce    sync.Once
	dispatchStop chan struct{}
	dispatchDone chan struct{}

	st counters
}

var _ sms.Gateway = (*Client)(nil)

// link is the transmitter or the receiver; its fields are guarded by
// Client.smu.
type link struct {
	name  string
	rx    bool
	kind  StateKind
	err   error
	retry time.Duration
	tx    *txLink // the bound transmitter, nil when not bound
}

// New makes a client; Start connects it.
func New(cfg Config) *Client {
	cfg = cfg.withDefaults()
	c := &Client{
		cfg:          cfg,
		sem:          make(chan struct{}, cfg.Window),
		tx:           &link{name: "transmitter"},
		rx:           &link{name: "receiver", rx: true},
		changed:      make(chan struct{}),
		stateCh:      make(chan ConnState, 1),
		rcpt:         make(chan rawReceipt, 8192),
		dead:         make(chan struct{}),
		parts:        map[int64]*longMsg{},
		closing:      make(chan struct{}),
		dispatchStop: make(chan struct{}),
		dispatchDone: make(chan struct{}),
	}
	c.cache.size = cfg.CacheSize
	c.state = ConnState{Kind: Connecting, At: time.Now()}
	if cfg.Rate > 0 {
		c.lim = rate.NewLimiter(rate.Limit(cfg.Rate), 1)
	}
	return c
}

// Start binds the transmitter and the receiver and keeps them bound until
// ctx ends or Close. It returns at once.
func (c *Client) Start(ctx context.Context) error {
	if c.cfg.Addr == "" {
		return &sms.Error{EN: "no SMPP address", RU: "не задан адрес SMPP"}
	}
	c.smu.Lock()
	defer c.smu.Unlock()
	switch {
	case c.closed:
		return ErrClosed
	case c.started.Load():
		return errors.New("smpp: started twice")
	}
	lctx, cancel := context.WithCancel(ctx)
	c.cancelLinks = cancel
	c.started.Store(true)
	c.links.Add(2)
	go c.run(lctx, c.tx)
	go c.run(lctx, c.rx)
	go c.dispatch()
	go func() {
		select {
		case <-ctx.Done():
			c.Close()
		case <-c.closing:
		}
	}()
	return nil
}

// Close unbinds, stops reconnecting, and hands the receipts already taken
// to OnReceipts before it returns.
func (c *Client) Close() error {
	c.closeOnce.Do(func() {
		c.smu.Lock()
		c.closed = true
		started := c.started.Load()
		c.smu.Unlock()
		close(c.closing)
		if started {
			c.cancelLinks()
			c.links.Wait()
			close(c.dispatchStop)
			<-c.dispatchDone
		}
		c.smu.Lock()
		if c.stopErr == nil {
			c.stopErr = ErrClosed
			c.tx.kind, c.tx.err = Stopped, ErrClosed
			c.rx.kind, c.rx.err = Stopped, ErrClosed
			c.publishLocked()
		}
		c.smu.Unlock()
		c.notifyState()
	})
	return nil
}

// State is the connection's state now.
func (c *Client) State() ConnState {
	c.smu.Lock()
	defer c.smu.Unlock()
	return c.state
}

// StateChanges signals state changes: it holds the latest state not yet
// taken (older ones are dropped), so a slow reader sees the newest.
func (c *Client) StateChanges() <-chan ConnState { return c.stateCh }

// setLink changes a link's state and publishes the client's.
func (c *Client) setLink(l *link, kind StateKind, err error, retry time.Duration) {
	c.smu.Lock()
	if c.stopErr != nil && kind != Stopped {
		c.smu.Unlock()
		return
	}
	l.kind, l.err, l.retry = kind, err, retry
	c.publishLocked()
	c.smu.Unlock()
	c.notifyState()
}

// publishLocked computes the client's state from its links and wakes
// whoever waits for a link; c.smu is held.
func (c *Client) publishLocked() {
	s := ConnState{Kind: Connecting}
	switch a, b := c.tx, c.rx; {
	case a.kind == Stopped || b.kind == Stopped:
		l := a
		if a.kind != Stopped || (b.kind == Stopped && a.err == ErrClosed && b.err != ErrClosed) {
			l = b
		}
		s = ConnState{Kind: Stopped, Link: l.name, Err: l.err}
		if l.err == ErrClosed {
			s.Link = ""
		}
	case a.kind == Bound && b.kind == Bound:
		s.Kind = Bound
	case a.kind == Lost || b.kind == Lost:
		l := a
		if a.kind != Lost {
			l = b
		}
		s = ConnState{Kind: Lost, Link: l.name, Err: l.err, Retry: l.retry}
	}
	// Waiters (Send waiting for the transmitter) look at the links.
	close(c.changed)
	c.changed = make(chan struct{})
	if s.Kind == c.state.Kind && s.Link == c.state.Link && s.Err == c.state.Err && s.Retry == c.state.Retry {
		return
	}
	s.At = time.Now()
	c.state = s
	c.stateSeq++
	select {
	case <-c.stateCh:
	default:
	}
	c.stateCh <- s
}

// notifyState calls OnState with the newest state not yet given, outside
// c.smu (so OnState may call State), in order.
func (c *Client) notifyState() {
	if c.cfg.OnState == nil {
		return
	}
	c.onStateMu.Lock()
	defer c.onStateMu.Unlock()
	c.smu.Lock()
	s, seq := c.state, c.stateSeq
	c.smu.Unlock()
	if seq > c.stateGiven {
		c.stateGiven = seq
		c.cfg.OnState(s)
	}
}

// stop ends every attempt for good (wrong password or login).
func (c *Client) stop(l *link, err error) {
	c.smu.Lock()
	c.stopErr = err
	l.kind, l.err = Stopped, err
	c.publishLocked()
	c.smu.Unlock()
	c.notifyState()
	c.cancelLinks()
}

type closer interface{ Close() error }

// closeWait bounds the wait for a link's Close: the library's Receiver
// writes an unbind without a deadline, which a dead peer may never take.
const closeWait = 2 * time.Second

// closeWithin closes obj, waiting at most d; a Close that hangs is left
// to finish on its own rather than hold up the reconnect.
func closeWithin(obj closer, d time.Duration) {
	done := make(chan struct{})
	go func() {
		obj.Close()
		close(done)
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

// bind binds l once: it gives what to close, the transmitter (nil for
// the receiver), and a channel that tells why the link was lost.
func (c *Client) bind(ctx context.Context, l *link) (closer, *txLink, <-chan error, error) {
	if !l.rx {
		bctx, cancel := context.WithTimeout(ctx, c.cfg.BindTimeout)
		defer cancel()
		t, err := dialTx(bctx, c.cfg)
		if err != nil {
			return nil, nil, nil, err
		}
		lost := make(chan error, 1)
		go func() {
			<-t.dead
			lost <- t.ended()
		}()
		return t, t, lost, nil
	}
	r := &smpp.Receiver{Addr: c.cfg.Addr, User: c.cfg.User, Passwd: c.cfg.Password, SystemType: c.cfg.SystemType,
		EnquireLink: c.cfg.EnquireLink, BindInterval: never, Handler: c.handle}
	status := r.Bind()
	timer := time.NewTimer(c.cfg.BindTimeout)
	defer timer.Stop()
	var err error
	select {
	case st, ok := <-status:
		switch {
		case !ok:
			err = errStatusClosed
		case st.Status() != smpp.Connected:
			err = statusErr(st)
		}
	case <-timer.C:
		err = ErrBindTimeout
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		closeWithin(r, closeWait)
		return nil, nil, nil, err
	}
	lost := make(chan error, 1)
	go func() { // ends with the object: Close closes the status channel
		st, ok := <-status
		if !ok {
			lost <- errStatusClosed
			return
		}
		lost <- statusErr(st)
	}()
	return r, nil, lost, nil
}

var (
	errLinkDead     = errors.New("the link stopped answering")
	errStatusClosed = errors.New("the library closed its status channel")
)

// run keeps one link bound: bind, watch, close on any loss, back off,
// again; until ctx ends or a final bind refusal.
func (c *Client) run(ctx context.Context, l *link) {
	defer c.links.Done()
	attempt := 0
	for {
		c.setLink(l, Connecting, nil, 0)
		obj, tx, lost, err := c.bind(ctx, l)
		if err == nil {
			attempt = 0
			c.st.binds.Add(1)
			c.smu.Lock()
			l.tx = tx
			c.smu.Unlock()
			c.setLink(l, Bound, nil, 0)
			select {
			case err = <-lost:
			case <-ctx.Done():
			}
			c.smu.Lock()
			l.tx = nil
			c.smu.Unlock()
			closeWithin(obj, closeWait)
			if ctx.Err() == nil {
				c.st.losses.Add(1)
			}
		}
		if ctx.Err() != nil {
			return
		}
		var s Status
		if errors.As(err, &s) && s.Final() {
			c.stop(l, err)
			return
		}
		attempt++
		d := c.cfg.Backoff.Delay(attempt)
		c.setLink(l, Lost, err, d)
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
}

// statusErr turns a library status into an error; bind refusals become a
// Status.
func statusErr(st smpp.ConnStatus) error {
	err := st.Error()
	var ps pdu.Status
	if errors.As(err, &ps) {
		return Status(ps)
	}
	if err == nil {
		return errors.New(strings.ToLower(st.Status().String()))
	}
	return err
}

// transmitter gives the bound transmitter, waiting up to wait for a bind;
// a link that has ended is never given, even before run has seen it end.
func (c *Client) transmitter(ctx context.Context, wait time.Duration) (*txLink, error) {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		c.smu.Lock()
		t, stop, ch, last := c.tx.tx, c.stopErr, c.changed, c.tx.err
		c.smu.Unlock()
		switch {
		case t != nil && t.ended() == nil:
			return t, nil
		case stop != nil:
			return nil, &NotBoundError{Err: stop}
		case !c.started.Load():
			return nil, ErrNotStarted
		}
		if timer == nil {
			timer = time.NewTimer(wait)
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-timer.C:
			return nil, &NotBoundError{Err: last}
		}
	}
}

// NotBoundError says that no message left because the transmitter was
// not bound; Err is the last failure, if any.
type NotBoundError struct{ Err error }

func (e *NotBoundError) Error() string {
	if e.Err == nil {
		return ErrNotBound.EN
	}
	return ErrNotBound.EN + ": " + e.Err.Error()
}

// Text gives the error in a person's language, with the last failure's
// reason.
func (e *NotBoundError) Text(l sms.Lang) string {
	t := ErrNotBound.Text(l)
	if e.Err != nil {
		t += ": " + Reason(e.Err, l)
	}
	return t
}

func (e *NotBoundError) Unwrap() error { return e.Err }

// Balance is not an SMPP command: it answers with Config.Balance when set,
// else ErrNoBalance.
func (c *Client) Balance(ctx context.Context) (float64, error) {
	if c.cfg.Balance != nil {
		return c.cfg.Balance(ctx)
	}
	return 0, ErrNoBalance
}

// Statuses answers from the receipts received in this run (the latest
// CacheSize): SMPP has no status request (query_sm is not served by the
// gateway). An id without a receipt yet is reported with StatusNone; the
// error is always nil, so that the tracker and `send --wait` can poll.
func (c *Client) Statuses(ctx context.Context, ids []int64) ([]sms.StatusReport, error) {
	out := make([]sms.StatusReport, len(ids))
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, id := range ids {
		out[i] = sms.StatusReport{ID: id}
		if e, ok := c.cache.m[id]; ok {
			out[i].Status, out[i].Parts = e.status, e.parts
		}
	}
	return out, nil
}

// octets is a text already encoded: go-smpp's codecs would send raw UTF-8
// for what they cannot encode.
type octets struct {
	coding byte
	b      []byte
}

func (o octets) Type() pdutext.DataCoding { return pdutext.DataCoding(o.coding) }
func (o octets) Encode() []byte           { return o.b }
func (o octets) Decode() []byte           { return o.b }

// job is one message ready to go.
type job struct {
	i        int
	src, dst string
	srcTON   byte
	coding   byte
	parts    [][]byte
	validity time.Duration
	sched    string
}

var errNoSender = &sms.Error{EN: "no sender name", RU: "не указан отправитель"}

// prepare checks and encodes a message; an error means NotSent.
func (c *Client) prepare(m sms.Message) (job, error) {
	var j job
	dst, err := sms.NormalizePhone(m.To)
	if err != nil {
		return j, err
	}
	src := strings.TrimSpace(m.Sender)
	if src == "" {
		return j, errNoSender
	}
	j.srcTON = 5 // alphanumeric, NPI 0
	if d := strings.TrimPrefix(src, "+"); d != "" && isDigits(d) {
		src, j.srcTON = d, 1 // numeric: TON 1, NPI 0
	}
	j.coding, j.parts, err = Split(m.Text, c.cfg.Latin1Limit, byte(c.ref.Add(1)))
	if err != nil {
		return j, err
	}
	j.src, j.dst = src, dst
	j.validity = min(m.Validity, sms.MaxValidity)
	if !m.At.IsZero() {
		j.sched = absTime(m.At)
	}
	return j, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

// absTime writes an SMPP absolute time in UTC: YYMMDDhhmmss, tenths 0,
// offset 00, "+".
func absTime(t time.Time) string { return t.UTC().Format("060102150405") + "000+" }

// Send submits the messages, at most Window parts in flight over all
// Sends, and returns one result per message in order. It waits up to
// ConnectWait for the transmitter to be bound, and so does every part
// whose turn comes while the link is down, or that finds its link lost
// before it was written (it goes on the next link; see tryLinks). A
// message whose first part was not written is NotSent; one whose answer
// did not come is OutcomeUnknown; a long message cut short after some
// parts were accepted is Refused (a part was refused) or OutcomeUnknown
// (the link failed), with a *PartialError. A refusal carries the
// gateway's Status in Err and the HTTP code that means the same in Code
// (0 when none does).
func (c *Client) Send(ctx context.Context, msgs []sms.Message) []sms.Result {
	res := make([]sms.Result, len(msgs))
	jobs := make([]job, 0, len(msgs))
	for i, m := range msgs {
		j, err := c.prepare(m)
		if err != nil {
			res[i] = sms.Result{Outcome: sms.NotSent, Err: err}
			continue
		}
		j.i = i
		jobs = append(jobs, j)
	}
	if len(jobs) == 0 {
		return res
	}
	if _, err := c.transmitter(ctx, c.cfg.ConnectWait); err != nil {
		for _, j := range jobs {
			res[j.i] = sms.Result{Outcome: sms.NotSent, Err: err}
		}
		return res
	}
	workers := min(c.cfg.Window, len(jobs))
	if workers == 1 {
		for k := range jobs {
			res[jobs[k].i] = c.sendJob(ctx, &jobs[k])
		}
		return res
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= len(jobs) {
					return
				}
				res[jobs[k].i] = c.sendJob(ctx, &jobs[k])
			}
		}()
	}
	wg.Wait()
	return res
}

// acquire takes a window slot, after the rate allows.
func (c *Client) acquire(ctx context.Context) error {
	if c.lim != nil {
		if err := c.lim.Wait(ctx); err != nil {
			return err
		}
	}
	select {
	case c.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sendJob submits a message's parts in order, stopping at the first
// failure.
func (c *Client) sendJob(ctx context.Context, j *job) sms.Result {
	n := len(j.parts)
	var first int64
	var lm *longMsg
	if n > 1 {
		c.mu.Lock()
		c.multi++
		c.mu.Unlock()
		defer func() {
			c.mu.Lock()
			c.multi--
			c.mu.Unlock()
		}()
	}
	for k := range j.parts {
		a, sent, err := c.submitPart(ctx, j, k)
		o, code := sms.Accepted, sms.Code(0)
		switch {
		case !sent:
			c.st.notSent.Add(1)
			o = sms.NotSent
		case err != nil:
			c.st.unknown.Add(1)
			o = sms.OutcomeUnknown
		case a.status != 0:
			c.st.refused.Add(1)
			s := Status(a.status)
			o, code, err = sms.Refused, s.Code(), s
		case a.cmd != cmdSubmitSM|respBit:
			c.st.unknown.Add(1) // a generic_nack that says nothing
			o, err = sms.OutcomeUnknown, errors.New("the gateway answered generic_nack without a status")
		}
		if o != sms.Accepted {
			if k == 0 {
				return sms.Result{Outcome: o, Code: code, Err: err}
			}
			if o == sms.NotSent {
				o = sms.OutcomeUnknown
			}
			return sms.Result{Outcome: o, Code: code, Parts: k, Err: &PartialError{Sent: k, Total: n, FirstID: first, Err: err}}
		}
		c.st.accepted.Add(1)
		id := c.messageID(a.id)
		if k == 0 {
			first = id
		}
		if n > 1 && id > 0 {
			lm = c.notePart(lm, first, id, n)
		}
	}
	return sms.Result{Outcome: sms.Accepted, ID: first, Parts: n}
}

// submitPart writes part k of j on a bound transmitter and waits for the
// answer. A part that found its link lost before it was written whole
// never left: it waits for the next link, up to tryLinks links. sent
// reports whether it was written; err, when set, why it was not, or why
// no answer came.
func (c *Client) submitPart(ctx context.Context, j *job, k int) (a answer, sent bool, err error) {
	seq, b, err := submitPDU(j, k)
	if err != nil {
		return a, false, err
	}
	for range tryLinks {
		var t *txLink
		t, err = c.transmitter(ctx, c.cfg.ConnectWait)
		if err == nil {
			err = c.acquire(ctx)
		}
		if err != nil {
			return a, false, err
		}
		a, sent, err = t.call(seq, b, c.cfg.RespTimeout)
		<-c.sem
		if sent {
			c.st.submitted.Add(1)
			return a, true, err
		}
	}
	return a, false, err
}

// submitPDU encodes part k of j as a submit_sm, with go-smpp's encoder.
func submitPDU(j *job, k int) (uint32, []byte, error) {
	p := pdu.NewSubmitSM(nil)
	f := p.Fields()
	f.Set(pdufield.SourceAddrTON, j.srcTON)
	f.Set(pdufield.SourceAddr, j.src)
	f.Set(pdufield.DestAddrTON, uint8(1))
	f.Set(pdufield.DestAddrNPI, uint8(1))
	f.Set(pdufield.DestinationAddr, j.dst)
	if len(j.parts) > 1 {
		f.Set(pdufield.ESMClass, uint8(0x40)) // a UDH leads the text
	}
	f.Set(pdufield.ScheduleDeliveryTime, j.sched)
	if j.validity > 0 {
		f.Set(pdufield.ValidityPeriod, absTime(time.Now().Add(j.validity)))
	}
	f.Set(pdufield.RegisteredDelivery, pdufield.FinalDeliveryReceipt)
	f.Set(pdufield.ShortMessage, octets{j.coding, j.parts[k]}) // data_coding and sm_length too
	b, err := encode(p)
	return p.Header().Seq, b, err
}

// Stats are the client's counters.
type Stats struct {
	// submit_sm PDUs (parts): Submitted were written whole, and are
	// Accepted, Refused or Unknown; NotSent were given up unwritten.
	Submitted, Accepted, Refused, Unknown, NotSent int64
	Receipts                                       int64 // receipts read
	Unreadable                                     int64 // deliver_sm that were no readable receipt
	Published                                      int64 // status reports handed to OnReceipts
	Binds, Losses                                  int64
}

type counters struct {
	submitted, accepted, refused, unknown, notSent atomic.Int64
	receipts, unreadable, published                atomic.Int64
	binds, losses                                  atomic.Int64
}

// Stats reads the counters.
func (c *Client) Stats() Stats {
	s := &c.st
	return Stats{Submitted: s.submitted.Load(), Accepted: s.accepted.Load(), Refused: s.refused.Load(),
		Unknown: s.unknown.Load(), NotSent: s.notSent.Load(), Receipts: s.receipts.Load(),
		Unreadable: s.unreadable.Load(), Published: s.published.Load(), Binds: s.binds.Load(), Losses: s.losses.Load()}
}
