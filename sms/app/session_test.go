package app

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/outbox"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/store"
	"github.com/smsdash/smsdash/sms/tracker"
)

// simCore is a core over a simulator on loopback and a history of its own.
func simCore(t *testing.T) *App {
	t.Helper()
	run, err := sim.Start("127.0.0.1:0", sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Close() })
	cfg := config.Demo(run.URL(), "")
	cfg.API.Transport = config.TransportJSON
	st, err := store.Open(filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// waitConfig waits, up to a bound, for sub's event that the config changed.
func waitConfig(t *testing.T, sub *tracker.Sub) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case <-sub.C():
			if ev, _ := sub.Take(); ev.Config {
				return
			}
		case <-deadline:
			t.Fatal("no config event")
		}
	}
}

func (a *App) started() int {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.runs
}

// Two sessions on one core: each program's Start runs the one tracker
// once; an Apply is seen by both (the hub, then Config) and restarts the
// tracker once, not once per session.
func TestTwoSessionsOneCore(t *testing.T) {
	a := simCore(t)
	subA, subB := a.Hub.Subscribe(), a.Hub.Subscribe()
	defer subA.Close()
	defer subB.Close()
	a.Start()
	a.Start()
	if n := a.started(); n != 1 {
		t.Fatalf("%d trackers started for two sessions, want 1", n)
	}
	old := a.Config()
	c := *old
	c.API.Transport, c.Account.Login = config.TransportXML, "acme"
	if err := a.Apply(&c); err != nil {
		t.Fatal(err)
	}
	waitConfig(t, subA)
	waitConfig(t, subB)
	if got := a.Config(); got.Account.Login != "acme" || got.API.Transport != "xml" {
		t.Errorf("config after Apply: %s %s", got.Account.Login, got.API.Transport)
	}
	if old.Account.Login == "acme" || old.API.Transport == "xml" {
		t.Error("Apply changed the config a reader holds")
	}
	if n := a.started(); n != 2 {
		t.Errorf("%d trackers started after one Apply, want 2", n)
	}
	if ob, err := a.Outbox("", "bob"); err != nil || ob.Transport != "xml" || ob.Agent != "bob" {
		t.Errorf("outbox after Apply: %v %s %s", err, ob.Transport, ob.Agent)
	}
}

// A session records its own agent, or the config's; only an admin may
// save the config, and the refusal says so in both languages.
func TestSessionRules(t *testing.T) {
	a := simCore(t)
	a.ConfigPath = filepath.Join(t.TempDir(), "config.toml")
	cfg := a.Config()
	if got := (Session{Agent: "bob"}).AgentIn(cfg); got != "bob" {
		t.Errorf("agent %q", got)
	}
	if got := Local().AgentIn(cfg); got != cfg.Account.Agent {
		t.Errorf("the local agent %q, want the config's %q", got, cfg.Account.Agent)
	}
	c := *cfg
	c.Account.Login = "acme"
	_, _, _, err := a.SaveConfig(Session{Agent: "bob"}, &c, []string{"account.login"})
	if err != ErrNotAdmin || ErrNotAdmin.Text(sms.EN) == ErrNotAdmin.Text(sms.RU) {
		t.Fatalf("a non-admin save: %v", err)
	}
	if a.Config().Account.Login == "acme" {
		t.Error("a refused save changed the config")
	}
	saved, _, setup, err := a.SaveConfig(Session{Admin: true}, &c, []string{"account.login"})
	if err != nil || setup != nil || saved.Account.Login != "acme" || a.Config().Account.Login != "acme" {
		t.Fatalf("an admin's save: %v %v", err, setup)
	}
}

// Audit is told of each send and resend with its agent and counts, and
// of each settings save, refused or not, with the keys' names.
func TestAudit(t *testing.T) {
	a := simCore(t)
	a.ConfigPath = filepath.Join(t.TempDir(), "config.toml")
	var events []Event
	a.Audit = func(e Event) { events = append(events, e) }
	ob, ids := sendTwo(t, a, "vera")
	if _, _, err := ob.Resend(context.Background(), ids[:1]); err != nil {
		t.Fatal(err)
	}
	c := *a.Config()
	c.Account.Login = "acme"
	a.SaveConfig(Session{Agent: "bob"}, &c, []string{"account.login"})
	a.SaveConfig(Session{Agent: "anna", Admin: true}, &c, []string{"account.login"})
	if len(events) != 4 {
		t.Fatalf("%d events, want 4: %+v", len(events), events)
	}
	if s := events[0].Send; events[0].Agent != "vera" || s == nil || s.Resend || s.Messages != 2 || s.Accepted != 2 || s.Transport != "json" {
		t.Errorf("the send: %+v %+v", events[0], s)
	}
	if s := events[1].Send; s == nil || !s.Resend || s.Agent != "vera" {
		t.Errorf("the resend: %+v", s)
	}
	if e := events[2]; e.Agent != "bob" || !errors.Is(e.Err, ErrNotAdmin) || len(e.Keys) != 1 || e.Send != nil {
		t.Errorf("bob's save: %+v", e)
	}
	if e := events[3]; e.Agent != "anna" || e.Err != nil || e.Keys[0] != "account.login" {
		t.Errorf("anna's save: %+v", e)
	}
}

// A session's send is on the hub once Send returns, before any tracker
// (none runs here) reads the history: every other session's Status tab
// shows it at once.
func TestSendPublished(t *testing.T) {
	a := simCore(t)
	sub := a.Hub.Subscribe()
	defer sub.Close()
	_, ids := sendTwo(t, a, "vera")
	ev, ok := sub.Take()
	if !ok || !slices.Equal(ev.Written, ids) {
		t.Fatalf("the hub has %+v (pending %v), want the sends %v written", ev, ok, ids)
	}
}

// sendTwo sends two messages as agent through a's outbox.
func sendTwo(t *testing.T, a *App, agent string) (outbox.Outbox, []int64) {
	t.Helper()
	ob, err := a.Outbox("", agent)
	if err != nil {
		t.Fatal(err)
	}
	ids, _, err := ob.Send(context.Background(), 0, []sms.Message{{To: "375296717259", Text: "a", Sender: "CMC"}, {To: "375291234503", Text: "b", Sender: "CMC"}})
	if err != nil {
		t.Fatal(err)
	}
	return ob, ids
}
