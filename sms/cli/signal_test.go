package cli

import (
	"bytes"
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

	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/store"
)

// The first SIGINT, SIGTERM or SIGHUP stops an import after the package
// in flight: a list of 10,000 at 250 ms a package is stopped 20 times at
// random moments, each stop leaves nothing "outcome unknown", each resume
// goes on from there, and in the end the simulator holds every message
// exactly once and the batch counts 10,000. A second signal aborts.
func TestSignalsStopGracefully(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and signals a real process")
	}
	bin := buildBinary(t)
	srv, cfgPath, dir, storePath := processRig(t, sim.Faults{Latency: 250 * time.Millisecond})
	env := append(os.Environ(), "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)
	run := func(args ...string) (*exec.Cmd, *syncBuffer) {
		cmd := exec.Command(bin, append([]string{"--config", cfgPath}, args...)...)
		stderr := newSyncBuffer()
		cmd.Env, cmd.Stderr = env, stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, stderr
	}
	// signalMidSend signals once a package has reached the simulator, at a
	// random moment of the next 400 ms (a package takes 250 ms).
	signalMidSend := func(cmd *exec.Cmd, sig syscall.Signal, before int64) {
		for i := 0; srv.Server().Stats().SendRequests == before; i++ {
			if i > 3000 {
				t.Fatal("no package reached the simulator within 30 s")
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(400)) * time.Millisecond)
		cmd.Process.Signal(sig)
	}
	list := func(name string, n, block int) ([]string, string) {
		numbers := make([]string, n)
		var b strings.Builder
		b.WriteString("phone;name\n")
		for i := range numbers {
			numbers[i] = fmt.Sprintf("37529%d%06d", block, i)
			fmt.Fprintf(&b, "+%s;Client %d\n", numbers[i], i)
		}
		file := filepath.Join(dir, name)
		os.WriteFile(file, []byte(b.String()), 0o600)
		return numbers, file
	}

	const n = 10_000
	numbers, file := list("list.csv", n, 1)
	signals := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}
	id := ""
	for k := range 20 {
		args := []string{"import", file, "--template", "Hello, {name}!", "--yes"}
		if id != "" {
			args = []string{"import", "--resume", id, "--yes"}
		}
		sig := signals[k%len(signals)]
		cmd, said := run(args...)
		signalMidSend(cmd, sig, srv.Server().Stats().SendRequests)
		waitExit(t, cmd)
		var counts map[string]int
		id, counts = lastBatch(t, storePath)
		if !strings.Contains(said.String(), "stopping after the package in flight; ctrl+c again to abort now") ||
			counts["unknown"] != 0 || counts["not_sent"] == 0 {
			t.Fatalf("stop %d (%v): counts %v\n%s", k+1, sig, counts, said.String())
		}
	}
	cmd, said := run("import", "--resume", id, "--yes")
	waitExit(t, cmd)
	if _, counts := lastBatch(t, storePath); counts["accepted"] != n || len(counts) != 1 {
		t.Fatalf("after the last resume: %v\n%s", counts, said.String())
	}
	for _, number := range numbers {
		if got := srv.Server().Received(number); got != 1 {
			t.Fatalf("%s received %d times", number, got)
		}
	}

	// SIGINT twice: the second aborts, cutting the package in flight.
	numbers, file = list("abort.csv", 2000, 2)
	cmd, said = run("import", file, "--template", "Hello, {name}!", "--yes")
	signalMidSend(cmd, syscall.SIGINT, srv.Server().Stats().SendRequests)
	for i := 0; !strings.Contains(said.String(), "stopping after the package in flight"); i++ {
		if i > 3000 {
			t.Fatal("the first signal was not taken within 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	waitExit(t, cmd)
	// Whether the package in flight was cut depends on when the second
	// signal came: only the sums are certain.
	_, counts := lastBatch(t, storePath)
	t.Logf("abort: %v", counts)
	if counts["accepted"]+counts["not_sent"]+counts["unknown"] != len(numbers) {
		t.Errorf("abort: counts %v", counts)
	}
	for _, number := range numbers {
		if got := srv.Server().Received(number); got > 1 {
			t.Fatalf("abort: %s received %d times", number, got)
		}
	}
}

// syncBuffer is what a process writes, read while it runs: a
// lockedWriter over a buffer.
type syncBuffer struct {
	lockedWriter
	b bytes.Buffer
}

func newSyncBuffer() *syncBuffer {
	s := &syncBuffer{}
	s.w = &s.b
	return s
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
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

// lastBatch gives the newest batch's id and its counts by bucket (the
// messages have no status yet: their states).
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
	counts, err := st.CountsFor(context.Background(), store.Filter{BatchID: last[0].BatchID})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(last[0].BatchID), counts
}
