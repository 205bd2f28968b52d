package cli

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/store"
)

// evil is what a customer's list, an older history or a hostile server
// could hold: it sets the terminal's title, clears it, writes the
// clipboard (OSC 52) and sends a C1 CSI.
const evil = "\x1b]0;pwned\x07\x1b[2J\x1b]52;c;cGFzcw==\x07\u009b31m\x00\u202e"

// assertTerminalSafe fails when out holds a byte a terminal would act on
// (the CLI writes no styling of its own).
func assertTerminalSafe(t *testing.T, what, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("%s: not UTF-8: %q", what, out)
	}
	for i, r := range out {
		if sms.IsControl(r) && r != '\n' && r != '\t' {
			t.Errorf("%s: %U at byte %d reaches the terminal:\n%q", what, r, i, out)
			return
		}
	}
}

// Every table and message of the command line shows outside text safely,
// while --json stays exact.
func TestHostileTextIsShownSafely(t *testing.T) {
	_, cfgPath := simConfig(t, sim.Options{Balance: 100})
	cfg, _, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	// A history written before texts were checked, or by hand.
	st, err := store.Open(cfg.StorePath())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	batch, err := st.CreateBatch(ctx, "list"+evil+".csv", "agent"+evil, "json", 2)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := st.AddQueued(ctx, batch, "agent"+evil, "json", []sms.Message{
		{To: "375296717259", Text: "text" + evil, Sender: "CMC"},
		{To: "375291234567", Text: evil + "\nsecond line", Sender: "CMC"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.MarkPending(ctx, ids[:1]); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordResults(ctx, ids[:1], []sms.Result{{Outcome: sms.OutcomeUnknown, Err: errors.New("reply" + evil)}}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	dir := t.TempDir()
	list := filepath.Join(dir, "клиенты"+evil+".csv")
	os.WriteFile(list, []byte("phone;name"+evil+";text\n+375296717259;Ivan"+evil+";Hello"+evil+"\n+375 29 12"+evil+";x;y\n"), 0o600)
	badSender := filepath.Join(dir, "sender.toml")
	b, _ := os.ReadFile(cfgPath)
	os.WriteFile(badSender, append(b, []byte("\n[ui]\n")...), 0o600)
	cfg.Account.Sender, cfg.Account.Senders = "A\x1b]0;x\x07", nil
	config.Save(badSender, cfg)

	for _, args := range [][]string{
		{"history"},
		{"history", "--status", "unknown"},
		{"import", "--unfinished"},
		{"import", "--resume", "1"},
		{"import", list, "--text-column", "text", "--dry-run"},
		{"import", list, "--template", "Hi {nope}", "--dry-run"},
		{"import", list, "--text-column", "name" + evil, "--dry-run"},
		{"import", list, "--phone-column", evil, "--template", "x"},
		{"send", "--to", "29671" + evil, "--text", "x"},
	} {
		r := cli(t, "", append([]string{"--config", cfgPath}, args...)...)
		assertTerminalSafe(t, strings.Join(args, " ")+" (stdout)", r.stdout)
		assertTerminalSafe(t, strings.Join(args, " ")+" (stderr)", r.stderr)
		if r.stdout+r.stderr == "" {
			t.Errorf("%v printed nothing", args)
		}
	}
	r := cli(t, "", "--config", badSender, "balance")
	assertTerminalSafe(t, "a sender name from the config", r.stderr)
	if r.code != ExitUsage {
		t.Errorf("a bad sender in the config: exit %d, %s", r.code, r.stderr)
	}
	// JSON keeps the exact text: its escapes are safe.
	r = cli(t, "", "--config", cfgPath, "history", "--json")
	assertTerminalSafe(t, "history --json", r.stdout)
	if !strings.Contains(r.stdout, `\u001b]0;pwned\u0007`) {
		t.Errorf("history --json does not keep the text exactly:\n%s", r.stdout)
	}
}
