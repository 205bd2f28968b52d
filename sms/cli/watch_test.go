package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/store"
)

// Three `smsdash status --watch` on one history, each with its own
// tracker asking the gateway: whichever writes a status first, every
// watch prints every message's final status, each status once, and
// exits.
func TestWatchesBesideEachOther(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs real smsdash processes")
	}
	bin := buildBinary(t)
	_, cfgPath, dir, storePath := processRig(t, sim.Faults{})
	env := append(os.Environ(), "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	// The last two digits choose the final status: 00 Rejected, 01
	// Expired, 02 Failed, others Delivered (03, which stays Unknown, is
	// left out: a watch waits for it to the end of its validity).
	var numbers []string
	for i := range 30 {
		numbers = append(numbers, fmt.Sprintf("375291%04d%02d", i, []int{0, 1, 2, 4, 59}[i%5]))
	}
	send := exec.CommandContext(ctx, bin, "--config", cfgPath, "send", "--to", strings.Join(numbers, ","), "--text", "Привет", "--yes")
	send.Env = env
	if out, err := send.CombinedOutput(); err != nil {
		t.Fatalf("send: %v\n%s", err, out)
	}
	want := finals(t, storePath)
	if len(want) != len(numbers) {
		t.Fatalf("%d messages accepted, want %d", len(want), len(numbers))
	}

	const watches = 3
	type watch struct {
		cmd      *exec.Cmd
		out, err bytes.Buffer
		done     chan error
	}
	ws := make([]*watch, watches)
	for i := range ws {
		w := &watch{done: make(chan error, 1)}
		w.cmd = exec.CommandContext(ctx, bin, "--config", cfgPath, "status", "--watch", "--json")
		w.cmd.Env, w.cmd.Stdout, w.cmd.Stderr = env, &w.out, &w.err
		if err := w.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { w.done <- w.cmd.Wait() }()
		ws[i] = w
	}
	for i, w := range ws {
		// Some end Rejected, Expired or Failed: exit 1, not delivered.
		if err := <-w.done; w.cmd.ProcessState.ExitCode() != ExitRefused {
			t.Fatalf("watch %d: %v (the context: %v)\n%s", i, err, ctx.Err(), w.err.String())
		}
		seen := map[int64][]string{} // gateway id → statuses printed
		sc := bufio.NewScanner(&w.out)
		for sc.Scan() {
			var line struct {
				ID    int64  `json:"id"`
				To    string `json:"to"`
				Final bool   `json:"final"`
			}
			if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
				t.Fatalf("watch %d: %v: %s", i, err, sc.Text())
			}
			if s := seen[line.ID]; len(s) > 0 && s[len(s)-1] == line.To {
				t.Errorf("watch %d: %d printed %s twice", i, line.ID, line.To)
			}
			seen[line.ID] = append(seen[line.ID], line.To)
		}
		for id, st := range want {
			if s := seen[id]; len(s) == 0 || s[len(s)-1] != st.String() {
				t.Errorf("watch %d: %d printed %v, want it to end %v", i, id, s, st)
			}
		}
	}
}

// finals reads the history's accepted messages: gateway id → the final
// status the simulator gives their number.
func finals(t *testing.T, path string) map[int64]sms.Status {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.Latest(context.Background(), store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]sms.Status{}
	for _, r := range rows {
		if r.GatewayID == 0 {
			continue
		}
		n, _ := strconv.ParseUint(r.Recipient, 10, 64)
		out[r.GatewayID] = sim.FinalStatus(n)
	}
	return out
}
