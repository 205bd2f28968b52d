package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/smppsim"
)

const secret = "pa55-w0rd-x"

type run struct {
	code           int
	stdout, stderr string
}

func cli(t *testing.T, stdin string, args ...string) run {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := Run(ctx, &Env{Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb})
	if strings.Contains(out.String()+errb.String(), secret) {
		t.Errorf("the password reached the output of %v", args)
	}
	return run{code, out.String(), errb.String()}
}

// simConfig starts a simulator and writes a config file pointing at it.
func simConfig(t *testing.T, o sim.Options) (*sim.Running, string) {
	t.Helper()
	o.Login, o.Password = "agent", secret
	if o.QueuedFor == 0 {
		o.QueuedFor, o.SentFor = 20*time.Millisecond, 20*time.Millisecond
	}
	r, err := sim.Start("127.0.0.1:0", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	cfg := config.Demo(r.URL(), "")
	cfg.Account.Login, cfg.Account.Password = o.Login, o.Password
	cfg.API.Timeout = config.Duration{Duration: 2 * time.Second}
	dir := t.TempDir()
	cfg.Store.Path = filepath.Join(dir, "history.db")
	path := filepath.Join(dir, "config.toml")
	if err := config.Save(path, cfg); err != nil {
		t.Fatal(err)
	}
	return r, path
}

func TestSendStatusBalance(t *testing.T) {
	srv, cfg := simConfig(t, sim.Options{Balance: 10})
	r := cli(t, "", "--config", cfg, "send", "--to", "8(029)671-72-59,+375 33 123-45-00", "--text", "Привет", "--json")
	if r.code != ExitOK {
		t.Fatalf("send: %d %s %s", r.code, r.stdout, r.stderr)
	}
	var out sendOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("send --json: %v\n%s", err, r.stdout)
	}
	if len(out.Results) != 2 || out.Results[0].To != "375296717259" || out.Results[0].ID == 0 || out.Results[0].Outcome.String() != "accepted" {
		t.Fatalf("results: %+v", out.Results)
	}
	if !strings.Contains(r.stdout, `"outcome": "accepted"`) { // the history's word
		t.Errorf("outcome as a word: %s", r.stdout)
	}
	time.Sleep(100 * time.Millisecond)
	ids := []string{itoa(out.Results[0].ID), itoa(out.Results[1].ID)}
	// --config after the command works too; one of the two was not
	// delivered: exit 1.
	r = cli(t, "", append([]string{"status", "--config", cfg}, ids...)...)
	if r.code != ExitRefused || !strings.Contains(r.stdout, "Delivered") || !strings.Contains(r.stdout, "Rejected") || !strings.Contains(r.stderr, "1 message not delivered") {
		t.Errorf("status: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r = cli(t, "", "status", ids[0], "--config", cfg); r.code != ExitOK {
		t.Errorf("status of the delivered one: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = cli(t, "", "balance", "--config", cfg, "--json")
	if r.code != ExitOK || strings.TrimSpace(r.stdout) != "{\n  \"credits\": 8\n}" {
		t.Errorf("balance: %d %q %s", r.code, r.stdout, r.stderr)
	}
	if srv.Server().Received("375296717259") != 1 {
		t.Error("the simulator did not get the message exactly once")
	}
}

func TestSendWait(t *testing.T) {
	_, cfg := simConfig(t, sim.Options{})
	r := cli(t, "Текст из stdin\n", "--config", cfg, "send", "--to", "296717259", "--text", "-", "--wait", "10s", "--api", "xml")
	if r.code != ExitOK || !strings.Contains(r.stdout, "Delivered") || !strings.Contains(r.stdout, "yes") {
		t.Errorf("send --wait: %d %s %s", r.code, r.stdout, r.stderr)
	}
}

func TestExitCodes(t *testing.T) {
	_, cfg := simConfig(t, sim.Options{})
	_, down := simConfig(t, sim.Options{Faults: sim.Faults{Drop: 1}})
	tests := []struct {
		name string
		args []string
		code int
		says string
	}{
		{"help", []string{"--help"}, ExitOK, ""},
		{"command help", []string{"send", "--help"}, ExitOK, ""},
		{"unknown command", []string{"sned"}, ExitUsage, `unknown command "sned"`},
		{"bad numbers listed together", []string{"--config", cfg, "send", "--to", "12345,+375 17 123-45-67,296717259", "--text", "x"}, ExitUsage, "landline"},
		{"no text", []string{"--config", cfg, "send", "--to", "296717259"}, ExitUsage, "no text"},
		{"schedule too soon", []string{"--config", cfg, "send", "--to", "296717259", "--text", "x", "--at", time.Now().Add(5 * time.Minute).In(sms.Minsk).Format("2006-01-02 15:04")}, ExitUsage, "10 minutes"},
		{"schedule past", []string{"--config", cfg, "send", "--to", "296717259", "--text", "x", "--at", time.Now().Add(-time.Hour).In(sms.Minsk).Format("2006-01-02 15:04")}, ExitUsage, "is in the past"},
		{"no month 13", []string{"--config", cfg, "send", "--to", "296717259", "--text", "x", "--at", "2027-13-01 10:00"}, ExitUsage, "there is no month 13"},
		{"validity over 48", []string{"--config", cfg, "send", "--to", "296717259", "--text", "x", "--validity", "72"}, ExitUsage, `--validity: validity "72": a whole number of hours, 1–48`},
		{"cyrillic sender", []string{"--config", cfg, "send", "--to", "296717259", "--text", "x", "--sender", "СМС"}, ExitUsage, "Latin"},
		{"missing config given", []string{"--config", "/nonexistent/x.toml", "balance"}, ExitUsage, "x.toml"},
		{"refused", []string{"--config", cfg, "send", "--to", "296717259", "--text", "x", "--sender", "Unregist"}, ExitRefused, "-5"},
		{"bad id", []string{"--config", cfg, "status", "12x"}, ExitUsage, "not a message id"},
		{"unknown outcome", []string{"--config", down, "send", "--to", "296717259", "--text", "x"}, ExitNetwork, "outcome unknown"},
		{"smpp without an address", []string{"--config", cfg, "send", "--to", "296717259", "--text", "x", "--api", "smpp"}, ExitUsage, "smpp.address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cli(t, "", tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout+r.stderr, tt.says) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant it to say %q", r.code, tt.code, r.stdout, r.stderr, tt.says)
			}
		})
	}
}

