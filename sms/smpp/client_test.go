package smpp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/smppsim"
)

// submits records what the SMSC accepted.
type submits struct {
	mu sync.Mutex
	by map[string][]smppsim.Submit // by destination
}

func (s *submits) on(x smppsim.Submit) {
	s.mu.Lock()
	if s.by == nil {
		s.by = map[string][]smppsim.Submit{}
	}
	s.by[x.Dest] = append(s.by[x.Dest], x)
	s.mu.Unlock()
}

func (s *submits) get(dest string) []smppsim.Submit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.by[dest])
}

func TestSendTexts(t *testing.T) {
	var got submits
	srv := startSim(t, smppsim.Options{OnSubmit: got.on})
	c, _ := startClient(t, srv.Addr(), nil)
	long := strings.Repeat("Привет, мир! ", 12)
	emoji := strings.Repeat("ж", 66) + "😀" + strings.Repeat("ы", 70) + "🎉"
	cases := []struct {
		name, text string
		coding     byte
		parts      int
	}{
		{"latin1 short", "Hello, world", CodingLatin1, 1},
		{"latin1 accents", "café naïve ÿ", CodingLatin1, 1},
		{"latin1 braces", "{json} [x] ~ ^ | \\", CodingLatin1, 1},
		{"latin1 140", strings.Repeat("a", 140), CodingLatin1, 1},
		{"latin1 141", strings.Repeat("a", 141), CodingLatin1, 2},
		{"latin1 long", strings.Repeat("0123456789", 40), CodingLatin1, 3},
		{"ucs2 cyrillic", "Привет", CodingUCS2, 1},
		{"ucs2 70", strings.Repeat("я", 70), CodingUCS2, 1},
		{"ucs2 71", strings.Repeat("я", 71), CodingUCS2, 2},
		{"ucs2 long", long, CodingUCS2, 3},
		{"ucs2 emoji at the boundary", emoji, CodingUCS2, 3},
		{"euro", "Цена 5€ {ok}", CodingUCS2, 1},
		{"euro only", "5 €", CodingUCS2, 1},
	}
	msgs := make([]sms.Message, len(cases))
	for i, tc := range cases {
		msgs[i] = msg(fmt.Sprintf("+375 29 %07d", 1000010+i), tc.text)
	}
	res := c.Send(context.Background(), msgs)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := res[i]
			if r.Outcome != sms.Accepted || r.Parts != tc.parts || r.ID < smppsim.FirstID {
				t.Fatalf("result %+v (err %v), want accepted in %d parts", r, r.Err, tc.parts)
			}
			subs := got.get(fmt.Sprintf("37529%07d", 1000010+i))
			if len(subs) != tc.parts {
				t.Fatalf("%d submit_sm, want %d", len(subs), tc.parts)
			}
			if subs[0].ID != r.ID {
				t.Errorf("result id %d, first part's %d", r.ID, subs[0].ID)
			}
			var parts [][]byte
			for _, s := range subs {
				if s.DataCoding != tc.coding || s.SourceTON != 5 || s.SrcNPI != 0 || s.DestTON != 1 || s.DestNPI != 1 || s.RegisteredDelivery != 1 {
					t.Errorf("submit %+v", s)
				}
				wantESM := byte(0)
				if tc.parts > 1 {
					wantESM = 0x40
				}
				if s.ESMClass != wantESM {
					t.Errorf("esm_class %#x, want %#x", s.ESMClass, wantESM)
				}
				if len(s.ShortMessage) > 140 {
					t.Errorf("part of %d octets", len(s.ShortMessage))
				}
				parts = append(parts, s.ShortMessage)
			}
			text, err := Join(tc.coding, parts)
			if err != nil || text != tc.text {
				t.Errorf("reassembled %q (%v), want %q", text, err, tc.text)
			}
		})
	}
}

