package status

import (
	"context"
	"fmt"
	"io"
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

// newTab is the tab without a store: rows are handed to it directly.
func newTab(tb testing.TB, colour bool) *Model {
	tb.Helper()
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	if colour {
		r.SetColorProfile(termenv.ANSI)
	}
	cfg := config.Default()
	cfg.UI.Lang = "en"
	ctx := &common.Context{
		App: &app.App{Config: cfg}, T: i18n.For(sms.EN), S: theme.New(r),
		Now: func() time.Time { return t0 }, Base: context.Background(),
	}
	m := New(ctx)
	m.SetSize(80, 21)
	return m
}

// rows makes n messages, newest first as the store returns them.
func rows(n int) []store.Row {
	out := make([]store.Row, n)
	statuses := []sms.Status{sms.Delivered, sms.Delivered, sms.Delivered, sms.Sent, sms.Queued, sms.Rejected, sms.Expired}
	for i := range out {
		id := int64(n - i)
		out[i] = store.Row{
			ID: id, GatewayID: 3_000_000_000 + id, Recipient: fmt.Sprintf("3752967%05d", id%100_000),
			Text: fmt.Sprintf("Ваш код подтверждения: %04d. Никому его не сообщайте.", id%10000), Sender: "CMC",
			Transport: "json", Parts: 1, State: store.StateAccepted, Status: statuses[id%int64(len(statuses))],
			CreatedAt: t0.Add(time.Duration(id) * time.Second), UpdatedAt: t0.Add(time.Duration(id) * time.Second),
		}
	}
	return out
}

func loaded(tb testing.TB, n int, colour bool) *Model {
	m := newTab(tb, colour)
	m.Update(loadedMsg{seq: m.seq, rows: rows(n)})
	return m
}

func press(k string) tea.KeyMsg {
	switch k {
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

func TestNewestFirstAndCounts(t *testing.T) {
	m := loaded(t, 7, false)
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

func TestApplyUpdatesOneRedraw(t *testing.T) {
	m := loaded(t, 5, false)
	m.View()
	ev := tracker.Event{Updates: []store.Update{{ID: 4, From: sms.Queued, To: sms.Delivered, At: t0}, {ID: 99, To: sms.Sent}}}
	cmd := m.Update(common.Event{Event: ev})
	if cmd == nil || !m.fetching {
		t.Error("an update for a message not held must fetch the new ones")
	}
	if r := m.rows[m.index[4]]; r.Status != sms.Delivered || !r.Final {
		t.Errorf("row 4: %+v", r)
	}
	if v := m.View(); !strings.Contains(v, "✓ Delivered 3") || strings.Contains(v, "Queued") {
		t.Errorf("counts after the update:\n%s", v)
	}
}

func TestFilters(t *testing.T) {
	m := loaded(t, 70, false)
	m.Update(press("s")) // the first bucket that has messages: Queued
	if m.status != "Queued" || len(m.view) != 10 {
		t.Fatalf("status filter %q: %d rows", m.status, len(m.view))
	}
	for _, p := range m.view {
		if m.rows[p].Status != sms.Queued {
			t.Fatalf("row %d is %v", m.rows[p].ID, m.rows[p].Status)
		}
	}
	// An update moves a row out of the filtered set.
	id := m.rows[m.view[0]].ID
	m.Update(common.Event{Event: tracker.Event{Updates: []store.Update{{ID: id, From: sms.Queued, To: sms.Sent, At: t0}}}})
	if len(m.view) != 9 {
		t.Errorf("after the update: %d rows, want 9", len(m.view))
	}
	m.Update(press("esc"))
	m.Update(press("/"))
	if !m.Capturing() {
		t.Fatal("/ must focus the search")
	}
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("КОД ПОДТВЕРЖДЕНИЯ: 0007")})
	if len(m.view) != 1 || m.rows[m.view[0]].ID != 7 {
		t.Errorf("search (case ignored in Cyrillic too): %d rows", len(m.view))
	}
	m.Update(press("enter"))
	m.Update(press("esc"))
	m.Update(press("n"))
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("8(029)670-00-12")})
	if len(m.view) != 1 || m.rows[m.view[0]].ID != 12 {
		t.Errorf("number filter: %d rows", len(m.view))
	}
}

