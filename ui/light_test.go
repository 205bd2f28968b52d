package ui

import (
	"context"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/health"
	"github.com/smsdash/smsdash/sms/outbox"
	"github.com/smsdash/smsdash/sms/smpp"
	"github.com/smsdash/smsdash/sms/tracker"
	"github.com/smsdash/smsdash/ui/compose"
)

// deadAddr is a loopback address where nothing listens.
func deadAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitLight hands the model what its subscription gets until the light
// shows level with failures of the kinds given, in Kind order (at most
// 10 s).
func waitLight(t *testing.T, m *Model, level health.Level, failing ...health.Kind) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		var kinds []health.Kind
		for _, f := range m.health.Failed {
			kinds = append(kinds, f.Kind)
		}
		if m.health.Level == level && fmt.Sprint(kinds) == fmt.Sprint(failing) {
			return
		}
		select {
		case <-m.sub.C():
			ev, ok := m.sub.Take()
			m.Update(eventMsg{ev, ok})
		case <-deadline:
			t.Fatalf("light %+v, want level %d failing %v:\n%s", m.health, level, failing, m.View())
		}
	}
}

// flat is the view with its wrapped lines joined again.
func flat(m *Model) string { return strings.ReplaceAll(m.View(), "\n", " ") }

// point aims the transport's URLs: send at send, the balance at credits.
func point(t *testing.T, m *Model, send, credits string) {
	t.Helper()
	reconfigure(t, m.core, func(c *config.Config) {
		c.API.Transport, c.API.JSONURL, c.API.CreditsPlainURL = "json", send, credits
	})
}

func composeSend(t *testing.T, m *Model) {
	t.Helper()
	press(t, m, "alt+1", "8(029)671-72-59", "tab", "tab", "Проверка связи", "ctrl+s")
}

// TestLightOffline: with the tracker silent (it does not run here), a
// send and a balance reading that fail turn the light offline, saying
// what failed and why, in the agent's language.
func TestLightOffline(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			m := newModel(t, lang)
			addr := deadAddr(t)
			point(t, m, "http://"+addr+"/api/v1/json", "http://"+addr+"/api/v1/credits/plain")
			composeSend(t, m)
			press(t, m, "alt+4", "r")
			waitLight(t, m, health.Offline, health.Send, health.Balance)
			want := map[string][]string{
				"en": {"✗ offline since ", "✗ send since ", "✗ balance since ", ": nothing listens at " + addr + ": check the URL and port"},
				"ru": {"✗ нет связи с ", "✗ отправка с ", "✗ баланс с ", ": по адресу " + addr + " никто не принимает соединений: проверьте URL и порт"},
			}[lang]
			for _, w := range want {
				if !strings.Contains(flat(m), w) {
					t.Errorf("lacks %q:\n%s", w, m.View())
				}
			}
		})
	}
}

// TestLightDegradedThenOnline: sends fail while the balance reads:
// degraded, saying sends fail; once a send works, online again, since
// then.
func TestLightDegradedThenOnline(t *testing.T) {
	m := newModel(t, "en")
	a := m.core
	a.Health.SetClock(time.Now) // since must move on
	good, credits := a.Config().API.JSONURL, a.Config().API.CreditsPlainURL
	point(t, m, "http://"+deadAddr(t)+"/api/v1/json", credits)
	composeSend(t, m)
	press(t, m, "alt+4", "r")
	waitLight(t, m, health.Degraded, health.Send)
	if v := flat(m); !strings.Contains(v, "◐ degraded") || !strings.Contains(v, "✗ send since ") || strings.Contains(v, "balance since") {
		t.Errorf("degraded, sends failing:\n%s", m.View())
	}
	degraded := m.health.Since
	point(t, m, good, credits)
	press(t, m, "alt+1", "ctrl+s") // the draft stays after a failed send
	waitLight(t, m, health.Online)
	if v := m.View(); !strings.Contains(v, "● online") || strings.Contains(v, "✗ send") {
		t.Errorf("online after a send that worked:\n%s", v)
	}
	if !m.health.Since.After(degraded) {
		t.Errorf("since %v, not after the degraded since %v", m.health.Since, degraded)
	}
}

// minsk is a time today in Minsk (the tests' clock is 15:00 there).
func minsk(hhmm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", "2026-11-24 "+hhmm, sms.Minsk)
	if err != nil {
		panic(err)
	}
	return t
}

