package ui

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
)

// seed fills the history with a few messages in every state and a
// balance history, all at fixed times except the messages' creation.
func seed(tb testing.TB, a *app.App) {
	tb.Helper()
	ctx := context.Background()
	msgs := []sms.Message{
		{To: "375296717259", Text: "Ваш код: 4711", Sender: "CMC"},
		{To: "375331234500", Text: "Привет от smsdash!", Sender: "CMC"},
		{To: "375447654321", Text: "Заказ №1024 готов к выдаче", Sender: "CMC"},
		{To: "375255551234", Text: "Hello from smsdash", Sender: "CMC"},
		{To: "375291112233", Text: "Напоминание о записи на завтра", Sender: "CMC"},
	}
	ids, err := a.Store.AddQueued(ctx, 0, "agent", "json", msgs)
	if err != nil {
		tb.Fatal(err)
	}
	results := []sms.Result{
		{Outcome: sms.Accepted, ID: 5000001, Parts: 1},
		{Outcome: sms.Accepted, ID: 5000002, Parts: 1},
		{Outcome: sms.Accepted, ID: 5000003, Parts: 1},
		{Outcome: sms.Refused, Code: sms.CodeBadRecipient},
		{Outcome: sms.Accepted, ID: 5000005, Parts: 1},
	}
	if err := a.Store.RecordResults(ctx, ids, results); err != nil {
		tb.Fatal(err)
	}
	if _, err := a.Store.ApplyStatuses(ctx, "http", []sms.StatusReport{
		{ID: 5000001, Status: sms.Delivered, Parts: 1},
		{ID: 5000002, Status: sms.Rejected, Parts: 1},
		{ID: 5000003, Status: sms.Sent, Parts: 1},
	}); err != nil {
		tb.Fatal(err)
	}
	for i, credits := range []float64{100, 99, 99, 97, 96, 96, 93, 92, 90} {
		at := testNow.Add(time.Duration(i-9) * 20 * time.Minute)
		if err := a.Store.RecordBalance(ctx, credits, at); err != nil {
			tb.Fatal(err)
		}
	}
}

// What varies from run to run: the simulator's port and the time the
// store gave the seeded messages.
var (
	simPort    = regexp.MustCompile(`127\.0\.0\.1:\d+`)
	createdAts = regexp.MustCompile(`\d\d-\d\d \d\d:\d\d( 375\d{9})`)
)

func scrub(view string) []byte {
	view = simPort.ReplaceAllString(view, "127.0.0.1:PORT")
	return []byte(createdAts.ReplaceAllString(view, "MM-DD hh:mm$1"))
}

// TestGolden draws every tab in both languages at 80x24 without colour
// through a running program (teatest) and compares the final view.
func TestGolden(t *testing.T) {
	tabs := []struct {
		name, key string
		typed     []string
		wait      map[string]string // a text that shows the tab is drawn with its data
	}{
		{"compose", "alt+1", []string{"8(029)671-72-59, 29671725", "tab", "tab", "Привет! Ваш заказ готов."}, map[string]string{"en": "готов.", "ru": "готов."}},
		{"compose-paste", "alt+1", []string{"paste:291112233\r331234567\r", "tab", "tab", "paste:Заказ №1024 готов.\rЖдём вас!"}, map[string]string{"en": "вас!", "ru": "вас!"}},
		{"compose-sent", "alt+1", []string{"paste:291112233\r331234567\r", "tab", "tab", "paste:Заказ №1024 готов.\rЖдём вас!", "ctrl+s"}, map[string]string{"en": "Last send", "ru": "Последняя отправка"}},
		{"batch", "alt+2", nil, map[string]string{"en": "Batch send", "ru": "Пакетная рассылка"}},
		{"status", "alt+3", nil, map[string]string{"en": "Delivered", "ru": "Доставлено"}},
		{"balance", "alt+4", nil, map[string]string{"en": "Balance: 90.00", "ru": "Баланс: 90.00"}},
		{"settings", "alt+5", []string{"tab", "tab"}, map[string]string{"en": "[account]", "ru": "[account]"}},
	}
	for _, lang := range []string{"en", "ru"} {
		for _, tab := range tabs {
			t.Run(lang+"/"+tab.name, func(t *testing.T) {
				a := newApp(t, lang)
				a.ConfigPath = "/home/agent/.config/smsdash/config.toml"
				seed(t, a)
				m := New(a, asciiRenderer())
				m.SetClock(func() time.Time { return testNow })
				t.Cleanup(m.Close)
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
				for _, k := range append([]string{tab.key}, tab.typed...) {
					tm.Send(keyMsg(k))
				}
				teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
					// The header's balance says the loads are in too.
					return bytes.Contains(b, []byte(tab.wait[lang])) && bytes.Contains(b, []byte("90.00"))
				}, teatest.WithDuration(10*time.Second))
				tm.Send(keyMsg("ctrl+c"))
				final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
				teatest.RequireEqualOutput(t, scrub(final.View()))
			})
		}
	}
}
