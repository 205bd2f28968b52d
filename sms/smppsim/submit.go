package smppsim

import (
	"container/heap"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/sim"
)

// stat words and err codes of the outcomes, and message_state values.
func statOf(st sms.Status) (word, errCode string, state byte) {
	switch st {
	case sms.Rejected:
		return "UNDELIV", "001", 5
	case sms.Expired:
		return "EXPIRED", "002", 3
	case sms.Failed:
		return "REJECTED", "003", 8
	case sms.Unknown:
		return "UNKNOWN", "000", 7
	case sms.Sent:
		return "ENROUTE", "000", 1
	}
	return "DELIVRD", "000", 2
}

// Text gives a receipt's text in the gateway's format.
func receiptText(id string, submit, done time.Time, st sms.Status) string {
	word, errCode, _ := statOf(st)
	dlvrd := "000"
	if st == sms.Delivered {
		dlvrd = "001"
	}
	var b strings.Builder
	b.Grow(100 + len(id))
	b.WriteString("id:")
	b.WriteString(id)
	b.WriteString(" sub:001 dlvrd:")
	b.WriteString(dlvrd)
	b.WriteString(" submit date:")
	b.WriteString(submit.In(sms.Minsk).Format("0601021504"))
	b.WriteString(" done date:")
	b.WriteString(done.In(sms.Minsk).Format("0601021504"))
	b.WriteString(" stat:")
	b.WriteString(word)
	b.WriteString(" err:")
	b.WriteString(errCode)
	return b.String()
}

func (x *receipt) appendPDU(b []byte, seq uint32) []byte {
	text := x.text
	if text == "" {
		text = receiptText(x.id, x.submit, x.done, x.status)
	}
	_, _, state := statOf(x.status)
	d := deliverSM{seq: seq, srcTON: 1, srcNPI: 1, src: x.phone, dstTON: x.senderTON, dstNPI: 0, dst: x.sender,
		text: []byte(text)}
	if !x.noTLV {
		d.receiptedID, d.state = x.id, state
	}
	return appendDeliverSM(b, &d)
}

