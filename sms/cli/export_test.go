package cli

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/store"
)

// export --csv - shows outside text safely on a terminal and writes the
// exact bytes to a pipe or file.
func TestExportToTerminal(t *testing.T) {
	_, cfg := simConfig(t, sim.Options{})
	// send refuses control characters in a text, but a gateway's error or
	// an older history can hold them: the store keeps what it is given.
	const text, reply = "\x1b]0;owned\a\x1b[2Jline\nnext", "reset\x1b[31m"
	st, err := store.Open(filepath.Join(filepath.Dir(cfg), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ids, err := st.AddQueued(ctx, 0, "ann", "json", []sms.Message{{To: "375291234567", Text: text, Sender: "CMC"}})
	if err == nil {
		err = st.RecordResults(ctx, ids, []sms.Result{{Outcome: sms.OutcomeUnknown, Err: errors.New(reply)}})
	}
	if err := errors.Join(err, st.Close()); err != nil {
		t.Fatal(err)
	}

	r := cli(t, "", "--config", cfg, "export", "--csv", "-")
	if r.code != ExitOK || !strings.Contains(r.stdout, "\""+text+"\"") || !strings.Contains(r.stdout, reply) {
		t.Errorf("to a pipe: %d, want the exact bytes:\n%q\n%s", r.code, r.stdout, r.stderr)
	}

	defer func(f func(any) bool) { isTerminal = f }(isTerminal)
	isTerminal = func(any) bool { return true }
	r = cli(t, "", "--config", cfg, "export", "--csv", "-")
	if r.code != ExitOK || !strings.Contains(r.stdout, ","+sms.Safe(text)+",") || !strings.Contains(r.stdout, sms.Safe(reply)) {
		t.Errorf("to a terminal: %d, want the texts through sms.Safe:\n%q\n%s", r.code, r.stdout, r.stderr)
	}
	if strings.ContainsAny(r.stdout, "\x1b\a") || strings.Count(r.stdout, "\n") != 2 {
		t.Errorf("to a terminal, control characters are left or a record takes several lines:\n%q", r.stdout)
	}
}
