// Package theme builds the dashboard's styles from a lipgloss renderer.
//
// Styles are never package-level: over SSH every session has its own
// renderer (its own colour profile and background), so each program
// builds its own. The hues are the terminal's ANSI colours, so the
// agent's own palette decides their shades; grey and yellow, which
// vanish on one background or the other (bright black is the background
// of Solarized Dark, yellow is faint on white), adapt to the background
// the renderer reports. Colour never carries meaning alone: every status
// also has a word and a symbol.
package theme

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/store"
)

// ANSI colours by number; the terminal's theme picks the actual shade.
const (
	red     = lipgloss.Color("1")
	green   = lipgloss.Color("2")
	blue    = lipgloss.Color("4")
	magenta = lipgloss.Color("5")
	cyan    = lipgloss.Color("6")
)

// grey and yellow by background. With 16 colours a dark background gets
// white (7) for grey, which no common dark theme uses as its background;
// with 256 colours and more, set shades read on either.
var (
	grey = lipgloss.CompleteAdaptiveColor{
		Light: lipgloss.CompleteColor{TrueColor: "#6c6c6c", ANSI256: "242", ANSI: "8"},
		Dark:  lipgloss.CompleteColor{TrueColor: "#949494", ANSI256: "246", ANSI: "7"},
	}
	yellow = lipgloss.CompleteAdaptiveColor{
		Light: lipgloss.CompleteColor{TrueColor: "#af8700", ANSI256: "136", ANSI: "3"},
		Dark:  lipgloss.CompleteColor{TrueColor: "#d7af00", ANSI256: "178", ANSI: "3"},
	}
)

// Styles are the styles of one program.
type Styles struct {
	R *lipgloss.Renderer
	// Plain: the renderer draws no attributes at all (termenv.Ascii, as
	// under NO_COLOR), so focus and the cursor need marks of their own.
	Plain bool

	App       lipgloss.Style // the product name in the header
	Demo      lipgloss.Style // the DEMO badge: inverse and bold, loud even without colour
	Tab       lipgloss.Style
	ActiveTab lipgloss.Style
	Title     lipgloss.Style // section titles
	Label     lipgloss.Style // field labels
	Focused   lipgloss.Style // the label of the focused field
	Faint     lipgloss.Style // hints, secondary text
	Cursor    lipgloss.Style // the text cursor in a field
	Selected  lipgloss.Style // the table row under the cursor
	Button    lipgloss.Style
	ButtonOn  lipgloss.Style // a focused button
	OK        lipgloss.Style
	Warn      lipgloss.Style
	Err       lipgloss.Style
	Help      help.Styles

	buckets map[string]lipgloss.Style
}

// New builds the styles for the renderer r.
func New(r *lipgloss.Renderer) *Styles {
	st := func() lipgloss.Style { return r.NewStyle() }
	fg := func(c lipgloss.TerminalColor) lipgloss.Style { return st().Foreground(c) }
	plain := r.ColorProfile() == termenv.Ascii
	if !plain {
		// Ask the terminal for its background now, before the program
		// reads the input: asked later, its answer would arrive as keys.
		r.HasDarkBackground()
	}
	s := &Styles{
		R:         r,
		Plain:     plain,
		App:       st().Bold(true),
		Demo:      st().Bold(true).Reverse(true).Foreground(yellow),
		Tab:       fg(grey),
		ActiveTab: st().Bold(true).Underline(true),
		Title:     st().Bold(true),
		Label:     fg(grey),
		Focused:   st().Bold(true).Foreground(cyan),
		Faint:     fg(grey),
		Cursor:    st().Reverse(true),
		Selected:  st().Reverse(true),
		Button:    fg(grey),
		ButtonOn:  st().Bold(true).Reverse(true),
		OK:        fg(green),
		Warn:      fg(yellow),
		Err:       fg(red),
		Help: help.Styles{
			Ellipsis:       fg(grey),
			ShortKey:       st().Bold(true),
			ShortDesc:      fg(grey),
			ShortSeparator: fg(grey),
			FullKey:        st().Bold(true),
			FullDesc:       fg(grey),
			FullSeparator:  fg(grey),
		},
	}
	s.buckets = map[string]lipgloss.Style{
		sms.Queued.String():         fg(yellow),
		sms.Sent.String():           fg(blue),
		sms.Delivered.String():      fg(green),
		sms.Expired.String():        fg(magenta),
		sms.Rejected.String():       fg(red),
		sms.Unknown.String():        fg(grey),
		sms.Failed.String():         fg(red).Bold(true),
		string(store.StatePending):  fg(grey),
		string(store.StateAccepted): fg(cyan),
		string(store.StateRefused):  fg(red),
		string(store.StateUnknown):  fg(yellow).Bold(true),
		string(store.StateNotSent):  fg(red),
		string(store.StateResent):   fg(grey),
	}
	return s
}

// CursorCell draws the text cursor on the cell ch ("" past the end of
// the text): inverse, or without attributes a bar before the cell.
func (s *Styles) CursorCell(ch string) string {
	switch {
	case !s.Plain && ch == "":
		return s.Cursor.Render(" ")
	case !s.Plain:
		return s.Cursor.Render(ch)
	}
	return "▏" + ch
}

// Button draws a button; the focused one is marked in both looks.
func (s *Styles) ButtonView(label string, focused bool) string {
	if focused {
		return s.ButtonOn.Render("›[ " + label + " ]")
	}
	return s.Button.Render(" [ " + label + " ]")
}

// Bucket is the style of a display bucket (store.Bucket: a status word
// or a local state).
func (s *Styles) Bucket(bucket string) lipgloss.Style {
	if st, ok := s.buckets[bucket]; ok {
		return st
	}
	return s.Faint
}

// Buckets lists the display buckets in the order they are counted and
// charted: the gateway's statuses as a message lives them, then the
// states that never reached the gateway's status reports.
var Buckets = []string{
	sms.Queued.String(), sms.Sent.String(), sms.Delivered.String(), sms.Expired.String(),
	sms.Rejected.String(), sms.Failed.String(), sms.Unknown.String(),
	string(store.StatePending), string(store.StateAccepted), string(store.StateRefused),
	string(store.StateUnknown), string(store.StateNotSent), string(store.StateResent),
}

// symbols: one mark for each bucket, none twice, so that a bucket reads
// without colour (NO_COLOR) too: the gateway's Rejected and Unknown are
// not the local refused and outcome unknown.
var symbols = map[string]string{
	sms.Queued.String():         "·",
	sms.Sent.String():           "→",
	sms.Delivered.String():      "✓",
	sms.Expired.String():        "○",
	sms.Rejected.String():       "✗",
	sms.Unknown.String():        "?",
	sms.Failed.String():         "!",
	string(store.StatePending):  "…",
	string(store.StateAccepted): "↑",
	string(store.StateRefused):  "⊘",
	string(store.StateUnknown):  "⁇",
	string(store.StateNotSent):  "-",
	string(store.StateResent):   "↻",
}

// Symbol is a one-cell mark for a bucket, so that a status reads without
// colour too.
func Symbol(bucket string) string {
	if s, ok := symbols[bucket]; ok {
		return s
	}
	return " "
}
