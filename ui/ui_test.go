package ui

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	batchpkg "github.com/smsdash/smsdash/sms/batch"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/store"
	"github.com/smsdash/smsdash/ui/common"
)

// helpLine is the frame's last line: the short help.
func helpLine(m *Model) string {
	lines := strings.Split(m.View(), "\n")
	return lines[len(lines)-1]
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func TestTabKeys(t *testing.T) {
	m := newModel(t, "en")
	press(t, m, "3") // Compose starts in the To field: typed, not a tab switch
	if m.Active() != TabCompose || !strings.Contains(m.View(), "3▏") {
		t.Fatalf("3 while typing: tab %d\n%s", m.Active(), m.View())
	}
	press(t, m, "alt+3") // alt+N works from anywhere
	if m.Active() != TabStatus {
		t.Fatalf("alt+3: tab %d", m.Active())
	}
	for _, tc := range []struct {
		key  string
		want int
	}{{"4", TabBalance}, {"2", TabBatch}, {"5", TabSettings}, {"3", TabStatus}, {"1", TabCompose}} {
		press(t, m, tc.key)
		if m.Active() != tc.want {
			t.Errorf("%s: tab %d, want %d", tc.key, m.Active(), tc.want)
		}
	}
	press(t, m, "esc", "4") // out of the field, plain keys switch again
	if m.Active() != TabBalance {
		t.Errorf("esc, 4: tab %d", m.Active())
	}
}

func TestQuitKeys(t *testing.T) {
	m := newModel(t, "en")
	_, cmd := m.Update(keyMsg("q"))
	if isQuit(cmd) || !strings.Contains(m.View(), "q▏") {
		t.Fatalf("q while typing must go into the field:\n%s", m.View())
	}
	if _, cmd := m.Update(keyMsg("ctrl+c")); !isQuit(cmd) {
		t.Error("ctrl+c must quit while typing")
	}
	press(t, m, "esc")
	if _, cmd := m.Update(keyMsg("q")); !isQuit(cmd) {
		t.Error("q must quit when no field has focus")
	}
}

func TestHelpShowsWorkingKeys(t *testing.T) {
	m := newModel(t, "en")
	h := helpLine(m)
	for _, want := range []string{"ctrl+s send", "esc leave field", "alt+1…5 tabs"} {
		if !strings.Contains(h, want) {
			t.Errorf("typing: help lacks %q: %s", want, h)
		}
	}
	if strings.Contains(h, "q quit") || strings.Contains(h, "? more") {
		t.Errorf("typing: help offers keys that type: %s", h)
	}
	press(t, m, "esc")
	h = helpLine(m)
	if !strings.Contains(h, "? more") || !strings.Contains(h, "q quit") || strings.Contains(h, "esc") || strings.Contains(h, "alt+") {
		t.Errorf("not typing: %s", h)
	}
	press(t, m, "3")
	if h := helpLine(m); !strings.Contains(h, "r reload") || strings.Contains(h, "details") || strings.Contains(h, "copy") {
		t.Errorf("empty Status: %s", h)
	}
	press(t, m, "?")
	if v := m.View(); !strings.Contains(v, "alt+1…5") || !strings.Contains(v, "ctrl+c") {
		t.Errorf("? shows the full list:\n%s", v)
	}
}

func TestComposeSend(t *testing.T) {
	m := newModel(t, "en")
	settle(t, m, m.Init())
	press(t, m, "8(029)671-72-59", "tab", "tab", "Привет из теста", "enter") // enter: a new line, not a send
	if rows, _ := m.core.Store.Latest(m.ctx.Base, store.Filter{}); len(rows) != 0 {
		t.Fatal("enter sent the message")
	}
	press(t, m, "ctrl+s")
	v := m.View()
	if !strings.Contains(v, "375296717259  accepted  gateway id 3000000001") {
		t.Fatalf("no result:\n%s", v)
	}
	if !strings.Contains(v, "numbers separated by commas") {
		t.Errorf("the draft stays after a send that every number accepted:\n%s", v)
	}
	press(t, m, "alt+3")
	if v := m.View(); !strings.Contains(v, "375296717259") || !strings.Contains(v, "Привет из теста") {
		t.Errorf("Status lacks the message:\n%s", v)
	}
}

func TestComposeRefusedKeepsDraft(t *testing.T) {
	m := newModel(t, "en")
	reconfigure(t, m.core, func(c *config.Config) { c.Account.Senders = []string{"CMC", "Shop"} }) // the simulator knows only CMC
	m.Update(common.ConfigChanged{})
	press(t, m, "8(029)671-72-59", "tab", "right", "tab", "Hello", "ctrl+s")
	v := m.View()
	if !strings.Contains(v, "refused  code -5 bad sender name") {
		t.Fatalf("no refusal:\n%s", v)
	}
	if !strings.Contains(v, "8(029)671-72-59") || !strings.Contains(v, "Hello") {
		t.Errorf("the draft is lost:\n%s", v)
	}
}

func TestComposeRejectedNumber(t *testing.T) {
	m := newModel(t, "en")
	press(t, m, "29671725, 8(029)671-72-59")
	v := m.View()
	if !strings.Contains(v, "✓ 375296717259") || !strings.Contains(v, `✗ phone "29671725": 8 digits where a mobile number has 9`) {
		t.Fatalf("no reason:\n%s", v)
	}
	press(t, m, "tab", "tab", "Hello", "ctrl+s")
	if rows, _ := m.core.Store.Latest(m.ctx.Base, store.Filter{}); len(rows) != 0 {
		t.Error("sent with a rejected number")
	}
	// Too long to stand beside the button: under it, whole.
	if v := m.View(); !strings.Contains(v, "[ Send  ctrl+s ]\n"+strings.Repeat(" ", 12)+`phone "29671725": 8 digits`) ||
		!strings.Contains(strings.Join(strings.Fields(v), " "), `phone "29671725": 8 digits where a mobile number has 9 after 375 or 80: operator code and 7 digits`) {
		t.Errorf("no whole reason under the button:\n%s", v)
	}
}

func TestComposeScheduleRule(t *testing.T) {
	m := newModel(t, "en") // 15:00 in Minsk
	press(t, m, "tab", "tab", "tab", "2026-11-24 15:09")
	if v := m.View(); !strings.Contains(v, "less than 10 minutes from now: the") || !strings.Contains(v, "earliest is 2026-11-24 15:10 Minsk time") {
		t.Errorf("9 minutes ahead:\n%s", v)
	}
	press(t, m, "ctrl+u", "2026-11-24 15:10")
	if v := m.View(); !strings.Contains(v, "✓ 2026-11-24 15:10 Minsk time, in 10 min") {
		t.Errorf("10 minutes ahead:\n%s", v)
	}
	press(t, m, "ctrl+u", "24.11.2026 15:30")
	if v := m.View(); !strings.Contains(v, "expected YYYY-MM-DD HH:MM") {
		t.Errorf("bad form:\n%s", v)
	}
}

func TestComposeCounter(t *testing.T) {
	m := newModel(t, "ru")
	press(t, m, "tab", "tab", strings.Repeat("я", 71))
	if v := m.View(); !strings.Contains(v, "71 символ · кириллица: 67 в SMS · частей: 2 · в последней осталось\n") {
		t.Errorf("counter:\n%s", v)
	}
}

// focusSetting moves the Settings focus to the key named.
func focusSetting(t *testing.T, m *Model, key string) {
	t.Helper()
	for range 30 {
		if strings.Contains(m.View(), "\n"+key+": ") {
			return
		}
		press(t, m, "tab")
	}
	t.Fatalf("no field %s", key)
}

func TestSettingsValidation(t *testing.T) {
	m := newModel(t, "en")
	press(t, m, "alt+5")
	focusSetting(t, m, "tracker.poll_interval")
	press(t, m, "ctrl+u", "0s")
	if v := m.View(); !strings.Contains(v, "✗ tracker.poll_interval: 0s is below the minimum of 1s") {
		t.Errorf("poll interval:\n%s", v)
	}
	press(t, m, "ctrl+u", "soon")
	if v := m.View(); !strings.Contains(v, `✗ tracker.poll_interval: "soon" is not a duration`) {
		t.Errorf("not a duration:\n%s", v)
	}
	press(t, m, "ctrl+s")
	if v := m.View(); !strings.Contains(v, "Not saved: 1 key needs fixing: tracker.poll_interval") {
		t.Errorf("saved an invalid config:\n%s", v)
	}
	if _, err := os.Stat(m.core.ConfigPath); err == nil {
		t.Error("a file was written")
	}
}

// The same checks in Russian: the problems come from config.Validate in
// the dashboard's language.
func TestSettingsValidationRU(t *testing.T) {
	m := newModel(t, "ru")
	press(t, m, "alt+5")
	focusSetting(t, m, "api.send_plain_url")
	press(t, m, "ctrl+u", "ftp://x")
	if v := m.View(); !strings.Contains(v, `✗ api.send_plain_url: "ftp://x": нужен полный адрес http:// или https://`) {
		t.Errorf("URL:\n%s", v)
	}
	focusSetting(t, m, "tracker.poll_interval")
	press(t, m, "ctrl+u", "0s")
	if v := m.View(); !strings.Contains(v, "✗ tracker.poll_interval: 0s меньше минимума 1s") {
		t.Errorf("poll interval:\n%s", v)
	}
}

func TestShowBatchOpensStatus(t *testing.T) {
	m := newModel(t, "en")
	m.Update(common.ShowBatch{ID: 5})
	if m.Active() != TabStatus {
		t.Fatalf("tab %d, want Status", m.Active())
	}
	if v := m.View(); !strings.Contains(v, "Batch: #5") {
		t.Errorf("the Status tab does not show the batch filter:\n%s", v)
	}
}

func TestSettingsTestConnection(t *testing.T) {
	m := newModel(t, "en")
	press(t, m, "alt+5", "ctrl+t")
	if v := m.View(); !strings.Contains(v, "✓ Connection works (json, demo): balance 100.00") {
		t.Fatalf("test:\n%s", v)
	}
	focusSetting(t, m, "account.password")
	press(t, m, "ctrl+u", "hunter22", "ctrl+t")
	v := m.View()
	if !strings.Contains(v, "✗ Connection failed (json, demo): -2 wrong login or password") {
		t.Errorf("a wrong password:\n%s", v)
	}
	if strings.Contains(v, "hunter22") {
		t.Error("the password is on the screen")
	}
}

func TestSettingsSaveLeavesDemo(t *testing.T) {
	m := newModel(t, "en")
	press(t, m, "alt+5", "ctrl+s")
	if v := m.View(); !strings.Contains(v, "the URLs point at the DEMO simulator") {
		t.Fatalf("saved the simulator's URLs:\n%s", v)
	}
	press(t, m, "ctrl+r", "acme", "tab", "s3cret-pass")
	focusSetting(t, m, "ui.lang")
	press(t, m, "right", "ctrl+s")
	v := m.View()
	if !strings.Contains(v, "Сохранено в") || !strings.Contains(v, "Перезапустите smsdash") || !strings.Contains(v, "[5 Настройки]") {
		t.Fatalf("not saved, or the language did not switch:\n%s", v)
	}
	st, err := os.Stat(m.core.ConfigPath)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("config file: %v, %v", st, err)
	}
	// A new file holds what differs from the defaults only.
	data, _ := os.ReadFile(m.core.ConfigPath)
	for _, want := range []string{`login = "acme"`, `lang = "ru"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the file lacks %s:\n%s", want, data)
		}
	}
	if strings.Contains(string(data), "127.0.0.1") || strings.Contains(string(data), "_url") {
		t.Errorf("the file holds URLs:\n%s", data)
	}
	if c, _, err := config.Load(m.core.ConfigPath); err != nil || c.API.JSONURL != "https://userarea.sms-assistent.by/api/v1/json" {
		t.Errorf("the file loads as %v, %v", c, err)
	}
	if a := m.core; !a.Demo || a.Config().Account.Login != "demo" {
		t.Error("DEMO must go on until a restart")
	}
}

func TestFitsIn80x24(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		m := newModel(t, lang)
		settle(t, m, m.Init())
		press(t, m, "8(029)671-72-59, 29671725, 33 12", "tab", "tab", strings.Repeat("Длинный текст сообщения ", 20), "tab", "2026-11-24 15:01", "ctrl+s")
		for _, full := range []bool{false, true} {
			for tab := range 5 {
				m.setTab(tab)
				m.help.ShowAll = full
				m.resize()
				lines := strings.Split(m.View(), "\n")
				if len(lines) != 24 {
					t.Errorf("%s tab %d full help %v: %d lines", lang, tab+1, full, len(lines))
				}
				for _, l := range lines {
					if w := ansi.StringWidth(l); w > 80 {
						t.Errorf("%s tab %d: a line of %d cells: %q", lang, tab+1, w, l)
					}
				}
			}
		}
	}
}

func TestResize(t *testing.T) {
	m := newModel(t, "en")
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	if lines := strings.Split(m.View(), "\n"); len(lines) != 40 {
		t.Errorf("%d lines at 120x40", len(lines))
	}
}

func TestPanicReport(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	g := &guard{secrets: func() []string { return []string{"hunter22", `p&ss"w`} }}
	func() {
		defer func() {
			if r := recover(); r != `boom with **** {"password":"****"} <p>****</p>` {
				t.Errorf("the panic must go on to Bubble Tea, which restores the terminal, without secrets: %v", r)
			}
		}()
		g.wrap(func() tea.Msg { panic(`boom with hunter22 {"password":"p\u0026ss\"w"} <p>p&amp;ss&#34;w</p>`) })()
	}()
	data, err := os.ReadFile(g.report)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(data); !strings.Contains(s, "panic: boom with ****") || strings.Contains(s, "hunter22") || !strings.Contains(s, "TestPanicReport") {
		t.Errorf("report:\n%s", s)
	}
	if st, _ := os.Stat(g.report); st.Mode().Perm() != 0o600 {
		t.Errorf("report mode %v", st.Mode())
	}
}

// TestRunNoColor runs the whole program on pipes: NO_COLOR gives no
// colour, ctrl+c ends it cleanly.
func TestRunNoColor(t *testing.T) {
	a := newApp(t, "en")
	t.Setenv("NO_COLOR", "1")
	in, keys := io.Pipe()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- Run(t.Context(), t.Context(), a, in, out) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "DEMO") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	keys.Write([]byte{3}) // ctrl+c
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ctrl+c did not end the program")
	}
	s := out.String()
	if !strings.Contains(s, "*** DEMO ***") {
		t.Errorf("no DEMO badge in:\n%q", s)
	}
	if strings.Contains(s, "\x1b[3") || strings.Contains(s, "\x1b[7m") {
		t.Errorf("colour or inverse under NO_COLOR:\n%q", s)
	}
}

