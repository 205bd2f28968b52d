package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode"

	"github.com/BurntSushi/toml"

	"github.com/smsdash/smsdash/sms"
)

// nest wraps "1" in n levels of open/close.
func nest(n int, open, close string) string {
	return strings.Repeat(open, n) + "1" + strings.Repeat(close, n)
}

// decodedDepth is the nesting of a decoded TOML value counted as tooDeep
// counts it: a table or an array is a level, an array of tables one level
// with its tables.
func decodedDepth(v any) int {
	d := 0
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			d = max(d, decodedDepth(e))
		}
		return 1 + d
	case []any:
		for _, e := range v {
			d = max(d, decodedDepth(e))
		}
		return 1 + d
	case []map[string]any:
		d = 1
		for _, e := range v {
			d = max(d, decodedDepth(e))
		}
		return d
	}
	return 0
}

// checkDecoded fails if data, accepted by tooDeep, decodes to something
// deeper than maxDepth.
func checkDecoded(t *testing.T, data []byte) {
	t.Helper()
	var v map[string]any
	if _, err := toml.Decode(string(data), &v); err != nil {
		return
	}
	if d := decodedDepth(v) - 1; d > maxDepth {
		t.Fatalf("tooDeep accepted %q, which decodes %d levels deep", data, d)
	}
}

func TestTooDeep(t *testing.T) {
	deep9 := "[" + nest(9, "[", "]") + "]"
	tests := []struct {
		name string
		in   string
		line int
	}{
		{"empty", "", 0},
		{"schema", "[account]\nsenders = [\"CMC\", \"Shop\"]\naccount.x = {senders = [\"a\"]}\n", 0},
		{"inline 8", "a = " + nest(8, "{a = ", "}"), 0},
		{"inline 9", "a = " + nest(9, "{a = ", "}"), 1},
		{"array 8", "a = " + nest(8, "[", "]"), 0},
		{"array 9", "a = " + nest(9, "[", "]"), 1},
		{"issue's 4000", "a = " + nest(4000, "{a = ", "}"), 1},
		{"dotted 8", strings.Repeat("a.", 8) + "a = 1", 0},
		{"dotted 9", strings.Repeat("a.", 9) + "a = 1", 1},
		{"dotted in inline", "a = {" + strings.Repeat("b.", 8) + "c = 1}", 1},
		{"header 8", "[" + strings.Repeat("a.", 7) + "a]", 0},
		{"header 9", "x = 1\n[" + strings.Repeat("a.", 8) + "a]", 2},
		{"array of tables 9", "[[" + strings.Repeat("a.", 8) + "a]]", 1},
		{"header plus key", "[a.b.c.d]\ne.f.g.h.i = 1\n", 0},
		{"header plus key 9", "[a.b.c.d]\ne.f.g.h.i.j = 1\n", 2},
		{"header plus array", "[a.b.c.d.e.f.g]\nk = [[1]]\n", 2},
		{"next header resets", "[a.b.c.d.e.f.g]\n[x]\nk = " + nest(7, "[", "]") + "\n", 0},
		{"siblings", "a = {b = {c = 1}, d = {e = {f = 1}}, g = [[1], [2]]}", 0},
		{"comma resets a dotted key", "a = {b.c.d.e.f.g.h = 1, i = [1]}", 0},
		{"floats and dates", "a = [1.5, 2.5, 1979-05-27T07:32:00.999Z, " + nest(7, "[", "]") + "]", 0},

		// What must not fool it.
		{"brackets in a string", `a = "` + deep9 + `{{{{{{{{{"`, 0},
		{"brackets in a literal", `a = '` + deep9 + `'`, 0},
		{"escaped quote", `a = "\"` + deep9 + `"`, 0},
		{"literal ends at a backslash", "a = 'C:\\'\nb = " + deep9, 2},
		{"multi-line strings", "a = \"\"\"\n\"" + deep9 + "\\\"\"\"\"\nb = '''\n" + deep9 + "'''", 0},
		{"quotes before a multi-line close", "a = \"\"\"x\"\"\"\"\"\nb = " + deep9, 2},
		{"lines inside strings count", "a = \"\"\"\n\n\"\"\"\nb = '''\n'''\nc = " + deep9, 6},
		{"comment", "# " + deep9 + "\na = 1 # ]]]]\n", 0},
		{"comment does not close", "a = [ # ]]]]]]]]]\n " + nest(8, "[", "]") + "\n]", 2},
		{"quoted dotted key", `"a.b.c.d.e.f.g.h.i" = 1` + "\n'a.b.c.d.e.f.g.h.i'.b = 1", 0},
		{"quoted header", `["a.b.c.d.e.f.g.h.i"]`, 0},
		{"crlf", "a = 1\r\nb = 2\r\nc = " + deep9 + "\r\n", 3},
		{"byte order mark", "\uFEFF[" + strings.Repeat("a.", 8) + "a]", 1},
		{"multi-line inline table", "a = {\n b = 1, # {{{\n c = " + nest(8, "[", "]") + "}", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tooDeep([]byte(tt.in)); got != tt.line {
				t.Errorf("tooDeep = %d, want %d", got, tt.line)
			}
			if tt.line == 0 {
				checkDecoded(t, []byte(tt.in))
			}
		})
	}
}

