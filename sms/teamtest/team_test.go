// Package teamtest runs a team: several smsdash processes, the real
// binary, on one PostgreSQL history and one simulator, as two servers of
// an office would. It has tests only.
package teamtest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/jackc/pgx/v5"
	gossh "golang.org/x/crypto/ssh"

	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/internal/pgtest"
	"github.com/smsdash/smsdash/sms/sim"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// wait bounds every wait for something to happen; a figure the issue asks
// for is checked against its own bound.
const wait = 20 * time.Second

// world is one simulator behind a handler that counts the status
// requests by the host they were sent to: each process of the team names
// the simulator by a host of its own (127.0.0.1, localhost, …), so the
// count says which process asked.
type world struct {
	sim  *sim.Server
	url  string // http://127.0.0.1:PORT
	port string
	mu   sync.Mutex
	asks map[string]int // Host → status requests
	hold chan struct{}  // while set, JSON requests (a batch's packages) wait for it to close
}

func newWorld(t *testing.T) *world {
	w := &world{sim: sim.New(sim.Options{Login: "team", Password: "team-pw", Balance: 1e6, QueuedFor: time.Hour, SentFor: time.Hour}), asks: map[string]int{}}
	hs := httptest.NewServer(w) // loopback
	t.Cleanup(hs.Close)
	w.url = hs.URL
	_, w.port, _ = net.SplitHostPort(strings.TrimPrefix(hs.URL, "http://"))
	return w
}

func (w *world) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	w.mu.Lock()
	hold := w.hold
	if r.URL.Path == sim.PathStatusPlain {
		host, _, _ := net.SplitHostPort(r.Host)
		w.asks[host]++
	}
	w.mu.Unlock()
	if hold != nil && r.URL.Path == sim.PathJSON { // a batch's package: the pollers ask over PLAIN
		select {
		case <-hold:
		case <-r.Context().Done():
			return
		}
	}
	w.sim.ServeHTTP(rw, r)
}

// askedBy is how many status requests came to host so far.
func (w *world) askedBy(host string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.asks[host]
}

// member is one smsdash of the team: its config (the simulator under
// its own host name, the shared history) and its own directories.
type member struct {
	host string // how it names the simulator
	dir  string
	cfg  string
	cmd  *exec.Cmd // smsdash serve, once started
	addr string    // where serve listens
	out  *buffer
}

func newMember(t *testing.T, w *world, db, host string) *member {
	m := &member{host: host, dir: t.TempDir()}
	base := "http://" + net.JoinHostPort(host, w.port)
	c := config.Default()
	c.Account.Login, c.Account.Password = "team", "team-pw"
	c.API.Transport = config.TransportPlain
	c.API.SendPlainURL, c.API.StatusPlainURL, c.API.CreditsPlainURL = base+sim.PathSendPlain, base+sim.PathStatusPlain, base+sim.PathCreditsPlain
	c.API.XMLURL, c.API.JSONURL = base+sim.PathXML, base+sim.PathJSON
	c.API.BatchSize = 5
	c.Tracker.PollInterval = config.Duration{Duration: 2 * time.Second}
	c.Store.URL = db
	c.UI.Lang = "en"
	m.cfg = filepath.Join(m.dir, "config.toml")
	if err := config.Save(m.cfg, c); err != nil {
		t.Fatal(err)
	}
	return m
}

func (m *member) env() []string {
	env := os.Environ()
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"} {
		env = append(env, k+"="+filepath.Join(m.dir, k))
	}
	return append(env, "LANG=en_US.UTF-8", "LC_ALL=")
}

// smsdash runs a command of m's to its end.
func (m *member) smsdash(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--config", m.cfg}, args...)...)
	cmd.Env = m.env()
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return string(out), code
}