func TestBalanceRefreshAndWarning(t *testing.T) {
	m := newModel(t, "en")
	reconfigure(t, m.core, func(c *config.Config) { c.UI.BalanceWarn = 200 }) // the simulator's account holds 100
	settle(t, m, m.Init())
	press(t, m, "alt+4", "r")
	v := m.View()
	for _, want := range []string{"Balance: 100.00 credits", "⚠ below the warning threshold of 200", "⚠ 100.00 credits just now"} {
		if !strings.Contains(v, want) {
			t.Errorf("lacks %q:\n%s", want, v)
		}
	}
}

// realApp opens a config file (on the DEMO simulator of another app, so
// nothing leaves the machine): not DEMO mode.
func realApp(t *testing.T) *Model {
	t.Helper()
	demo := newApp(t, "en")
	path := filepath.Join(t.TempDir(), "config.toml")
	cfg := config.Demo(demo.Sim.URL(), "")
	cfg.UI.Lang = "en"
	if err := config.Save(path, cfg); err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	m := New(a, asciiRenderer())
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return m
}

func TestSettingsApplyInPlace(t *testing.T) {
	m := realApp(t)
	if m.core.Demo || strings.Contains(m.View(), "DEMO") {
		t.Fatal("a config file must not be DEMO")
	}
	press(t, m, "alt+5")
	focusSetting(t, m, "api.transport")
	press(t, m, "right", "ctrl+s") // json → smpp, which needs smpp.address
	if !strings.Contains(m.View(), "Not saved: 1 key needs fixing: smpp.address") {
		t.Errorf("smpp:\n%s", m.View())
	}
	press(t, m, "right", "right", "ctrl+s") // → plain → xml
	if ob, err := m.core.Outbox("", "agent"); m.core.Config().API.Transport != "xml" || err != nil || ob.Transport != "xml" {
		t.Errorf("transport %s, outbox %s", m.core.Config().API.Transport, ob.Transport)
	}
	if !strings.Contains(m.View(), "demo · xml ·") {
		t.Errorf("header:\n%s", m.View())
	}
}

