package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/smsdash/smsdash/sms"
)

// demoEnv points every XDG directory into a temporary one: no config, so
// Open starts DEMO on a world of the test's own.
func demoEnv(t *testing.T) string {
	dir := t.TempDir()
	t.Setenv("HOME", filepath.Join(dir, "home"))
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"} {
		t.Setenv(k, filepath.Join(dir, k))
	}
	return dir
}

func openDemo(t *testing.T) *App {
	t.Helper()
	a, err := Open("")
	if err != nil || !a.Demo {
		t.Fatalf("Open: %v", err)
	}
	return a
}

// Two DEMO apps at once (the dashboard and a command) and one after them
// share the account: the id one sends is the other's to ask, the balance
// is spent once, the history is one; the SMSCs number apart.
func TestDemoWorld(t *testing.T) {
	demoEnv(t)
	ctx := context.Background()
	a, b := openDemo(t), openDemo(t)
	res := a.Gateway().Send(ctx, []sms.Message{{To: "375296717259", Text: "hi", Sender: "CMC"}})
	if len(res) != 1 || res[0].Outcome != sms.Accepted {
		t.Fatalf("send: %+v", res)
	}
	rep, err := b.Gateway().Statuses(ctx, []int64{res[0].ID})
	if err != nil || len(rep) != 1 || rep[0].Code != 0 || rep[0].Status != sms.Queued {
		t.Errorf("the other app's status: %+v %v", rep, err)
	}
	if a.SMSC == nil || b.SMSC == nil || a.Sim.URL() == b.Sim.URL() || a.DemoDir != b.DemoDir {
		t.Fatalf("DEMO parts: %+v %+v", a, b)
	}
	var smppIDs []int64
	for _, x := range []*App{a, b} {
		g, err := x.Transport("smpp")
		if err != nil {
			t.Fatal(err)
		}
		r := g.Send(ctx, []sms.Message{{To: "375296717259", Text: "hi", Sender: "CMC"}})
		if len(r) != 1 || r[0].Outcome != sms.Accepted {
			t.Fatalf("smpp send: %+v", r)
		}
		smppIDs = append(smppIDs, r[0].ID)
	}
	if smppIDs[0] == smppIDs[1] {
		t.Errorf("two SMSCs gave one id: %v", smppIDs)
	}
	if _, err := ResetDemo(); !errors.Is(err, ErrDemoInUse) {
		t.Errorf("reset under two apps: %v", err)
	}
	a.Close()
	b.Close()

	c := openDemo(t)
	if bal, err := c.Gateway().Balance(ctx); err != nil || bal != 97 {
		t.Errorf("balance in the next app %v, %v", bal, err)
	}
	if rep, err := c.Gateway().Statuses(ctx, []int64{res[0].ID}); err != nil || rep[0].Code != 0 {
		t.Errorf("status in the next app: %+v %v", rep, err)
	}
	dir := c.DemoDir
	c.Close()

	if got, err := ResetDemo(); err != nil || got != dir {
		t.Fatalf("reset: %q %v", got, err)
	}
	if left, err := os.ReadDir(dir); err != nil || len(left) != 1 || left[0].Name() != demoLock {
		t.Errorf("after a reset the DEMO folder holds %v (%v), want only %s", left, err, demoLock)
	}
	d := openDemo(t)
	defer d.Close()
	if bal, _ := d.Gateway().Balance(ctx); bal != 100 {
		t.Errorf("balance after the reset %v", bal)
	}
}

// A reset of a world never made is nothing to do.
func TestResetDemoNone(t *testing.T) {
	demoEnv(t)
	if dir, err := ResetDemo(); err != nil || dir == "" {
		t.Errorf("%q %v", dir, err)
	}
}
