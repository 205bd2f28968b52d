package serve

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/muesli/termenv"

	"github.com/smsdash/smsdash/ui"
)

// dashboard runs the dashboard on the session's terminal until the agent
// quits, no key comes for opt.Idle, or the server shuts down; the last two
// stop a send under way after its package in flight, as ctrl+c does, and
// are told once the screen is back.
//
// The program is ours, not wish's bubbletea middleware's: the dashboard's
// run owns its program's start and end (a send drained, a crash report),
// and the middleware neither sends the first size of an emulated PTY nor
// recovers in its resize goroutine. Its renderer is made likewise without
// asking the terminal for its background (see renderer).
func (s *Server) dashboard(sess ssh.Session, who agent) error {
	pty, windows, _ := sess.Pty()
	stop, end := context.WithCancelCause(s.stop)
	defer end(nil)
	idle := time.AfterFunc(s.opt.Idle, func() { end(errIdle) })
	defer idle.Stop()
	done := make(chan struct{})
	defer close(done)
	watch := s.watch
	as, err := s.session(sess, who)
	if err != nil {
		refuse(sess, err.Error())
		return nil
	}
	err = ui.RunSession(stop, s.abort, s.core, as, ui.Terminal{
		In: sess, Out: sess, Renderer: renderer(sess, pty), Shared: true,
		Options: []tea.ProgramOption{tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			switch msg.(type) {
			case tea.KeyMsg, tea.MouseMsg:
				idle.Reset(s.opt.Idle)
			}
			if watch != nil {
				watch(msg)
			}
			return msg
		})},
		Started: func(p *tea.Program) { go s.sizes(p, pty.Window, windows, done) },
	})
	why := context.Cause(stop)
	switch {
	case errors.Is(why, errIdle):
		fmt.Fprintf(sess, "smsdash: no key for %v: the session ended\n", s.opt.Idle)
	case errors.Is(why, errShutdown):
		fmt.Fprintln(sess, "smsdash: the server is shutting down: the session ended")
	}
	code := 0
	if err != nil || why != nil {
		code = 1
	}
	sess.Exit(code)
	if err != nil {
		return errors.Join(err, why)
	}
	return why
}

// sizes gives the program the terminal's size, at once and on every
// change: Bubble Tea reads a size from a local terminal alone.
func (s *Server) sizes(p *tea.Program, first ssh.Window, windows <-chan ssh.Window, done <-chan struct{}) {
	defer s.recover("window sizes")
	p.Send(tea.WindowSizeMsg{Width: first.Width, Height: first.Height})
	for {
		select {
		case w, ok := <-windows:
			if !ok {
				return
			}
			p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
		case <-done:
			return
		}
	}
}

// renderer draws in what the client's terminal can show, from its TERM
// and the environment it sent (NO_COLOR, COLORTERM, when the client's
// SendEnv passes them). It never asks the terminal for its background,
// which can hold up the first frame until a key comes: dark is assumed
// unless COLORFGBG says otherwise.
func renderer(sess ssh.Session, pty ssh.Pty) *lipgloss.Renderer {
	env := environ(append(sess.Environ(), "TERM="+pty.Term))
	r := lipgloss.NewRenderer(sess, termenv.WithEnvironment(env), termenv.WithUnsafe(), termenv.WithColorCache(true))
	if pty.Term == "" || pty.Term == "dumb" {
		r.SetColorProfile(termenv.Ascii)
	}
	r.SetHasDarkBackground(!lightBackground(env.Getenv("COLORFGBG")))
	return r
}

// lightBackground reads COLORFGBG ("fg;bg", as rxvt and Konsole set it):
// background 7 or 15 is light.
func lightBackground(v string) bool {
	bg := v[strings.LastIndexByte(v, ';')+1:]
	return bg == "7" || bg == "15"
}

// environ is a session's environment for termenv; the last value of a
// name counts.
type environ []string

func (e environ) Environ() []string { return e }

func (e environ) Getenv(k string) string {
	for i := len(e) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(e[i], k+"="); ok {
			return v
		}
	}
	return ""
}
