package sms

import "strings"

// DefaultSender is the only sender an account has until a name is
// registered, written in Latin letters (the documentation shows «СМС»).
const DefaultSender = "CMC"

const senderPunct = "_%#@!*()-.;?'&<>+=:"

// ValidateSender checks a sender name against SPEC 1.7: 1 to 11 characters,
// Latin letters, digits and the listed punctuation, and not a phone number.
// Whether the name is registered only the gateway knows.
func ValidateSender(s string) error {
	if s == "" {
		return errorf("sender is empty", "отправитель не указан")
	}
	if s == "СМС" || s == "смс" {
		return errorf(`sender "СМС" is written in Cyrillic: use Latin "CMC"`, `отправитель «СМС» написан кириллицей: используйте латинское «CMC»`)
	}
	n, digits := 0, 0
	for _, r := range s {
		n++
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9':
			digits++
		case r < 128 && strings.ContainsRune(senderPunct, r):
		default:
			return errorf("sender "+quote(s)+": character "+quote(string(r))+" is not allowed (Latin letters, digits and "+senderPunct+")",
				"отправитель "+quote(s)+": символ "+quote(string(r))+" недопустим (латиница, цифры и "+senderPunct+")")
		}
	}
	if digits == n || (strings.HasPrefix(s, "+") && digits == n-1) {
		return errorf("sender "+quote(s)+" looks like a phone number: operators refuse those", "отправитель "+quote(s)+" похож на номер телефона: операторы такие запрещают")
	}
	if n > 11 {
		return errorf("sender "+quote(s)+" is longer than 11 characters", "отправитель "+quote(s)+" длиннее 11 символов")
	}
	return nil
}
