package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/wire"
)

const password = "s3cr3t-Pa55"

// clock is a settable time for the simulator.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func startSim(t testing.TB, o sim.Options) (*sim.Running, Config) {
	t.Helper()
	if o.Login == "" {
		o.Login, o.Password = "agent", password
	}
	run, err := sim.Start("127.0.0.1:0", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Close() })
	u := run.URL()
	return run, Config{
		Login: o.Login, Password: o.Password,
		SendPlainURL: u + "/api/v1/send_sms/plain", StatusPlainURL: u + "/api/v1/statuses/plain",
		CreditsPlainURL: u + "/api/v1/credits/plain", XMLURL: u + "/api/v1/xml", JSONURL: u + "/api/v1/json",
		Timeout: 5 * time.Second, Retry: Retry{Attempts: 3, Base: time.Millisecond},
	}
}

func gateway(t testing.TB, transport string, cfg Config) sms.Gateway {
	t.Helper()
	g, err := New(transport, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

var transports = []string{"plain", "xml", "json"}

func TestRoundTrip(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			clk := &clock{t: time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)}
			run, cfg := startSim(t, sim.Options{Balance: 100, QueuedFor: time.Minute, SentFor: time.Minute, Now: clk.Now, Senders: []string{"CMC", "Shop"}})
			g := gateway(t, tr, cfg)
			ctx := context.Background()
			long := strings.Repeat("я", 71) // two UCS-2 parts
			msgs := []sms.Message{
				{To: "375296717259", Text: "Привет <&> \"мир\"", Sender: "CMC"},
				{To: "375291234500", Text: long, Sender: "Shop", Validity: 2 * time.Hour},
				{To: "375291234501", Text: "x", Sender: "Nope"},
			}
			res := g.Send(ctx, msgs)
			if len(res) != 3 {
				t.Fatalf("%d results", len(res))
			}
			if res[0].Outcome != sms.Accepted || res[0].ID <= 1<<31 || res[1].Outcome != sms.Accepted {
				t.Fatalf("results: %+v", res)
			}
			if res[2].Outcome != sms.Refused || res[2].Code != sms.CodeBadSender {
				t.Errorf("unregistered sender: %+v", res[2])
			}
			if tr != "plain" && res[1].Parts != 2 {
				t.Errorf("parts: %+v", res[1])
			}
			credits, err := g.Balance(ctx)
			if err != nil || credits != 97 {
				t.Errorf("balance after 3 parts = %v, %v", credits, err)
			}
			ids := []int64{res[0].ID, res[1].ID, 42}
			want := func(stage string, st ...sms.Status) {
				t.Helper()
				reports, err := g.Statuses(ctx, ids)
				if err != nil {
					t.Fatalf("%s: %v", stage, err)
				}
				for i, s := range st {
					if reports[i].ID != ids[i] || reports[i].Status != s {
						t.Errorf("%s: id %d is %v, want %v", stage, ids[i], reports[i].Status, s)
					}
				}
				if reports[2].Code != sms.CodeBadID {
					t.Errorf("%s: unknown id gives %+v", stage, reports[2])
				}
			}
			want("at once", sms.Queued, sms.Queued)
			clk.Add(90 * time.Second)
			want("after 90 s", sms.Sent, sms.Sent)
			clk.Add(time.Minute)
			want("after 150 s", sms.Delivered, sms.Rejected)
			if n := run.Server().Received("375296717259"); n != 1 {
				t.Errorf("simulator received the message %d times", n)
			}
		})
	}
}

