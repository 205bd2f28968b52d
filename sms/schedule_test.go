package sms

import (
	"strings"
	"testing"
	"time"
)

// A schedule that cannot be, or has passed, says what is wrong with it.
func TestScheduleSaysWhatIsWrong(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) // 15:00 in Minsk
	for _, c := range []struct{ typed, en, ru string }{
		{"2026-13-01 10:00", "there is no month 13", "нет месяца 13"},
		{"2027-02-30 10:00", "February 2027 has no day 30 (its last is 28)", "в феврале 2027 года нет 30-го числа: последнее — 28-е"},
		{"2028-02-29 25:00", "there is no hour 25", "нет часа 25"},
		{"2027-01-01 10:61", "there is no minute 61", "нет минуты 61"},
		{"2026-11-24 14:59", "schedule 2026-11-24 14:59 is in the past: it is 2026-11-24 15:00 in Minsk now", "уже прошло"},
		{"2026-11-24 15:05", "less than 10 minutes from now", "раньше чем через 10 минут"},
		{"2026-11-24T15:30", "expected YYYY-MM-DD HH:MM", "нужен формат"},
		{"2026-1-5 9:30 x", "expected YYYY-MM-DD HH:MM", "нужен формат"},
	} {
		_, err := ParseSchedule(c.typed, now)
		se, ok := err.(*Error)
		if !ok || !strings.Contains(se.EN, c.en) || !strings.Contains(se.RU, c.ru) {
			t.Errorf("%q: %v, want %q / %q", c.typed, err, c.en, c.ru)
		}
	}
	// One-digit parts are fine; 29 February of a leap year exists.
	for typed, want := range map[string]time.Time{
		"2026-12-5 9:30":   time.Date(2026, 12, 5, 9, 30, 0, 0, Minsk),
		"2028-02-29 10:00": time.Date(2028, 2, 29, 10, 0, 0, 0, Minsk),
	} {
		if at, err := ParseSchedule(typed, now); err != nil || !at.Equal(want) {
			t.Errorf("%q: %v %v, want %v", typed, at, err, want)
		}
	}
}

// One validity rule for what a person types: 1 to 48 whole hours.
func TestParseValidity(t *testing.T) {
	for typed, want := range map[string]time.Duration{"1": time.Hour, " 24 ": 24 * time.Hour, "48": 48 * time.Hour} {
		if d, err := ParseValidity(typed); err != nil || d != want {
			t.Errorf("%q: %v %v", typed, d, err)
		}
	}
	for _, typed := range []string{"0", "49", "72", "-1", "1.5", "2h", "", "99999999999999999999"} {
		if _, err := ParseValidity(typed); err == nil || !strings.Contains(err.Error(), "1–48") {
			t.Errorf("%q accepted: %v", typed, err)
		}
	}
}

// Whatever is typed, ParseSchedule answers without a panic, and a time it
// accepts is at least 10 minutes ahead and reads back the same.
func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"2026-12-31 09:30", "2026-13-01 10:00", "2027-02-30 10:00", "0000-00-00 00:00", "9999-12-31 23:59", "2026-1-5 9:30"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, typed string) {
		at, err := ParseSchedule(typed, now)
		if err != nil {
			if se, ok := err.(*Error); !ok || se.EN == "" || se.RU == "" {
				t.Fatalf("%q: %v", typed, err)
			}
			return
		}
		if at.Before(now.Add(MinScheduleLead)) {
			t.Fatalf("%q accepted as %v", typed, at)
		}
		if back, err := ParseSchedule(at.In(Minsk).Format(TypedLayout), now); err != nil || !back.Equal(at) {
			t.Fatalf("%q: %v does not read back: %v %v", typed, at, back, err)
		}
	})
}