func TestBackToDemo(t *testing.T) {
	m := realApp(t)
	path := m.core.ConfigPath
	press(t, m, "alt+5", "ctrl+d")
	if _, err := os.Stat(path); err != nil || !strings.Contains(m.View(), "Press ctrl+d again") {
		t.Fatalf("one ctrl+d must only ask:\n%s", m.View())
	}
	press(t, m, "ctrl+d")
	if _, err := os.Stat(path); err == nil {
		t.Fatal("the file is still there")
	}
	aside, _ := filepath.Glob(path + ".bak-*")
	if len(aside) != 1 || !strings.Contains(m.View(), "restart smsdash for DEMO") {
		t.Errorf("moved to %v:\n%s", aside, m.View())
	}
}

// panicky is a tab whose View panics; one whose Update panics on a key.
type (
	panicky       struct{ common.Component }
	panickyUpdate struct{ common.Component }
)

func (panicky) View() string { panic("drawing went wrong with hunter22") }

func (p panickyUpdate) Update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(tea.KeyMsg); ok {
		panic("drawing went wrong")
	}
	return p.Component.Update(msg)
}

// A tab that panics while it draws shows what happened in its place,
// secrets masked, with one report however often it is drawn; the program
// goes on, and what was typed in another tab is there.
func TestDrawPanic(t *testing.T) {
	cache := t.TempDir()
	m := newModel(t, "en")
	t.Setenv("XDG_CACHE_HOME", cache)
	reconfigure(t, m.core, func(c *config.Config) { c.Account.Password = "hunter22" })
	m.tabs[TabBatch] = panicky{m.tabs[TabBatch]}
	press(t, m, "375296717259", "tab", "tab", "a draft")
	press(t, m, "alt+2")
	v := m.View()
	for range 3 {
		m.View()
	}
	if !strings.Contains(v, "This tab failed to draw (a bug in smsdash): drawing went wrong with ****.") ||
		!strings.Contains(v, "Nothing is lost") || strings.Contains(v, "hunter22") {
		t.Errorf("view:\n%s", v)
	}
	if n := strings.Count(v, "\n") + 1; n != 24 {
		t.Errorf("%d lines", n)
	}
	reports, _ := filepath.Glob(filepath.Join(cache, "smsdash", "panic-*.txt"))
	if len(reports) != 1 || !strings.Contains(strings.ReplaceAll(v, "\n", ""), reports[0]) {
		t.Fatalf("reports %v", reports)
	}
	if data, _ := os.ReadFile(reports[0]); strings.Contains(string(data), "hunter22") || !strings.Contains(string(data), "TestDrawPanic") {
		t.Errorf("report:\n%s", data)
	}
	press(t, m, "alt+1")
	if v := m.View(); !strings.Contains(v, "a draft") || !strings.Contains(v, "375296717259") {
		t.Errorf("the draft is gone:\n%s", v)
	}
}