func TestBatchSplitAndSchedule(t *testing.T) {
	for _, tr := range []string{"xml", "json"} {
		t.Run(tr, func(t *testing.T) {
			run, cfg := startSim(t, sim.Options{Balance: 1000})
			cfg.BatchSize = 2
			g := gateway(t, tr, cfg)
			later := time.Now().Add(time.Hour).Truncate(time.Minute)
			var msgs []sms.Message
			for i := range 5 {
				msgs = append(msgs, sms.Message{To: fmt.Sprintf("37529123451%d", i), Text: "t", Sender: "CMC"})
			}
			msgs = append(msgs, sms.Message{To: "375291234519", Text: "later", Sender: "CMC", At: later})
			res := g.Send(context.Background(), msgs)
			for i, r := range res {
				if r.Outcome != sms.Accepted {
					t.Fatalf("message %d: %+v", i, r)
				}
			}
			if got := run.Server().Stats().SendRequests; got != 4 { // 2+2+1 now, 1 scheduled
				t.Errorf("%d send requests, want 4", got)
			}
			reports, err := g.Statuses(context.Background(), []int64{res[5].ID})
			if err != nil || reports[0].Status != sms.Queued {
				t.Errorf("scheduled message: %+v, %v", reports, err)
			}
		})
	}
}

// captured serves canned replies and keeps the last request body.
type captured struct {
	mu    sync.Mutex
	body  []byte
	ctype string
	reply string
	count int
}

func (c *captured) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.body, c.ctype, c.count = b, r.Header.Get("Content-Type"), c.count+1
	reply := c.reply
	c.mu.Unlock()
	io.WriteString(w, reply)
}

func canned(t *testing.T, reply string) (*captured, Config) {
	c := &captured{reply: reply}
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	u := srv.URL
	return c, Config{Login: "agent", Password: password,
		SendPlainURL: u + "/p", StatusPlainURL: u + "/s", CreditsPlainURL: u + "/c", XMLURL: u + "/x", JSONURL: u + "/j",
		Timeout: 2 * time.Second, Retry: Retry{Attempts: 3, Base: time.Millisecond}}
}

// The documentation's sample replies, as the gateway sends them.
func TestDocumentedReplies(t *testing.T) {
	two := []sms.Message{{To: "375296717259", Text: "a", Sender: "x"}, {To: "375296717258", Text: "b", Sender: "CMC"}}
	_, cfg := canned(t, `<?xml version="1.0" encoding="utf-8" ?>
<package>
  <message>
    <msg sms_id="0" sms_count="1">-5</msg>
    <msg sms_id="1234568" sms_count="1"/>
  </message>
</package>`)
	res := gateway(t, "xml", cfg).Send(context.Background(), two)
	if res[0].Outcome != sms.Refused || res[0].Code != -5 || res[1].Outcome != sms.Accepted || res[1].ID != 1234568 || res[1].Parts != 1 {
		t.Errorf("XML send reply: %+v", res)
	}
	_, cfg = canned(t, `{"message": {"msg":[ {"sms_id":12345678,"sms_count":1,"error_code":0}, {"sms_id":0,"sms_count":1,"error_code":-5} ]}}`)
	res = gateway(t, "json", cfg).Send(context.Background(), two)
	if res[0].Outcome != sms.Accepted || res[0].ID != 12345678 || res[1].Code != -5 {
		t.Errorf("JSON send reply: %+v", res)
	}
	_, cfg = canned(t, `<package><error>-2</error></package>`)
	res = gateway(t, "xml", cfg).Send(context.Background(), two)
	if res[0].Code != sms.CodeAuth || res[1].Code != sms.CodeAuth {
		t.Errorf("XML whole-package error: %+v", res)
	}
	_, cfg = canned(t, `{"status":{"msg":[{"sms_id":"12345678","sms_count":"1","sms_status":"Delivered","operator":"A1","recipient":"375296717259"}]}}`)
	rep, err := gateway(t, "json", cfg).Statuses(context.Background(), []int64{12345678})
	if err != nil || rep[0].Status != sms.Delivered || rep[0].Parts != 1 {
		t.Errorf("JSON statuses: %+v, %v", rep, err)
	}
	_, cfg = canned(t, "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<package>\n<status>\n<msg sms_id=\"1234568\" sms_count=\"1\">Delivered</msg>\n</status>\n</package>")
	rep, err = gateway(t, "xml", cfg).Statuses(context.Background(), []int64{1234568})
	if err != nil || rep[0].Status != sms.Delivered {
		t.Errorf("XML statuses: %+v, %v", rep, err)
	}
	_, cfg = canned(t, `{"status":{"msg":[{"sms_id":"abc","error_code":-11},{"sms_id":"5","sms_count":"1","sms_status":"Sent"}]}}`)
	rep, err = gateway(t, "json", cfg).Statuses(context.Background(), []int64{5})
	if err != nil || rep[0].Status != sms.Sent {
		t.Errorf("one odd id spoils the rest: %+v, %v", rep, err)
	}
	_, cfg = canned(t, " 12,50\n")
	if c, err := gateway(t, "plain", cfg).Balance(context.Background()); err != nil || c != 12.5 {
		t.Errorf("credits: %v, %v", c, err)
	}
}

