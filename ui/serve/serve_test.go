package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/cli"
)

// wait is the bound of every wait on the server: far above what a
// loaded machine needs, and never what decides a test.
const wait = 10 * time.Second

type fixture struct {
	s      *Server
	addr   string
	keys   string // the authorized_keys file
	logs   *syncBuffer
	anna   gossh.Signer // in the file, an admin
	bob    gossh.Signer // in the file
	stolen gossh.Signer // in no file
}

func newSigner(t testing.TB) gossh.Signer {
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

func authorizedLine(s gossh.Signer, comment string) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey()))) + " " + comment + "\n"
}

// isolate points every smsdash directory into a temporary one: the core
// runs in DEMO mode on its own simulator, in English.
func isolate(t testing.TB) string {
	dir := t.TempDir()
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"} {
		t.Setenv(k, filepath.Join(dir, k))
	}
	t.Setenv("LC_ALL", "")
	t.Setenv("LANG", "en_US.UTF-8")
	return dir
}

// start serves a DEMO core on loopback; tweak changes the options and the
// server before it starts.
func start(t testing.TB, tweak func(*cli.ServeOptions)) *fixture {
	t.Helper()
	return startOn(t, "", tweak)
}

// startOn serves the core of the config file at path ("": DEMO).
func startOn(t testing.TB, path string, tweak func(*cli.ServeOptions)) *fixture {
	t.Helper()
	dir := isolate(t)
	core, err := app.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(core.Close)
	f := &fixture{keys: filepath.Join(dir, "authorized_keys"), logs: &syncBuffer{}, anna: newSigner(t), bob: newSigner(t), stolen: newSigner(t)}
	keys := `environment="SMSDASH_ROLE=admin" ` + authorizedLine(f.anna, "anna") + authorizedLine(f.bob, "bob")
	if err := os.WriteFile(f.keys, []byte(keys), 0o600); err != nil {
		t.Fatal(err)
	}
	opt := cli.ServeOptions{Listen: "127.0.0.1:0", AuthorizedKeys: f.keys, MaxSessions: 25, Idle: time.Hour}
	if tweak != nil {
		tweak(&opt)
	}
	s, err := New(core, opt, f.logs)
	if err != nil {
		t.Fatal(err)
	}
	f.s = s
	return f
}

func (f *fixture) run(t testing.TB) *fixture {
	t.Helper()
	addr, err := f.s.Start()
	if err != nil {
		t.Fatal(err)
	}
	f.addr = addr.String()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		f.s.Shutdown(ctx)
	})
	return f
}

func dial(t testing.TB, addr string, signers ...gossh.Signer) (*gossh.Client, error) {
	t.Helper()
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            "anna", // never who the agent is: see TestKeysRefused
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(signers...)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         wait,
	})
	if err == nil {
		t.Cleanup(func() { c.Close() })
	}
	return c, err
}

