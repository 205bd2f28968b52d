package batch

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/store"
	"github.com/smsdash/smsdash/sms/tracker"
	"github.com/smsdash/smsdash/ui/common"
	"github.com/smsdash/smsdash/ui/i18n"
	"github.com/smsdash/smsdash/ui/theme"
)

var testNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func newTab(t *testing.T, lang string) *Model {
	t.Helper()
	return sessionTab(t, app.Session{Admin: true, Lang: sms.Lang(lang)})
}

// sessionTab is the tab of session s over a DEMO core, 80x21.
func sessionTab(t *testing.T, s app.Session) *Model {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"} {
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
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	base, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ctx := &common.Context{Session: s, T: i18n.For(s.Lang), S: theme.New(r), Now: func() time.Time { return testNow }, Base: base}
	m := New(ctx, a, a.Store)
	m.refresh = 0 // the tests read the picker's folder again themselves
	m.SetSize(80, 21)
	drive(t, m, m.Init())
	return m
}

// appOf is the core the tab sends through.
func appOf(m *Model) *app.App { return m.core.(*app.App) }

// setBatchSize puts to work a config with packages of n.
func setBatchSize(t *testing.T, m *Model, n int) {
	t.Helper()
	c := *appOf(m).Config()
	c.API.BatchSize = n
	if err := appOf(m).Apply(&c); err != nil {
		t.Fatal(err)
	}
}

// drive runs cmd and feeds its messages back until nothing is left, at
// most 10000 messages, each within 10 s; it reports whether one quit.
func drive(t *testing.T, m *Model, cmd tea.Cmd) (quit bool) {
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
		case tea.QuitMsg:
			quit = true
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case common.Sent:
		default:
			queue = append(queue, m.Update(msg))
		}
	}
	return quit
}

