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

func paste(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: true} }

// A terminal's bracketed paste ends lines with CR; a file's with CRLF or
// LF. Each is one line break in a multi-line field and one separator in
// a list, as is a tab (a spreadsheet row).
func TestPasteLineBreaks(t *testing.T) {
	for _, tc := range []struct {
		name, in, text, list, plain string
	}{
		{"CR", "Привет,\rмир\r!", "Привет,\nмир\n!", "Привет,, мир, !", "Привет, мир !"},
		{"CRLF", "a\r\nb\r\n", "a\nb\n", "a, b, ", "a b "},
		{"LF", "a\nb", "a\nb", "a, b", "a b"},
		{"tab", "a\tb", "a b", "a, b", "a b"},
		{"a run of breaks, blank lines", "a\r\n\r\n\tb", "a\n\n b", "a, b", "a b"},
		{"semicolons stay", "a;b", "a;b", "a;b", "a;b"},
		{"a control between breaks", "a\r\x07\rb", "a\n\nb", "a, b", "a b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := Input{Multiline: true}
			list := Input{Separator: ", "}
			var plain Input
			for _, in := range []*Input{&text, &list, &plain} {
				if !in.Update(paste(tc.in)) {
					t.Errorf("%q: no change", tc.in)
				}
			}
			if text.Value() != tc.text || list.Value() != tc.list || plain.Value() != tc.plain {
				t.Errorf("paste %q: text %q, list %q, plain %q; want %q, %q, %q", tc.in, text.Value(), list.Value(), plain.Value(), tc.text, tc.list, tc.plain)
			}
		})
	}
}

// The paste goes in at the cursor, which ends after it.
func TestPasteAtCursor(t *testing.T) {
	in := Input{Separator: ", "}
	in.SetValue("291112233")
	keys(&in, tea.KeyMsg{Type: tea.KeyHome}, paste("331234567\r"), runes("x"))
	if in.Value() != "331234567, x291112233" {
		t.Errorf("value %q", in.Value())
	}
}
