package smppsim

import (
	"encoding/binary"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// deadlines records the read deadlines set on a connection.
type deadlines struct {
	net.Conn
	mu sync.Mutex
	at []time.Time
}

func (d *deadlines) SetReadDeadline(t time.Time) error {
	d.mu.Lock()
	d.at = append(d.at, t)
	d.mu.Unlock()
	return d.Conn.SetReadDeadline(t)
}

// Every PDU read, enquire_link included, moves the idle deadline on.
func TestReadDeadlineRefreshedPerPDU(t *testing.T) {
	const idle = time.Hour
	r, err := Start("127.0.0.1:0", Options{IdleTimeout: idle})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	server, client := net.Pipe()
	defer client.Close()
	rec := &deadlines{Conn: server}
	s, err := r.admit(rec)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	go s.serve()

	const pdus = 3
	client.SetDeadline(time.Now().Add(10 * time.Second)) // a safety net
	for seq := uint32(1); seq <= pdus; seq++ {
		req := make([]byte, headerLen)
		binary.BigEndian.PutUint32(req, headerLen)
		binary.BigEndian.PutUint32(req[4:], cmdEnquireLink)
		binary.BigEndian.PutUint32(req[12:], seq)
		if _, err := client.Write(req); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(client, req); err != nil {
			t.Fatal(err)
		}
	}
	client.Close()
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the session did not end")
	}

	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.at) != pdus+1 {
		t.Fatalf("%d read deadlines set, want %d: one before each PDU", len(rec.at), pdus+1)
	}
	for i, at := range rec.at {
		if at.Before(start.Add(idle)) || i > 0 && at.Before(rec.at[i-1]) {
			t.Errorf("deadline %d is %v, want IdleTimeout on, not before the one before", i, at)
		}
	}
}
