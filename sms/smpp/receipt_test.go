package smpp

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
)

func TestParseReceipt(t *testing.T) {
	minsk := func(s string) time.Time {
		tm, _ := time.ParseInLocation("0601021504", s, sms.Minsk)
		return tm
	}
	for _, tc := range []struct {
		name, text string
		id         string
		status     sms.Status
		err        error
	}{
		{"gateway format", "id:7000000001 sub:001 dlvrd:001 submit date:2611241530 done date:2611241535 stat:DELIVRD err:000", "7000000001", sms.Delivered, nil},
		{"with text", "id:42 sub:001 dlvrd:000 submit date:2611241530 done date:2611241535 stat:UNDELIV err:001 text:stat:DELIVRD id:9", "42", sms.Rejected, nil},
		{"lower case", "id:abc sub:1 dlvrd:1 submit date:2611241530 done date:2611241535 stat:delivrd err:0", "abc", sms.Delivered, nil},
		{"spaces", "  ID : 42   SUB : 001  Stat :  EXPIRED\terr:   002 ", "42", sms.Expired, nil},
		{"underscores", "id:1 submit_date:2611241530 done_date:2611241535 stat:REJECTED err:003", "1", sms.Failed, nil},
		{"no spaces in dates", "id:1 submitdate:2611241530 donedate:2611241535 stat:DELETED", "1", sms.Failed, nil},
		{"delivery", "id:1 stat:DELIVERY", "1", sms.Delivered, nil},
		{"unknown", "id:1 stat:UNKNOWN", "1", sms.Unknown, nil},
		{"acceptd", "id:1 stat:ACCEPTD", "1", sms.Sent, nil},
		{"enroute", "id:1 stat:ENROUTE", "1", sms.Sent, nil},
		{"order", "stat:DELIVRD id:5", "5", sms.Delivered, nil},
		{"new lines", "id:5\nsub:001\nstat:DELIVRD\n", "5", sms.Delivered, nil},
		{"text first", "text:hi there id:9 stat:EXPIRED", "9", sms.Expired, nil},
		{"first of two", "id:9 stat:EXPIRED stat:DELIVRD", "9", sms.Expired, nil},
		{"junk after a value", "id:9 junk stat:DELIVRD more", "9", sms.Delivered, nil},
		{"no id", "sub:001 stat:DELIVRD", "", 0, ErrReceiptNoID},
		{"empty id", "id: stat:DELIVRD", "", 0, ErrReceiptNoID},
		{"no stat", "id:1 err:000", "1", 0, ErrReceiptNoStat},
		{"odd stat", "id:1 stat:FOO", "1", 0, ErrReceiptNoStat},
		{"no receipt", "hello from a phone", "", 0, ErrReceiptNoID},
		{"key inside a word", "xid:1 id:2 xstat:UNDELIV stat:DELIVRD", "2", sms.Delivered, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ParseReceipt(tc.text)
			if err != tc.err || r.ID != tc.id || r.Status != tc.status {
				t.Fatalf("got %+v, %v; want id %q status %v err %v", r, err, tc.id, tc.status, tc.err)
			}
		})
	}
	r, _ := ParseReceipt("id:7 sub:001 dlvrd:001 submit date:2611241530 done date:2611241535 stat:DELIVRD err:000 text:Hello there")
	if r.Sub != 1 || r.Dlvrd != 1 || !r.Submitted.Equal(minsk("2611241530")) || !r.Done.Equal(minsk("2611241535")) || r.Err != "000" || r.Text != "Hello there" || r.Stat != "DELIVRD" {
		t.Errorf("fields %+v", r)
	}
	if r2, err := ParseReceipt(r.Format()); err != nil || r2 != r {
		t.Errorf("round trip %+v, %v", r2, err)
	}
	if r, _ := ParseReceipt("id:1 submit date:26112415301 stat:DELIVRD"); !r.Submitted.IsZero() {
		t.Errorf("bad date read as %v", r.Submitted)
	}
}

func TestStatStatus(t *testing.T) {
	for stat, want := range map[string]sms.Status{
		"DELIVRD": sms.Delivered, "DELIVERY": sms.Delivered, "EXPIRED": sms.Expired, "UNDELIV": sms.Rejected,
		"REJECTED": sms.Failed, "REJECTD": sms.Failed, "DELETED": sms.Failed, "UNKNOWN": sms.Unknown,
		"ACCEPTD": sms.Sent, "ENROUTE": sms.Sent, " delivrd ": sms.Delivered,
	} {
		if got, ok := StatStatus(stat); !ok || got != want {
			t.Errorf("%s: %v", stat, got)
		}
	}
	for v := byte(1); v <= 8; v++ {
		if st, word := messageState(v); st == sms.StatusNone || word == "" {
			t.Errorf("message_state %d", v)
		}
	}
}

// FuzzReceipt: the parser never panics; what it reads has an id and a
// status, and reads back the same after Format.
func FuzzReceipt(f *testing.F) {
	for _, s := range []string{
		"id:7000000001 sub:001 dlvrd:001 submit date:2611241530 done date:2611241535 stat:DELIVRD err:000",
		"id:42 stat:UNDELIV err:001 text:stat:DELIVRD id:9",
		"ID : 42 Stat : expired",
		"text:x id:1 stat:ENROUTE",
		"id:\x00 stat:DELIVRD",
		"hello",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseReceipt(s)
		if err != nil {
			return
		}
		if r.ID == "" || r.Status == sms.StatusNone {
			t.Fatalf("read %+v without an error", r)
		}
		if strings.TrimSpace(r.ID) != r.ID {
			t.Fatalf("id %q not trimmed", r.ID)
		}
		r2, err := ParseReceipt(r.Format())
		if err != nil || r2.ID != r.ID || r2.Status != r.Status || r2.Stat != r.Stat {
			t.Fatalf("%q: read %+v, after Format %+v (%v)", s, r, r2, err)
		}
	})
}

// Format and its helpers write receipts for the tests (the simulator writes its own).

// Format writes the receipt in the gateway's format (text: last, only
// when set).
func (r Receipt) Format() string {
	var b strings.Builder
	b.WriteString("id:")
	b.WriteString(r.ID)
	b.WriteString(" sub:")
	b.WriteString(pad3(r.Sub))
	b.WriteString(" dlvrd:")
	b.WriteString(pad3(r.Dlvrd))
	b.WriteString(" submit date:")
	b.WriteString(formatDate(r.Submitted))
	b.WriteString(" done date:")
	b.WriteString(formatDate(r.Done))
	b.WriteString(" stat:")
	b.WriteString(r.Stat)
	b.WriteString(" err:")
	b.WriteString(r.Err)
	if r.Text != "" {
		b.WriteString(" text:")
		b.WriteString(r.Text)
	}
	return b.String()
}

func pad3(n int) string {
	s := strconv.Itoa(n)
	for len(s) < 3 {
		s = "0" + s
	}
	return s
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(sms.Minsk).Format("0601021504")
}