func TestNumericSenderAndChecks(t *testing.T) {
	var got submits
	srv := startSim(t, smppsim.Options{OnSubmit: got.on, Account: accountWithSenders("CMC", "Shop_1")})
	c, _ := startClient(t, srv.Addr(), nil)
	res := c.Send(context.Background(), []sms.Message{
		{To: "80296717259", Text: "x", Sender: "Shop_1"},
		{To: "12", Text: "x", Sender: "CMC"},
		{To: "296717259", Text: "  ", Sender: "CMC"},
		{To: "296717259", Text: "x", Sender: ""},
		{To: "296717258", Text: "x", Sender: "+375291234567"},
	})
	if res[0].Outcome != sms.Accepted {
		t.Errorf("named sender: %+v", res[0])
	}
	for i := 1; i <= 3; i++ {
		if res[i].Outcome != sms.NotSent || res[i].Err == nil {
			t.Errorf("message %d: %+v, want not sent with a reason", i, res[i])
		}
	}
	// A numeric sender goes as TON 1/NPI 0; the simulator has none registered.
	if res[4].Outcome != sms.Refused || !errors.Is(res[4].Err, StatusBadSender) || res[4].Code != sms.CodeBadSender {
		t.Errorf("numeric sender: %+v", res[4])
	}
	if s := got.get("375296717259"); len(s) != 1 || s[0].Sender != "Shop_1" || s[0].SourceTON != 5 {
		t.Errorf("submits %+v", s)
	}
}

