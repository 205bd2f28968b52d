// Package serve is smsdash serve: the dashboard and the command line over
// SSH, on github.com/charmbracelet/wish, for agents who must not hold the
// gateway's password. One core (history, tracker, hub) serves every
// session; each session has its own program, renderer, size and agent.
//
// Who an agent is comes from the public key the session proved, read
// after authentication (sess.PublicKey), never from the user name nor from
// what the public-key handler was offered: that handler only says yes or
// no. The name recorded with every message is the key's comment in the
// authorized_keys file (app.App.As gives the session a view of the core
// under that name).
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/cli"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/secret"
)

// Why a session ended, when it was not the agent's choice.
var (
	errShutdown = errors.New("the server is shutting down")
	errIdle     = errors.New("no key pressed for too long")
)

// Server serves the dashboard and the commands over SSH.
type Server struct {
	core *app.App
	opt  cli.ServeOptions
	keys *keyring
	srv  *ssh.Server
	log  *log.Logger
	mask *secret.Masker

	// stop ends every session gracefully (its cause says why), abort cuts
	// their sends in flight.
	stop, abort       context.Context
	stopAll           context.CancelCauseFunc
	abortAll          context.CancelFunc
	mu                sync.Mutex
	sessions          map[int64]*session // the list of sessions to quit
	closing           bool
	ln                net.Listener
	served            chan error // Serve's end
	wg                sync.WaitGroup
	nextID, conns     atomic.Int64
	watch             func(msg any) // tests: every message a dashboard's model gets
	shutdownGraceTime time.Duration // after abort, how long sessions have to end
}

// audit writes a send or a settings save made on the core to the log:
// who, how many, by which transport, in which batch, how it went. Never
// a text, a number or a setting's value: the core gives none.
func (s *Server) audit(e app.Event) {
	who := sms.Safe(e.Agent)
	why := ""
	if e.Err != nil {
		why = ": " + sms.Safe(e.Err.Error())
	}
	if r := e.Send; r != nil {
		kind, batch := "send", ""
		if r.Resend {
			kind = "resend"
		}
		if r.BatchID != 0 {
			batch = fmt.Sprintf(", batch %d", r.BatchID)
		}
		s.log.Printf("%s: %s: %s via %s%s: %d accepted%s", kind, who,
			sms.PluralEN("%d message", "%d messages").N(r.Messages), sms.Safe(r.Transport), batch, r.Accepted, why)
		return
	}
	if m := e.Marked; m != nil {
		s.log.Printf("mark sent: %s: %d of %s%s", who, m.Settled, sms.PluralEN("%d message", "%d messages").N(m.Asked), why)
		return
	}
	keys := sms.Safe(strings.Join(e.Keys, ", "))
	if e.Err != nil {
		s.log.Printf("settings: %s: not saved (%s)%s", who, keys, why)
		return
	}
	s.log.Printf("settings: %s: saved %s", who, keys)
}

// session is one SSH session being served.
type session struct {
	id    int64
	agent agent
}

// New makes a server over core, which stays the caller's to close. Log
// lines (sign-ins, sends, settings saves, refusals, skipped
// authorized_keys lines) go to logw: New sets core.Audit.
func New(core *app.App, opt cli.ServeOptions, logw io.Writer) (*Server, error) {
	if err := opt.Check(); err != nil {
		return nil, fmt.Errorf("%w: %v", app.ErrUsage, err)
	}
	if opt.HostKey == "" {
		p, err := config.HostKeyPath()
		if err != nil {
			return nil, err
		}
		opt.HostKey = p
	}
	if opt.AuthorizedKeys == "" {
		opt.AuthorizedKeys = filepath.Join(filepath.Dir(core.ConfigPath), "authorized_keys")
	}
	if opt.Uploads == "" {
		p, err := config.UploadsDir()
		if err != nil {
			return nil, err
		}
		opt.Uploads = p
	}
	s := &Server{core: core, opt: opt, log: log.New(logw, "smsdash serve: ", log.LstdFlags),
		mask: secret.New(core.Config().Secrets()...), sessions: map[int64]*session{}, shutdownGraceTime: 5 * time.Second}
	s.keys = &keyring{path: opt.AuthorizedKeys, log: s.log.Printf}
	core.Audit = s.audit
	if s.keys.refresh(); s.keys.seen == nil {
		return nil, fmt.Errorf("%w: --authorized-keys %s cannot be read, so nobody could sign in: put the agents' public keys there, one a line (ssh-ed25519 AAAA… anna)", app.ErrUsage, opt.AuthorizedKeys)
	}
	signer, err := hostKey(opt.HostKey)
	if err != nil {
		return nil, err
	}
	srv, err := wish.NewServer(
		// First: without a host key, NewServer writes one into the
		// working directory.
		func(srv *ssh.Server) error { srv.AddHostKey(signer); return nil },
		wish.WithAddress(opt.Listen),
		wish.WithPublicKeyAuth(s.authorize),
		wish.WithMiddleware(func(ssh.Handler) ssh.Handler { return s.handle }),
		// A backstop for connections that never sign in or go silent: a
		// dashboard redraws, so its idleness is judged on keys instead.
		wish.WithIdleTimeout(opt.Idle+time.Minute),
	)
	if err != nil {
		return nil, err
	}
	srv.ConnCallback = s.admitConn
	s.srv = srv
	var stop context.Context
	stop, s.stopAll = context.WithCancelCause(context.Background())
	s.stop = stop
	s.abort, s.abortAll = context.WithCancel(context.Background())
	return s, nil
}

