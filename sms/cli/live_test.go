package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
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

// Short commands started while another smsdash sends a batch on the same
// history (an agent running `smsdash history` during the dashboard's
// import) leave its messages alone: the batch goes out whole, each
// message exactly once, and the commands report nothing interrupted.
func TestCommandsDuringImport(t *testing.T) {
	const n = 3000
	r, ctx := newImportRig(t, n)

	var impOut bytes.Buffer
	imp, stderr := r.startImport(t, ctx, &impOut, "--json")
	sending := make(chan struct{}) // closed at the first package sent
	var impErr strings.Builder     // written until exited is closed
	var waitErr error
	exited := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		started := false
		for sc.Scan() {
			impErr.WriteString(sc.Text() + "\n")
			if m := sentLine.FindStringSubmatch(sc.Text()); !started && m != nil && m[1] != "0" {
				started = true
				close(sending)
			}
		}
		waitErr = imp.Wait()
		close(exited)
	}()
	select {
	case <-sending:
	case <-exited:
		t.Fatalf("the import ended before sending: %v\n%s", waitErr, impErr.String())
	case <-ctx.Done():
		t.Fatal("no progress within 90 s")
	}

	// Commands, one after another, while the import sends.
	overlapped := 0
	for i := 0; i < 8; i++ {
		select {
		case <-exited:
			i = 8
			continue
		default:
		}
		args := []string{"history", "--limit", "3"}
		if i%2 == 1 {
			args = []string{"balance"}
		}
		if errb := r.run(t, ctx, args...); strings.Contains(errb, "when smsdash last stopped") {
			t.Errorf("smsdash %s took the running import's messages for interrupted ones:\n%s", args[0], errb)
		}
		select {
		case <-exited:
		default:
			overlapped++
		}
	}
	select {
	case <-exited:
	case <-ctx.Done():
		t.Fatal("the import did not finish within 90 s")
	}
	if waitErr != nil {
		t.Fatalf("import: %v\n%s\n%s", waitErr, impOut.String(), impErr.String())
	}
	if overlapped < 2 {
		t.Fatalf("only %d commands ran while the import was sending: nothing was tested", overlapped)
	}
	var got importJSON
	if err := json.Unmarshal(impOut.Bytes(), &got); err != nil || got.Sent == nil {
		t.Fatalf("%v\n%s", err, impOut.String())
	}
	if s := got.Sent; s.Accepted != n || s.NotSent+s.Unknown+s.Refused != 0 {
		t.Errorf("the import sent %+v, want all %d accepted", s, n)
	}

	// The gateway received each message once; the history has each once,
	// accepted; no owner lock file is left behind.
	for _, num := range r.numbers {
		if k := r.srv.Server().Received(num); k != 1 {
			t.Fatalf("%s received %d times", num, k)
		}
	}
	if a := r.srv.Server().Stats().Accepted; a != n {
		t.Errorf("the gateway accepted %d messages, want %d", a, n)
	}
	st, counts := r.history(t)
	for bucket, k := range counts {
		if k != 0 && bucket != string(store.StateAccepted) && bucket != "Queued" && bucket != "Sent" && bucket != "Delivered" {
			t.Errorf("history counts %v: %d in %s", counts, k, bucket)
		}
	}
	if rows, err := st.Latest(context.Background(), store.Filter{}); err != nil || len(rows) != n {
		t.Errorf("history: %d rows, %v", len(rows), err)
	}
	if left, _ := os.ReadDir(r.storePath + ".owners"); len(left) != 0 {
		t.Errorf("owner lock files left: %v", left)
	}
	t.Logf("%d commands ran while the import was sending", overlapped)
}

// importRig is a history, a slow simulator and a list of n numbers for
// a real smsdash import.
type importRig struct {
	bin, cfgPath, storePath, file string
	srv                           *sim.Running
	numbers                       []string
	env                           []string
}

