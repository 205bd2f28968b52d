package field

import (
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/smsdash/smsdash/ui/theme"
)

func styles() *theme.Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	return theme.New(r)
}

func keys(in *Input, ks ...tea.KeyMsg) {
	for _, k := range ks {
		in.Update(k)
	}
}

func runes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

func TestEditing(t *testing.T) {
	var in Input
	in.Focus()
	keys(&in, runes("Привет мир"), tea.KeyMsg{Type: tea.KeyCtrlW}, runes("всем"),
		tea.KeyMsg{Type: tea.KeyHome}, tea.KeyMsg{Type: tea.KeyDelete}, runes("п"),
		tea.KeyMsg{Type: tea.KeyEnd}, tea.KeyMsg{Type: tea.KeyBackspace}, tea.KeyMsg{Type: tea.KeySpace})
	if got := in.Value(); got != "привет все " {
		t.Errorf("value %q", got)
	}
	keys(&in, tea.KeyMsg{Type: tea.KeyCtrlU})
	if in.Value() != "" {
		t.Errorf("ctrl+u left %q", in.Value())
	}
	// A paste into a one-line field: line breaks become spaces, control
	// characters go.
	keys(&in, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("a\nb\x07c"), Paste: true})
	if in.Value() != "a bc" {
		t.Errorf("paste %q", in.Value())
	}
}

func TestOneLineScrollsToTheCursor(t *testing.T) {
	var in Input
	in.Focus()
	in.SetValue(strings.Repeat("0123456789", 5))
	v := in.View(20, 1, styles())
	if ansi.StringWidth(v) > 20 || !strings.HasSuffix(v, "6789▏") {
		t.Errorf("end: %q", v)
	}
	keys(&in, tea.KeyMsg{Type: tea.KeyHome})
	if v := in.View(20, 1, styles()); !strings.HasPrefix(v, "▏0123") {
		t.Errorf("home: %q", v)
	}
}

func TestMultilineWrapsAtSpaces(t *testing.T) {
	in := Input{Multiline: true}
	in.Focus()
	in.SetValue("Привет из теста, это длинный текст")
	keys(&in, tea.KeyMsg{Type: tea.KeyEnter}, runes("ещё"))
	got := in.View(16, 5, styles())
	want := "Привет из \nтеста, это \nдлинный текст\nещё▏" // 15 cells and the cursor's bar
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if v := in.View(16, 2, styles()); v != "длинный текст\nещё▏" {
		t.Errorf("two lines keep the cursor's: %q", v)
	}
}

func TestMask(t *testing.T) {
	in := Input{Mask: true}
	in.SetValue("secret")
	if v := in.View(20, 1, styles()); v != "••••••" {
		t.Errorf("masked: %q", v)
	}
}

func TestCursorOnAWrappingSpace(t *testing.T) {
	in := Input{Multiline: true}
	in.Focus()
	in.SetValue("0123456789 abc")
	keys(&in, tea.KeyMsg{Type: tea.KeyHome})
	for range 10 {
		keys(&in, tea.KeyMsg{Type: tea.KeyRight})
	}
	for _, l := range strings.Split(in.View(10, 3, styles()), "\n") {
		if w := ansi.StringWidth(l); w > 10 {
			t.Errorf("line %q is %d wide", l, w)
		}
	}
}
