package smpp

import (
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/smsdash/smsdash/sms"
)

// Status is an SMPP command_status the gateway answered. It is an error;
// the gateway's own codes (SPEC 1.4) have Russian and English texts, any
// other is shown by number.
type Status uint32

// The gateway's SMPP error codes.
const (
	StatusMalformed   Status = 0x02  // malformed PDU
	StatusBadBind     Status = 0x04  // bad bind request
	StatusBadSender   Status = 0x0A  // sender invalid or not allowed
	StatusBadDest     Status = 0x0B  // bad destination number
	StatusBadPassword Status = 0x0E  // wrong SMPP password
	StatusNetwork     Status = 0x22  // network unavailable
	StatusEncoding    Status = 0x4A3 // encoding not supported
	StatusNoFunds     Status = 0x4A4 // insufficient funds
	StatusTooLong     Status = 0x4A5 // text set wrongly: too many characters

	// statusBadSystemID is SMPP 3.4's "invalid system_id" (a wrong login):
	// not in the gateway's table, but as final as a wrong password.
	statusBadSystemID Status = 0x0F
)

type statusInfo struct {
	en, ru, hintEN, hintRU string
	code                   sms.Code // the HTTP code that means the same, if any
}

var statuses = map[Status]statusInfo{
	StatusNetwork:   {"network unavailable", "сеть недоступна", "", "", sms.CodeUnavailable},
	StatusBadDest:   {"bad recipient number", "некорректный номер получателя сообщения", "", "", sms.CodeBadRecipient},
	StatusBadBind:   {"bad bind request", "некорректный bind-запрос", "", "", 0},
	StatusMalformed: {"malformed PDU", "некорректно сформированный PDU", "", "", 0},
	StatusBadPassword: {"wrong SMPP password", "неправильный пароль к подключению по SMPP",
		"the SMPP password is set apart from the account's: «Мои настройки → Персональные данные → SMPP подключение»",
		"пароль SMPP задаётся отдельно от пароля кабинета: «Мои настройки → Персональные данные → SMPP подключение»", sms.CodeAuth},
	StatusBadSender: {"sender name invalid or not allowed", "имя отправителя некорректно или не доступно для использования", "", "", sms.CodeBadSender},
	StatusEncoding:  {"encoding not supported", "кодировка не поддерживается", "", "", 0},
	StatusNoFunds:   {"insufficient funds", "не хватает средств для отправки сообщения", "", "", sms.CodeNoFunds},
	StatusTooLong: {"message text too long", "некорректно задан текст сообщения: количество символов превышено",
		"lower the Latin-1 single-part limit in Settings (smpp latin1_limit)", "уменьшите предел латиницы в одной части в настройках (smpp latin1_limit)", 0},
}

// Known reports whether the status is in the gateway's table.
func (s Status) Known() bool { _, ok := statuses[s]; return ok }

// Hex gives "0x0000000E".
func (s Status) Hex() string { return fmt.Sprintf("0x%08X", uint32(s)) }

// Text gives the description, or "SMPP error 0x…" for a code the gateway
// does not document.
func (s Status) Text(l sms.Lang) string {
	info, ok := statuses[s]
	switch {
	case !ok && l == sms.RU:
		return "ошибка SMPP " + s.Hex()
	case !ok:
		return "SMPP error " + s.Hex()
	case l == sms.RU:
		return info.ru
	}
	return info.en
}

// Explain gives the status with its number and, if any, its hint:
// "wrong SMPP password (0x0000000E; the SMPP password is set apart …)".
// sms.ErrText says a Status so.
func (s Status) Explain(l sms.Lang) string {
	if !s.Known() {
		return s.Text(l)
	}
	t := s.Text(l) + " (" + s.Hex()
	if h := s.Hint(l); h != "" {
		t += "; " + h
	}
	return t + ")"
}

// Hint gives advice where one helps, else "".
func (s Status) Hint(l sms.Lang) string {
	if l == sms.RU {
		return statuses[s].hintRU
	}
	return statuses[s].hintEN
}

// Error gives "SMPP 0x0000000E: wrong SMPP password".
func (s Status) Error() string {
	if !s.Known() {
		return s.Text(sms.EN)
	}
	return "SMPP " + s.Hex() + ": " + s.Text(sms.EN)
}

// Code gives the HTTP API's code that means the same (0x4A4 → -1, 0x0B →
// -4, 0x0A → -5, 0x0E → -2, 0x22 → -10), or 0 when there is none. A
// refused sms.Result carries it in Code and the Status itself in Err.
func (s Status) Code() sms.Code { return statuses[s].code }

// Final reports whether retrying a bind cannot help (wrong password or
// login).
func (s Status) Final() bool { return s == StatusBadPassword || s == statusBadSystemID }

// PartialError says that a long message was cut short: Sent of Total
// parts were accepted before Err. The recipient may see a broken text.
type PartialError struct {
	Sent, Total int
	FirstID     int64 // the gateway's id of the first part
	Err         error
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("%d of %d parts accepted (first id %d), then: %v", e.Sent, e.Total, e.FirstID, e.Err)
}

// Text gives the error in a person's language.
func (e *PartialError) Text(l sms.Lang) string {
	if l == sms.RU {
		return fmt.Sprintf("принято частей: %d из %d (id первой %d), затем: %s; получатель мог увидеть обрывок текста",
			e.Sent, e.Total, e.FirstID, cause(e.Err, sms.RU))
	}
	return fmt.Sprintf("%d of %d parts accepted (first id %d), then: %s; the recipient may see a broken text", e.Sent, e.Total, e.FirstID, cause(e.Err, l))
}

func (e *PartialError) Unwrap() error { return e.Err }

// Link errors.
var (
	ErrBindTimeout = &sms.Error{EN: "no answer to the bind request", RU: "нет ответа на запрос bind"}
	ErrClosed      = &sms.Error{EN: "the SMPP client is closed", RU: "SMPP-клиент закрыт"}
	ErrNotStarted  = &sms.Error{EN: "the SMPP client was not started", RU: "SMPP-клиент не запущен"}
	ErrNotBound    = &sms.Error{EN: "not bound to the SMPP gateway", RU: "нет связи со шлюзом SMPP"}
	ErrNoStatuses  = &sms.Error{EN: "SMPP has no status request: statuses come as delivery receipts",
		RU: "в SMPP нет запроса статуса: статусы приходят отчётами о доставке"}
	ErrNoBalance = &sms.Error{EN: "SMPP has no balance command: the balance is read over HTTP (API PLAIN)",
		RU: "в SMPP нет команды баланса: баланс читается по HTTP (API PLAIN)"}
)

// refusedHint follows a refused connection's text: the real gateway
// refuses addresses not registered with it as if nothing listened.
var refusedHint = [2]string{
	"the gateway admits SMPP only from IP addresses registered with support@sms-assistent.by: send them this machine's address",
	"шлюз принимает SMPP только с IP-адресов, зарегистрированных в support@sms-assistent.by: сообщите им адрес этой машины",
}

// cause says why a link failed or a send did (sms.ErrText), with the IP
// registration's hint after a refused connection.
func cause(err error, l sms.Lang) string {
	t := sms.ErrText(err, l)
	if errors.Is(err, syscall.ECONNREFUSED) {
		i := 0
		if l == sms.RU {
			i = 1
		}
		t += "; " + refusedHint[i]
	}
	return t
}

// oneLine keeps an error text on one line for the state view.
func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }
