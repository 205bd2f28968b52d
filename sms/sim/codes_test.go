package sim

import (
	"fmt"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
)

// The documented precedence (package comment), on every transport. Each
// pair of conditions shows which code wins. The clock is at noon, Minsk.
func TestSendCodePrecedence(t *testing.T) {
	date := func(d time.Duration) string { return sms.DateSend(t0.Add(d)) }
	tests := []struct {
		name        string
		opts        Options
		unavailable bool // inject -10 on every request
		edit        func(r *sendReq, m *msg)
		want        int // 0: accepted
	}{
		{"accepted", Options{}, false, nil, 0},
		{"no login", Options{}, false, func(r *sendReq, m *msg) { r.login = "" }, -6},
		{"no login beats no password", Options{}, false, func(r *sendReq, m *msg) { r.login, r.password = "", "" }, -6},
		{"no password", Options{}, false, func(r *sendReq, m *msg) { r.password = "" }, -7},
		{"no password beats wrong login", Options{}, false, func(r *sendReq, m *msg) { r.login, r.password = "x", "" }, -7},
		{"wrong password", Options{}, false, func(r *sendReq, m *msg) { r.password = "Demo" }, -2},
		{"wrong login", Options{}, false, func(r *sendReq, m *msg) { r.login = "dem" }, -2},
		{"token instead of the password", Options{Token: "tok"}, false, func(r *sendReq, m *msg) { r.password, r.token = "", "tok" }, 0},
		{"token beside a wrong password", Options{Token: "tok"}, false, func(r *sendReq, m *msg) { r.password, r.token = "x", "tok" }, 0},
		{"wrong token", Options{Token: "tok"}, false, func(r *sendReq, m *msg) { r.password, r.token = "", "tak" }, -2},
		{"token the account lacks", Options{}, false, func(r *sendReq, m *msg) { r.password, r.token = "", "tok" }, -2},
		{"wrong password beats API disabled", Options{APIDisabled: true}, false, func(r *sendReq, m *msg) { r.password = "x" }, -2},
		{"API disabled", Options{APIDisabled: true}, false, nil, -12},
		{"API disabled beats blocked", Options{APIDisabled: true, Blocked: true}, false, nil, -12},
		{"blocked", Options{Blocked: true}, false, nil, -13},
		{"blocked beats unavailable", Options{Blocked: true}, true, nil, -13},
		{"unavailable", Options{}, true, nil, -10},
		{"wrong password beats unavailable", Options{}, true, func(r *sendReq, m *msg) { r.password = "x" }, -2},
		{"unavailable beats hours", Options{Hours: [2]int{9, 12}}, true, nil, -10},
		{"outside hours", Options{Hours: [2]int{9, 12}}, false, nil, -14},
		{"inside hours", Options{Hours: [2]int{12, 13}}, false, nil, 0},
		{"outside overnight hours", Options{Hours: [2]int{22, 6}}, false, nil, -14},
		{"inside overnight hours", Options{Hours: [2]int{10, 2}}, false, nil, 0},
		{"hours 0-24", Options{Hours: [2]int{0, 24}}, false, nil, 0},
		{"hours beat a bad date", Options{Hours: [2]int{13, 12}}, false, func(r *sendReq, m *msg) { r.dateSend = "junk" }, -14},
		{"unparsable date", Options{}, false, func(r *sendReq, m *msg) { r.dateSend = "2026-12-01 10:00" }, -15},
		{"date too soon", Options{}, false, func(r *sendReq, m *msg) { r.dateSend = date(5 * time.Minute) }, -15},
		{"date in the past", Options{}, false, func(r *sendReq, m *msg) { r.dateSend = date(-time.Hour) }, -15},
		{"date within the grace minute", Options{}, false, func(r *sendReq, m *msg) { r.dateSend = date(9 * time.Minute) }, 0},
		{"date 10 minutes ahead", Options{}, false, func(r *sendReq, m *msg) { r.dateSend = date(10 * time.Minute) }, 0},
		{"bad date beats a bad recipient", Options{}, false, func(r *sendReq, m *msg) { r.dateSend, m.recipient = "junk", "123" }, -15},
		{"bad recipient", Options{}, false, func(r *sendReq, m *msg) { m.recipient = "+375 17 123-45-67" }, -4},
		{"bad recipient beats a bad sender", Options{}, false, func(r *sendReq, m *msg) { m.recipient, m.sender = "", "" }, -4},
		{"unregistered sender", Options{}, false, func(r *sendReq, m *msg) { m.sender = "Nope" }, -5},
		{"Cyrillic СМС", Options{}, false, func(r *sendReq, m *msg) { m.sender = "СМС" }, -5},
		{"sender case matters", Options{}, false, func(r *sendReq, m *msg) { m.sender = "cmc" }, -5},
		{"no sender", Options{}, false, func(r *sendReq, m *msg) { m.sender = "" }, -5},
		{"registered but invalid sender", Options{Senders: []string{"375291234567"}}, false, func(r *sendReq, m *msg) { m.sender = "375291234567" }, -5},
		{"other registered sender", Options{Senders: []string{"CMC", "Shop"}}, false, func(r *sendReq, m *msg) { m.sender = "Shop" }, 0},
		{"bad sender beats no text", Options{}, false, func(r *sendReq, m *msg) { m.sender, m.text = "Nope", "" }, -5},
		{"no text", Options{}, false, func(r *sendReq, m *msg) { m.text = "" }, -3},
		{"white space text", Options{}, false, func(r *sendReq, m *msg) { m.text = " \n\t" }, -3},
		{"no text beats no funds", Options{Balance: -1}, false, func(r *sendReq, m *msg) { m.text = "" }, -3},
		{"empty account", Options{Balance: -1}, false, nil, -1},
		{"price over the balance", Options{Price: 101}, false, nil, -1},
		{"exactly the balance", Options{Price: 100}, false, nil, 0},
	}
	for _, tt := range tests {
		for _, tr := range transports {
			t.Run(tt.name+"/"+tr, func(t *testing.T) {
				o := tt.opts
				if tt.unavailable {
					o.Faults.Unavailable = 1
				}
				s, _ := newSim(o)
				m := msg{recipient: "296717259", sender: "CMC", text: "hello"}
				r := demoReq()
				if tt.edit != nil {
					tt.edit(&r, &m)
				}
				r.msgs = []msg{m}
				whole, res := send(t, s, tr, r)
				got := firstCode(whole, res)
				if got != tt.want {
					t.Fatalf("code %d, want %d (%d %+v)", got, tt.want, whole, res)
				}
				st := s.Stats()
				if st.SendRequests != 1 {
					t.Errorf("%d send requests counted", st.SendRequests)
				}
				accepted := int64(0)
				if tt.want == 0 {
					accepted = 1
					if res[0].id != FirstID {
						t.Errorf("id %d", res[0].id)
					}
				}
				if st.Accepted != accepted || int64(s.Received("375296717259")) != accepted {
					t.Errorf("accepted %d, received %d", st.Accepted, s.Received("375296717259"))
				}
				perMessage := tt.want == 0 || sms.Code(tt.want).AboutMessage() || tt.want == -1
				if (st.Messages == 1) != perMessage {
					t.Errorf("%d messages processed for code %d", st.Messages, tt.want)
				}
				if (st.Faults.Unavailable == 1) != (tt.want == -10) {
					t.Errorf("-10 faults counted: %d", st.Faults.Unavailable)
				}
			})
		}
	}
}

// Status and credits requests: -6, -7, -2, -12, -10, then -11 per id.
// Blocked accounts and hours do not stop them.
func TestStatusAndCreditsPrecedence(t *testing.T) {
	tests := []struct {
		name            string
		opts            Options
		login, password string
		want            string // whole-request code, or the per-id answers
		credits         string
	}{
		{"ok", Options{}, "demo", "demo", "[Queued -11 -11 -11]", "99.00"},
		{"no login", Options{}, "", "", "-6", "-6"},
		{"no password", Options{}, "demo", "", "-7", "-7"},
		{"wrong password", Options{}, "demo", "x", "-2", "-2"},
		{"wrong password beats API disabled", Options{APIDisabled: true}, "demo", "x", "-2", "-2"},
		{"API disabled", Options{APIDisabled: true}, "demo", "demo", "-12", "-12"},
		{"API disabled beats unavailable", Options{APIDisabled: true, Faults: Faults{Unavailable: 1}}, "demo", "demo", "-12", "-12"},
		{"unavailable", Options{Faults: Faults{Unavailable: 1}}, "demo", "demo", "-10", "-10"},
		{"wrong password beats unavailable", Options{Faults: Faults{Unavailable: 1}}, "x", "demo", "-2", "-2"},
		{"blocked does not stop statuses", Options{Blocked: true}, "demo", "demo", "[Queued -11 -11 -11]", "99.00"},
		{"hours do not stop statuses", Options{Hours: [2]int{1, 2}}, "demo", "demo", "[Queued -11 -11 -11]", "99.00"},
	}
	for _, tt := range tests {
		for _, tr := range transports {
			t.Run(tt.name+"/"+tr, func(t *testing.T) {
				seed := tt.opts
				seed.Blocked, seed.APIDisabled, seed.Faults, seed.Hours = false, false, Faults{}, [2]int{}
				s, clk := newSim(seed)
				_, res := send(t, s, "json", demoReq(msg{recipient: "296717259", sender: "CMC", text: "x"}))
				// the same account, now with the options under test
				o := tt.opts
				o.Now = clk.Now
				s2 := New(o)
				s2.balance, s2.recs = s.balance, s.recs
				whole, words := status(t, s2, tr, tt.login, tt.password, ids(res)[0], "3000000002", "abc", "")
				got := fmt.Sprint(words)
				if whole != 0 {
					got = fmt.Sprint(whole)
				}
				if got != tt.want {
					t.Errorf("statuses: %s, want %s", got, tt.want)
				}
				if c := credits(t, s2, tt.login, tt.password); c != tt.credits {
					t.Errorf("credits: %s, want %s", c, tt.credits)
				}
			})
		}
	}
}

