package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/store"
)

// A terminal's bracketed paste ends lines with CR, a file's with CRLF or
// LF, a spreadsheet row separates with tabs: in To each is a separator,
// as ";" is; in Text a line break that goes out as one.
func TestComposePaste(t *testing.T) {
	for _, tc := range []struct{ name, to, text string }{
		{"CR", "291112233\r331234567\r", "Строка 1\rСтрока 2\rСтрока 3"},
		{"CRLF", "291112233\r\n331234567\r\n", "Строка 1\r\nСтрока 2\r\nСтрока 3"},
		{"LF", "291112233\n331234567", "Строка 1\nСтрока 2\nСтрока 3"},
		{"semicolon", "291112233;331234567", "Строка 1\nСтрока 2\r\nСтрока 3\r"},
		{"tab", "291112233\t331234567", "Строка 1\rСтрока 2\nСтрока 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newModel(t, "en")
			press(t, m, "paste:"+tc.to)
			v := m.View()
			if !strings.Contains(v, "✓ 375291112233, 375331234567") || strings.Contains(v, "✗") {
				t.Fatalf("To %q:\n%s", tc.to, v)
			}
			press(t, m, "tab", "tab", "paste:"+tc.text)
			lines := strings.Split(m.View(), "\n")
			at := -1
			for i, l := range lines {
				if strings.HasPrefix(l, "› Text      Строка 1") {
					at = i
				}
			}
			if at < 0 || !strings.HasPrefix(lines[at+1], strings.Repeat(" ", 12)+"Строка 2") || !strings.HasPrefix(lines[at+2], strings.Repeat(" ", 12)+"Строка 3") {
				t.Fatalf("Text %q is not three lines:\n%s", tc.text, m.View())
			}
			press(t, m, "ctrl+s")
			rows, err := m.core.Store.Latest(m.ctx.Base, store.Filter{})
			if err != nil || len(rows) != 2 {
				t.Fatalf("%d messages sent, %v:\n%s", len(rows), err, m.View())
			}
			for _, r := range rows {
				if want := strings.TrimSuffix(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(tc.text), "\n"); strings.TrimSuffix(r.Text, "\n") != want {
					t.Errorf("sent %q, want %q", r.Text, want)
				}
			}
		})
	}
}

// textRows is how many rows the text box has: from its label to the
// counter below it.
func textRows(t *testing.T, view string) int {
	t.Helper()
	lines := strings.Split(view, "\n")
	from, to := -1, -1
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "› Text") || strings.HasPrefix(l, "  Text"):
			from = i
		case from >= 0 && to < 0 && strings.HasPrefix(l, "            type the message"):
			to = i
		}
	}
	if from < 0 || to < 0 {
		t.Fatalf("no text box:\n%s", view)
	}
	return to - from
}

// The text box takes the rows the form leaves: of the 21 body rows at
// 80x24, To, its hint and From take 3; the counter, Send at, its note,
// Valid for, the button and the note's spare row 6; 12 are the text's.
// At 120x40 the body has 37 rows: 28. The last send's lines take their
// rows from the text.
func TestComposeTextHeight(t *testing.T) {
	m := newModel(t, "en")
	press(t, m, "esc")
	if n := textRows(t, m.View()); n != 12 {
		t.Errorf("80x24: %d text rows, want 12:\n%s", n, m.View())
	}
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	if n := textRows(t, m.View()); n != 28 {
		t.Errorf("120x40: %d text rows, want 28:\n%s", n, m.View())
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	press(t, m, "tab", "paste:291234561\r291234562\r291234563\r291234564", "tab", "tab", "Hello", "ctrl+s")
	v := m.View()
	if n := textRows(t, v); n != 12-5 || strings.Count(v, "accepted") != 4 {
		t.Errorf("with 4 results: %d text rows, want 7:\n%s", n, v)
	}
}

// deliver records a status for the last send's message to number, as the
// tracker would, and hands the event it publishes to the model.
func deliver(t *testing.T, m *Model, number string, st sms.Status) {
	t.Helper()
	a := m.core
	ctx := context.Background()
	rows, err := a.Store.Latest(ctx, store.Filter{Recipient: number})
	if err != nil || len(rows) == 0 {
		t.Fatalf("no message to %s: %v", number, err)
	}
	if _, err := a.Store.ApplyStatuses(ctx, "http", []sms.StatusReport{{ID: rows[0].GatewayID, Status: st, Parts: 1}}); err != nil {
		t.Fatal(err)
	}
	if n, err := a.Feed.CatchUp(ctx); err != nil || n != 1 {
		t.Fatalf("CatchUp = %d, %v", n, err)
	}
	// The event is pending: the wait returns at once. The wait it re-arms
	// is not run, so that it takes no later event.
	ev := make(chan tea.Msg, 1)
	go func() { ev <- m.waitEvent()() }() // ends with the model (Close) at the latest
	select {
	case msg := <-ev:
		m.Update(msg)
	case <-time.After(10 * time.Second):
		t.Fatal("no event")
	}
}

// The last send's lines follow the tracker's events.
func TestComposeLastSendFollowsStatus(t *testing.T) {
	for _, tc := range []struct{ lang, accepted, sent, delivered string }{
		{"en", "↑ 375296717259  accepted", "→ 375296717259  Sent", "✓ 375296717259  Delivered"},
		{"ru", "↑ 375296717259  принято", "→ 375296717259  Отправлено", "✓ 375296717259  Доставлено"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			m := newModel(t, tc.lang)
			press(t, m, "8(029)671-72-59, 331234567", "tab", "tab", "Привет", "ctrl+s")
			if v := m.View(); !strings.Contains(v, tc.accepted) {
				t.Fatalf("after the send:\n%s", v)
			}
			deliver(t, m, "375296717259", sms.Sent)
			if v := m.View(); !strings.Contains(v, tc.sent) {
				t.Fatalf("after Sent:\n%s", v)
			}
			deliver(t, m, "375296717259", sms.Delivered)
			v := m.View()
			if !strings.Contains(v, tc.delivered) || !strings.Contains(v, "375331234567  "+strings.Fields(tc.accepted)[2]) {
				t.Errorf("after Delivered to one of two:\n%s", v)
			}
		})
	}
}

