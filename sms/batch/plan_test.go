package batch

import (
	"strings"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms/store"
)

// The cautions are one list for the tab and the command line; only the
// ones that may cost money twice or for nothing ask for the explicit y.
func TestCautions(t *testing.T) {
	tb, err := Parse([]byte("phone;text\n+375291234567;a\n+375291234567;b\n+48601234567;c\n+375331234567;d\n"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Check(tb, Plan{PhoneCol: 0, TextCol: 1, Sender: "CMC", Balance: 2, BalanceKnown: true})
	if err != nil {
		t.Fatal(err)
	}
	prev := &store.Batch{ID: 7, CreatedAt: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}
	got := r.Cautions(prev, "plain")
	want := []struct {
		says    string
		confirm bool
	}{
		{"the balance 2.00 covers the first 2 of 4 messages", true},
		{"went out as batch 7 on 2026-11-30 12:00", true},
		{"1 numbers are outside Belarus", false},
		{"1 numbers get more than one text", false},
		{"a list goes through JSON", false},
	}
	if len(got) != len(want) {
		t.Fatalf("%d cautions: %v", len(got), got)
	}
	for i, w := range want {
		if !strings.Contains(got[i].EN, w.says) || got[i].Confirm != w.confirm || got[i].RU == "" {
			t.Errorf("caution %d: %+v, want %q (confirm %v)", i, got[i], w.says, w.confirm)
		}
	}
	if !NeedsYes(got) || NeedsYes(got[2:]) {
		t.Error("NeedsYes")
	}
	r.BalanceKnown = false
	if c := r.Cautions(nil, "json"); len(c) != 3 || !strings.Contains(c[2].EN, "balance is not known") || NeedsYes(c) {
		t.Errorf("balance unknown: %v", c)
	}
}