// serve starts m's smsdash serve, for the agent's key in keys.
func (m *member) serve(t *testing.T, bin, keys string) {
	t.Helper()
	m.addr = freeAddr(t)
	m.out = &buffer{}
	m.cmd = exec.Command(bin, "--config", m.cfg, "serve", "--listen", m.addr, "--authorized-keys", keys)
	m.cmd.Env = m.env()
	m.cmd.Stdout, m.cmd.Stderr = m.out, m.out
	if err := m.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.kill() })
	eventually(t, "serve listening on "+m.addr, func() bool {
		c, err := net.DialTimeout("tcp", m.addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
}

// kill ends m's serve as kill -9 would: nothing of it runs after.
func (m *member) kill() {
	if m.cmd != nil && m.cmd.ProcessState == nil {
		m.cmd.Process.Signal(syscall.SIGKILL)
		m.cmd.Wait()
	}
}

// dashboard signs in to m's serve with a terminal and shows the Status
// tab; what it draws accumulates in the buffer.
func (m *member) dashboard(t *testing.T, key gossh.Signer) *buffer {
	t.Helper()
	client, err := gossh.Dial("tcp", m.addr, &gossh.ClientConfig{User: "agent", Auth: []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: wait}) // a test's own server on loopback
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	s, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	out := &buffer{}
	s.Stdout = out
	in, err := s.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", 40, 120, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the dashboard", func() bool { return out.has("2 Batch") })
	in.Write([]byte("\x1b3")) // alt+3: the Status tab
	eventually(t, "the Status tab", func() bool { return out.has("[3 Status]") })
	return out
}

// The team: two servers on one history and one simulator. A send by
// another process appears on a dashboard within a second; one of them
// polls; when it is killed the other polls within 10 s; a batch whose
// process is killed is settled by the one left; every message
// reaches the simulator once.
func TestTeam(t *testing.T) {
	bin := build(t)
	db := pgtest.Shared(t).NewDatabase(t)
	w := newWorld(t)
	a, b := newMember(t, w, db, "127.0.0.1"), newMember(t, w, db, "localhost")
	key := signer(t)
	keys := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(keys, gossh.MarshalAuthorizedKey(key.PublicKey()), 0o600); err != nil {
		t.Fatal(err)
	}
	a.serve(t, bin, keys)
	b.serve(t, bin, keys)
	screen := b.dashboard(t, key)

	// Sends by a third process, A's command line: each shows on B's
	// dashboard as soon as it is recorded.
	var numbers []string
	for i := range 5 {
		n := fmt.Sprintf("37529100%04d", i)
		numbers = append(numbers, n)
		marker := fmt.Sprintf("team-%d-%d", i, time.Now().UnixNano()%1e6)
		if out, code := a.smsdash(t, bin, "send", "--to", n, "--text", marker); code != 0 {
			t.Fatalf("send: exit %d\n%s", code, out)
		}
		sent := time.Now()
		eventually(t, marker+" on B's Status tab", func() bool { return screen.has(marker) })
		if d := time.Since(sent); d > time.Second {
			t.Errorf("%s showed on B after %v, over a second", marker, d.Round(time.Millisecond))
		} else {
			t.Logf("%s showed on B after %v", marker, d.Round(time.Millisecond))
		}
	}

	// One of them polls: its host alone asks for statuses.
	var poller, other *member
	eventually(t, "a poller", func() bool { return w.askedBy(a.host)+w.askedBy(b.host) >= 2 })
	switch {
	case w.askedBy(a.host) > 0 && w.askedBy(b.host) == 0:
		poller, other = a, b
	case w.askedBy(b.host) > 0 && w.askedBy(a.host) == 0:
		poller, other = b, a
	default:
		t.Fatalf("status requests: %d from A, %d from B: both polled", w.askedBy(a.host), w.askedBy(b.host))
	}
	// Two cycles more of the poller: the other, were it polling too,
	// would have had as many.
	more := w.askedBy(poller.host) + 2
	eventually(t, "two more cycles of the poller", func() bool { return w.askedBy(poller.host) >= more })
	if n := w.askedBy(other.host); n != 0 {
		t.Fatalf("the other asked %d times while the poller ran", n)
	}

	// kill -9 of the poller: the other takes over within 10 s.
	poller.kill()
	killed := time.Now()
	eventually(t, "the other polls", func() bool { return w.askedBy(other.host) > 0 })
	if d := time.Since(killed); d > 10*time.Second {
		t.Errorf("the other polled %v after the poller was killed, over 10 s", d.Round(time.Millisecond))
	} else {
		t.Logf("the other polled %v after the poller was killed", d.Round(time.Millisecond))
	}

	// kill -9 of a process in the middle of a batch: its first package
	// is held at the simulator, the second waits its turn. The one left
	// running settles them, within a cycle: in flight → outcome unknown,
	// the rest → not sent.
	list := filepath.Join(t.TempDir(), "list.csv")
	rows := "Телефон\n"
	for i := range 10 {
		rows += fmt.Sprintf("37529200%04d\n", i)
	}
	if err := os.WriteFile(list, []byte(rows), 0o600); err != nil {
		t.Fatal(err)
	}
	w.mu.Lock()
	w.hold = make(chan struct{})
	w.mu.Unlock()
	var release sync.Once
	open := func() { release.Do(func() { close(w.hold) }) }
	t.Cleanup(open) // before the simulator's server waits for its requests
	imp := exec.Command(bin, "--config", other.cfg, "import", list, "--template", "batch-kill", "--yes")
	imp.Env = other.env()
	impOut := &buffer{}
	imp.Stdout, imp.Stderr = impOut, impOut
	if err := imp.Start(); err != nil {
		t.Fatal(err)
	}
	pg := connect(t, db)
	states := func() map[string]int {
		got := map[string]int{}
		// A package in flight is queued rows in an in-flight range
		// (store's MarkPending): "pending" here.
		rs, err := pg.Query(t.Context(), `SELECT CASE WHEN state = 'queued' AND EXISTS
			(SELECT 1 FROM inflight f WHERE m.id BETWEEN f.lo AND f.hi) THEN 'pending' ELSE state END, count(*)
			FROM messages m WHERE text = 'batch-kill' GROUP BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		for rs.Next() {
			var st string
			var n int
			if err := rs.Scan(&st, &n); err != nil {
				t.Fatal(err)
			}
			got[st] = n
		}
		return got
	}
	var last map[string]int
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the batch's rows: %v; the import said:\n%s", last, impOut.String())
		}
	})
	eventually(t, "the batch's first package in flight", func() bool { last = states(); return last["pending"] == 5 && last["queued"] == 5 })
	imp.Process.Signal(syscall.SIGKILL)
	imp.Wait()
	open()
	eventually(t, "the batch settled by the one running", func() bool { s := states(); return s["unknown"] == 5 && s["not_sent"] == 5 })

	for _, n := range numbers {
		if got := w.sim.Received(n); got != 1 {
			t.Errorf("%s reached the simulator %d times", n, got)
		}
	}
	// The package in flight may have reached it (its outcome is unknown),
	// once at most; the one that never left, not at all.
	for i := range 10 {
		n, most := fmt.Sprintf("37529200%04d", i), 1
		if i >= 5 {
			most = 0
		}
		if got := w.sim.Received(n); got > most {
			t.Errorf("%s of the killed batch reached the simulator %d times", n, got)
		}
	}
}

// connect is a connection of the test's own to the team's database.
func connect(t *testing.T, db string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// build builds smsdash once for the package's tests.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "smsdash")
	cmd := exec.Command("go", "build", "-o", bin, "../..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func signer(t *testing.T) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// freeAddr is a loopback address nothing listened on a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "127.0.0.1:" + strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// eventually waits, up to wait, for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(wait); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no %s in %v", what, wait)
		}
	}
}

// buffer is a process's or a session's output, written and read at once.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// has says whether s was drawn, escapes aside: a styled label is styled
// rune by rune.
func (b *buffer) has(s string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Contains(ansi.Strip(b.b.String()), s)
}
