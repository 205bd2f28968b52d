package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
)

// demoRig runs smsdash as a process with no config, every XDG directory
// and the temporary directory in dir: DEMO mode on a world of its own.
type demoRig struct {
	t   *testing.T
	bin string
	env []string
	tmp string // the processes' TMPDIR
}

func newDemoRig(t *testing.T) *demoRig {
	dir := t.TempDir()
	r := &demoRig{t: t, bin: buildBinary(t), tmp: filepath.Join(dir, "tmp")}
	if err := os.Mkdir(r.tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"HOME": filepath.Join(dir, "home"), "TMPDIR": r.tmp}
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"} {
		vars[k] = filepath.Join(dir, k)
	}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); vars[k] == "" {
			r.env = append(r.env, kv)
		}
	}
	for k, v := range vars {
		r.env = append(r.env, k+"="+v)
		t.Setenv(k, v) // for this process's own app.Open
	}
	return r
}

// run runs one command to its end.
func (r *demoRig) run(args ...string) run {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.bin, args...)
	cmd.Env = r.env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		r.t.Fatalf("%v: %v", args, err)
	}
	return run{code, out.String(), errb.String()}
}

func (r *demoRig) json(v any, args ...string) run {
	r.t.Helper()
	res := r.run(append([]string{args[0], "--json"}, args[1:]...)...)
	if err := json.Unmarshal([]byte(res.stdout), v); err != nil {
		r.t.Fatalf("%v: exit %d, %v\n%s\n%s", args, res.code, err, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stderr, "DEMO") {
		r.t.Errorf("%v does not say DEMO: %s", args, res.stderr)
	}
	return res
}

func (r *demoRig) send(to string) resultJSON {
	r.t.Helper()
	var out sendOutput
	if res := r.json(&out, "send", "--to", to, "--text", "demo"); res.code != ExitOK || len(out.Results) != 1 {
		r.t.Fatalf("send: exit %d %s %s", res.code, res.stdout, res.stderr)
	}
	return out.Results[0]
}

func (r *demoRig) history() []historyJSON {
	r.t.Helper()
	var out struct{ Messages []historyJSON }
	if res := r.json(&out, "history"); res.code != ExitOK {
		r.t.Fatalf("history: exit %d %s", res.code, res.stderr)
	}
	return out.Messages
}

// Without a config every command, each its own process, works on one
// DEMO world: the id a send gave is the one status asks, history lists
// it, the next send goes on from it, the balance is spent once; demo
// --reset starts afresh, but not while another smsdash holds the world;
// a killed smsdash leaves nothing behind.
func TestDemoWorldAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds smsdash and runs it as processes")
	}
	r := newDemoRig(t)
	first := r.send("+375 29 671-72-59")
	if first.ID == 0 || first.Outcome != sms.Accepted {
		t.Fatalf("send: %+v", first)
	}

	var st struct{ Statuses []statusJSON }
	res := r.json(&st, "status", itoa(first.ID))
	// Exit 4: it is not final yet; what matters is that this process knows it.
	if res.code != ExitPending || len(st.Statuses) != 1 || st.Statuses[0].Code != 0 || st.Statuses[0].Status == sms.StatusNone {
		t.Fatalf("status %d in the next process: exit %d %+v %s", first.ID, res.code, st, res.stderr)
	}

	h := r.history()
	if len(h) != 1 || h[0].ID != first.ID || h[0].To != "375296717259" {
		t.Fatalf("history: %+v", h)
	}

	if next := r.send("331234500"); next.ID != first.ID+1 {
		t.Errorf("the next send's id %d, want %d", next.ID, first.ID+1)
	}
	if res := r.run("balance"); res.code != ExitOK || !strings.Contains(res.stdout, "98") {
		t.Errorf("balance after two sends: exit %d %s %s", res.code, res.stdout, res.stderr)
	}

	// A dashboard (here: this process) holds the world: no reset.
	a, err := app.Open("")
	if err != nil || !a.Demo {
		t.Fatalf("app.Open: %v (demo %v)", err, a != nil && a.Demo)
	}
	if rows := r.history(); len(rows) != 2 {
		t.Errorf("history beside an open app: %d rows", len(rows))
	}
	if res := r.run("demo", "--reset"); res.code != ExitRefused || !strings.Contains(res.stderr, "in use") {
		t.Errorf("reset under an open app: exit %d %s", res.code, res.stderr)
	}
	a.Close()

	// A killed smsdash (a watch, until it is killed) leaves no lock and
	// no temporary folder.
	watch := exec.Command(r.bin, "status", "--watch", itoa(first.ID+1))
	watch.Env = r.env
	stderr, err := watch.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := watch.Start(); err != nil {
		t.Fatal(err)
	}
	holds := make(chan struct{})
	go func() {
		// It says DEMO once it holds the world.
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "DEMO") {
				close(holds)
				break
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	select {
	case <-holds:
	case <-time.After(20 * time.Second):
		t.Error("the watch never said DEMO")
	}
	watch.Process.Kill()
	watch.Wait()
	if left, _ := os.ReadDir(r.tmp); len(left) > 0 {
		t.Errorf("left in the temporary directory: %v", left)
	}

	if res := r.run("demo", "--reset"); res.code != ExitOK || !strings.Contains(res.stdout, "DEMO") {
		t.Fatalf("reset: exit %d %s %s", res.code, res.stdout, res.stderr)
	}
	if h := r.history(); len(h) != 0 {
		t.Errorf("history after the reset: %+v", h)
	}
	if again := r.send("296717259"); again.ID != first.ID {
		t.Errorf("the first send after the reset: id %d, want %d", again.ID, first.ID)
	}
}
