package cli

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/store"
)

// processRig starts a simulator for a test that runs smsdash as a
// process, and writes its config (packages of 250, history beside it).
func processRig(t *testing.T, faults sim.Faults) (srv *sim.Running, cfgPath, dir, storePath string) {
	t.Helper()
	srv, err := sim.Start("127.0.0.1:0", sim.Options{Login: "agent", Password: secret, Balance: 1e9, Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dir = t.TempDir()
	cfg := config.Demo(srv.URL(), "")
	cfg.Account.Login, cfg.Account.Password = "agent", secret
	cfg.API.BatchSize = 250
	cfg.Store.Path = filepath.Join(dir, "history.db")
	cfgPath = filepath.Join(dir, "config.toml")
	if err := config.Save(cfgPath, cfg); err != nil {
		t.Fatal(err)
	}
	return srv, cfgPath, dir, cfg.Store.Path
}

// buildBinary builds smsdash once for the tests that run it as a process.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "smsdash")
	cmd := exec.Command("go", "build", "-o", bin, "../..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// A kill -9 at any moment of a 10,000-message send leaves every message
// in exactly one state, and the gateway received each at most once.
func TestKillDuringSend(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a real process")
	}
	bin := buildBinary(t)
	srv, cfgPath, dir, storePath := processRig(t, sim.Faults{})
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	const runs, perRun = 4, 10000
	for run := range runs {
		numbers := make([]string, perRun)
		for i := range numbers {
			numbers[i] = fmt.Sprintf("37529%d%06d", 1+run, i)
		}
		cmd := exec.Command(bin, "--config", cfgPath, "send", "--to", strings.Join(numbers, ","), "--text", "Привет")
		cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		kill := time.Duration(50+rng.IntN(400)) * time.Millisecond
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
			t.Logf("run %d: finished before the kill at %v", run, kill)
		case <-time.After(kill):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
		}
		checkExactlyOnce(t, storePath, srv.Server(), numbers, run)
	}
}

func checkExactlyOnce(t *testing.T, path string, srv *sim.Server, numbers []string, run int) {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	recovered, notSent, err := st.RecoverPending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.Latest(ctx, store.Filter{Recipient: "", Limit: 0})
	if err != nil {
		t.Fatal(err)
	}
	byNumber := map[string][]store.Row{}
	for _, r := range rows {
		byNumber[r.Recipient] = append(byNumber[r.Recipient], r)
	}
	// All of a send's messages are recorded in one transaction before any
	// leaves: either every number of this run is in the history, or none
	// (a kill before that transaction) and none reached the gateway.
	recorded := 0
	for _, n := range numbers {
		if len(byNumber[n]) > 0 {
			recorded++
		}
	}
	if recorded != 0 && recorded != len(numbers) {
		t.Fatalf("run %d: %d of %d messages in the history", run, recorded, len(numbers))
	}
	states := map[store.State]int{}
	for _, n := range numbers {
		got := srv.Received(n)
		if got > 1 {
			t.Fatalf("run %d: %s received %d times", run, n, got)
		}
		rs := byNumber[n]
		if len(rs) > 1 {
			t.Fatalf("run %d: %s recorded %d times", run, n, len(rs))
		}
		if len(rs) == 0 {
			if got != 0 {
				t.Fatalf("run %d: %s is not in the history (received %d times)", run, n, got)
			}
			states["never recorded"]++
			continue
		}
		r := rs[0]
		states[r.State]++
		switch r.State {
		case store.StateAccepted:
			if got != 1 || r.GatewayID == 0 {
				t.Fatalf("run %d: %s accepted (id %d) but received %d times", run, n, r.GatewayID, got)
			}
		case store.StateUnknown:
			// it may or may not have arrived: that is what unknown means
		case store.StateNotSent:
			if got != 0 {
				t.Fatalf("run %d: %s not sent, yet received", run, n)
			}
		default:
			t.Fatalf("run %d: %s in state %q after recovery", run, n, r.State)
		}
	}
	t.Logf("run %d: %v (recovered: %d pending, %d queued)", run, states, recovered, notSent)
}
