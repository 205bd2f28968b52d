package sms

// Code is a gateway result code (SPEC 1.5): negative values are errors.
// Codes this table does not know are kept as numbers, never dropped.
// A Code is an error so that a refusal can travel as one.
type Code int

const (
	CodeNoFunds      Code = -1
	CodeAuth         Code = -2
	CodeNoText       Code = -3
	CodeBadRecipient Code = -4
	CodeBadSender    Code = -5
	CodeNoLogin      Code = -6
	CodeNoPassword   Code = -7
	CodeUnavailable  Code = -10
	CodeBadID        Code = -11
	CodeOther        Code = -12
	CodeBlocked      Code = -13
	CodeOutsideHours Code = -14
	CodeBadDateSend  Code = -15
)

type codeInfo struct{ en, ru, hintEN, hintRU string }

var codes = map[Code]codeInfo{
	CodeNoFunds:      {"insufficient funds", "недостаточно средств", "", ""},
	CodeAuth:         {"wrong login or password", "неправильный логин или пароль", "check the login and password in Settings; the API password is the account password", "проверьте логин и пароль в настройках; пароль API совпадает с паролем личного кабинета"},
	CodeNoText:       {"no message text", "отсутствует текст сообщения", "", ""},
	CodeBadRecipient: {"bad recipient number", "некорректный номер получателя", "", ""},
	CodeBadSender:    {"bad sender name", "некорректный отправитель", "", ""},
	CodeNoLogin:      {"no login", "отсутствует логин", "", ""},
	CodeNoPassword:   {"no password", "отсутствует пароль", "", ""},
	CodeUnavailable:  {"service temporarily unavailable", "сервис временно недоступен", "", ""},
	CodeBadID:        {"bad message id", "некорректный ID сообщения", "", ""},
	CodeOther:        {"other error", "другая ошибка", "often the API is not enabled: SMS-рассылка → Рассылка по API in the account", "часто API не включён: «SMS-рассылка → Рассылка по API» в личном кабинете"},
	CodeBlocked:      {"blocked", "заблокировано", "mass sending through PLAIN one number at a time gets blocked: send batches as XML or JSON, or ask support", "массовая отправка через PLAIN по одному номеру блокируется: отправляйте пакетом через XML или JSON, или напишите в поддержку"},
	CodeOutsideHours: {"outside the account's allowed sending hours", "запрос не укладывается в разрешённое время отправки", "the hours are set in «Мои настройки → Персональные настройки»", "время задаётся в «Мои настройки → Персональные настройки»"},
	CodeBadDateSend:  {"bad scheduled date", "некорректная дата отправки", "the date must be in Minsk time and at least 10 minutes from now", "дата — по времени Минска и не раньше чем через 10 минут"},
}

// Known reports whether the code is in the documented table.
func (c Code) Known() bool { _, ok := codes[c]; return ok }

// Text gives the code's description, or "unknown gateway code N".
func (c Code) Text(l Lang) string {
	info, ok := codes[c]
	switch {
	case !ok && l == RU:
		return "неизвестный код шлюза " + itoa(int64(c))
	case !ok:
		return "unknown gateway code " + itoa(int64(c))
	case l == RU:
		return info.ru
	}
	return info.en
}

// Hint gives advice for codes where one helps, else "".
func (c Code) Hint(l Lang) string {
	info := codes[c]
	if l == RU {
		return info.hintRU
	}
	return info.hintEN
}

// Error gives "gateway code -2: wrong login or password".
func (c Code) Error() string {
	return "gateway code " + itoa(int64(c)) + ": " + c.Text(EN)
}

// Temporary reports whether asking again later may succeed.
func (c Code) Temporary() bool { return c == CodeUnavailable }

// AccountWide reports whether the code says the account cannot send now
// (no funds, wrong credentials, API off, blocked, outside its hours, the
// service down): nothing was sent, and it is worth sending again once
// that is fixed, unlike a refusal of the message itself.
func (c Code) AccountWide() bool {
	switch c {
	case CodeNoFunds, CodeAuth, CodeNoLogin, CodeNoPassword, CodeUnavailable, CodeOther, CodeBlocked, CodeOutsideHours:
		return true
	}
	return false
}

// Explain gives the code with its text and, if any, its hint:
// "-12 other error (often the API is not enabled: …)".
func (c Code) Explain(l Lang) string {
	s := itoa(int64(c)) + " " + c.Text(l)
	if h := c.Hint(l); h != "" {
		s += " (" + h + ")"
	}
	return s
}

// AboutMessage reports whether the code concerns one message (its text,
// recipient or sender) rather than the account or the whole request.
func (c Code) AboutMessage() bool {
	return c == CodeNoText || c == CodeBadRecipient || c == CodeBadSender
}
