package sms

import (
	"context"
	"time"
)

// Message is one SMS to one recipient, as the agent asked for it.
type Message struct {
	To       string        // normalised: international digits, no "+"
	Text     string        //
	Sender   string        //
	At       time.Time     // scheduled send time; zero sends now
	Validity time.Duration // zero leaves the gateway's default
}

// Outcome is what became of a send request for one message.
type Outcome uint8

const (
	// NotSent: the request never left (no connection, or refused by a
	// check before sending). Safe to send again.
	NotSent Outcome = iota
	// Accepted: the gateway gave the message an id.
	Accepted
	// Refused: the gateway answered with an error code.
	Refused
	// OutcomeUnknown: the request may have reached the gateway but no
	// usable answer came back. Never resend it blindly: the agent decides.
	OutcomeUnknown
)

var outcomeText = [...][2]string{
	{"not sent", "не отправлено"},
	{"accepted", "принято"},
	{"refused", "отклонено шлюзом"},
	{"outcome unknown", "результат неизвестен"},
}

func (o Outcome) String() string { return outcomeText[o][0] }

// Text gives the outcome in a person's language.
func (o Outcome) Text(l Lang) string {
	if l == RU {
		return outcomeText[o][1]
	}
	return outcomeText[o][0]
}

// outcomeWords are the words scripts read (--json): the history's words
// for the same outcomes (store.State), so that one spelling is used
// everywhere.
var outcomeWords = [...]string{"not_sent", "accepted", "refused", "unknown"}

// MarshalText writes the outcome's word for JSON output.
func (o Outcome) MarshalText() ([]byte, error) { return []byte(outcomeWords[o]), nil }

// Result is the outcome of sending one Message.
type Result struct {
	Outcome Outcome
	ID      int64 // gateway id when Accepted (ids above 2^31 happen)
	Parts   int   // parts the gateway counted (sms_count), when it said
	Code    Code  // gateway code when Refused
	Err     error // why, when NotSent or OutcomeUnknown
}

// StatusReport is the gateway's answer about one message id.
type StatusReport struct {
	ID     int64
	Status Status // StatusNone when Code is set
	Parts  int
	Code   Code // non-zero when the gateway refused to tell (-11 bad id)
}

// Gateway is what the UI, the tracker, the batch sender and the command
// line need from any transport; none of them knows which wire is used.
type Gateway interface {
	// Send sends messages, split into packages as the transport needs,
	// and returns one Result per message, in order. It never retries a
	// request that may have reached the gateway.
	Send(ctx context.Context, msgs []Message) []Result
	// Statuses asks the status of each id; reports come in the order
	// of ids. An error means no report could be had at all.
	Statuses(ctx context.Context, ids []int64) ([]StatusReport, error)
	// Balance reads the account's credits.
	Balance(ctx context.Context) (float64, error)
}

// UnmarshalText reads the word back.
func (o *Outcome) UnmarshalText(b []byte) error {
	for i := range outcomeWords {
		if outcomeWords[i] == string(b) {
			*o = Outcome(i)
			return nil
		}
	}
	return errorf("unknown outcome "+quote(string(b)), "неизвестный результат "+quote(string(b)))
}