func press(t *testing.T, m *Model, keys ...string) {
	t.Helper()
	named := map[string]tea.KeyType{
		"enter": tea.KeyEnter, "tab": tea.KeyTab, "shift+tab": tea.KeyShiftTab, "esc": tea.KeyEsc,
		"ctrl+s": tea.KeyCtrlS, "ctrl+r": tea.KeyCtrlR, "ctrl+x": tea.KeyCtrlX, "left": tea.KeyLeft,
		"right": tea.KeyRight, "backspace": tea.KeyBackspace, "pgdown": tea.KeyPgDown, "ctrl+u": tea.KeyCtrlU,
		"ctrl+o": tea.KeyCtrlO, "down": tea.KeyDown, "up": tea.KeyUp,
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
	drive(t, m, m.Update(common.Event{Event: tracker.Event{Balance: &tracker.Balance{Credits: 1, At: testNow}}}))
	wantView(t, m, "not enough")
	drive(t, m, m.Update(common.Event{Event: tracker.Event{Balance: &tracker.Balance{Credits: 90, At: testNow.Add(time.Second)}}}))
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
	wantView(t, m, "Sending: 0 of 2 done, 0 accepted", "[", "writing the messages down")
	drive(t, m, cmd)
	if m.stage != stDone || m.summary == nil {
		t.Fatalf("not done: %v", m.sendErr)
	}
	if m.summary.Accepted != 2 || m.summary.Total != 2 {
		t.Fatalf("summary %+v", m.summary)
	}
	wantView(t, m, "accepted 2 (2 parts)", "Status tab")
	rows, err := appOf(m).Store.Latest(context.Background(), storeFilter(m.summary.BatchID))
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
	wantView(t, m, "Windows-1251", "разделитель ;", "3 строки", "3 строки → 2 сообщения", "строка 4", "Ваш заказ готов")
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
	setBatchSize(t, m, 1)
	// 60 packages of 20 ms: the cancel lands while most are still to go.
	appOf(m).Sim.Server().SetFaults(sim.Faults{Latency: 20 * time.Millisecond})
	press(t, m, "tab")
	big := bigList(60)
	press(t, m, write(t, "big.csv", big), "enter")
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
	wantView(t, m, "Stop after the package in flight?")
	if !helpHas(m, "y") || helpHas(m, "esc/ctrl+x") {
		t.Errorf("help while asking: %v", m.ShortHelp())
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	wantView(t, m, "Cancelling")
	if !helpHas(m, "esc/ctrl+x") { // now: abort
		t.Errorf("help while stopping: %v", m.ShortHelp())
	}
	drive(t, m, cmd)
	if m.summary == nil {
		t.Fatalf("no summary: %v", m.sendErr)
	}
	if !m.summary.Cancelled || m.summary.NotSent == 0 || m.summary.Unknown != 0 {
		t.Fatalf("the stop did not stop the batch gracefully: %+v", m.summary)
	}
	wantView(t, m, "cancelled", "not sent", "ctrl+r resumes")
	notSent := m.summary.NotSent
	appOf(m).Sim.Server().SetFaults(sim.Faults{})
	press(t, m, "ctrl+r")
	wantView(t, m, "Resume batch", "keep the batch's own time", "a: resume, sending at once")
	if !helpHas(m, "a") {
		t.Error("the help bar lacks a")
	}
	press(t, m, "a")
	if m.summary == nil || m.summary.Accepted != notSent {
		t.Fatalf("resume: %+v, %v", m.summary, m.sendErr)
	}
	if len(m.unfinished) != 0 {
		t.Fatal("still unfinished")
	}
}

// The header row can be declared; the sheet of a workbook chosen; the
// columns chosen stay when the new table has them.
func TestSheetAndHeader(t *testing.T) {
	m := newTab(t, "ru")
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "Клиенты")
	for i, row := range [][]any{{"Телефон", "Имя"}, {"+375296717259", "Анна"}, {"+375331234500", "Вера"}} {
		f.SetSheetRow("Клиенты", "A"+itoa(i+1), &row)
	}
	f.NewSheet("Архив")
	for i, row := range [][]any{{"Телефон", "Имя"}, {"+375447654321", "Олег"}} {
		f.SetSheetRow("Архив", "A"+itoa(i+1), &row)
	}
	p := filepath.Join(t.TempDir(), "list.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	press(t, m, "tab", p, "enter")
	if m.table == nil || m.table.Sheet != "Клиенты" {
		t.Fatalf("not loaded: %v", m.loadErr)
	}
	wantView(t, m, "XLSX · 2 строки", "лист: Клиенты", "заголовок: авто (да)")
	if m.focus != fTpl {
		t.Fatalf("focus %d, want the template", m.focus)
	}
	press(t, m, "Привет, {Имя}!", "esc", "tab") // from no focus, tab goes to the path
	press(t, m, "tab")
	if m.focus != fSheet {
		t.Fatalf("focus %d, want the sheet", m.focus)
	}
	wantView(t, m, "лист: ‹ Клиенты ›")
	press(t, m, "right")
	if m.table.Sheet != "Архив" || len(m.table.Rows) != 1 || m.focus != fSheet {
		t.Fatalf("sheet %q, %d rows, focus %d", m.table.Sheet, len(m.table.Rows), m.focus)
	}
	press(t, m, "tab", "right") // header: yes
	if m.focus != fHeader || !m.table.Header || m.header != headerYes {
		t.Fatalf("focus %d, header %v", m.focus, m.table.Header)
	}
	press(t, m, "right") // header: no — the names become a row, the columns letters
	if m.table.Header || len(m.table.Rows) != 2 || m.phoneCol != 0 {
		t.Fatalf("header %v, %d rows, phone column %d", m.table.Header, len(m.table.Rows), m.phoneCol)
	}
	wantView(t, m, "заголовок: ‹ нет ›", "неизвестная подстановка {Имя}")
	press(t, m, "right") // back to auto: the names again
	if !m.table.Header || m.report == nil || len(m.report.Messages) != 1 || m.report.Preview[0].Text != "Привет, Олег!" {
		t.Fatalf("report %+v, %s", m.report, m.blocker())
	}
	// A single-sheet CSV skips the sheet choice.
	press(t, m, "shift+tab", "shift+tab", "ctrl+u", write(t, "one.csv", []byte(listCSV)), "enter")
	if m.table == nil || m.table.Format != "csv" || m.header != headerAuto {
		t.Fatalf("csv not loaded: %v", m.loadErr)
	}
	press(t, m, "esc", "tab", "tab")
	if m.focus != fHeader {
		t.Fatalf("focus %d: the sheet is not skipped", m.focus)
	}
}

// A refusal of the account stops the batch; its messages stay not sent,
// and the reason is shown once, so the agent knows what to do (top up).
func TestAccountRefusalShown(t *testing.T) {
	m := newTab(t, "en")
	srv := appOf(m).Sim.Server()
	if !srv.Charge(int(srv.Balance()) - 1) { // one credit left: one message
		t.Fatal("charge refused")
	}
	press(t, m, "tab", write(t, "list.csv", []byte(listCSV)), "enter", "Hello, {имя}!", "ctrl+s", "y")
	if m.summary == nil || m.summary.Accepted != 1 || m.summary.Refused != 0 || m.summary.NotSent != 1 {
		t.Fatalf("summary %+v, %v", m.summary, m.sendErr)
	}
	wantView(t, m, "accepted 1 (1 part) · refused 0 · not sent 1", "✗ -1 "+sms.CodeNoFunds.Text(sms.EN))
	if v := m.View(); strings.Count(v, sms.CodeNoFunds.Text(sms.EN)) != 1 {
		t.Errorf("the reason is not shown once:\n%s", v)
	}
	// ctrl+t asks for the batch on the Status tab.
	if !helpHas(m, "ctrl+t") {
		t.Error("the help bar lacks ctrl+t")
	}
	cmd := m.Update(tea.KeyMsg{Type: tea.KeyCtrlT})
	if cmd == nil {
		t.Fatal("ctrl+t does nothing")
	}
	if msg, ok := cmd().(common.ShowBatch); !ok || msg.ID != m.summary.BatchID {
		t.Fatalf("ctrl+t gives %#v", msg)
	}
	// The same list again: the confirmation says it went out already.
	press(t, m, "ctrl+s")
	wantView(t, m, "went out as batch "+strconv.FormatInt(m.summary.BatchID, 10))
	if !helpHas(m, "y") || helpHas(m, "y/enter") {
		t.Errorf("enter confirms a list sent before: %v", m.ShortHelp())
	}
	press(t, m, "n")
	if m.stage != stForm {
		t.Fatal("n does not go back")
	}
}

// On a long list the check runs after a pause in typing and off the UI's
// goroutine: a key returns at once, a check overtaken by a newer key is
// dropped, and ctrl+s while checking confirms once the report is there.
func TestCheckLongListAsync(t *testing.T) {
	m := newTab(t, "en")
	var b strings.Builder
	b.WriteString("phone;name\n")
	for i := range pauseRows {
		fmt.Fprintf(&b, "+3752967%05d;Client %d\n", i, i)
	}
	press(t, m, "tab", write(t, "long.csv", []byte(b.String())), "enter")
	if m.table == nil || m.focus != fTpl {
		t.Fatalf("not loaded (%v) or focus %d", m.loadErr, m.focus)
	}
	first := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Hi {name}")})
	second := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("!")})
	if !m.checking || m.report != nil {
		t.Fatalf("a key waited for the check: checking %v, report %v", m.checking, m.report != nil)
	}
	wantView(t, m, "checking…")
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlS})
	if m.stage != stForm || !m.askAfter {
		t.Fatal("ctrl+s while checking must wait for the report")
	}
	if cmd := m.Update(first()); cmd != nil {
		t.Fatal("the check the second key overtook still ran")
	}
	drive(t, m, second)
	if m.checking || m.report == nil || len(m.report.Messages) != pauseRows || m.report.Preview[0].Text != "Hi Client 0!" {
		t.Fatalf("after the pause: checking %v, report %v, %s", m.checking, m.report != nil, m.View())
	}
	if m.stage != stConfirm {
		t.Fatal("the waiting ctrl+s did not ask")
	}
}

