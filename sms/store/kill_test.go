package store

import (
	"bufio"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"
)

// TestHelperSender is the process TestRecoverAfterKill kills: it records
// ten messages, marks four in flight, says so and waits to be killed.
func TestHelperSender(t *testing.T) {
	target := os.Getenv("SMSDASH_STORE_SENDER")
	if target == "" {
		t.Skip("the process of TestRecoverAfterKill")
	}
	s, err := Open(target)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := s.AddQueued(ctx, 0, "ann", "json", msgs(10))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkPending(ctx, ids[:4]); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("ready\n")
	time.Sleep(time.Minute) // killed long before
	t.Fatal("not killed")
}

// An smsdash killed (SIGKILL: nothing of it runs after) in the middle of
// a send is seen dead by the next start, which settles its rows: in
// flight as outcome unknown, the others as not sent; while it ran, they
// were left alone. On PostgreSQL its session ends with its connection.
func TestRecoverAfterKill(t *testing.T) {
	target := newTarget(t)
	s, err := Open(target)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperSender$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SMSDASH_STORE_SENDER="+target)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("the sender said %q, %v", line, err)
	}
	if unknown, notSent, err := s.RecoverPending(ctx); err != nil || unknown+notSent != 0 {
		t.Fatalf("RecoverPending while the sender runs = %d, %d, %v", unknown, notSent, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed = true
	cmd.Wait()
	if testPG {
		// The server sees the connection end a moment later.
		for i := 0; i < 200 && len(ownerLocks(t, target)) > 0; i++ {
			time.Sleep(50 * time.Millisecond)
		}
	}
	unknown, notSent, err := s.RecoverPending(ctx)
	if err != nil || unknown != 4 || notSent != 6 {
		t.Fatalf("RecoverPending after the kill = %d unknown, %d not sent, %v; want 4, 6", unknown, notSent, err)
	}
	want := []State{StateUnknown, StateUnknown, StateUnknown, StateUnknown, StateNotSent, StateNotSent, StateNotSent, StateNotSent, StateNotSent, StateNotSent}
	if got := states(t, s, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}); !slices.Equal(got, want) {
		t.Errorf("states %v, want %v", got, want)
	}
	checkCounts(t, s, map[string]int{"unknown": 4, "not_sent": 6})
}