// refused is a refused connection as the dialer gives it, at a fixed
// address (the goldens wrap it).
var refused = &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1},
	Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}

// TestLightSince: since follows each change of the light, a failing
// kind keeps the since of its first failure, and kinds failing for
// different reasons are told apart; in both languages.
func TestLightSince(t *testing.T) {
	reset := &net.OpError{Op: "read", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 2}, Err: os.NewSyscallError("read", syscall.ECONNRESET)}
	steps := []struct {
		kind    health.Kind
		err     error
		at      string
		level   health.Level
		failing []health.Kind
		en      []string
		ru      []string
	}{
		{health.Send, refused, "14:01", health.Offline, []health.Kind{health.Send}, []string{"✗ offline since 14:01", "✗ send since 14:01: nothing listens at 127.0.0.1:1"},
			[]string{"✗ нет связи с 14:01", "✗ отправка с 14:01: по адресу 127.0.0.1:1"}},
		{health.Balance, refused, "14:02", health.Offline, []health.Kind{health.Send, health.Balance}, []string{"✗ offline since 14:01", "✗ send, balance since 14:01: nothing listens"},
			[]string{"✗ нет связи с 14:01", "✗ отправка, баланс с 14:01"}},
		{health.Statuses, reset, "14:03", health.Offline, []health.Kind{health.Send, health.Statuses, health.Balance}, []string{"✗ statuses since 14:03: the connection was cut (reset) by 127.0.0.1:2"},
			[]string{"✗ статусы с 14:03: соединение оборвал (reset) 127.0.0.1:2"}},
		{health.Balance, nil, "14:04", health.Degraded, []health.Kind{health.Send, health.Statuses}, []string{"◐ degraded since 14:04", "✗ send since 14:01"},
			[]string{"◐ с перебоями с 14:04", "✗ отправка с 14:01"}},
		{health.Send, nil, "14:05", health.Degraded, []health.Kind{health.Statuses}, []string{"◐ degraded since 14:04", "✗ statuses since 14:03"},
			[]string{"◐ с перебоями с 14:04", "✗ статусы с 14:03"}},
		{health.Statuses, nil, "14:06", health.Online, nil, []string{"● online since 14:06"}, []string{"● на связи с 14:06"}},
	}
	for _, lang := range []string{"en", "ru"} {
		m := newModel(t, lang)
		for i, s := range steps {
			m.core.Health.ReportAt(s.kind, s.err, minsk(s.at))
			waitLight(t, m, s.level, s.failing...)
			want := s.en
			if lang == "ru" {
				want = s.ru
			}
			for _, w := range want {
				if !strings.Contains(flat(m), w) {
					t.Errorf("%s step %d: lacks %q:\n%s", lang, i, w, m.View())
				}
			}
		}
		if v := m.View(); strings.Contains(v, "✗") {
			t.Errorf("%s: online, yet a failure shows:\n%s", lang, v)
		}
	}
}

// held answers the first status request and holds the others until
// open closes.
type held struct {
	sms.Gateway
	calls chan struct{}
	open  chan struct{}
}