// What goes on the wire: a POST form for PLAIN, escaping for XML, shared
// values hoisted into the package default.
func TestRequestsOnTheWire(t *testing.T) {
	text := `Цена < 5 & "скидка" 'да'`
	msgs := []sms.Message{{To: "375296717259", Text: text, Sender: "CMC", Validity: 24 * time.Hour}, {To: "375296717258", Text: text, Sender: "CMC", Validity: 24 * time.Hour}}

	c, cfg := canned(t, `<package><message><msg sms_id="5" sms_count="1"/><msg sms_id="6" sms_count="1"/></message></package>`)
	gateway(t, "xml", cfg).Send(context.Background(), msgs)
	p, err := wire.ParseXML(c.body)
	if err != nil {
		t.Fatal(err)
	}
	if p.Message.Default == nil || p.Message.Default.Text != text || p.Message.Default.ValidityPeriod != "86400" || p.Message.Msg[1].Text != "" || p.Message.Msg[1].Recipient != "375296717258" {
		t.Errorf("XML package: %s", c.body)
	}
	if !strings.Contains(string(c.body), "Цена &lt; 5 &amp;") || !strings.HasPrefix(c.ctype, "text/xml") {
		t.Errorf("XML escaping or type: %s %s", c.ctype, c.body)
	}

	c, cfg = canned(t, `{"message":{"msg":[{"sms_id":5,"sms_count":1,"error_code":0},{"sms_id":6,"sms_count":1,"error_code":0}]}}`)
	gateway(t, "json", cfg).Send(context.Background(), msgs)
	if !strings.Contains(string(c.body), `"default":{"sender":"CMC","validity_period":24,"sms_text":"Цена \u003c 5 \u0026 \"скидка\" 'да'"}`) {
		t.Errorf("JSON package: %s", c.body)
	}

	c, cfg = canned(t, "77")
	res := gateway(t, "plain", cfg).Send(context.Background(), msgs[:1])
	if res[0].ID != 77 || c.ctype != formType || !strings.Contains(string(c.body), "password="+password) || !strings.Contains(string(c.body), "validity_period=24") {
		t.Errorf("PLAIN form: %s %s %+v", c.ctype, c.body, res)
	}
}

func TestPlainStopsOnAccountCodes(t *testing.T) {
	msgs := []sms.Message{{To: "375296717259", Text: "a", Sender: "CMC"}, {To: "375296717258", Text: "b", Sender: "CMC"}}
	c, cfg := canned(t, "-4")
	res := gateway(t, "plain", cfg).Send(context.Background(), msgs)
	if c.count != 2 || res[1].Code != -4 {
		t.Errorf("a per-message code lets the next go: %d requests, %+v", c.count, res)
	}
	c, cfg = canned(t, "-1")
	res = gateway(t, "plain", cfg).Send(context.Background(), msgs)
	if c.count != 1 || res[0].Code != -1 || res[1].Outcome != sms.NotSent {
		t.Errorf("no funds stops: %d requests, %+v", c.count, res)
	}
}

