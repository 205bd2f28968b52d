package sms

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestNormalizePhoneBelarusForms(t *testing.T) {
	for _, in := range []string{
		"8(029)671-72-59", "+375 29 671-72-59", "80296717259", "296717259",
		"(29)671-72-59", "375296717259", "+375296717259", " 8 029 671 72 59 ",
		"+375 (29) 671.72.59", "8-029-671-72-59",
	} {
		got, err := NormalizePhone(in)
		if err != nil || got != "375296717259" {
			t.Errorf("NormalizePhone(%q) = %q, %v; want 375296717259", in, got, err)
		}
		if slow, err := slowPhone(in); err != nil || slow != got {
			t.Errorf("library disagrees on %q: %q, %v", in, slow, err)
		}
	}
}

func TestNormalizePhoneOther(t *testing.T) {
	tests := []struct {
		in, want, reason string
	}{
		{"+7 912 345-67-89", "79123456789", ""},
		{"+48 512 345 678", "48512345678", ""},
		{"+44 7911 123456", "447911123456", ""},
		{"375 25 555 12 34", "375255551234", ""},
		{"33 123 45 67", "375331234567", ""},
		{"44 765 43 21", "375447654321", ""},
		{"", "", "empty"},
		{"   ", "", "empty"},
		{"29671725", "", "8 digits where a mobile number has 9"},
		{"+375 29 071-72-59", "", "no such number at operator 29"},
		{"2967172590000", "", ""},
		{"+375 17 123-45-67", "", "landline"},
		{"+375 27 123-45-67", "", "not mobile"},
		{"+375 27 123-45-67", "", ""},
		{"+999 123456789", "", "country code"},
		{"29671725a", "", "letter"},
		{"hello", "", "letter"},
		{"+375 29 671-72-59 доб. 5", "", "letter"},
		{"123", "", ""},
		{"+80296717259", "", ""},
	}
	for _, tt := range tests {
		got, err := NormalizePhone(tt.in)
		if tt.want != "" {
			if err != nil || got != tt.want {
				t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
			continue
		}
		var e *Error
		if err == nil || !errors.As(err, &e) {
			t.Errorf("NormalizePhone(%q) = %q, %v; want a rejection", tt.in, got, err)
			continue
		}
		if !strings.Contains(e.Error(), tt.reason) {
			t.Errorf("NormalizePhone(%q): %q does not say %q", tt.in, e.Error(), tt.reason)
		}
		if e.Text(RU) == "" || e.Text(RU) == e.Text(EN) {
			t.Errorf("NormalizePhone(%q): no Russian reason", tt.in)
		}
	}
}

// The fast path must agree with the library on every operator prefix.
func TestFastPathAgreesWithLibrary(t *testing.T) {
	for op := 10; op < 100; op++ {
		for third := 0; third < 10; third++ {
			for _, form := range []string{"375%d%d123456", "80%d%d123456", "%d%d123456"} {
				in := strings.Replace(strings.Replace(form, "%d", itoa(int64(op)), 1), "%d", itoa(int64(third)), 1)
				fast, fok := fastBelarus(in)
				slow, err := slowPhone(in)
				if fok && (err != nil || slow != fast) {
					t.Fatalf("%q: fast path says %q, library %q, %v", in, fast, slow, err)
				}
				if !fok && err == nil && strings.HasPrefix(slow, "375") && len(slow) == 12 {
					t.Errorf("%q: library accepts %q, fast path does not (falls back, slower but right)", in, slow)
				}
			}
		}
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"8(029)671-72-59", "+375 29 671-72-59", "296717259", "+7 912 345-67-89", "", "++", "8(0", "٣٧٥"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := NormalizePhone(in)
		if err != nil {
			if got != "" || err.Error() == "" {
				t.Fatalf("rejection with output %q or empty reason", got)
			}
			return
		}
		for _, c := range got {
			if c < '0' || c > '9' {
				t.Fatalf("%q normalised to non-digits %q", in, got)
			}
		}
		again, err := NormalizePhone("+" + got)
		if err != nil || again != got {
			t.Fatalf("%q → %q is not stable: %q, %v", in, got, again, err)
		}
	})
}