func TestWrongPassword(t *testing.T) {
	srv, cfg := simConfig(t, sim.Options{})
	c, _, err := config.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.Account.Password = "wrong"
	if err := config.Save(cfg, c); err != nil {
		t.Fatal(err)
	}
	r := cli(t, "", "--config", cfg, "balance")
	if r.code != ExitRefused || !strings.Contains(r.stderr, "wrong login or password") {
		t.Errorf("balance with a wrong password: %d %s", r.code, r.stderr)
	}
	// A send or an import stops at the balance read: nothing is posted.
	for _, args := range [][]string{
		{"send", "--to", "296717259", "--text", "x"},
		{"import", importList(t, 5), "--template", "x", "--yes"},
	} {
		r := cli(t, "", append([]string{"--config", cfg}, args...)...)
		if r.code != ExitRefused || !strings.Contains(r.stderr, "nothing was sent: reading the balance: -2 wrong login or password (check the login and password in Settings") {
			t.Errorf("%s with a wrong password: %d %s", args[0], r.code, r.stderr)
		}
	}
	if st := srv.Server().Stats(); st.SendRequests != 0 {
		t.Errorf("%d send requests with a wrong password", st.SendRequests)
	}
	t.Setenv("SMSDASH_PASSWORD", secret)
	if r := cli(t, "", "--config", cfg, "balance"); r.code != ExitOK {
		t.Errorf("SMSDASH_PASSWORD overrides: %d %s", r.code, r.stderr)
	}
}

