package smppsim_test

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/smppsim"
)

func TestBind(t *testing.T) {
	srv := startSim(t, smppsim.Options{})
	c := dial(t, srv.Addr())
	if st := c.bind(bindTransmitter, "demo", "wrong"); st != 0x0E {
		t.Fatalf("wrong password: status %#x", st)
	}
	if st := c.bind(bindTransmitter, "nobody", "demo"); st != 0x0E {
		t.Fatalf("wrong login: status %#x", st)
	}
	if p := c.call(bindTransmitter, bindBody("demo", "demo", 0x33)); p.status != 0x04 {
		t.Fatalf("SMPP 3.3: status %#x", p.status)
	}
	if p := c.call(bindTransmitter, []byte("demo")); p.status != 0x04 {
		t.Fatalf("broken bind: status %#x", p.status)
	}
	// The socket is still open after the refusals.
	p := c.call(bindTransceiver, bindBody("demo", "demo", 0x34))
	if p.status != 0 || string(bytes.TrimRight(p.body, "\x00")) != smppsim.DefaultSystemID || p.body[len(p.body)-1] != 0 {
		t.Fatalf("bind: %+v", p)
	}
	if st := c.bind(bindTransmitter, "demo", "demo"); st != 0x05 {
		t.Fatalf("second bind: status %#x", st)
	}
	if tx, rx := srv.Sessions(); tx != 1 || rx != 1 {
		t.Errorf("sessions %d %d", tx, rx)
	}
	if st := srv.Stats(); st.Binds != 6 || st.BindsRefused != 5 {
		t.Errorf("stats %+v", st)
	}
}

func TestEnquireLinkUnbindUnknown(t *testing.T) {
	srv := startSim(t, smppsim.Options{})
	c := dial(t, srv.Addr())
	if p := c.call(enquireLink, nil); p.cmd != enquireLink|resp || p.status != 0 || len(p.body) != 0 {
		t.Fatalf("enquire_link: %+v", p)
	}
	if p := c.call(0x00000003, nil); p.cmd != genericNack || p.status != 0x03 { // query_sm
		t.Fatalf("query_sm: %+v", p)
	}
	if p := c.call(submitSM, good("375296717259").body()); p.status != 0x04 {
		t.Fatalf("submit before bind: %+v", p)
	}
	c.bind(bindReceiver, "demo", "demo")
	if p := c.call(submitSM, good("375296717259").body()); p.status != 0x04 {
		t.Fatalf("submit on a receiver: %+v", p)
	}
	if p := c.call(unbind, nil); p.cmd != unbind|resp || p.status != 0 {
		t.Fatalf("unbind: %+v", p)
	}
	if _, err := c.readErr(2 * time.Second); err == nil {
		t.Fatal("the connection stays open after unbind")
	}
}

