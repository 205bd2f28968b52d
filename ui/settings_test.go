package ui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/ui/common"
)

// handFile is a config file as an agent writes it: comments, keys left
// out, agent "" for $USER. %[1]s is the simulator's URL, %[2]s the
// language.
const handFile = `# smsdash, written by hand
[ui]
lang = "%[2]s"   # the language at work

[account]
login = "demo"     # the shop's
password = "demo"
agent = ""         # $USER
senders = ["CMC", "Shop"]

[api]
send_plain_url = "%[1]s/api/v1/send_sms/plain"
status_plain_url = "%[1]s/api/v1/statuses/plain"
credits_plain_url = "%[1]s/api/v1/credits/plain"
xml_url = "%[1]s/api/v1/xml"
json_url = "%[1]s/api/v1/json"
`

// fileApp opens handFile in lang, in dir (on the DEMO simulator of
// another app, so nothing leaves the machine): not DEMO mode. The
// environment is pinned: USER anna, LANG Russian.
func fileApp(t *testing.T, lang, dir string) (a *app.App, content string) {
	t.Helper()
	for k, v := range map[string]string{"USER": "anna", "LANG": "ru_RU.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""} {
		t.Setenv(k, v)
	}
	demo := newApp(t, "en")
	path := filepath.Join(dir, "config.toml")
	content = fmt.Sprintf(handFile, demo.Sim.URL(), lang)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a, content
}

func fileModel(t *testing.T) (*Model, string) {
	t.Helper()
	a, content := fileApp(t, "en", t.TempDir())
	m := New(a, asciiRenderer())
	m.SetClock(func() time.Time { return testNow })
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return m, content
}

