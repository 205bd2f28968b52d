// Package smppsim is the simulator's SMSC: SMS-Assistent's SMPP 3.4
// interface (SPEC 1.4) on loopback, for `smsdash sim --smpp`, DEMO mode and
// the tests of sms/smpp. It shares the account rules with the HTTP
// simulator (sms/sim): login and password, balance and price, registered
// senders, the clock (Queued for QueuedFor, Sent for SentFor, then final)
// and the outcome rule by the recipient's last two digits (sim.FinalStatus).
//
// PDUs served: bind_transmitter, bind_receiver, bind_transceiver, unbind,
// submit_sm, enquire_link; deliver_sm_resp, enquire_link_resp and
// generic_nack are taken; anything else is answered generic_nack 0x03.
//
// bind_*, checked in this order:
//
//	0x05 already bound
//	0x04 the body is not a bind (missing fields), or interface_version below 0x34 (3.3 is not served)
//	0x0E wrong system_id (login) or password; the socket stays open
//
// submit_sm, checked in this order (the first that applies answers; a
// refused submit is not charged):
//
//	0x04 the connection is not bound as transmitter or transceiver
//	     (Faults.Status, if set, answers here without processing)
//	0x02 malformed body (a field runs past the end, a C-string past its
//	     size, a broken TLV or UDH)
//	0xC1 message_payload present: the text goes ONLY in short_message
//	0x4A3 data_coding other than 3 (ISO-8859-1) or 8 (UCS-2BE)
//	0x0A sender not registered in the account, or its TON/NPI wrong
//	     (names 5/0, digits 1/0)
//	0x0B destination TON/NPI not 1/1, or not a number sms.NormalizePhone
//	     accepts written in its international form
//	0x4A5 empty text, odd UCS-2 length, more octets than a part holds
//	     (single part: Latin1Limit octets for data_coding 3, 140 for 8;
//	     with a UDH, esm_class 0x40: max(140, Latin1Limit) for 3, 140 for
//	     8), or a UDH announcing more than MaxParts parts
//	0x61 schedule_delivery_time unreadable
//	0x4A4 balance below the price of one part
//
// Every accepted submit_sm is one part and is charged one part's price; it
// gets a decimal message_id from FirstID on. With registered_delivery 1 (or
// 2 for failures only) a receipt follows on the clock as a deliver_sm
// (esm_class 0x04) whose text is the gateway's format
//
//	id:<id> sub:001 dlvrd:<001|000> submit date:<YYMMDDhhmm> done date:<YYMMDDhhmm> stat:<STAT> err:<NNN>
//
// with STAT by the last two digits: 00 UNDELIV (API Rejected), 01 EXPIRED,
// 02 REJECTED (API Failed), 03 UNKNOWN, else DELIVRD; receipted_message_id
// and message_state TLVs are added. Receipts go to any receiver or
// transceiver bind of the account, at most ReceiptWindow unanswered per
// bind; with none bound they wait, and the ones a bind left unanswered
// when it went down are sent again to the next one (at least once).
//
// Of sim.Options the SMPP side uses Login, Password, Balance, Price,
// Senders (those sms.ValidateSender accepts), QueuedFor, SentFor and Now;
// Token, Blocked, APIDisabled, Hours and the HTTP Faults are HTTP matters
// the gateway's SMPP documentation says nothing of. Its own Faults drop a
// connection after N PDUs (every one answered first), delay responses,
// answer submit_sm with a given status, or refuse receiver binds.
//
// Like the HTTP side, it holds no connection forever: one that sends no
// PDU for IdleTimeout is closed (enquire_link keeps it alive), and one
// accepted while MaxConnections are open is closed at once.
package smppsim

import (
	"bufio"
	"container/heap"
	"errors"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/sim"
)

// Running is an SMSC serving on a listener.
type Running struct {
	o       Options
	ln      net.Listener
	senders map[string]bool
	faults  atomic.Pointer[Faults]

	mu       sync.Mutex
	balance  float64
	recs     []record // by id - FirstID
	due      receiptHeap
	queue    []*receipt // due, waiting for a receiver
	sessions map[*session]struct{}
	rx       map[*session]struct{} // bound receivers and transceivers
	closing  bool

	poke   chan struct{}
	closed chan struct{}
	wg     sync.WaitGroup
	once   sync.Once
	st     counters
}

type record struct {
	due    int64 // unix ns
	phone  uint64
	sender string
	coding byte
}

// receipt is a deliver_sm to send.
type receipt struct {
	at           int64 // unix ns: when it is due
	id           string
	phone        string
	sender       string
	senderTON    byte
	submit, done time.Time
	status       sms.Status
	text         string // preset text (Push); "" formats the gateway's
	noTLV        bool
}