// One number with two different texts is sent both, and the report says
// so.
func TestSharedNumberShown(t *testing.T) {
	m := newTab(t, "ru")
	press(t, m, "tab", write(t, "list.csv", []byte("телефон,имя\n+375296717259,Анна\n80296717259,Вера\n")), "enter", "Привет, {имя}!")
	if m.report == nil || len(m.report.Messages) != 2 || m.report.SharedNumbers != 1 {
		t.Fatalf("report %+v", m.report)
	}
	wantView(t, m, "⚠ 1 номеру уйдёт больше одного текста")
}

func helpHas(m *Model, k string) bool {
	for _, b := range m.ShortHelp() {
		if b.Help().Key == k || slices.Contains(b.Keys(), k) {
			return true
		}
	}
	return false
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
	if got := (disk{}).expand("~/a.csv"); got != filepath.Join(home, "a.csv") {
		t.Fatalf("expand: %q", got)
	}
	if got := (disk{}).expand("/x/~y"); got != "/x/~y" {
		t.Fatalf("expand: %q", got)
	}
	// A session's ~ is its own folder.
	if got := (disk{root: t.TempDir()}).expand("~/a.csv"); got != "/a.csv" {
		t.Fatalf("expand under a root: %q", got)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func storeFilter(id int64) store.Filter { return store.Filter{BatchID: id} }

// Over the balance the confirmation offers the first messages it covers;
// with that warning only y confirms (enter does not), and the rest stays
// not sent.
func TestConfirmOverTheBalance(t *testing.T) {
	m := newTab(t, "en")
	press(t, m, "tab", write(t, "list.csv", []byte(listCSV)), "enter", "Hello, {имя}!")
	drive(t, m, m.Update(common.Event{Event: tracker.Event{Balance: &tracker.Balance{Credits: 1, At: time.Now()}}}))
	if m.report == nil || m.report.Covered() != 1 || len(m.report.Messages) != 2 {
		t.Fatalf("report %+v", m.report)
	}
	press(t, m, "ctrl+s")
	wantView(t, m, "Send the first 1 of 2 messages?", "the balance 1.00 covers the first 1 of 2", "y: send · n or esc: back")
	if helpHas(m, "y/enter") {
		t.Errorf("enter offered with a warning: %v", m.ShortHelp())
	}
	press(t, m, "enter")
	if m.stage != stConfirm {
		t.Fatalf("enter confirmed despite the warning: stage %d", m.stage)
	}
	press(t, m, "y")
	if s := m.summary; s == nil || s.Accepted != 1 || s.NotSent != 1 || s.Refused != 0 {
		t.Fatalf("summary %+v, %v", m.summary, m.sendErr)
	}
}

// Quitting while a batch is sending asks, stops after the package in
// flight, and quits once the send has ended; a signal does so unasked.
func TestQuitWhileSending(t *testing.T) {
	for _, asked := range []bool{true, false} {
		m := newTab(t, "en")
		setBatchSize(t, m, 1)
		appOf(m).Sim.Server().SetFaults(sim.Faults{Latency: 20 * time.Millisecond})
		big := bigList(30)
		press(t, m, "tab", write(t, "big.csv", big), "enter", "ctrl+s")
		cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
		for i := 0; i < 1000 && m.stage == stSending && m.progress.Done == 0; i++ {
			cmd = m.Update(cmd())
		}
		if !m.Sending() {
			t.Fatal("not sending")
		}
		m.Update(common.StopSend{Ask: asked, Quit: true})
		if asked {
			wantView(t, m, "Stop after the package in flight and quit?")
			m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
		}
		if !drive(t, m, cmd) {
			t.Errorf("asked %v: no quit after the send ended", asked)
		}
		if s := m.summary; s == nil || s.Unknown != 0 || s.NotSent == 0 {
			t.Errorf("asked %v: summary %+v", asked, s)
		}
	}
}

// After a restart the tab is empty: ctrl+r still shows the confirmation,
// the progress and the result of the resume, as for a new send.
func TestResumeFromAnEmptyTab(t *testing.T) {
	m := newTab(t, "en")
	setBatchSize(t, m, 1)
	press(t, m, "tab", write(t, "list.csv", []byte(listCSV)), "enter", "Hello, {имя}!", "ctrl+s")
	cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	m.Update(common.StopSend{}) // at most the first package leaves
	drive(t, m, cmd)
	s := m.summary
	if s == nil || s.NotSent == 0 || s.Unknown != 0 {
		t.Fatalf("summary %+v", s)
	}
	notSent := s.NotSent
	fresh := New(m.ctx, m.core, m.hist) // a new start: no list loaded
	fresh.SetSize(80, 21)
	drive(t, fresh, fresh.Init())
	wantView(t, fresh, fmt.Sprintf("has %d messages not sent", notSent), "ctrl+r resumes it")
	press(t, fresh, "ctrl+r")
	wantView(t, fresh, "Resume batch")
	press(t, fresh, "y")
	if s := fresh.summary; s == nil || s.Accepted != notSent {
		t.Fatalf("resume: %+v, %v", s, fresh.sendErr)
	}
	wantView(t, fresh, fmt.Sprintf("accepted %d", notSent))
}

// When the program ends under a send (an SSH session dropped), Drain
// stops it after the package in flight and waits: every message is
// recorded, none left in flight or unknown.
func TestDrainAtExit(t *testing.T) {
	m := newTab(t, "en")
	setBatchSize(t, m, 1)
	appOf(m).Sim.Server().SetFaults(sim.Faults{Latency: 20 * time.Millisecond})
	big := bigList(30)
	press(t, m, "tab", write(t, "big.csv", big), "enter", "ctrl+s")
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")}) // its wait is never run: the program is gone
	m.Drain()
	counts, err := appOf(m).Store.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if counts["pending"] != 0 || counts["unknown"] != 0 || counts["queued"] != 0 || counts["not_sent"] == 0 {
		t.Errorf("after Drain: %v", counts)
	}
}

// bigList is a list of n numbers with one text: packages to stop between.
func bigList(n int) []byte {
	var b strings.Builder
	b.WriteString("phone,text\n")
	for i := range n {
		b.WriteString("+3752967" + strings.Repeat("0", 5-len(itoa(i))) + itoa(i) + ",hello\n")
	}
	return []byte(b.String())
}

// The tab's confirmed stop, again and again: a list of 3,000 at 250 ms a
// package, stopped after its first package five times and resumed each
// time; no stop leaves anything unknown, and in the end every message is
// at the simulator exactly once. (The command line's stop is tested at
// 10,000 and 20 stops, through real processes: sms/cli.)
func TestStopResumeRepeatedly(t *testing.T) {
	m := newTab(t, "en")
	setBatchSize(t, m, 100)
	srv := appOf(m).Sim.Server()
	srv.Charge(-100_000) // credits for the whole list
	srv.SetFaults(sim.Faults{Latency: 250 * time.Millisecond})
	var b strings.Builder
	b.WriteString("phone,text\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "+37529%07d,hello\n", 3_000_000+i)
	}
	press(t, m, "tab", write(t, "big.csv", []byte(b.String())), "enter")
	keys := func(k string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)} }
	cmd := m.Update(tea.KeyMsg{Type: tea.KeyCtrlS})
	drive(t, m, cmd)
	cmd = m.Update(keys("y"))
	for stop := range 5 {
		for i := 0; i < 1000 && m.stage == stSending && m.progress.Done == 0; i++ {
			cmd = m.Update(cmd())
		}
		m.Update(tea.KeyMsg{Type: tea.KeyEsc})
		m.Update(keys("y"))
		drive(t, m, cmd)
		if s := m.summary; s == nil || s.Unknown != 0 || s.NotSent == 0 {
			t.Fatalf("stop %d: %+v, %v", stop+1, s, m.sendErr)
		}
		drive(t, m, m.Update(tea.KeyMsg{Type: tea.KeyCtrlR}))
		if m.stage != stConfirm || m.resumeID == 0 {
			t.Fatalf("stop %d: no resume asked:\n%s", stop+1, m.View())
		}
		if stop == 4 {
			srv.SetFaults(sim.Faults{}) // the last resume runs to its end
		}
		cmd = m.Update(keys("y"))
	}
	drive(t, m, cmd)
	if s := m.summary; s == nil || s.Unknown != 0 || s.NotSent != 0 {
		t.Fatalf("the last resume: %+v, %v", s, m.sendErr)
	}
	for i := range 3000 {
		if n := srv.Received(fmt.Sprintf("37529%07d", 3_000_000+i)); n != 1 {
			t.Fatalf("message %d received %d times", i, n)
		}
	}
}
