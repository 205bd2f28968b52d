package sms

import "strings"

// Status is a message's delivery status as the gateway names it (SPEC 1.6).
// The zero value means that no status has been read yet.
type Status uint8

const (
	StatusNone Status = iota
	Queued
	Sent
	Delivered
	Expired
	Rejected
	Unknown
	Failed
)

var statusWords = [...]string{"", "Queued", "Sent", "Delivered", "Expired", "Rejected", "Unknown", "Failed"}

var statusText = [...][2]string{ // en, ru
	{"no status yet", "статус ещё не получен"},
	{"queued", "в очереди"},
	{"sent, awaiting report", "отправлено, ждёт отчёта"},
	{"delivered", "доставлено"},
	{"expired", "просрочено"},
	{"not delivered", "не доставлено"},
	{"unknown", "неизвестен"},
	{"not sent", "не отправлено"},
}

// Statuses lists every status the gateway reports, in table order.
var Statuses = []Status{Queued, Sent, Delivered, Expired, Rejected, Unknown, Failed}

// String gives the API word ("Delivered").
func (s Status) String() string {
	if int(s) < len(statusWords) {
		return statusWords[s]
	}
	return "Status(" + itoa(int64(s)) + ")"
}

// Text gives a short human description.
func (s Status) Text(l Lang) string {
	if int(s) >= len(statusText) {
		return s.String()
	}
	if l == RU {
		return statusText[s][1]
	}
	return statusText[s][0]
}

// Final reports whether the status can no longer change. Unknown is not
// final: the gateway may still learn the outcome until validity has passed.
func (s Status) Final() bool {
	return s == Delivered || s == Expired || s == Rejected || s == Failed
}

// ParseStatus reads an API status word, ignoring case and surrounding space.
func ParseStatus(word string) (Status, bool) {
	w := strings.TrimSpace(word)
	for i := 1; i < len(statusWords); i++ {
		if strings.EqualFold(w, statusWords[i]) {
			return Status(i), true
		}
	}
	return StatusNone, false
}

// MarshalText writes the API word, so JSON output and files carry words.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads an API word; an empty text is StatusNone.
func (s *Status) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*s = StatusNone
		return nil
	}
	v, ok := ParseStatus(string(b))
	if !ok {
		return errorf("unknown status "+quote(string(b)), "неизвестный статус "+quote(string(b)))
	}
	*s = v
	return nil
}