// One batch's messages, as the Batch tab asks for them after a send:
// the counts are the batch's; updates to other messages leave them be;
// esc shows everything again.
func TestBatchFilter(t *testing.T) {
	m := newTab(t, false)
	all := rows(70)
	for i := range all {
		if all[i].ID%2 == 0 {
			all[i].BatchID = 7
		}
	}
	m.Update(loadedMsg{seq: m.seq, rows: all})
	m.Update(press("s")) // a status filter the batch view replaces
	m.Update(common.ShowBatch{ID: 7})
	if len(m.view) != 35 || m.status != "" {
		t.Fatalf("batch 7: %d rows, status filter %q", len(m.view), m.status)
	}
	for _, p := range m.view {
		if m.rows[p].BatchID != 7 {
			t.Fatalf("row %d of batch %d", m.rows[p].ID, m.rows[p].BatchID)
		}
	}
	if v := m.View(); !strings.Contains(v, "Batch: #7") || !strings.Contains(v, "35 messages") {
		t.Errorf("view:\n%s", v)
	}
	// An update to a message of no batch leaves the batch's counts.
	m.Update(common.Event{Event: tracker.Event{Updates: []store.Update{{ID: 3, From: sms.Sent, To: sms.Delivered, At: t0}}}})
	if v := m.View(); !strings.Contains(v, "35 messages") {
		t.Errorf("after an update elsewhere:\n%s", v)
	}
	m.Update(press("esc"))
	if len(m.view) != 70 || m.batch != 0 {
		t.Errorf("esc: %d rows, batch %d", len(m.view), m.batch)
	}
}

func TestCopyID(t *testing.T) {
	m := loaded(t, 3, false)
	cmd := m.Update(press("y"))
	if cmd == nil {
		t.Fatal("y gave no command")
	}
	if c, ok := cmd().(common.Copy); !ok || c.Text != "3000000003" {
		t.Errorf("copy: %#v", cmd())
	}
	if !strings.Contains(m.View(), "copied 3000000003") {
		t.Error("no confirmation")
	}
}

func TestLateLoadIsDropped(t *testing.T) {
	m := loaded(t, 3, false)
	m.load()
	m.Update(loadedMsg{seq: m.seq - 1, rows: rows(1)})
	if len(m.rows) != 3 {
		t.Errorf("an older load replaced the table: %d rows", len(m.rows))
	}
}

func TestScrollKeepsCursorVisible(t *testing.T) {
	m := loaded(t, 1000, false)
	for range 40 {
		m.Update(press("down"))
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

// The benchmarks of the issue: 100,000 messages in the tab.

func BenchmarkView(b *testing.B) {
	m := loaded(b, Limit, true)
	m.View()
	b.ReportAllocs()
	for b.Loop() {
		_ = m.View()
	}
}

func BenchmarkCursorMove(b *testing.B) {
	m := loaded(b, Limit, true)
	m.View()
	down, home := press("down"), press("g")
	b.ReportAllocs()
	for b.Loop() {
		if m.cursor == len(m.view)-1 {
			m.Update(home)
		}
		m.Update(down)
		_ = m.View()
	}
}

func BenchmarkBurst10k(b *testing.B) {
	m := loaded(b, Limit, true)
	m.View()
	updates := make([]store.Update, 10_000)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		to := []sms.Status{sms.Sent, sms.Delivered}[i%2]
		for j := range updates {
			// Spread over the table, the visible window included.
			updates[j] = store.Update{ID: int64(Limit - j*10), To: to, At: t0}
		}
		m.Update(common.Event{Event: tracker.Event{Updates: updates}})
		_ = m.View()
	}
}
