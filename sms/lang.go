package sms

// Lang selects the language of texts shown to a person.
type Lang string

const (
	RU Lang = "ru"
	EN Lang = "en"
)

// Error is a domain error with a Russian and an English text. Error() gives
// the English one so that logs and scripts see a stable text.
type Error struct {
	EN, RU string
}

func (e *Error) Error() string { return e.EN }

// Text gives the message in the requested language.
func (e *Error) Text(l Lang) string {
	if l == RU {
		return e.RU
	}
	return e.EN
}

func errorf(en, ru string) *Error { return &Error{EN: en, RU: ru} }
