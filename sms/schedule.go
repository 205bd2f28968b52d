package sms

import (
	"time"
	_ "time/tzdata" // Minsk must not depend on the machine's zoneinfo
)

// Minsk is the gateway's time zone: every date_send is Minsk time.
var Minsk = mustLoad("Europe/Minsk")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("embedded time zone data lacks " + name) // impossible with time/tzdata
	}
	return loc
}

// MinScheduleLead is how far ahead a scheduled send must be (SPEC 1.8).
const MinScheduleLead = 10 * time.Minute

// DateSendLayout is the wire form of date_send: YYYYMMDDHHMM.
const DateSendLayout = "200601021504"

// TypedLayout is how agents type a schedule: "2026-12-31 09:30".
const TypedLayout = "2006-01-02 15:04"

// ParseSchedule reads a time typed in Minsk time and checks the +10 minute
// rule against now.
func ParseSchedule(typed string, now time.Time) (time.Time, error) {
	t, err := time.ParseInLocation(TypedLayout, typed, Minsk)
	if err != nil {
		return time.Time{}, errorf("schedule "+quote(typed)+": expected YYYY-MM-DD HH:MM (Minsk time)",
			"время отправки "+quote(typed)+": нужен формат ГГГГ-ММ-ДД ЧЧ:ММ (время Минска)")
	}
	return t, CheckSchedule(t, now)
}

// CheckSchedule enforces that a scheduled time is at least 10 minutes ahead.
func CheckSchedule(at, now time.Time) error {
	if at.Before(now.Add(MinScheduleLead)) {
		earliest := now.Add(MinScheduleLead + time.Minute - 1).In(Minsk).Format(TypedLayout)
		return errorf("schedule "+at.In(Minsk).Format(TypedLayout)+" is less than 10 minutes from now: the earliest is "+earliest+" Minsk time",
			"время "+at.In(Minsk).Format(TypedLayout)+" раньше чем через 10 минут: не раньше "+earliest+" по Минску")
	}
	return nil
}

// DateSend formats a time as the wire's date_send in Minsk time; the zero
// time (send now) gives "".
func DateSend(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Minsk).Format(DateSendLayout)
}

// ParseDateSend reads a wire date_send.
func ParseDateSend(s string) (time.Time, error) {
	t, err := time.ParseInLocation(DateSendLayout, s, Minsk)
	if err != nil {
		return time.Time{}, errorf("date_send "+quote(s)+": expected YYYYMMDDHHMM", "date_send "+quote(s)+": нужен формат ГГГГММДДЧЧММ")
	}
	return t, nil
}

// Validity limits: the gateway treats anything longer as 48 hours.
const MaxValidity = 48 * time.Hour

// ValidityHours gives the PLAIN and JSON form (whole hours, rounded up,
// 1..48); 0 means "gateway default" and stays 0.
func ValidityHours(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	d = min(d, MaxValidity)
	return int((d + time.Hour - 1) / time.Hour)
}

// ValiditySeconds gives the XML form (seconds, at most 172800); 0 stays 0.
func ValiditySeconds(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int(min(d, MaxValidity) / time.Second)
}

// ValidityFromHours reads an hours value as the gateway does: over 48 is 48.
func ValidityFromHours(h int) time.Duration {
	if h <= 0 {
		return 0
	}
	if h >= 48 {
		return MaxValidity
	}
	return time.Duration(h) * time.Hour
}

// ValidityFromSeconds reads a seconds value: over 172800 is 172800.
func ValidityFromSeconds(s int) time.Duration {
	if s <= 0 {
		return 0
	}
	if s >= int(MaxValidity/time.Second) {
		return MaxValidity
	}
	return time.Duration(s) * time.Second
}