// TestRunPanic: a panic restores the terminal (the alternate screen is
// left) and writes a report whose path is printed; one while a tab draws
// does not end the program.
func TestRunPanic(t *testing.T) {
	a := newApp(t, "en")
	m := New(a, asciiRenderer())
	t.Cleanup(m.Close)
	m.tabs[TabBatch] = panicky{m.tabs[TabBatch]}
	m.tabs[TabStatus] = panickyUpdate{m.tabs[TabStatus]}
	in, keys := io.Pipe()
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- m.run(t.Context(), t.Context(), Terminal{In: in, Out: out}) }()
	keys.Write([]byte("\x1b2")) // alt+2: the Batch tab fails to draw
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "failed to draw"); {
		if time.Now().After(deadline) {
			t.Fatalf("the failure was not drawn:\n%q", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	keys.Write([]byte("\x1b3x")) // alt+3, a key: the Status tab's Update panics
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the program did not end")
	}
	if !errors.Is(err, tea.ErrProgramPanic) {
		t.Errorf("Run: %v", err)
	}
	s := out.String()
	i, j := strings.LastIndex(s, "\x1b[?1049l"), strings.Index(s, "smsdash: a crash report is in ")
	if i < 0 || j < i {
		t.Fatalf("the terminal was not restored before the report's path:\n%q", s)
	}
	path := strings.TrimSpace(s[j+len("smsdash: a crash report is in "):])
	if data, err := os.ReadFile(path); err != nil || !strings.Contains(string(data), "panic: drawing went wrong") {
		t.Errorf("report %s: %v\n%s", path, err, data)
	}
}

// What a crash left is shown at start, until the first key.
func TestStartNotice(t *testing.T) {
	a := newApp(t, "en")
	a.Recovered, a.NeverLeft = 2, 3
	m := New(a, asciiRenderer())
	defer m.Close()
	v := m.View()
	if !strings.Contains(v, "2 messages were being sent") || !strings.Contains(v, "3 messages waiting") {
		t.Fatalf("no notice:\n%s", v)
	}
	if h := strings.Count(v, "\n") + 1; h > 24 {
		t.Errorf("view is %d lines with the notice", h)
	}
	press(t, m, "alt+3")
	if strings.Contains(m.View(), "were being sent") {
		t.Error("the notice stays after a key")
	}
}

// With PLAIN in the config, Compose sends more than a few numbers in one
// package and says so; a text over 255 parts is refused before sending.
func TestComposeBounds(t *testing.T) {
	m := newModel(t, "en")
	reconfigure(t, m.core, func(c *config.Config) { c.API.Transport = "plain" })
	to := "291234561, 291234562, 291234563, 291234564, 291234565, 291234566"
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(to), Paste: true})
	press(t, m, "tab", "tab")
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Repeat("ж", 67*256)), Paste: true})
	press(t, m, "ctrl+s")
	if v := m.View(); !strings.Contains(v, "256 SMS parts long") {
		t.Fatalf("a text of 256 parts is not refused:\n%s", v)
	}
	press(t, m, "ctrl+u")
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Hello"), Paste: true})
	press(t, m, "ctrl+s")
	if v := m.View(); !strings.Contains(v, "sent through JSON: PLAIN takes at most 5") || strings.Count(v, "accepted") != 6 {
		t.Fatalf("no package:\n%s", v)
	}
	if st := m.core.Sim.Server().Stats(); st.SendRequests != 1 || st.Accepted != 6 {
		t.Errorf("%d send requests for %d messages, want one package", st.SendRequests, st.Accepted)
	}
}

