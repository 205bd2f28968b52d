package batch

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"golang.org/x/text/encoding/charmap"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/store"
	"github.com/smsdash/smsdash/sms/tracker"
	"github.com/smsdash/smsdash/ui/common"
	"github.com/smsdash/smsdash/ui/i18n"
	"github.com/smsdash/smsdash/ui/theme"
)

var testNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func newTab(t *testing.T, lang string) *Model {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"} {
		t.Setenv(k, filepath.Join(dir, k))
	}
	a, err := app.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	if !a.Demo {
		t.Fatal("not in DEMO mode")
	}
	a.Config.UI.Lang = lang
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	base, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ctx := &common.Context{App: a, T: i18n.For(sms.Lang(lang)), S: theme.New(r), Now: func() time.Time { return testNow }, Base: base}
	m := New(ctx)
	m.SetSize(80, 21)
	drive(t, m, m.Init())
	return m
}

// drive runs cmd and feeds its messages back until nothing is left, at
// most 10000 messages, each within 10 s.
func drive(t *testing.T, m *Model, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 10000 {
			t.Fatal("too many messages")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		ch := make(chan tea.Msg, 1)
		go func() { ch <- c() }()
		var msg tea.Msg
		select {
		case msg = <-ch:
		case <-time.After(10 * time.Second):
			t.Fatal("a command did not return")
		}
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case common.Sent:
		default:
			queue = append(queue, m.Update(msg))
		}
	}
}

func press(t *testing.T, m *Model, keys ...string) {
	t.Helper()
	named := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab, "esc": tea.KeyEsc,
		"ctrl+s": tea.KeyCtrlS, "ctrl+r": tea.KeyCtrlR, "ctrl+x": tea.KeyCtrlX, "left": tea.KeyLeft,
		"right": tea.KeyRight, "backspace": tea.KeyBackspace, "pgdown": tea.KeyPgDown, "ctrl+u": tea.KeyCtrlU,
	}
	for _, k := range keys {
		msg := tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
		if kt, ok := named[k]; ok {
			msg = tea.KeyMsg{Type: kt}
		}
		drive(t, m, m.Update(msg))
	}
}

func write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func wantView(t *testing.T, m *Model, parts ...string) {
	t.Helper()
	v := m.View()
	for _, p := range parts {
		if !strings.Contains(v, p) {
			t.Errorf("view lacks %q:\n%s", p, v)
		}
	}
	if n := strings.Count(v, "\n") + 1; n != 21 {
		t.Errorf("view has %d lines, want 21", n)
	}
}

const listCSV = "телефон,имя,сумма\n" +
	"+375 29 671-72-59,Анна,10\n" +
	"12345,Борис,20\n" +
	"80296717259,Анна,10\n" +
	"+375331234500,Вера,30\n"

func TestLoadCheckSend(t *testing.T) {
	m := newTab(t, "en")
	if m.Capturing() {
		t.Fatal("no field has focus at first")
	}
	wantView(t, m, "Batch send", "path to a CSV")
	press(t, m, "tab")
	if !m.Capturing() || m.focus != fPath {
		t.Fatal("tab does not go to the path")
	}
	press(t, m, write(t, "list.csv", []byte(listCSV)), "enter")
	if m.table == nil {
		t.Fatalf("not loaded: %v", m.loadErr)
	}
	wantView(t, m, "CSV · UTF-8 · delimiter , · 4 rows", "телефон", "(A)")
	if m.focus != fTpl {
		t.Fatalf("focus %d, want the template", m.focus)
	}
	press(t, m, "Здравствуйте, {нет}!")
	wantView(t, m, "нет") // the unknown placeholder's error
	if m.tplErr == nil || m.report != nil {
		t.Fatal("an unknown placeholder gives no error")
	}
	press(t, m, "ctrl+u", "Здравствуйте, {имя}! К оплате {сумма} руб.")
	if m.report == nil {
		t.Fatalf("no report: %s", m.blocker())
	}
	wantView(t, m, "4 rows → 2 messages", "duplicates merged 1 · invalid 1", "line 3", "375296717259", "Здравствуйте, Анна! К оплате 10 руб.")

	// The balance: known from the tracker's stream.
	m.Update(common.Event{Event: tracker.Event{Balance: &tracker.Balance{Credits: 1, At: testNow}}})
	wantView(t, m, "not enough")
	m.Update(common.Event{Event: tracker.Event{Balance: &tracker.Balance{Credits: 90, At: testNow.Add(time.Second)}}})
	wantView(t, m, "cost 2.00 of 90.00")

	press(t, m, "ctrl+s")
	if m.stage != stConfirm || !m.Capturing() {
		t.Fatal("ctrl+s does not ask")
	}
	wantView(t, m, "Send 2 messages (2 parts) for 2.00 credits?")
	press(t, m, "n")
	if m.stage != stForm {
		t.Fatal("n does not go back")
	}
	press(t, m, "ctrl+s")
	// Confirm, watching the progress messages go by.
	cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	if m.stage != stSending {
		t.Fatal("y does not send")
	}
	wantView(t, m, "Sending 0 of 2", "[")
	drive(t, m, cmd)
	if m.stage != stDone || m.summary == nil {
		t.Fatalf("not done: %v", m.sendErr)
	}
	if m.summary.Accepted != 2 || m.summary.Total != 2 {
		t.Fatalf("summary %+v", m.summary)
	}
	wantView(t, m, "accepted 2 (2 parts)", "Status tab")
	rows, err := m.ctx.App.Store.Latest(context.Background(), storeFilter(m.summary.BatchID))
	if err != nil || len(rows) != 2 {
		t.Fatalf("history: %d rows, %v", len(rows), err)
	}
}