// Start listens and serves in the background; it gives the address
// listened on. The core's one tracker runs for every session, until the
// core is closed.
func (s *Server) Start() (net.Addr, error) {
	ln, err := net.Listen("tcp", s.opt.Listen)
	if err != nil {
		return nil, err
	}
	s.ln = ln
	s.served = make(chan error, 1)
	go func() { s.served <- s.srv.Serve(ln) }()
	s.core.Start()
	return ln.Addr(), nil
}

// Shutdown ends the server: new sessions are refused, every session is
// told and its program quit (a send under way finishes the package in
// flight; what did not leave is recorded as not sent). When ctx ends
// first, sends in flight are cut too. Then every connection is closed.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	if s.ln != nil {
		s.ln.Close() // no new connections
	}
	s.stopAll(errShutdown)
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		s.abortAll()
		select {
		case <-done:
		case <-time.After(s.shutdownGraceTime):
			s.log.Printf("shutdown: sessions still running are cut: %s", strings.Join(s.names(), ", "))
		}
	}
	// The listener is closed already (above); Close closes it again when
	// Serve has not yet let go of it, which is no failure.
	if err := s.srv.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// Run is smsdash serve: the core opened from the config, served until stop
// ends (the first signal); abort (the second) cuts sends in flight.
func Run(stop, abort context.Context, opt cli.ServeOptions, logw io.Writer) error {
	core, err := app.Open(opt.Config)
	if err != nil {
		return err
	}
	defer core.Close()
	s, err := New(core, opt, logw)
	if err != nil {
		return err
	}
	addr, err := s.Start()
	if err != nil {
		return err
	}
	mode := core.ConfigPath
	if core.Demo {
		mode = "DEMO mode (nothing reaches a real phone)"
	}
	s.log.Printf("listening on %s; config: %s; keys: %s; host key: %s", addr, sms.Safe(mode), s.opt.AuthorizedKeys, s.opt.HostKey)
	select {
	case <-stop.Done():
		s.log.Printf("stopping: sessions are told; sends finish their package (a second signal cuts them)")
	case err = <-s.served:
	}
	return errors.Join(err, s.Shutdown(abort))
}

// authorize says only whether a key may sign in: who it is, is decided
// from the key the session proved (handle).
func (s *Server) authorize(_ ssh.Context, key ssh.PublicKey) bool {
	_, ok := s.keys.find(key)
	return ok
}

// admitConn bounds the connections at once, before any handshake: one
// that cannot be told why (refused sessions are told, in handle).
func (s *Server) admitConn(_ ssh.Context, c net.Conn) net.Conn {
	if s.conns.Add(1) > int64(2*s.opt.MaxSessions+8) {
		s.conns.Add(-1)
		s.log.Printf("refused a connection from %s: too many at once", c.RemoteAddr())
		return nil
	}
	return &countedConn{Conn: c, done: func() { s.conns.Add(-1) }}
}

type countedConn struct {
	net.Conn
	once sync.Once
	done func()
}

func (c *countedConn) Close() error {
	c.once.Do(c.done)
	return c.Conn.Close()
}