// A message of unknown outcome is settled only by the agent, from its
// details: R asks (saying it may arrive twice) and y resends; M marks it
// sent. Nothing else offers it.
func TestSettleUnknownFromStatus(t *testing.T) {
	m := newModel(t, "en")
	settle(t, m, m.Init())
	srv := m.core.Sim.Server()
	srv.SetFaults(sim.Faults{Drop: 1}) // the replies are lost: unknown
	press(t, m, "8(029)671-72-59, 8(029)123-45-67", "tab", "tab", "Hello", "ctrl+s")
	srv.SetFaults(sim.Faults{})
	press(t, m, "esc", "alt+3", "enter")
	if v := m.View(); !strings.Contains(v, "⁇ in doubt") || !helpHas(m, "R") || !helpHas(m, "M") {
		t.Fatalf("no settling offered:\n%s\n%v", v, m.tabs[TabStatus].ShortHelp())
	}
	before := srv.Stats().Accepted
	press(t, m, "R")
	if v := m.View(); !strings.Contains(v, "may deliver it twice") {
		t.Fatalf("no question:\n%s", v)
	}
	press(t, m, "enter") // only y decides
	if srv.Stats().Accepted != before {
		t.Fatal("enter resent")
	}
	press(t, m, "y")
	if v := m.View(); !strings.Contains(v, "resent 1: 1 accepted") || srv.Stats().Accepted != before+1 {
		t.Fatalf("not resent:\n%s", v)
	}
	// The other one, the oldest: marked sent.
	press(t, m, "G", "enter", "M", "y")
	if v := m.View(); !strings.Contains(v, "1 marked as sent") {
		t.Fatalf("not marked:\n%s", v)
	}
	if rows, _ := m.core.Store.Latest(m.ctx.Base, store.Filter{Status: "unknown"}); len(rows) != 0 || srv.Stats().Accepted != before+1 {
		t.Errorf("%d unknown left, %d accepted", len(rows), srv.Stats().Accepted-before)
	}
}

