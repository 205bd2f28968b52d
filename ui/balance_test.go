package ui

import (
	"errors"
	"strings"
	"testing"

	"github.com/smsdash/smsdash/sms/tracker"
)

// A failed balance reading shows, with its reason, on the Balance tab;
// the next reading clears it. (The header's light takes its news from
// the health record: light_test.go.)
func TestBalanceFailureShown(t *testing.T) {
	m := newModel(t, "en")
	m.Update(eventMsg{tracker.Event{BalanceErr: errors.New("credits: no reply within 5s"), BalanceErrSet: true}, true})
	press(t, m, "alt+4")
	if v := m.View(); !strings.Contains(v, "✗ could not read the balance: credits: no reply within 5s") {
		t.Errorf("lacks the reason:\n%s", v)
	}
	m.Update(eventMsg{tracker.Event{Balance: &tracker.Balance{Credits: 42, At: testNow}, BalanceErrSet: true}, true})
	if v := m.View(); strings.Contains(v, "could not read") || !strings.Contains(v, "42.00") {
		t.Errorf("after a reading:\n%s", v)
	}
}