func TestDemoMode(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	r := cli(t, "", "send", "--to", "+375 29 671-72-59", "--text", "demo")
	if r.code != ExitOK || !strings.Contains(r.stderr, "DEMO") || !strings.Contains(r.stdout, "375296717259") {
		t.Errorf("demo send: %d %s %s", r.code, r.stdout, r.stderr)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestHistoryWatchExport(t *testing.T) {
	_, cfg := simConfig(t, sim.Options{QueuedFor: 300 * time.Millisecond, SentFor: 300 * time.Millisecond})
	if r := cli(t, "", "--config", cfg, "send", "--to", "296717259,291234500", "--text", "Счёт, \"оплачен\"\nспасибо"); r.code != ExitOK {
		t.Fatalf("send: %d %s", r.code, r.stderr)
	}
	// One is rejected: the watch ends, and says so (exit 1).
	r := cli(t, "", "--config", cfg, "status", "--watch")
	if r.code != ExitRefused || !strings.Contains(r.stdout, "→ Delivered") || !strings.Contains(r.stdout, "→ Rejected") {
		t.Errorf("status --watch: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = cli(t, "", "--config", cfg, "history", "--json")
	var h struct{ Messages []historyJSON }
	if err := json.Unmarshal([]byte(r.stdout), &h); err != nil || len(h.Messages) != 2 {
		t.Fatalf("history --json: %v %s", err, r.stdout)
	}
	if m := h.Messages[1]; m.To != "375296717259" || m.Status != "Delivered" || !m.Final || m.Outcome != "accepted" {
		t.Errorf("history row: %+v", m)
	}
	// By agent: the name the sends recorded, whole.
	for agent, n := range map[string]int{h.Messages[0].Agent: 2, h.Messages[0].Agent + "x": 0} {
		r = cli(t, "", "--config", cfg, "history", "--agent", agent, "--json")
		var got struct{ Messages []historyJSON }
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got.Messages) != n || agent == "" {
			t.Errorf("history --agent %q: %v %s, want %d", agent, err, r.stdout, n)
		}
	}
	r = cli(t, "", "--config", cfg, "history", "--status", "rejected", "--to", "291234500")
	if r.code != ExitOK || !strings.Contains(r.stdout, "+375291234500") || strings.Contains(r.stdout, "+375296717259") {
		t.Errorf("history filtered: %s %s", r.stdout, r.stderr)
	}
	if r := cli(t, "", "--config", cfg, "history", "--status", "lost"); r.code != ExitUsage {
		t.Errorf("bad status filter: %d", r.code)
	}
	out := filepath.Join(t.TempDir(), "h.csv")
	if r := cli(t, "", "--config", cfg, "export", "--csv", out); r.code != ExitOK {
		t.Fatalf("export: %s", r.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(recs) != 3 {
		t.Fatalf("export CSV: %v\n%s", err, b)
	}
	if !strings.Contains(string(b), "\"Счёт, \"\"оплачен\"\"\nспасибо\"") {
		t.Errorf("CSV quoting: %s", b)
	}
}

func TestSendSMPP(t *testing.T) {
	srv, cfgPath := simConfig(t, sim.Options{})
	smsc, err := smppsim.Start("127.0.0.1:0", smppsim.Options{Account: sim.Options{Login: "agent", Password: secret, QueuedFor: 20 * time.Millisecond, SentFor: 20 * time.Millisecond}, Ledger: srv.Server()})
	if err != nil {
		t.Fatal(err)
	}
	defer smsc.Close()
	c, _, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	c.SMPP.Address, c.SMPP.User, c.SMPP.Password = smsc.Addr(), "agent", secret
	if err := config.Save(cfgPath, c); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Длинное сообщение с €, {} и 😀. ", 6)
	r := cli(t, "", "--config", cfgPath, "send", "--api", "smpp", "--to", "296717259,291234500", "--text", long, "--wait", "15s")
	if r.code != ExitRefused || !strings.Contains(r.stdout, "Delivered") || !strings.Contains(r.stdout, "Rejected") {
		t.Fatalf("send --api smpp --wait: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = cli(t, "", "--config", cfgPath, "history", "--json")
	var h struct{ Messages []historyJSON }
	if err := json.Unmarshal([]byte(r.stdout), &h); err != nil || len(h.Messages) != 2 || h.Messages[1].Transport != "smpp" || h.Messages[1].Status != "Delivered" {
		t.Errorf("history after SMPP: %v %s", err, r.stdout)
	}
}