// handle serves one session: the dashboard on a terminal, a command
// otherwise.
func (s *Server) handle(sess ssh.Session) {
	defer s.recover("session")
	who, ok := s.keys.find(sess.PublicKey())
	if !ok { // removed from the file since it signed in
		refuse(sess, "your key is no longer authorized")
		return
	}
	ses, err := s.admit(who)
	if err != nil {
		s.log.Printf("refused %s (%s): %v", sms.Safe(who.Name), who.Fingerprint, err)
		refuse(sess, err.Error())
		return
	}
	defer s.leave(ses)
	_, _, tty := sess.Pty()
	cmd := sess.Command()
	s.log.Printf("session %d: %s (%s, %s) from %s: %s", ses.id, sms.Safe(who.Name), role(who), who.Fingerprint, sess.RemoteAddr(), describe(cmd, tty))
	var why error
	defer func(start time.Time) {
		end := "ended"
		if why != nil {
			end += ": " + why.Error()
		}
		s.log.Printf("session %d: %s: %s after %s", ses.id, sms.Safe(who.Name), end, time.Since(start).Round(time.Second))
	}(time.Now())
	switch {
	case len(cmd) > 0:
		why = s.command(sess, who, cmd)
	case tty:
		why = s.dashboard(sess, who)
	default:
		refuse(sess, "neither a terminal nor a command: ssh -t … for the dashboard, or ssh … help for the commands")
	}
}

// admit counts a session in, unless there are too many or the server is
// shutting down.
func (s *Server) admit(who agent) (*session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closing:
		return nil, errShutdown
	case len(s.sessions) >= s.opt.MaxSessions:
		return nil, fmt.Errorf("the server has %d sessions, its most (--max-sessions): try again later", len(s.sessions))
	}
	ses := &session{id: s.nextID.Add(1), agent: who}
	s.sessions[ses.id] = ses
	s.wg.Add(1)
	return ses, nil
}

func (s *Server) leave(ses *session) {
	s.mu.Lock()
	delete(s.sessions, ses.id)
	s.mu.Unlock()
	s.wg.Done()
}

// names lists the sessions running, for the log.
func (s *Server) names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for id, ses := range s.sessions {
		out = append(out, fmt.Sprintf("%d (%s)", id, sms.Safe(ses.agent.Name)))
	}
	slices.Sort(out)
	return out
}

// command runs a command line as the local smsdash does: the same flags,
// output and exit status, on the server's core as the session's agent.
func (s *Server) command(sess ssh.Session, who agent, args []string) error {
	as, err := s.session(sess, who)
	if err != nil {
		refuse(sess, err.Error())
		return nil
	}
	code := cli.Run(s.stop, &cli.Env{Args: args, Stdin: sess, Stdout: sess, Stderr: sess.Stderr(), Abort: s.abort, App: s.core, Session: as})
	sess.Exit(code)
	return context.Cause(s.stop)
}

// session is what an agent is on the core: its name on every send, its
// role, its own folder (uploads/NAME) as the only files it sees, and the
// language its client's locale asks for (else the config's).
func (s *Server) session(sess ssh.Session, who agent) (app.Session, error) {
	dir := filepath.Join(s.opt.Uploads, who.folder())
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return app.Session{}, fmt.Errorf("the agent's folder: %w", err)
	}
	env := map[string]string{}
	for _, kv := range sess.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	lang := sms.Lang(config.LangFrom(func(k string) string { return env[k] }))
	return app.Session{Agent: who.Name, Admin: who.Admin, Files: dir, Lang: lang}, nil
}

// recover keeps a panic in a session's goroutine from ending the server:
// it is logged (secrets masked) and that session alone ends.
func (s *Server) recover(where string) {
	if r := recover(); r != nil {
		s.log.Printf("%s: panic (a bug in smsdash): %s\n%s", where, s.mask.Mask(fmt.Sprint(r)), s.mask.Mask(string(debug.Stack())))
	}
}

// refuse tells the client why and ends the session.
func refuse(sess ssh.Session, why string) {
	fmt.Fprintf(sess.Stderr(), "smsdash: %s\n", why)
	sess.Exit(1)
}

func role(a agent) string {
	if a.Admin {
		return "admin"
	}
	return "agent"
}

// describe says what a session asked for, for the log: a command's name,
// not its arguments (a message's text stays out of the log).
func describe(cmd []string, tty bool) string {
	switch {
	case len(cmd) > 0:
		return "command " + sms.Safe(cmd[0])
	case tty:
		return "dashboard"
	}
	return "nothing"
}
