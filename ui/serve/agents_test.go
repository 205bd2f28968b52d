package serve

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/smsdash/smsdash/sms/cli"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/secret"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/store"
)

// Keys as a terminal sends them.
const (
	ctrlS = "\x13"
	ctrlT = "\x14"
	ctrlC = "\x03"
)

// alt is alt+k: ESC, then the key. Only alt+N chooses a tab while a
// field has the keys.
func alt(k string) string { return "\x1b" + k }

// press types keys into the session.
func (d *tty) press(t testing.TB, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, err := io.WriteString(d.in, k); err != nil {
			t.Fatalf("typing %q: %v", k, err)
		}
	}
}

// since is the text drawn after mark (a length of the output taken
// earlier), without the escapes: a styled label is styled rune by rune.
func (d *tty) since(mark int) string { return ansi.Strip(d.out.String()[mark:]) }

// mark is where the output is now.
func (d *tty) mark() int { return len(d.out.String()) }

// see waits until the text drawn holds text.
func (d *tty) see(t testing.TB, text string) {
	t.Helper()
	d.waitAfter(t, 0, text)
}

// waitAfter waits until the text drawn after mark holds text: what an
// earlier frame drew does not count.
func (d *tty) waitAfter(t testing.TB, mark int, text string) {
	t.Helper()
	for deadline := time.Now().Add(wait); !strings.Contains(d.since(mark), text); {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the output after byte %d:\n%q", text, mark, d.since(mark))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// simConfig writes a config file for the simulated account o served at
// url (the JSON API); edit changes it before it is saved.
func simConfig(t testing.TB, url string, o sim.Options, edit func(*config.Config)) string {
	t.Helper()
	cfg := config.Demo(url, "")
	cfg.Account.Login, cfg.Account.Password, cfg.Account.Token = o.Login, o.Password, o.Token
	cfg.SMPP.Password = ""
	cfg.API.Timeout = config.Duration{Duration: 5 * time.Second}
	dir := t.TempDir()
	cfg.Store.Path = filepath.Join(dir, "history.db")
	if edit != nil {
		edit(cfg)
	}
	path := filepath.Join(dir, "config.toml")
	if err := config.Save(path, cfg); err != nil {
		t.Fatal(err)
	}
	return path
}

// Two agents at once: what anna sends from Compose appears live on bob's
// Status tab, and the history records it under anna's name.
func TestTwoAgents(t *testing.T) {
	f := start(t, nil).run(t)
	a, b := f.dashboard(t, f.anna), f.dashboard(t, f.bob)
	a.waitFor(t, "2 Batch")
	b.waitFor(t, "2 Batch")
	b.press(t, alt("3"))
	b.see(t, "[3 Status]")
	mark := b.mark()
	const text = "Привет от Анны, 4711"
	a.press(t, "8(029)671-72-59", "\t\t", text)
	a.see(t, text)
	a.press(t, ctrlS)
	b.waitAfter(t, mark, text)

	rows, err := f.s.core.Store.Latest(context.Background(), store.Filter{Search: "4711"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Agent != "anna" || rows[0].Text != text || rows[0].Recipient != "375296717259" {
		t.Fatalf("the history: %+v, want anna's one message", rows)
	}
	for _, d := range []*tty{a, b} {
		d.press(t, ctrlC)
		d.end(t)
	}
}

// A send over exec shows on another agent's Status tab as soon as it is
// recorded, long before any status: the tracker polls once an hour here.
func TestExecSendShowsAtOnce(t *testing.T) {
	o := sim.Options{Login: "agent", Password: "pw", Balance: 1000}
	run, err := sim.Start("127.0.0.1:0", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Close() })
	path := simConfig(t, run.URL(), o, func(c *config.Config) { c.Tracker.PollInterval = config.Duration{Duration: time.Hour} })
	f := startOn(t, path, nil).run(t)
	b := f.dashboard(t, f.bob)
	b.waitFor(t, "2 Batch")
	b.press(t, alt("3"))
	b.see(t, "[3 Status]")
	mark := b.mark()
	const text = "из скрипта, 5813"
	if out, errs, code := f.exec(t, "", "send --to 375296717259 --text '"+text+"'", f.anna); code != 0 {
		t.Fatalf("send: exit %d, %q %q", code, out, errs)
	}
	b.waitAfter(t, mark, text)
	b.press(t, ctrlC)
	b.end(t)
}

// Secrets with characters that every escaping writes differently.
const (
	password   = "Pw7/q%Zr&é+x"
	token      = "tk=Lm9?Qx#4"
	dbPassword = "Db:8@pg/ü%2F" // store.password
)

// leaks lists the forms of a secret that text holds: raw, escaped (URL,
// JSON, XML), base64 (whole or inside a longer base64 text) and hex.
func leaks(text string, secrets ...string) []string {
	var found []string
	for _, s := range secrets {
		forms := append(secret.Forms(s), hex.EncodeToString([]byte(s)), strings.ToUpper(hex.EncodeToString([]byte(s))))
		for _, f := range forms {
			if strings.Contains(text, f) {
				found = append(found, f)
			}
		}
	}
	return found
}

// configKeys lists every key of the config file ("account.password"), in
// the file's order: the Settings tab has a field for each.
func configKeys() []string {
	var keys []string
	top := reflect.TypeFor[config.Config]()
	for i := range top.NumField() {
		sec := top.Field(i)
		if sec.Tag.Get("toml") == "" {
			continue
		}
		for j := range sec.Type.NumField() {
			if k := sec.Type.Field(j).Tag.Get("toml"); k != "" {
				keys = append(keys, sec.Tag.Get("toml")+"."+k)
			}
		}
	}
	return keys
}

// No session can read the gateway's secrets: a dashboard that shows every
// tab and every Settings field and tests the connection, and the
// commands (a send refused too), print them in no form.
func TestNoSecretLeaves(t *testing.T) {
	o := sim.Options{Login: "agent", Password: password, Token: token, Balance: 1e6}
	run, err := sim.Start("127.0.0.1:0", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Close() })
	// The check itself sees a secret inside an Authorization header.
	if l := leaks("Authorization: Basic "+base64.StdEncoding.EncodeToString([]byte("agent:"+password)), password); len(l) == 0 {
		t.Fatal("leaks misses a password in base64")
	}
	f := startOn(t, simConfig(t, run.URL(), o, func(c *config.Config) { c.Store.Password = dbPassword }), nil).run(t)
	if got := f.s.core.Config().Secrets(); got[0] != password || got[1] != token || got[3] != dbPassword {
		t.Fatalf("the core's secrets are %q", got)
	}

	d := f.dashboard(t, f.anna) // an admin: if anyone saw them, she would
	d.waitFor(t, "2 Batch")
	for i, name := range []string{"Compose", "Batch", "Status", "Balance", "Settings"} {
		d.press(t, alt(fmt.Sprint(i+1)))
		d.see(t, fmt.Sprintf("[%d %s]", i+1, name))
	}
	// Every field in turn has the focus: its key and help show below.
	for _, k := range configKeys() {
		mark := d.mark()
		d.press(t, "\t")
		d.waitAfter(t, mark, k+": ")
	}
	mark := d.mark()
	d.press(t, ctrlT) // the connection test, with the secrets typed in the fields
	d.waitAfter(t, mark, "Connection works")
	d.press(t, ctrlC)
	d.end(t)
	if l := leaks(d.out.String()+d.since(0), password, token, dbPassword); len(l) > 0 {
		t.Errorf("the dashboard's output holds a secret as %q", l)
	}
	if !strings.Contains(d.out.String(), "••••") {
		t.Error("the Settings tab never drew the password's field")
	}

	for _, c := range []struct {
		cmd  string
		code int
	}{
		{"history --json", 0},
		{"balance", 0},
		{"send --to 296717259 --text Привет", 0},
		{"send --to 296717259 --text x --sender Unregist", cli.ExitRefused}, // the gateway refuses (-5)
		{"send --to 12345 --text x", cli.ExitUsage},                         // not a number
		{"--help", 0},
	} {
		out, errOut, code := f.exec(t, "", c.cmd, f.anna)
		if code != c.code {
			t.Errorf("%s: exit %d, want %d\n%s\n%s", c.cmd, code, c.code, out, errOut)
		}
		if l := leaks(out+errOut, password, token, dbPassword); len(l) > 0 {
			t.Errorf("%s: a secret in the output as %q", c.cmd, l)
		}
	}
	if l := leaks(f.logs.String(), password, token, dbPassword); len(l) > 0 {
		t.Errorf("a secret in the server's log as %q", l)
	}
}

// gate holds the n-th send request that reaches the simulator until
// release is closed, and says on held when it came.
type gate struct {
	next        http.Handler
	n           int64
	sends       atomic.Int64
	held        chan struct{}
	release     chan struct{}
	releaseOnce sync.Once
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<24))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if bytes.Contains(body, []byte("Gate test")) && g.sends.Add(1) == g.n {
		close(g.held)
		<-g.release
	}
	g.next.ServeHTTP(w, r)
}