func BenchmarkNormalizePhoneBelarus(b *testing.B) {
	forms := []string{"8(029)671-72-59", "+375 29 671-72-59", "80296717259", "296717259", "(29)671-72-59"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := NormalizePhone(forms[i%len(forms)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNormalizePhoneForeign(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NormalizePhone("+48 512 345 678"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestValidateSender(t *testing.T) {
	tests := []struct {
		in     string
		reason string // "" = valid
	}{
		{"CMC", ""},
		{"Shop_24", ""},
		{"A%#@!*()-.;", ""},
		{"?'&<>+=:abc", ""},
		{"ABCDEFGHIJK", ""},
		{"ABCDEFGHIJKL", "longer than 11"},
		{"", "empty"},
		{"СМС", "Cyrillic"},
		{"Магазин", "not allowed"},
		{"My Shop", "not allowed"},
		{"375296717259", "phone number"},
		{"+3752967172", "phone number"},
		{"12345", "phone number"},
		{"Shop$", "not allowed"},
	}
	for _, tt := range tests {
		err := ValidateSender(tt.in)
		switch {
		case tt.reason == "" && err != nil:
			t.Errorf("ValidateSender(%q) = %v; want valid", tt.in, err)
		case tt.reason != "" && (err == nil || !strings.Contains(err.Error(), tt.reason)):
			t.Errorf("ValidateSender(%q) = %v; want an error saying %q", tt.in, err, tt.reason)
		}
	}
}

func TestMeasure(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		enc   Encoding
		units int
		parts int
	}{
		{"empty", "", GSM7, 0, 0},
		{"one", "Hello", GSM7, 5, 1},
		{"gsm 160", strings.Repeat("a", 160), GSM7, 160, 1},
		{"gsm 161", strings.Repeat("a", 161), GSM7, 161, 2},
		{"gsm 306", strings.Repeat("a", 306), GSM7, 306, 2},
		{"gsm 307", strings.Repeat("a", 307), GSM7, 307, 3},
		{"ext counts twice", strings.Repeat("{", 80), GSM7, 160, 1},
		{"euro counts twice", strings.Repeat("€", 81), GSM7, 162, 2},
		{"escape pair not split", strings.Repeat("a", 152) + "[" + strings.Repeat("a", 10), GSM7, 164, 2},
		{"gsm accents", "Für Åse: £5 ¿qué?", GSM7, 17, 1},
		{"backtick is not gsm", "`", UCS2, 1, 1},
		{"ucs2 70", strings.Repeat("я", 70), UCS2, 70, 1},
		{"ucs2 71", strings.Repeat("я", 71), UCS2, 71, 2},
		{"ucs2 134", strings.Repeat("я", 134), UCS2, 134, 2},
		{"ucs2 135", strings.Repeat("я", 135), UCS2, 135, 3},
		{"emoji counts two", strings.Repeat("😀", 35), UCS2, 70, 1},
		{"surrogate not split", strings.Repeat("я", 66) + "😀" + "я", UCS2, 69, 1},
		{"surrogate pair at the part edge", strings.Repeat("я", 66) + "😀" + strings.Repeat("я", 10), UCS2, 78, 2},
		{"form feed is an extension", "\f", GSM7, 2, 1},
	}
	for _, tt := range tests {
		l := Measure(tt.text)
		if l.Encoding != tt.enc || l.Units != tt.units || l.Parts != tt.parts {
			t.Errorf("%s: Measure = %+v; want %v, %d units, %d parts", tt.name, l, tt.enc, tt.units, tt.parts)
		}
		if l.Chars != utf8.RuneCountInString(tt.text) {
			t.Errorf("%s: Chars = %d", tt.name, l.Chars)
		}
	}
	// An escape pair that would straddle 153 starts the next part.
	l := Measure(strings.Repeat("a", 152) + "{" + strings.Repeat("a", 153))
	if l.Parts != 3 {
		t.Errorf("escape at a part edge: %d parts, want 3", l.Parts)
	}
}

func TestSchedule(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) // 15:00 in Minsk
	if _, err := ParseSchedule("2026-11-24 15:09", now); err == nil || !strings.Contains(err.Error(), "earliest is 2026-11-24 15:10") {
		t.Errorf("9 minutes ahead: %v", err)
	}
	at, err := ParseSchedule("2026-11-24 15:10", now)
	if err != nil {
		t.Fatalf("10 minutes ahead: %v", err)
	}
	if got := DateSend(at); got != "202611241510" {
		t.Errorf("DateSend = %q", got)
	}
	if !at.Equal(now.Add(10 * time.Minute)) {
		t.Errorf("Minsk is UTC+3: %v", at.UTC())
	}
	if _, err := ParseSchedule("24.11.2026 15:30", now); err == nil || !strings.Contains(err.Error(), "YYYY-MM-DD HH:MM") {
		t.Errorf("bad form: %v", err)
	}
	if DateSend(time.Time{}) != "" {
		t.Error("zero time must give no date_send")
	}
	back, err := ParseDateSend("202611241510")
	if err != nil || !back.Equal(at) {
		t.Errorf("ParseDateSend = %v, %v", back, err)
	}
}

func TestValidity(t *testing.T) {
	tests := []struct {
		d           time.Duration
		hours, secs int
	}{
		{0, 0, 0},
		{30 * time.Minute, 1, 1800},
		{24 * time.Hour, 24, 86400},
		{90 * time.Minute, 2, 5400},
		{48 * time.Hour, 48, 172800},
		{72 * time.Hour, 48, 172800},
	}
	for _, tt := range tests {
		if h, s := ValidityHours(tt.d), ValiditySeconds(tt.d); h != tt.hours || s != tt.secs {
			t.Errorf("%v: %d h, %d s; want %d, %d", tt.d, h, s, tt.hours, tt.secs)
		}
	}
	if ValidityFromHours(100) != 48*time.Hour || ValidityFromSeconds(1<<62) != 48*time.Hour || ValidityFromHours(24) != 24*time.Hour || ValidityFromSeconds(60) != time.Minute {
		t.Error("clamps on reading")
	}
}

func TestCodes(t *testing.T) {
	for c := Code(-1); c >= -15; c-- {
		if c == -8 || c == -9 {
			if c.Known() {
				t.Errorf("%d is not documented", c)
			}
			continue
		}
		if !c.Known() || c.Text(EN) == c.Text(RU) || strings.Contains(c.Text(EN), "unknown gateway") {
			t.Errorf("code %d lacks texts", c)
		}
	}
	for _, c := range []Code{-2, -12, -13, -14, -15} {
		if c.Hint(EN) == "" || c.Hint(RU) == "" {
			t.Errorf("code %d lacks a hint", c)
		}
	}
	if got := Code(-23).Error(); got != "gateway code -23: unknown gateway code -23" {
		t.Errorf("unknown code: %q", got)
	}
	if Code(-23).Text(RU) != "неизвестный код шлюза -23" {
		t.Error("unknown code in Russian")
	}
	var c Code
	if !errors.As(error(CodeAuth), &c) || c != -2 {
		t.Error("a Code travels as an error")
	}
}

func TestStatus(t *testing.T) {
	for _, s := range Statuses {
		got, ok := ParseStatus(" " + strings.ToLower(s.String()) + "\n")
		if !ok || got != s {
			t.Errorf("ParseStatus(%v) = %v, %v", s, got, ok)
		}
		if s.Text(RU) == s.Text(EN) {
			t.Errorf("%v lacks a Russian text", s)
		}
	}
	finals := map[Status]bool{Delivered: true, Expired: true, Rejected: true, Failed: true}
	for _, s := range Statuses {
		if s.Final() != finals[s] {
			t.Errorf("%v.Final() = %v", s, s.Final())
		}
	}
	if _, ok := ParseStatus("Pending"); ok {
		t.Error("Pending is not an API status")
	}
}