func TestReceiptsEveryOutcome(t *testing.T) {
	srv := startSim(t, instant(smppsim.Options{}))
	c, rs := startClient(t, srv.Addr(), nil)
	want := map[string]sms.Status{
		"375291234500": sms.Rejected, "375291234501": sms.Expired, "375291234502": sms.Failed,
		"375291234503": sms.Unknown, "375291234504": sms.Delivered, "375291234599": sms.Delivered,
	}
	var msgs []sms.Message
	var tos []string
	for to := range want {
		tos = append(tos, to)
		msgs = append(msgs, msg(to, "short"))
	}
	// Long messages: one whose parts all fail, one whose parts all arrive.
	msgs = append(msgs, msg("375291234400", strings.Repeat("long ", 80)), msg("375291234498", strings.Repeat("длинный ", 30)))
	res := c.Send(context.Background(), msgs)
	for i, r := range res {
		if r.Outcome != sms.Accepted {
			t.Fatalf("message %d: %+v", i, r)
		}
	}
	if res[len(res)-2].Parts != 3 || res[len(res)-1].Parts != 4 {
		t.Fatalf("parts %d and %d", res[len(res)-2].Parts, res[len(res)-1].Parts)
	}
	byID := map[int64]sms.Status{}
	for i, to := range tos {
		byID[res[i].ID] = want[to]
	}
	byID[res[len(res)-2].ID] = sms.Rejected
	byID[res[len(res)-1].ID] = sms.Delivered
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := latest(rs.all())
		ok := len(got) == len(byID)
		for id, st := range byID {
			ok = ok && got[id].Status == st
		}
		if ok {
			if got[res[len(res)-1].ID].Parts != 4 {
				t.Errorf("long message report %+v", got[res[len(res)-1].ID])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("reports %+v, want %v", got, byID)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// No report for a part's own id.
	for _, r := range rs.all() {
		if _, ok := byID[r.ID]; !ok {
			t.Errorf("report for an id that is no message: %+v", r)
		}
	}
	// Statuses answers from the receipts.
	ids := []int64{res[0].ID, res[len(res)-1].ID, 42}
	reps, err := c.Statuses(context.Background(), ids)
	if err != nil || reps[0].Status != byID[res[0].ID] || reps[1].Status != sms.Delivered || reps[1].Parts != 4 || reps[2].Status != sms.StatusNone {
		t.Errorf("statuses %+v, %v", reps, err)
	}
	if _, err := c.Balance(context.Background()); !errors.Is(err, ErrNoBalance) {
		t.Errorf("balance error %v", err)
	}
}

func accountWithSenders(s ...string) sim.Options { return sim.Options{Senders: s} }

func TestErrorCodes(t *testing.T) {
	srv := startSim(t, smppsim.Options{})
	c, _ := startClient(t, srv.Addr(), nil)
	for _, tc := range []struct {
		status Status
		code   sms.Code
		en, ru string
	}{
		{StatusNetwork, sms.CodeUnavailable, "network unavailable", "сеть недоступна"},
		{StatusBadDest, sms.CodeBadRecipient, "bad recipient number", "некорректный номер"},
		{StatusBadBind, 0, "bad bind request", "bind"},
		{StatusMalformed, 0, "malformed PDU", "PDU"},
		{StatusBadPassword, sms.CodeAuth, "wrong SMPP password", "пароль"},
		{StatusBadSender, sms.CodeBadSender, "sender name", "отправителя"},
		{StatusEncoding, 0, "encoding not supported", "кодировка"},
		{StatusNoFunds, sms.CodeNoFunds, "insufficient funds", "средств"},
		{StatusTooLong, 0, "too long", "превышено"},
		{0x58, 0, "SMPP error 0x00000058", "ошибка SMPP 0x00000058"},
	} {
		t.Run(tc.status.Hex(), func(t *testing.T) {
			srv.SetFaults(smppsim.Faults{Status: uint32(tc.status)})
			r := c.Send(context.Background(), []sms.Message{msg("296717259", "hi")})[0]
			var st Status
			if r.Outcome != sms.Refused || !errors.As(r.Err, &st) || st != tc.status || r.Code != tc.code {
				t.Fatalf("result %+v, want refused with %v", r, tc.status)
			}
			if en, ru := sms.ErrText(r.Err, sms.EN), sms.ErrText(r.Err, sms.RU); !strings.Contains(en, tc.en) || !strings.Contains(ru, tc.ru) {
				t.Errorf("texts %q / %q", en, ru)
			}
		})
	}
	srv.SetFaults(smppsim.Faults{})
	if r := c.Send(context.Background(), []sms.Message{msg("296717259", "hi")})[0]; r.Outcome != sms.Accepted {
		t.Errorf("after the faults: %+v", r)
	}
}

func TestRealRefusals(t *testing.T) {
	o := smppsim.Options{}
	o.Account.Balance = 2 // two parts
	srv := startSim(t, o)
	c, _ := startClient(t, srv.Addr(), func(c *Config) { c.Latin1Limit = 160 })
	var res []sms.Result
	for _, m := range []sms.Message{
		{To: "296717259", Text: "x", Sender: "Other"}, // not registered
		msg("296717259", strings.Repeat("a", 150)),    // one part of 150 octets: over the SMSC's 140
		msg("296717259", "one"),                       // charged
		msg("296717259", strings.Repeat("ж", 100)),    // 2 parts: the first is charged, the second finds no funds
	} {
		res = append(res, c.Send(context.Background(), []sms.Message{m})[0])
	}
	if !errors.Is(res[0].Err, StatusBadSender) {
		t.Errorf("unregistered sender: %+v", res[0])
	}
	if !errors.Is(res[1].Err, StatusTooLong) || res[1].Outcome != sms.Refused {
		t.Errorf("over-long: %+v", res[1])
	}
	if res[2].Outcome != sms.Accepted {
		t.Errorf("charged: %+v", res[2])
	}
	var pe *PartialError
	if res[3].Outcome != sms.Refused || !errors.Is(res[3].Err, StatusNoFunds) || !errors.As(res[3].Err, &pe) || pe.Sent != 1 || pe.Total != 2 || res[3].Code != sms.CodeNoFunds {
		t.Errorf("no funds half way: %+v", res[3])
	}
	if b := srv.Balance(); b != 0 {
		t.Errorf("balance %v", b)
	}
	if r := c.Send(context.Background(), []sms.Message{msg("296717259", "x")})[0]; !errors.Is(r.Err, StatusNoFunds) {
		t.Errorf("empty account: %+v", r)
	}
}

func TestBadPasswordStops(t *testing.T) {
	srv := startSim(t, smppsim.Options{})
	var states []ConnState
	var mu sync.Mutex
	c, _ := startClient(t, srv.Addr(), func(c *Config) {
		c.Password = "wrong"
		c.OnState = func(s ConnState) { mu.Lock(); states = append(states, s); mu.Unlock() }
	})
	s := waitState(t, c, Stopped, 5*time.Second)
	if !errors.Is(s.Err, StatusBadPassword) || !strings.Contains(s.Text(sms.EN), "wrong SMPP password") ||
		!strings.Contains(s.Text(sms.RU), "неправильный пароль") || !strings.Contains(s.Text(sms.EN), "set apart from the account's") {
		t.Errorf("state %v", s)
	}
	time.Sleep(300 * time.Millisecond) // ten backoffs' worth
	if st := srv.Stats(); st.Binds > 2 || st.BindsRefused != st.Binds {
		t.Errorf("binds %+v: the client went on trying", st)
	}
	r := c.Send(context.Background(), []sms.Message{msg("296717259", "x")})[0]
	if r.Outcome != sms.NotSent || !errors.Is(r.Err, StatusBadPassword) ||
		sms.ErrText(r.Err, sms.RU) != "нет связи со шлюзом SMPP: неправильный пароль к подключению по SMPP (0x0000000E; пароль SMPP задаётся отдельно от пароля кабинета: «Мои настройки → Персональные данные → SMPP подключение»)" {
		t.Errorf("send after the refusal: %+v (%s)", r, sms.ErrText(r.Err, sms.RU))
	}
	mu.Lock()
	defer mu.Unlock()
	if len(states) == 0 || states[len(states)-1].Kind != Stopped {
		t.Errorf("states %v", states)
	}
}

// TestRefusedConnectionHint: a refused connection is explained with the
// IP registration's hint, in the state and in a send that finds no link;
// once the SMSC is up, the client binds. Deterministic: it waits for the
// transmitter's own failure (OnState is given every state that names
// it), and a send that finds no link says the link's last failure even
// while the link is dialling again.
func TestRefusedConnectionHint(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	lost := make(chan ConnState, 1)
	c, _ := startClient(t, addr, func(c *Config) {
		c.ConnectWait = 50 * time.Millisecond
		c.OnState = func(s ConnState) {
			if s.Kind == Lost && s.Link == "transmitter" {
				select {
				case lost <- s:
				default:
				}
			}
		}
	})
	var s ConnState
	select {
	case s = <-lost:
	case <-time.After(10 * time.Second):
		t.Fatalf("no lost transmitter; state %v", c.State())
	}
	const registered, registeredRU = "only from IP addresses registered", "только с IP-адресов"
	if en, ru := s.Text(sms.EN), s.Text(sms.RU); !strings.Contains(en, "nothing listens at "+addr) || !strings.Contains(en, registered) ||
		!strings.Contains(ru, registeredRU) || s.Retry <= 0 {
		t.Errorf("state %q / %q", en, ru)
	}
	for range 3 { // whether the link is waiting or dialling again
		r := c.Send(context.Background(), []sms.Message{msg("296717259", "x")})[0]
		if en := sms.ErrText(r.Err, sms.EN); r.Outcome != sms.NotSent || !strings.Contains(en, "not bound") || !strings.Contains(en, registered) {
			t.Errorf("send: %+v (%s)", r, en)
		}
	}
	// It keeps trying: once the SMSC is up, it binds.
	srv, err := smppsim.Start(addr, smppsim.Options{})
	if err != nil {
		t.Skip("port taken meanwhile:", err)
	}
	defer srv.Close()
	waitState(t, c, Bound, 5*time.Second)
}

func TestReconnectLosesNoReceipt(t *testing.T) {
	o := smppsim.Options{}
	o.Account.QueuedFor, o.Account.SentFor = 150*time.Millisecond, -1
	o.Account.Balance = 1000
	srv := startSim(t, o)
	c, rs := startClient(t, srv.Addr(), nil)
	var ids []int64
	want := map[int64]sms.Status{}
	send := func(n int) {
		msgs := make([]sms.Message, n)
		phones := make([]uint64, n)
		for i := range msgs {
			phones[i] = uint64(375296710000 + len(ids) + i)
			msgs[i] = msg(fmt.Sprint(phones[i]), "x")
		}
		for i, r := range c.Send(context.Background(), msgs) {
			if r.Outcome != sms.Accepted {
				t.Fatalf("send: %+v", r)
			}
			ids = append(ids, r.ID)
			want[r.ID] = sim.FinalStatus(phones[i])
		}
	}
	waitSessions(t, srv, 1, 1)
	for round := range 3 {
		send(50)
		losses := c.Stats().Losses
		if n := srv.DropConnections(); n == 0 {
			t.Fatalf("round %d: nothing to drop", round)
		}
		waitLosses(t, c, losses+2)
		waitSessions(t, srv, 1, 1)
		waitState(t, c, Bound, 5*time.Second)
	}
	send(50) // after the last rebind
	rs.wait(t, 1, 5*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := latest(rs.all())
		missing := 0
		for _, id := range ids {
			if got[id].Status != want[id] {
				missing++
			}
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d receipts missing; sim %+v, client %+v", missing, len(ids), srv.Stats(), c.Stats())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if st := c.Stats(); st.Losses < 6 {
		t.Errorf("losses %d, want both links lost 3 times", st.Losses)
	}
}

func TestWindowAndRate(t *testing.T) {
	srv := startSim(t, smppsim.Options{Faults: smppsim.Faults{Delay: 20 * time.Millisecond}})
	c, _ := startClient(t, srv.Addr(), func(c *Config) { c.Window = 3 })
	msgs := make([]sms.Message, 30)
	for i := range msgs {
		msgs[i] = msg("296717259", "x")
	}
	// Two Sends at once share the window.
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, r := range c.Send(context.Background(), msgs) {
				if r.Outcome != sms.Accepted {
					t.Errorf("%+v", r)
				}
			}
		}()
	}
	wg.Wait()
	if m := srv.Stats().MaxInFlight; m != 3 {
		t.Errorf("most in flight %d, want 3", m)
	}

	srv2 := startSim(t, smppsim.Options{})
	c2, _ := startClient(t, srv2.Addr(), func(c *Config) { c.Rate = 50 })
	start := time.Now()
	res := c2.Send(context.Background(), msgs[:15])
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("15 messages at 50/s took %s", d)
	}
	for _, r := range res {
		if r.Outcome != sms.Accepted {
			t.Errorf("%+v", r)
		}
	}
}

