package sms

import (
	"errors"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// NormalizePhone turns a typed number into the gateway's form: international
// digits without "+", e.g. "375296717259". Belarusian mobile numbers in every
// form people type (SPEC 1.9) take a fast path; anything else goes through
// libphonenumber with Belarus as the default region, and foreign numbers it
// calls valid mobile numbers are kept. A rejection says why, in both languages.
func NormalizePhone(s string) (string, error) {
	if n, ok := fastBelarus(s); ok {
		return n, nil
	}
	return slowPhone(s)
}

// fastBelarus accepts the Belarusian mobile forms without the library:
// 375XXXXXXXXX, 80XXXXXXXXX, XXXXXXXXX (operator code first), with spaces,
// dashes, dots, brackets and one leading "+". It must agree with the
// library's data; a test compares the two.
func fastBelarus(s string) (string, bool) {
	var d [12]byte
	n, plus := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n == len(d) {
				return "", false
			}
			d[n] = c
			n++
		case c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c == '\t':
		case c == '+' && n == 0 && !plus:
			plus = true
		default:
			return "", false
		}
	}
	var local []byte // operator code + 7 digits
	switch {
	case n == 12 && d[0] == '3' && d[1] == '7' && d[2] == '5':
		local = d[3:12]
	case n == 11 && d[0] == '8' && d[1] == '0' && !plus:
		local = d[2:11]
	case n == 9 && !plus:
		local = d[:9]
	default:
		return "", false
	}
	if !belarusMobile(local) {
		return "", false
	}
	var out [12]byte
	copy(out[:], "375")
	copy(out[3:], local)
	return string(out[:]), true
}

// belarusMobile follows libphonenumber's BY mobile pattern:
// 25[5-79]XXXXXX, 29[1-9]XXXXXX, 33XXXXXXX, 44XXXXXXX.
func belarusMobile(l []byte) bool {
	switch string(l[:2]) {
	case "25":
		return l[2] == '5' || l[2] == '6' || l[2] == '7' || l[2] == '9'
	case "29":
		return l[2] != '0'
	case "33", "44":
		return true
	}
	return false
}

func slowPhone(s string) (string, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return "", errorf("empty phone number", "пустой номер телефона")
	}
	for _, r := range in {
		if unicode.IsLetter(r) {
			return "", phoneErr(s, "contains a letter "+quote(string(r)), "содержит букву "+quote(string(r)))
		}
	}
	num, err := phonenumbers.Parse(in, "BY")
	if err != nil {
		switch {
		case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
			return "", phoneErr(s, "no such country code", "нет такого кода страны")
		case errors.Is(err, phonenumbers.ErrTooShortNSN), errors.Is(err, phonenumbers.ErrTooShortAfterIDD):
			return "", phoneErr(s, "too short", "слишком короткий")
		case errors.Is(err, phonenumbers.ErrNumTooLong):
			return "", phoneErr(s, "too long", "слишком длинный")
		}
		return "", phoneErr(s, "not a phone number", "не номер телефона")
	}
	switch phonenumbers.IsPossibleNumberWithReason(num) {
	case phonenumbers.TOO_SHORT:
		return "", phoneErr(s, "too few digits", "слишком мало цифр")
	case phonenumbers.TOO_LONG:
		return "", phoneErr(s, "too many digits", "слишком много цифр")
	case phonenumbers.INVALID_COUNTRY_CODE:
		return "", phoneErr(s, "no such country code", "нет такого кода страны")
	case phonenumbers.INVALID_LENGTH:
		return "", phoneErr(s, "wrong number of digits for its country", "неверное число цифр для этой страны")
	}
	by := num.GetCountryCode() == 375
	if !phonenumbers.IsValidNumber(num) {
		if by {
			return "", belarusReason(s, phonenumbers.GetNationalSignificantNumber(num))
		}
		return "", phoneErr(s, "no such number in its country's numbering plan", "такого номера нет в плане нумерации страны")
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
	case phonenumbers.FIXED_LINE:
		return "", phoneErr(s, "a landline number cannot receive SMS", "стационарный номер не принимает SMS")
	default:
		return "", phoneErr(s, "not a mobile number", "не мобильный номер")
	}
	return strings.TrimPrefix(phonenumbers.Format(num, phonenumbers.E164), "+"), nil
}

// belarusReason explains why a number in Belarus is no mobile number.
func belarusReason(in, nsn string) *Error {
	n := itoa(int64(len(nsn)))
	switch {
	case len(nsn) != 9:
		return phoneErr(in, n+" digits where a mobile number has 9 after 375 or 80: operator code and 7 digits",
			"цифр "+n+", а у мобильного номера их 9 после 375 или 80: код оператора и 7 цифр")
	case !belarusMobile([]byte(nsn)) && (nsn[:2] == "25" || nsn[:2] == "29"):
		return phoneErr(in, "no such number at operator "+nsn[:2], "у оператора "+nsn[:2]+" нет такого номера")
	}
	return phoneErr(in, "operator code "+nsn[:2]+" is not mobile: mobile codes are 25, 29, 33, 44",
		"код "+nsn[:2]+" не мобильный: мобильные коды 25, 29, 33, 44")
}

func phoneErr(in, en, ru string) *Error {
	q := quote(in)
	return errorf("phone "+q+": "+en, "номер "+q+": "+ru)
}

// Recipient is one item of a list of numbers as an agent typed it.
type Recipient struct {
	Typed  string // the item, trimmed
	Number string // normalised (NormalizePhone); "" when Err is set
	Err    error  // why the item is no number a message can go to
	Dup    bool   // the same number as an earlier item: it is sent once
}

// ParseRecipients is the one rule for a list of numbers, wherever it is
// typed (Compose's To, the command line's --to): items are separated by
// commas, semicolons, tabs and line breaks (CR, LF or both), which is
// what a spreadsheet's row or column gives when pasted. Spaces do not
// separate: a number itself may hold them ("+375 29 671-72-59"). Empty
// items are skipped; a number given twice is marked Dup.
func ParseRecipients(s string) []Recipient {
	var out []Recipient
	seen := map[string]bool{}
	for _, typed := range strings.FieldsFunc(s, isRecipientSep) {
		typed = strings.TrimSpace(typed)
		if typed == "" {
			continue
		}
		n, err := NormalizePhone(typed)
		out = append(out, Recipient{Typed: typed, Number: n, Err: err, Dup: err == nil && seen[n]})
		seen[n] = seen[n] || err == nil
	}
	return out
}

func isRecipientSep(r rune) bool {
	return r == ',' || r == ';' || r == '\t' || r == '\r' || r == '\n'
}
