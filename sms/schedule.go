package sms

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
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

// typedSchedule is TypedLayout, read leniently: one-digit months, days
// and hours are fine.
var typedSchedule = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2}) +(\d{1,2}):(\d{2})$`)

// monthsIn are the months' Russian names as in "в феврале".
var monthsIn = [...]string{"январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре", "октябре", "ноябре", "декабре"}

// ParseSchedule reads a time typed in Minsk time and checks the +10 minute
// rule against now. A time that cannot be read says which part is wrong
// (no month 13, no 30 February); one that has passed says so.
func ParseSchedule(typed string, now time.Time) (time.Time, error) {
	m := typedSchedule.FindStringSubmatch(strings.TrimSpace(typed))
	if m == nil {
		return time.Time{}, errorf("schedule "+quote(typed)+": expected YYYY-MM-DD HH:MM (Minsk time)",
			"время отправки "+quote(typed)+": нужен формат ГГГГ-ММ-ДД ЧЧ:ММ (время Минска)")
	}
	var n [5]int
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1]) // at most 4 digits: no overflow
	}
	y, mo, d, h, mi := n[0], n[1], n[2], n[3], n[4]
	bad := func(en, ru string) error {
		return errorf("schedule "+quote(typed)+": "+en, "время отправки "+quote(typed)+": "+ru)
	}
	switch days := time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day(); {
	case mo < 1 || mo > 12:
		return time.Time{}, bad(fmt.Sprintf("there is no month %d", mo), fmt.Sprintf("нет месяца %d", mo))
	case d < 1 || d > days:
		return time.Time{}, bad(fmt.Sprintf("%s %d has no day %d (its last is %d)", time.Month(mo), y, d, days),
			fmt.Sprintf("в %s %d года нет %d-го числа: последнее — %d-е", monthsIn[mo-1], y, d, days))
	case h > 23:
		return time.Time{}, bad(fmt.Sprintf("there is no hour %d (00-23)", h), fmt.Sprintf("нет часа %d (00-23)", h))
	case mi > 59:
		return time.Time{}, bad(fmt.Sprintf("there is no minute %d (00-59)", mi), fmt.Sprintf("нет минуты %d (00-59)", mi))
	}
	t := time.Date(y, time.Month(mo), d, h, mi, 0, 0, Minsk)
	return t, CheckSchedule(t, now)
}

// CheckSchedule enforces that a scheduled time is at least 10 minutes ahead.
func CheckSchedule(at, now time.Time) error {
	when := at.In(Minsk).Format(TypedLayout)
	if !at.After(now) {
		nowText := now.In(Minsk).Format(TypedLayout)
		return errorf("schedule "+when+" is in the past: it is "+nowText+" in Minsk now",
			"время "+when+" уже прошло: в Минске сейчас "+nowText)
	}
	if at.Before(now.Add(MinScheduleLead)) {
		earliest := now.Add(MinScheduleLead + time.Minute - 1).In(Minsk).Format(TypedLayout)
		return errorf("schedule "+when+" is less than 10 minutes from now: the earliest is "+earliest+" Minsk time",
			"время "+when+" раньше чем через 10 минут: не раньше "+earliest+" по Минску")
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

// ParseValidity reads a validity typed by the agent (Compose, the
// command line's --validity): whole hours, 1 to 48. Unlike the gateway,
// which reads more as 48 (ValidityFromHours), it refuses more: a person
// who typed 72 expects 72.
func ParseValidity(typed string) (time.Duration, error) {
	h, err := strconv.Atoi(strings.TrimSpace(typed))
	if err != nil || h < 1 || h > int(MaxValidity/time.Hour) {
		return 0, errorf("validity "+quote(typed)+": a whole number of hours, 1–48 (the gateway keeps a message at most 48 hours)",
			"срок "+quote(typed)+": целое число часов, 1–48 (шлюз хранит сообщение не дольше 48 часов)")
	}
	return time.Duration(h) * time.Hour, nil
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
