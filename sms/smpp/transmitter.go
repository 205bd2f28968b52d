package smpp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"

	"github.com/smsdash/smsdash/sms"
)

// The transmitter link is this package's own, on go-smpp's PDU encoder,
// because whether a submit_sm may have reached the gateway decides between
// NotSent (safe to send again) and OutcomeUnknown, and the library's
// Transmitter cannot tell: its Submit returns ErrNotConnected both when
// the connection was already gone (nothing written) and when the link
// died after the write (the inflight answers are failed with the same
// error), and it writes through a buffered writer on a socket it dials
// itself, so no caller can see how far a write got.
//
// Here a PDU is sent when net.Conn.Write took all its octets (n == len):
// that is the moment it may reach the gateway. A write that took fewer
// cut the PDU short; the link is then ended and its socket closed, so no
// octet of it follows and the SMSC, which frames PDUs by command_length,
// cannot act on it: not sent. A link is ended as soon as its reader sees
// the end of the stream (or anything unreadable), a write fails, an
// enquire_link goes unanswered, or the SMSC unbinds; an ended link writes
// nothing more, and the client hands out no link until the next bind.

// What this side of SMPP speaks.
const (
	cmdSubmitSM      uint32 = 0x00000004
	cmdUnbind        uint32 = 0x00000006
	cmdEnquireLink   uint32 = 0x00000015
	cmdGenericNack   uint32 = 0x80000000
	respBit          uint32 = 0x80000000
	statusInvalidCmd uint32 = 0x03

	headerLen  = 16
	maxPDU     = 64 << 10 // the most octets of a PDU read; a longer one ends the link
	unbindWait = time.Second
	// tryLinks is how many links a part may find lost before it is
	// given up as not sent.
	tryLinks = 3
)

// Link errors of the transmitter.
var (
	errNoAnswer = &sms.Error{EN: "no answer within the response timeout", RU: "нет ответа за время ожидания"}
	errUnbound  = &sms.Error{EN: "the gateway ended the session (unbind)", RU: "шлюз завершил сеанс (unbind)"}
	errNoBind   = &sms.Error{EN: "the gateway answered the bind with another PDU", RU: "шлюз ответил на bind другим PDU"}
)

// LinkError says that the transmitter's link ended (Err: why) before a
// submit_sm was written whole (Sent false: it never left), or after, while
// its answer was awaited (Sent true: the gateway may have taken it).
type LinkError struct {
	Sent bool
	Err  error
}

var linkText = [2][2]string{
	{"the link was lost before the message was written", "связь потеряна до передачи сообщения"},
	{"the link was lost while waiting for the answer", "связь потеряна в ожидании ответа"},
}

func (e *LinkError) text(l sms.Lang) string {
	i, j := 0, 0
	if e.Sent {
		i = 1
	}
	if l == sms.RU {
		j = 1
	}
	return linkText[i][j]
}

func (e *LinkError) Error() string { return e.text(sms.EN) + ": " + e.Err.Error() }

// Text gives the error in a person's language.
func (e *LinkError) Text(l sms.Lang) string { return e.text(l) + ": " + cause(e.Err, l) }

func (e *LinkError) Unwrap() error { return e.Err }

// answer is a response read: its header, and the message_id of a
// submit_sm_resp.
type answer struct {
	cmd, status uint32
	id          string
}

// txLink is one bound transmitter connection.
type txLink struct {
	nc      net.Conn
	timeout time.Duration // for an answer, and for a write to be taken

	wmu sync.Mutex // one PDU on the wire at a time

	mu      sync.Mutex
	pending map[uint32]chan answer
	err     error         // why the link ended; set once, with dead closed
	dead    chan struct{} // closed when the link ends: nothing is written after
	gone    chan struct{} // closed when the reader stops: every answer read has been handed over
}

// dialTx connects and binds a transmitter; ctx bounds the dial and the
// bind (its deadline exceeded is ErrBindTimeout).
func dialTx(ctx context.Context, cfg Config) (*txLink, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, bindErr(ctx, err)
	}
	br := bufio.NewReader(nc)
	if err := bindTx(ctx, nc, br, cfg); err != nil {
		nc.Close()
		return nil, bindErr(ctx, err)
	}
	return newTxLink(nc, br, cfg.RespTimeout, cfg.EnquireLink), nil
}

// newTxLink runs a link on a bound connection.
func newTxLink(nc net.Conn, br *bufio.Reader, timeout, enquireLink time.Duration) *txLink {
	t := &txLink{nc: nc, timeout: timeout, pending: map[uint32]chan answer{},
		dead: make(chan struct{}), gone: make(chan struct{})}
	go t.read(br)
	go t.keepalive(enquireLink)
	return t
}

func bindErr(ctx context.Context, err error) error {
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		return ctx.Err()
	case ctx.Err() != nil, errors.Is(err, os.ErrDeadlineExceeded):
		return ErrBindTimeout
	}
	return err
}

