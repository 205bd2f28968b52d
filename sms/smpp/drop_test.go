package smpp

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/smppsim"
)

// ledger is what the SMSC read, by recipient: charged (with the id) or
// discarded (read into a drop, never answered).
type ledger struct {
	mu        sync.Mutex
	charged   map[string]int64
	discarded map[string]bool
}

func (l *ledger) options(o smppsim.Options) smppsim.Options {
	l.charged, l.discarded = map[string]int64{}, map[string]bool{}
	o.OnSubmit = func(s smppsim.Submit) {
		l.mu.Lock()
		l.charged[s.Dest] = s.ID
		l.mu.Unlock()
	}
	o.OnDiscard = func(s smppsim.Submit) {
		l.mu.Lock()
		l.discarded[s.Dest] = true
		l.mu.Unlock()
	}
	return o
}

// A transmitter link dropped in the middle of a send (the SMSC answers
// every submit it charged, then closes): a message is unknown exactly
// when the SMSC read it without answering, one not sent never reached it,
// and the messages whose turn came while the link was down waited for
// the rebind rather than fail. The client writes nothing the SMSC did not
// read: no write on a dead link counts as sent.
func TestDropMidSend(t *testing.T) {
	for _, tc := range []struct {
		name           string
		total, perLink int
		window         int
		backoff        time.Duration
	}{
		{"2000 messages, window 10", 2000, 1200, 10, 20 * time.Millisecond},
		{"long rebind, window 10", 300, 130, 10, 300 * time.Millisecond},
		{"long rebind, window 1", 100, 40, 1, 300 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var led ledger
			o := led.options(smppsim.Options{Faults: smppsim.Faults{DropAfter: 1 + tc.perLink}}) // the bind, then perLink PDUs
			o.Account.Balance = 1e6
			o.Account.QueuedFor = time.Hour // no receipt: the receiver's link reads nothing but its bind
			srv := startSim(t, o)
			c, _ := startClient(t, srv.Addr(), func(c *Config) {
				c.Window = tc.window
				c.Backoff = Backoff{Min: tc.backoff, Max: tc.backoff}
			})
			waitSessions(t, srv, 1, 1)
			msgs := make([]sms.Message, tc.total)
			for i := range msgs {
				msgs[i] = msg(fmt.Sprint(375291000000+i), "x")
			}
			res := c.Send(context.Background(), msgs)
			// The dropped connection is gone once it has been read to its end.
			waitSessions(t, srv, 1, 1)

			led.mu.Lock()
			defer led.mu.Unlock()
			var n [4]int
			for i, r := range res {
				n[r.Outcome]++
				id, charged := led.charged[msgs[i].To]
				discarded := led.discarded[msgs[i].To]
				switch {
				case r.Outcome == sms.Accepted && (!charged || id != r.ID):
					t.Errorf("message %d accepted as %d, charged %v as %d", i, r.ID, charged, id)
				case r.Outcome == sms.OutcomeUnknown && (charged || !discarded):
					t.Errorf("message %d unknown (%v), but charged %v, read into the drop %v", i, r.Err, charged, discarded)
				case r.Outcome == sms.NotSent && (charged || discarded):
					t.Errorf("message %d not sent (%v), but the SMSC read it", i, r.Err)
				case r.Outcome == sms.Refused:
					t.Errorf("message %d refused: %+v", i, r)
				}
			}
			st, cs := srv.Stats(), c.Stats()
			t.Logf("accepted %d, unknown %d (read into the drop %d), not sent %d; links lost %d", n[sms.Accepted], n[sms.OutcomeUnknown], st.Discarded, n[sms.NotSent], cs.Losses)
			unanswered := st.Accepted - int64(n[sms.Accepted])
			if n[sms.Accepted]+n[sms.Refused]+n[sms.NotSent]+n[sms.OutcomeUnknown] != tc.total {
				t.Errorf("outcomes %v do not add up to %d", n, tc.total)
			}
			if unanswered != 0 || int64(n[sms.OutcomeUnknown]) != st.Discarded+unanswered {
				t.Errorf("unknown %d, want the %d read into the drop and the %d charged but unanswered", n[sms.OutcomeUnknown], st.Discarded, unanswered)
			}
			if n[sms.NotSent] != 0 {
				t.Errorf("%d not sent: the link came back well within ConnectWait", n[sms.NotSent])
			}
			if cs.Submitted != st.Accepted+st.Discarded {
				t.Errorf("the client wrote %d submits, the SMSC read %d", cs.Submitted, st.Accepted+st.Discarded)
			}
			if cs.Losses < 1 || st.Connections < 3 {
				t.Errorf("no drop: client %+v, SMSC %+v", cs, st)
			}
		})
	}
}

// A link found lost is never written to: the message is not sent, and
// not a byte of it reaches the SMSC.
func TestLostLinkWritesNothing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	fin, after := make(chan struct{}), make(chan int64, 1)
	go fakeSMSC(ln, fin, after)
	c, _ := startClient(t, ln.Addr().String(), func(c *Config) { c.ConnectWait = 200 * time.Millisecond })
	waitState(t, c, Bound, 5*time.Second)
	ln.Close() // no rebind
	close(fin) // the SMSC half-closes the transmitter's connection
	waitLosses(t, c, 1)
	r := c.Send(context.Background(), []sms.Message{msg("296717259", "x")})[0]
	if r.Outcome != sms.NotSent || !strings.Contains(sms.ErrText(r.Err, sms.RU), "нет связи со шлюзом SMPP") {
		t.Errorf("result %+v (%s), want not sent: not bound", r, sms.ErrText(r.Err, sms.RU))
	}
	select {
	case n := <-after:
		if n != 0 {
			t.Errorf("%d bytes written after the SMSC's FIN", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the transmitter's connection did not end")
	}
}

// fakeSMSC binds every connection on ln; once fin is closed it half-closes
// the transmitter's and reports on after the bytes it then reads to the
// end.
func fakeSMSC(ln net.Listener, fin <-chan struct{}, after chan<- int64) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Second)) // a safety net
			h := make([]byte, 16)
			if _, err := io.ReadFull(conn, h); err != nil {
				return
			}
			cmd := binary.BigEndian.Uint32(h[4:])
			if _, err := io.CopyN(io.Discard, conn, int64(binary.BigEndian.Uint32(h)-16)); err != nil {
				return
			}
			resp := binary.BigEndian.AppendUint32(nil, 18)
			resp = binary.BigEndian.AppendUint32(resp, cmd|0x80000000)
			resp = binary.BigEndian.AppendUint32(resp, 0)
			resp = append(append(resp, h[12:16]...), 'x', 0)
			if _, err := conn.Write(resp); err != nil || cmd != 2 { // the receiver stays as it is
				io.Copy(io.Discard, conn)
				return
			}
			<-fin
			conn.(*net.TCPConn).CloseWrite()
			n, _ := io.Copy(io.Discard, conn)
			after <- n
		}()
	}
}