// line is the view's line that holds s, or "".
func line(view, s string) string {
	for _, l := range strings.Split(view, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// TestSettingsSaveKeepsFile: one key changed and saved changes that
// line of the file only; the old file is the backup, said so; the marks
// go.
func TestSettingsSaveKeepsFile(t *testing.T) {
	m, content := fileModel(t)
	path := m.core.ConfigPath
	press(t, m, "alt+5")
	focusSetting(t, m, "account.login")
	press(t, m, "ctrl+u", "acme")
	v := m.View()
	if !strings.Contains(v, "login *") || !strings.Contains(v, "* unsaved: 1") {
		t.Fatalf("no mark:\n%s", v)
	}
	press(t, m, "ctrl+s")
	v = m.View()
	data, _ := os.ReadFile(path)
	if want := strings.Replace(content, `login = "demo"     # the shop's`, `login = "acme"     # the shop's`, 1); string(data) != want {
		t.Errorf("file:\n%s\nwant:\n%s", data, want)
	}
	if old, err := os.ReadFile(path + ".bak"); err != nil || string(old) != content {
		t.Errorf("backup %q, %v", old, err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v", st.Mode(), err)
	}
	if flat := strings.Join(strings.Fields(v), " "); !strings.Contains(flat, "the previous file is "+path+".bak") {
		t.Errorf("the backup is not said:\n%s", v)
	}
	if strings.Contains(v, "login *") || strings.Contains(v, "unsaved") || m.core.Config().Account.Login != "acme" {
		t.Errorf("after the save:\n%s", v)
	}
	// Saving again with nothing changed writes nothing.
	press(t, m, "ctrl+s")
	if !strings.Contains(m.View(), "Nothing changed") {
		t.Errorf("nothing to save:\n%s", m.View())
	}
}

// TestSettingsSaveAfterMovedAside: with the file moved aside (ctrl+d), a
// save writes every value that is not a default, not only the one
// changed.
func TestSettingsSaveAfterMovedAside(t *testing.T) {
	m, _ := fileModel(t)
	path := m.core.ConfigPath
	press(t, m, "alt+5", "ctrl+d", "ctrl+d")
	if _, err := os.Stat(path); err == nil {
		t.Fatal("not moved aside")
	}
	focusSetting(t, m, "account.login")
	press(t, m, "ctrl+u", "acme", "ctrl+s")
	c, _, err := config.Load(path)
	if err != nil || c.Account.Login != "acme" || c.API.JSONURL != m.core.Config().API.JSONURL || !slices.Equal(c.Account.Senders, []string{"CMC", "Shop"}) {
		t.Errorf("the new file loads as %+v, %v", c, err)
	}
}

// TestSettingsUnsetStaysUnset: agent "" shows $USER's name and stays "";
// lang goes back to "as LANG says", which is saved as "" and applies.
func TestSettingsUnsetStaysUnset(t *testing.T) {
	m, content := fileModel(t)
	press(t, m, "alt+5")
	if l := line(m.View(), "agent"); !strings.Contains(l, "as $USER (anna)") {
		t.Errorf("agent: %q", l)
	}
	focusSetting(t, m, "ui.lang")
	press(t, m, "left", "left") // en → ru → as LANG
	if l := line(m.View(), "lang"); !strings.Contains(l, "‹ as LANG says (ru) ›") {
		t.Errorf("lang: %q", l)
	}
	press(t, m, "ctrl+s")
	data, _ := os.ReadFile(m.core.ConfigPath)
	if want := strings.Replace(content, `lang = "en"   #`, `lang = ""   #`, 1); string(data) != want {
		t.Errorf("file:\n%s", data)
	}
	if !strings.Contains(m.View(), "[5 Настройки]") || m.core.Config().Account.Agent != "anna" {
		t.Errorf("LANG does not apply:\n%s", m.View())
	}
}

// TestSettingsEnvPassword: the password SMSDASH_PASSWORD gives is shown
// as coming from there, cannot be typed over, and is not written.
func TestSettingsEnvPassword(t *testing.T) {
	t.Setenv("SMSDASH_PASSWORD", "env-secret-1")
	m, _ := fileModel(t)
	press(t, m, "alt+5")
	focusSetting(t, m, "account.password")
	v := m.View()
	if l := line(v, "password"); !strings.Contains(l, "from SMSDASH_PASSWORD") || !strings.Contains(v, "SMSDASH_PASSWORD gives it") {
		t.Errorf("password:\n%s", v)
	}
	press(t, m, "x", "backspace")
	if m.tabs[TabSettings].(interface{ Unsaved() bool }).Unsaved() {
		t.Error("the password was edited")
	}
	focusSetting(t, m, "account.login")
	press(t, m, "ctrl+u", "acme", "ctrl+s")
	data, _ := os.ReadFile(m.core.ConfigPath)
	if !strings.Contains(string(data), `password = "demo"`) || strings.Contains(string(data), "env-secret-1") || !strings.Contains(string(data), `login = "acme"`) {
		t.Errorf("file:\n%s", data)
	}
	if m.core.Config().Account.Password != "env-secret-1" {
		t.Error("the saved config lost SMSDASH_PASSWORD")
	}
}

// TestSettingsLeaveAsks: a tab key with edits asks; esc stays with the
// edits, d drops them and goes, s saves and goes.
func TestSettingsLeaveAsks(t *testing.T) {
	m, content := fileModel(t)
	press(t, m, "alt+5")
	focusSetting(t, m, "account.login")
	press(t, m, "x", "alt+1")
	if m.Active() != TabSettings || !strings.Contains(m.View(), "Settings changed and not saved: 1. s: save · d: discard · esc: back") {
		t.Fatalf("no question:\n%s", m.View())
	}
	if h := m.helpView(); !strings.Contains(h, "s save") || strings.Contains(h, "tab next") {
		t.Errorf("help while asking: %q", h)
	}
	press(t, m, "esc")
	if m.Active() != TabSettings || strings.Contains(m.View(), "d: discard") || !strings.Contains(m.View(), "login *") {
		t.Fatalf("esc:\n%s", m.View())
	}
	press(t, m, "alt+2", "d")
	if m.Active() != TabBatch {
		t.Fatalf("d did not go on: tab %d", m.Active())
	}
	press(t, m, "alt+5")
	if l := line(m.View(), "login"); strings.Contains(l, "*") || !strings.Contains(l, "demo") || strings.Contains(l, "demox") {
		t.Errorf("d kept the edit: %q", l)
	}
	focusSetting(t, m, "account.login")
	press(t, m, "ctrl+u", "acme", "alt+3", "s")
	data, _ := os.ReadFile(m.core.ConfigPath)
	if m.Active() != TabStatus || string(data) != strings.Replace(content, `"demo"     #`, `"acme"     #`, 1) {
		t.Errorf("s: tab %d, file:\n%s", m.Active(), data)
	}
	// Saving refused (a bad value) stays, with the reason.
	press(t, m, "alt+5")
	focusSetting(t, m, "api.batch_size")
	press(t, m, "ctrl+u", "0", "alt+1", "s")
	if m.Active() != TabSettings || !strings.Contains(m.View(), "Not saved: 1 key needs fixing: api.batch_size") {
		t.Errorf("a refused save left:\n%s", m.View())
	}
}

// quits follows what a key sets off, message by message, and says
// whether it ends in tea.Quit.
func quits(t *testing.T, m *Model, k string) bool {
	t.Helper()
	_, cmd := m.Update(keyMsg(k))
	for range 10 {
		if cmd == nil {
			return false
		}
		msg := cmd()
		if _, ok := msg.(tea.QuitMsg); ok {
			return true
		}
		_, cmd = m.Update(msg)
	}
	return false
}

// TestSettingsQuitAsks: quitting from any tab with edits in Settings
// asks there first; d quits.
func TestSettingsQuitAsks(t *testing.T) {
	m := newModel(t, "en")
	press(t, m, "alt+5")
	focusSetting(t, m, "account.login")
	press(t, m, "x", "esc")
	m.setTab(TabCompose) // as a program switched before the edit; keys would ask
	if quits(t, m, "ctrl+c") {
		t.Fatal("quit with edits not saved")
	}
	if m.Active() != TabSettings || !strings.Contains(m.View(), "d: discard") {
		t.Fatalf("no question:\n%s", m.View())
	}
	if quits(t, m, "ctrl+c") {
		t.Fatal("a second quit key went past the question")
	}
	if !quits(t, m, "d") {
		t.Error("d did not quit")
	}
	if !quits(t, newModel(t, "en"), "ctrl+c") {
		t.Error("no edits: ctrl+c must quit at once")
	}
}

// TestSettingsNotes: the ✓ line under a field is gone; a test's outcome
// goes once a field changes.
func TestSettingsNotes(t *testing.T) {
	m := newModel(t, "en")
	press(t, m, "alt+5", "ctrl+t")
	if !strings.Contains(m.View(), "✓ Connection works") {
		t.Fatalf("test:\n%s", m.View())
	}
	focusSetting(t, m, "account.login")
	if strings.Contains(m.View(), "✓ account.login") {
		t.Errorf("a ✓ line:\n%s", m.View())
	}
	press(t, m, "x")
	if strings.Contains(m.View(), "Connection works") {
		t.Errorf("the old test stays:\n%s", m.View())
	}
}

// TestSettingsLongValue: a value longer than its column shows its start,
// cut at the end with …; the focused one shows the cursor's end.
func TestSettingsLongValue(t *testing.T) {
	m := newModel(t, "en")
	long := "https://userarea.sms-assistent.by/a/long/path/that/is/wider/than/the/column"
	press(t, m, "alt+5")
	focusSetting(t, m, "account.login")
	press(t, m, "ctrl+u", long)
	if l := line(m.View(), "login"); !strings.Contains(l, "the/column") {
		t.Errorf("focused: %q", l)
	}
	press(t, m, "tab")
	if l := line(m.View(), "login"); !strings.Contains(l, "login *               https://userarea.sms-assistent.by/") || !strings.HasSuffix(l, "…") {
		t.Errorf("unfocused: %q", l)
	}
}

// TestSettingsSenders: senders are checked by Compose's rule; a sender
// not in senders is allowed.
func TestSettingsSenders(t *testing.T) {
	m := newModel(t, "en")
	press(t, m, "alt+5")
	focusSetting(t, m, "account.senders")
	press(t, m, "ctrl+u", "CMC, Магазин")
	want := "✗ account.senders: " + common.ErrText(sms.ValidateSender("Магазин"), sms.EN)
	if l := line(m.View(), "✗ account.senders"); !strings.HasPrefix(want, strings.TrimSuffix(l, "…")) || len(l) < 40 {
		t.Errorf("senders: %q\nwant %q", l, want)
	}
	press(t, m, "ctrl+u", "CMC")
	focusSetting(t, m, "account.sender")
	press(t, m, "ctrl+u", "Shop")
	if v := m.View(); strings.Contains(v, "✗") || strings.Contains(v, "!") {
		t.Errorf("a sender not in senders:\n%s", v)
	}
}

// TestSettingsScroll: marks say what is above and below; the last
// sections are reachable.
func TestSettingsScroll(t *testing.T) {
	m := newModel(t, "en")
	press(t, m, "alt+5")
	if v := m.View(); !strings.Contains(v, "↓ more below: 20, [smpp] [tracker] [ui] [store]") || strings.Contains(v, "↑") {
		t.Errorf("top:\n%s", v)
	}
	focusSetting(t, m, "store.password")
	v := m.View()
	if !strings.Contains(v, "↑ more above:") || strings.Contains(v, "↓") || !strings.Contains(v, "› password") || !strings.Contains(v, "[tracker]") {
		t.Errorf("bottom:\n%s", v)
	}
}

// TestGoldenSettings draws the Settings views that changed, in both
// languages at 80x24 through a running program.
func TestGoldenSettings(t *testing.T) {
	long := []string{"tab", "ctrl+u", "acme-" + strings.Repeat("long-login-", 6), "tab"}
	views := []struct {
		name string
		file bool
		keys map[string][]string
		wait string
	}{
		{"edited", false, map[string][]string{"en": long, "ru": long}, "*"},
		{"leave", false, map[string][]string{"en": append(long, "alt+1"), "ru": append(long, "alt+1")}, "d:"},
		{"bottom", false, map[string][]string{"en": {"shift+tab", "shift+tab", "shift+tab"}, "ru": {"shift+tab", "shift+tab", "shift+tab"}}, "↑"},
		// ui.lang under LANG=ru: "en" set → as LANG; "ru" is what LANG says already.
		{"lang", false, map[string][]string{"en": {"shift+tab", "shift+tab", "shift+tab", "shift+tab", "shift+tab", "shift+tab", "shift+tab", "shift+tab", "right"}, "ru": {"shift+tab", "shift+tab", "shift+tab", "shift+tab", "shift+tab", "shift+tab", "shift+tab", "shift+tab"}}, "(ru) ›"},
		{"saved", true, map[string][]string{"en": {"tab", "ctrl+u", "acme", "ctrl+s"}, "ru": {"tab", "ctrl+u", "acme", "ctrl+s"}}, ".bak"},
	}
	for _, lang := range []string{"en", "ru"} {
		for _, view := range views {
			t.Run(lang+"/"+view.name, func(t *testing.T) {
				t.Setenv("SMSDASH_PASSWORD", "env-secret-1")
				var a *app.App
				here, _ := os.Getwd() // the goldens are under it
				if view.file {
					// A relative path: the note that names it wraps the same in any directory.
					t.Chdir(t.TempDir())
					a, _ = fileApp(t, lang, ".")
				} else {
					for k, v := range map[string]string{"LANG": "ru_RU.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""} {
						t.Setenv(k, v)
					}
					a = newApp(t, lang)
					a.ConfigPath = "/home/agent/.config/smsdash/config.toml"
				}
				seed(t, a)
				m := New(a, asciiRenderer())
				m.SetClock(func() time.Time { return testNow })
				t.Cleanup(m.Close)
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
				for _, k := range append([]string{"alt+5"}, view.keys[lang]...) {
					tm.Send(keyMsg(k))
				}
				teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
					return bytes.Contains(b, []byte(view.wait)) && bytes.Contains(b, []byte("90.00"))
				}, teatest.WithDuration(10*time.Second))
				if err := tm.Quit(); err != nil {
					t.Fatal(err)
				}
				final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
				if err := os.Chdir(here); err != nil {
					t.Fatal(err)
				}
				teatest.RequireEqualOutput(t, scrub(final.View()))
			})
		}
	}
}