func TestUnknownOutcomes(t *testing.T) {
	t.Run("dropped before the answer", func(t *testing.T) {
		// The network fails once the SMSC has charged the submit, before
		// its answer is written.
		var charged atomic.Int64
		var once atomic.Pointer[smppsim.Running]
		srv := startSim(t, smppsim.Options{OnSubmit: func(smppsim.Submit) {
			charged.Add(1)
			if s := once.Swap(nil); s != nil {
				s.DropConnections()
			}
		}})
		once.Store(srv)
		c, _ := startClient(t, srv.Addr(), nil)
		waitState(t, c, Bound, 5*time.Second)
		binds := c.Stats().Binds
		r := c.Send(context.Background(), []sms.Message{msg("296717259", "x")})[0]
		if r.Outcome != sms.OutcomeUnknown {
			t.Fatalf("result %+v", r)
		}
		if en, ru := sms.ErrText(r.Err, sms.EN), sms.ErrText(r.Err, sms.RU); !strings.Contains(en, "lost while waiting for the answer: the other side closed the connection") ||
			!strings.Contains(ru, "в ожидании ответа: другая сторона закрыла соединение") {
			t.Errorf("reasons %q / %q", en, ru)
		}
		if n := charged.Load(); n != 1 {
			t.Errorf("the SMSC charged %d", n)
		}
		waitBinds(t, c, binds+1)
		waitState(t, c, Bound, 5*time.Second)
		if r := c.Send(context.Background(), []sms.Message{msg("296717259", "x")})[0]; r.Outcome != sms.Accepted {
			t.Errorf("after the rebind: %+v", r)
		}
	})
	t.Run("no answer in time", func(t *testing.T) {
		srv := startSim(t, smppsim.Options{})
		c, _ := startClient(t, srv.Addr(), func(c *Config) { c.RespTimeout = 100 * time.Millisecond; c.BindTimeout = time.Second })
		waitState(t, c, Bound, 5*time.Second)
		srv.SetFaults(smppsim.Faults{Delay: 300 * time.Millisecond})
		r := c.Send(context.Background(), []sms.Message{msg("296717259", "x")})[0]
		if r.Outcome != sms.OutcomeUnknown || !strings.Contains(sms.ErrText(r.Err, sms.EN), "response timeout") {
			t.Fatalf("result %+v", r)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		srv := startSim(t, smppsim.Options{})
		c, _ := startClient(t, srv.Addr(), nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r := c.Send(ctx, []sms.Message{msg("296717259", "x")})[0]
		if r.Outcome != sms.NotSent || srv.Stats().Submits != 0 {
			t.Fatalf("result %+v", r)
		}
	})
}

func TestOddReceipts(t *testing.T) {
	srv := startSim(t, smppsim.Options{})
	c, rs := startClient(t, srv.Addr(), nil)
	waitState(t, c, Bound, 5*time.Second)
	srv.Push(
		smppsim.Receipt{MessageID: "123456789", Status: sms.Expired},                          // unknown id: kept
		smppsim.Receipt{MessageID: "5F3A", Text: "ID:5f3a SUB:1 Stat : delivrd", NoTLV: true}, // hex id, odd spelling
		smppsim.Receipt{MessageID: "77", Text: "id:77 stat:ACCEPTD err:000", NoTLV: true},     // not final
		smppsim.Receipt{MessageID: "78", Text: "hello from a phone", NoTLV: true},             // no receipt at all
	)
	reps := rs.wait(t, 3, 5*time.Second)
	got := latest(reps)
	if got[123456789].Status != sms.Expired || got[c.messageID("5f3a")].Status != sms.Delivered || got[77].Status != sms.Sent {
		t.Errorf("reports %+v", reps)
	}
	if id := c.messageID("5f3a"); id < 1<<62 || id != c.messageID("5f3a") {
		t.Errorf("hex id mapped to %d", id)
	}
	time.Sleep(50 * time.Millisecond)
	if st := c.Stats(); st.Unreadable != 1 || st.Receipts != 3 {
		t.Errorf("stats %+v", st)
	}
}

func TestReceiptBurstIsBatched(t *testing.T) {
	srv := startSim(t, smppsim.Options{})
	c, rs := startClient(t, srv.Addr(), func(c *Config) {
		slow := c.OnReceipts
		c.OnReceipts = func(b []sms.StatusReport) { time.Sleep(20 * time.Millisecond); slow(b) }
	})
	waitState(t, c, Bound, 5*time.Second)
	burst := make([]smppsim.Receipt, 5000)
	for i := range burst {
		burst[i] = smppsim.Receipt{MessageID: fmt.Sprint(1000 + i)}
	}
	srv.Push(burst...)
	rs.wait(t, len(burst), 10*time.Second)
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.batches > 100 {
		t.Errorf("5000 receipts in %d batches", rs.batches)
	}
}

func TestCloseAndStates(t *testing.T) {
	srv := startSim(t, smppsim.Options{})
	c, _ := startClient(t, srv.Addr(), func(c *Config) { c.Backoff.Min = 200 * time.Millisecond }) // long enough to see Lost
	waitState(t, c, Bound, 5*time.Second)
	if s := <-c.StateChanges(); s.Kind != Bound {
		t.Errorf("latest change %v", s)
	}
	if s := c.State(); s.Text(sms.RU) != "подключено" || s.Text(sms.EN) != "bound" {
		t.Errorf("texts %q %q", s.Text(sms.RU), s.Text(sms.EN))
	}
	srv.DropConnections()
	s := waitState(t, c, Lost, 5*time.Second)
	if !strings.Contains(s.Text(sms.EN), "connection lost") || !strings.Contains(s.Text(sms.RU), "связь потеряна") {
		t.Errorf("lost texts %q / %q", s.Text(sms.EN), s.Text(sms.RU))
	}
	waitState(t, c, Bound, 5*time.Second)
	c.Close()
	if s := c.State(); s.Kind != Stopped || !errors.Is(s.Err, ErrClosed) {
		t.Errorf("after close %v", s)
	}
	r := c.Send(context.Background(), []sms.Message{msg("296717259", "x")})[0]
	if r.Outcome != sms.NotSent {
		t.Errorf("send after close %+v", r)
	}
	time.Sleep(50 * time.Millisecond)
	if tx, rx := srv.Sessions(); tx+rx != 0 {
		t.Errorf("sessions left %d %d", tx, rx)
	}
}

func TestSendWithoutReceiver(t *testing.T) {
	srv := startSim(t, smppsim.Options{Faults: smppsim.Faults{ReceiverStatus: 0x08}})
	c, _ := startClient(t, srv.Addr(), nil)
	r := c.Send(context.Background(), []sms.Message{msg("296717259", "x")})[0]
	if r.Outcome != sms.Accepted {
		t.Fatalf("%+v", r)
	}
	s := waitState(t, c, Lost, 5*time.Second)
	if s.Link != "receiver" || !strings.Contains(s.Text(sms.EN), "(receiver): SMPP error 0x00000008") || !strings.Contains(s.Text(sms.RU), "приёмник") {
		t.Errorf("state %q / %q", s.Text(sms.EN), s.Text(sms.RU))
	}
	srv.SetFaults(smppsim.Faults{})
	waitState(t, c, Bound, 5*time.Second)
}