// Start listens on addr exactly as given (use a loopback address, e.g.
// "127.0.0.1:0") and serves until Close.
func Start(addr string, o Options) (*Running, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	o = o.withDefaults()
	r := &Running{
		o: o, ln: ln, senders: map[string]bool{},
		balance:  o.Account.Balance,
		sessions: map[*session]struct{}{},
		rx:       map[*session]struct{}{},
		poke:     make(chan struct{}, 1),
		closed:   make(chan struct{}),
	}
	for _, s := range o.Account.Senders {
		if sms.ValidateSender(s) == nil { // as the HTTP simulator registers them
			r.senders[s] = true
		}
	}
	f := o.Faults
	r.faults.Store(&f)
	r.wg.Add(2)
	go r.accept()
	go r.schedule()
	return r, nil
}

// Addr is the listening address, "127.0.0.1:PORT".
func (r *Running) Addr() string { return r.ln.Addr().String() }

// SetFaults changes the injected faults for what follows.
func (r *Running) SetFaults(f Faults) { r.faults.Store(&f) }

// Close stops listening, closes every connection and waits for the
// goroutines.
func (r *Running) Close() error {
	var err error
	r.once.Do(func() {
		err = r.ln.Close()
		r.mu.Lock()
		r.closing = true // no session joins from now on
		r.mu.Unlock()
		r.DropConnections()
		close(r.closed)
		r.wg.Wait()
	})
	return err
}

// DropConnections closes every connection now, as a failing network would,
// and reports how many there were.
func (r *Running) DropConnections() int {
	r.mu.Lock()
	all := make([]*session, 0, len(r.sessions))
	for s := range r.sessions {
		all = append(all, s)
	}
	r.mu.Unlock()
	for _, s := range all {
		s.c.Close()
	}
	return len(all)
}

// Sessions counts the binds now: transmitters (with transceivers) and
// receivers (with transceivers).
func (r *Running) Sessions() (tx, rx int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for s := range r.sessions {
		k := s.bound.Load()
		if k&bindTx != 0 {
			tx++
		}
		if k&bindRx != 0 {
			rx++
		}
	}
	return tx, rx
}

// Balance gives the credits left (the Ledger's, when it tells).
func (r *Running) Balance() float64 {
	if b, ok := r.o.Ledger.(interface{ Balance() float64 }); ok {
		return b.Balance()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.balance
}

// Record describes an accepted submit_sm (one part).
type Record struct {
	ID         int64
	Recipient  string
	Sender     string
	DataCoding byte
	Due        time.Time
	Status     sms.Status // as the clock says now
}

// Message looks up an accepted part by id.
func (r *Running) Message(id int64) (Record, bool) {
	r.mu.Lock()
	i := id - r.o.FirstID
	if i < 0 || i >= int64(len(r.recs)) {
		r.mu.Unlock()
		return Record{}, false
	}
	rec := r.recs[i]
	r.mu.Unlock()
	return Record{ID: id, Recipient: strconv.FormatUint(rec.phone, 10), Sender: rec.sender, DataCoding: rec.coding,
		Due: time.Unix(0, rec.due), Status: r.status(rec, r.o.Account.Now())}, true
}

func (r *Running) status(rec record, now time.Time) sms.Status {
	d := time.Duration(now.UnixNano() - rec.due)
	switch {
	case d < r.o.Account.QueuedFor:
		return sms.Queued
	case d < r.o.Account.QueuedFor+r.o.Account.SentFor:
		return sms.Sent
	}
	return sim.FinalStatus(rec.phone)
}

// Receipt is a receipt pushed by hand with Push, for tests of receipts
// the SMSC would not make itself (unknown ids, odd texts).
type Receipt struct {
	MessageID string     // the receipted_message_id, and the text's id
	Status    sms.Status // its stat; Delivered when StatusNone
	Text      string     // the whole text; "" writes the gateway's format
	Recipient string     // default 375290000000
	Sender    string     // default CMC
	NoTLV     bool       // leave out receipted_message_id and message_state
}

// Push queues receipts for the account's receivers, as if due now.
func (r *Running) Push(rs ...Receipt) {
	now := r.o.Account.Now()
	items := make([]*receipt, len(rs))
	for i, x := range rs {
		st := x.Status
		if st == sms.StatusNone {
			st = sms.Delivered
		}
		if x.Recipient == "" {
			x.Recipient = "375290000000"
		}
		if x.Sender == "" {
			x.Sender = sms.DefaultSender
		}
		items[i] = &receipt{at: now.UnixNano(), id: x.MessageID, phone: x.Recipient, sender: x.Sender, senderTON: senderTON(x.Sender),
			submit: now, done: now, status: st, text: x.Text, noTLV: x.NoTLV}
	}
	r.mu.Lock()
	r.queue = append(r.queue, items...)
	r.wakeReceivers()
	r.mu.Unlock()
}

// Tick checks the clock now: for tests whose Options.Account.Now is not
// the wall clock.
func (r *Running) Tick() {
	select {
	case r.poke <- struct{}{}:
	default:
	}
}

// Stats are the SMSC's counters.
type Stats struct {
	Connections  int64 // accepted TCP connections
	Open         int   // connections open now
	Turned       int64 // of Connections, closed at once: MaxConnections were open
	Idle         int64 // connections closed for sending nothing for IdleTimeout
	Binds        int64 // bind requests
	BindsRefused int64
	Submits      int64 // submit_sm read and processed: Accepted + Refused
	Discarded    int64 // submit_sm read after a drop began: neither charged nor answered
	Accepted     int64
	Refused      int64
	Receipts     int64 // deliver_sm written (again after a drop counts again)
	Acked        int64 // deliver_sm_resp read
	Waiting      int   // receipts due but not yet acknowledged, and those still on the clock
	MaxInFlight  int64 // most submit_sm read and not yet answered at once, on one connection
}

type counters struct {
	conns, turned, idle, binds, bindsRefused, submits, discarded, accepted, refused, receipts, acked, maxInFlight atomic.Int64
}

// Stats reads the counters.
func (r *Running) Stats() Stats {
	c := &r.st
	s := Stats{Connections: c.conns.Load(), Turned: c.turned.Load(), Idle: c.idle.Load(),
		Binds: c.binds.Load(), BindsRefused: c.bindsRefused.Load(),
		Submits: c.submits.Load(), Discarded: c.discarded.Load(), Accepted: c.accepted.Load(), Refused: c.refused.Load(),
		Receipts: c.receipts.Load(), Acked: c.acked.Load(), MaxInFlight: c.maxInFlight.Load()}
	r.mu.Lock()
	s.Open = len(r.sessions)
	s.Waiting = len(r.queue) + len(r.due)
	for x := range r.rx {
		x.omu.Lock()
		s.Waiting += len(x.out)
		x.omu.Unlock()
	}
	r.mu.Unlock()
	return s
}

func (r *Running) accept() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		r.st.conns.Add(1)
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetNoDelay(true)
		}
		s, err := r.admit(c)
		switch {
		case err == errClosing:
			c.Close()
			return
		case err != nil:
			r.st.turned.Add(1)
			c.Close()
			continue
		}
		go s.serve()
	}
}

