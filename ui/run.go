package ui

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/term"
	"github.com/muesli/termenv"

	"github.com/smsdash/smsdash/sms/app"
)

// Run shows the dashboard of the local terminal (app.Local) on in/out
// until the agent quits or stop ends (a signal: see cli.Interrupts). A
// send under way then stops after the package in flight, and the program
// ends once it has; abort ending cuts that package too. It starts the
// core's tracker (app.App.Start), if no program has yet. After a panic
// the terminal is restored (by Bubble Tea), a report is written and its
// path printed.
func Run(stop, abort context.Context, a *app.App, in io.Reader, out io.Writer) error {
	// termenv recognises only an *os.File as a terminal: the renderer
	// looks at out itself, not at the locked writer.
	r := lipgloss.NewRenderer(out)
	if os.Getenv("NO_COLOR") != "" {
		r.SetColorProfile(termenv.Ascii)
	}
	return RunWith(stop, abort, a, Terminal{In: in, Out: out, Renderer: r})
}

// Terminal is where a program draws and reads: the local terminal, or an
// SSH session's (smsdash serve runs one program per session).
type Terminal struct {
	In       io.Reader
	Out      io.Writer
	Renderer *lipgloss.Renderer // made from the terminal
	// Started, if set, gets the program before it runs: a remote
	// terminal's size reaches it only through p.Send.
	Started func(p *tea.Program)
	// Shared: the caller owns the signals for all its programs, so the
	// program catches none (Bubble Tea's own handler would quit every
	// session at once on the server's SIGTERM, without stopping a send
	// gracefully).
	Shared bool
	// Options are more program options: smsdash serve watches the keys
	// (tea.WithFilter) for its idle timer.
	Options []tea.ProgramOption
}

// RunWith is Run on a terminal the caller made, for the local session.
func RunWith(stop, abort context.Context, a *app.App, t Terminal) error {
	return RunSession(stop, abort, a, app.Local(), t)
}

// RunSession is Run for session s (an SSH connection: its agent, role,
// folder and language) on its terminal. Any number run at once over one
// core, sharing its one tracker.
func RunSession(stop, abort context.Context, a *app.App, s app.Session, t Terminal) error {
	a.Start()
	m := NewSession(a, s, t.Renderer)
	defer m.Close()
	return m.run(stop, abort, t)
}

// interruptMsg and abortMsg carry stop and abort into the program.
type (
	interruptMsg struct{}
	abortMsg     struct{}
)

func (m *Model) run(stop, abort context.Context, t Terminal) error {
	cfg := m.core.Config()
	out := lockWriter(t.Out)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m.copy = func(text string) {
		// OSC 52: the terminal (even at the far end of SSH) sets its
		// clipboard. Written through the same lock as the frames, so it
		// never lands inside one.
		fmt.Fprintf(out, "\x1b]52;c;%s\x07", base64.StdEncoding.EncodeToString([]byte(text)))
	}
	g := &guard{m: m, secrets: func() []string { return m.core.Config().Secrets() }}
	opts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithInput(t.In), tea.WithOutput(out)}
	if cfg.UI.Mouse {
		opts = append(opts, tea.WithMouseCellMotion())
	}
	if t.Shared {
		opts = append(opts, tea.WithoutSignalHandler())
	}
	opts = append(opts, t.Options...)
	p := tea.NewProgram(g, opts...)
	if t.Started != nil {
		t.Started(p)
	}
	go func() {
		for _, c := range []struct {
			done <-chan struct{}
			msg  tea.Msg
		}{{stop.Done(), interruptMsg{}}, {abort.Done(), abortMsg{}}} {
			select {
			case <-c.done:
				p.Send(c.msg)
			case <-ctx.Done():
				return
			}
		}
	}()
	_, err := p.Run()
	m.drain()
	if errors.Is(err, tea.ErrProgramPanic) && g.report != "" {
		fmt.Fprintf(out, "smsdash: a crash report is in %s\n", g.report)
	}
	return err
}

// lockWriter serialises writes, so that OSC 52 and the renderer's frames
// never interleave. A terminal keeps its Fd, which Bubble Tea and termenv
// need to see that it is one.
func lockWriter(w io.Writer) io.Writer {
	mu := &sync.Mutex{}
	if f, ok := w.(term.File); ok {
		return lockedTerm{f, mu}
	}
	return lockedWriter{w, mu}
}

type lockedTerm struct {
	term.File
	mu *sync.Mutex
}

func (l lockedTerm) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.File.Write(p)
}

type lockedWriter struct {
	io.Writer
	mu *sync.Mutex
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.Writer.Write(p)
}
