package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/config"
)

// evil sets the terminal's title, clears it, writes the clipboard (OSC
// 52), sends a C1 CSI and reorders the line.
const evil = "\x1b]0;pwned\x07\x1b[2J\x1b]52;c;cGFzcw==\x07\u009b31m\x00\u202e"

// sgr is the program's own styling: colours and attributes.
var sgr = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// assertScreenSafe fails when a view holds a control other than the
// program's own styling and its line breaks.
func assertScreenSafe(t *testing.T, what, view string) {
	t.Helper()
	for i, r := range sgr.ReplaceAllString(view, "") {
		if sms.IsControl(r) && r != '\n' {
			t.Errorf("%s: %U at %d reaches the terminal:\n%q", what, r, i, view)
			return
		}
	}
}

// Every tab and view draws outside text (message texts, notes, agents,
// list cells and names, file names, sender names and settings from the
// config) safely, in colour, at 80x24 and 120x40.
func TestHostileTextIsDrawnSafely(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		a := newApp(t, "en")
		reconfigure(t, a, func(c *config.Config) {
			c.Account.Senders, c.Account.Login, c.Account.Agent = []string{"CMC", "Shop" + evil}, "login"+evil, "agent"+evil
		})
		ctx := context.Background()
		batch, err := a.Store.CreateBatch(ctx, "list"+evil, "agent"+evil, "json", 2)
		if err != nil {
			t.Fatal(err)
		}
		ids, err := a.Store.AddQueued(ctx, batch, "agent"+evil, "json", []sms.Message{
			{To: "375296717259", Text: "text" + evil + "\nline 2", Sender: "Shop" + evil},
			{To: "375291234567", Text: "not sent" + evil, Sender: "CMC"}})
		if err != nil {
			t.Fatal(err)
		}
		a.Store.MarkPending(ctx, ids)
		if err := a.Store.RecordResults(ctx, ids, []sms.Result{{Outcome: sms.OutcomeUnknown, Err: errors.New("reply" + evil)},
			{Outcome: sms.NotSent, Err: errors.New("no route" + evil)}}); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		// No NUL: a file name cannot hold one, and a list with one is
		// refused as binary.
		noNUL := strings.ReplaceAll(evil, "\x00", "")
		if err := os.WriteFile(filepath.Join(dir, "named"+noNUL+".csv"), []byte("phone\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		list := filepath.Join(dir, "list.csv")
		rows := "phone,name" + noNUL + ",text\n+375296717259,Ivan" + noNUL + ",Hello" + noNUL + "\n+37529" + noNUL + ",x,y\n" +
			strings.Repeat("+375291234567,Olga,Your order is ready for pickup\n", 100) // controls in one byte of 100: not binary
		os.WriteFile(list, []byte(rows), 0o600)

		r := lipgloss.NewRenderer(os.Stdout)
		r.SetColorProfile(termenv.TrueColor)
		m := New(a, r)
		m.SetClock(func() time.Time { return testNow })
		t.Cleanup(m.Close)
		m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		views := 0
		look := func(what string, shows ...string) {
			t.Helper()
			views++
			assertScreenSafe(t, what, m.View())
			for _, s := range shows {
				if !strings.Contains(m.View(), s) {
					t.Errorf("%s does not show %q:\n%s", what, s, m.View())
				}
			}
		}
		settle(t, m, m.Init())
		look("compose", "login␛]0;pwned")
		press(t, m, "esc", "alt+3")
		look("status list")
		press(t, m, "enter")
		look("message detail", "no route␛]0;pwned␇")
		press(t, m, "esc", "alt+2")
		look("batch tab", "list␛]0;pwned")
		press(t, m, "tab", list, "enter")
		look("batch report", "control character U+001B (ESC)")
		press(t, m, "tab", "tab")
		look("batch columns")
		press(t, m, "esc", "ctrl+o")
		look("file picker", "named␛]0;pwned")
		press(t, m, "esc", "alt+4")
		look("balance")
		press(t, m, "alt+5")
		look("settings")
		for range 4 {
			press(t, m, "tab")
			look("settings, a field focused")
		}
		press(t, m, "esc", "ctrl+t")
		look("settings, the connection tested", "json, login␛]0;pwned")
		if views != 14 {
			t.Fatalf("%d views looked at", views)
		}
	}
}
