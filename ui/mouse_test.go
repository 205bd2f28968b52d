package ui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/smsdash/smsdash/sms/store"
)

// where is the screen cell of the first text on the screen (its line
// and its first column), as the terminal counts them.
func where(t *testing.T, m *Model, text string) (x, y int) {
	t.Helper()
	for y, l := range strings.Split(ansi.Strip(m.View()), "\n") {
		if i := strings.Index(l, text); i >= 0 {
			return ansi.StringWidth(l[:i]), y
		}
	}
	t.Fatalf("no %q on the screen:\n%s", text, m.View())
	return 0, 0
}

// clickOn clicks the middle of text where the screen shows it, through
// the root model, and runs what the click started.
func clickOn(t *testing.T, m *Model, text string) {
	t.Helper()
	x, y := where(t, m, text)
	clickAt(t, m, x+ansi.StringWidth(text)/2, y)
}

func clickAt(t *testing.T, m *Model, x, y int) {
	t.Helper()
	_, cmd := m.Update(click(x, y))
	settle(t, m, cmd)
}

// wheel turns the wheel n notches (down for n > 0) over screen line y.
func wheel(t *testing.T, m *Model, y, n int) {
	t.Helper()
	b := tea.MouseButtonWheelDown
	if n < 0 {
		b, n = tea.MouseButtonWheelUp, -n
	}
	for range n {
		_, cmd := m.Update(tea.MouseMsg{X: 10, Y: y, Action: tea.MouseActionPress, Button: b})
		settle(t, m, cmd)
	}
}

// hasLine: a line of the screen starts with prefix (after the frame's
// left edge, none here).
func hasLine(m *Model, prefix string) bool {
	for _, l := range strings.Split(ansi.Strip(m.View()), "\n") {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

// Compose: a click on a field's line focuses it; a click on Send sends
// as ctrl+s does, with the same checks; a click on a note or a blank line
// does nothing.
func TestComposeMouse(t *testing.T) {
	m := newModel(t, "en")
	clickOn(t, m, "Text")
	if !hasLine(m, "› Text") {
		t.Fatalf("a click on Text did not focus it:\n%s", m.View())
	}
	clickOn(t, m, "type the message") // the counter's note
	clickAt(t, m, 40, 5)              // a line of the text box, right of the label
	if !hasLine(m, "› Text") {
		t.Fatalf("a click on a note or in the text box moved the focus:\n%s", m.View())
	}
	clickOn(t, m, "[ Send")
	if v := m.View(); !strings.Contains(v, "›[ Send") || !strings.Contains(v, "no recipient: type") {
		t.Fatalf("a click on Send with no recipients:\n%s", v)
	}
	clickOn(t, m, "To")
	press(t, m, "291234561")
	clickOn(t, m, "Text")
	press(t, m, "Hello")
	clickOn(t, m, "[ Send")
	rows, err := m.ctx.App.Store.Latest(m.ctx.Base, store.Filter{})
	if err != nil || len(rows) != 1 || rows[0].Text != "Hello" {
		t.Fatalf("the click sent %d messages (%v):\n%s", len(rows), err, m.View())
	}
}
