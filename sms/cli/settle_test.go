package cli

import (
	"strings"
	"testing"

	"github.com/smsdash/smsdash/sms/sim"
)

// Messages of unknown outcome are settled only by the agent's decision:
// asked for (or --yes), resent or marked sent, and the history says who
// decided.
func TestSettle(t *testing.T) {
	srv, cfg := simConfig(t, sim.Options{Balance: 100, Faults: sim.Faults{Drop: 1}})
	if r := cli(t, "", "--config", cfg, "send", "--to", "296717259,291234567,331234567", "--text", "x"); r.code != ExitNetwork {
		t.Fatalf("send with the replies lost: %d %s", r.code, r.stderr)
	}
	srv.Server().SetFaults(sim.Faults{})
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"settle", "1"}, ExitUsage, "give --resend or --mark-sent"},
		{[]string{"settle", "1", "--batch", "3", "--resend"}, ExitUsage, "not both"},
		{[]string{"settle", "1", "--resend"}, ExitUsage, "nobody can confirm; add --yes"},
		{[]string{"settle", "99", "--resend", "--yes"}, ExitUsage, "#99: no such message"},
	} {
		if r := cli(t, "", append([]string{"--config", cfg}, c.args...)...); r.code != c.code || !strings.Contains(r.stderr, c.says) {
			t.Errorf("%v: %d %s", c.args, r.code, r.stderr)
		}
	}
	before := srv.Server().Stats().Accepted
	r := cli(t, "", "--config", cfg, "settle", "1", "--resend", "--yes")
	if r.code != ExitOK || !strings.Contains(r.stdout, "accepted") || srv.Server().Stats().Accepted != before+1 {
		t.Fatalf("resend: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := cli(t, "", "--config", cfg, "settle", "2", "3", "--mark-sent", "--yes"); r.code != ExitOK || !strings.Contains(r.stdout, "2 messages marked as sent") {
		t.Fatalf("mark sent: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := cli(t, "", "--config", cfg, "settle", "1", "2", "--mark-sent", "--yes"); r.code != ExitUsage || !strings.Contains(r.stderr, "not unknown: left alone") {
		t.Errorf("settled twice: %d %s", r.code, r.stderr)
	}
	if r := cli(t, "", "--config", cfg, "history", "--status", "unknown"); !strings.Contains(r.stdout, "(no messages)") {
		t.Errorf("unknown left:\n%s", r.stdout)
	}
	if st := srv.Server().Stats(); st.Accepted != before+1 {
		t.Errorf("marking sent sent something: %d accepted", st.Accepted)
	}
}
