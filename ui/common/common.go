// Package common is what the dashboard's tabs share: the program context,
// the Component interface, the messages that cross tabs, and a few
// drawing helpers.
package common

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/tracker"
	"github.com/smsdash/smsdash/ui/i18n"
	"github.com/smsdash/smsdash/ui/theme"
)

// Context is one session's state, passed to every tab instead of
// globals (the same UI runs in several SSH sessions at once, over one
// core: each tab gets the part of the core it needs on its own). It is
// only changed from Update, on the program's goroutine.
type Context struct {
	// Session is who is at this program: its agent, role, files and
	// language (Lang, kept by SetLang).
	Session app.Session
	T       *i18n.Texts   // the texts in the session's language
	S       *theme.Styles // built from this program's renderer
	Now     func() time.Time
	Base    context.Context // ends when the program does
}

// Lang is the language of the texts.
func (c *Context) Lang() sms.Lang { return c.Session.Lang }

// SetLang switches every text of this session to lang; the config and
// the other sessions keep theirs.
func (c *Context) SetLang(lang sms.Lang) {
	c.Session.Lang = lang
	c.T = i18n.For(lang)
}

// Component is one tab. Components are pointers that change in place,
// so Update returns only the command.
type Component interface {
	help.KeyMap
	Init() tea.Cmd
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
	// Capturing reports that a text field has focus: plain keys (1-5, q,
	// ?) are typed into it rather than switching tabs or quitting.
	Capturing() bool
}

// Messages that cross tabs. Every message other than a key press reaches
// every tab; each ignores what is not its own.
type (
	// Event is what the tracker published since the last one.
	Event struct{ tracker.Event }
	// Sent reports a send from Compose: the new messages' local ids.
	Sent struct{ IDs []int64 }
	// ConfigSaved reports that this session saved the configuration, as
	// the file now says; Err: it is in place but its transport could not
	// be set up.
	ConfigSaved struct {
		Config *config.Config
		Err    error
	}
	// ConfigChanged reports a new configuration put to work, by this
	// session or another (the core's Config gives it).
	ConfigChanged struct{}
	// Copy asks the root to put text on the clipboard (OSC 52).
	Copy struct{ Text string }
	// ShowBatch asks for the Status tab, showing one batch's messages.
	ShowBatch struct{ ID int64 }
	// StopSend asks a send under way to stop after the package in
	// flight: asking the agent first (a quit key) or not (a signal);
	// Quit ends the program once the send has ended.
	StopSend struct{ Ask, Quit bool }
	// AbortSend cuts a send under way, then quits (a second signal).
	AbortSend struct{}
	// Mouse is a mouse event inside the active tab, which alone gets it:
	// Y counts from the tab's first line, so a tab maps it to its rows
	// with the Hits its last view recorded.
	Mouse struct{ tea.MouseMsg }
	// AskLeave asks a tab with unsaved edits (one that has an Unsaved()
	// bool method saying so) before the root goes to tab To or quits; the
	// tab answers Leave, with the same fields, once it may.
	AskLeave struct {
		To   int
		Quit bool
	}
	// Leave lets the root go on with what AskLeave asked.
	Leave AskLeave
)

// Hits maps the lines of a tab's last view, and where a line holds
// several things the columns of each, to what a click there chooses (a
// field, a row, a button). The view records them as it draws, so the
// map never disagrees with the screen.
type Hits struct{ at map[int][]hit }

// hit is a target on columns [from, to) of a line.
type hit struct{ from, to, target int }

// Reset forgets the last view's lines: a view calls it first.
func (h *Hits) Reset() { clear(h.at) }

// Mark records that line shows target, all of it.
func (h *Hits) Mark(line, target int) { h.mark(line, 0, math.MaxInt, target) }

func (h *Hits) mark(line, from, to, target int) {
	if h.at == nil {
		h.at = map[int][]hit{}
	}
	h.at[line] = append(h.at[line], hit{from, to, target})
}

// Place records the marks of a block drawn on its own (its lines
// counted from 0), now that the block's first line is known to be line.
func (h *Hits) Place(block Hits, line int) {
	for l, hits := range block.at {
		for _, t := range hits {
			h.mark(line+l, t.from, t.to, t.target)
		}
	}
}

// Part is a piece of a line and what a click on it chooses; NoHit
// chooses nothing.
type Part struct {
	Text   string
	Target int
}

// NoHit is the target of a part that a click does nothing on.
const NoHit = -1

// Join draws line from parts, left to right, and records the columns
// each covers.
func (h *Hits) Join(line int, parts ...Part) string {
	var b strings.Builder
	x := 0
	for _, p := range parts {
		w := ansi.StringWidth(p.Text)
		if p.Target != NoHit {
			h.mark(line, x, x+w, p.Target)
		}
		b.WriteString(p.Text)
		x += w
	}
	return b.String()
}

// Parts is the text of parts, as Join draws it (to measure it first).
func Parts(parts []Part) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

// Keep forgets the lines from n on: the view cut them off.
func (h *Hits) Keep(n int) {
	for line := range h.at {
		if line >= n {
			delete(h.at, line)
		}
	}
}

// At is what the mouse points at, if anything.
func (h *Hits) At(m Mouse) (int, bool) {
	for _, t := range h.at[m.Y] {
		if m.X >= t.from && m.X < t.to {
			return t.target, true
		}
	}
	return 0, false
}

