package status

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/ui/common"
)

// click presses the left button on the first cell of text in line y of
// the view.
func click(tb testing.TB, m *Model, y int, text string) {
	tb.Helper()
	line := strings.Split(m.View(), "\n")[y]
	i := strings.Index(line, text)
	if i < 0 {
		tb.Fatalf("no %q in line %d: %s", text, y, line)
	}
	ms := common.Mouse{MouseMsg: tea.MouseMsg{X: ansi.StringWidth(line[:i]), Y: y, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft}}
	run(tb, m, m.Update(ms))
}

// One agent: no agent column, no agent filter, a does nothing.
func TestOneAgentNoColumn(t *testing.T) {
	m, _ := loaded(t, 7, "en")
	v := m.View()
	if strings.Contains(v, "Agent:") || strings.Contains(v, " agent ") || strings.Contains(v, " ann ") {
		t.Errorf("an agent column or filter with one agent:\n%s", v)
	}
	tap(t, m, "a")
	if m.q.Agent != "" || !strings.Contains(m.View(), "7 messages") {
		t.Errorf("a with one agent filtered by %q", m.q.Agent)
	}
	for _, k := range m.FullHelp()[1] {
		if k.Help().Key == "a" {
			t.Error("the help lists a with one agent")
		}
	}
}

// Two agents: each row says who sent it, the text gives way at 80
// columns; a and A step the filter through the agents and all, a click on
// the filter steps it too, esc clears it.
func TestAgentColumnAndFilter(t *testing.T) {
	for _, lang := range []string{"en", "ru"} {
		t.Run(lang, func(t *testing.T) {
			m, st := newTab(t, lang)
			record(t, st, 0, 1, 7) // "ann"
			ids, err := st.AddQueued(ctx, 0, "Борис Годунов-Длинный", "json", []sms.Message{
				{To: "375291110001", Text: "Первое сообщение Бориса, довольно длинное", Sender: "CMC"},
				{To: "375291110002", Text: "Второе", Sender: "CMC"},
				{To: "375291110003", Text: "Третье", Sender: "CMC"},
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.MarkPending(ctx, ids); err != nil {
				t.Fatal(err)
			}
			run(t, m, m.Init())
			v := m.View()
			lines := strings.Split(v, "\n")
			for i, l := range lines {
				if w := ansi.StringWidth(l); w > 80 {
					t.Errorf("line %d is %d wide:\n%s", i, w, l)
				}
			}
			agent, all, label := "agent", "all", "Agent:"
			if lang == "ru" {
				agent, all, label = "агент", "все", "Агент:"
			}
			line := func(has string) string {
				for _, l := range lines {
					if strings.Contains(l, has) {
						return l
					}
				}
				t.Fatalf("no line with %q:\n%s", has, v)
				return ""
			}
			if !strings.Contains(line(" # "), " "+agent+" ") || !strings.Contains(lines[0], "   "+label+" "+all+"   ") {
				t.Errorf("no agent column or filter:\n%s", v)
			}
			if b := line("375291110001"); !strings.Contains(b, "Борис Го… Первое сообщение") || strings.Contains(b, "довольно длинное") ||
				!strings.Contains(line("375296700007"), " ann ") {
				t.Errorf("rows without their agent, or the text not cut:\n%s", v)
			}
			size := func(want int) {
				t.Helper()
				if m.size() != want {
					t.Errorf("filter %q: %d messages, want %d:\n%s", m.agent, m.size(), want, m.View())
				}
			}
			tap(t, m, "a")
			if size(7); !strings.Contains(m.View(), label+" ann") {
				t.Errorf("a: the bar does not say ann:\n%s", m.View())
			}
			tap(t, m, "a")
			if size(3); !strings.Contains(m.View(), label+" Борис Годун…") {
				t.Errorf("a again: the bar does not say Борис:\n%s", m.View())
			}
			tap(t, m, "a")
			size(10)
			tap(t, m, "A")
			size(3)
			tap(t, m, "esc")
			size(10)
			click(t, m, 0, label)
			size(7)
			// With the status filter: ann's Delivered.
			tap(t, m, "s")
			if m.q.Agent != "ann" || m.q.Status == "" || m.size() != m.counts[m.q.Status] || m.size() == 0 {
				t.Errorf("agent and status together: %+v, %d", m.q, m.size())
			}
		})
	}
}