func (g *gate) open() { g.releaseOnce.Do(func() { close(g.release) }) }

// SIGTERM while a batch sends: the package in flight finishes, the rest
// is recorded as not sent, no message is left of unknown outcome, and the
// session is told.
func TestShutdownDuringBatch(t *testing.T) {
	const total, chunk = 300, 10
	o := sim.Options{Login: "agent", Password: "pw", Balance: 1e6}
	g := &gate{next: sim.New(o), n: 3, held: make(chan struct{}), release: make(chan struct{})}
	hs := httptest.NewServer(g) // loopback
	t.Cleanup(hs.Close)
	t.Cleanup(g.open) // before the server closes: a test that failed holds none
	path := simConfig(t, hs.URL, o, func(c *config.Config) { c.API.BatchSize = chunk })
	f := startOn(t, path, nil).run(t)

	d := f.dashboard(t, f.bob)
	d.waitFor(t, "2 Batch")
	d.press(t, alt("2"))
	d.see(t, "[2 Batch]")
	var list strings.Builder
	list.WriteString("Телефон\tИмя\r")
	for i := range total {
		fmt.Fprintf(&list, "375291%06d\tN%d\r", i+1, i+1)
	}
	d.press(t, "\x1b[200~"+list.String()+"\x1b[201~")
	d.see(t, "pasted list")
	d.press(t, "Gate test {Имя}")
	d.see(t, "Gate test N1")
	d.press(t, ctrlS)
	d.see(t, fmt.Sprintf("Send %d messages", total))
	d.press(t, "y")
	select {
	case <-g.held:
	case <-time.After(wait):
		t.Fatalf("the third package never reached the simulator:\n%q", d.out.String())
	}

	// The third package is on its way: the server is told to stop (what
	// SIGTERM does), and the package is answered only once it was.
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	shut := make(chan error, 1)
	go func() { shut <- f.s.Shutdown(ctx) }()
	<-f.s.stop.Done()
	g.open()
	if err := <-shut; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	d.waitFor(t, "the server is shutting down")
	d.end(t)

	rows, err := f.s.core.Store.Latest(context.Background(), store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	states := map[store.State]int{}
	for _, r := range rows {
		states[r.State]++
	}
	if len(rows) != total || states[store.StateAccepted] != 3*chunk || states[store.StateNotSent] != total-3*chunk {
		t.Errorf("after the shutdown, %d messages by state: %v; want %d accepted (the packages sent and the one in flight), the rest not sent, none unknown",
			len(rows), states, 3*chunk)
	}
}
