package smppsim_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms/smppsim"
)

// closedBySMSC reads from c until it fails and fails the test unless the
// SMSC closed it: the read's own deadline is only a safety net.
func closedBySMSC(t *testing.T, c *conn) {
	t.Helper()
	_, err := c.readErr(10 * time.Second)
	switch {
	case err == nil:
		t.Fatal("read a PDU, want the connection closed")
	case errors.Is(err, os.ErrDeadlineExceeded):
		t.Fatal("the connection is still open after 10 s")
	}
}

func TestIdleConnectionClosed(t *testing.T) {
	srv := startSim(t, smppsim.Options{IdleTimeout: 100 * time.Millisecond})
	silent := dial(t, srv.Addr())
	closedBySMSC(t, silent)

	bound := dial(t, srv.Addr())
	if st := bound.bind(bindTransceiver, "demo", "demo"); st != 0 {
		t.Fatalf("bind: %#x", st)
	}
	closedBySMSC(t, bound)
	if st := srv.Stats(); st.Idle != 2 {
		t.Errorf("Stats.Idle = %d, want 2", st.Idle)
	}
}

func TestMaxConnections(t *testing.T) {
	srv := startSim(t, smppsim.Options{MaxConnections: 2})
	first, second := dial(t, srv.Addr()), dial(t, srv.Addr())
	// A bind answered: the SMSC has taken the connection.
	for _, c := range []*conn{first, second} {
		if st := c.bind(bindTransmitter, "demo", "demo"); st != 0 {
			t.Fatalf("bind: %#x", st)
		}
	}
	closedBySMSC(t, dial(t, srv.Addr()))
	if st := srv.Stats(); st.Turned != 1 || st.Open != 2 {
		t.Errorf("Stats.Turned = %d, Open = %d; want 1, 2", st.Turned, st.Open)
	}
	// The ones in keep working, and a freed place is taken again.
	if p := second.call(enquireLink, nil); p.status != 0 {
		t.Fatalf("enquire_link: %+v", p)
	}
	first.call(unbind, nil)
	for i := 0; i < 1000 && srv.Stats().Open != 1; i++ {
		time.Sleep(5 * time.Millisecond)
	}
	if st := dial(t, srv.Addr()).bind(bindTransmitter, "demo", "demo"); st != 0 {
		t.Fatalf("bind in the freed place: %#x", st)
	}
}
