package ui

import (
	"fmt"
	"runtime/debug"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/smsdash/smsdash/sms/secret"
	"github.com/smsdash/smsdash/sms/version"
)

// guard wraps the root model for Run: a panic in Update, View or a
// command writes a report file and panics on, so that Bubble Tea
// restores the terminal as it does for any panic (Run then prints the
// report's path).
type guard struct {
	m       *Model
	secrets func() []string
	report  string // the report's path, once written
}

func (g *guard) Init() tea.Cmd {
	defer g.catch()
	return g.wrap(g.m.Init())
}

func (g *guard) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	defer g.catch()
	_, cmd := g.m.Update(msg)
	return g, g.wrap(cmd)
}

func (g *guard) View() string {
	defer g.catch()
	return g.m.View()
}

// wrap guards a command and, when it returns a batch, the commands in it.
func (g *guard) wrap(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		defer g.catch()
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for i := range b {
				b[i] = g.wrap(b[i])
			}
		}
		return msg
	}
}

// catch writes the report and panics on with the value's text, secrets
// masked: Bubble Tea prints it after restoring the terminal.
func (g *guard) catch() {
	if r := recover(); r != nil {
		m := secret.New(g.secrets()...)
		text := m.Mask(fmt.Sprint(r))
		if g.report == "" {
			g.report, _ = version.Report(text, m.Mask(string(debug.Stack())))
		}
		panic(text)
	}
}