// allocated is how many bytes f allocates (the tests of this package do
// not run in parallel, so the count is f's).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// checkLimitError asserts err is the bilingual error naming path and want.
func checkLimitError(t *testing.T, err error, path, want string) {
	t.Helper()
	var se *sms.Error
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want an *sms.Error", err)
	}
	if !strings.HasPrefix(se.EN, path) || !strings.Contains(se.EN, want) {
		t.Errorf("EN %q should start with %s and contain %q", se.EN, path, want)
	}
	if !strings.HasPrefix(se.RU, path) || !strings.ContainsFunc(se.RU, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
		t.Errorf("RU %q should start with %s and be Russian", se.RU, path)
	}
}

// The file: 17 KB of nested inline tables took 714 MB to decode.
// Load refuses it after the pre-scan, so it allocates about the file.
func TestLoadTooDeep(t *testing.T) {
	cleanEnv(t)
	path := writeFile(t, "[account]\nlogin = \"a\"\n\nx = "+nest(4000, "{a=", "}")+"\n", 0o600)
	var err error
	n := allocated(func() { _, _, err = Load(path) })
	checkLimitError(t, err, path, ":4: tables, inline tables and arrays nest deeper than 8 levels")
	if n > 1<<20 {
		t.Errorf("Load allocated %d bytes for a refused 17 KB file", n)
	}
}

func TestLoadTooLarge(t *testing.T) {
	cleanEnv(t)
	// Comments: valid TOML of any size, so only the limit refuses it.
	line := "# " + strings.Repeat("x", 61) + "\n"
	atLimit := strings.Repeat(line, maxFileSize/len(line)-1)
	atLimit += "#" + strings.Repeat("x", maxFileSize-len(atLimit)-2) + "\n"
	if _, _, err := Load(writeFile(t, atLimit, 0o600)); err != nil {
		t.Fatalf("a file of exactly %d bytes: %v", len(atLimit), err)
	}

	// 8 MiB: Load reads no further than the limit.
	path := writeFile(t, strings.Repeat(line, 8<<20/len(line)), 0o600)
	var err error
	n := allocated(func() { _, _, err = Load(path) })
	checkLimitError(t, err, path, "larger than 64 KiB")
	if n > 1<<20 {
		t.Errorf("Load allocated %d bytes for a refused 8 MiB file", n)
	}
}

func FuzzTooDeep(f *testing.F) {
	if raw, err := os.ReadFile(filepath.Join("..", "..", "config.toml.example")); err == nil {
		f.Add(raw)
	}
	for _, s := range []string{
		"a = " + nest(8, "{a = ", "}"),
		"a = " + nest(9, "[", "]"),
		"[a.b.c]\nd.e = [{f = [1]}]\n[[g.h]]\ni = 1\n",
		"[[x.y]]\n[x]\ny.z = [[1]]\n",
		"a = \"\"\"x\"\"\"\"\"\nb = '''[[['''\nc = \"\\\"[\" # [\n",
		"a = {\n b = [ # ]\n 1],\n}\n",
		"\uFEFF[\"a.b\".'c']\nd = 1\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		line := tooDeep(data)
		if line > bytes.Count(data, []byte("\n"))+1 {
			t.Fatalf("tooDeep(%q) = line %d, past the end", data, line)
		}
		if line == 0 {
			checkDecoded(t, data)
		}
	})
}