func TestFaults(t *testing.T) {
	msgs := []sms.Message{{To: "375296717259", Text: "a", Sender: "CMC"}, {To: "375296717258", Text: "b", Sender: "CMC"}, {To: "375296717257", Text: "c", Sender: "CMC"}}
	tests := []struct {
		name        string
		faults      sim.Faults
		timeout     time.Duration
		sendOutcome sms.Outcome
		sendCode    sms.Code
		errSays     string
		received    int // messages the simulator recorded
	}{
		{"http 500", sim.Faults{HTTP500: 1}, 0, sms.OutcomeUnknown, 0, "HTTP 500", 0},
		{"-10", sim.Faults{Unavailable: 1}, 0, sms.Refused, sms.CodeUnavailable, "", 0},
		{"dropped connection", sim.Faults{Drop: 1}, 0, sms.OutcomeUnknown, 0, "EOF", 1},
		{"garbage body", sim.Faults{Garbage: 1}, 0, sms.OutcomeUnknown, 0, "body:", 1},
		{"latency over the timeout", sim.Faults{Latency: time.Second}, 100 * time.Millisecond, sms.OutcomeUnknown, 0, "no answer within 100ms", 0},
	}
	for _, tt := range tests {
		for _, tr := range transports {
			t.Run(tt.name+"/"+tr, func(t *testing.T) {
				run, cfg := startSim(t, sim.Options{Faults: tt.faults, Seed: 1})
				if tt.timeout > 0 {
					cfg.Timeout = tt.timeout
				}
				cfg.BatchSize = 2
				g := gateway(t, tr, cfg)
				start := time.Now()
				res := g.Send(context.Background(), msgs)
				if r := res[0]; r.Outcome != tt.sendOutcome || r.Code != tt.sendCode {
					t.Fatalf("first message: %+v", r)
				}
				for _, r := range res[1:] {
					if tr == "plain" || r.Outcome == sms.NotSent {
						continue
					}
					if r.Outcome != res[0].Outcome {
						t.Errorf("same package, other outcome: %+v", r)
					}
				}
				if r := res[2]; r.Outcome != sms.NotSent || !errors.Is(r.Err, errEarlierFailed) {
					t.Errorf("the package after a failure must stay unsent: %+v", r)
				}
				if tt.errSays != "" {
					msg := res[0].Err.Error()
					if !strings.Contains(msg, tt.errSays) || !strings.Contains(msg, "send") || !strings.Contains(msg, "127.0.0.1") {
						t.Errorf("error %q should name the endpoint and say %q", msg, tt.errSays)
					}
					if strings.Contains(msg, password) {
						t.Errorf("error leaks the password: %q", msg)
					}
				}
				st := run.Server().Stats()
				if st.SendRequests != 1 {
					t.Errorf("%d send requests: a send must never be repeated", st.SendRequests)
				}
				if got := run.Server().Received("375296717259"); got != tt.received {
					t.Errorf("simulator recorded the message %d times, want %d", got, tt.received)
				}
				_, err := g.Statuses(context.Background(), []int64{3000000000})
				if err == nil && tt.faults.Latency == 0 {
					t.Errorf("statuses should fail under %s", tt.name)
				}
				if err != nil && strings.Contains(err.Error(), password) {
					t.Errorf("status error leaks the password: %v", err)
				}
				if time.Since(start) > 20*time.Second {
					t.Errorf("took %v: something hangs", time.Since(start))
				}
			})
		}
	}
}

// Status and balance requests retry; a share of faults is ridden out.
func TestRetries(t *testing.T) {
	run, cfg := startSim(t, sim.Options{Faults: sim.Faults{Unavailable: 0.5}, Seed: 7, Balance: 50})
	cfg.Retry = Retry{Attempts: 8, Base: time.Millisecond}
	g := gateway(t, "json", cfg)
	for range 10 {
		if c, err := g.Balance(context.Background()); err != nil || c != 50 {
			t.Fatalf("balance with half the replies -10: %v, %v", c, err)
		}
	}
	if run.Server().Stats().Requests <= 10 {
		t.Error("no retry happened")
	}
}

