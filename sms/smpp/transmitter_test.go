package smpp

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"slices"
	"testing"
	"time"
)

// cutConn takes only the first left octets written; then writes fail.
type cutConn struct {
	net.Conn
	left int
}

func (c *cutConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b[:min(len(b), c.left)])
	c.left -= n
	if err == nil && n < len(b) {
		err = errors.New("cut")
	}
	return n, err
}

// tcpPair gives both ends of a loopback connection.
func tcpPair(t *testing.T) (client, server net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	server.SetDeadline(time.Now().Add(10 * time.Second)) // a safety net
	return client, server
}

// A submit_sm is sent exactly when all its octets were written: one cut
// short never left (the link ends, and nothing follows the cut), one
// written whole whose link then ends may have been taken.
func TestSentMeansWrittenWhole(t *testing.T) {
	j := &job{src: "CMC", dst: "375296717259", srcTON: 5, coding: CodingLatin1, parts: [][]byte{[]byte("hello")}}
	seq, b, err := submitPDU(j, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		take int
		sent bool
	}{
		{"nothing taken", 0, false},
		{"cut short", headerLen + 3, false},
		{"all but the last octet", len(b) - 1, false},
		{"written whole", len(b), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, server := tcpPair(t)
			l := newTxLink(&cutConn{Conn: client, left: tc.take}, bufio.NewReader(client), time.Second, time.Hour)
			done := make(chan []byte)
			go func() { // the SMSC reads what came, then hangs up without an answer
				got := make([]byte, tc.take)
				io.ReadFull(server, got)
				if tc.sent {
					server.Close()
				}
				rest, _ := io.ReadAll(server)
				done <- append(got, rest...)
			}()
			_, sent, err := l.call(seq, b, 5*time.Second)
			var le *LinkError
			if sent != tc.sent || !errors.As(err, &le) || le.Sent != tc.sent {
				t.Fatalf("sent %v, err %v; want sent %v and a link error that says so", sent, err, tc.sent)
			}
			if l.ended() == nil {
				t.Error("the link is still up")
			}
			if _, sent, _ := l.call(seq, b, 5*time.Second); sent {
				t.Error("an ended link wrote")
			}
			if got := <-done; !bytes.Equal(got, b[:tc.take]) {
				t.Errorf("the SMSC read %d octets, want the first %d of the PDU and nothing after", len(got), tc.take)
			}
		})
	}
}

// An answer is handed to its caller by sequence number, with the id of
// a submit_sm_resp; the SMSC's enquire_link is answered on the way.
func TestAnswersBySequence(t *testing.T) {
	client, server := tcpPair(t)
	l := newTxLink(client, bufio.NewReader(client), 5*time.Second, time.Hour)
	defer l.end(ErrClosed)
	j := &job{src: "CMC", dst: "375296717259", srcTON: 5, coding: CodingLatin1, parts: [][]byte{[]byte("hello")}}
	seq, b, err := submitPDU(j, 0)
	if err != nil {
		t.Fatal(err)
	}
	pong := make(chan header, 1)
	go func() {
		br := bufio.NewReader(server)
		if _, _, err := readPDU(br, nil); err != nil {
			close(pong)
			return
		}
		ping := headerOnly(cmdEnquireLink, 0, 9)
		stray := headerOnly(cmdSubmitSM|respBit, 0, seq+1000) // no one waits for it
		resp := append(headerOnly(cmdSubmitSM|respBit, 0, seq), "7000000042\x00"...)
		binary.BigEndian.PutUint32(resp, uint32(len(resp)))
		server.Write(slices.Concat(ping, stray, resp))
		h, _, _ := readPDU(br, nil)
		pong <- h
	}()
	a, sent, err := l.call(seq, b, 5*time.Second)
	if !sent || err != nil || a != (answer{cmd: cmdSubmitSM | respBit, id: "7000000042"}) {
		t.Fatalf("answer %+v, sent %v, err %v", a, sent, err)
	}
	if h := <-pong; h != (header{cmdEnquireLink | respBit, 0, 9}) {
		t.Errorf("the SMSC's enquire_link got %+v", h)
	}
}

// readPDU takes whatever the wire brings: a PDU within bounds whole, or
// an error; the message_id of its body has no NUL.
func FuzzReadPDU(f *testing.F) {
	resp := append(headerOnly(cmdSubmitSM|respBit, 0, 7), "12345\x00"...)
	binary.BigEndian.PutUint32(resp, uint32(len(resp)))
	f.Add(resp)
	f.Add(headerOnly(cmdEnquireLink, 0, 1))
	f.Add([]byte{0, 0, 0, 8, 0, 0, 0, 0})
	f.Add(append(resp, headerOnly(cmdGenericNack, 3, 2)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		var buf []byte
		for range len(data)/headerLen + 1 { // each PDU takes a header at least
			before := r.Len()
			h, body, err := readPDU(r, buf)
			buf = body
			if err != nil {
				return
			}
			n := binary.BigEndian.Uint32(data[len(data)-before:])
			if int(n) != headerLen+len(body) || n > maxPDU || before-r.Len() != int(n) {
				t.Fatalf("command_length %d, body %d, read %d", n, len(body), before-r.Len())
			}
			if h.cmd != binary.BigEndian.Uint32(data[len(data)-before+4:]) {
				t.Fatalf("command_id %#x", h.cmd)
			}
			if id := messageID(body); bytes.IndexByte([]byte(id), 0) >= 0 || !bytes.HasPrefix(body, []byte(id)) {
				t.Fatalf("message_id %q of %q", id, body)
			}
		}
		t.Fatal("more PDUs than headers")
	})
}
