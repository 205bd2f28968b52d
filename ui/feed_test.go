package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/store"
)

// A status another smsdash wrote to the shared history (a watch, the
// command line) reaches the Status tab.
func TestStatusTabSeesOtherProcess(t *testing.T) {
	m := realApp(t)
	a := m.core
	other, err := store.Open(a.Config().StorePath())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	ids, err := other.AddQueued(ctx, 0, "bob", "json", []sms.Message{{To: "375296717259", Text: "Привет", Sender: "CMC"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := other.RecordResults(ctx, ids, []sms.Result{{Outcome: sms.Accepted, ID: 4242, Parts: 1}}); err != nil {
		t.Fatal(err)
	}
	for _, tab := range m.tabs { // not m.Init: its wait for the stream would take the event below
		settle(t, m, tab.Init())
	}
	press(t, m, "alt+3")
	if v := m.View(); !strings.Contains(v, "accepted") || strings.Contains(v, "Delivered") {
		t.Fatalf("before:\n%s", v)
	}

	if _, err := other.ApplyStatuses(ctx, "http", []sms.StatusReport{{ID: 4242, Status: sms.Delivered}}); err != nil {
		t.Fatal(err)
	}
	// The other process's send (its outcome), then its status.
	if n, err := a.Feed.CatchUp(ctx); err != nil || n != 2 {
		t.Fatalf("CatchUp = %d, %v", n, err)
	}
	m.Update(m.waitEvent()()) // the event is pending: the wait returns at once
	if v := m.View(); !strings.Contains(v, "Delivered") {
		t.Errorf("after the other process's status:\n%s", v)
	}
}
