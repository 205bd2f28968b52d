package batch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
)

// files writes the files named (a "/" makes folders) under a new
// folder, each with the time at, and returns the folder.
func files(t *testing.T, at time.Time, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range names {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(listCSV), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// The picker opens in the typed path's folder, lists folders (with a
// "/") before lists, hides files that are not lists and says how many,
// goes into a folder and back to where it was, and loads the list chosen.
func TestPicker(t *testing.T) {
	m := newTab(t, "en")
	dir := files(t, testNow, "list.csv", "notes.pdf", "Z.XLSX", ".hidden.csv", "sub/inner.CSV", "a-sub/x.txt")
	if err := os.Symlink(filepath.Join(dir, "gone.csv"), filepath.Join(dir, "dangling.csv")); err != nil {
		t.Fatal(err)
	}
	press(t, m, "tab", dir, "ctrl+o")
	if !m.picking || !m.Capturing() {
		t.Fatal("ctrl+o does not open the picker")
	}
	wantView(t, m, "Choose a list in "+dir, "› a-sub/", "  sub/", "list.csv", "Z.XLSX", "files that are not lists: 1")
	if v := m.View(); strings.Contains(v, "notes.pdf") || strings.Contains(v, "hidden") || strings.Contains(v, "dangling") {
		t.Errorf("a file that is not a list, a hidden one or a dangling link is listed:\n%s", v)
	}
	if got := names(m); strings.Join(got, " ") != "a-sub sub list.csv Z.XLSX" {
		t.Errorf("order %q", got)
	}
	if !helpHas(m, "esc") || !helpHas(m, "enter") || helpHas(m, "ctrl+s") {
		t.Errorf("help while picking: %v", m.ShortHelp())
	}
	press(t, m, "down", "enter")
	wantView(t, m, filepath.Join(dir, "sub"), "inner.CSV")
	press(t, m, "left")
	if m.picker.dir != dir || m.picker.current() != "sub" {
		t.Errorf("up: in %q on %q, want the folder left", m.picker.dir, m.picker.current())
	}
	press(t, m, "down", "right") // right opens folders only
	if !m.picking || m.picker.dir != dir {
		t.Fatal("right took a file")
	}
	press(t, m, "enter")
	if m.picking || m.table == nil || m.src.path != filepath.Join(dir, "list.csv") {
		t.Fatalf("not loaded: picking %v, %v, %+v", m.picking, m.loadErr, m.src)
	}
	if m.path.Value() != filepath.Join(dir, "list.csv") {
		t.Errorf("path field %q", m.path.Value())
	}
	// esc closes without choosing.
	press(t, m, "ctrl+o", "esc")
	if m.picking || m.src.path != filepath.Join(dir, "list.csv") {
		t.Fatal("esc does not close the picker")
	}
}

func names(m *Model) []string {
	var out []string
	for _, i := range m.picker.shown {
		out = append(out, m.picker.entries[i].name)
	}
	return out
}

// Typing filters the list by name, case ignored, Cyrillic too;
// backspace takes back a letter, then goes up; esc clears the filter
// before it closes.
func TestPickerFilter(t *testing.T) {
	m := newTab(t, "ru")
	dir := files(t, testNow, "Клиенты.csv", "клиенты-старые.csv", "отчёт.xlsx", "sub/a.csv")
	press(t, m, "tab", dir, "ctrl+o", "КЛИ")
	if got := strings.Join(names(m), " "); got != "клиенты-старые.csv Клиенты.csv" {
		t.Errorf("filter КЛИ: %q", got)
	}
	wantView(t, m, "Фильтр: КЛИ", "подходят 2 из 4")
	press(t, m, "down", "x")
	wantView(t, m, "Здесь нет имён с \"КЛИx\"")
	if helpHas(m, "enter") || !helpHas(m, "esc") {
		t.Errorf("help with nothing shown: %v", m.ShortHelp())
	}
	press(t, m, "backspace")
	if m.picker.current() != "Клиенты.csv" {
		t.Errorf("the cursor left its entry: %q", m.picker.current())
	}
	press(t, m, "esc")
	if !m.picking || m.picker.filter.Value() != "" || len(m.picker.shown) != 4 {
		t.Fatalf("esc does not clear the filter first: %v %q", m.picking, m.picker.filter.Value())
	}
	press(t, m, "backspace")
	if m.picker.dir != filepath.Dir(dir) {
		t.Errorf("backspace with no filter does not go up: %q", m.picker.dir)
	}
	press(t, m, strings.Repeat("я", maxFilter+5))
	if n := len([]rune(m.picker.filter.Value())); n > maxFilter {
		t.Errorf("filter of %d runes", n)
	}
	press(t, m, "esc", "esc")
	if m.picking {
		t.Error("the second esc does not close")
	}
}

// A file deleted while the picker is open (as /tmp's files come and go)
// never crashes the view; the next read drops it; one chosen after it
// went is not taken: the picker says so and reads the folder again.
func TestPickerFileDeleted(t *testing.T) {
	m := newTab(t, "en")
	dir := files(t, testNow, "a.csv", "b.csv", "c.csv")
	press(t, m, "tab", dir, "ctrl+o")
	wantView(t, m, "a.csv", "b.csv", "c.csv")
	if err := os.Remove(filepath.Join(dir, "b.csv")); err != nil {
		t.Fatal(err)
	}
	wantView(t, m, "a.csv") // drawn from what was read: no crash
	drive(t, m, m.Update(refreshMsg{m.picker, m.picker.seq}))
	if got := strings.Join(names(m), " "); got != "a.csv c.csv" {
		t.Errorf("after the refresh: %q", got)
	}
	press(t, m, "down")
	if err := os.Remove(filepath.Join(dir, "c.csv")); err != nil {
		t.Fatal(err)
	}
	press(t, m, "enter")
	if !m.picking || m.table != nil || m.loading {
		t.Fatalf("a file gone was taken: picking %v", m.picking)
	}
	wantView(t, m, "c.csv: no longer there")
	if got := strings.Join(names(m), " "); got != "a.csv" {
		t.Errorf("not read again: %q", got)
	}
	// The folder itself goes: said, and left goes up.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	drive(t, m, m.Update(refreshMsg{m.picker, m.picker.seq}))
	wantView(t, m, "this folder cannot be read: no longer there")
	press(t, m, "left")
	if m.picker.dir != filepath.Dir(dir) || m.picker.err != nil {
		t.Errorf("up from a folder gone: %q %v", m.picker.dir, m.picker.err)
	}
}

// A reply to a picker closed, or a read overtaken by another, is dropped.
func TestPickerStaleReplies(t *testing.T) {
	m := newTab(t, "en")
	dir := files(t, testNow, "a.csv", "sub/b.csv")
	press(t, m, "tab", dir, "ctrl+o")
	old := m.picker
	stale := old.read(filepath.Join(dir, "sub"), "") // overtaken below
	press(t, m, "esc", "ctrl+o")
	drive(t, m, stale)
	if m.picker.dir != dir {
		t.Errorf("a closed picker's read moved the new one to %q", m.picker.dir)
	}
	drive(t, m, m.Update(pickedMsg{p: old, path: filepath.Join(dir, "a.csv")}))
	if !m.picking || m.loading || m.table != nil {
		t.Error("a closed picker's choice was taken")
	}
	first := m.picker.read(filepath.Join(dir, "sub"), "")
	second := m.picker.read(dir, "")
	drive(t, m, second)
	drive(t, m, first)
	if m.picker.dir != dir {
		t.Errorf("an older read won: %q", m.picker.dir)
	}
}

// The picker's folder is read again on its own while it is open.
func TestPickerRefreshes(t *testing.T) {
	m := newTab(t, "en")
	m.refresh = time.Millisecond
	dir := files(t, testNow, "a.csv")
	press(t, m, "tab", dir)
	cmd := m.Update(tea.KeyMsg{Type: tea.KeyCtrlO})
	msg := cmd() // the first read
	tick := m.Update(msg)
	if tick == nil {
		t.Fatal("no refresh asked for")
	}
	if err := os.WriteFile(filepath.Join(dir, "new.csv"), []byte(listCSV), 0o600); err != nil {
		t.Fatal(err)
	}
	read := m.Update(tick()) // the tick: a read
	m.Update(read())
	if got := strings.Join(names(m), " "); got != "a.csv new.csv" {
		t.Errorf("after the refresh: %q", got)
	}
	press(t, m, "esc")
	if m.Update(refreshMsg{m.picker, m.picker.seq}) != nil {
		t.Error("a closed picker reads on")
	}
}

// A session with a folder sees it as "/": the picker starts there and
// goes no higher, a link that leads out is not listed and, typed, is
// refused, and a typed path climbs no higher than the folder either.
func TestPickerStaysInSessionFolder(t *testing.T) {
	outside := files(t, testNow, "secret.csv")
	root := files(t, testNow, "list.csv", "sub/inner.csv")
	for _, link := range []string{"out", "out.csv"} {
		target := outside
		if link == "out.csv" {
			target = filepath.Join(outside, "secret.csv")
		}
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	m := sessionTab(t, app.Session{Lang: sms.EN, Files: root})
	press(t, m, "tab", "ctrl+o")
	wantView(t, m, "Choose a list in /", "sub/", "list.csv")
	if got := strings.Join(names(m), " "); got != "sub list.csv" {
		t.Errorf("listed %q: a link that leads out is listed", got)
	}
	if helpHas(m, "←") {
		t.Error("the help offers going up from the folder")
	}
	press(t, m, "left")
	if m.picker.dir != "/" {
		t.Errorf("went up to %q", m.picker.dir)
	}
	press(t, m, "enter", "enter") // into sub/, then its list
	if m.picking || m.table == nil || m.src.path != "/sub/inner.csv" {
		t.Fatalf("not loaded: picking %v, %v, %+v", m.picking, m.loadErr, m.src)
	}
	for _, typed := range []string{"/out.csv", "/out/secret.csv", "../../../../" + filepath.Join(outside, "secret.csv")} {
		m := sessionTab(t, app.Session{Lang: sms.EN, Files: root})
		press(t, m, "tab", typed, "enter")
		if m.loadErr == nil || m.table != nil {
			t.Errorf("%s: loaded from outside the folder", typed)
		}
		if typed == "/out.csv" {
			wantView(t, m, "out.csv: the link leads outside your folder")
		}
	}
	m = sessionTab(t, app.Session{Lang: sms.EN, Files: root})
	press(t, m, "tab", "~/list.csv", "enter")
	if m.loadErr != nil || m.src.path != "/list.csv" {
		t.Errorf("~ is not the folder: %v %+v", m.loadErr, m.src)
	}
}