func TestSubmitChecks(t *testing.T) {
	o := smppsim.Options{}
	o.Account.Senders = []string{"CMC", "Shop"}
	o.Account.Balance = 3
	srv := startSim(t, o)
	c := dial(t, srv.Addr())
	c.bind(bindTransmitter, "demo", "demo")
	udh := func(total, seq byte, text []byte) []byte { return append([]byte{5, 0, 3, 9, total, seq}, text...) }
	mod := func(f func(*submit)) submit {
		s := good("375296717259")
		f(&s)
		return s
	}
	payload := []byte{0x04, 0x24, 0, 5, 'h', 'e', 'l', 'l', 'o'}
	for _, tc := range []struct {
		name   string
		body   []byte
		status uint32
	}{
		{"truncated", good("375296717259").body()[:20], 0x02},
		{"sm_length past the end", func() []byte { b := good("375296717259").body(); b[len(b)-6] = 200; return b }(), 0x02},
		{"message_payload", mod(func(s *submit) { s.sm = nil; s.tlvs = payload }).body(), 0xC1},
		{"data_coding 0", mod(func(s *submit) { s.coding = 0 }).body(), 0x4A3},
		{"data_coding 4", mod(func(s *submit) { s.coding = 4 }).body(), 0x4A3},
		{"unregistered sender", mod(func(s *submit) { s.src = "Other" }).body(), 0x0A},
		{"name with TON 1", mod(func(s *submit) { s.srcTON = 1 }).body(), 0x0A},
		{"name with NPI 1", mod(func(s *submit) { s.srcNPI = 1 }).body(), 0x0A},
		{"destination TON 0", mod(func(s *submit) { s.dstTON = 0 }).body(), 0x0B},
		{"destination NPI 0", mod(func(s *submit) { s.dstNPI = 0 }).body(), 0x0B},
		{"national destination", mod(func(s *submit) { s.dst = "296717259" }).body(), 0x0B},
		{"destination with +", mod(func(s *submit) { s.dst = "+375296717259" }).body(), 0x0B},
		{"landline", mod(func(s *submit) { s.dst = "375172000000" }).body(), 0x0B},
		{"empty text", mod(func(s *submit) { s.sm = nil }).body(), 0x4A5},
		{"141 latin1 octets", mod(func(s *submit) { s.sm = bytes.Repeat([]byte("a"), 141) }).body(), 0x4A5},
		{"141 ucs2 octets", mod(func(s *submit) { s.coding = 8; s.sm = bytes.Repeat([]byte("a"), 142) }).body(), 0x4A5},
		{"odd ucs2", mod(func(s *submit) { s.coding = 8; s.sm = []byte{0, 'a', 0} }).body(), 0x4A5},
		{"part over 140", mod(func(s *submit) { s.esm = 0x40; s.sm = udh(2, 1, bytes.Repeat([]byte("a"), 135)) }).body(), 0x4A5},
		{"broken udh", mod(func(s *submit) { s.esm = 0x40; s.sm = []byte{9, 0, 3, 1} }).body(), 0x02},
		{"udh part 3 of 2", mod(func(s *submit) { s.esm = 0x40; s.sm = udh(2, 3, []byte("x")) }).body(), 0x02},
		{"bad schedule", mod(func(s *submit) { s.sched = "tomorrow" }).body(), 0x61},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if p := c.call(submitSM, tc.body); p.status != tc.status {
				t.Fatalf("status %#x, want %#x", p.status, tc.status)
			}
		})
	}
	if srv.Stats().Accepted != 0 || srv.Balance() != 3 {
		t.Fatalf("refusals charged: %+v, balance %v", srv.Stats(), srv.Balance())
	}
	accepted := []submit{
		good("375296717259"),
		mod(func(s *submit) { s.src = "Shop"; s.coding = 8; s.sm = []byte{0x04, 0x1F} }),
		mod(func(s *submit) { s.esm = 0x40; s.sm = udh(2, 1, bytes.Repeat([]byte("a"), 134)) }),
	}
	var last int64
	for i, s := range accepted {
		p := c.call(submitSM, s.body())
		id, err := strconv.ParseInt(string(bytes.TrimRight(p.body, "\x00")), 10, 64)
		if p.status != 0 || err != nil || id < smppsim.FirstID || (last != 0 && id != last+1) || p.body[len(p.body)-1] != 0 {
			t.Fatalf("submit %d: %+v", i, p)
		}
		last = id
	}
	if p := c.call(submitSM, good("375296717259").body()); p.status != 0x4A4 {
		t.Fatalf("empty balance: status %#x", p.status)
	}
	if b := srv.Balance(); b != 0 {
		t.Errorf("balance %v", b)
	}
	if r, ok := srv.Message(last); !ok || r.Recipient != "375296717259" || r.DataCoding != 3 {
		t.Errorf("record %+v", r)
	}
}

var receiptRE = regexp.MustCompile(`^id:(\d+) sub:001 dlvrd:(00[01]) submit date:(\d{10}) done date:(\d{10}) stat:([A-Z]+) err:(\d{3})$`)

