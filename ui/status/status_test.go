package status

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/store"
	"github.com/smsdash/smsdash/sms/tracker"
	"github.com/smsdash/smsdash/ui/common"
	"github.com/smsdash/smsdash/ui/i18n"
	"github.com/smsdash/smsdash/ui/theme"
)

var t0 = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

var ctx = context.Background()

// newTab is the tab over an empty history of its own, 80x21.
func newTab(tb testing.TB, lang string) (*Model, *store.Store) {
	tb.Helper()
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	st, err := store.Open(filepath.Join(tb.TempDir(), "history.db"))
	if err != nil {
		tb.Fatal(err)
	}
	a, err := app.New(config.Default(), st)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(a.Close)
	c := &common.Context{
		Session: app.Session{Admin: true, Lang: sms.Lang(lang)}, T: i18n.For(sms.Lang(lang)), S: theme.New(r),
		Now: func() time.Time { return t0 }, Base: ctx,
	}
	m := New(c, a, st)
	m.timer = noTimer
	m.SetSize(80, 21)
	return m, st
}

// noTimer stands for tea.Tick in the tests: a tick never fires by
// itself; a test sends refreshTick when it means to.
func noTimer(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }

var statuses = []sms.Status{sms.Delivered, sms.Delivered, sms.Delivered, sms.Sent, sms.Queued, sms.Rejected, sms.Expired}

// record adds n accepted messages (local id i gets gateway id
// 3,000,000,000+i and statuses[i%7]); numbers end in i's digits, every
// fifth on a 33 number.
func record(tb testing.TB, st *store.Store, batch int64, from, n int) []int64 {
	tb.Helper()
	msgs := make([]sms.Message, n)
	for k := range msgs {
		i := from + k
		to := fmt.Sprintf("3752967%05d", i%100_000)
		if i%5 == 0 {
			to = fmt.Sprintf("3753312%05d", i%100_000)
		}
		msgs[k] = sms.Message{To: to, Text: fmt.Sprintf("Ваш код подтверждения: %04d. Никому его не сообщайте.", i%10000), Sender: "CMC"}
	}
	ids, err := st.AddQueued(ctx, batch, "ann", "json", msgs)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := st.MarkPending(ctx, ids); err != nil {
		tb.Fatal(err)
	}
	res := make([]sms.Result, n)
	reports := make([]sms.StatusReport, n)
	for k, id := range ids {
		res[k] = sms.Result{Outcome: sms.Accepted, ID: 3_000_000_000 + id, Parts: 1}
		reports[k] = sms.StatusReport{ID: 3_000_000_000 + id, Status: statuses[id%int64(len(statuses))], Parts: 1}
	}
	if err := st.RecordResults(ctx, ids, res); err != nil {
		tb.Fatal(err)
	}
	if _, err := st.ApplyStatuses(ctx, "http", reports); err != nil {
		tb.Fatal(err)
	}
	return ids
}

// run carries out cmd and what its messages lead to, as the program
// would; every command here reads the store and returns.
func run(tb testing.TB, m *Model, cmd tea.Cmd) {
	tb.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			tb.Fatal("the commands do not end")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case common.Copy:
		default:
			queue = append(queue, m.Update(msg))
		}
	}
}

func loaded(tb testing.TB, n int, lang string) (*Model, *store.Store) {
	m, st := newTab(tb, lang)
	if n > 0 {
		record(tb, st, 0, 1, n)
	}
	run(tb, m, m.Init())
	return m, st
}

func press(k string) tea.KeyMsg {
	switch k {
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

func tap(tb testing.TB, m *Model, ks ...string) {
	tb.Helper()
	for _, k := range ks {
		run(tb, m, m.Update(press(k)))
	}
}

// typeIn focuses a filter field with key, types text into it and leaves it.
func typeIn(tb testing.TB, m *Model, key, text string) {
	tb.Helper()
	tap(tb, m, key)
	run(tb, m, m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(text)}))
	tap(tb, m, "enter")
}

// cursorID is the local id on the row under the cursor, as drawn.
func cursorID(tb testing.TB, m *Model) string {
	tb.Helper()
	for _, l := range strings.Split(m.View(), "\n") {
		if strings.HasPrefix(l, "›") {
			return strings.Fields(l)[0][len("›"):]
		}
	}
	tb.Fatalf("no cursor row:\n%s", m.View())
	return ""
}

