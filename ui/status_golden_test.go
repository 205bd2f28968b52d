package ui

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/ui/i18n"
)

// seedStatus adds to seed a scheduled message and two of unknown
// outcome, so that the Status tab has a bucket more than a line holds.
func seedStatus(tb testing.TB, a *app.App) {
	tb.Helper()
	seed(tb, a)
	ctx := context.Background()
	ids, err := a.Store.AddQueued(ctx, 0, "agent", "json", []sms.Message{
		{To: "375331112233", Text: "Скидка 10% до пятницы", Sender: "CMC", At: testNow.Add(26 * time.Hour)},
		{To: "375447778899", Text: "Ваш код: 0815", Sender: "CMC"},
		{To: "375256667788", Text: "Ждём вас завтра", Sender: "CMC"},
	})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := a.Store.MarkPending(ctx, ids); err != nil {
		tb.Fatal(err)
	}
	lost := errors.New("no reply")
	if err := a.Store.RecordResults(ctx, ids, []sms.Result{
		{Outcome: sms.Accepted, ID: 5000006, Parts: 1},
		{Outcome: sms.OutcomeUnknown, Err: lost},
		{Outcome: sms.NotSent, Err: lost},
	}); err != nil {
		tb.Fatal(err)
	}
}

// seedAgent adds a message another agent sent, accepted.
func seedAgent(tb testing.TB, a *app.App) {
	tb.Helper()
	ctx := context.Background()
	ids, err := a.Store.AddQueued(ctx, 0, "Анна", "json", []sms.Message{{To: "375291230000", Text: "Ваш заказ отправлен", Sender: "CMC"}})
	if err == nil {
		_, err = a.Store.MarkPending(ctx, ids)
	}
	if err == nil {
		err = a.Store.RecordResults(ctx, ids, []sms.Result{{Outcome: sms.Accepted, ID: 5000009, Parts: 1}})
	}
	if err != nil {
		tb.Fatal(err)
	}
}

// What varies from run to run in the Status tab: the times the store
// gave the seeded messages (a scheduled time, marked @, is fixed).
var (
	statusCreated = regexp.MustCompile(` \d\d-\d\d \d\d:\d\d( 375\d{9})`)
	statusDate    = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`)
	statusClock   = regexp.MustCompile(`\d\d:\d\d:\d\d\.\d{3}`)
)

func scrubStatus(view string) []byte {
	view = simPort.ReplaceAllString(view, "127.0.0.1:PORT")
	view = statusCreated.ReplaceAllString(view, " MM-DD hh:mm$1")
	view = statusDate.ReplaceAllString(view, "YYYY-MM-DD hh:mm:ss")
	return []byte(statusClock.ReplaceAllString(view, "hh:mm:ss.mmm"))
}

// TestGoldenStatus draws the Status tab's views at 80x24 without colour,
// in both languages: the list (every bucket's own mark, the counts
// wrapped, a scheduled time), a typed number's start, a text search, a
// message's details after y, and with a second agent's message, the
// list with its agent column and the list filtered by that agent.
func TestGoldenStatus(t *testing.T) {
	views := []struct {
		name   string
		typed  []string
		wait   map[string]string // a text that shows the keys took effect
		agents bool              // a message of another agent too
	}{
		{"list", nil, nil, false},
		{"number", []string{"n", "8 029 67", "enter"}, map[string]string{"en": "1 of 1", "ru": "1 из 1"}, false},
		{"search", []string{"/", "ВАШ КОД", "enter"}, map[string]string{"en": "1 of 2", "ru": "1 из 2"}, false},
		{"detail", []string{"G", "enter", "y"}, map[string]string{"en": "copied", "ru": "скопировано"}, false},
		{"agents", nil, nil, true},
		{"agent", []string{"a", "a"}, map[string]string{"en": "1 of 1", "ru": "1 из 1"}, true},
	}
	for _, lang := range []string{"en", "ru"} {
		for _, v := range views {
			t.Run(lang+"/"+v.name, func(t *testing.T) {
				a := newApp(t, lang)
				seedStatus(t, a)
				if v.agents {
					seedAgent(t, a)
				}
				m := New(a, asciiRenderer())
				m.SetClock(func() time.Time { return testNow })
				t.Cleanup(m.Close)
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
				tm.Send(keyMsg("alt+3"))
				// The header's balance says the loads are in; the
				// scheduled row, that the list is.
				teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
					return bytes.Contains(b, []byte("90.00")) && bytes.Contains(b, []byte("Скидка"))
				}, teatest.WithDuration(10*time.Second))
				for _, k := range v.typed {
					tm.Send(keyMsg(k))
				}
				if v.typed != nil {
					// The text shown after the last "Loading…": a key's
					// reload may come after an earlier one's list.
					loading := []byte(i18n.For(sms.Lang(lang)).Loading)
					teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
						return bytes.LastIndex(b, []byte(v.wait[lang])) > bytes.LastIndex(b, loading)
					}, teatest.WithDuration(10*time.Second))
				}
				tm.Send(keyMsg("ctrl+c"))
				final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
				teatest.RequireEqualOutput(t, scrubStatus(final.View()))
			})
		}
	}
}
