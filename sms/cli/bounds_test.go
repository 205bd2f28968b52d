package cli

import (
	"strings"
	"testing"

	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/sim"
)

func numbers(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("2912" + itoa(int64(10000+i)))
	}
	return b.String()
}

// Every text and every send is bounded, with a clear message, and
// nothing leaves past a bound.
func TestSendBounds(t *testing.T) {
	srv, cfg := simConfig(t, sim.Options{Balance: 20})
	long := strings.Repeat("x", 153*11+1) // 12 parts
	for _, c := range []struct {
		name  string
		stdin string
		args  []string
		code  int
		says  string
	}{
		{"3 MB on standard input", strings.Repeat("Привет ", 3<<20/13), []string{"--to", "296717259", "--text", "-"}, ExitUsage, "more than 1 MiB"},
		{"300 parts", "", []string{"--to", "296717259", "--text", strings.Repeat("ж", 67*300)}, ExitUsage, "300 SMS parts long; one message has at most 255"},
		{"a control character", "", []string{"--to", "296717259", "--text", "code\x1b[2J 4711"}, ExitUsage, "U+001B (ESC) at line:column 1:5"},
		{"NUL on standard input", "line one\nli\x00ne", []string{"--to", "296717259", "--text", "-"}, ExitUsage, "U+0000 (NUL) at line:column 2:3"},
		{"over 10 parts, nobody to confirm", "", []string{"--to", "296717259", "--text", long}, ExitUsage, "nobody can confirm; add --yes"},
		{"over the balance, nobody to confirm", "", []string{"--to", numbers(21), "--text", "x"}, ExitUsage, "nobody can confirm; add --yes"},
		{"mass PLAIN asked for", "", []string{"--to", numbers(300), "--text", "x", "--api", "plain"}, ExitUsage, "PLAIN takes at most 5 recipients"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := cli(t, c.stdin, append([]string{"--config", cfg, "send"}, c.args...)...)
			if r.code != c.code || !strings.Contains(r.stderr, c.says) {
				t.Errorf("exit %d (want %d)\nstderr: %s\nwant it to say %q", r.code, c.code, r.stderr, c.says)
			}
		})
	}
	if st := srv.Server().Stats(); st.SendRequests != 0 {
		t.Fatalf("%d send requests reached the gateway past a bound", st.SendRequests)
	}
	// Over the balance, --yes sends to the first it covers; the rest is
	// not sent, not refused for good.
	r := cli(t, "", "--config", cfg, "send", "--to", numbers(21), "--text", "x", "--yes", "--json")
	if !strings.Contains(r.stderr, "send to the first 20 of 21 recipients, through JSON?: yes (--yes)") ||
		strings.Count(r.stdout, `"outcome": "accepted"`) != 20 || strings.Count(r.stdout, `"outcome": "not_sent"`) != 1 {
		t.Fatalf("over the balance: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	srv.Server().Charge(-100) // a negative charge tops the balance up
	// Confirmed, the long text goes; a CRLF text from a Windows file
	// keeps its line break.
	if r := cli(t, "", "--config", cfg, "send", "--to", "296717259", "--text", long, "--yes"); r.code != ExitOK {
		t.Fatalf("--yes: %d %s", r.code, r.stderr)
	}
	if r := cli(t, "Привет,\r\nмир\r\n", "--config", cfg, "send", "--to", "296717259", "--text", "-", "--json"); r.code != ExitOK {
		t.Fatalf("CRLF text: %d %s", r.code, r.stderr)
	}
	r = cli(t, "", "--config", cfg, "history", "--json")
	if !strings.Contains(r.stdout, `"text": "Привет,\nмир"`) {
		t.Errorf("the CRLF text is not one line break:\n%s", r.stdout)
	}
}

// With PLAIN in the config, a send to more than PlainMax numbers goes in
// one JSON package, not a PLAIN request per number.
func TestMassPlainGoesThroughJSON(t *testing.T) {
	srv, path := simConfig(t, sim.Options{Balance: 100})
	cfg, _, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg.API.Transport = config.TransportPlain
	if err := config.Save(path, cfg); err != nil {
		t.Fatal(err)
	}
	r := cli(t, "", "--config", path, "send", "--to", numbers(6), "--text", "x")
	if r.code != ExitOK || !strings.Contains(r.stderr, "6 recipients: sending through JSON, since PLAIN takes at most 5") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if st := srv.Server().Stats(); st.SendRequests != 1 || st.Accepted != 6 {
		t.Errorf("%d send requests for %d messages, want 1 package", st.SendRequests, st.Accepted)
	}
	// A few numbers still go over PLAIN, one request each.
	if r := cli(t, "", "--config", path, "send", "--to", numbers(2), "--text", "x"); r.code != ExitOK {
		t.Fatalf("PLAIN: %d %s", r.code, r.stderr)
	}
	if st := srv.Server().Stats(); st.SendRequests != 3 {
		t.Errorf("%d send requests, want 1 + 2 PLAIN", st.SendRequests)
	}
}