var (
	errClosing = errors.New("smppsim: closing")
	errFull    = errors.New("smppsim: MaxConnections are open")
)

// admit makes c a session for serve, unless the SMSC is closing or full.
func (r *Running) admit(c net.Conn) (*session, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closing:
		return nil, errClosing
	case len(r.sessions) >= r.o.MaxConnections:
		return nil, errFull
	}
	s := &session{r: r, c: c, br: bufio.NewReaderSize(c, 64<<10), bw: bufio.NewWriterSize(c, 64<<10),
		wake: make(chan struct{}, 1), done: make(chan struct{}), out: map[uint32]*receipt{}}
	r.sessions[s] = struct{}{}
	r.wg.Add(1)
	return s, nil
}

// wakeReceivers nudges every receiver's sender; r.mu is held.
func (r *Running) wakeReceivers() {
	for s := range r.rx {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// take hands at most n due receipts to a receiver.
func (r *Running) take(n int) []*receipt {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := min(n, len(r.queue))
	if k == 0 {
		return nil
	}
	items := make([]*receipt, k)
	copy(items, r.queue)
	clear(r.queue[:k])
	r.queue = r.queue[k:]
	if len(r.queue) == 0 {
		r.queue = nil
	}
	return items
}

// requeue puts receipts a receiver left unanswered first in line.
func (r *Running) requeue(items []*receipt) {
	if len(items) == 0 {
		return
	}
	r.mu.Lock()
	r.queue = append(items, r.queue...)
	r.wakeReceivers()
	r.mu.Unlock()
}

// schedule moves receipts from the clock to the queue when due.
func (r *Running) schedule() {
	defer r.wg.Done()
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		r.mu.Lock()
		now := r.o.Account.Now().UnixNano()
		moved := false
		for len(r.due) > 0 && r.due[0].at <= now {
			r.queue = append(r.queue, heap.Pop(&r.due).(*receipt))
			moved = true
		}
		wait := time.Hour
		if len(r.due) > 0 {
			wait = time.Duration(r.due[0].at - now)
		}
		if moved {
			r.wakeReceivers()
		}
		r.mu.Unlock()
		t.Reset(wait)
		select {
		case <-t.C:
		case <-r.poke:
			if !t.Stop() {
				select {
				case <-t.C:
				default:
				}
			}
		case <-r.closed:
			return
		}
	}
}

type receiptHeap []*receipt

func (h receiptHeap) Len() int           { return len(h) }
func (h receiptHeap) Less(i, j int) bool { return h[i].at < h[j].at }
func (h receiptHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *receiptHeap) Push(x any)        { *h = append(*h, x.(*receipt)) }
func (h *receiptHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return x
}