func (g *held) Statuses(ctx context.Context, ids []int64) ([]sms.StatusReport, error) {
	g.calls <- struct{}{}
	if len(g.calls) > 1 {
		select {
		case <-g.open:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return g.Gateway.Statuses(ctx, ids)
}

// TestLightLargeHistory: over a large history, the light is online as
// soon as the first status request works, while the tracker's first
// cycle is still asking (here it cannot end: the other requests are
// held), not "connecting" until the cycle ends.
func TestLightLargeHistory(t *testing.T) {
	m := newModel(t, "en")
	a := m.core
	ctx := context.Background()
	msgs := make([]sms.Message, 3000)
	results := make([]sms.Result, len(msgs))
	for i := range msgs {
		msgs[i] = sms.Message{To: fmt.Sprintf("37529%07d", 1000000+i), Text: "x", Sender: "CMC"}
		results[i] = sms.Result{Outcome: sms.Accepted, ID: int64(7000000 + i), Parts: 1}
	}
	ids, err := a.Store.AddQueued(ctx, 0, "agent", "json", msgs)
	if err == nil {
		err = a.Store.RecordResults(ctx, ids, results)
	}
	if err != nil {
		t.Fatal(err)
	}
	if v := m.View(); !strings.Contains(v, "… connecting") {
		t.Fatalf("a fresh record:\n%s", v)
	}
	g := &held{Gateway: a.Gateway(), calls: make(chan struct{}, 10), open: make(chan struct{})}
	tr := tracker.New(a.Store, g, a.Feed, tracker.Options{Chunk: 500, Health: a.Health})
	done := make(chan error, 1)
	go func() { _, err := tr.Cycle(ctx); done <- err }()
	waitLight(t, m, health.Online)
	if v := m.View(); !strings.Contains(v, "● online") {
		t.Errorf("not online:\n%s", v)
	}
	select {
	case err := <-done:
		t.Fatalf("the cycle ended (%v) before the light was checked", err)
	default:
	}
	close(g.open)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := len(g.calls); n != 6 {
		t.Errorf("%d status requests, want 6", n)
	}
}

// TestGoldenLight draws the header's states at 80x24 on the Balance
// tab, in both languages: online; degraded, sends failing; offline,
// with the balance tab's wrapped reason.
func TestGoldenLight(t *testing.T) {
	type report struct {
		kind health.Kind
		err  error
	}
	states := []struct {
		name       string
		reports    []report
		balanceErr error
	}{
		{"online", []report{{health.Send, nil}, {health.Balance, nil}}, nil},
		{"degraded", []report{{health.Balance, nil}, {health.Send, refused}}, nil},
		{"offline", []report{{health.Send, refused}, {health.Statuses, refused}, {health.Balance, refused}}, refused},
	}
	for _, lang := range []string{"en", "ru"} {
		for _, st := range states {
			t.Run(lang+"/"+st.name, func(t *testing.T) {
				m := newModel(t, lang)
				seed(t, m.core)
				settle(t, m, m.balance.Init())
				press(t, m, "alt+4")
				for i, r := range st.reports {
					m.core.Health.ReportAt(r.kind, r.err, minsk(fmt.Sprintf("14:5%d", i)))
				}
				if st.balanceErr != nil {
					m.Update(eventMsg{tracker.Event{BalanceErr: st.balanceErr, BalanceErrSet: true}, true})
				}
				var failing []health.Kind
				for _, r := range st.reports {
					if r.err != nil {
						failing = append(failing, r.kind)
					}
				}
				slices.Sort(failing)
				waitLight(t, m, map[string]health.Level{"online": health.Online, "degraded": health.Degraded, "offline": health.Offline}[st.name], failing...)
				teatest.RequireEqualOutput(t, scrub(m.View()))
			})
		}
	}
}

// refusing answers every send with one result.
type refusing struct {
	sms.Gateway
	res sms.Result
}

func (g refusing) Send(_ context.Context, msgs []sms.Message) []sms.Result {
	out := make([]sms.Result, len(msgs))
	for i := range out {
		out[i] = g.res
	}
	return out
}

// refusingCore is the core with every send's outbox on refusing: what
// Compose is given is all it knows of the core.
type refusingCore struct {
	*app.App
	res sms.Result
}

func (c refusingCore) Outbox(transport, agent string) (outbox.Outbox, error) {
	ob, err := c.App.Outbox(transport, agent)
	ob.Gateway = refusing{ob.Gateway, c.res}
	return ob, err
}

// TestComposeResultSaysWhy: a send's result says why in full, wrapped
// into the rows below, never cut: a wrong login with its hint; an SMPP
// refusal that no HTTP code means says itself, not "code 0".
func TestComposeResultSaysWhy(t *testing.T) {
	for _, tc := range []struct {
		res       sms.Result
		want, not string
	}{
		{sms.Result{Outcome: sms.Refused, Code: sms.CodeAuth, Err: sms.CodeAuth}, sms.CodeAuth.Explain(sms.EN), ""},
		{sms.Result{Outcome: sms.Refused, Err: smpp.StatusEncoding}, "encoding not supported (0x000004A3)", "unknown gateway code 0"},
	} {
		m := newModel(t, "en")
		m.tabs[TabCompose] = compose.New(m.ctx, refusingCore{m.core, tc.res}, m.core.Store)
		m.resize()
		composeSend(t, m)
		v := strings.Join(strings.Fields(m.View()), " ")
		if !strings.Contains(v, tc.want) || tc.not != "" && strings.Contains(v, tc.not) {
			t.Errorf("want %q:\n%s", tc.want, m.View())
		}
	}
}
