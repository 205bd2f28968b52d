package batch

import (
	"context"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

func pasteMsg(text string) tea.KeyMsg {
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(text), Paste: true}
}

// Cells copied from a spreadsheet, as a terminal pastes them (tabs, CR
// line ends), are read as a list: named by a fingerprint, mapped,
// checked, confirmed and sent as a file's are; the batch keeps the name.
func TestPasteList(t *testing.T) {
	m := newTab(t, "en")
	drive(t, m, m.Update(pasteMsg("Телефон\tИмя\r+375 29 111-22-33\tАнна\r80447654321\tВера\r")))
	if m.table == nil {
		t.Fatalf("not read: %v", m.loadErr)
	}
	if m.table.Delimiter != "tab" || len(m.table.Rows) != 2 || !m.table.Header || m.phoneCol != 0 {
		t.Fatalf("table %+v, phone %d", m.table, m.phoneCol)
	}
	name := m.src.name
	if !strings.HasPrefix(name, "pasted list ") || !strings.HasSuffix(name, " (2 rows)") || m.path.Value() != "" {
		t.Fatalf("name %q, path %q", name, m.path.Value())
	}
	if m.focus != fTpl {
		t.Errorf("focus %d, want the template", m.focus)
	}
	wantView(t, m, name, "delimiter tab · 2 rows")
	press(t, m, "Hi {Имя}!")
	wantView(t, m, "2 rows → 2 messages", "375291112233 1× Hi Анна!")
	// The header choice reads the paste again; its name stays.
	press(t, m, "shift+tab", "shift+tab", "shift+tab", "right", "right")
	if m.focus != fHeader || m.table == nil || m.table.Header || len(m.table.Rows) != 3 || m.src.name != name {
		t.Fatalf("header no: focus %d, %v, name %q", m.focus, m.loadErr, m.src.name)
	}
	press(t, m, "left", "left")
	press(t, m, "ctrl+s", "y")
	if m.summary == nil || m.summary.Accepted != 2 {
		t.Fatalf("not sent: %+v %v", m.summary, m.sendErr)
	}
	b, err := appOf(m).Store.Batch(context.Background(), m.summary.BatchID)
	if err != nil || b.Name != name {
		t.Fatalf("batch %+v, %v", b, err)
	}
	// The same paste again is known; another of the same size is not.
	press(t, m, "esc")
	seq := m.loadSeq
	drive(t, m, m.Update(pasteMsg("Телефон\tИмя\r\n+375 29 111-22-33\tАнна\r\n80447654321\tВера\r\n")))
	if m.loadSeq == seq || m.src.name != name || m.prev == nil || m.prev.ID != b.ID {
		t.Errorf("the same paste (CRLF this time): name %q, prev %+v", m.src.name, m.prev)
	}
	press(t, m, "esc")
	drive(t, m, m.Update(pasteMsg("Телефон\tИмя\r+375 29 111-22-33\tАнна\r80447654321\tОля\r")))
	if m.src.name == name || m.prev != nil {
		t.Errorf("another paste: name %q, prev %+v", m.src.name, m.prev)
	}
}

// What a paste becomes depends on where it lands: a line without tabs
// into the field (a path pasted, a template), a list only at the path
// or with no field focused, or in the picker.
func TestPasteWhere(t *testing.T) {
	m := newTab(t, "en")
	press(t, m, "tab")
	drive(t, m, m.Update(pasteMsg("/home/agent/list.csv\r")))
	if m.table != nil || m.loading || strings.TrimSpace(m.path.Value()) != "/home/agent/list.csv" {
		t.Fatalf("a pasted path: table %v, path %q", m.table != nil, m.path.Value())
	}
	press(t, m, "ctrl+u")
	drive(t, m, m.Update(pasteMsg("+375291112233\n+375447654321\n")))
	if m.table == nil || len(m.table.Rows) != 2 || m.phoneCol != 0 {
		t.Fatalf("a column pasted at the path: %v", m.loadErr)
	}
	name := m.src.name
	// In the template a paste is text, even with a line break.
	if m.focus != fTpl {
		t.Fatalf("focus %d", m.focus)
	}
	drive(t, m, m.Update(pasteMsg("Hello\tthere\nfriend")))
	if m.src.name != name || m.tpl.Value() == "" {
		t.Errorf("a paste in the template: name %q, template %q", m.src.name, m.tpl.Value())
	}
	// In the picker: the picker closes, the list is read.
	dir := files(t, testNow, "a.csv")
	press(t, m, "shift+tab", "shift+tab", "shift+tab", "shift+tab", "ctrl+u", dir, "ctrl+o")
	if !m.picking {
		t.Fatal("no picker")
	}
	drive(t, m, m.Update(pasteMsg("a.c")))
	if !m.picking || m.picker.filter.Value() != "a.c" {
		t.Fatalf("a word pasted in the picker: %q", m.picker.filter.Value())
	}
	drive(t, m, m.Update(pasteMsg("+375291112233\t1\r+375331234500\t2\r")))
	if m.picking || m.table == nil || len(m.table.Columns) != 2 || m.src.paste == nil {
		t.Fatalf("a list pasted in the picker: picking %v, %v", m.picking, m.loadErr)
	}
}

// A paste over the bound is refused with a clear message; one that is
// not a list says why, naming the paste; the list read before stays.
func TestPasteRefused(t *testing.T) {
	m := newTab(t, "ru")
	drive(t, m, m.Update(pasteMsg("+375291112233\n+375447654321\n")))
	if m.table == nil {
		t.Fatal(m.loadErr)
	}
	before := m.src.name
	press(t, m, "esc") // out of the template, where a paste is text
	big := strings.Repeat("+375291112233\tАнна\r", maxPaste/20)
	drive(t, m, m.Update(pasteMsg(big)))
	if m.loadErr == nil || m.loading || m.src.name != before {
		t.Fatalf("a paste of %d bytes: %v, %q", len(big), m.loadErr, m.src.name)
	}
	wantView(t, m, "вставлено 1", "КБ текста, а списком читается вставка до 1024 КБ", "(CSV или XLSX) и загрузите его")
	m.ctx.SetLang("en")
	wantView(t, m, "pastes up to 1024 KB are read as a list") // the error follows the language
	drive(t, m, m.Update(pasteMsg("телефон\tимя\n\x00\x00\x00\tx\n")))
	if m.loadErr == nil || m.src.name != before {
		t.Fatalf("a paste with NUL: %v", m.loadErr)
	}
	wantView(t, m, "pasted list: this is neither a CSV", "line 2")
}
