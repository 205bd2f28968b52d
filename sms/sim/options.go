package sim

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/smsdash/smsdash/sms"
)

// Defaults of Options: the demo account of SPEC 3.
const (
	DefaultLogin     = "demo"
	DefaultPassword  = "demo"
	DefaultBalance   = 100.0
	DefaultPrice     = 1.0
	DefaultQueuedFor = 2 * time.Second
	DefaultSentFor   = 3 * time.Second
)

// Options configure a simulated account. The zero value is the demo
// account: login demo, password demo, 100 credits, 1 credit a part,
// sender CMC, Queued for 2 s then Sent for 3 s.
type Options struct {
	Login, Password string
	// Token is an optional requestAuthToken accepted instead of the
	// password (JSON key, XML package attribute, PLAIN parameter).
	Token   string
	Balance float64 // credits; 0 gives 100, a negative value an empty account
	Price   float64 // credits per part; 0 or less gives 1
	Senders []string
	// The clock: a message is Queued for QueuedFor after it was accepted
	// (or after its scheduled time), then Sent for SentFor, then final.
	// Zero gives the defaults; a negative value skips the stage.
	QueuedFor, SentFor time.Duration
	Blocked            bool   // every send answers -13
	APIDisabled        bool   // every request answers -12
	Hours              [2]int // allowed sending hours [from, to) in Minsk time; from > to wraps midnight; from == to: always
	Faults             Faults
	Now                func() time.Time // default time.Now
	Seed               int64            // seed of the fault injection draws
}

// Faults are injected per request, on every endpoint. The four shares are
// decided by one seeded draw per request and exclude each other, taken in
// the order HTTP500, Unavailable, Drop, Garbage (shares that sum over 1
// starve the later kinds).
type Faults struct {
	Latency     time.Duration // added before answering each request; a client that gives up ends the wait
	HTTP500     float64       // share answered HTTP 500 without processing
	Unavailable float64       // share answered -10 (at its place in the precedence) without processing
	Drop        float64       // share whose connection is closed after processing, before any reply (a writer that cannot be hijacked, such as httptest.ResponseRecorder, gets panic(http.ErrAbortHandler))
	Garbage     float64       // share answered 200 with a garbage body after processing
}

func (f Faults) any() bool { return f.HTTP500+f.Unavailable+f.Drop+f.Garbage > 0 }

