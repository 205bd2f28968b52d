package smppsim

import (
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/sim"
)

// FirstID is the default first message id: decimal, above 2^31 like the
// HTTP simulator's, and in another range (sim.FirstID is 3,000,000,001)
// so that a history fed by both never sees one id twice.
const FirstID int64 = 7_000_000_001

// Defaults.
const (
	DefaultLatin1Limit   = 140
	DefaultMaxParts      = 255
	DefaultReceiptWindow = 512
	DefaultSystemID      = "SMSAssist"
	// As the HTTP side's IdleTimeout; a client's enquire_link (smsdash
	// sends one every 15 s) keeps a quiet bind alive.
	DefaultIdleTimeout    = 2 * time.Minute
	DefaultMaxConnections = 64 // smsdash opens two
)

// Options configure the SMSC. The account (login, password, balance,
// price, senders, clock) is the HTTP simulator's sim.Options, with the same
// defaults (the demo account), so `smsdash sim` fills one set of flags for
// both.
type Options struct {
	Account sim.Options
	// Ledger, when set, is charged instead of a balance of the SMSC's own:
	// pass the HTTP simulator's account so both sides spend one balance.
	Ledger Ledger
	// Latin1Limit is the most octets of a single-part Latin-1 text (and,
	// when over 140, the most octets of a part with its UDH). Default 140.
	Latin1Limit int
	MaxParts    int    // most parts a UDH may announce; default 255
	FirstID     int64  // default FirstID
	SystemID    string // answered in bind_resp; default DefaultSystemID
	// ReceiptWindow is how many deliver_sm a bind may have unanswered;
	// default 512.
	ReceiptWindow int
	// IdleTimeout closes a connection that sends no PDU for this long;
	// default DefaultIdleTimeout.
	IdleTimeout time.Duration
	// MaxConnections is the most connections open at once: one over it
	// is closed as soon as it is accepted. Default DefaultMaxConnections.
	MaxConnections int
	Faults         Faults
	// OnSubmit, if set, sees every submit_sm that was accepted (for tests:
	// the text as sent). It runs on the connection's reader: keep it short.
	OnSubmit func(Submit)
	// OnDiscard, if set, sees every submit_sm read after a drop began
	// (Faults.DropAfter), neither charged nor answered, its ID 0 (for
	// tests: what a client sent into the drop). On the reader too.
	OnDiscard func(Submit)
}

// Submit is an accepted submit_sm.
type Submit struct {
	ID                 int64
	Sender             string
	SourceTON, SrcNPI  byte
	Dest               string
	DestTON, DestNPI   byte
	ESMClass           byte
	DataCoding         byte
	RegisteredDelivery byte
	Schedule, Validity string
	ShortMessage       []byte // a copy
}

// Faults are injected per connection; change them on a running SMSC with
// SetFaults.
type Faults struct {
	// DropAfter drops a connection when it has read this many PDUs (the
	// bind is the first): the last one is processed like every one before
	// it, and every answer owed (a delayed one too) is written before the
	// FIN; so a charged submit_sm is always answered. What comes after is
	// read until the client closes, but neither charged nor answered
	// (Stats.Discarded, OnDiscard). 0: never. DropConnections is the fault
	// that loses answers.
	DropAfter int
	// Delay holds every response to a request for this long.
	Delay time.Duration
	// Status, if not 0, answers every submit_sm with this command_status
	// without processing it.
	Status uint32
	// ReceiverStatus, if not 0, answers every bind_receiver and
	// bind_transceiver with this command_status (transmitters still bind).
	ReceiverStatus uint32
}

// Ledger is a balance shared with the HTTP side; *sim.Server can serve as
// one once it exports a Charge method.
type Ledger interface {
	// Charge takes the price of parts from the balance and reports
	// whether it was enough (nothing is taken when not).
	Charge(parts int) bool
}

// accountDefaults fills sim.Options the way the HTTP simulator does (its
// withDefaults is not exported: the constants are).
func accountDefaults(o sim.Options) sim.Options {
	if o.Login == "" {
		o.Login = sim.DefaultLogin
	}
	if o.Password == "" {
		o.Password = sim.DefaultPassword
	}
	switch {
	case o.Balance == 0:
		o.Balance = sim.DefaultBalance
	case o.Balance < 0:
		o.Balance = 0
	}
	if o.Price <= 0 {
		o.Price = sim.DefaultPrice
	}
	if len(o.Senders) == 0 {
		o.Senders = []string{sms.DefaultSender}
	}
	o.Senders = slices.Clone(o.Senders)
	switch {
	case o.QueuedFor == 0:
		o.QueuedFor = sim.DefaultQueuedFor
	case o.QueuedFor < 0:
		o.QueuedFor = 0
	}
	switch {
	case o.SentFor == 0:
		o.SentFor = sim.DefaultSentFor
	case o.SentFor < 0:
		o.SentFor = 0
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

func (o Options) withDefaults() Options {
	o.Account = accountDefaults(o.Account)
	if o.Latin1Limit <= 0 {
		o.Latin1Limit = DefaultLatin1Limit
	}
	if o.MaxParts <= 0 || o.MaxParts > 255 {
		o.MaxParts = DefaultMaxParts
	}
	if o.FirstID <= 0 {
		o.FirstID = FirstID
	}
	if o.SystemID == "" {
		o.SystemID = DefaultSystemID
	}
	if o.ReceiptWindow <= 0 {
		o.ReceiptWindow = DefaultReceiptWindow
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.MaxConnections <= 0 {
		o.MaxConnections = DefaultMaxConnections
	}
	return o
}

// RegisterFlags adds the SMPP fault flags to fs, writing into f:
// --smpp-drop-after, --smpp-delay, --smpp-status.
func (f *Faults) RegisterFlags(fs *flag.FlagSet) {
	fs.IntVar(&f.DropAfter, "smpp-drop-after", f.DropAfter, "drop each SMPP connection after it has read `N` PDUs, all of them answered (0: never)")
	fs.DurationVar(&f.Delay, "smpp-delay", f.Delay, "delay every SMPP response by this `duration`")
	fs.Var((*statusValue)(&f.Status), "smpp-status", "answer every submit_sm with this command_status, e.g. 0x4A4 (0: none)")
}

type statusValue uint32

func (v *statusValue) String() string {
	if v == nil || *v == 0 {
		return "0"
	}
	return fmt.Sprintf("0x%X", uint32(*v))
}

func (v *statusValue) Set(s string) error {
	n, err := strconv.ParseUint(strings.TrimSpace(s), 0, 32)
	if err != nil {
		return fmt.Errorf("%q is no command_status: write it as 0x4A4 or 1188", s)
	}
	*v = statusValue(n)
	return nil
}