func helpHas(m *Model, k string) bool {
	for _, b := range m.tabs[m.active].ShortHelp() {
		if b.Help().Key == k {
			return true
		}
	}
	return false
}

// On the list of one batch, M settles all its messages of unknown
// outcome at once.
func TestSettleBatchFromStatus(t *testing.T) {
	m := newModel(t, "en")
	settle(t, m, m.Init())
	st, ctx := m.core.Store, m.ctx.Base
	id, err := st.CreateBatch(ctx, "list.csv", "agent", "json", 3)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := st.AddQueued(ctx, id, "agent", "json", []sms.Message{
		{To: "375296717259", Text: "a", Sender: "CMC"}, {To: "375291234567", Text: "b", Sender: "CMC"}, {To: "375331234567", Text: "c", Sender: "CMC"}})
	if err != nil {
		t.Fatal(err)
	}
	st.MarkPending(ctx, ids)
	lost := sms.Result{Outcome: sms.OutcomeUnknown, Err: errors.New("no reply")}
	if err := st.RecordResults(ctx, ids, []sms.Result{lost, lost, {Outcome: sms.Accepted, ID: 77, Parts: 1}}); err != nil {
		t.Fatal(err)
	}
	_, cmd := m.Update(common.ShowBatch{ID: id})
	settle(t, m, cmd)
	if !helpHas(m, "M") {
		t.Fatalf("no M on the batch's list: %v\n%s", m.tabs[TabStatus].ShortHelp(), m.View())
	}
	press(t, m, "M")
	if v := m.View(); !strings.Contains(v, "Mark 2 messages of unknown outcome as sent?") {
		t.Fatalf("no question:\n%s", v)
	}
	press(t, m, "y")
	if rows, _ := st.Latest(ctx, store.Filter{Status: "unknown"}); len(rows) != 0 || !strings.Contains(m.View(), "2 marked as sent") {
		t.Errorf("%d unknown left:\n%s", len(rows), m.View())
	}
}