func TestNewestFirstAndCounts(t *testing.T) {
	m, _ := loaded(t, 7, "en")
	v := m.View()
	lines := strings.Split(v, "\n")
	if len(lines) != 21 {
		t.Fatalf("%d lines, want 21:\n%s", len(lines), v)
	}
	if !strings.HasPrefix(lines[4], "›7 ") || !strings.HasPrefix(lines[10], " 1 ") {
		t.Errorf("not newest first with the cursor on the newest:\n%s", v)
	}
	if !strings.Contains(v, "7 messages") || !strings.Contains(v, "✓ Delivered 3") || !strings.Contains(v, "· Queued 1") {
		t.Errorf("counts:\n%s", v)
	}
}

// The list is the whole history, read a page at a time: the cursor walks
// it to the end and back with the right message on every row, and the
// tab never holds more than its window.
func TestPagesThroughTheHistory(t *testing.T) {
	const n = 2*maxWindow + 37
	m, _ := loaded(t, n, "en")
	if len(m.win) != Page {
		t.Fatalf("the first read holds %d rows, want a page of %d", len(m.win), Page)
	}
	for i := 0; m.cursor < n-1; i++ {
		if i > n {
			t.Fatal("pgdown never reached the end")
		}
		tap(t, m, "pgdown")
		if got, want := cursorID(t, m), fmt.Sprint(n-m.cursor); got != want {
			t.Fatalf("at %d: row %s under the cursor, want %s", m.cursor, got, want)
		}
		if len(m.win) > maxWindow {
			t.Fatalf("the window holds %d rows", len(m.win))
		}
	}
	if got := cursorID(t, m); got != "1" || !strings.Contains(m.View(), fmt.Sprintf("%d of %d", n, n)) {
		t.Errorf("at the end: row %s\n%s", got, m.View())
	}
	for range 30 {
		tap(t, m, "up")
	}
	if got := cursorID(t, m); got != "31" {
		t.Errorf("30 up from the oldest: row %s", got)
	}
	tap(t, m, "g")
	if got := cursorID(t, m); got != fmt.Sprint(n) || m.winAt != 0 {
		t.Errorf("g: row %s, window at %d", got, m.winAt)
	}
	tap(t, m, "G")
	if got := cursorID(t, m); got != "1" {
		t.Errorf("G: row %s", got)
	}
}

func TestNumberFilterAsTyped(t *testing.T) {
	m, _ := loaded(t, 70, "en")
	typeIn(t, m, "n", "8029")
	if v := m.View(); !strings.Contains(v, "56 messages") || strings.Contains(v, " 3753312") {
		t.Errorf("8029 (the 29 numbers):\n%s", v)
	}
	tap(t, m, "esc")
	typeIn(t, m, "n", "8 (033) 12")
	if v := m.View(); !strings.Contains(v, "14 messages") || strings.Contains(v, " 3752967") {
		t.Errorf("8 (033) 12:\n%s", v)
	}
	tap(t, m, "esc")
	typeIn(t, m, "n", "8(029)670-00-12")
	if got := cursorID(t, m); got != "12" || m.size() != 1 {
		t.Errorf("a whole number: row %s of %d", got, m.size())
	}
	tap(t, m, "esc")
	typeIn(t, m, "n", "00012")
	if got := cursorID(t, m); got != "12" || m.size() != 1 {
		t.Errorf("digits inside the number: row %s of %d", got, m.size())
	}
}

func TestSearchWholeHistory(t *testing.T) {
	m, _ := loaded(t, 70, "en")
	tap(t, m, "/")
	run(t, m, m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("КО")}))
	if v := m.View(); m.size() != 70 || !strings.Contains(v, "type 3 characters or more") {
		t.Errorf("two characters: %d rows\n%s", m.size(), v)
	}
	run(t, m, m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Д ПОДТВЕРЖДЕНИЯ: 0007")}))
	if got := cursorID(t, m); got != "7" || m.size() != 1 || strings.Contains(m.View(), "3 characters") {
		t.Errorf("search (case ignored in Cyrillic too): row %s of %d\n%s", got, m.size(), m.View())
	}
	tap(t, m, "enter", "s") // and a status filter beside it
	if m.status != "Delivered" || m.size() != 1 {
		t.Errorf("status %q with the search: %d rows", m.status, m.size())
	}
}

