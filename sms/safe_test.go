package sms

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile holds what an attacker would put in a list cell or a reply.
var hostile = []string{
	"\x1b]0;pwned\x07",               // window title
	"\x1b[2J\x1b[H",                  // clear screen
	"\x1b]52;c;cGFzc3dvcmQ=\x07",     // OSC 52: the clipboard
	"\x9b2J\u009d0;t\u009c",          // C1 CSI and OSC as runes
	"\xc2\x9b31m",                    // C1 CSI as UTF-8 bytes
	"a\x00b\x08c\x7fd",               // NUL, BS, DEL
	"\xff\xfe bad utf-8",             // not UTF-8
	"line1\r\nline2\rline3\n\tend",   // breaks and a tab
	"\u202eevil\u202c \u2066x\u2069", // bidi overrides
}

// assertSafe fails when out holds anything a terminal acts on.
func assertSafe(t *testing.T, in, out string, lines bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("Safe(%q) = %q: not UTF-8", in, out)
	}
	for _, r := range out {
		if IsControl(r) && !(lines && r == '\n') {
			t.Errorf("Safe(%q) = %q: keeps %U", in, out, r)
		}
	}
}

func TestSafe(t *testing.T) {
	for _, in := range hostile {
		assertSafe(t, in, Safe(in), false)
		assertSafe(t, in, SafeLines(in), true)
	}
	cases := []struct{ in, one, lines string }{
		{"Привет, мир! 😀", "Привет, мир! 😀", "Привет, мир! 😀"},
		{"\x1b]0;t\x07", "␛]0;t␇", "␛]0;t␇"},
		{"a\r\nb\rc\nd\te", "a␍␤b␍c␤d␉e", "a\nb␍c\nd    e"},
		{"\xff", "\uFFFD", "\uFFFD"},
		{"x\u0085y", "x\uFFFDy", "x\uFFFDy"},
	}
	for _, c := range cases {
		if got := Safe(c.in); got != c.one {
			t.Errorf("Safe(%q) = %q, want %q", c.in, got, c.one)
		}
		if got := SafeLines(c.in); got != c.lines {
			t.Errorf("SafeLines(%q) = %q, want %q", c.in, got, c.lines)
		}
	}
}

// Safe on a clean string returns it without a copy: tables call it for
// every cell of every frame.
func TestSafeCleanAllocatesNothing(t *testing.T) {
	s := strings.Repeat("Ваш код 4711, ok. ", 10)
	if n := testing.AllocsPerRun(100, func() { _ = Safe(s) }); n != 0 {
		t.Errorf("Safe on clean text: %v allocations, want 0", n)
	}
}

func FuzzSafe(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		one, lines := Safe(s), SafeLines(s)
		assertSafe(t, s, one, false)
		assertSafe(t, s, lines, true)
		if strings.Count(one, "\n") != 0 {
			t.Fatalf("Safe(%q) spans lines", s)
		}
		// Clean text is kept as is.
		if Safe(one) != one {
			t.Fatalf("Safe is not idempotent on %q", s)
		}
	})
}

func TestCheckText(t *testing.T) {
	for _, ok := range []string{"Привет\nмир\tи всё", "😀 {name}", ""} {
		if err := CheckText(ok); err != nil {
			t.Errorf("CheckText(%q) = %v", ok, err)
		}
	}
	cases := []struct{ in, want string }{
		{"ab\x1b[2J", "U+001B (ESC) at line:column 1:3"},
		{"first\nse\x00cond", "U+0000 (NUL) at line:column 2:3"},
		{"a\rb", "U+000D (CR) at line:column 1:2"},
		{"x\x7f", "U+007F (DEL) at line:column 1:2"},
		{"Ж\u009b", "U+009B at line:column 1:2"},
	}
	for _, c := range cases {
		err := CheckText(c.in)
		if err == nil || !strings.Contains(err.EN, c.want) || !strings.Contains(err.RU, c.want[:6]) {
			t.Errorf("CheckText(%q) = %v, want it to name %q", c.in, err, c.want)
		}
	}
}
