package smpp

import (
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"
	"github.com/fiorix/go-smpp/smpp/pdu/pdutlv"

	"github.com/smsdash/smsdash/sms"
)

// Receipt pipeline tuning.
const (
	maxBatch    = 4096                  // reports handed to OnReceipts at once, at most
	holdFor     = time.Second           // longest wait of a receipt that may belong to a part not yet noted
	partsMaxAge = 72 * time.Hour        // a long message's parts are forgotten after this
	sweepEvery  = 4096                  // notes between sweeps of old parts
	maxIDTable  = 1 << 20               // non-decimal ids remembered
	quiet       = 20 * time.Millisecond // at Close: receipts still trickling in are waited for this long
)

// tagMessageState is SMPP 3.4's message_state TLV (go-smpp names it
// TagMessageStateOption).
const tagMessageState pdutlv.Tag = 0x0427

// rawReceipt is what the receiver's handler copies out of a deliver_sm.
type rawReceipt struct {
	esm, coding byte
	text        []byte
	rid         string // receipted_message_id TLV
	state       byte   // message_state TLV, 0 when absent
}

// handle runs in the library's read loop, which answers deliver_sm_resp
// before calling it: it only hands the receipt over.
func (c *Client) handle(p pdu.Body) {
	if p == nil || p.Header().ID != pdu.DeliverSMID {
		return
	}
	f := p.Fields()
	r := rawReceipt{esm: fixed(f[pdufield.ESMClass]), coding: fixed(f[pdufield.DataCoding])}
	if sm := f[pdufield.ShortMessage]; sm != nil {
		r.text = sm.Bytes()
	}
	t := p.TLVFields()
	if v := t[pdutlv.TagReceiptedMessageID]; v != nil {
		r.rid = strings.TrimRight(string(v.Bytes()), "\x00 ")
	}
	if v := t[tagMessageState]; v != nil && len(v.Bytes()) == 1 {
		r.state = v.Bytes()[0]
	}
	if len(r.text) == 0 {
		if v := t[pdutlv.TagMessagePayload]; v != nil {
			r.text = v.Bytes()
		}
	}
	select {
	case c.rcpt <- r:
	case <-c.dead:
	}
}

func fixed(b pdufield.Body) byte {
	if f, ok := b.(*pdufield.Fixed); ok {
		return f.Data
	}
	return 0
}

// read turns a raw receipt into an id and a status; ok is false for a
// deliver_sm that is no readable receipt (a reply from a phone, say).
func (r rawReceipt) read() (id string, st sms.Status, ok bool) {
	text, err := Decode(r.coding, r.text)
	if err != nil {
		text = string(r.text)
	}
	rec, perr := ParseReceipt(text)
	kind := r.esm & 0x3C
	receipt := kind == 0x04 || kind == 0x08 || kind == 0x20
	if !receipt && perr != nil {
		return "", 0, false
	}
	id, st = r.rid, rec.Status
	if id == "" {
		id = rec.ID
	}
	if st == sms.StatusNone && r.state != 0 {
		st, _ = messageState(r.state)
	}
	return strings.TrimSpace(id), st, id != "" && st != sms.StatusNone
}

