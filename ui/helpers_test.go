package ui

import (
	"bytes"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/config"
)

// testNow is the fixed clock of the tests: 2026-11-24 15:00 in Minsk.
var testNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// newApp opens DEMO mode (the in-process simulator on 127.0.0.1) with
// every XDG directory in a temporary one.
func newApp(tb testing.TB, lang string) *app.App {
	tb.Helper()
	dir := tb.TempDir()
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"} {
		tb.Setenv(k, filepath.Join(dir, k))
	}
	a, err := app.Open("")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(a.Close)
	reconfigure(tb, a, func(c *config.Config) { c.UI.Lang, c.Account.Agent = lang, "agent" })
	return a
}

// reconfigure puts to work a's config as change leaves it, as an admin's
// save does.
func reconfigure(tb testing.TB, a *app.App, change func(*config.Config)) {
	tb.Helper()
	c := *a.Config()
	c.Account.Senders = slices.Clone(c.Account.Senders)
	change(&c)
	if err := a.Apply(&c); err != nil {
		tb.Fatal(err)
	}
}

// New builds the dashboard of the local terminal over a (app.Local),
// drawing with r.
func New(a *app.App, r *lipgloss.Renderer) *Model { return NewSession(a, app.Local(), r) }

// asciiRenderer draws without colour, as under NO_COLOR.
func asciiRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return r
}

// newModel is the dashboard at 80x24 on a fixed clock.
func newModel(tb testing.TB, lang string) *Model {
	tb.Helper()
	m := New(newApp(tb, lang), asciiRenderer())
	m.SetClock(func() time.Time { return testNow })
	tb.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return m
}

// settle runs cmd and feeds what it returns back into the model, until
// nothing is left. The commands of one round run at once; one still
// running after a second (the wait for the tracker's stream, a tick) is
// dropped.
func settle(tb testing.TB, m *Model, cmd tea.Cmd) {
	tb.Helper()
	round := []tea.Cmd{cmd}
	for len(round) > 0 {
		results := make([]chan tea.Msg, len(round))
		for i, c := range round {
			results[i] = make(chan tea.Msg, 1)
			if c == nil {
				results[i] <- nil
				continue
			}
			go func() { results[i] <- c() }()
		}
		deadline := make(chan struct{})
		time.AfterFunc(time.Second, func() { close(deadline) })
		var next []tea.Cmd
		for _, r := range results {
			var msg tea.Msg
			select {
			case msg = <-r: // ready: taken even after the deadline
			default:
				select {
				case msg = <-r:
				case <-deadline:
					continue
				}
			}
			switch msg := msg.(type) {
			case nil, tea.QuitMsg:
			case tea.BatchMsg:
				next = append(next, msg...)
			default:
				_, c := m.Update(msg)
				next = append(next, c)
			}
		}
		round = next
	}
}

// press sends keys: a name ("ctrl+s", "tab", "alt+3"), text typed as
// one message, as a terminal delivers Cyrillic, or "paste:" and the text
// of a bracketed paste.
func press(tb testing.TB, m *Model, keys ...string) {
	tb.Helper()
	for _, k := range keys {
		_, cmd := m.Update(keyMsg(k))
		settle(tb, m, cmd)
	}
}

func keyMsg(k string) tea.KeyMsg {
	named := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab, "esc": tea.KeyEsc,
		"ctrl+s": tea.KeyCtrlS, "ctrl+c": tea.KeyCtrlC, "ctrl+t": tea.KeyCtrlT, "ctrl+r": tea.KeyCtrlR,
		"ctrl+u": tea.KeyCtrlU, "up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"backspace": tea.KeyBackspace, "space": tea.KeySpace,
	}
	if t, ok := named[k]; ok {
		return tea.KeyMsg{Type: t}
	}
	if text, ok := strings.CutPrefix(k, "paste:"); ok { // a bracketed paste
		return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(text), Paste: true}
	}
	if len(k) == 5 && k[:4] == "alt+" {
		return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k[4:]), Alt: true}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// syncBuffer is a bytes.Buffer for a writer and a reader on two
// goroutines.
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
