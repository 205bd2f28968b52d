// Package sim is a faithful SMS-Assistent gateway over HTTP (SPEC 3): the
// PLAIN, XML and JSON APIs on the real service's paths, the documented
// result codes in a documented precedence, a balance charged by parts,
// registered senders, scheduled messages held until due, statuses that
// progress Queued → Sent → final on a configurable clock, and fault
// injection. It is the test double of every transport, the engine of DEMO
// mode and `smsdash sim`. The account lives in memory (New), or lasts in
// a world, an SQLite file shared by every simulator on it (Open, world.go).
//
// Codes, in the order they are checked (the first that applies wins):
//
// Request level — the whole request is answered with the code, nothing is
// recorded or charged:
//
//	-6  no login
//	-7  no password (and no requestAuthToken)
//	-2  wrong login, or neither the password nor the token matches
//	-12 API disabled (every request), or an unknown JSON command or an XML
//	    package with neither <message> nor <status>
//	-13 account blocked (sends only)
//	-10 injected "service unavailable" fault (every request), or the world
//	    file failing or full (nothing is recorded or charged)
//	-14 outside the allowed sending hours, Minsk time of the request (sends only)
//	-15 date_send unparsable, or earlier than now + 10 minutes less one
//	    minute of grace for transit (sends only)
//
// Message level, for each message in order — the message is refused with
// sms_id 0, the others go on:
//
//	-4  recipient is no phone number sms.NormalizePhone accepts
//	-5  sender (after defaults) is missing, invalid or not registered
//	-3  text (after defaults) is empty or white space
//	-1  balance below parts × price (a later, shorter message may still fit)
//
// Status requests check -6, -7, -2, -12, -10, then answer each id, -11 for
// an unknown or malformed one. Credits requests check -6, -7, -2, -12, -10.
//
// Outside the codes: an HTTP 500 fault answers before anything is read into
// the account; a body over MaxBody is 413; a body that is no document is
// 400; Drop and Garbage faults act after the request was processed.
package sim

import (
	"crypto/subtle"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/smsdash/smsdash/sms"
)

// FirstID is the id of the first accepted message; ids are sequential
// and above 2^31 so that clients must hold them in int64.
const FirstID int64 = 3_000_000_001

// MaxBody limits a request body.
const MaxBody = 64 << 20

// Server is a simulated gateway account. It is an http.Handler and safe
// for concurrent use.
type Server struct {
	o       Options
	senders map[string]uint16 // registered and valid sender → index in o.Senders

	mu      sync.RWMutex
	balance float64
	recs    records
	blocks  int64  // NumberBlock's blocks reserved
	world   *world // where the account lasts (Open); nil: in memory only

	rngMu sync.Mutex
	rng   *rand.Rand

	st counters
}

// records are the accepted messages, indexed by id - FirstID, in chunks
// so that growing never copies what is stored.
type records struct {
	chunks []*[chunkLen]record
	n      int64
}

const chunkBits = 14
const chunkLen = 1 << chunkBits

func (rs *records) get(i int64) (record, bool) {
	if i < 0 || i >= rs.n {
		return record{}, false
	}
	return rs.chunks[i>>chunkBits][i&(chunkLen-1)], true
}

// add stores r and gives its index.
func (rs *records) add(r record) int64 {
	i := rs.n
	if i>>chunkBits == int64(len(rs.chunks)) {
		rs.chunks = append(rs.chunks, new([chunkLen]record))
	}
	rs.chunks[i>>chunkBits][i&(chunkLen-1)] = r
	rs.n++
	return i
}

// each calls fn with every record.
func (rs *records) each(fn func(r *record)) {
	for c, ch := range rs.chunks {
		n := min(rs.n-int64(c)*chunkLen, chunkLen)
		for i := range n {
			fn(&ch[i])
		}
	}
}

// record is one accepted message, kept small: a package of 10,000 is
// appended in one short critical section.
type record struct {
	due      int64  // unix nanoseconds: max(accepted, scheduled)
	phone    uint64 // normalised recipient as a number (E.164 has at most 15 digits)
	validity uint32 // seconds, 0 for the gateway's default
	parts    uint16
	sender   uint16 // index in o.Senders, or noSender
}

