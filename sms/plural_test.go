package sms

import "testing"

// TestPlural: the CLDR forms of the counts the issue names, in both
// languages.
func TestPlural(t *testing.T) {
	ru := PluralRU("%d сообщение", "%d сообщения", "%d сообщений")
	en := PluralEN("%d message", "%d messages")
	for _, c := range []struct {
		n      int
		ru, en string
	}{
		{0, "0 сообщений", "0 messages"},
		{1, "1 сообщение", "1 message"},
		{2, "2 сообщения", "2 messages"},
		{5, "5 сообщений", "5 messages"},
		{11, "11 сообщений", "11 messages"},
		{12, "12 сообщений", "12 messages"},
		{21, "21 сообщение", "21 messages"},
		{22, "22 сообщения", "22 messages"},
		{25, "25 сообщений", "25 messages"},
		{101, "101 сообщение", "101 messages"},
		{111, "111 сообщений", "111 messages"},
		{112, "112 сообщений", "112 messages"},
		{1001, "1001 сообщение", "1001 messages"},
		{-1, "-1 сообщение", "-1 message"},
	} {
		if got := ru.N(c.n); got != c.ru {
			t.Errorf("ru %d: %q, want %q", c.n, got, c.ru)
		}
		if got := en.N(c.n); got != c.en {
			t.Errorf("en %d: %q, want %q", c.n, got, c.en)
		}
	}
}

// TestPluralArgs: more arguments follow the count, and a form may name
// them by index.
func TestPluralArgs(t *testing.T) {
	p := PluralEN("%[2]s has %[1]d key", "%[2]s has %[1]d keys")
	if got := p.N(3, "api"); got != "api has 3 keys" {
		t.Errorf("got %q", got)
	}
	if got := p.N(1, "api"); got != "api has 1 key" {
		t.Errorf("got %q", got)
	}
	// An English text asked for a form it lacks falls back to other.
	if got := (Plural{Lang: EN, Other: "%d x"}).N(1); got != "1 x" {
		t.Errorf("got %q", got)
	}
}
