package smpp

import (
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
)

func raw(id, stat string) rawReceipt {
	return rawReceipt{esm: 0x04, text: []byte("id:" + id + " sub:001 dlvrd:001 stat:" + stat + " err:000")}
}

func TestLongMessageMatching(t *testing.T) {
	c := New(Config{Addr: "127.0.0.1:1"})
	var held []heldReceipt
	match := func(rs ...rawReceipt) []sms.StatusReport { return c.match(rs, &held, false) }

	// A long message is being sent: a receipt for an id not noted yet
	// may be one of its parts, so it waits.
	c.multi = 1
	if b := match(raw("11", "DELIVRD")); len(b) != 0 || len(held) != 1 {
		t.Fatalf("batch %v, held %v", b, held)
	}
	lm := c.notePart(nil, 10, 10, 3)
	lm = c.notePart(lm, 10, 11, 3)
	c.notePart(lm, 10, 12, 3)
	c.multi = 0
	// Part 2 delivered, the others not heard of: the message is Sent.
	if b := match(); len(b) != 1 || b[0] != (sms.StatusReport{ID: 10, Status: sms.Sent, Parts: 3}) || len(held) != 0 {
		t.Fatalf("batch %+v", b)
	}
	// Part 1 too: no change, no report.
	if b := match(raw("10", "DELIVRD")); len(b) != 0 {
		t.Fatalf("batch %+v", b)
	}
	// Part 3 undelivered: the message is, and it is done.
	if b := match(raw("12", "UNDELIV")); len(b) != 1 || b[0] != (sms.StatusReport{ID: 10, Status: sms.Rejected, Parts: 3}) {
		t.Fatalf("batch %+v", b)
	}
	if len(c.parts) != 0 {
		t.Errorf("parts left %v", c.parts)
	}
	// The cache answers for the message.
	if r, _ := c.Statuses(t.Context(), []int64{10}); r[0].Status != sms.Rejected || r[0].Parts != 3 {
		t.Errorf("statuses %+v", r)
	}

	// All parts delivered: Delivered once the last one is.
	lm = c.notePart(nil, 20, 20, 2)
	c.notePart(lm, 20, 21, 2)
	if b := match(raw("21", "ACCEPTD"), raw("20", "DELIVRD")); len(b) != 1 || b[0].Status != sms.Sent {
		t.Fatalf("batch %+v", b)
	}
	if b := match(raw("21", "DELIVRD")); len(b) != 1 || b[0] != (sms.StatusReport{ID: 20, Status: sms.Delivered, Parts: 2}) {
		t.Fatalf("batch %+v", b)
	}

	// An unknown id waits at most holdFor, then goes as it is.
	c.multi = 1
	match(raw("99", "EXPIRED"))
	held[0].until = time.Now().Add(-time.Millisecond)
	if b := match(); len(b) != 1 || b[0] != (sms.StatusReport{ID: 99, Status: sms.Expired}) {
		t.Fatalf("batch %+v", b)
	}
	// At Close everything held goes.
	match(raw("98", "DELIVRD"))
	if b := c.match(nil, &held, true); len(b) != 1 || b[0].ID != 98 {
		t.Fatalf("batch %+v", b)
	}
	c.multi = 0

	// The TLVs win over the text; message_state stands in for a missing stat.
	b := match(rawReceipt{esm: 0x04, text: []byte("id:1 stat:DELIVRD"), rid: "77"}, rawReceipt{esm: 0x04, text: []byte("id:78"), state: 5})
	if len(b) != 2 || b[0] != (sms.StatusReport{ID: 77, Status: sms.Delivered}) || b[1] != (sms.StatusReport{ID: 78, Status: sms.Rejected}) {
		t.Fatalf("batch %+v", b)
	}
	// UCS-2 receipt text.
	u := rawReceipt{esm: 0x04, coding: CodingUCS2}
	_, parts, _ := Split("id:79 stat:DELIVRD €", 0, 0)
	u.text = parts[0]
	if b := match(u); len(b) != 1 || b[0].ID != 79 {
		t.Fatalf("batch %+v", b)
	}
}

func TestMessageIDs(t *testing.T) {
	c := New(Config{Addr: "127.0.0.1:1"})
	for s, want := range map[string]int64{"7000000001": 7000000001, " 42\x00": 42, "0042": 42, "": 0} {
		if got := c.messageID(s); got != want {
			t.Errorf("%q: %d", s, got)
		}
	}
	a, b := c.messageID("5F3A0B"), c.messageID("abc-def")
	if a < 1<<62 || b < 1<<62 || a == b || c.messageID("5F3A0B") != a {
		t.Errorf("mapped %d %d", a, b)
	}
	// Same in a new client: a receipt after a restart finds its message.
	if New(Config{}).messageID("5F3A0B") != a {
		t.Error("mapping differs between runs")
	}
	// A collision takes the next number.
	c.ids.m[c.messageID("x")+1] = "taken"
	var tbl idTable
	tbl.m = map[int64]string{}
	id := tbl.get("x")
	tbl.m[id] = "other"
	if got := tbl.get("x"); got != id+1 {
		t.Errorf("collision: %d, want %d", got, id+1)
	}
	if c.messageID("99999999999999999999") < 1<<62 {
		t.Error("an id over int64 is mapped, not cut")
	}
}
