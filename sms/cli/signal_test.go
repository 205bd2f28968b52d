package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/store"
)

// The first SIGINT, SIGTERM or SIGHUP stops an import after the package
// in flight: nothing is left "outcome unknown", and the resume sends the
// rest, every message exactly once. A second signal aborts.
func TestSignalsStopGracefully(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and signals a real process")
	}
	bin := buildBinary(t)
	srv, cfgPath, dir, storePath := processRig(t, sim.Faults{Latency: 100 * time.Millisecond})
	env := append(os.Environ(), "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)
	run := func(args ...string) (*exec.Cmd, io.ReadCloser) {
		cmd := exec.Command(bin, append([]string{"--config", cfgPath}, args...)...)
		cmd.Env = env
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, stderr
	}
	const n = 2000 // 8 packages of 250
	signals := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}
	for k, sig := range append(signals, 0) { // 0: SIGINT twice, an abort
		numbers := make([]string, n)
		var list strings.Builder
		list.WriteString("phone;name\n")
		for i := range numbers {
			numbers[i] = fmt.Sprintf("37529%d%06d", 1+k, i)
			fmt.Fprintf(&list, "+%s;Client %d\n", numbers[i], i)
		}
		file := filepath.Join(dir, fmt.Sprintf("list%d.csv", k))
		os.WriteFile(file, []byte(list.String()), 0o600)
		cmd, stderr := run("import", file, "--template", "Hello, {name}!", "--yes")
		// Signal after 1 to 4 packages, at a random moment within the
		// next one's flight.
		after := 1 + rand.IntN(4)
		var said bytes.Buffer
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			said.WriteString(sc.Text() + "\n")
			if m := sentLine.FindStringSubmatch(sc.Text()); m != nil && m[1] == fmt.Sprint(after*250) {
				time.Sleep(time.Duration(rand.IntN(90)) * time.Millisecond)
				if sig == 0 {
					cmd.Process.Signal(syscall.SIGINT)
					continue // the second once the first is taken
				}
				cmd.Process.Signal(sig)
				break
			}
			if sig == 0 && strings.Contains(sc.Text(), "stopping after the package in flight") {
				cmd.Process.Signal(syscall.SIGINT)
				break
			}
		}
		io.Copy(&said, stderr)
		waitExit(t, cmd)
		id, counts := lastBatch(t, storePath)
		if sig == 0 {
			// Whether the package in flight was cut depends on when
			// the second signal came: only the sums are certain.
			t.Logf("abort: %v", counts)
			if counts["accepted"]+counts["not_sent"]+counts["unknown"] != n {
				t.Errorf("abort: counts %v", counts)
			}
			for _, number := range numbers {
				if got := srv.Server().Received(number); got > 1 {
					t.Fatalf("abort: %s received %d times", number, got)
				}
			}
			continue
		}
		if !strings.Contains(said.String(), "stopping after the package in flight; ctrl+c again to abort now") ||
			counts["unknown"] != 0 || counts["not_sent"] == 0 {
			t.Fatalf("%v: counts %v\n%s", sig, counts, said.String())
		}
		resume, rerr := run("import", "--resume", id, "--yes")
		io.Copy(io.Discard, rerr)
		waitExit(t, resume)
		for _, number := range numbers {
			if got := srv.Server().Received(number); got != 1 {
				t.Fatalf("%v: %s received %d times", sig, number, got)
			}
		}
	}
}

func waitExit(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("smsdash did not end within 60 s")
	}
}

// lastBatch gives the newest batch's id and its counts by state.
func lastBatch(t *testing.T, path string) (string, map[string]int) {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	last, err := st.Latest(context.Background(), store.Filter{Limit: 1})
	if err != nil || len(last) != 1 {
		t.Fatalf("no batch: %v", err)
	}
	rows, err := st.Latest(context.Background(), store.Filter{BatchID: last[0].BatchID})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, r := range rows {
		counts[string(r.State)]++
	}
	return fmt.Sprint(last[0].BatchID), counts
}
