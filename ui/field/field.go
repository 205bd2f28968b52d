// Package field is a small text field: one line (numbers, settings) or
// several (the message text).
//
// bubbles/textinput would do for the one-line case, but it imports
// github.com/atotto/clipboard, a module this project does not carry, and
// the message text wants soft-wrapping with Cyrillic and emoji measured
// by display width. This is the little that is needed.
package field

import (
	"slices"
	"strings"
	"unicode"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/ui/theme"
)

// Input holds the text and the cursor.
type Input struct {
	Placeholder string
	Mask        bool // show • for every character (passwords, tokens)
	Multiline   bool // enter inserts a line break
	// Separator is what a pasted line break or tab becomes in a one-line
	// field that holds a list (numbers pasted from a column or a row);
	// without it they become a space.
	Separator string
	value     []rune
	pos       int
	focused   bool
}

// Value returns the text.
func (in *Input) Value() string { return string(in.value) }

// SetValue replaces the text and puts the cursor at its end.
func (in *Input) SetValue(s string) {
	in.value = []rune(s)
	in.pos = len(in.value)
}

// Focus, Blur and Focused say whether keys go to the field.
func (in *Input) Focus()        { in.focused = true }
func (in *Input) Blur()         { in.focused = false }
func (in *Input) Focused() bool { return in.focused }

// Update applies an editing key and reports whether the text changed.
// Keys it does not know (tab, ctrl+s, esc…) are left to the caller.
func (in *Input) Update(k tea.KeyMsg) (changed bool) {
	v := in.value
	switch k.Type {
	case tea.KeyRunes, tea.KeySpace:
		if k.Alt && !k.Paste {
			return in.altKey(k)
		}
		rs := k.Runes
		if k.Type == tea.KeySpace {
			rs = []rune{' '}
		}
		return in.insert(rs)
	case tea.KeyEnter:
		if in.Multiline && !k.Alt {
			return in.insert([]rune{'\n'})
		}
	case tea.KeyBackspace:
		if k.Alt {
			return in.deleteTo(in.wordLeft())
		}
		if in.pos > 0 {
			in.value = append(v[:in.pos-1], v[in.pos:]...)
			in.pos--
			return true
		}
	case tea.KeyDelete:
		if in.pos < len(v) {
			in.value = append(v[:in.pos], v[in.pos+1:]...)
			return true
		}
	case tea.KeyCtrlW:
		return in.deleteTo(in.wordLeft())
	case tea.KeyCtrlU:
		return in.deleteTo(in.lineStart())
	case tea.KeyCtrlK:
		end := in.lineEnd()
		if end > in.pos {
			in.value = append(v[:in.pos], v[end:]...)
			return true
		}
	case tea.KeyLeft, tea.KeyCtrlB:
		in.pos = max(in.pos-1, 0)
	case tea.KeyRight, tea.KeyCtrlF:
		in.pos = min(in.pos+1, len(v))
	case tea.KeyCtrlLeft:
		in.pos = in.wordLeft()
	case tea.KeyCtrlRight:
		in.pos = in.wordRight()
	case tea.KeyHome, tea.KeyCtrlA:
		in.pos = in.lineStart()
	case tea.KeyEnd, tea.KeyCtrlE:
		in.pos = in.lineEnd()
	case tea.KeyUp:
		in.moveLine(-1)
	case tea.KeyDown:
		in.moveLine(+1)
	}
	return false
}

func (in *Input) altKey(k tea.KeyMsg) bool {
	switch string(k.Runes) {
	case "b":
		in.pos = in.wordLeft()
	case "f":
		in.pos = in.wordRight()
	case "d":
		end := in.wordRight()
		changed := end > in.pos
		in.value = append(in.value[:in.pos], in.value[end:]...)
		return changed
	}
	return false
}

// insert adds typed or pasted runes. A line break in any form a paste
// brings (a terminal sends CR, a file CRLF or LF) is a line break in a
// multi-line field; in a one-line field it, like a tab, becomes the
// Separator, once for a run of them. Other control characters are
// dropped.
func (in *Input) insert(rs []rune) bool {
	sep := []rune(in.Separator)
	if len(sep) == 0 {
		sep = []rune{' '}
	}
	clean := make([]rune, 0, len(rs))
	broke := false // the last rune added was a break
	for i, r := range rs {
		isBreak := r == '\r' || r == '\n'
		switch {
		case r == '\r' && i+1 < len(rs) && rs[i+1] == '\n':
			// CRLF: the LF is the break
		case isBreak && in.Multiline:
			clean, broke = append(clean, '\n'), false
		case isBreak || r == '\t':
			if !broke {
				clean = append(clean, sep...)
			}
			broke = true
		case !unicode.IsControl(r):
			clean, broke = append(clean, r), false
		}
	}
	if len(clean) == 0 {
		return false
	}
	v := make([]rune, 0, len(in.value)+len(clean))
	v = append(append(append(v, in.value[:in.pos]...), clean...), in.value[in.pos:]...)
	in.value, in.pos = v, in.pos+len(clean)
	return true
}

func (in *Input) deleteTo(start int) bool {
	if start >= in.pos {
		return false
	}
	in.value = append(in.value[:start], in.value[in.pos:]...)
	in.pos = start
	return true
}

func (in *Input) wordLeft() int {
	i := in.pos
	for i > 0 && unicode.IsSpace(in.value[i-1]) {
		i--
	}
	for i > 0 && !unicode.IsSpace(in.value[i-1]) {
		i--
	}
	return i
}

