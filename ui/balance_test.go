package ui

import (
	"errors"
	"strings"
	"testing"

	"github.com/smsdash/smsdash/sms/tracker"
)

// A failed balance reading shows in the header and, with its reason, on
// the Balance tab; the next reading clears it. The polling's state in
// the header is another matter and stays.
func TestBalanceFailureShown(t *testing.T) {
	m := newModel(t, "en")
	m.Update(eventMsg{tracker.Event{ErrSet: true}, true}) // the polling works
	m.Update(eventMsg{tracker.Event{BalanceErr: errors.New("credits: no reply within 5s"), BalanceErrSet: true}, true})
	press(t, m, "alt+4")
	v := m.View()
	for _, want := range []string{"● online · ✗ could not read the balance", "✗ could not read the balance: credits: no reply within 5s"} {
		if !strings.Contains(v, want) {
			t.Errorf("lacks %q:\n%s", want, v)
		}
	}
	m.Update(eventMsg{tracker.Event{Balance: &tracker.Balance{Credits: 42, At: testNow}, BalanceErrSet: true}, true})
	if v := m.View(); strings.Contains(v, "could not read") || !strings.Contains(v, "42.00") {
		t.Errorf("after a reading:\n%s", v)
	}
}
