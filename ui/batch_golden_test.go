package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// TestBatchGolden draws the Batch tab's file picker (as opened, and
// filtered) and a list pasted into the tab, in both languages at 80x24.
func TestBatchGolden(t *testing.T) {
	paste := tea.KeyMsg{Type: tea.KeyRunes, Paste: true, Runes: []rune("Телефон\tИмя\r+375 29 111-22-33\tАнна\r80447654321\tВера\r")}
	// Each step's keys are sent, then its text is waited for.
	type step struct {
		keys []tea.Msg
		wait map[string]string
	}
	views := []struct {
		name  string
		steps []step
	}{
		{"picker", []step{{nil, map[string]string{"en": "not lists: 1", "ru": "не списки: 1"}}}},
		{"picker-filtered", []step{{[]tea.Msg{keyMsg("кли")}, map[string]string{"en": "1 of 4 match", "ru": "подходят 1 из 4"}}}},
		{"pasted", []step{
			{[]tea.Msg{keyMsg("esc"), keyMsg("esc"), paste}, map[string]string{"en": "pasted list 503d99", "ru": "вставленный список 503d99"}},
			{[]tea.Msg{keyMsg("Hi {Имя}!")}, map[string]string{"en": "Hi Вера!", "ru": "Hi Вера!"}},
		}},
	}
	for _, lang := range []string{"en", "ru"} {
		for _, v := range views {
			t.Run(lang+"/"+v.name, func(t *testing.T) {
				dir := t.TempDir()
				for _, name := range []string{"клиенты.csv", "March.XLSX", "notes.pdf", "archive/old.csv", "exports/x.tsv"} {
					p := filepath.Join(dir, name)
					if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, bytes.Repeat([]byte("+375296717259;Анна\n"), 100), 0o600); err != nil {
						t.Fatal(err)
					}
					if err := os.Chtimes(p, testNow, testNow); err != nil {
						t.Fatal(err)
					}
				}
				a := newApp(t, lang)
				seed(t, a)
				m := New(a, asciiRenderer())
				m.SetClock(func() time.Time { return testNow })
				t.Cleanup(m.Close)
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
				tm.Send(keyMsg("alt+2"))
				tm.Send(keyMsg("tab"))
				tm.Send(keyMsg(dir + "/"))
				tm.Send(tea.KeyMsg{Type: tea.KeyCtrlO})
				for _, s := range v.steps {
					for _, k := range s.keys {
						tm.Send(k)
					}
					teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
						return bytes.Contains(b, []byte(s.wait[lang])) && bytes.Contains(b, []byte("90.00"))
					}, teatest.WithDuration(10*time.Second))
				}
				tm.Send(keyMsg("ctrl+c"))
				final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
				teatest.RequireEqualOutput(t, scrub(strings.ReplaceAll(final.View(), dir, "/home/agent/lists")))
			})
		}
	}
}
