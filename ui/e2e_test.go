package ui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// TestEndToEndTmux types into the real binary: DEMO mode under tmux, a
// Cyrillic message to a number from Compose, ctrl+s, its line on Compose
// and then the Status tab (chosen with a click on its label) until they
// read Delivered; a column of numbers pasted into To and sent; then a
// batch from a list chosen in the Batch tab's file picker; a file
// deleted while the picker shows it; then a list pasted into the Batch
// tab (bracketed paste, as a terminal sends it).
func TestEndToEndTmux(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is not installed; .ci/run installs it (apt-get install -y tmux)")
	}
	dir := t.TempDir()
	bin := buildSmsdash(t, dir)
	env := []string{"LANG=C.UTF-8", "LC_ALL=", "TERM=xterm-256color", "NO_COLOR="}
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"} {
		env = append(env, k+"="+filepath.Join(dir, k))
	}
	// If smsdash exits, the pane stays to show why.
	run := "env " + strings.Join(quoteAll(env), " ") + " " + quote(bin) + "; echo smsdash exited: $?; sleep 600"
	tmux := tmuxServer(t, "e2e", run)

	screen := ""
	// until waits for the screen to show want, or with gone to stop
	// showing it.
	until := func(want string, gone bool) {
		t.Helper()
		for range 60 { // 15 s at most
			screen = tmux("capture-pane", "-p", "-t", "e2e")
			if strings.Contains(screen, want) != gone {
				return
			}
			time.Sleep(250 * time.Millisecond)
		}
		t.Fatalf("the screen never showed (or stopped showing: %v) %q:\n%s", gone, want, screen)
	}
	waitFor := func(want string) {
		t.Helper()
		until(want, false)
	}
	waitFor("[1 Compose]") // main.go opens the dashboard when no command is given
	tmux("send-keys", "-t", "e2e", "-l", "8(029)671-72-59")
	tmux("send-keys", "-t", "e2e", "Tab", "Tab")
	tmux("send-keys", "-t", "e2e", "-l", "Привет из tmux! Это проверка.")
	waitFor("Привет из tmux! Это проверка.")
	tmux("send-keys", "-t", "e2e", "C-s")
	waitFor("375296717259  ") // the last send's line: accepted, then its statuses
	waitFor("✓ 375296717259  Delivered")
	// A click on the tab's label, as a terminal reports it to an app
	// that asked for the mouse: SGR, press then release, 1-based cells.
	bar := strings.Split(screen, "\n")[1]
	x := strings.Index(bar, "3 Status")
	if x < 0 {
		t.Fatalf("no tab bar:\n%s", screen)
	}
	x = utf8.RuneCountInString(bar[:x]) + 1 + 2 // a cell a rune on this line; the label's middle
	for _, end := range "Mm" {
		tmux(append([]string{"send-keys", "-t", "e2e", "-H"}, hexBytes(fmt.Sprintf("\x1b[<0;%d;2%c", x, end))...)...)
	}
	waitFor("[3 Status]")
	waitFor("Delivered")
	if !strings.Contains(screen, "375296717259") || !strings.Contains(screen, "Привет из tmux") {
		t.Errorf("the Status tab lacks the message:\n%s", screen)
	}

	// A column of numbers pasted into To: bracketed paste (-p) of a
	// buffer with a terminal's CR line ends; each line one number.
	tmux("send-keys", "-t", "e2e", "M-1")
	waitFor("[1 Compose]")
	tmux("set-buffer", "-b", "numbers", "+375 29 111-22-33\r80331234567\r")
	tmux("paste-buffer", "-p", "-d", "-b", "numbers", "-t", "e2e")
	waitFor("✓ 375291112233, 375331234567")
	tmux("send-keys", "-t", "e2e", "Tab", "Tab")
	tmux("send-keys", "-t", "e2e", "-l", "Two at once")
	waitFor("2 recipients × 1 part = 2 SMS")
	tmux("send-keys", "-t", "e2e", "C-s")
	waitFor("375291112233  ")
	waitFor("375331234567  ")

	// A batch: a Windows-1251 list with semicolons chosen in the file
	// picker, a template, confirm, done; its messages on the Status tab.
	lists := filepath.Join(dir, "lists")
	list, _ := charmap.Windows1251.NewEncoder().Bytes([]byte("Телефон;Имя\r\n+375 29 111-22-33;Анна\r\n80447654321;Вера\r\n"))
	if err := os.MkdirAll(lists, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(lists, "клиенты.csv"), list, 0o600); err != nil {
		t.Fatal(err)
	}
	tmux("send-keys", "-t", "e2e", "M-2")
	waitFor("[2 Batch]")
	tmux("send-keys", "-t", "e2e", "Tab")
	tmux("send-keys", "-t", "e2e", "-l", lists)
	tmux("send-keys", "-t", "e2e", "C-o")
	waitFor("клиенты.csv")
	tmux("send-keys", "-t", "e2e", "Enter")
	waitFor("Windows-1251")
	tmux("send-keys", "-t", "e2e", "-l", "Здравствуйте, {Имя}!")
	waitFor("Здравствуйте, Анна!") // the preview
	tmux("send-keys", "-t", "e2e", "C-s")
	waitFor("Send 2 messages (2 parts)")
	tmux("send-keys", "-t", "e2e", "y")
	waitFor("accepted 2")
	tmux("send-keys", "-t", "e2e", "C-t") // this batch on the Status tab
	waitFor("Batch: #1")
	waitFor("Здравствуйте, Вера!")
	if !strings.Contains(screen, "2 messages") || strings.Contains(screen, "Привет из tmux") {
		t.Errorf("the Status tab shows more than the batch:\n%s", screen)
	}

	// A file deleted while the picker lists it (the crash of issue 12):
	// the picker drops it and goes on.
	gone := filepath.Join(lists, "gone.csv")
	if err := os.WriteFile(gone, list, 0o600); err != nil {
		t.Fatal(err)
	}
	tmux("send-keys", "-t", "e2e", "M-2")
	waitFor("[2 Batch]")
	tmux("send-keys", "-t", "e2e", "Escape") // out of the template
	waitFor("q quit")
	tmux("send-keys", "-t", "e2e", "C-o")
	waitFor("gone.csv")
	tmux("send-keys", "-t", "e2e", "End")
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	until("gone.csv", true)
	if !strings.Contains(screen, "клиенты.csv") {
		t.Fatalf("the picker after a deletion:\n%s", screen)
	}
	tmux("send-keys", "-t", "e2e", "Escape")
	waitFor("Send…")

	// Cells pasted from a spreadsheet: tab-separated; tmux sends the
	// lines with CR ends inside the brackets, as terminals do.
	tmux("set-buffer", "-b", "list", "Телефон\tИмя\n+375 29 333-44-55\tОля\n")
	tmux("paste-buffer", "-p", "-d", "-b", "list", "-t", "e2e")
	waitFor("pasted list")
	tmux("send-keys", "-t", "e2e", "-l", "Добрый день, {Имя}!")
	waitFor("Добрый день, Оля!")
	tmux("send-keys", "-t", "e2e", "C-s")
	waitFor("Send 1 message (1 part)")
	tmux("send-keys", "-t", "e2e", "y")
	waitFor("accepted 1")
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = quote(s)
	}
	return out
}

// hexBytes is s as tmux send-keys -H takes it: a hex byte an argument.
func hexBytes(s string) []string {
	out := make([]string, len(s))
	for i := range len(s) {
		out[i] = fmt.Sprintf("%02x", s[i])
	}
	return out
}