// A request that asks for nothing known is -12 once authenticated.
func TestUnknownRequests(t *testing.T) {
	tests := []struct{ path, body, want string }{
		{PathJSON, `{"login":"demo","password":"demo","command":"credits"}`, `{"error":-12}`},
		{PathJSON, `{"login":"demo","password":"demo"}`, `{"error":-12}`},
		{PathJSON, `{"login":"demo","password":"x","command":"nope"}`, `{"error":-2}`},
		{PathJSON, `null`, `{"error":-6}`},
		{PathJSON, `{"login":"demo","password":"demo","command":"SMS_SEND","message":{"msg":[]}}`, `{"message":{"msg":[]}}`},
		{PathJSON, `{"login":"demo","password":"demo","command":"sms_send"}`, `{"message":{"msg":[]}}`},
		{PathJSON, `{"login":"demo","password":"demo","command":"statuses"}`, `{"status":{"msg":[]}}`},
		{PathXML, `<package login="demo" password="demo"/>`, `<package><error>-12</error></package>`},
		{PathXML, `<package login="demo"/>`, `<package><error>-7</error></package>`},
		{PathXML, `<package login="demo" password="demo"><message></message></package>`, `<package><message></message></package>`},
	}
	for _, tt := range tests {
		s, _ := newSim(Options{})
		code, body := do(t, s, "POST", tt.path, "", tt.body)
		if code != 200 || !(body == tt.want || (tt.path == PathXML && body == `<?xml version="1.0" encoding="utf-8" ?>`+"\n"+tt.want)) {
			t.Errorf("%s: HTTP %d %s, want %s", tt.body, code, body, tt.want)
		}
	}
}