// bindTx writes bind_transmitter and reads its answer; a refusal is a
// Status.
func bindTx(ctx context.Context, nc net.Conn, br *bufio.Reader, cfg Config) error {
	if dl, ok := ctx.Deadline(); ok {
		nc.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
	err := bindExchange(nc, br, cfg)
	if !stop() && err == nil { // ctx ended: the deadline may be cut
		err = ctx.Err()
	}
	nc.SetDeadline(time.Time{})
	return err
}

func bindExchange(nc net.Conn, br *bufio.Reader, cfg Config) error {
	p := pdu.NewBindTransmitter()
	f := p.Fields()
	f.Set(pdufield.SystemID, cfg.User)
	f.Set(pdufield.Password, cfg.Password)
	f.Set(pdufield.SystemType, cfg.SystemType)
	f.Set(pdufield.InterfaceVersion, uint8(0x34))
	b, err := encode(p)
	if err != nil {
		return err
	}
	if _, err := nc.Write(b); err != nil {
		return err
	}
	h, _, err := readPDU(br, nil)
	switch {
	case err != nil:
		return err
	case h.status != 0:
		return Status(h.status)
	case h.cmd != uint32(pdu.BindTransmitterRespID) || h.seq != p.Header().Seq:
		return errNoBind
	}
	return nil
}

func encode(p pdu.Body) ([]byte, error) {
	var b bytes.Buffer
	err := p.SerializeTo(&b)
	return b.Bytes(), err
}

// header is a PDU's header, command_length aside.
type header struct{ cmd, status, seq uint32 }

// readPDU reads one PDU into buf (grown as needed) and gives its header
// and body. A command_length below the header or over maxPDU is an
// error: the stream cannot be followed.
func readPDU(r io.Reader, buf []byte) (header, []byte, error) {
	var h [headerLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return header{}, buf, err
	}
	n := binary.BigEndian.Uint32(h[:])
	if n < headerLen || n > maxPDU {
		return header{}, buf, errors.New("unreadable PDU: command_length " + strconv.FormatUint(uint64(n), 10))
	}
	hd := header{binary.BigEndian.Uint32(h[4:]), binary.BigEndian.Uint32(h[8:]), binary.BigEndian.Uint32(h[12:])}
	body := buf[:0]
	if cap(body) < int(n)-headerLen {
		body = make([]byte, n-headerLen)
	}
	body = body[:n-headerLen]
	_, err := io.ReadFull(r, body)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return hd, body, err
}

// messageID reads a submit_sm_resp body's message_id: up to its NUL.
func messageID(body []byte) string {
	if i := bytes.IndexByte(body, 0); i >= 0 {
		body = body[:i]
	}
	return string(body)
}

// read hands answers to their callers, answers the SMSC's enquire_link
// and unbind, and ends the link at the end of the stream.
func (t *txLink) read(br *bufio.Reader) {
	defer close(t.gone)
	var buf []byte
	for {
		h, body, err := readPDU(br, buf)
		buf = body
		if err != nil {
			t.end(err)
			return
		}
		switch {
		case h.cmd&respBit != 0: // generic_nack too
			t.mu.Lock()
			ch := t.pending[h.seq]
			delete(t.pending, h.seq)
			t.mu.Unlock()
			if ch != nil {
				a := answer{cmd: h.cmd, status: h.status}
				if h.cmd == cmdSubmitSM|respBit {
					a.id = messageID(body)
				}
				ch <- a
			}
		case h.cmd == cmdEnquireLink:
			t.write(headerOnly(cmdEnquireLink|respBit, 0, h.seq))
		case h.cmd == cmdUnbind:
			t.write(headerOnly(cmdUnbind|respBit, 0, h.seq))
			t.end(errUnbound)
			return
		default: // a transmitter serves nothing else
			t.write(headerOnly(cmdGenericNack, statusInvalidCmd, h.seq))
		}
	}
}

func headerOnly(cmd, status, seq uint32) []byte {
	b := make([]byte, headerLen)
	binary.BigEndian.PutUint32(b, headerLen)
	binary.BigEndian.PutUint32(b[4:], cmd)
	binary.BigEndian.PutUint32(b[8:], status)
	binary.BigEndian.PutUint32(b[12:], seq)
	return b
}

// keepalive sends enquire_link every interval; one unanswered ends the
// link.
func (t *txLink) keepalive(every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-t.dead:
			return
		case <-tick.C:
		}
		p := pdu.NewEnquireLink()
		b, _ := encode(p) // a bare header cannot fail
		if _, sent, err := t.call(p.Header().Seq, b, t.timeout); sent && err != nil {
			t.end(errLinkDead)
		}
	}
}

// end ends the link for err, once: nothing is written after, and the
// socket is closed, which stops the reader.
func (t *txLink) end(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err == nil {
		t.err = err
		close(t.dead)
		t.nc.Close()
	}
}

// ended gives why the link ended, or nil while it is live.
func (t *txLink) ended() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// write puts b on the wire whole, or fails (b not written whole) and ends
// the link.
func (t *txLink) write(b []byte) error {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	if err := t.ended(); err != nil {
		return err
	}
	// A peer that takes nothing must not hold the writers forever.
	t.nc.SetWriteDeadline(time.Now().Add(t.timeout))
	n, err := t.nc.Write(b)
	if n == len(b) {
		return nil
	}
	if err == nil {
		err = io.ErrShortWrite
	}
	t.end(err)
	return err
}

// call writes a request (its octets b, its sequence number seq) and waits
// up to wait for its answer. sent tells whether b was written whole: if
// not, the request never left, and err says why.
func (t *txLink) call(seq uint32, b []byte, wait time.Duration) (a answer, sent bool, err error) {
	ch := make(chan answer, 1)
	t.mu.Lock()
	t.pending[seq] = ch
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		delete(t.pending, seq)
		t.mu.Unlock()
	}()
	if err := t.write(b); err != nil {
		return a, false, &LinkError{Err: err}
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case a = <-ch:
		return a, true, nil
	case <-t.gone:
		err = &LinkError{Sent: true, Err: t.ended()}
	case <-timer.C:
		err = errNoAnswer
	}
	select { // an answer read just before counts
	case a = <-ch:
		return a, true, nil
	default:
		return a, true, err
	}
}

// Close unbinds a live link, waiting a little for the answer, and ends
// it.
func (t *txLink) Close() error {
	if t.ended() == nil {
		p := pdu.NewUnbind()
		b, _ := encode(p)
		t.call(p.Header().Seq, b, unbindWait)
	}
	t.end(ErrClosed)
	return nil
}