func (in *Input) wordRight() int {
	i := in.pos
	for i < len(in.value) && unicode.IsSpace(in.value[i]) {
		i++
	}
	for i < len(in.value) && !unicode.IsSpace(in.value[i]) {
		i++
	}
	return i
}

func (in *Input) lineStart() int {
	i := in.pos
	for i > 0 && in.value[i-1] != '\n' {
		i--
	}
	return i
}

func (in *Input) lineEnd() int {
	i := in.pos
	for i < len(in.value) && in.value[i] != '\n' {
		i++
	}
	return i
}

// moveLine moves the cursor to the same column of the logical line above
// or below.
func (in *Input) moveLine(d int) {
	if !in.Multiline {
		return
	}
	col := in.pos - in.lineStart()
	switch {
	case d < 0 && in.lineStart() > 0:
		in.pos = in.lineStart() - 1
		in.pos = min(in.lineStart()+col, in.pos)
	case d > 0 && in.lineEnd() < len(in.value):
		in.pos = in.lineEnd() + 1
		in.pos = min(in.pos+col, in.lineEnd())
	}
}

// View draws the field in width cells. A one-line field scrolls sideways
// to keep the cursor in sight; a multi-line one wraps at spaces and shows
// at most height lines around the cursor.
func (in *Input) View(width, height int, s *theme.Styles) string {
	width = max(width, 1)
	if len(in.value) == 0 && !in.focused {
		return s.Faint.Render(ansi.Truncate(sms.Safe(in.Placeholder), width, "…"))
	}
	if !in.Multiline {
		height = 1
	}
	if in.focused && s.Plain {
		width = max(width-1, 1) // the plain cursor is a bar of its own
	}
	rows := in.layout(width)
	crow := 0
	for i, r := range rows {
		if r.start <= in.pos {
			crow = i
		}
	}
	ccol := in.pos - rows[crow].start
	if crow+1 < len(rows) && in.pos >= rows[crow].end {
		crow, ccol = crow+1, 0 // on the space a wrap swallowed: show it at the next row
	}
	if in.Multiline && crow == len(rows)-1 && in.pos == len(in.value) && in.cells(rows[crow]) >= width {
		// The cursor after a full last line starts the next one.
		rows = append(rows, span{in.pos, in.pos})
		crow, ccol = crow+1, 0
	}
	first := max(0, min(crow-height+1, len(rows)-height))
	var b strings.Builder
	for i := first; i < min(first+max(height, 1), len(rows)); i++ {
		if i > first {
			b.WriteByte('\n')
		}
		line := in.shown(rows[i])
		col := ccol
		if !in.Multiline {
			line, col = scroll(line, ccol, width)
		}
		if in.focused && i == crow {
			b.WriteString(withCursor(line, col, s))
		} else {
			b.WriteString(string(line))
		}
	}
	if len(in.value) == 0 && in.Placeholder != "" {
		b.WriteString(s.Faint.Render(ansi.Truncate(sms.Safe(in.Placeholder), width-1, "…")))
	}
	return b.String()
}

// span is a display row: the runes [start, end) of the value.
type span struct{ start, end int }

// layout splits the text into display rows: at line breaks and, in a
// multi-line field, after the last space that keeps a row within width
// (or anywhere in a word longer than that).
func (in *Input) layout(width int) []span {
	if !in.Multiline {
		return []span{{0, len(in.value)}}
	}
	var rows []span
	start, w, space := 0, 0, -1
	for i, r := range in.value {
		if r == '\n' {
			rows = append(rows, span{start, i})
			start, w, space = i+1, 0, -1
			continue
		}
		rw := runeWidth(r)
		if w+rw > width && i > start {
			if r == ' ' { // a space at the edge ends the row, unseen
				rows = append(rows, span{start, i})
				start, w, space = i+1, 0, -1
				continue
			}
			cut := i
			if space >= start && space+1 < i {
				cut = space + 1
			}
			rows = append(rows, span{start, cut})
			start, w, space = cut, in.cells(span{cut, i}), -1
		}
		if r == ' ' {
			space = i
		}
		w += rw
	}
	return append(rows, span{start, len(in.value)})
}

// shown is what a row displays: the text with any control made visible
// (a value from the config or a paste is outside text), or • for each
// rune when masked.
func (in *Input) shown(r span) []rune {
	line := slices.Clone(in.value[r.start:r.end])
	for i, c := range line {
		if in.Mask {
			line[i] = '•'
		} else {
			line[i] = sms.Shown(c)
		}
	}
	return line
}

func (in *Input) cells(r span) int {
	w := 0
	for _, c := range in.shown(r) {
		w += runeWidth(c)
	}
	return w
}

// scroll cuts a one-line field to width cells with the cursor (and a cell
// for it at the end) in sight.
func scroll(line []rune, col, width int) ([]rune, int) {
	start, w := 0, 1 // the cursor's own cell at the end
	for _, r := range line[:col] {
		w += runeWidth(r)
	}
	for w > width && start < col {
		w -= runeWidth(line[start])
		start++
	}
	end, w := start, 0
	for end < len(line) && w+runeWidth(line[end]) <= width {
		w += runeWidth(line[end])
		end++
	}
	return line[start:end], col - start
}

func withCursor(line []rune, col int, s *theme.Styles) string {
	if col >= len(line) {
		return string(line) + s.CursorCell("")
	}
	return string(line[:col]) + s.CursorCell(string(line[col])) + string(line[col+1:])
}

func runeWidth(r rune) int {
	if r < 0x300 {
		return 1
	}
	return max(ansi.StringWidth(string(r)), 1)
}