// noSender is the sender of a world's message whose sender this
// simulator has not registered.
const noSender = 0xFFFF

// New makes a simulated account from o, filling defaults.
func New(o Options) *Server {
	o = o.withDefaults()
	s := &Server{
		o:       o,
		senders: make(map[string]uint16, len(o.Senders)),
		balance: o.Balance,
		rng:     rand.New(rand.NewPCG(uint64(o.Seed), 0x5ee15ee1)),
	}
	for i, name := range o.Senders {
		if sms.ValidateSender(name) == nil && i < noSender {
			if _, dup := s.senders[name]; !dup {
				s.senders[name] = uint16(i)
			}
		}
	}
	return s
}

// Balance gives the credits left (as last read, should the world file
// fail).
func (s *Server) Balance() float64 {
	b, _ := s.balanceNow()
	return b
}

func (s *Server) balanceNow() (b float64, err error) {
	err = s.view(func() { b = s.balance })
	return b, err
}

// Charge takes the price of parts from the balance, or nothing when it is
// not enough (or the world file fails). The SMPP side of the simulator
// charges through it, so both sides spend one balance.
func (s *Server) Charge(parts int) bool {
	cost := float64(parts) * s.o.Price
	ok := false
	err := s.update(func() {
		if ok = s.balance >= cost; ok {
			s.balance -= cost
		}
	})
	return ok && err == nil
}

// Received counts the accepted messages to a normalised number ("375296717259").
func (s *Server) Received(recipient string) int {
	phone, ok := phoneNumber(recipient)
	if !ok {
		return 0
	}
	n := 0
	s.view(func() {
		s.recs.each(func(r *record) {
			if r.phone == phone {
				n++
			}
		})
	})
	return n
}

// Record describes an accepted message.
type Record struct {
	ID        int64
	Recipient string // normalised
	Sender    string
	Parts     int
	Validity  time.Duration // 0: the gateway's default
	Due       time.Time     // when it leaves the queue: accepted or scheduled time
	Status    sms.Status    // as a status request would answer now
}

// Message looks up an accepted message by id.
func (s *Server) Message(id int64) (Record, bool) {
	r, ok := s.lookup(id)
	if !ok {
		return Record{}, false
	}
	sender := ""
	if r.sender != noSender {
		sender = s.o.Senders[r.sender]
	}
	return Record{
		ID: id, Recipient: strconv.FormatUint(r.phone, 10), Sender: sender,
		Parts: int(r.parts), Validity: time.Duration(r.validity) * time.Second,
		Due: time.Unix(0, r.due), Status: s.status(r, s.o.Now().UnixNano()),
	}, true
}

func (s *Server) lookup(id int64) (r record, ok bool) {
	s.view(func() { r, ok = s.recs.get(id - FirstID) })
	return r, ok
}

// status is the clock: Queued until due+QueuedFor, Sent until
// due+QueuedFor+SentFor, then final by the recipient's last two digits.
func (s *Server) status(r record, now int64) sms.Status {
	d := time.Duration(now - r.due)
	switch {
	case d < s.o.QueuedFor:
		return sms.Queued
	case d < s.o.QueuedFor+s.o.SentFor:
		return sms.Sent
	}
	return FinalStatus(r.phone)
}

// FinalStatus is the outcome rule by the number's last two digits: 00
// Rejected, 01 Expired, 02 Failed, 03 Unknown (for ever), else Delivered.
func FinalStatus(phone uint64) sms.Status {
	switch phone % 100 {
	case 0:
		return sms.Rejected
	case 1:
		return sms.Expired
	case 2:
		return sms.Failed
	case 3:
		return sms.Unknown
	}
	return sms.Delivered
}

