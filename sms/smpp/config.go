package smpp

import (
	"context"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/backoff"
)

// Defaults of Config.
const (
	DefaultWindow      = 10
	DefaultRespTimeout = 20 * time.Second // a real network, and within the gateway's 30 s
	DefaultEnquireLink = 15 * time.Second // the gateway drops a link silent for 30 s; go-smpp's floor is 10 s
	DefaultConnectWait = 30 * time.Second
	DefaultCacheSize   = 200_000

	maxEnquireLink = 25 * time.Second // the gateway drops a link silent for 30 s
)

// Config is what the SMPP transport needs; sms/config fills it from the
// [smpp] section.
type Config struct {
	Addr       string // host:port, e.g. smpp.sms-assistent.by:2776
	User       string // system_id: the account's login
	Password   string // the SMPP password (set apart in the account)
	SystemType string

	// Window is the most submit_sm in flight at once, over every Send
	// (default 10). Sends wait for room.
	Window int
	// Rate, if over 0, paces submit_sm PDUs (each part of a long
	// message counts) to this many per second.
	Rate float64
	// Latin1Limit is the single-part Latin-1 limit in octets (see Split);
	// default 140.
	Latin1Limit int

	RespTimeout time.Duration // wait for a submit_sm_resp; default 20 s
	EnquireLink time.Duration // keep-alive interval; default 15 s, at most 25 s (the receiver's, go-smpp's, 10 s at least)
	BindTimeout time.Duration // wait for a bind_resp; default RespTimeout
	// ConnectWait is how long Send waits for the transmitter to be bound
	// before it gives the messages up as not sent (the context may end
	// it sooner); default 30 s.
	ConnectWait time.Duration
	Backoff     Backoff

	// OnReceipts receives delivery receipts as status reports, a burst as
	// one slice, from one goroutine, in arrival order. Connect it to
	// store.ApplyStatuses(ctx, "smpp", …) and the tracker's Hub. It may
	// block (receipts then wait, unacknowledged by nothing but TCP), but
	// must not call Close.
	OnReceipts func([]sms.StatusReport)
	// OnState, if set, is called with the connection state when it
	// changes, in order (of a quick burst of changes it may give only the
	// newest), from the link goroutines: it must not block; it may call
	// State.
	OnState func(ConnState)
	// Balance, if set, answers Balance (the app passes the HTTP PLAIN
	// credits reader): SMPP has no balance command.
	Balance func(ctx context.Context) (float64, error)
	// CacheSize is how many receipt statuses Statuses can answer from;
	// default 200,000 (the oldest are forgotten first).
	CacheSize int
}

// Backoff is the wait between reconnect attempts (defaults 1 s and 60 s);
// a bind that held starts it again from Min.
type Backoff = backoff.Policy

func (c Config) withDefaults() Config {
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	if c.Latin1Limit < MinLatin1Limit || c.Latin1Limit > MaxLatin1Limit {
		c.Latin1Limit = DefaultLatin1Limit
	}
	if c.RespTimeout <= 0 {
		c.RespTimeout = DefaultRespTimeout
	}
	if c.EnquireLink <= 0 {
		c.EnquireLink = DefaultEnquireLink
	}
	c.EnquireLink = min(c.EnquireLink, maxEnquireLink)
	if c.BindTimeout <= 0 {
		c.BindTimeout = c.RespTimeout
	}
	if c.ConnectWait <= 0 {
		c.ConnectWait = DefaultConnectWait
	}
	if c.Backoff.Min <= 0 {
		c.Backoff.Min = time.Second
	}
	if c.Backoff.Max < c.Backoff.Min {
		c.Backoff.Max = max(60*time.Second, c.Backoff.Min)
	}
	if c.CacheSize <= 0 {
		c.CacheSize = DefaultCacheSize
	}
	return c
}

// StateKind is where the connection stands.
type StateKind uint8

const (
	// Connecting: dialling and binding (also at first, before Start).
	Connecting StateKind = iota
	// Bound: the transmitter and the receiver are both bound.
	Bound
	// Lost: a link failed; it is rebuilt after a wait (ConnState.Retry).
	Lost
	// Stopped: no more attempts: a wrong password or login, or Close.
	Stopped
)

var kindText = [...][2]string{
	{"connecting", "подключение"},
	{"bound", "подключено"},
	{"connection lost", "связь потеряна"},
	{"stopped", "остановлено"},
}

func (k StateKind) String() string { return kindText[k][0] }

// ConnState is the SMPP connection's state for the UI: the worse of the
// transmitter's and the receiver's.
type ConnState struct {
	Kind  StateKind
	Link  string        // "transmitter" or "receiver": the link the reason is about
	Err   error         // why, when Lost or Stopped
	Retry time.Duration // Lost: the wait before the next attempt
	At    time.Time
}

// Text gives the state in a person's language, e.g. "connection lost
// (receiver): the gateway closed the connection; retrying in 2s".
func (s ConnState) Text(l sms.Lang) string {
	ru := l == sms.RU
	i := 0
	if ru {
		i = 1
	}
	t := kindText[s.Kind][i]
	if s.Link != "" && s.Err != nil {
		link := s.Link
		if ru {
			link = map[string]string{"transmitter": "передатчик", "receiver": "приёмник"}[s.Link]
		}
		t += " (" + link + ")"
	}
	if s.Err != nil {
		t += ": " + oneLine(Reason(s.Err, l))
	}
	if s.Kind == Lost && s.Retry > 0 {
		d := s.Retry.Round(100 * time.Millisecond).String()
		if ru {
			t += "; повтор через " + d
		} else {
			t += "; retrying in " + d
		}
	}
	return t
}

// Hint gives advice for the state's error (the IP registration for a
// refused connection, the password's place for 0x0E), else "".
func (s ConnState) Hint(l sms.Lang) string { return Hint(s.Err, l) }

func (s ConnState) String() string { return s.Text(sms.EN) }
