package theme

import (
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

func styles(p termenv.Profile, dark bool) *Styles {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(p)
	r.SetHasDarkBackground(dark)
	return New(r)
}

// TestFaintAdapts: faint text is never bright black on a dark
// background (Solarized Dark's background), and stays grey on a light one.
func TestFaintAdapts(t *testing.T) {
	for _, c := range []struct {
		p     termenv.Profile
		dark  bool
		want  string
		never string
	}{
		{termenv.ANSI, true, "\x1b[37m", "\x1b[90m"},
		{termenv.ANSI, false, "\x1b[90m", "\x1b[37m"},
		{termenv.ANSI256, true, "38;5;246", "38;5;8m"},
		{termenv.ANSI256, false, "38;5;242", "38;5;8m"},
		{termenv.TrueColor, true, "38;2;147;147;147", "\x1b[90m"}, // #949494, as lipgloss rounds it
		{termenv.TrueColor, false, "38;2;108;108;108", "\x1b[90m"},
	} {
		s := styles(c.p, c.dark)
		for name, st := range map[string]lipgloss.Style{"Faint": s.Faint, "Label": s.Label, "Tab": s.Tab, "help": s.Help.ShortDesc, "unknown": s.Bucket("Unknown")} {
			got := st.Render("x")
			if !strings.Contains(got, c.want) || strings.Contains(got, c.never) {
				t.Errorf("%s, profile %v, dark %v: %q, want %q and never %q", name, c.p, c.dark, got, c.want, c.never)
			}
		}
	}
	// Yellow on white is a darker shade than on black.
	if l, d := styles(termenv.ANSI256, false).Warn.Render("x"), styles(termenv.ANSI256, true).Warn.Render("x"); l == d || !strings.Contains(l, "38;5;136") {
		t.Errorf("warn: light %q, dark %q", l, d)
	}
}

// TestNoColor: with the Ascii profile (NO_COLOR) no style draws an
// escape sequence, and the focus marks take over.
func TestNoColor(t *testing.T) {
	s := styles(termenv.Ascii, true)
	if !s.Plain {
		t.Fatal("Ascii is not plain")
	}
	all := []lipgloss.Style{s.App, s.Demo, s.Tab, s.ActiveTab, s.Title, s.Label, s.Focused, s.Faint, s.Cursor, s.Selected, s.Button, s.ButtonOn, s.OK, s.Warn, s.Err}
	for _, b := range Buckets {
		all = append(all, s.Bucket(b))
	}
	for i, st := range all {
		if got := st.Render("x"); got != "x" {
			t.Errorf("style %d draws %q", i, got)
		}
	}
	if got := s.CursorCell("a"); got != "▏a" {
		t.Errorf("cursor %q", got)
	}
}

// Without colour a bucket is told by its mark: each has its own, one cell wide.
func TestSymbolsDistinct(t *testing.T) {
	seen := map[string]string{}
	for _, b := range Buckets {
		s := Symbol(b)
		if s == " " || ansi.StringWidth(s) != 1 {
			t.Errorf("bucket %s: mark %q", b, s)
		}
		if other, ok := seen[s]; ok {
			t.Errorf("buckets %s and %s share the mark %q", other, b, s)
		}
		seen[s] = b
	}
	if len(symbols) != len(Buckets) {
		t.Errorf("%d marks for %d buckets", len(symbols), len(Buckets))
	}
}
