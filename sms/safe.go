package sms

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Safe makes text that did not come from smsdash (message texts, list
// cells, gateway replies, sender names, receipts, file names) safe to draw
// or print on a terminal, on one line. A terminal acts on control bytes:
// ESC ] 0 sets its title, ESC [ 2J clears it, ESC ] 52 writes the agent's
// clipboard. So every C0 and C1 control, DEL, and the bidirectional
// overrides that reorder what is shown are replaced by a visible symbol of
// one column (U+2400 Control Pictures: ␛ for ESC, ␤ for a line break),
// and bytes that are not UTF-8 by U+FFFD. Everything else is kept as is.
//
// This is the one function for it: every view and every CLI table passes
// outside text through Safe or SafeLines where it is drawn or printed.
func Safe(s string) string { return safe(s, false) }

// SafeLines is Safe for text shown over several lines (a message's full
// text): line breaks stay line breaks, a tab becomes spaces.
func SafeLines(s string) string { return safe(s, true) }

func safe(s string, lines bool) string {
	if clean(s, lines) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteRune(utf8.RuneError)
		case lines && r == '\n':
			b.WriteByte('\n')
		case lines && r == '\t':
			b.WriteString("    ")
		case lines && r == '\r' && strings.HasPrefix(s[i+1:], "\n"):
			// CRLF is one break: the LF that follows writes it.
		case IsControl(r):
			b.WriteRune(Shown(r))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// clean reports whether s needs no change: the common case, kept free of
// allocation since tables pass every cell through Safe on every frame.
func clean(s string, lines bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && !(lines && c == '\n') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if IsControl(r) || r == utf8.RuneError && n == 1 {
			return false
		}
		i += n
	}
	return true
}

// IsControl reports whether a terminal acts on r or reorders text around
// it: C0 and C1 controls, DEL, and the bidirectional overrides.
func IsControl(r rune) bool {
	return r < 0x20 || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// Shown gives what a terminal should draw for r: r itself, or for a
// control a visible symbol one column wide (Safe does this for a string;
// a text field, which draws rune by rune, does it itself).
func Shown(r rune) rune {
	switch {
	case !IsControl(r):
		return r
	case r == '\n':
		return '␤'
	case r < 0x20:
		return 0x2400 + r // ␀ … ␟, ␛ for ESC
	case r == 0x7f:
		return '␡'
	}
	return utf8.RuneError // C1 (0x9b is CSI on some terminals) and bidi overrides
}

// CheckText refuses what must not be in an SMS text: control characters
// other than a line break and a tab (they reach handsets as garbage and
// terminals as commands). The error names the character and where it is,
// as line and column of the text.
func CheckText(text string) *Error {
	line, col := 1, 0
	for _, r := range text {
		col++
		switch {
		case r == '\n':
			line, col = line+1, 0
			continue
		case r == '\t':
			continue
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		default:
			continue
		}
		where := strconv.Itoa(line) + ":" + strconv.Itoa(col)
		name := ControlName(r)
		return errorf("the text has a control character "+name+" at line:column "+where+" (only line breaks and tabs are allowed)",
			"в тексте управляющий символ "+name+" в строке:столбце "+where+" (допустимы только переводы строк и табуляция)")
	}
	return nil
}

var c0Names = [...]string{"NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF", "CR",
	"SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS", "US"}

// ControlName names a control character for a message: "U+001B (ESC)".
func ControlName(r rune) string {
	code := strconv.FormatInt(int64(r), 16)
	code = "U+" + strings.Repeat("0", max(0, 4-len(code))) + strings.ToUpper(code)
	switch {
	case r >= 0 && r < 0x20:
		return code + " (" + c0Names[r] + ")"
	case r == 0x7f:
		return code + " (DEL)"
	}
	return code
}