func TestCP1251Semicolon(t *testing.T) {
	m := newTab(t, "ru")
	press(t, m, "enter") // to the path
	data, err := charmap.Windows1251.NewEncoder().Bytes([]byte("Телефон;Текст\n+375296717259;Ваш заказ готов\n375331234500;Заказ в пути\n;пусто\n"))
	if err != nil {
		t.Fatal(err)
	}
	press(t, m, write(t, "list.csv", data), "enter")
	if m.table == nil {
		t.Fatalf("not loaded: %v", m.loadErr)
	}
	if m.table.Encoding != "Windows-1251" || m.textCol != 1 || m.phoneCol != 0 {
		t.Fatalf("encoding %q, phone %d, text %d", m.table.Encoding, m.phoneCol, m.textCol)
	}
	wantView(t, m, "Windows-1251", "разделитель ;", "строк 3", "строк 3 → сообщений 2", "строка 4", "Ваш заказ готов")
	// The text source: left goes to the template.
	press(t, m, "shift+tab", "shift+tab", "left", "left")
	if m.focus != fSource || m.textCol != -1 || m.report != nil {
		t.Fatalf("focus %d, text column %d", m.focus, m.textCol)
	}
	press(t, m, "right")
	if m.textCol != 0 {
		t.Fatalf("text column %d, want 0", m.textCol)
	}
	press(t, m, "ctrl+u", "B")
	if m.textCol != 1 || m.report == nil {
		t.Fatalf("typed letter B: text column %d", m.textCol)
	}
	press(t, m, "esc")
	if m.Capturing() {
		t.Fatal("esc leaves the focus")
	}
	if len(m.ShortHelp()) == 0 {
		t.Fatal("no help")
	}
	press(t, m, "ctrl+s", "enter")
	if m.summary == nil || m.summary.Accepted != 2 {
		t.Fatalf("summary %+v, %v", m.summary, m.sendErr)
	}
	wantView(t, m, "принято 2")
}

func TestCancelAndResume(t *testing.T) {
	m := newTab(t, "en")
	m.ctx.App.Config.API.BatchSize = 1
	press(t, m, "tab")
	var b strings.Builder
	b.WriteString("phone,text\n")
	for i := range 60 {
		b.WriteString("+3752967" + strings.Repeat("0", 5-len(itoa(i))) + itoa(i) + ",hello\n")
	}
	press(t, m, write(t, "big.csv", []byte(b.String())), "enter")
	if m.report == nil || len(m.report.Messages) != 60 {
		t.Fatalf("report: %v %v %v", m.blocker(), m.loadErr, m.View())
	}
	press(t, m, "ctrl+s")
	cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	// Take progress until some are sent, then cancel.
	for i := 0; i < 1000 && m.stage == stSending && m.progress.Done == 0; i++ {
		cmd = m.Update(cmd())
	}
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlX})
	wantView(t, m, "Cancelling")
	drive(t, m, cmd)
	if m.summary == nil {
		t.Fatalf("no summary: %v", m.sendErr)
	}
	if !m.summary.Cancelled {
		t.Skip("the batch finished before the cancel")
	}
	wantView(t, m, "cancelled", "not sent", "ctrl+r resumes")
	notSent := m.summary.NotSent
	press(t, m, "ctrl+r")
	wantView(t, m, "Resume batch")
	press(t, m, "y")
	if m.summary == nil || m.summary.Accepted != notSent {
		t.Fatalf("resume: %+v, %v", m.summary, m.sendErr)
	}
	if len(m.unfinished) != 0 {
		t.Fatal("still unfinished")
	}
}

func TestLoadError(t *testing.T) {
	m := newTab(t, "en")
	press(t, m, "tab", filepath.Join(t.TempDir(), "missing.csv"), "enter")
	if m.loadErr == nil || m.table != nil {
		t.Fatal("no error for a missing file")
	}
	wantView(t, m, "✗")
	press(t, m, "ctrl+s")
	if m.stage != stForm || m.problem == "" {
		t.Fatal("ctrl+s without a list")
	}
}

func TestExpand(t *testing.T) {
	home, err := os.UserHomeDir()
	if err != nil {
		t.Skip(err)
	}
	if got := expand("~/a.csv"); got != filepath.Join(home, "a.csv") {
		t.Fatalf("expand: %q", got)
	}
	if got := expand("/x/~y"); got != "/x/~y" {
		t.Fatalf("expand: %q", got)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func storeFilter(id int64) store.Filter { return store.Filter{BatchID: id} }
