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
	return RunWith(stop, abort, a, in, out, r)
}

// RunWith is Run with a renderer made by the caller.
func RunWith(stop, abort context.Context, a *app.App, in io.Reader, out io.Writer, r *lipgloss.Renderer) error {
	return RunSession(stop, abort, a, app.Local(), in, out, r)
}

// RunSession is Run for session s (an SSH connection: its agent, role,
// folder and language), with a renderer made from its terminal. Any
// number run at once over one core, sharing its one tracker.
func RunSession(stop, abort context.Context, a *app.App, s app.Session, in io.Reader, out io.Writer, r *lipgloss.Renderer) error {
	a.Start()
	m := NewSession(a, s, r)
	defer m.Close()
	return m.run(stop, abort, in, out)
}

// interruptMsg and abortMsg carry stop and abort into the program.
type (
	interruptMsg struct{}
	abortMsg     struct{}
)

func (m *Model) run(stop, abort context.Context, in io.Reader, out io.Writer) error {
	cfg := m.core.Config()
	out = lockWriter(out)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m.copy = func(text string) {
		// OSC 52: the terminal (even at the far end of SSH) sets its
		// clipboard. Written through the same lock as the frames, so it
		// never lands inside one.
		fmt.Fprintf(out, "\x1b]52;c;%s\x07", base64.StdEncoding.EncodeToString([]byte(text)))
	}
	g := &guard{m: m, secrets: func() []string { return m.core.Config().Secrets() }}
	opts := []tea.ProgramOption{tea.WithAltScreen(), tea.WithInput(in), tea.WithOutput(out)}
	if cfg.UI.Mouse {
		opts = append(opts, tea.WithMouseCellMotion())
	}
	p := tea.NewProgram(g, opts...)
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