// A status the tracker recorded before the send's reply reached the tab
// (its event gone to nobody yet) is read from the history once the lines
// are shown.
func TestComposeLastSendCatchesUp(t *testing.T) {
	m := newModel(t, "en")
	press(t, m, "8(029)671-72-59", "tab", "tab", "Привет")
	_, cmd := m.Update(keyMsg("ctrl+s"))
	sent := cmd() // the send, its reply not yet given to the model
	rows, err := m.core.Store.Latest(context.Background(), store.Filter{})
	if err != nil || len(rows) != 1 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	if _, err := m.core.Store.ApplyStatuses(context.Background(), "http", []sms.StatusReport{{ID: rows[0].GatewayID, Status: sms.Delivered}}); err != nil {
		t.Fatal(err)
	}
	settle(t, m, func() tea.Msg { return sent })
	if v := m.View(); !strings.Contains(v, "✓ 375296717259  Delivered") {
		t.Errorf("the status recorded before the reply:\n%s", v)
	}
}

// A scheduled send says when it goes.
func TestComposeScheduledSendSaysWhen(t *testing.T) {
	// The simulator checks date_send against the real clock.
	at := time.Now().Add(3 * time.Hour).In(sms.Minsk).Format(sms.TypedLayout)
	for lang, want := range map[string]string{
		"en": "Last send, scheduled for " + at + " Minsk time",
		"ru": "Последняя отправка, на " + at + " по Минску",
	} {
		m := newModel(t, lang)
		press(t, m, "8(029)671-72-59", "tab", "tab", "Привет", "tab", at, "ctrl+s")
		if v := m.View(); !strings.Contains(v, want) || !strings.Contains(v, "375296717259  ") {
			t.Errorf("%s:\n%s", lang, v)
		}
	}
}

// Before sending: what the draft takes (recipients × parts), the
// duplicate and the rejected number left out; the counter in plain words.
func TestComposeCostAndAlphabet(t *testing.T) {
	for _, tc := range []struct{ lang, text, counter, cost string }{
		{"en", strings.Repeat("я", 71), "71 chars · Cyrillic: 67 per SMS · parts: 2", "2 recipients × 2 parts = 4 SMS"},
		{"ru", strings.Repeat("я", 71), "71 символ · кириллица: 67 в SMS · частей: 2", "2 получателя × 2 части = 4 SMS"},
		{"en", "Hello", "5 chars · Latin: 160 per SMS · parts: 1 · 155 left", "2 recipients × 1 part = 2 SMS"},
		{"ru", strings.Repeat("a", 161), "161 символ · латиница: 153 в SMS · частей: 2", "2 получателя × 2 части = 4 SMS"},
		{"en", "Hello — world", "13 chars · “—” is not in the SMS alphabet: 70 per SMS", "2 recipients × 1 part = 2 SMS"},
		{"ru", "Hello — world", "13 символов · «—» нет в алфавите SMS: 70 в SMS", "2 получателя × 1 часть = 2 SMS"},
	} {
		m := newModel(t, tc.lang)
		press(t, m, "8(029)671-72-59, 331234567, 80296717259, 12345", "tab", "tab", tc.text)
		v := m.View()
		if !strings.Contains(v, tc.counter) || !strings.Contains(v, "ctrl+s ]  "+tc.cost) {
			t.Errorf("%s %.10q: want %q and %q:\n%s", tc.lang, tc.text, tc.counter, tc.cost, v)
		}
	}
}
