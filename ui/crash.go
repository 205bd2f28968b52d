package ui

import (
	"fmt"
	"runtime/debug"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/secret"
	"github.com/smsdash/smsdash/sms/version"
	"github.com/smsdash/smsdash/ui/common"
)

// guard wraps the root model for Run: a panic in Update, View or a
// command writes a report file and panics on, so that Bubble Tea
// restores the terminal as it does for any panic (Run then prints the
// report's path). A tab's drawing is caught before, by drawTab.
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

// drawTab draws the active tab. A panic while it draws (a bug, such as
// bubbles' file picker drawing a file deleted meanwhile) is caught here
// rather than by guard: the tab's place says what happened and where its
// report is, and the program goes on. Drawing changes nothing, so what was
// typed and a send under way are all there; the other tabs draw as
// before, and this one again once its state no longer trips the bug.
func (m *Model) drawTab() (view string) {
	defer func() {
		if r := recover(); r != nil {
			view = m.drawFailed(r, debug.Stack())
		}
	}()
	return m.tabs[m.active].View()
}

// drawFailed writes a report once for each panic (not one every frame)
// and draws the tab's place.
func (m *Model) drawFailed(r any, stack []byte) string {
	mask := secret.New(m.core.Config().Secrets()...)
	text := mask.Mask(fmt.Sprint(r))
	if text != m.drawn.panic {
		m.drawn.panic = text
		m.drawn.report, _ = version.Report(text, mask.Mask(string(stack)))
	}
	t, s := m.ctx.T, m.ctx.S
	msg := "✗ " + fmt.Sprintf(t.DrawFailed, sms.Safe(text))
	if m.drawn.report != "" {
		msg += " " + fmt.Sprintf(t.DrawReport, sms.Safe(m.drawn.report))
	}
	out := common.Lines(s.Err, common.Wrap(msg, m.w)) + "\n\n" + common.Lines(s.Faint, common.Wrap(t.DrawKept, m.w))
	return common.Fit(out, m.w, m.bodyH)
}
