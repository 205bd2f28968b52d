package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	mouseAt(t, m, click(x, y))
}

// mouseAt hands msg to the model and draws, as the program does after
// every message (what a tab records as it draws is then the screen's).
func mouseAt(t *testing.T, m *Model, msg tea.MouseMsg) {
	t.Helper()
	_, cmd := m.Update(msg)
	m.View()
	settle(t, m, cmd)
	m.View()
}

// wheel turns the wheel n notches (down for n > 0) over screen line y.
func wheel(t *testing.T, m *Model, y, n int) {
	t.Helper()
	b := tea.MouseButtonWheelDown
	if n < 0 {
		b, n = tea.MouseButtonWheelUp, -n
	}
	for range n {
		mouseAt(t, m, tea.MouseMsg{X: 10, Y: y, Action: tea.MouseActionPress, Button: b})
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
	rows, err := m.core.Store.Latest(m.ctx.Base, store.Filter{})
	if err != nil || len(rows) != 1 || rows[0].Text != "Hello" {
		t.Fatalf("the click sent %d messages (%v):\n%s", len(rows), err, m.View())
	}
}

// Batch: a click focuses a field (leaving a new path loads it, as tab
// does), a click on Send… asks as ctrl+s does and the question waits for
// its key, whatever is clicked; the wheel scrolls the invalid rows.
func TestBatchMouse(t *testing.T) {
	dir := t.TempDir()
	rows := "phone,name\n+375291234561,Anna\n"
	for i := range 8 {
		rows += fmt.Sprintf("12%d,Bad\n", i)
	}
	list := filepath.Join(dir, "list.csv")
	if err := os.WriteFile(list, []byte(rows), 0o600); err != nil {
		t.Fatal(err)
	}
	m := newModel(t, "en")
	press(t, m, "alt+2")
	clickOn(t, m, "File")
	if !hasLine(m, "› File") {
		t.Fatalf("a click on File did not focus it:\n%s", m.View())
	}
	press(t, m, list)
	clickOn(t, m, "File") // the path's own line: no load
	if strings.Contains(m.View(), "Phone") {
		t.Fatalf("a click on the path's line loaded it:\n%s", m.View())
	}
	clickAt(t, m, 40, 2+9) // a blank line below the form: nothing
	if !hasLine(m, "› File") {
		t.Fatalf("a click on a blank line moved the focus:\n%s", m.View())
	}
	press(t, m, "enter")
	clickOn(t, m, "Template")
	if !hasLine(m, "› Template") {
		t.Fatalf("a click on Template did not focus it:\n%s", m.View())
	}
	press(t, m, "Hi {name}")
	clickOn(t, m, "header")
	if !strings.Contains(m.View(), "header: ‹") {
		t.Fatalf("a click on the header choice did not focus it:\n%s", m.View())
	}

	_, y := where(t, m, "Invalid rows")
	first := func() string { return strings.Split(ansi.Strip(m.View()), "\n")[y+1] }
	before := first()
	wheel(t, m, y+1, 1)
	if after := first(); after == before {
		t.Errorf("the wheel did not scroll the invalid rows: %q", after)
	}
	wheel(t, m, y+1, -1)
	if back := first(); back != before {
		t.Errorf("the wheel up: %q, want %q", back, before)
	}

	clickOn(t, m, "[ Send…")
	asked := m.View()
	if !strings.Contains(asked, "Send 1 message") || !strings.Contains(asked, "y or enter: send") {
		t.Fatalf("a click on Send… did not ask:\n%s", asked)
	}
	clickOn(t, m, "Send 1 message")
	clickOn(t, m, "y or enter")
	clickOn(t, m, "[ Send…")
	if got, _ := m.core.Store.Latest(m.ctx.Base, store.Filter{}); len(got) != 0 || m.View() != asked {
		t.Fatalf("clicks while asking: %d sent:\n%s", len(got), m.View())
	}
	press(t, m, "n", "ctrl+s")
	if v := m.View(); v != asked {
		t.Errorf("ctrl+s asks otherwise than the click:\n%s\nthe click:\n%s", v, asked)
	}
}

// The Batch picker: a click puts the cursor on an entry, a second click
// on it opens it (a folder, or the list, loaded); the wheel moves the
// cursor a row a notch.
func TestBatchPickerMouse(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.csv", "b.csv", "sub/c.csv"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("phone\n+375291234561\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	m := newModel(t, "en")
	press(t, m, "alt+2", "tab", dir+"/", "ctrl+o")
	if !hasLine(m, "› sub/") {
		t.Fatalf("the picker:\n%s", m.View())
	}
	clickOn(t, m, "b.csv")
	if !hasLine(m, "› b.csv") {
		t.Fatalf("a click on b.csv:\n%s", m.View())
	}
	_, y := where(t, m, "b.csv")
	wheel(t, m, y, -1)
	if !hasLine(m, "› a.csv") {
		t.Fatalf("the wheel up from b.csv:\n%s", m.View())
	}
	wheel(t, m, y, -5) // past the top: it stays there
	if !hasLine(m, "› sub/") {
		t.Fatalf("the wheel up past the top:\n%s", m.View())
	}
	clickOn(t, m, "sub/") // under the cursor: opened
	if !hasLine(m, "› c.csv") || strings.Contains(m.View(), "b.csv") {
		t.Fatalf("a click on sub/ under the cursor did not open it:\n%s", m.View())
	}
	clickOn(t, m, "c.csv")
	if v := m.View(); !strings.Contains(v, "c.csv") || !strings.Contains(v, "Phone") {
		t.Fatalf("two clicks on c.csv did not load it:\n%s", v)
	}
}

// statusModel is the dashboard on the Status tab over seedStatus's
// history, its first page read.
func statusModel(t *testing.T) *Model {
	t.Helper()
	a := newApp(t, "en")
	seedStatus(t, a)
	m := New(a, asciiRenderer())
	m.SetClock(func() time.Time { return testNow })
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	settle(t, m, m.Init())
	press(t, m, "alt+3")
	return m
}

// selected is the Status row under the cursor, as drawn.
func selected(t *testing.T, m *Model) string {
	t.Helper()
	for _, l := range strings.Split(ansi.Strip(m.View()), "\n") {
		if strings.HasPrefix(l, "›") {
			return l
		}
	}
	t.Fatalf("no row under the cursor:\n%s", m.View())
	return ""
}

// Status: a click on a row puts the cursor there, a second one opens it;
// the wheel moves the cursor a row a notch; the filters take clicks; a
// decision waiting for y takes none.
func TestStatusMouse(t *testing.T) {
	m := statusModel(t)
	clickOn(t, m, "Привет от smsdash!")
	if l := selected(t, m); !strings.Contains(l, "Привет от smsdash!") || strings.Contains(m.View(), "History") {
		t.Fatalf("a click on a row: cursor on %q:\n%s", l, m.View())
	}
	_, y := where(t, m, "Привет от smsdash!")
	wheel(t, m, y, 2)
	if !strings.Contains(m.View(), "8 of 8") || !strings.Contains(selected(t, m), "Ваш код: 4711") {
		t.Fatalf("two notches down from the 7th of 8 rows:\n%s", m.View())
	}
	wheel(t, m, y, -3)
	if !strings.Contains(m.View(), "5 of 8") {
		t.Fatalf("three notches up:\n%s", m.View())
	}
	clickOn(t, m, "Скидка 10%") // the top rows: the header, the counts and the chart are above
	clickOn(t, m, "Скидка 10%")
	if v := m.View(); !strings.Contains(v, "History") || !strings.Contains(v, "Скидка 10%") {
		t.Fatalf("a second click on the row did not open it:\n%s", v)
	}
	clickOn(t, m, "Search:") // the details: the filters take no click
	if m.tabs[TabStatus].Capturing() {
		t.Fatalf("a click on Search in the details:\n%s", m.View())
	}
	press(t, m, "esc")

	clickOn(t, m, "Search:")
	if !m.tabs[TabStatus].Capturing() || !hasLine(m, "Status: all   Number: 375…   › Search:") {
		t.Fatalf("a click on Search:\n%s", m.View())
	}
	clickOn(t, m, "Status:")
	if m.tabs[TabStatus].Capturing() || !strings.Contains(m.View(), "Status: → Sent") {
		t.Fatalf("a click on the status filter:\n%s", m.View())
	}
	press(t, m, "esc")

	clickOn(t, m, "Ваш код: 0815")
	clickOn(t, m, "Ваш код: 0815")
	press(t, m, "M")
	asked := m.View()
	if !strings.Contains(asked, "Mark 1 message of unknown outcome as sent?") {
		t.Fatalf("M in the details:\n%s", asked)
	}
	clickOn(t, m, "Mark 1 message")
	clickOn(t, m, "y: mark")
	clickOn(t, m, "History")
	wheel(t, m, 10, 1)
	if v := m.View(); v != asked {
		t.Fatalf("the mouse while the decision waits:\n%s", v)
	}
	if rows, _ := m.core.Store.Latest(m.ctx.Base, store.Filter{Status: string(store.StateUnknown)}); len(rows) != 1 {
		t.Fatalf("%d messages of unknown outcome left, want 1", len(rows))
	}
}

// Settings: a click on a field focuses it and the list stays put; the
// wheel scrolls the list a line a notch; a click on Save saves as ctrl+s
// does, on Test tests; the question before leaving takes no click.
func TestSettingsMouse(t *testing.T) {
	m, content := fileModel(t)
	press(t, m, "alt+5")
	clickOn(t, m, "login")
	if !hasLine(m, "› login") {
		t.Fatalf("a click on login:\n%s", m.View())
	}
	clickOn(t, m, "[account]") // a section's title: nothing
	if !hasLine(m, "› login") {
		t.Fatalf("a click on a title moved the focus:\n%s", m.View())
	}
	_, y := where(t, m, "login")
	wheel(t, m, y, 2)
	if v := m.View(); !strings.Contains(v, "↑ more above: 3") || hasLine(m, "› login") || !strings.Contains(v, "account.login: login of") {
		t.Fatalf("two notches down: the list, with the focus kept off it:\n%s", v)
	}
	_, y = where(t, m, "sender ")
	clickOn(t, m, "sender ")
	press(t, m, "x") // typing moves nothing either
	if _, y2 := where(t, m, "› sender *"); y2 != y {
		t.Fatalf("the list moved under the click and the typing: sender from line %d to %d:\n%s", y, y2, m.View())
	}
	press(t, m, "backspace")
	wheel(t, m, y, 100)
	_, y = where(t, m, "path")
	clickOn(t, m, "path")
	if _, y2 := where(t, m, "› path"); y2 != y {
		t.Fatalf("the list moved under the click: path from line %d to %d:\n%s", y, y2, m.View())
	}
	clickOn(t, m, "↑ more above") // nothing
	if !hasLine(m, "› path") {
		t.Fatalf("a click on the mark above:\n%s", m.View())
	}
	wheel(t, m, y, -100)
	clickOn(t, m, "login")
	press(t, m, "ctrl+u", "acme")
	clickOn(t, m, "[ Save")
	data, _ := os.ReadFile(m.core.ConfigPath)
	if want := strings.Replace(content, `login = "demo"     # the shop's`, `login = "acme"     # the shop's`, 1); string(data) != want {
		t.Fatalf("a click on Save wrote:\n%s", data)
	}
	clickOn(t, m, "[ Test connection") // with what is typed: a login the simulator refuses
	if !strings.Contains(m.View(), "✗ Connection failed (json, acme)") {
		t.Fatalf("a click on Test:\n%s", m.View())
	}

	clickOn(t, m, "login")
	press(t, m, "x", "alt+1")
	asked := m.View()
	if !strings.Contains(asked, "s: save · d: discard") {
		t.Fatalf("no question:\n%s", asked)
	}
	clickOn(t, m, "s: save")
	clickOn(t, m, "[ Save")
	clickOn(t, m, "port")
	clickOn(t, m, "1 Compose") // the tab bar asks again: still no answer
	after, _ := os.ReadFile(m.core.ConfigPath)
	if m.Active() != TabSettings || m.View() != asked || string(after) != string(data) {
		t.Fatalf("clicks while asking: tab %d, saved %v:\n%s", m.Active(), string(after) != string(data), m.View())
	}
}
