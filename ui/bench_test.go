package ui

import (
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/smsdash/smsdash/sms"
)

// BenchmarkStartToFirstFrame: from a prepared core to the first frame
// (the history and balance load after it, in commands).
func BenchmarkStartToFirstFrame(b *testing.B) {
	a := newApp(b, "en")
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	b.ReportAllocs()
	for b.Loop() {
		m := New(a, r)
		m.Init()
		m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
		if m.View() == "" {
			b.Fatal("no frame")
		}
		m.Close()
	}
}

// BenchmarkFrameCursorMove: a key press in the Status tab holding
// 100,000 messages of the store, through the root model: Update and the
// whole frame (header, tabs, table, help).
func BenchmarkFrameCursorMove(b *testing.B) {
	a := newApp(b, "en")
	msgs := make([]sms.Message, 10_000)
	for i := range msgs {
		msgs[i] = sms.Message{To: "375296717259", Text: "Ваш код подтверждения: 4711. Никому его не сообщайте.", Sender: "CMC"}
	}
	for range 10 {
		if _, err := a.Store.AddQueued(b.Context(), 0, "agent", "json", msgs); err != nil {
			b.Fatal(err)
		}
	}
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	m := New(a, r)
	b.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	settle(b, m, m.Init())
	press(b, m, "alt+3")
	if !strings.Contains(m.View(), "1 of 100000") {
		b.Fatalf("not loaded:\n%s", m.View())
	}
	down := keyMsg("down")
	b.ReportAllocs()
	for b.Loop() {
		m.Update(down)
		_ = m.View()
	}
}
