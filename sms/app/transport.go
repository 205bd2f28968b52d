package app

import (
	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/config"
)

// PlainMax is the most recipients one send takes over PLAIN. PLAIN is for
// a few priority messages (a login code); the gateway throttles or blocks
// accounts that send lists one PLAIN request per number (-13, or 20 SMS a
// minute), so more go in packages.
const PlainMax = 5

// ErrMassPlain refuses PLAIN for more than PlainMax recipients.
var ErrMassPlain = &sms.Error{
	EN: "PLAIN takes at most 5 recipients at once: lists go through the XML or JSON API, in packages, never one PLAIN request per number (the gateway blocks accounts that do that, -13)",
	RU: "PLAIN — не больше 5 получателей за раз: списки идут через XML или JSON API пакетами, а не по запросу PLAIN на номер (за это шлюз блокирует аккаунт, -13)",
}

// SendTransport picks the transport of a send to n recipients: want, or
// the config's for "". The rule of PlainMax lives here, for the command
// line and Compose (a batch is always a list: sms/batch): PLAIN asked
// for with more recipients is refused; the config's PLAIN gives way to
// JSON. An unknown name is returned as it is, for the caller's message.
func (a *App) SendTransport(want string, n int) (string, error) {
	mass := n > PlainMax
	switch {
	case want == config.TransportPlain && mass:
		return "", ErrMassPlain
	case want != "":
		return want, nil
	case a.Config().API.Transport == config.TransportPlain && mass:
		return config.TransportJSON, nil
	}
	return a.Config().API.Transport, nil
}
