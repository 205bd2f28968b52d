package batch

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/smsdash/smsdash/sms"
)

// FuzzReadCSV: whatever the bytes, Parse gives a table or an error,
// never a panic, and a table keeps its promises.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		csvText(list, ";"), csvText(list, ","), csvText(list, "\t"),
		"\xEF\xBB\xBFТелефон;Имя\n375296717259;Иван\n",
		"sep=;\na;b\n1;2", "\"unclosed\n;x", "a;\"b\"\"c\";d\r\n", ";;;\n\n", "\xFF\xFEa\x00;\x00b\x00",
		"\xcf\xf0\xe8\xe2\xe5\xf2;375296717259\n", "PK\x03\x04", "\x00\x01\x02",
		"phone;name\nabc;def\n\xcf\xf0\xe8;\xe2\n", "a;b\rc;d\r", "\xFE\xFF\x00a\x00;\x00b", "a;\x1b[2J\n1;2\n", "a;b\n1;\xd0",
	} {
		f.Add([]byte(s))
	}
	path, _ := workbook(f, bombHead, bombRow, 3)
	xlsx, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(xlsx)
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := Parse(data, ReadOptions{MaxColumns: 50, MaxRows: 20})
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if len(tb.Rows) == 0 && !tb.Header {
			t.Fatal("a table without rows nor header")
		}
		if n := len(tb.Rows); n > 20 || tb.Header && n > 19 {
			t.Fatalf("%d rows over the limit", n)
		}
		last := 0
		for _, r := range tb.Rows {
			if len(r.Cells) == 0 || len(r.Cells) > len(tb.Columns) || len(r.Cells) > 50 {
				t.Fatalf("row %+v with %d columns", r, len(tb.Columns))
			}
			if r.Line <= last {
				t.Fatalf("line %d after %d", r.Line, last)
			}
			last = r.Line
			if strings.TrimSpace(r.Cells[len(r.Cells)-1]) == "" {
				t.Fatalf("trailing blank cell in %q", r.Cells)
			}
		}
		for _, c := range tb.Columns {
			if c == "" {
				t.Fatal("a column without a name")
			}
		}
		if tb.Format == "csv" {
			for _, r := range tb.Rows {
				for _, c := range r.Cells {
					if !utf8.ValidString(c) {
						t.Fatalf("invalid UTF-8 cell %q", c)
					}
				}
			}
		}
		// The rest of the pipeline takes any table, and sends no control
		// character.
		for c := range tb.Columns {
			r, err := Check(tb, Plan{PhoneCol: max(GuessPhoneColumn(tb), 0), TextCol: c, Sender: "CMC"})
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range r.Messages {
				if e := sms.CheckText(m.Text); e != nil {
					t.Fatalf("sent %q: %v", m.Text, e)
				}
			}
		}
	})
}

// FuzzTemplate: ParseTemplate never panics; a parsed template fills any
// row; a text without braces is itself; an escaped text comes back as
// it was.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"Здравствуйте, {Имя}!", "{{}}", "{", "}", "{A}{b}{3}", "{ Сумма }", "{{Имя}}", "a}}b{{c", "{}", "{Имя"} {
		f.Add(s, "Иван")
	}
	cols := []string{"Телефон", "Имя", "Сумма"}
	f.Fuzz(func(t *testing.T, text, cell string) {
		tpl, err := ParseTemplate(text, cols)
		if err == nil {
			out := tpl.Fill([]string{cell, cell})
			if !strings.ContainsAny(text, "{}") && out != text {
				t.Fatalf("%q filled as %q", text, out)
			}
			for _, c := range tpl.Columns() {
				if c < 0 || c >= len(cols) {
					t.Fatalf("column %d", c)
				}
			}
		} else if err.Error() == "" {
			t.Fatal("empty error")
		}
		esc, err := ParseTemplate(Escape(text), cols)
		if err != nil {
			t.Fatalf("escaped %q: %v", text, err)
		}
		if got := esc.Fill(nil); got != text || !esc.Static() {
			t.Fatalf("escaped %q came back as %q", text, got)
		}
	})
}