// messageID turns an SMPP message id into the int64 the history keeps.
func (c *Client) messageID(s string) int64 {
	s = strings.TrimSpace(strings.TrimRight(s, "\x00"))
	if s == "" {
		return 0
	}
	if isDigits(s) {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			return n
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ids.get(s)
}

// idTable maps non-decimal ids (see the package comment); c.mu guards it.
type idTable struct{ m map[int64]string }

func (t *idTable) get(s string) int64 {
	if t.m == nil || len(t.m) >= maxIDTable {
		t.m = map[int64]string{}
	}
	h := fnv.New64a()
	h.Write([]byte(s))
	id := int64(h.Sum64()&(1<<62-1) | 1<<62)
	for {
		v, ok := t.m[id]
		if !ok {
			t.m[id] = s
			return id
		}
		if v == s {
			return id
		}
		id++
		if id < 1<<62 {
			id = 1 << 62
		}
	}
}

// longMsg is a message of several parts whose receipts are awaited.
type longMsg struct {
	first int64
	ids   []int64      // the parts' ids as accepted, in order
	st    []sms.Status // each part's latest receipt; StatusNone: none yet
	last  sms.Status   // the status last reported
	at    time.Time
}

// notePart remembers a part's id; the first call makes the message.
func (c *Client) notePart(lm *longMsg, first, id int64, total int) *longMsg {
	c.mu.Lock()
	defer c.mu.Unlock()
	if lm == nil {
		lm = &longMsg{first: first, st: make([]sms.Status, total), at: time.Now()}
	}
	lm.ids = append(lm.ids, id)
	c.parts[id] = lm
	c.notes++
	if c.notes%sweepEvery == 0 {
		old := time.Now().Add(-partsMaxAge)
		for k, v := range c.parts {
			if v.at.Before(old) {
				delete(c.parts, k)
			}
		}
	}
	return lm
}

// rank orders statuses from best to worst for a long message.
func rank(s sms.Status) int {
	switch s {
	case sms.Delivered:
		return 0
	case sms.Unknown:
		return 2
	case sms.Expired:
		return 3
	case sms.Rejected:
		return 4
	case sms.Failed:
		return 5
	}
	return 1 // none yet, Queued, Sent
}

// apply matches one receipt; c.mu is held. hold says the id is unknown
// while long messages are being sent: it may be a part not yet noted.
func (c *Client) apply(id int64, st sms.Status, mayHold bool) (rep sms.StatusReport, ok, hold bool) {
	lm := c.parts[id]
	if lm == nil {
		if mayHold && c.multi > 0 {
			return rep, false, true
		}
		return sms.StatusReport{ID: id, Status: st}, true, false
	}
	for i, pid := range lm.ids {
		if pid == id {
			lm.st[i] = st
		}
	}
	worst, final := sms.Delivered, true
	for _, s := range lm.st {
		if rank(s) > rank(worst) {
			worst = s
		}
		final = final && s.Final()
	}
	if rank(worst) == 1 {
		worst = sms.Sent
	}
	if final {
		for _, pid := range lm.ids {
			delete(c.parts, pid)
		}
	}
	if worst == lm.last {
		return rep, false, false
	}
	lm.last = worst
	return sms.StatusReport{ID: lm.first, Status: worst, Parts: len(lm.st)}, true, false
}

type heldReceipt struct {
	id    int64
	st    sms.Status
	until time.Time
}

// dispatch takes receipts from the handler, matches them, and hands them
// to OnReceipts in batches: whatever arrived while the last batch was
// handled is the next batch.
func (c *Client) dispatch() {
	defer close(c.dispatchDone)
	var held []heldReceipt
	var holdTimer *time.Timer
	var holdC <-chan time.Time
	stopping := false
	var quietC <-chan time.Time
	raws := make([]rawReceipt, 0, 64)
	stopC := c.dispatchStop
	for {
		raws = raws[:0]
		select {
		case r := <-c.rcpt:
			raws = append(raws, r)
		drain:
			for len(raws) < maxBatch {
				select {
				case r := <-c.rcpt:
					raws = append(raws, r)
				default:
					break drain
				}
			}
		case <-holdC:
		case <-stopC:
			stopC = nil
			stopping = true
			quietC = time.After(quiet)
		case <-quietC:
			// Nothing came for a while: stop taking, hand over the rest.
			close(c.dead)
			for {
				select {
				case r := <-c.rcpt:
					raws = append(raws, r)
					continue
				default:
				}
				break
			}
			c.deliver(c.match(raws, &held, true))
			return
		}
		if stopping && len(raws) > 0 {
			quietC = time.After(quiet)
		}
		batch := c.match(raws, &held, stopping)
		c.deliver(batch)
		if holdTimer != nil {
			holdTimer.Stop()
			holdTimer, holdC = nil, nil
		}
		if len(held) > 0 {
			holdTimer = time.NewTimer(10 * time.Millisecond)
			holdC = holdTimer.C
		}
	}
}

// match reads and matches raw receipts, and releases held ones whose time
// is up or that can be matched now; all releases everything.
func (c *Client) match(raws []rawReceipt, held *[]heldReceipt, all bool) []sms.StatusReport {
	var batch []sms.StatusReport
	type read struct {
		id int64
		st sms.Status
	}
	rs := make([]read, 0, len(raws))
	for _, r := range raws {
		sid, st, ok := r.read()
		if !ok {
			c.st.unreadable.Add(1)
			continue
		}
		c.st.receipts.Add(1)
		rs = append(rs, read{c.messageID(sid), st})
	}
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(*held) > 0 {
		keep := (*held)[:0]
		for _, h := range *held {
			rep, ok, hold := c.apply(h.id, h.st, !all && now.Before(h.until))
			switch {
			case hold:
				keep = append(keep, h)
			case ok:
				batch = append(batch, rep)
			}
		}
		*held = keep
	}
	for _, r := range rs {
		rep, ok, hold := c.apply(r.id, r.st, !all)
		switch {
		case hold:
			*held = append(*held, heldReceipt{r.id, r.st, now.Add(holdFor)})
		case ok:
			batch = append(batch, rep)
		}
	}
	for _, rep := range batch {
		c.cache.put(rep.ID, rep.Status, rep.Parts)
	}
	return batch
}

func (c *Client) deliver(batch []sms.StatusReport) {
	if len(batch) == 0 {
		return
	}
	c.st.published.Add(int64(len(batch)))
	if c.cfg.OnReceipts != nil {
		c.cfg.OnReceipts(batch)
	}
}

// statusCache keeps the latest status of the last size ids; c.mu guards it.
type statusCache struct {
	m    map[int64]cacheEntry
	ring []int64
	next int
	size int
}

type cacheEntry struct {
	status sms.Status
	parts  int
}

func (sc *statusCache) put(id int64, st sms.Status, parts int) {
	if sc.m == nil {
		sc.m = map[int64]cacheEntry{}
	}
	if e, ok := sc.m[id]; ok {
		if parts == 0 {
			parts = e.parts
		}
		sc.m[id] = cacheEntry{st, parts}
		return
	}
	if len(sc.ring) < sc.size {
		sc.ring = append(sc.ring, id)
	} else {
		delete(sc.m, sc.ring[sc.next])
		sc.ring[sc.next] = id
		sc.next = (sc.next + 1) % sc.size
	}
	sc.m[id] = cacheEntry{st, parts}
}