func (f *fixture) client(t testing.TB, s ...gossh.Signer) *gossh.Client {
	t.Helper()
	c, err := dial(t, f.addr, s...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// exec runs a command over SSH and gives its output and exit status.
func (f *fixture) exec(t testing.TB, stdin, cmd string, s ...gossh.Signer) (stdout, stderr string, code int) {
	t.Helper()
	sess, err := f.client(t, s...).NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var out, errOut bytes.Buffer
	sess.Stdin, sess.Stdout, sess.Stderr = strings.NewReader(stdin), &out, &errOut
	err = sess.Run(cmd)
	var exit *gossh.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitStatus()
	case err != nil:
		t.Fatalf("%s: %v", cmd, err)
	}
	return out.String(), errOut.String(), code
}

// tty is a dashboard session: its output, and the session to drive.
type tty struct {
	sess *gossh.Session
	out  *syncBuffer
	in   io.WriteCloser
	done chan error // the session's end
}

func (f *fixture) dashboard(t testing.TB, s gossh.Signer) *tty {
	t.Helper()
	d := &tty{out: &syncBuffer{}, done: make(chan error, 1)}
	d.sess, d.in = f.shell(t, s, d.out)
	go func() { d.done <- d.sess.Wait() }()
	return d
}

// shell opens a session on an 80x24 terminal whose output goes to out,
// and gives its input.
func (f *fixture) shell(t testing.TB, s gossh.Signer, out io.Writer) (*gossh.Session, io.WriteCloser) {
	t.Helper()
	sess, err := f.client(t, s).NewSession()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	sess.Stdout, sess.Stderr = out, out
	in, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	return sess, in
}

// waitFor waits until the output holds text.
func (d *tty) waitFor(t testing.TB, text string) {
	t.Helper()
	for deadline := time.Now().Add(wait); !strings.Contains(d.out.String(), text); {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the output:\n%q", text, d.out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// end waits for the session's end and gives its exit status.
func (d *tty) end(t testing.TB) int {
	t.Helper()
	select {
	case err := <-d.done:
		var exit *gossh.ExitError
		if errors.As(err, &exit) {
			return exit.ExitStatus()
		}
		if err != nil {
			t.Fatalf("session: %v", err)
		}
		return 0
	case <-time.After(wait):
		t.Fatalf("the session did not end:\n%q", d.out.String())
		return -1
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestKeysRefused(t *testing.T) {
	f := start(t, nil).run(t)
	if _, err := dial(t, f.addr, f.stolen); err == nil {
		t.Error("a key in no authorized_keys line signed in")
	}
	// The right public key offered without its private key: the
	// handshake's query says yes, the signature fails.
	if _, err := dial(t, f.addr, forged{f.anna.PublicKey(), f.stolen}); err == nil {
		t.Error("anna's public key signed in without her private key")
	}
	// Who the session is comes from the key it proved: neither the user
	// name (anna) nor a key tried before (x/crypto ends a handshake on a
	// bad signature, so a refused key is what can come first).
	if out, errOut, code := f.exec(t, "Привет", "send --to 296717259 --text - --json", f.stolen, f.bob); code != 0 {
		t.Fatalf("send: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := agents(t, f, f.bob); len(got) != 1 || got[0] != "bob" {
		t.Errorf("the message is recorded under %q, want bob", got)
	}
}

// forged offers a public key and signs with another key.
type forged struct {
	pub  gossh.PublicKey
	sign gossh.Signer
}

func (f forged) PublicKey() gossh.PublicKey { return f.pub }
func (f forged) Sign(r io.Reader, data []byte) (*gossh.Signature, error) {
	return f.sign.Sign(r, data)
}

// agents lists the agent of every message in the history, newest first.
func agents(t testing.TB, f *fixture, as gossh.Signer) []string {
	t.Helper()
	out, errOut, code := f.exec(t, "", "history --json", as)
	if code != 0 {
		t.Fatalf("history: exit %d: %s", code, errOut)
	}
	var h struct{ Messages []struct{ Agent string } }
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		t.Fatalf("history --json: %v\n%s", err, out)
	}
	var names []string
	for _, r := range h.Messages {
		names = append(names, r.Agent)
	}
	return names
}

func TestHostKey(t *testing.T) {
	f := start(t, nil)
	path := f.s.opt.HostKey
	if !strings.HasPrefix(path, os.Getenv("XDG_STATE_HOME")) {
		t.Fatalf("the host key is at %s, not in the state directory", path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("host key mode %04o, want 0600", fi.Mode().Perm())
	}
	if _, err := os.Stat("id_ed25519"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a key in the working directory: %v", err)
	}
	first := hostKeyOf(t, f.run(t).addr, f.anna)
	// A restart on the same state keeps the key.
	s2, err := New(f.s.core, f.s.opt, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := s2.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s2.Shutdown(context.Background()) })
	if again := hostKeyOf(t, addr.String(), f.anna); !bytes.Equal(again, first) {
		t.Error("the host key changed on restart")
	}
	// One that others may read is refused.
	os.Chmod(path, 0o644)
	if _, err := New(f.s.core, f.s.opt, io.Discard); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a host key of mode 0644: %v", err)
	}
}

func hostKeyOf(t *testing.T, addr string, s gossh.Signer) []byte {
	t.Helper()
	var key []byte
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: "anna", Auth: []gossh.AuthMethod{gossh.PublicKeys(s)}, Timeout: wait,
		HostKeyCallback: func(_ string, _ net.Addr, k gossh.PublicKey) error { key = k.Marshal(); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	return key
}

func TestListenRemote(t *testing.T) {
	isolate(t)
	core, err := app.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer core.Close()
	opt := cli.ServeOptions{Listen: "0.0.0.0:2222", MaxSessions: 1, Idle: time.Minute}
	if _, err := New(core, opt, io.Discard); err == nil || !strings.Contains(err.Error(), "--allow-remote") {
		t.Errorf("0.0.0.0 without --allow-remote: %v", err)
	}
	// Allowed, it gets as far as the keys (nothing listens: New does not).
	opt.AllowRemote = true
	if _, err := New(core, opt, io.Discard); err == nil || !strings.Contains(err.Error(), "authorized-keys") {
		t.Errorf("0.0.0.0 with --allow-remote: %v", err)
	}
}

func TestDashboard(t *testing.T) {
	sizes := make(chan tea.WindowSizeMsg, 100)
	f := start(t, nil)
	f.s.watch = func(msg any) {
		if m, ok := msg.(tea.WindowSizeMsg); ok {
			sizes <- m
		}
	}
	f.run(t)
	d := f.dashboard(t, f.bob)
	d.waitFor(t, "2 Batch")
	// The next size the model gets that differs from the last: the first
	// may come twice (the server sends it, and the session's window
	// channel may too).
	var last tea.WindowSizeMsg
	next := func() tea.WindowSizeMsg {
		for {
			select {
			case m := <-sizes:
				if m != last {
					last = m
					return m
				}
			case <-time.After(wait):
				t.Fatal("a size did not reach the model")
				return tea.WindowSizeMsg{}
			}
		}
	}
	if m := next(); m.Width != 80 || m.Height != 24 {
		t.Errorf("the first size: %+v, want the terminal's 80x24", m)
	}
	for i := range 10 {
		if err := d.sess.WindowChange(30+i, 90+i); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 10 {
		if m := next(); m.Width != 90+i || m.Height != 30+i {
			t.Errorf("resize %d reached the model as %+v", i, m)
		}
	}
	d.in.Write([]byte("\x03")) // ctrl+c: q would be typed into the To field
	if code := d.end(t); code != 0 {
		t.Errorf("q: exit %d", code)
	}
}

func TestNoTerminalNoCommand(t *testing.T) {
	f := start(t, nil).run(t)
	sess, err := f.client(t, f.bob).NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	sess.Stderr = &errOut
	err = sess.Run("") // a shell, without a terminal
	var exit *gossh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() != 1 || !strings.Contains(errOut.String(), "neither a terminal nor a command") {
		t.Errorf("no pty, no command: %v, %q", err, errOut.String())
	}
}

func TestCommands(t *testing.T) {
	f := start(t, nil).run(t)
	list := "Телефон;Имя\n296717259;Анна\n331234567;Борис\n"
	out, errOut, code := f.exec(t, list, `import --template "Здравствуйте, {Имя}!" --yes --json`, f.anna)
	if code != 0 {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := agents(t, f, f.bob); len(got) != 2 || got[0] != "anna" || got[1] != "anna" {
		t.Errorf("the batch is recorded under %q, want anna", got)
	}
	if _, _, code := f.exec(t, "", "balance", f.bob); code != 0 {
		t.Errorf("balance: exit %d", code)
	}
	for _, c := range []struct{ cmd, says string }{
		{"sim", "not available over SSH"},
		{"demo --reset", "not available over SSH"},
		{"serve", "not available over SSH"},
		{"completion bash", "not available over SSH"},
		{"--config /etc/passwd history", "--config is not taken"},
		{"import /etc/passwd --dry-run", "standard input"},
		{"export --csv /tmp/x.csv", "standard output"},
	} {
		out, errOut, code := f.exec(t, "", c.cmd, f.bob)
		if code != cli.ExitUsage || !strings.Contains(errOut, c.says) || out != "" {
			t.Errorf("%s: exit %d, %q, %q", c.cmd, code, out, errOut)
		}
	}
	if _, errOut, code := f.exec(t, "", "bogus", f.bob); code != cli.ExitUsage || !strings.Contains(errOut, "unknown command") {
		t.Errorf("an unknown command: exit %d, %q", code, errOut)
	}
}

// An agent uploads a list over exec into its own folder, and its Batch
// tab's picker lists it; the name, an empty upload and a name taken are
// refused with what to do.
func TestUpload(t *testing.T) {
	f := start(t, nil).run(t)
	list := "Телефон;Имя\n296717259;Анна\n"
	out, errOut, code := f.exec(t, list, "upload clients.csv", f.bob)
	if code != 0 || !strings.Contains(out, "clients.csv: 1 KB in your upload folder") {
		t.Fatalf("upload: exit %d, %q, %q", code, out, errOut)
	}
	path := filepath.Join(f.s.opt.Uploads, "bob", "clients.csv")
	if data, err := os.ReadFile(path); err != nil || string(data) != list {
		t.Fatalf("the file: %q, %v", data, err)
	}
	for _, c := range []struct{ stdin, cmd, says string }{
		{"x", "upload clients.csv", "--replace replaces it"},
		{"x", "upload ../anna/clients.csv", "no folders"},
		{"x", "upload .profile.csv", "starts with a dot"},
		{"x", "upload notes.sh", "not a list's name"},
		{"x", "upload", "takes the file's NAME"},
		{"", "upload empty.csv", "nothing came on standard input"},
	} {
		out, errOut, code := f.exec(t, c.stdin, c.cmd, f.bob)
		if code != cli.ExitUsage || !strings.Contains(errOut, c.says) || out != "" {
			t.Errorf("%s: exit %d, %q, %q", c.cmd, code, out, errOut)
		}
	}
	if data, _ := os.ReadFile(path); string(data) != list {
		t.Errorf("a refused upload changed the file: %q", data)
	}
	if _, errOut, code := f.exec(t, "Телефон\n296717259\n", "upload clients.csv --replace", f.bob); code != 0 {
		t.Fatalf("--replace: exit %d, %q", code, errOut)
	}
	if data, _ := os.ReadFile(path); string(data) != "Телефон\n296717259\n" {
		t.Errorf("after --replace: %q", data)
	}
	if left, _ := filepath.Glob(filepath.Join(f.s.opt.Uploads, "bob", ".upload-*")); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
	b := f.dashboard(t, f.bob)
	b.waitFor(t, "2 Batch")
	b.press(t, alt("2"))
	b.see(t, "[2 Batch]")
	b.press(t, "\x0f") // ctrl+o: the picker, in bob's folder
	b.see(t, "clients.csv")
	b.press(t, ctrlC)
	b.end(t)
}

func TestSessionLimit(t *testing.T) {
	f := start(t, func(o *cli.ServeOptions) { o.MaxSessions = 1 }).run(t)
	d := f.dashboard(t, f.anna)
	d.waitFor(t, "2 Batch")
	_, errOut, code := f.exec(t, "", "balance", f.bob)
	if code != 1 || !strings.Contains(errOut, "--max-sessions") {
		t.Errorf("a session over the limit: exit %d, %q", code, errOut)
	}
	d.in.Write([]byte("\x03")) // ctrl+c: q would be typed into the To field
	d.end(t)
	// Its place is free again once it ended.
	for deadline := time.Now().Add(wait); f.s.count() > 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the session is still counted")
		}
	}
	if _, errOut, code := f.exec(t, "", "balance", f.bob); code != 0 {
		t.Errorf("after the first ended: exit %d, %q", code, errOut)
	}
}

func TestIdle(t *testing.T) {
	f := start(t, func(o *cli.ServeOptions) { o.Idle = time.Second }).run(t)
	d := f.dashboard(t, f.bob)
	d.waitFor(t, "2 Batch")
	d.waitFor(t, "no key for 1s: the session ended")
	if code := d.end(t); code != 1 {
		t.Errorf("idle: exit %d", code)
	}
}

func TestShutdown(t *testing.T) {
	f := start(t, nil).run(t)
	d := f.dashboard(t, f.bob)
	d.waitFor(t, "2 Batch")
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := f.s.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	d.waitFor(t, "the server is shutting down")
	if code := d.end(t); code != 1 {
		t.Errorf("shut down: exit %d", code)
	}
	if _, err := dial(t, f.addr, f.bob); err == nil {
		t.Error("a connection after the shutdown")
	}
}

// A panic in a session's program ends that session, not the server.
func TestPanic(t *testing.T) {
	f := start(t, nil)
	f.s.watch = func(msg any) {
		if k, ok := msg.(tea.KeyMsg); ok && k.String() == "!" {
			panic("a bug")
		}
	}
	f.run(t)
	d := f.dashboard(t, f.bob)
	d.waitFor(t, "2 Batch")
	d.in.Write([]byte("!"))
	d.end(t)
	if _, errOut, code := f.exec(t, "", "balance", f.bob); code != 0 {
		t.Errorf("after a session's panic: exit %d, %q", code, errOut)
	}
}

func TestKeysReread(t *testing.T) {
	f := start(t, nil).run(t)
	if _, err := dial(t, f.addr, f.stolen); err == nil {
		t.Fatal("an unknown key signed in")
	}
	// A bad line is reported with its number and skipped; the key below
	// it signs in.
	data := "ssh-ed25519 garbage\n" + authorizedLine(f.stolen, "carol")
	if err := os.WriteFile(f.keys, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := dial(t, f.addr, f.stolen); err != nil {
		t.Errorf("a key added to the file: %v", err)
	}
	if !strings.Contains(f.logs.String(), "authorized_keys:1:") {
		t.Errorf("the bad line is not reported:\n%s", f.logs.String())
	}
	if _, err := dial(t, f.addr, f.bob); err == nil {
		t.Error("a key removed from the file signed in")
	}
}

// NO_COLOR and a dumb terminal, as the client sends them, draw no colour.
func TestNoColor(t *testing.T) {
	f := start(t, nil).run(t)
	for _, c := range []struct{ term, env string }{{"xterm-256color", "NO_COLOR"}, {"dumb", ""}} {
		sess, err := f.client(t, f.bob).NewSession()
		if err != nil {
			t.Fatal(err)
		}
		if c.env != "" {
			if err := sess.Setenv(c.env, "1"); err != nil {
				t.Fatal(err)
			}
		}
		out := &syncBuffer{}
		sess.Stdout = out
		in, _ := sess.StdinPipe()
		if err := sess.RequestPty(c.term, 24, 80, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
		if err := sess.Shell(); err != nil {
			t.Fatal(err)
		}
		d := &tty{sess: sess, out: out, in: in}
		d.waitFor(t, "2 Batch")
		if strings.Contains(out.String(), "\x1b[38;5;") || strings.Contains(out.String(), "\x1b[32m") {
			t.Errorf("TERM=%s %s: colour drawn:\n%q", c.term, c.env, out.String())
		}
		sess.Close()
	}
}

// count is how many sessions the server holds.
func (s *Server) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// The dashboard speaks the language the client's locale asks for, not the
// server's; a client that sends none gets the config's.
func TestClientLanguage(t *testing.T) {
	f := start(t, nil).run(t)
	for _, c := range []struct{ lang, want string }{{"ru_RU.UTF-8", "2 Рассылка"}, {"en_GB.UTF-8", "2 Batch"}} {
		sess, err := f.client(t, f.bob).NewSession()
		if err != nil {
			t.Fatal(err)
		}
		if err := sess.Setenv("LANG", c.lang); err != nil {
			t.Fatal(err)
		}
		out := &syncBuffer{}
		sess.Stdout = out
		in, _ := sess.StdinPipe()
		if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
		if err := sess.Shell(); err != nil {
			t.Fatal(err)
		}
		d := &tty{sess: sess, out: out, in: in}
		d.waitFor(t, c.want)
		sess.Close()
	}
}
