package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms/wire"
)

func start(t *testing.T, o Options) *Running {
	t.Helper()
	r, err := Start("127.0.0.1:0", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if !strings.HasPrefix(r.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL %s", r.URL())
	}
	return r
}

const jsonSendDoc = `{"login":"demo","password":"demo","command":"sms_send","message":{"msg":[{"recipient":"296717259","sender":"CMC","sms_text":"x"}]}}`

// Each fault kind, over a real connection on every endpoint.
func TestFaults(t *testing.T) {
	endpoints := []struct {
		name, path, ctype, body string
		send                    bool
	}{
		{"json send", PathJSON, "text/json", jsonSendDoc, true},
		{"xml send", PathXML, "text/xml", `<package login="demo" password="demo"><message><msg recipient="296717259" sender="CMC">x</msg></message></package>`, true},
		{"plain send", PathSendPlain, "application/x-www-form-urlencoded", form("user", "demo", "password", "demo", "recipient", "296717259", "sender", "CMC", "message", "x"), true},
		{"plain status", PathStatusPlain, "application/x-www-form-urlencoded", form("user", "demo", "password", "demo", "id", "3000000001"), false},
		{"credits", PathCreditsPlain, "application/x-www-form-urlencoded", form("user", "demo", "password", "demo"), false},
		{"json status", PathJSON, "text/json", `{"login":"demo","password":"demo","command":"statuses","status":{"msg":[{"sms_id":"3000000001"}]}}`, false},
	}
	tests := []struct {
		name     string
		faults   Faults
		check    func(t *testing.T, code int, body string, err error)
		recorded bool // the request was processed
		stat     func(FaultStats) int64
	}{
		{"http 500", Faults{HTTP500: 1}, func(t *testing.T, code int, body string, err error) {
			if err != nil || code != 500 {
				t.Errorf("HTTP %d %q %v", code, body, err)
			}
		}, false, func(f FaultStats) int64 { return f.HTTP500 }},
		{"-10", Faults{Unavailable: 1}, func(t *testing.T, code int, body string, err error) {
			if err != nil || code != 200 || !strings.Contains(body, "-10") {
				t.Errorf("HTTP %d %q %v", code, body, err)
			}
		}, false, func(f FaultStats) int64 { return f.Unavailable }},
		{"drop", Faults{Drop: 1}, func(t *testing.T, code int, body string, err error) {
			if err == nil || !(errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "EOF") || strings.Contains(err.Error(), "reset")) {
				t.Errorf("HTTP %d %q, error %v: want the connection closed", code, body, err)
			}
		}, true, func(f FaultStats) int64 { return f.Drop }},
		{"garbage", Faults{Garbage: 1}, func(t *testing.T, code int, body string, err error) {
			if err != nil || code != 200 {
				t.Fatalf("HTTP %d %q %v", code, body, err)
			}
			b := []byte(body)
			if _, err := wire.ParseJSONReply(b); err == nil {
				t.Error("garbage parses as JSON")
			}
			if p, err := wire.ParseXML(b); err == nil {
				t.Errorf("garbage parses as XML: %+v", p)
			}
			if _, _, err := wire.ParsePlainSend(b); err == nil {
				t.Error("garbage parses as a PLAIN send reply")
			}
			if _, _, err := wire.ParsePlainStatus(b); err == nil {
				t.Error("garbage parses as a PLAIN status reply")
			}
			if _, _, err := wire.ParseCredits(b); err == nil {
				t.Error("garbage parses as credits")
			}
		}, true, func(f FaultStats) int64 { return f.Garbage }},
	}
	for _, tt := range tests {
		for _, ep := range endpoints {
			t.Run(tt.name+"/"+ep.name, func(t *testing.T) {
				run := start(t, Options{Faults: tt.faults, Seed: 1})
				code, body, err := post(client(), run.URL()+ep.path, ep.ctype, ep.body)
				tt.check(t, code, body, err)
				s := run.Server()
				st := s.Stats()
				if st.Requests != 1 || tt.stat(st.Faults) != 1 {
					t.Errorf("stats %+v", st)
				}
				if ep.send {
					want, balance := 0, 100.0
					if tt.recorded {
						want, balance = 1, 99
					}
					if st.SendRequests != 1 || s.Received("375296717259") != want || s.Balance() != balance {
						t.Errorf("send requests %d, received %d, balance %v", st.SendRequests, s.Received("375296717259"), s.Balance())
					}
				}
			})
		}
	}
}