func senderTON(s string) byte {
	if allDigits(s) {
		return 1
	}
	return 5
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var errBadSchedule = errors.New("bad schedule_delivery_time")

// submitFields are a submit_sm body's fields, slices of it.
type submitFields struct {
	srcTON, srcNPI, dstTON, dstNPI, esm, regd, coding byte
	src, dst, sched, validity, sm                     []byte
	payload                                           bool // a message_payload TLV
	bad                                               bool // a field runs past the end, a C-string past its size, or a TLV is broken
}

func parseSubmit(body []byte) (f submitFields) {
	rd := reader{b: body}
	rd.cstring(6) // service_type
	f.srcTON, f.srcNPI = rd.byte1(), rd.byte1()
	f.src = rd.cstring(21)
	f.dstTON, f.dstNPI = rd.byte1(), rd.byte1()
	f.dst = rd.cstring(21)
	f.esm = rd.byte1()
	rd.byte1() // protocol_id
	rd.byte1() // priority_flag
	f.sched = rd.cstring(17)
	f.validity = rd.cstring(17)
	f.regd = rd.byte1()
	rd.byte1() // replace_if_present_flag
	f.coding = rd.byte1()
	rd.byte1() // sm_default_msg_id
	f.sm = rd.bytes(int(rd.byte1()))
	rd.tlvs(func(tag uint16, _ []byte) {
		if tag == tagMessagePayload {
			f.payload = true
		}
	})
	f.bad = rd.bad
	return f
}

// public copies the fields out for OnSubmit and OnDiscard.
func (f *submitFields) public(id int64) Submit {
	return Submit{ID: id, Sender: string(f.src), SourceTON: f.srcTON, SrcNPI: f.srcNPI, Dest: string(f.dst), DestTON: f.dstTON, DestNPI: f.dstNPI,
		ESMClass: f.esm, DataCoding: f.coding, RegisteredDelivery: f.regd, Schedule: string(f.sched), Validity: string(f.validity),
		ShortMessage: append([]byte(nil), f.sm...)}
}

// discard counts a submit_sm read after a drop began.
func (r *Running) discard(body []byte) {
	r.st.discarded.Add(1)
	if r.o.OnDiscard == nil {
		return
	}
	if f := parseSubmit(body); !f.bad {
		r.o.OnDiscard(f.public(0))
	}
}

// submit validates, charges and records a submit_sm (see the package
// comment for the order of the checks).
func (r *Running) submit(body []byte) (uint32, int64) {
	f := parseSubmit(body)
	if f.bad {
		return StatusMalformed, 0
	}
	if f.payload {
		return StatusOptNotAllwd, 0
	}
	if f.coding != 3 && f.coding != 8 {
		return StatusEncoding, 0
	}
	sender := string(f.src)
	ton := senderTON(sender)
	if !r.senders[sender] || f.srcTON != ton || f.srcNPI != 0 {
		return StatusBadSender, 0
	}
	if f.dstTON != 1 || f.dstNPI != 1 || !allDigits(string(f.dst)) {
		return StatusBadDest, 0
	}
	norm, err := sms.NormalizePhone("+" + string(f.dst))
	if err != nil || norm != string(f.dst) {
		return StatusBadDest, 0
	}
	phone, _ := strconv.ParseUint(norm, 10, 64)
	if st := r.checkText(f.esm, f.coding, f.sm); st != StatusOK {
		return st, 0
	}
	now := r.o.Account.Now()
	due := now
	if len(f.sched) > 0 {
		t, err := smppTime(string(f.sched), now)
		if err != nil {
			return StatusBadSchedule, 0
		}
		if t.After(now) {
			due = t
		}
	}
	if r.o.Ledger != nil && !r.o.Ledger.Charge(1) {
		return StatusNoFunds, 0
	}
	r.mu.Lock()
	if r.o.Ledger == nil {
		if r.balance < r.o.Account.Price {
			r.mu.Unlock()
			return StatusNoFunds, 0
		}
		r.balance -= r.o.Account.Price
	}
	id := r.o.FirstID + int64(len(r.recs))
	r.recs = append(r.recs, record{due: due.UnixNano(), phone: phone, sender: sender, coding: f.coding})
	final := sim.FinalStatus(phone)
	if f.regd&3 == 1 || f.regd&3 == 3 || (f.regd&3 == 2 && final != sms.Delivered) {
		done := due.Add(r.o.Account.QueuedFor + r.o.Account.SentFor)
		x := &receipt{at: done.UnixNano(), id: strconv.FormatInt(id, 10), phone: norm, sender: sender, senderTON: ton,
			submit: now, done: done, status: final}
		if x.at <= now.UnixNano() {
			r.queue = append(r.queue, x)
			r.wakeReceivers()
		} else {
			first := len(r.due) == 0 || x.at < r.due[0].at
			heap.Push(&r.due, x)
			if first {
				r.Tick()
			}
		}
	}
	r.mu.Unlock()
	if r.o.OnSubmit != nil {
		r.o.OnSubmit(f.public(id))
	}
	return StatusOK, id
}

// checkText applies 0x02 (broken UDH) and 0x4A5.
func (r *Running) checkText(esm, coding byte, sm []byte) uint32 {
	if len(sm) == 0 {
		return StatusTooLong
	}
	text, limit := sm, 140
	if esm&0x40 != 0 {
		total, rest, ok := parseUDH(sm)
		if !ok {
			return StatusMalformed
		}
		if total > r.o.MaxParts {
			return StatusTooLong
		}
		text = rest
		if coding == 3 {
			limit = max(140, r.o.Latin1Limit)
		}
	} else if coding == 3 {
		limit = r.o.Latin1Limit
	}
	if len(sm) > limit || len(text) == 0 || (coding == 8 && len(text)%2 != 0) {
		return StatusTooLong
	}
	return StatusOK
}

// parseUDH finds the concatenation element of a UDH and the text after it.
func parseUDH(sm []byte) (total int, rest []byte, ok bool) {
	n := int(sm[0])
	if n+1 > len(sm) {
		return 0, nil, false
	}
	h := sm[1 : 1+n]
	seq := 0
	for len(h) > 0 {
		if len(h) < 2 || int(h[1])+2 > len(h) {
			return 0, nil, false
		}
		data := h[2 : 2+int(h[1])]
		switch {
		case h[0] == 0 && len(data) == 3:
			total, seq = int(data[1]), int(data[2])
		case h[0] == 8 && len(data) == 4:
			total, seq = int(data[2]), int(data[3])
		}
		h = h[2+int(h[1]):]
	}
	if total < 1 || seq < 1 || seq > total {
		return 0, nil, false
	}
	return total, sm[1+n:], true
}

// smppTime reads an SMPP 3.4 §7.1.1 time: absolute YYMMDDhhmmsstnnp
// (p + or -, nn quarter hours from UTC) or relative YYMMDDhhmmss000R.
func smppTime(v string, now time.Time) (time.Time, error) {
	if len(v) != 16 || !allDigits(v[:15]) {
		return time.Time{}, errBadSchedule
	}
	n := func(i int) int { return int(v[i]-'0')*10 + int(v[i+1]-'0') }
	switch v[15] {
	case 'R':
		return now.AddDate(n(0), n(2), n(4)).Add(time.Duration(n(6))*time.Hour + time.Duration(n(8))*time.Minute + time.Duration(n(10))*time.Second), nil
	case '+', '-':
		off := n(13) * 15 * 60
		if v[15] == '-' {
			off = -off
		}
		t := time.Date(2000+n(0), time.Month(n(2)), n(4), n(6), n(8), n(10), int(v[12]-'0')*100_000_000, time.FixedZone("", off))
		if t.Month() != time.Month(n(2)) || t.Day() != n(4) {
			return time.Time{}, errBadSchedule
		}
		return t, nil
	}
	return time.Time{}, errBadSchedule
}
