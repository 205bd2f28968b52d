package batch

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/filepicker"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/ui/common"
)

// listTypes are the files the picker offers; others are shown greyed.
// The picker compares suffixes with case, and Excel on Windows often
// writes upper-case names.
var listTypes = []string{".csv", ".CSV", ".txt", ".TXT", ".tsv", ".TSV", ".xlsx", ".XLSX"}

// newPicker opens bubbles' file picker in the directory of the typed
// path, or the working directory.
func newPicker(ctx *common.Context, typed string, height int) filepicker.Model {
	t := ctx.T
	fp := filepicker.New()
	fp.CurrentDirectory = startDir(typed)
	fp.AllowedTypes = listTypes
	fp.ShowPermissions = false
	fp.AutoHeight = false
	fp.SetHeight(max(height, 3))
	fp.Styles = filepicker.DefaultStylesWithRenderer(ctx.S.R)
	fp.Styles.EmptyDirectory = ctx.S.Faint.PaddingLeft(2).SetString(t.PickEmpty)
	// esc closes the picker (the tab's key), so it is not "back" here.
	fp.KeyMap.Back = key.NewBinding(key.WithKeys("left", "backspace", "h"), key.WithHelp("←", t.PickUp))
	fp.KeyMap.Open = key.NewBinding(key.WithKeys("right", "enter", "l"), key.WithHelp("enter", t.PickOpen))
	fp.KeyMap.Select = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", t.PickOpen))
	return fp
}

// startDir is an absolute directory to start in: the typed path's own
// (or its parent's), else the working directory. Absolute, so that
// going up works past the start.
func startDir(typed string) string {
	p := expand(typed)
	if p != "" {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return abs(p)
		}
		if st, err := os.Stat(filepath.Dir(p)); err == nil && st.IsDir() {
			return abs(filepath.Dir(p))
		}
	}
	return abs(".")
}

func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// openPicker shows the picker; its first directory read is the command.
func (m *Model) openPicker() tea.Cmd {
	m.picker = newPicker(m.ctx, m.path.Value(), m.pickerHeight())
	m.picking, m.pickNote = true, ""
	m.setFocus(common.NoFocus)
	return m.picker.Init()
}

// pickerHeight: the tab's height less the title, the path and the hint.
func (m *Model) pickerHeight() int { return m.h - 4 }

// pickKey passes a key to the open picker; a chosen list is loaded.
func (m *Model) pickKey(msg tea.KeyMsg) tea.Cmd {
	if msg.Type == tea.KeyEsc {
		m.picking = false
		return nil
	}
	var cmd tea.Cmd
	m.picker, cmd = m.picker.Update(msg)
	m.pickNote = ""
	if ok, p := m.picker.DidSelectFile(msg); ok {
		m.picking = false
		m.path.SetValue(p)
		m.setFocus(fPath)
		return tea.Batch(cmd, m.load())
	}
	if ok, p := m.picker.DidSelectDisabledFile(msg); ok {
		m.pickNote = sms.Safe(strings.TrimSpace(filepath.Base(p))) + ": " + m.ctx.T.PickNotList
	}
	return cmd
}

func (m *Model) pickerKeys() []key.Binding {
	t, km := m.ctx.T, m.picker.KeyMap
	return []key.Binding{
		key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", t.PickMove)),
		km.Open, km.Back,
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", t.PickClose)),
	}
}

func (m *Model) pickerView() string {
	t, s := m.ctx.T, m.ctx.S
	out := []string{
		s.Title.Render(t.BatchTitle),
		common.Trunc(s.Title.Render(t.PickTitle)+" "+sms.Safe(m.picker.CurrentDirectory), m.w),
	}
	if m.pickNote != "" {
		out = append(out, s.Warn.Render(common.Trunc("⚠ "+m.pickNote, m.w)))
	} else {
		out = append(out, s.Faint.Render(common.Trunc(t.PickHint, m.w)))
	}
	// The picker draws file names itself: anyone may name a file.
	out = append(out, common.SafeView(strings.TrimRight(m.picker.View(), "\n")))
	return common.Fit(strings.Join(out, "\n"), m.w, m.h)
}