// Latency delays every reply; a client that gives up ends the wait and the
// request is not processed.
func TestLatency(t *testing.T) {
	t.Run("waits", func(t *testing.T) {
		run := start(t, Options{Faults: Faults{Latency: 50 * time.Millisecond}})
		begin := time.Now()
		code, body, err := post(client(), run.URL()+PathJSON, "text/json", jsonSendDoc)
		if err != nil || code != 200 || !strings.Contains(body, `"error_code":0`) {
			t.Fatalf("HTTP %d %q %v", code, body, err)
		}
		if d := time.Since(begin); d < 50*time.Millisecond {
			t.Errorf("answered after %v", d)
		}
		if st := run.Server().Stats(); st.Faults.Latency != 1 || st.Accepted != 1 {
			t.Errorf("stats %+v", st)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		run := start(t, Options{Faults: Faults{Latency: time.Hour}})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "POST", run.URL()+PathJSON, strings.NewReader(jsonSendDoc))
		_, err := client().Do(req)
		if err == nil {
			t.Fatal("no error from a cancelled request")
		}
		s := run.Server()
		deadline := time.Now().Add(5 * time.Second)
		for s.Stats().Faults.Cancelled == 0 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if st := s.Stats(); st.Faults.Cancelled != 1 || st.SendRequests != 1 || st.Messages != 0 || s.Received("375296717259") != 0 {
			t.Errorf("the handler still sleeps or processed the request: %+v", st)
		}
	})
	t.Run("close ends the wait", func(t *testing.T) {
		run := start(t, Options{Faults: Faults{Latency: time.Hour}})
		errc := make(chan error, 1)
		go func() {
			_, _, err := post(client(), run.URL()+PathCreditsPlain, "", form("user", "demo", "password", "demo"))
			errc <- err
		}()
		for run.Server().Stats().Requests == 0 {
			time.Sleep(time.Millisecond)
		}
		run.Close()
		select {
		case err := <-errc:
			if err == nil {
				t.Error("a reply after Close")
			}
		case <-time.After(5 * time.Second):
			t.Error("Close left the request hanging")
		}
	})
}

// Faults come from the seeded generator: the same seed, the same faults.
func TestFaultsDeterministic(t *testing.T) {
	pattern := func(seed int64) string {
		s, _ := newSim(Options{Seed: seed, Faults: Faults{HTTP500: 0.2, Unavailable: 0.2, Garbage: 0.2}})
		var b strings.Builder
		for range 60 {
			code, body := do(t, s, "POST", PathCreditsPlain, "", form("user", "demo", "password", "demo"))
			switch {
			case code == 500:
				b.WriteByte('5')
			case body == "-10":
				b.WriteByte('u')
			case strings.Contains(body, "garbage"):
				b.WriteByte('g')
			default:
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	a, b, c := pattern(1), pattern(1), pattern(2)
	if a != b || a == c {
		t.Errorf("seed 1: %s\nseed 1: %s\nseed 2: %s", a, b, c)
	}
	for _, k := range "5ug." {
		if !strings.ContainsRune(a, k) {
			t.Errorf("no %c in %s", k, a)
		}
	}
}

// Many clients at once: every accepted message has its own id, the
// balance adds up (run with -race).
func TestConcurrentSends(t *testing.T) {
	run := start(t, Options{Balance: 1e6, Faults: Faults{Unavailable: 0.1}, Seed: 3})
	const workers, rounds, per = 8, 25, 20
	var mu sync.Mutex
	seen := map[int64]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: 10 * time.Second}
			for r := range rounds {
				var msgs []string
				for i := range per {
					msgs = append(msgs, fmt.Sprintf(`{"recipient":"29%d%02d%04d"}`, 1+w, r, i))
				}
				doc := `{"login":"demo","password":"demo","command":"sms_send","message":{"default":{"sender":"CMC","sms_text":"x"},"msg":[` + strings.Join(msgs, ",") + `]}}`
				code, body, err := post(c, run.URL()+PathJSON, "application/json", doc)
				if err != nil || code != 200 {
					errs <- fmt.Errorf("HTTP %d %q %v", code, body, err)
					return
				}
				rp, err := wire.ParseJSONReply([]byte(body))
				if err != nil {
					errs <- err
					return
				}
				if rp.Error != nil {
					continue // an injected -10
				}
				mu.Lock()
				for _, m := range rp.Message.Msg {
					if m.ErrorCode != 0 || seen[int64(m.ID)] {
						errs <- fmt.Errorf("result %+v", m)
					}
					seen[int64(m.ID)] = true
				}
				mu.Unlock()
				// read while others write
				run.Server().Received("375291000000")
				run.Server().Stats()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	s := run.Server()
	st := s.Stats()
	n := int64(len(seen))
	if st.Accepted != n || s.Balance() != 1e6-float64(n) || st.Requests != workers*rounds || st.Faults.Unavailable == 0 {
		t.Errorf("accepted %d of %d, balance %v, stats %+v", st.Accepted, n, s.Balance(), st)
	}
	for id := FirstID; id < FirstID+n; id++ {
		if !seen[id] {
			t.Fatalf("id %d missing: ids are not sequential", id)
		}
	}
}

// Records are kept in chunks; ids across a chunk boundary still resolve.
func TestManyRecords(t *testing.T) {
	s, _ := newSim(Options{Balance: 1e9})
	n := chunkLen + 10
	var b strings.Builder
	b.WriteString(`{"login":"demo","password":"demo","command":"sms_send","message":{"default":{"sender":"CMC","sms_text":"x"},"msg":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"recipient":"2955%05d"}`, i)
	}
	b.WriteString("]}}")
	code, body := do(t, s, "POST", PathJSON, "", b.String())
	if code != 200 || strings.Count(body, `"error_code":0`) != n {
		t.Fatalf("HTTP %d %.300s", code, body)
	}
	for _, i := range []int{0, chunkLen - 1, chunkLen, n - 1} {
		r, ok := s.Message(FirstID + int64(i))
		if want := fmt.Sprintf("3752955%05d", i); !ok || r.Recipient != want {
			t.Errorf("message %d: %+v, want %s", i, r, want)
		}
	}
	if _, ok := s.Message(FirstID + int64(n)); ok {
		t.Error("an id past the last one resolves")
	}
	if s.Received("375295500000") != 1 || s.Received(fmt.Sprintf("3752955%05d", n-1)) != 1 {
		t.Error("Received misses records")
	}
}
