package ui

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/store"
)

// sessionModel is the dashboard of session s over a, at 80x24.
func sessionModel(t *testing.T, a *app.App, s app.Session) *Model {
	t.Helper()
	m := NewSession(a, s, asciiRenderer())
	m.SetClock(func() time.Time { return testNow })
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return m
}

// Two sessions on one core: each speaks its own language, and switching
// one changes neither the other nor the config; a config put to work
// reaches both through the hub.
func TestSessionsShareTheCore(t *testing.T) {
	a := newApp(t, "en")
	en, ru := sessionModel(t, a, app.Session{Admin: true}), sessionModel(t, a, app.Session{Lang: sms.RU})
	if !strings.Contains(en.View(), "1 Compose") || !strings.Contains(ru.View(), "1 Написать") {
		t.Fatalf("languages:\n%s\n%s", en.View(), ru.View())
	}
	ru.ctx.SetLang(sms.EN)
	en.ctx.SetLang(sms.RU)
	if !strings.Contains(en.View(), "1 Написать") || !strings.Contains(ru.View(), "1 Compose") || a.Config().UI.Lang != "en" {
		t.Errorf("after the switch: config %s\n%s\n%s", a.Config().UI.Lang, en.View(), ru.View())
	}
	reconfigure(t, a, func(c *config.Config) { c.Account.Login = "acme" })
	for _, m := range []*Model{en, ru} {
		settle(t, m, m.waitEvent())
		if v := m.View(); !strings.Contains(v, "acme · ") {
			t.Errorf("the new config is not shown:\n%s", v)
		}
	}
}

// A send records the agent of the session it came from; the local
// session records the config's.
func TestSendRecordsSessionAgent(t *testing.T) {
	a := newApp(t, "en")
	for _, tc := range []struct {
		s     app.Session
		agent string
	}{{app.Session{Agent: "bob"}, "bob"}, {app.Local(), "agent"}} {
		m := sessionModel(t, a, tc.s)
		composeSend(t, m)
		rows, err := a.Store.Latest(context.Background(), store.Filter{Limit: 1})
		if err != nil || len(rows) != 1 || rows[0].Agent != tc.agent {
			t.Fatalf("%+v: rows %+v %v, want agent %s", tc.s, rows, err, tc.agent)
		}
	}
}

// A session that is not an admin's may read the settings, not save them
// nor move the file aside: it is told why, in its language, and the file
// stays as it was.
func TestSettingsRefusedToNonAdmin(t *testing.T) {
	for _, tc := range []struct {
		lang        sms.Lang
		want, moved string
	}{
		{sms.EN, "only an administrator may change the settings", "Not moved: "},
		{sms.RU, "менять настройки может только администратор", "Не перемещён: "},
	} {
		owner, content := fileModel(t)
		m := sessionModel(t, owner.core, app.Session{Lang: tc.lang})
		press(t, m, "alt+5")
		focusSetting(t, m, "account.login")
		// Refused as it is typed: nothing typed there could be tested
		// (ctrl+t) with the account's secrets, nor saved.
		press(t, m, "ctrl+u", "acme")
		if v := strings.Join(strings.Fields(m.View()), " "); !strings.Contains(v, tc.want) || strings.Contains(v, "acme") {
			t.Errorf("%s: the edit is not refused:\n%s", tc.lang, m.View())
		}
		press(t, m, "esc", "ctrl+d", "ctrl+d")
		if v := strings.Join(strings.Fields(m.View()), " "); !strings.Contains(v, tc.moved+tc.want) {
			t.Errorf("%s: moving aside is not refused:\n%s", tc.lang, m.View())
		}
		if data, err := os.ReadFile(owner.core.ConfigPath); err != nil || string(data) != content || owner.core.Config().Account.Login == "acme" {
			t.Errorf("%s: the file or the config changed: %v\n%s", tc.lang, err, data)
		}
	}
}