// withDefaults fills what is unset.
func (o Options) withDefaults() Options {
	if o.Login == "" {
		o.Login = DefaultLogin
	}
	if o.Password == "" {
		o.Password = DefaultPassword
	}
	switch {
	case o.Balance == 0:
		o.Balance = DefaultBalance
	case o.Balance < 0:
		o.Balance = 0
	}
	if o.Price <= 0 {
		o.Price = DefaultPrice
	}
	if len(o.Senders) == 0 {
		o.Senders = []string{sms.DefaultSender}
	}
	o.Senders = slices.Clone(o.Senders)
	switch {
	case o.QueuedFor == 0:
		o.QueuedFor = DefaultQueuedFor
	case o.QueuedFor < 0:
		o.QueuedFor = 0
	}
	switch {
	case o.SentFor == 0:
		o.SentFor = DefaultSentFor
	case o.SentFor < 0:
		o.SentFor = 0
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// RegisterFlags adds the simulator's flags to fs, writing into o. Values
// already in o are the flags' defaults; unset ones show the package
// defaults.
func (o *Options) RegisterFlags(fs *flag.FlagSet) {
	d := o.withDefaults()
	fs.StringVar(&o.Login, "login", d.Login, "account `login`")
	// The usage never shows a preset password as the default.
	fs.StringVar(&o.Password, "password", "", "account `password` (default "+DefaultPassword+"; visible to other local users in the process list: for test accounts only)")
	o.Password = d.Password
	fs.StringVar(&o.Token, "token", o.Token, "requestAuthToken accepted instead of the password (empty: none)")
	fs.Float64Var(&o.Balance, "balance", d.Balance, "starting balance in `credits`")
	fs.Float64Var(&o.Price, "price", d.Price, "`credits` charged per SMS part")
	o.Senders = d.Senders
	fs.Var((*sendersValue)(&o.Senders), "senders", "registered sender `names`, comma separated")
	fs.DurationVar(&o.QueuedFor, "queued-for", d.QueuedFor, "how long a message stays Queued after it is accepted or due")
	fs.DurationVar(&o.SentFor, "sent-for", d.SentFor, "how long a message stays Sent before its final status")
	fs.DurationVar(&o.Faults.Latency, "latency", o.Faults.Latency, "delay added before every reply")
	fs.Var((*shareValue)(&o.Faults.HTTP500), "fail-500", "`share` (0..1) of requests answered HTTP 500 without processing")
	fs.Var((*shareValue)(&o.Faults.Unavailable), "fail-unavailable", "`share` (0..1) of requests answered -10 without processing")
	fs.Var((*shareValue)(&o.Faults.Drop), "drop", "`share` (0..1) of requests processed, then dropped without a reply")
	fs.Var((*shareValue)(&o.Faults.Garbage), "garbage", "`share` (0..1) of requests processed, then answered with garbage")
	fs.Int64Var(&o.Seed, "seed", o.Seed, "`seed` of the fault injection draws")
	fs.BoolVar(&o.Blocked, "blocked", o.Blocked, "answer every send with -13 (blocked)")
	fs.BoolVar(&o.APIDisabled, "api-disabled", o.APIDisabled, "answer every request with -12 (API not enabled)")
	fs.Var((*hoursValue)(&o.Hours), "hours", "allowed sending `hours` in Minsk time, e.g. 9-21 (empty: always)")
}

type sendersValue []string

func (v *sendersValue) String() string {
	if v == nil {
		return ""
	}
	return strings.Join(*v, ",")
}

func (v *sendersValue) Set(s string) error {
	var out []string
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if err := sms.ValidateSender(name); err != nil {
			return err
		}
		out = append(out, name)
	}
	if len(out) == 0 {
		return errors.New("no sender names")
	}
	*v = out
	return nil
}

type shareValue float64

func (v *shareValue) String() string {
	if v == nil {
		return "0"
	}
	return strconv.FormatFloat(float64(*v), 'g', -1, 64)
}

func (v *shareValue) Set(s string) error {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f > 1 || f != f {
		return fmt.Errorf("%q is not a share between 0 and 1", s)
	}
	*v = shareValue(f)
	return nil
}

type hoursValue [2]int

func (v *hoursValue) String() string {
	if v == nil || v[0] == v[1] {
		return ""
	}
	return strconv.Itoa(v[0]) + "-" + strconv.Itoa(v[1])
}

func (v *hoursValue) Set(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		*v = hoursValue{}
		return nil
	}
	from, to, ok := strings.Cut(s, "-")
	a, err1 := strconv.Atoi(strings.TrimSpace(from))
	b, err2 := strconv.Atoi(strings.TrimSpace(to))
	if !ok || err1 != nil || err2 != nil || a < 0 || a > 24 || b < 0 || b > 24 {
		return fmt.Errorf("%q: want FROM-TO in whole hours 0..24 of Minsk time, e.g. 9-21", s)
	}
	*v = hoursValue{a, b}
	return nil
}

// inHours reports whether the Minsk hour h is inside [from, to).
func inHours(hours [2]int, h int) bool {
	from, to := hours[0], hours[1]
	switch {
	case from == to || (from == 0 && to == 24):
		return true
	case from < to:
		return h >= from && h < to
	}
	return h >= from || h < to // wraps midnight
}

// CheckListenAddr refuses an address that other machines could reach
// unless allowRemote: the simulator speaks plain HTTP and its demo account
// has a published password. A missing host and 0.0.0.0 or :: listen on
// every interface and so count as remote.
func CheckListenAddr(addr string, allowRemote bool) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: want HOST:PORT, e.g. 127.0.0.1:8080", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		if _, lerr := net.LookupPort("tcp", port); lerr != nil {
			return fmt.Errorf("listen address %q: port %q is not a number 0..65535", addr, port)
		}
	}
	if allowRemote {
		return nil
	}
	why := "the simulator speaks plain HTTP and accepts a known demo password: use a loopback address such as 127.0.0.1:" + port + ", or allow remote access explicitly"
	if host == "" {
		return fmt.Errorf("listen address %q has no host, so it listens on every interface and other machines could reach it; %s", addr, why)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	ip := net.ParseIP(strings.TrimSuffix(strings.SplitN(host, "%", 2)[0], "."))
	switch {
	case ip == nil:
		return fmt.Errorf("listen host %q is not an IP address, so it cannot be known to be loopback; %s", host, why)
	case ip.IsUnspecified():
		return fmt.Errorf("listen host %s means every interface, so other machines could reach it; %s", host, why)
	case !ip.IsLoopback():
		return fmt.Errorf("listen host %s is not a loopback address, so other machines could reach it; %s", host, why)
	}
	return nil
}