// After a resume the Status tab counts each message once: the rows the
// resume superseded leave the list and its counts.
func TestStatusCountsOnceAfterResume(t *testing.T) {
	m := newModel(t, "en")
	settle(t, m, m.Init())
	st, ctx := m.core.Store, m.ctx.Base
	id, _ := st.CreateBatch(ctx, "list.csv", "agent", "json", 2)
	ids, err := st.AddQueued(ctx, id, "agent", "json", []sms.Message{{To: "375296717259", Text: "a", Sender: "CMC"}, {To: "375291234567", Text: "b", Sender: "CMC"}})
	if err != nil {
		t.Fatal(err)
	}
	st.MarkPending(ctx, ids)
	st.RecordResults(ctx, ids, []sms.Result{{Outcome: sms.NotSent, Err: errors.New("stopped")}, {Outcome: sms.NotSent, Err: errors.New("stopped")}})
	press(t, m, "alt+3", "r")
	if v := m.View(); !strings.Contains(v, "2 messages") {
		t.Fatalf("before the resume:\n%s", v)
	}
	if _, err := batchpkg.Resume(ctx, m.core, m.core.Store, id, batchpkg.ResumeOptions{}); err != nil {
		t.Fatal(err)
	}
	_, cmd := m.Update(common.Sent{})
	settle(t, m, cmd)
	if v := m.View(); !strings.Contains(v, "2 messages") || strings.Contains(v, "not sent") {
		t.Errorf("after the resume:\n%s", v)
	}
}