func TestNotSentWhenNobodyListens(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	u := "http://" + addr
	cfg := Config{Login: "a", Password: password, JSONURL: u + "/j", XMLURL: u + "/x", SendPlainURL: u + "/p", CreditsPlainURL: u + "/c", Retry: Retry{Attempts: 2, Base: time.Millisecond}}
	for _, tr := range transports {
		res := gateway(t, tr, cfg).Send(context.Background(), []sms.Message{{To: "375296717259", Text: "a", Sender: "CMC"}})
		if res[0].Outcome != sms.NotSent || !strings.Contains(res[0].Err.Error(), "refused") {
			t.Errorf("%s: %+v", tr, res[0])
		}
	}
	_, err = gateway(t, "json", cfg).Balance(context.Background())
	if err == nil || strings.Contains(err.Error(), password) || !strings.Contains(err.Error(), "credits") {
		t.Errorf("balance: %v", err)
	}
}

func TestWrongPassword(t *testing.T) {
	_, cfg := startSim(t, sim.Options{})
	cfg.Password = "wrong-" + password
	for _, tr := range transports {
		g := gateway(t, tr, cfg)
		res := g.Send(context.Background(), []sms.Message{{To: "375296717259", Text: "a", Sender: "CMC"}})
		if res[0].Code != sms.CodeAuth {
			t.Errorf("%s send: %+v", tr, res[0])
		}
		_, err := g.Balance(context.Background())
		var code sms.Code
		if !errors.As(err, &code) || code != sms.CodeAuth {
			t.Errorf("%s balance: %v", tr, err)
		}
		_, err = g.Statuses(context.Background(), []int64{1})
		if !errors.As(err, &code) || code != sms.CodeAuth {
			t.Errorf("%s statuses: %v", tr, err)
		}
	}
}

func TestSafeURL(t *testing.T) {
	if got := safeURL("https://u:" + password + "@host/api/v1/json?password=" + password); strings.Contains(got, password) || got != "https://host/api/v1/json" {
		t.Errorf("safeURL = %q", got)
	}
}

// A redirect is an error naming the status and the host; the target sees
// nothing, even a plain-http host that the config check would refuse.
func TestRedirectNotFollowed(t *testing.T) {
	target := &captured{reply: "1"}
	evil := httptest.NewServer(target)
	t.Cleanup(evil.Close)
	for _, status := range []int{301, 302, 307, 308} {
		redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, evil.URL+"/steal?x=1", status)
		}))
		t.Cleanup(redirect.Close)
		u := redirect.URL
		cfg := Config{Login: "agent", Password: password, Token: "tok-3n", SendPlainURL: u, StatusPlainURL: u,
			CreditsPlainURL: u, XMLURL: u, JSONURL: u, Timeout: 2 * time.Second, Retry: Retry{Attempts: 2, Base: time.Millisecond}}
		for _, tr := range transports {
			res := gateway(t, tr, cfg).Send(context.Background(), []sms.Message{{To: "375296717259", Text: "hi", Sender: "CMC"}})
			_, err := gateway(t, tr, cfg).Balance(context.Background())
			for _, e := range []error{res[0].Err, err} {
				var he *Error
				if !errors.As(e, &he) || he.Status != status || !strings.Contains(e.Error(), fmt.Sprintf("HTTP %d", status)) ||
					!strings.Contains(e.Error(), strings.TrimPrefix(evil.URL, "http://")) || strings.Contains(e.Error(), "steal") {
					t.Errorf("%s %d: %v, want an error naming the status and the host", tr, status, e)
				}
			}
			if res[0].Outcome == sms.Accepted {
				t.Errorf("%s %d: a redirected send is accepted", tr, status)
			}
		}
	}
	target.mu.Lock()
	defer target.mu.Unlock()
	if target.count != 0 {
		t.Errorf("the redirect target got %d requests: %q", target.count, target.body)
	}
}