// startImport starts `smsdash import` of the rig's list; its progress
// (stderr) is read from the pipe returned.
func (r importRig) startImport(t *testing.T, ctx context.Context, stdout io.Writer, extra ...string) (*exec.Cmd, io.ReadCloser) {
	t.Helper()
	args := append([]string{"--config", r.cfgPath, "import", r.file, "--template", "Здравствуйте, {Имя}!", "--yes"}, extra...)
	imp := exec.CommandContext(ctx, r.bin, args...)
	imp.Env, imp.Stdout = r.env, stdout
	stderr, err := imp.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := imp.Start(); err != nil {
		t.Fatal(err)
	}
	return imp, stderr
}

// run runs a short smsdash command on the rig's history and returns its
// stderr; a failure fails the test.
func (r importRig) run(t *testing.T, ctx context.Context, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, r.bin, append([]string{"--config", r.cfgPath}, args...)...)
	cmd.Env = r.env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Errorf("smsdash %s: %v\n%s%s", args[0], err, out.String(), errb.String())
	}
	return errb.String()
}

// newImportRig makes the rig, and a context that ends the test's
// processes after 90 s.
// history opens the rig's history (closed with the test) and reads its
// counts.
func (r importRig) history(t *testing.T) (*store.Store, map[string]int) {
	t.Helper()
	st, err := store.Open(r.storePath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	counts, err := st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st, counts
}

func newImportRig(t *testing.T, n int) (importRig, context.Context) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs real smsdash processes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	r := importRig{bin: buildBinary(t)}
	// Packages of 100 answered after 50 ms: an import of a few thousand
	// takes a couple of seconds.
	var dir string
	r.srv, r.cfgPath, dir, r.storePath = processRig(t, sim.Faults{Latency: 50 * time.Millisecond})
	c, _, err := config.Load(r.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	c.API.BatchSize = 100
	if err := config.Save(r.cfgPath, c); err != nil {
		t.Fatal(err)
	}
	r.numbers = make([]string, n)
	var list strings.Builder
	list.WriteString("Телефон;Имя\n")
	for i := range r.numbers {
		r.numbers[i] = fmt.Sprintf("37529%07d", 1_000_000+i)
		fmt.Fprintf(&list, "8 (029) %03d-%02d-%02d;Клиент %d\n", 100+i/10000, i/100%100, i%100, i)
	}
	r.file = filepath.Join(dir, "list.csv")
	if err := os.WriteFile(r.file, []byte(list.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	r.env = append(os.Environ(), "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)
	return r, ctx
}

// An import killed (SIGKILL) in the middle: the next start, a plain
// `smsdash history`, finds its lock dropped and recovers its messages,
// says so, and removes its lock file.
func TestCommandAfterKilledImport(t *testing.T) {
	const n = 3000
	r, ctx := newImportRig(t, n)
	imp, stderr := r.startImport(t, ctx, io.Discard)
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if m := sentLine.FindStringSubmatch(sc.Text()); m != nil && m[1] != "0" {
			break
		}
	}
	imp.Process.Signal(syscall.SIGKILL)
	io.Copy(io.Discard, stderr)
	imp.Wait()
	if locks, _ := os.ReadDir(r.storePath + ".owners"); len(locks) != 1 {
		t.Fatalf("lock files after the kill: %v, want the import's", locks)
	}

	if errb := r.run(t, ctx, "history", "--limit", "1"); !strings.Contains(errb, "when smsdash last stopped") {
		t.Errorf("history did not recover the killed import's messages:\n%s", errb)
	}
	_, counts := r.history(t)
	if counts[string(store.StateQueued)]+counts[string(store.StatePending)] != 0 || counts[string(store.StateNotSent)] == 0 {
		t.Errorf("after recovery: %v", counts)
	}
	accepted := 0
	for _, num := range r.numbers {
		k := r.srv.Server().Received(num)
		if k > 1 {
			t.Fatalf("%s received %d times", num, k)
		}
		accepted += k
	}
	if locks, _ := os.ReadDir(r.storePath + ".owners"); len(locks) != 0 {
		t.Errorf("the dead import's lock file is left: %v", locks)
	}
	t.Logf("killed after %d of %d; history after recovery: %v", accepted, n, counts)
}