// The tab bar says how to reach the tabs from a field, and only then.
func TestTabBarSaysTheWayOut(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		m := newModel(t, lang)
		want := m.ctx.T.TabsTyping
		if bar := strings.Split(m.View(), "\n")[1]; !strings.Contains(bar, want) {
			t.Errorf("%s typing: tab bar lacks %q: %s", lang, want, bar)
		}
		press(t, m, "esc")
		if bar := strings.Split(m.View(), "\n")[1]; strings.Contains(bar, want) {
			t.Errorf("%s not typing: tab bar still says %q", lang, want)
		}
	}
}

func click(x, y int) tea.MouseMsg {
	return tea.MouseMsg{X: x, Y: y, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft}
}

// A click on a tab's label chooses it, even while a field takes the keys;
// a click between labels or past them changes nothing.
func TestClickTabBar(t *testing.T) {
	m := newModel(t, "en")
	bar := ansi.Strip(strings.Split(m.View(), "\n")[1])
	for _, tc := range []struct {
		label string
		want  int
	}{{"3 Status", TabStatus}, {"5 Settings", TabSettings}, {"2 Batch", TabBatch}, {"1 Compose", TabCompose}} {
		x := strings.Index(bar, tc.label)
		if x < 0 {
			t.Fatalf("no %q in %q", tc.label, bar)
		}
		m.Update(click(x+len(tc.label)-1, 1))
		if m.Active() != tc.want {
			t.Errorf("click on %q: tab %d, want %d", tc.label, m.Active(), tc.want)
		}
	}
	m.Update(click(79, 1))
	m.Update(tea.MouseMsg{X: strings.Index(bar, "4 Balance"), Y: 1, Action: tea.MouseActionRelease, Button: tea.MouseButtonLeft})
	if m.Active() != TabCompose {
		t.Errorf("a click past the labels or a release changed the tab to %d", m.Active())
	}
}

// recorder is a tab that keeps the mouse events it gets.
type recorder struct {
	common.Component
	got []common.Mouse
}

func (r *recorder) Update(msg tea.Msg) tea.Cmd {
	if ms, ok := msg.(common.Mouse); ok {
		r.got = append(r.got, ms)
	}
	return r.Component.Update(msg)
}

// Only the active tab gets the body's mouse events, counted from its
// first line (below the notice, when one shows); the frame's lines and
// the help bar give the tab nothing.
func TestMouseReachesTheActiveTab(t *testing.T) {
	m := newModel(t, "en")
	rec := &recorder{Component: m.tabs[TabStatus]}
	other := &recorder{Component: m.tabs[TabCompose]}
	m.tabs[TabStatus], m.tabs[TabCompose] = rec, other
	m.setTab(TabStatus)
	m.Update(click(5, 2))
	m.Update(tea.MouseMsg{X: 5, Y: 7, Action: tea.MouseActionPress, Button: tea.MouseButtonWheelDown})
	m.Update(click(5, 0))  // the header
	m.Update(click(5, 23)) // the help bar
	if len(other.got) != 0 {
		t.Errorf("an inactive tab got %v", other.got)
	}
	if len(rec.got) != 2 || rec.got[0].Y != 0 || !rec.got[0].Click() || rec.got[1].Y != 5 || rec.got[1].Wheel() != 1 {
		t.Fatalf("the tab got %+v", rec.got)
	}
	m.notice = "one line of notice"
	m.resize()
	m.Update(click(5, 3))
	if last := rec.got[len(rec.got)-1]; last.Y != 0 || m.notice != "" {
		t.Errorf("below a notice: Y %d, notice %q", last.Y, m.notice)
	}
}

// The help bar never passes the screen's edge: bubbles' help adds one
// more key there when its "…" would not fit (the Russian Status tab with
// a number filter on a loaded list did).
func TestHelpBarFits(t *testing.T) {
	a := newApp(t, "ru")
	seedStatus(t, a)
	m := New(a, asciiRenderer())
	m.SetClock(func() time.Time { return testNow })
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	press(t, m, "alt+3", "n", "8 029 67", "enter")
	for _, l := range strings.Split(m.View(), "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("%d columns: %q", w, l)
		}
	}
}
