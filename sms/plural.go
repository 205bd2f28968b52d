package sms

import (
	"fmt"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Plural is a counted text in one language: a fmt format for each CLDR
// cardinal form, with the count as the first argument. English has one
// and other; Russian one, few and many (its other is for fractions, and
// a count is whole). A form left empty falls back to Other.
type Plural struct {
	Lang                  Lang
	One, Few, Many, Other string
}

// PluralEN is an English counted text: "%d message", "%d messages".
func PluralEN(one, other string) Plural { return Plural{Lang: EN, One: one, Other: other} }

// PluralRU is a Russian counted text: "%d сообщение", "%d сообщения",
// "%d сообщений".
func PluralRU(one, few, many string) Plural {
	return Plural{Lang: RU, One: one, Few: few, Many: many, Other: many}
}

// N formats the form that n takes, with n and then a as its arguments
// (a form names them by index, %[2]s, when the count does not come first).
func (p Plural) N(n int, a ...any) string {
	return fmt.Sprintf(p.Form(n), append([]any{n}, a...)...)
}

// Form is the format that n takes.
func (p Plural) Form(n int) string {
	var f string
	switch PluralForm(p.Lang, n) {
	case plural.One:
		f = p.One
	case plural.Few:
		f = p.Few
	case plural.Many:
		f = p.Many
	}
	if f == "" {
		return p.Other
	}
	return f
}

// PluralForm is the CLDR cardinal form of the whole number n in l
// (English unless l is Russian).
func PluralForm(l Lang, n int) plural.Form {
	tag := language.English
	if l == RU {
		tag = language.Russian
	}
	if n < 0 {
		n = -n
	}
	return plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)
}