// Click reports a press of the left button.
func (m Mouse) Click() bool {
	return m.Action == tea.MouseActionPress && m.Button == tea.MouseButtonLeft
}

// Wheel is -1 for the wheel turned up, 1 for down, 0 for anything else.
func (m Mouse) Wheel() int {
	switch {
	case m.Action != tea.MouseActionPress:
		return 0
	case m.Button == tea.MouseButtonWheelUp:
		return -1
	case m.Button == tea.MouseButtonWheelDown:
		return 1
	}
	return 0
}

// NoFocus is a form's focus when no item has it (after esc): plain keys
// work again.
const NoFocus = -1

// Step moves a form's focus by d (±1) over n items, round; from no focus
// it starts at the first or the last.
func Step(focus, d, n int) int {
	switch {
	case n == 0:
		return NoFocus
	case focus < 0 && d > 0:
		return 0
	case focus < 0:
		return n - 1
	}
	return (focus + d + n) % n
}

// Cmd wraps a message as a command.
func Cmd(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// ErrText says what went wrong in the agent's language, with what to do
// (sms.ErrText). Errors carry outside text (a cell, a reply), so the text
// is made safe here, where every error on the screen passes.
func ErrText(err error, l sms.Lang) string { return sms.SafeLines(sms.ErrText(err, l)) }

// CodeText is a gateway code with its text and, if any, its hint.
func CodeText(c sms.Code, l sms.Lang) string { return c.Explain(l) }

// Fit cuts every line of s to width cells and pads or cuts s to exactly
// height lines, so a tab never pushes the frame around.
func Fit(s string, width, height int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:max(height, 0)]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, "…")
		}
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// Trunc cuts one line to width cells with an ellipsis.
func Trunc(s string, width int) string {
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, max(width, 0), "…")
}

// Pad pads s with spaces to width cells (cutting it if longer).
func Pad(s string, width int) string {
	w := ansi.StringWidth(s)
	if w > width {
		return ansi.Truncate(s, width, "…")
	}
	return s + strings.Repeat(" ", width-w)
}

// FormKeys are the keys every form has, the same everywhere: the next
// and the previous field, and esc to leave the field.
type FormKeys struct{ Next, Prev, Esc key.Binding }

func (c *Context) FormKeys() FormKeys {
	t := c.T
	return FormKeys{
		Next: key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", t.NextField)),
		Prev: key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", t.PrevField)),
		Esc:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", t.StopTyping)),
	}
}

// Label draws a form field's label in a column of width cells, marked
// "›" (not only coloured) when the field has focus.
func (c *Context) Label(text string, focused bool, width int) string {
	if focused {
		return c.S.Focused.Render(Pad("› "+text, width))
	}
	return c.S.Label.Render(Pad("  "+text, width))
}

// Minsk formats t in Minsk time, the zone agents and the gateway use.
func Minsk(t time.Time, layout string) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(sms.Minsk).Format(layout)
}

// Ago says how long ago then was, roughly.
func Ago(t *i18n.Texts, then, now time.Time) string {
	d := now.Sub(then)
	if d < 5*time.Second {
		return t.JustNow
	}
	return fmt.Sprintf(t.Ago, Dur(t, d))
}

// Dur says a duration roughly, in its largest unit.
func Dur(t *i18n.Texts, d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf(t.Seconds, int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf(t.Minutes, int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf(t.Hours, int(d/time.Hour))
	}
	return fmt.Sprintf(t.Days, int(d/(24*time.Hour)))
}

// Wrap breaks text into lines of at most width cells, at spaces where it
// can.
func Wrap(text string, width int) string { return ansi.Wrap(text, max(width, 1), "") }

// Message draws a text that may be long (an error, a hint, what to do)
// in st, wrapped into lines of width cells: the one way a tab draws
// one, since Fit would cut a long line at the edge of the screen.
func Message(st lipgloss.Style, text string, width int) string {
	return Lines(st, Wrap(text, width))
}

// Beside puts a message after line (a button) when both fit in width,
// else wraps it on the lines below, as far in as line.
func Beside(line string, st lipgloss.Style, text string, width int) string {
	switch {
	case text == "":
		return line
	case ansi.StringWidth(line)+2+ansi.StringWidth(text) <= width:
		return line + "  " + st.Render(text)
	}
	in := strings.Repeat(" ", len(line)-len(strings.TrimLeft(line, " ")))
	below := strings.Split(Message(st, text, width-len(in)), "\n")
	return line + "\n" + in + strings.Join(below, "\n"+in)
}

// Lines styles each line of text on its own (lipgloss would pad a block
// to its widest line).
func Lines(st lipgloss.Style, text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = st.Render(l)
	}
	return strings.Join(lines, "\n")
}

// Memo keeps the last value of what is made at every frame but changes
// seldom (the help bar, the tab labels, the key bindings): lipgloss's
// Render is most of a frame's cost when fifty sessions redraw at once.
// The value is made again only when its key, what it hangs on, changes.
type Memo[K comparable, V any] struct {
	key  K
	view V
	ok   bool
}

// Get is the value for key, made by draw when key is not the last one.
func (m *Memo[K, V]) Get(key K, draw func() V) V {
	if !m.ok || m.key != key {
		m.key, m.view, m.ok = key, draw(), true
	}
	return m.view
}