func TestStatusFilterAndUpdates(t *testing.T) {
	m, st := loaded(t, 70, "en")
	tap(t, m, "s") // the first bucket that has messages: Queued
	if m.status != "Queued" || m.size() != 10 {
		t.Fatalf("status filter %q: %d rows", m.status, m.size())
	}
	for _, r := range m.win {
		if r.Status != sms.Queued {
			t.Fatalf("row %d is %v", r.ID, r.Status)
		}
	}
	// An update moves a row out of the filtered set.
	id := m.win[0].ID
	ups, err := st.ApplyStatuses(ctx, "http", []sms.StatusReport{{ID: 3_000_000_000 + id, Status: sms.Sent, Parts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	run(t, m, m.Update(common.Event{Event: tracker.Event{Updates: ups}}))
	run(t, m, m.Update(refreshTick{}))
	if m.size() != 9 || m.win[0].ID == id {
		t.Errorf("after the update: %d rows, first %d", m.size(), m.win[0].ID)
	}
}

// New messages come in at the top: the cursor stays on its message, or
// on the top row when it was there.
func TestRefreshKeepsTheCursor(t *testing.T) {
	m, st := loaded(t, 50, "en")
	tap(t, m, "down", "down", "down")
	if got := cursorID(t, m); got != "47" {
		t.Fatalf("cursor on %s", got)
	}
	record(t, st, 0, 51, 5)
	run(t, m, m.Update(common.Sent{}))
	if got := cursorID(t, m); got != "47" || m.cursor != 8 || m.size() != 55 {
		t.Errorf("after 5 new: cursor on %s at %d of %d", got, m.cursor, m.size())
	}
	tap(t, m, "g")
	record(t, st, 0, 56, 2)
	ev := tracker.Event{Updates: []store.Update{{ID: 56, To: sms.Sent, At: t0}}}
	run(t, m, m.Update(common.Event{Event: ev}))
	if got := cursorID(t, m); got != "57" {
		t.Errorf("on the top row: cursor on %s", got)
	}
}

// A stream of updates asks for one refresh of the counts and the window
// per tick, however many came; the rows they name are rewritten at
// once, and new messages above the top row come in at once.
func TestUpdatesCoalesce(t *testing.T) {
	m, st := loaded(t, 30, "en")
	ticks := 0
	m.timer = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		ticks++
		if _, ok := fn(t0).(refreshTick); !ok || d != refreshEvery {
			t.Fatalf("a tick of %v", d)
		}
		return nil
	}
	before := m.counts[sms.Delivered.String()]
	for i, old := range []int64{25, 24, 18, 17, 11} { // Sent or Queued
		ids := record(t, st, 0, 31+i, 1) // with its first status
		ups, err := st.ApplyStatuses(ctx, "http", []sms.StatusReport{{ID: 3_000_000_000 + old, Status: sms.Delivered, Parts: 1}})
		if err != nil || len(ups) != 1 {
			t.Fatal(ups, err)
		}
		ups = append(ups, store.Update{ID: ids[0], To: statuses[ids[0]%7], At: t0})
		run(t, m, m.Update(common.Event{Event: tracker.Event{Updates: ups}}))
		if m.win[0].ID != ids[0] || m.size() != 31+i {
			t.Fatalf("update %d: top row %d of %d", i, m.win[0].ID, m.size())
		}
		if r := m.held(old); r == nil || r.Status != sms.Delivered {
			t.Fatalf("update %d: row %d is %+v", i, old, r)
		}
	}
	if ticks != 1 {
		t.Fatalf("%d ticks asked for five events", ticks)
	}
	// The counts of the new rows were added; those of the rows that
	// changed come with the tick's refresh.
	want, err := st.CountsFor(ctx, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if m.counts[sms.Delivered.String()] == want[sms.Delivered.String()] {
		t.Fatalf("the counts were read before the tick: %v", m.counts)
	}
	run(t, m, m.Update(refreshTick{}))
	if fmt.Sprint(m.counts) != fmt.Sprint(want) || m.size() != 35 || want[sms.Delivered.String()] <= before {
		t.Errorf("after the tick: %v, want %v (%d rows)", m.counts, want, m.size())
	}
	// The next event asks for a tick again.
	run(t, m, m.Update(common.Event{Event: tracker.Event{Updates: []store.Update{{ID: 1, To: sms.Sent, At: t0}}}}))
	if ticks != 2 {
		t.Errorf("%d ticks after the refresh", ticks)
	}
}

// The first message of an empty history shows at once, before the tick.
func TestFirstMessageAtOnce(t *testing.T) {
	m, st := loaded(t, 0, "en")
	ids := record(t, st, 0, 1, 1)
	ev := tracker.Event{Updates: []store.Update{{ID: ids[0], To: statuses[ids[0]%7], At: t0}}}
	run(t, m, m.Update(common.Event{Event: ev}))
	if len(m.win) != 1 || m.win[0].ID != ids[0] || m.size() != 1 {
		t.Errorf("after the first message: %d rows held of %d", len(m.win), m.size())
	}
}

// One batch's messages, as the Batch tab asks for them after a send:
// the counts are the batch's; R and M settle its messages of unknown
// outcome, asked for from the store; esc shows everything again.
func TestBatchFilterAndSettle(t *testing.T) {
	m, st := newTab(t, "en")
	batch, err := st.CreateBatch(ctx, "b", "ann", "json", 35)
	if err != nil {
		t.Fatal(err)
	}
	record(t, st, 0, 1, 10)
	record(t, st, batch, 11, 30)
	ids, err := st.AddQueued(ctx, batch, "ann", "json", []sms.Message{{To: "375291234567", Text: "x", Sender: "CMC"}, {To: "375291234568", Text: "y", Sender: "CMC"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.MarkPending(ctx, ids); err != nil {
		t.Fatal(err)
	}
	unknown := errors.New("timeout")
	if err := st.RecordResults(ctx, ids, []sms.Result{{Outcome: sms.OutcomeUnknown, Err: unknown}, {Outcome: sms.OutcomeUnknown, Err: unknown}}); err != nil {
		t.Fatal(err)
	}
	run(t, m, m.Init())
	tap(t, m, "s")
	run(t, m, m.Update(common.ShowBatch{ID: batch}))
	if m.size() != 32 || m.status != "" {
		t.Fatalf("batch %d: %d rows, status filter %q", batch, m.size(), m.status)
	}
	v := m.View()
	if !strings.Contains(v, fmt.Sprintf("Batch: #%d", batch)) || !strings.Contains(v, "32 messages") || !strings.Contains(v, "⁇ in doubt 2") {
		t.Errorf("view:\n%s", v)
	}
	tap(t, m, "M")
	if m.settling == nil || len(m.settling.ids) != 2 || m.settling.resend {
		t.Fatalf("M: %+v", m.settling)
	}
	tap(t, m, "y")
	if v := m.View(); !strings.Contains(v, "2 marked as sent") || strings.Contains(v, "in doubt") {
		t.Errorf("after y:\n%s", v)
	}
	tap(t, m, "esc")
	if m.size() != 42 || m.batch != 0 {
		t.Errorf("esc: %d rows, batch %d", m.size(), m.batch)
	}
}

// y says "copied" in the list and in the details.
func TestCopyID(t *testing.T) {
	m, _ := loaded(t, 3, "en")
	cmd := m.Update(press("y"))
	if c, ok := cmd().(common.Copy); !ok || c.Text != "3000000003" {
		t.Errorf("copy: %#v", cmd())
	}
	if !strings.Contains(m.View(), "copied 3000000003") {
		t.Error("no confirmation in the list")
	}
	tap(t, m, "down", "enter", "y")
	if v := m.View(); !strings.Contains(v, "copied 3000000002") || !strings.Contains(v, "Message #2") {
		t.Errorf("no confirmation in the details:\n%s", v)
	}
}

// The details tell the history in the agent's language.
func TestDetailHistoryTranslated(t *testing.T) {
	m, st := newTab(t, "ru")
	ids, err := st.AddQueued(ctx, 0, "ann", "json", []sms.Message{{To: "375291234567", Text: "Привет", Sender: "CMC"}})
	if err != nil {
		t.Fatal(err)
	}
	st.MarkPending(ctx, ids)
	if err := st.RecordResults(ctx, ids, []sms.Result{{Outcome: sms.OutcomeUnknown, Err: errors.New("timeout")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.MarkSent(ctx, "Анна", ids); err != nil {
		t.Fatal(err)
	}
	run(t, m, m.Init())
	tap(t, m, "enter")
	v := m.View()
	for _, want := range []string{"отправка", "… ожидает", "⁇ не ясно", "агент", "отмечено отправленным, агент Анна"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q in the details:\n%s", want, v)
		}
	}
	for _, raw := range []string{" send ", "pending", "marked sent"} {
		if strings.Contains(v, raw) {
			t.Errorf("%q untranslated:\n%s", raw, v)
		}
	}
}

// Every bucket keeps its place at 80 columns: the counts wrap.
func TestCountsWrap(t *testing.T) {
	m, _ := newTab(t, "ru")
	m.counted, m.loaded = true, true
	for i, b := range theme.Buckets {
		m.counts[b] = 100_000 + i
	}
	m.top = nil
	lines := m.topLines()
	if len(lines) < 3 {
		t.Fatalf("%d lines", len(lines))
	}
	all := strings.Join(lines, "\n")
	for _, b := range theme.Buckets {
		if !strings.Contains(all, theme.Symbol(b)+" "+m.ctx.T.Bucket(b)+" ") {
			t.Errorf("bucket %s lost:\n%s", b, all)
		}
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("line of %d cells: %q", w, l)
		}
	}
	if got := m.tableH(); got != 21-3-len(lines) {
		t.Errorf("table of %d rows under %d top lines", got, len(lines))
	}
}

// A scheduled message shows when it is to go, a refused one and a
// Rejected one are told apart without colour.
func TestRowMarks(t *testing.T) {
	m, st := newTab(t, "en")
	at := time.Date(2026, 12, 1, 6, 30, 0, 0, time.UTC) // 09:30 in Minsk
	ids, err := st.AddQueued(ctx, 0, "ann", "json", []sms.Message{
		{To: "375291234567", Text: "later", Sender: "CMC", At: at},
		{To: "375291234568", Text: "refused", Sender: "CMC"},
	})
	if err != nil {
		t.Fatal(err)
	}
	st.MarkPending(ctx, ids)
	if err := st.RecordResults(ctx, ids, []sms.Result{{Outcome: sms.Accepted, ID: 9, Parts: 1}, {Outcome: sms.Refused, Code: sms.CodeBadRecipient}}); err != nil {
		t.Fatal(err)
	}
	record(t, st, 0, 3, 4) // id 5 is Rejected
	run(t, m, m.Init())
	v := m.View()
	for _, want := range []string{"@12-01 09:30 375291234567", "⊘ refused", "✗ Rejected"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q:\n%s", want, v)
		}
	}
}

func TestLateReplyIsDropped(t *testing.T) {
	m, _ := loaded(t, 3, "en")
	m.reload()
	m.Update(pageMsg{seq: m.seq - 1, rows: make([]store.Row, 1)})
	if len(m.win) != 0 || m.loaded {
		t.Errorf("an older query's page was taken: %d rows", len(m.win))
	}
}

func TestScrollKeepsCursorVisible(t *testing.T) {
	m, _ := loaded(t, 1000, "en")
	for range 40 {
		tap(t, m, "down")
	}
	v := m.View()
	if !strings.Contains(v, "›960 ") || !strings.Contains(v, "41 of 1000") {
		t.Errorf("cursor row not shown:\n%s", v)
	}
	for _, l := range strings.Split(v, "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("line of %d cells: %q", w, l)
		}
	}
}

// The benchmarks of the issue: 100,000 messages in the history.

func benchTab(b *testing.B) *Model {
	m, _ := loaded(b, 100_000, "en")
	m.ctx.S = theme.New(lipgloss.NewRenderer(io.Discard))
	m.ctx.S.R.SetColorProfile(termenv.ANSI)
	m.View()
	return m
}

func BenchmarkView(b *testing.B) {
	m := benchTab(b)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

func BenchmarkCursorMove(b *testing.B) {
	m := benchTab(b)
	down, home := press("down"), press("g")
	b.ReportAllocs()
	for b.Loop() {
		if m.cursor >= 2*Page {
			run(b, m, m.Update(home))
		}
		run(b, m, m.Update(down))
		_ = m.View()
	}
}

// A burst of 10,000 updates, some of them to the rows shown: the rows
// held are rewritten at once; the refresh it asks for is the store's.
func BenchmarkBurst10k(b *testing.B) {
	m := benchTab(b)
	updates := make([]store.Update, 10_000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		to := []sms.Status{sms.Sent, sms.Delivered}[i%2]
		for j := range updates {
			updates[j] = store.Update{ID: int64(100_000 - j*10), To: to, At: t0}
		}
		m.Update(common.Event{Event: tracker.Event{Updates: updates}})
		_ = m.View()
	}
}