func TestReceiptsByHand(t *testing.T) {
	o := smppsim.Options{}
	o.Account.QueuedFor, o.Account.SentFor = -1, -1
	srv := startSim(t, o)
	c := dial(t, srv.Addr())
	c.bind(bindTransceiver, "demo", "demo")
	want := map[string]struct {
		stat  string
		state byte
	}{
		"375291234500": {"UNDELIV", 5}, "375291234501": {"EXPIRED", 3}, "375291234502": {"REJECTED", 8},
		"375291234503": {"UNKNOWN", 7}, "375291234504": {"DELIVRD", 2}, "375291234599": {"DELIVRD", 2},
	}
	ids := map[string]string{}
	seqs := map[uint32]string{}
	for to := range want {
		seqs[c.send(submitSM, good(to).body())] = to
	}
	// Answers and receipts interleave on a transceiver.
	var got []deliver
	for len(ids) < len(want) || len(got) < len(want) {
		p := c.read()
		switch p.cmd {
		case submitSM | resp:
			ids[seqs[p.seq]] = string(bytes.TrimRight(p.body, "\x00"))
		case deliverSM:
			d, err := decodeDeliver(p.body)
			if err != nil {
				t.Fatalf("deliver_sm % x: %v", p.body, err)
			}
			c.c.Write(pduBytes(deliverSM|resp, 0, p.seq, cstring("")))
			got = append(got, d)
		default:
			t.Fatalf("PDU %+v", p)
		}
	}
	seen := map[string]bool{}
	for _, d := range got {
		w, ok := want[d.src]
		if !ok {
			t.Fatalf("receipt from %q", d.src)
		}
		seen[d.src] = true
		if d.serviceType != "" || d.srcTON != 1 || d.srcNPI != 1 || d.dstTON != 5 || d.dstNPI != 0 || d.dst != "CMC" ||
			d.esm != 0x04 || d.protocolID != 0 || d.priority != 0 || d.sched != "" || d.validity != "" || d.regd != 0 || d.coding != 0 {
			t.Errorf("fields %+v", d)
		}
		m := receiptRE.FindStringSubmatch(string(d.sm))
		if m == nil {
			t.Fatalf("text %q", d.sm)
		}
		if m[1] != ids[d.src] || m[5] != w.stat || (m[2] == "001") != (w.stat == "DELIVRD") {
			t.Errorf("text %q: want id %s stat %s", d.sm, ids[d.src], w.stat)
		}
		if rid := d.tlv[0x001E]; string(rid) != ids[d.src]+"\x00" {
			t.Errorf("receipted_message_id % x", rid)
		}
		if st := d.tlv[0x0427]; len(st) != 1 || st[0] != w.state {
			t.Errorf("message_state % x, want %d", st, w.state)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("receipts for %v", seen)
	}
}

// The library's own decoder reads the same text out of the SMSC's
// deliver_sm (its NewDeliverSM bug would show as a stray octet).
func TestReceiptDecodedByGoSMPP(t *testing.T) {
	srv := startSim(t, smppsim.Options{})
	c := dial(t, srv.Addr())
	c.bind(bindReceiver, "demo", "demo")
	text := "id:123 sub:001 dlvrd:001 submit date:2611241530 done date:2611241535 stat:DELIVRD err:000"
	srv.Push(smppsim.Receipt{MessageID: "123", Text: text})
	p := c.read()
	raw := pduBytes(p.cmd, p.status, p.seq, p.body)
	body, err := pdu.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	f := body.Fields()
	if got := f[pdufield.ShortMessage].String(); got != text {
		t.Errorf("go-smpp reads %q", got)
	}
	if got := f[pdufield.ESMClass].String(); got != "4" {
		t.Errorf("esm_class %s", got)
	}
	if got := body.TLVFields()[0x001E].String(); got != "123" {
		t.Errorf("receipted_message_id %q", got)
	}
}

func TestRegisteredDelivery(t *testing.T) {
	o := smppsim.Options{}
	o.Account.QueuedFor, o.Account.SentFor = -1, -1
	srv := startSim(t, o)
	tx := dial(t, srv.Addr())
	tx.bind(bindTransmitter, "demo", "demo")
	for _, s := range []submit{
		func() submit { s := good("375291111104"); s.regd = 0; return s }(), // none
		func() submit { s := good("375291111105"); s.regd = 2; return s }(), // failures only: delivered, none
		func() submit { s := good("375291111100"); s.regd = 2; return s }(), // failures only: UNDELIV
	} {
		if p := tx.call(submitSM, s.body()); p.status != 0 {
			t.Fatal(p)
		}
	}
	rx := dial(t, srv.Addr())
	rx.bind(bindReceiver, "demo", "demo")
	d := rx.readDeliver(1)
	if d[0].src != "375291111100" {
		t.Errorf("receipt from %s", d[0].src)
	}
	if _, err := rx.readErr(200 * time.Millisecond); err == nil {
		t.Error("one receipt too many")
	}
}

func TestReceiptsWaitAndComeAgain(t *testing.T) {
	o := smppsim.Options{}
	o.Account.QueuedFor, o.Account.SentFor = -1, -1
	srv := startSim(t, o)
	tx := dial(t, srv.Addr())
	tx.bind(bindTransmitter, "demo", "demo")
	for i := range 5 {
		tx.call(submitSM, good(fmt.Sprintf("37529111111%d", i+5)).body())
	}
	// No receiver: they wait.
	time.Sleep(50 * time.Millisecond)
	if st := srv.Stats(); st.Receipts != 0 || st.Waiting != 5 {
		t.Fatalf("stats %+v", st)
	}
	// A receiver takes them but answers none, then goes away.
	rx := dial(t, srv.Addr())
	rx.bind(bindReceiver, "demo", "demo")
	for range 5 {
		if p := rx.read(); p.cmd != deliverSM {
			t.Fatalf("%+v", p)
		}
	}
	rx.c.Close()
	// The next one gets all five again.
	rx2 := dial(t, srv.Addr())
	rx2.bind(bindReceiver, "demo", "demo")
	got := rx2.readDeliver(5)
	srcs := map[string]bool{}
	for _, d := range got {
		srcs[d.src] = true
	}
	if len(srcs) != 5 {
		t.Errorf("receipts %v", srcs)
	}
	time.Sleep(50 * time.Millisecond)
	if st := srv.Stats(); st.Receipts != 10 || st.Acked != 5 || st.Waiting != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestClock(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, sms.Minsk)
	o := smppsim.Options{}
	o.Account.QueuedFor, o.Account.SentFor = 2*time.Second, 3*time.Second
	o.Account.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	srv := startSim(t, o)
	c := dial(t, srv.Addr())
	c.bind(bindTransceiver, "demo", "demo")
	p := c.call(submitSM, good("375291234501").body())
	id, _ := strconv.ParseInt(string(bytes.TrimRight(p.body, "\x00")), 10, 64)
	for _, step := range []struct {
		after time.Duration
		want  sms.Status
	}{{0, sms.Queued}, {2 * time.Second, sms.Sent}, {3 * time.Second, sms.Expired}} {
		advance(step.after)
		if r, _ := srv.Message(id); r.Status != step.want {
			t.Errorf("after %s: %v, want %v", step.after, r.Status, step.want)
		}
	}
	srv.Tick()
	d := c.readDeliver(1)[0]
	m := receiptRE.FindStringSubmatch(string(d.sm))
	if m == nil || m[3] != "2611241200" || m[4] != "2611241200" || m[5] != "EXPIRED" {
		t.Errorf("receipt %q", d.sm)
	}
	if sim.FinalStatus(375291234501) != sms.Expired {
		t.Error("the rule moved")
	}
}

func TestFaults(t *testing.T) {
	srv := startSim(t, smppsim.Options{})
	t.Run("status", func(t *testing.T) {
		srv.SetFaults(smppsim.Faults{Status: 0x22})
		defer srv.SetFaults(smppsim.Faults{})
		c := dial(t, srv.Addr())
		c.bind(bindTransmitter, "demo", "demo")
		if p := c.call(submitSM, good("375296717259").body()); p.status != 0x22 {
			t.Fatalf("status %#x", p.status)
		}
	})
	t.Run("delay", func(t *testing.T) {
		srv.SetFaults(smppsim.Faults{Delay: 100 * time.Millisecond})
		defer srv.SetFaults(smppsim.Faults{})
		c := dial(t, srv.Addr())
		start := time.Now()
		c.call(enquireLink, nil)
		if d := time.Since(start); d < 100*time.Millisecond {
			t.Fatalf("answered in %s", d)
		}
	})
	t.Run("drop now", func(t *testing.T) {
		c := dial(t, srv.Addr())
		c.bind(bindReceiver, "demo", "demo")
		time.Sleep(20 * time.Millisecond)
		if n := srv.DropConnections(); n < 1 {
			t.Fatalf("dropped %d", n)
		}
		if _, err := c.readErr(2 * time.Second); err == nil {
			t.Fatal("still open")
		}
	})
}

// A drop after N PDUs answers all of them first, a delayed answer too,
// and ends with a FIN, not a reset that could destroy answers in flight;
// what the client sent into the drop is read, neither charged nor
// answered.
func TestDropAfterAnswersFirst(t *testing.T) {
	for _, delay := range []time.Duration{0, 30 * time.Millisecond} {
		t.Run(fmt.Sprint("delay ", delay), func(t *testing.T) {
			discards := make(chan smppsim.Submit, 8)
			srv := startSim(t, smppsim.Options{OnDiscard: func(s smppsim.Submit) { discards <- s }})
			c := dial(t, srv.Addr())
			c.bind(bindTransmitter, "demo", "demo")
			srv.SetFaults(smppsim.Faults{DropAfter: 4, Delay: delay}) // the bind, then 3 submits
			owed := map[uint32]bool{}
			for i := range 5 { // sent at once: the last 2 go into the drop
				seq := c.send(submitSM, good(fmt.Sprint(375296717250+i)).body())
				owed[seq] = i < 3
			}
			for range 3 {
				p := c.read()
				if p.cmd != submitSM|resp || p.status != 0 || !owed[p.seq] {
					t.Fatalf("answer %+v, want one of the first 3 submits accepted", p)
				}
				delete(owed, p.seq)
			}
			if p, err := c.readErr(5 * time.Second); err != io.EOF {
				t.Fatalf("after the answers: %+v, %v; want the end of the stream", p, err)
			}
			c.c.Close()
			for _, want := range []string{"375296717253", "375296717254"} {
				select {
				case d := <-discards:
					if d.Dest != want || d.ID != 0 {
						t.Errorf("discarded %+v, want the submit to %s", d, want)
					}
				case <-time.After(5 * time.Second):
					t.Fatalf("the submit to %s was not read into the drop", want)
				}
			}
			if st := srv.Stats(); st.Accepted != 3 || st.Submits != 3 || st.Discarded != 2 {
				t.Errorf("stats %+v: want 3 accepted, 2 discarded", st)
			}
		})
	}
}

func TestGarbage(t *testing.T) {
	srv := startSim(t, smppsim.Options{})
	c := dial(t, srv.Addr())
	b := make([]byte, 16)
	binary.BigEndian.PutUint32(b, 8) // command_length below the header
	c.c.Write(b)
	p, err := c.readErr(2 * time.Second)
	if err != nil || p.cmd != genericNack {
		t.Fatalf("%+v %v", p, err)
	}
	if _, err := c.readErr(2 * time.Second); err == nil {
		t.Fatal("still open")
	}
	// The SMSC lives on.
	c2 := dial(t, srv.Addr())
	if st := c2.bind(bindTransmitter, "demo", "demo"); st != 0 {
		t.Fatalf("bind %#x", st)
	}
}

func TestPushedReceiptTexts(t *testing.T) {
	srv := startSim(t, smppsim.Options{})
	c := dial(t, srv.Addr())
	c.bind(bindReceiver, "demo", "demo")
	srv.Push(smppsim.Receipt{MessageID: "abc", Status: sms.Failed}, smppsim.Receipt{MessageID: "x", Text: "odd", NoTLV: true})
	d := c.readDeliver(2)
	if !strings.HasPrefix(string(d[0].sm), "id:abc ") || !strings.Contains(string(d[0].sm), "stat:REJECTED") {
		t.Errorf("text %q", d[0].sm)
	}
	if string(d[1].sm) != "odd" || len(d[1].tlv) != 0 {
		t.Errorf("%+v", d[1])
	}
}

type ledger struct {
	mu      sync.Mutex
	credits float64
}

func (l *ledger) Charge(parts int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.credits < float64(parts) {
		return false
	}
	l.credits -= float64(parts)
	return true
}

func (l *ledger) Balance() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.credits
}

func TestSharedLedger(t *testing.T) {
	l := &ledger{credits: 1}
	srv := startSim(t, smppsim.Options{Ledger: l})
	c := dial(t, srv.Addr())
	c.bind(bindTransmitter, "demo", "demo")
	if p := c.call(submitSM, good("375296717259").body()); p.status != 0 {
		t.Fatalf("%+v", p)
	}
	if p := c.call(submitSM, good("375296717259").body()); p.status != 0x4A4 {
		t.Fatalf("%+v", p)
	}
	if srv.Balance() != 0 || l.Balance() != 0 {
		t.Errorf("balance %v", srv.Balance())
	}
}

func TestFaultFlags(t *testing.T) {
	var f smppsim.Faults
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.RegisterFlags(fs)
	if err := fs.Parse([]string{"-smpp-drop-after", "3", "-smpp-delay", "10ms", "-smpp-status", "0x4A4"}); err != nil {
		t.Fatal(err)
	}
	if f != (smppsim.Faults{DropAfter: 3, Delay: 10 * time.Millisecond, Status: 0x4A4}) {
		t.Errorf("%+v", f)
	}
	if err := fs.Parse([]string{"-smpp-status", "many"}); err == nil {
		t.Error("bad status read")
	}
}