// A server that echoes the request in its error body, in any encoding,
// shows no secret in the error text.
func TestErrorEchoMasked(t *testing.T) {
	const pw, token = `p&ss<w>"rd/Ж`, "t0k&n+42"
	echo := []func(body []byte) string{
		func(b []byte) string { return string(b) },
		func(b []byte) string { j, _ := json.Marshal(string(b)); return `{"error":` + string(j) + `}` },
		func(b []byte) string {
			var x strings.Builder
			xml.EscapeText(&x, b)
			return "<error>" + x.String() + "</error>"
		},
		func(b []byte) string { return html.EscapeString(string(b)) },
		func(b []byte) string { return base64.StdEncoding.EncodeToString(b) },
	}
	for i, enc := range echo {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, enc(b))
		}))
		t.Cleanup(srv.Close)
		u := srv.URL
		cfg := Config{Login: "agent", Password: pw, Token: token, SendPlainURL: u, StatusPlainURL: u,
			CreditsPlainURL: u, XMLURL: u, JSONURL: u, Timeout: 2 * time.Second, Retry: Retry{Attempts: 1, Base: time.Millisecond}}
		for _, tr := range transports {
			res := gateway(t, tr, cfg).Send(context.Background(), []sms.Message{{To: "375296717259", Text: "hi", Sender: "CMC"}})
			_, err := gateway(t, tr, cfg).Balance(context.Background())
			for _, e := range []error{res[0].Err, err} {
				if e == nil {
					t.Fatalf("echo %d %s: no error", i, tr)
				}
				text := e.Error()
				for _, s := range []string{pw, token} {
					for _, form := range []string{s, url.QueryEscape(s), `p\u0026ss`, "p&amp;ss", "t0k\\u0026n", "t0k&amp;n",
						strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(s)), "=")} {
						if strings.Contains(text, form) {
							t.Errorf("echo %d %s: %q shows %q", i, tr, text, form)
						}
					}
				}
			}
		}
	}
}

// TestErrorTexts: what the agent reads when a request fails on the way,
// made for real on loopback: a closed port, a redirect, a self-signed
// certificate. Each says where and what to do, in both languages, with
// no raw Go text.
func TestErrorTexts(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/api/v1/json"
	ln.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://elsewhere.example/api?x=1", http.StatusFound)
	}))
	t.Cleanup(redirect.Close)
	selfSigned := httptest.NewUnstartedServer(http.NotFoundHandler())
	selfSigned.Config.ErrorLog = log.New(io.Discard, "", 0)
	selfSigned.StartTLS()
	t.Cleanup(selfSigned.Close)
	tests := []struct {
		name, url string
		en, ru    []string
	}{
		{"closed port", closed, []string{"JSON send (" + closed + ")", "nothing listens at " + strings.TrimSuffix(strings.TrimPrefix(closed, "http://"), "/api/v1/json") + ": check the URL and port"},
			[]string{"никто не принимает соединений: проверьте URL и порт"}},
		{"redirect", redirect.URL, []string{"HTTP 302: a redirect to https://elsewhere.example, not followed", "check the URL (nothing was sent there)"},
			[]string{"HTTP 302: перенаправление на https://elsewhere.example не выполнено", "проверьте URL"}},
		{"self-signed certificate", selfSigned.URL, []string{"TLS certificate is not trusted (self-signed", "check that the URL is the gateway's"},
			[]string{"самоподписанный", "проверьте, что URL — адрес шлюза"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Login: "agent", Password: password, JSONURL: tc.url, Timeout: 2 * time.Second}
			r := gateway(t, "json", cfg).Send(context.Background(), []sms.Message{{To: "375296717259", Text: "hi", Sender: "CMC"}})[0]
			if r.Err == nil {
				t.Fatalf("sent: %+v", r)
			}
			for l, parts := range map[sms.Lang][]string{sms.EN: tc.en, sms.RU: tc.ru} {
				got := sms.ErrText(r.Err, l)
				for _, p := range parts {
					if !strings.Contains(got, p) {
						t.Errorf("%s: %q lacks %q", l, got, p)
					}
				}
				for _, raw := range []string{"connect:", "x509:", "tls:", password, "x=1"} {
					if strings.Contains(got, raw) {
						t.Errorf("%s: %q shows %q", l, got, raw)
					}
				}
			}
		})
	}
}
