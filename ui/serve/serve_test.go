package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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
	dir := isolate(t)
	core, err := app.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(core.Close)
	f := &fixture{keys: filepath.Join(dir, "authorized_keys"), logs: &syncBuffer{}, anna: newSigner(t), bob: newSigner(t), stolen: newSigner(t)}
	keys := `environment="SMSDASH_ROLE=admin" ` + authorizedLine(f.anna, "anna") + authorizedLine(f.bob, "bob")
	if err := os.WriteFile(f.keys, []byte(keys), 0o600); err != nil {
		t.Fatal(err)
	}
	opt := cli.ServeOptions{Listen: "127.0.0.1:0", AuthorizedKeys: f.keys, MaxSessions: 5, Idle: time.Hour}
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
	sess, err := f.client(t, s).NewSession()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	d := &tty{sess: sess, out: &syncBuffer{}, done: make(chan error, 1)}
	sess.Stdout, sess.Stderr = d.out, d.out
	if d.in, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() { d.done <- sess.Wait() }()
	return d
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