// operator names the Belarusian network of a number, for the JSON status
// reply's "operator" field; "" when it is not Belarusian mobile.
func operator(phone uint64) string {
	// 375, the operator code, 7 digits
	if phone < 375_000_000_000 || phone >= 376_000_000_000 {
		return ""
	}
	code := phone / 10_000_000 % 100
	switch code {
	case 25:
		return "life:)"
	case 33:
		return "MTS"
	case 44:
		return "A1"
	case 29:
		switch phone / 1_000_000 % 10 {
		case 1, 3, 6, 9:
			return "A1"
		default:
			return "MTS"
		}
	}
	return ""
}

// phoneNumber reads normalised digits as a number.
func phoneNumber(s string) (uint64, bool) {
	if len(s) == 0 || len(s) > 15 || s[0] == '0' {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// creds are what a request says about who sends it.
type creds struct{ login, password, token string }

// kind of request, for the precedence.
type kind uint8

const (
	kindSend kind = iota
	kindStatus
	kindCredits
	kindSendStatus // an XML or JSON package holding both
	kindUnknown    // parsed, but asks for nothing known: -12 after auth
)

func (k kind) sends() bool { return k == kindSend || k == kindSendStatus }

func eq(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// check applies the request-level codes -6 … -14 (see the package comment);
// 0 lets the request go on.
func (s *Server) check(c creds, k kind, unavailable bool, now time.Time) sms.Code {
	switch {
	case c.login == "":
		return sms.CodeNoLogin
	case c.password == "" && c.token == "":
		return sms.CodeNoPassword
	case !eq(c.login, s.o.Login) || !(eq(c.password, s.o.Password) || (s.o.Token != "" && eq(c.token, s.o.Token))):
		return sms.CodeAuth
	case s.o.APIDisabled || k == kindUnknown:
		return sms.CodeOther
	case k.sends() && s.o.Blocked:
		return sms.CodeBlocked
	case unavailable:
		s.st.faultUnavailable.Add(1)
		return sms.CodeUnavailable
	case k.sends() && !inHours(s.o.Hours, now.In(sms.Minsk).Hour()):
		return sms.CodeOutsideHours
	}
	return 0
}

// scheduleGrace forgives a date_send that transit made a little late.
const scheduleGrace = time.Minute

// dueTime reads date_send: the zero time for "now", or -15.
func dueTime(dateSend string, now time.Time) (time.Time, sms.Code) {
	dateSend = strings.TrimSpace(dateSend)
	if dateSend == "" {
		return time.Time{}, 0
	}
	at, err := sms.ParseDateSend(dateSend)
	if err != nil || at.Before(now.Add(sms.MinScheduleLead-scheduleGrace)) {
		return time.Time{}, sms.CodeBadDateSend
	}
	return at, 0
}

// in is one message of a send request after the package's defaults.
type in struct {
	recipient, sender, text string
	validity                time.Duration
}

// out is the result of one message: an id, or a code.
type out struct {
	id    int64
	parts int
	code  sms.Code
	rec   record
}

// send runs the messages of a send request that passed check: -15, then
// each message. get fills message i. A non-zero code refuses the whole
// request: -10 when the world file fails, and then nothing is recorded.
func (s *Server) send(now time.Time, dateSend string, n int, get func(i int, m *in)) (sms.Code, []out) {
	at, code := dueTime(dateSend, now)
	if code != 0 {
		return code, nil
	}
	due := now
	if at.After(now) {
		due = at
	}
	res := make([]out, n)
	// Outside the lock: normalise, validate, measure.
	var m in
	var lastText string
	lastParts := -1
	for i := range res {
		m = in{}
		get(i, &m)
		r := &res[i]
		phone, err := sms.NormalizePhone(m.recipient)
		num, ok := phoneNumber(phone)
		if err != nil || !ok {
			r.code = sms.CodeBadRecipient
			r.parts = s.parts(m.text, &lastText, &lastParts)
			continue
		}
		sender, ok := s.senders[m.sender]
		if !ok {
			r.code = sms.CodeBadSender
			r.parts = s.parts(m.text, &lastText, &lastParts)
			continue
		}
		if strings.TrimSpace(m.text) == "" {
			r.code = sms.CodeNoText
			continue
		}
		r.parts = s.parts(m.text, &lastText, &lastParts)
		r.rec = record{due: due.UnixNano(), phone: num, validity: uint32(min(m.validity, sms.MaxValidity) / time.Second),
			parts: uint16(min(r.parts, 0xFFFF)), sender: sender}
	}
	// Inside: charge and record.
	accepted, parts := 0, 0
	err := s.update(func() {
		for i := range res {
			r := &res[i]
			if r.code != 0 {
				continue
			}
			cost := float64(r.parts) * s.o.Price
			if s.balance < cost {
				r.code = sms.CodeNoFunds
				continue
			}
			s.balance -= cost
			r.id = FirstID + s.recs.add(r.rec)
			accepted++
			parts += r.parts
		}
	})
	s.st.messages.Add(int64(n))
	if err != nil {
		return sms.CodeUnavailable, nil
	}
	s.st.accepted.Add(int64(accepted))
	s.st.parts.Add(int64(parts))
	return 0, res
}

// parts measures a text, remembering the last one: a package usually
// repeats its default text.
func (s *Server) parts(text string, lastText *string, lastParts *int) int {
	if *lastParts >= 0 && text == *lastText {
		return *lastParts
	}
	p := sms.Measure(text).Parts
	*lastText, *lastParts = text, p
	return p
}

// statusOut answers one id of a status request.
type statusOut struct {
	raw    string // the id as the request wrote it
	id     int64
	found  bool
	rec    record
	status sms.Status
}

// statuses answers the ids of a status request that passed check. When
// the world file fails it answers from the account as last read, and
// -10: a package that also sent tells its ids all the same.
func (s *Server) statuses(now time.Time, ids []string) ([]statusOut, sms.Code) {
	res := make([]statusOut, len(ids))
	for i, raw := range ids {
		res[i].raw = raw
		res[i].id, _ = strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	}
	err := s.view(func() {
		for i := range res {
			res[i].rec, res[i].found = s.recs.get(res[i].id - FirstID)
		}
	})
	t := now.UnixNano()
	for i := range res {
		if res[i].found {
			res[i].status = s.status(res[i].rec, t)
		}
	}
	if err != nil {
		return res, sms.CodeUnavailable
	}
	return res, 0
}

// Stats are the simulator's counters.
type Stats struct {
	Requests        int64 // every request, whatever its path
	SendRequests    int64 // requests that asked to send (counted on arrival, whatever followed)
	StatusRequests  int64
	CreditsRequests int64
	Messages        int64 // messages processed one by one, accepted or refused
	Accepted        int64
	Parts           int64 // parts charged
	Faults          FaultStats
}

// FaultStats count injected faults by kind.
type FaultStats struct {
	Latency     int64 // requests delayed
	Cancelled   int64 // of those, given up by the client during the delay (not processed)
	HTTP500     int64
	Unavailable int64 // -10 actually answered
	Drop        int64
	Garbage     int64
}

type counters struct {
	requests, sendRequests, statusRequests, creditsRequests atomic.Int64
	messages, accepted, parts                               atomic.Int64
	faultLatency, faultCancelled, fault500                  atomic.Int64
	faultUnavailable, faultDrop, faultGarbage               atomic.Int64
}

// Stats reads the counters.
func (s *Server) Stats() Stats {
	c := &s.st
	return Stats{
		Requests: c.requests.Load(), SendRequests: c.sendRequests.Load(),
		StatusRequests: c.statusRequests.Load(), CreditsRequests: c.creditsRequests.Load(),
		Messages: c.messages.Load(), Accepted: c.accepted.Load(), Parts: c.parts.Load(),
		Faults: FaultStats{
			Latency: c.faultLatency.Load(), Cancelled: c.faultCancelled.Load(), HTTP500: c.fault500.Load(),
			Unavailable: c.faultUnavailable.Load(), Drop: c.faultDrop.Load(), Garbage: c.faultGarbage.Load(),
		},
	}
}
