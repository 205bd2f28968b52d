// Package batch is the Batch tab's frame. Importing a list (CSV, XLSX),
// previewing it and sending it in chunks arrive with the batch import
// issue; until then the tab says what it will do and what to use now.
package batch

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/smsdash/smsdash/ui/common"
)

// Model is the Batch tab.
type Model struct {
	ctx  *common.Context
	w, h int
}

// New makes the tab.
func New(ctx *common.Context) *Model { return &Model{ctx: ctx} }

func (m *Model) Init() tea.Cmd             { return nil }
func (m *Model) Update(tea.Msg) tea.Cmd    { return nil }
func (m *Model) SetSize(w, h int)          { m.w, m.h = w, h }
func (m *Model) Capturing() bool           { return false }
func (m *Model) ShortHelp() []key.Binding  { return nil }
func (m *Model) FullHelp() [][]key.Binding { return nil }

func (m *Model) View() string {
	t, s := m.ctx.T, m.ctx.S
	out := []string{
		s.Title.Render(t.BatchTitle),
		s.Faint.Render(common.Wrap(t.BatchComing, m.w)),
		"",
	}
	for i, step := range []string{t.BatchFile, t.BatchPreview, t.BatchSend} {
		item := common.Wrap(step, m.w-5)
		out = append(out, "  "+string(rune('1'+i))+". "+strings.ReplaceAll(item, "\n", "\n     "))
	}
	out = append(out, "", s.Faint.Render(common.Wrap(t.BatchMeanwhile, m.w)))
	return common.Fit(strings.Join(out, "\n"), m.w, m.h)
}
