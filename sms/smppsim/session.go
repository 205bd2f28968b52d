package smppsim

import (
	"bufio"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Bind kinds, as bits.
const (
	bindRx uint32 = 1
	bindTx uint32 = 2
)

// session is one TCP connection.
type session struct {
	r     *Running
	c     net.Conn
	br    *bufio.Reader
	bound atomic.Uint32
	pdus  int
	body  []byte
	ready chan struct{} // of a receiver bind just made: closed once its bind_resp is out

	wmu sync.Mutex
	bw  *bufio.Writer

	inflight atomic.Int64   // submit_sm read, not yet answered
	late     sync.WaitGroup // answers held by Faults.Delay, not yet written

	omu  sync.Mutex
	seq  uint32
	out  map[uint32]*receipt // deliver_sm sent, not yet answered
	dead bool

	wake chan struct{}
	done chan struct{}
}

func (s *session) serve() {
	defer s.r.wg.Done()
	defer s.close()
	hdr := make([]byte, headerLen)
	resp := make([]byte, 0, 256)
	for {
		// Each PDU read earns the connection another IdleTimeout.
		s.c.SetReadDeadline(time.Now().Add(s.r.o.IdleTimeout))
		cmd, seq, body, err := s.next(hdr)
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			s.r.st.idle.Add(1)
			return
		case err == errLength:
			s.write(headerOnly(resp[:0], cmdGenericNack, StatusMalformed, seq), true)
			return
		case err != nil:
			return
		}
		s.pdus++
		f := s.r.faults.Load()
		isSubmit := cmd == cmdSubmitSM
		if isSubmit {
			if v := s.inflight.Add(1); v > s.r.st.maxInFlight.Load() {
				storeMax(&s.r.st.maxInFlight, v)
			}
		}
		out, closeAfter := s.handle(cmd, seq, body, resp[:0], f)
		ready := s.ready
		s.ready = nil
		switch {
		case out == nil:
		case f.Delay > 0:
			b, counted, opened := append([]byte(nil), out...), isSubmit, ready
			s.late.Add(1)
			time.AfterFunc(f.Delay, func() {
				defer s.late.Done()
				if counted {
					s.inflight.Add(-1)
				}
				s.write(b, true)
				if opened != nil {
					close(opened)
				}
			})
			isSubmit, ready = false, nil
		default:
			s.write(out, false)
		}
		if ready != nil {
			s.flush()
			close(ready)
		}
		if isSubmit {
			s.inflight.Add(-1)
		}
		switch {
		case closeAfter:
			s.flush()
			return
		case f.DropAfter > 0 && s.pdus >= f.DropAfter:
			s.linger(hdr)
			return
		case !s.moreBuffered():
			s.flush()
		}
	}
}

var errLength = errors.New("smppsim: command_length out of bounds")

// next reads a PDU into hdr and s.body; after errLength (cmd and seq are
// read) the stream cannot be followed.
func (s *session) next(hdr []byte) (cmd, seq uint32, body []byte, err error) {
	if _, err := io.ReadFull(s.br, hdr); err != nil {
		return 0, 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr)
	cmd, seq = binary.BigEndian.Uint32(hdr[4:]), binary.BigEndian.Uint32(hdr[12:])
	if n < headerLen || n > maxPDU {
		return cmd, seq, nil, errLength
	}
	if cap(s.body) < int(n)-headerLen {
		s.body = make([]byte, n-headerLen)
	}
	body = s.body[:n-headerLen]
	_, err = io.ReadFull(s.br, body)
	return cmd, seq, body, err
}

// lingerFor bounds how long a dropped connection is still read.
const lingerFor = 5 * time.Second

// linger drops the connection (Faults.DropAfter) without breaking its
// word: every answer owed, a delayed one too, goes out before the FIN.
// What the client sent into the drop is then read until it closes (or
// lingerFor), neither charged nor answered, and counted as Discarded:
// closing on unread bytes would reset the connection, and a reset can
// destroy answers still on their way.
func (s *session) linger(hdr []byte) {
	s.late.Wait()
	s.flush()
	half, ok := s.c.(interface{ CloseWrite() error })
	if !ok || half.CloseWrite() != nil {
		return
	}
	s.c.SetReadDeadline(time.Now().Add(lingerFor))
	for {
		cmd, seq, body, err := s.next(hdr)
		if err != nil {
			return
		}
		switch cmd {
		case cmdSubmitSM:
			s.r.discard(body)
		case cmdDeliverSM | respBit:
			s.ack(seq)
		}
	}
}

func storeMax(a *atomic.Int64, v int64) {
	for {
		old := a.Load()
		if v <= old || a.CompareAndSwap(old, v) {
			return
		}
	}
}

// moreBuffered reports whether a whole PDU is already read: answers then
// wait to be flushed together.
func (s *session) moreBuffered() bool {
	n := s.br.Buffered()
	if n < headerLen {
		return false
	}
	h, err := s.br.Peek(4)
	return err == nil && n >= int(binary.BigEndian.Uint32(h))
}

func (s *session) write(b []byte, flush bool) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if _, err := s.bw.Write(b); err != nil {
		return err
	}
	if flush {
		return s.bw.Flush()
	}
	return nil
}

func (s *session) flush() {
	s.wmu.Lock()
	s.bw.Flush()
	s.wmu.Unlock()
}

func (s *session) close() {
	s.c.Close()
	close(s.done)
	r := s.r
	r.mu.Lock()
	delete(r.sessions, s)
	delete(r.rx, s)
	r.mu.Unlock()
	s.omu.Lock()
	s.dead = true
	left := make([]*receipt, 0, len(s.out))
	for _, x := range s.out {
		left = append(left, x)
	}
	clear(s.out)
	s.omu.Unlock()
	// Oldest first: sequence numbers grow with time (a wrap is rare
	// enough to leave out of order).
	sortBySeqAt(left)
	r.requeue(left)
}

func sortBySeqAt(items []*receipt) {
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && items[j].at < items[j-1].at; j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
}

// handle answers one PDU; it returns the answer (appended to resp) and
// whether to close the connection after it.
func (s *session) handle(cmd, seq uint32, body, resp []byte, f *Faults) ([]byte, bool) {
	switch cmd {
	case cmdBindReceiver, cmdBindTransmitter, cmdBindTransceiver:
		return s.bind(cmd, seq, body, resp), false
	case cmdEnquireLink:
		return headerOnly(resp, cmd|respBit, StatusOK, seq), false
	case cmdUnbind:
		return headerOnly(resp, cmd|respBit, StatusOK, seq), true
	case cmdSubmitSM:
		s.r.st.submits.Add(1)
		var status uint32
		var id int64
		switch {
		case s.bound.Load()&bindTx == 0:
			status = StatusBadBind
		case f.Status != 0:
			status = f.Status
		default:
			status, id = s.r.submit(body)
		}
		if status != StatusOK {
			s.r.st.refused.Add(1)
			return headerOnly(resp, cmd|respBit, status, seq), false
		}
		s.r.st.accepted.Add(1)
		start := len(resp)
		resp = header(resp, cmd|respBit, StatusOK, seq)
		resp = strconv.AppendInt(resp, id, 10)
		return finish(append(resp, 0), start), false
	case cmdDeliverSM | respBit:
		s.ack(seq)
		return nil, false
	case cmdEnquireLink | respBit, cmdUnbind | respBit, cmdGenericNack:
		return nil, false
	}
	if cmd&respBit != 0 {
		return nil, false
	}
	return headerOnly(resp, cmdGenericNack, StatusInvCmdID, seq), false
}

func eq(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }

func (s *session) bind(cmd, seq uint32, body, resp []byte) []byte {
	r := s.r
	r.st.binds.Add(1)
	refuse := func(status uint32) []byte {
		r.st.bindsRefused.Add(1)
		return headerOnly(resp, cmd|respBit, status, seq)
	}
	if s.bound.Load() != 0 {
		return refuse(StatusAlreadyBnd)
	}
	rd := reader{b: body}
	login := rd.cstring(65) // 16 in SMPP 3.4; longer ones are read and refused below
	password := rd.cstring(65)
	rd.cstring(65) // system_type
	version := rd.byte1()
	rd.byte1() // addr_ton
	rd.byte1() // addr_npi
	rd.cstring(41)
	switch {
	case rd.bad || version < 0x34:
		return refuse(StatusBadBind)
	case !eq(login, []byte(r.o.Account.Login)) || !eq(password, []byte(r.o.Account.Password)):
		return refuse(StatusBadPassword)
	case cmd != cmdBindTransmitter && r.faults.Load().ReceiverStatus != 0:
		return refuse(r.faults.Load().ReceiverStatus)
	}
	kind := bindTx | bindRx
	switch cmd {
	case cmdBindReceiver:
		kind = bindRx
	case cmdBindTransmitter:
		kind = bindTx
	}
	s.bound.Store(kind)
	if kind&bindRx != 0 {
		// Receipts start once the bind_resp is written (serve closes
		// s.ready): a deliver_sm must not overtake it.
		s.ready = make(chan struct{})
		r.mu.Lock()
		r.rx[s] = struct{}{}
		r.wg.Add(1)
		r.mu.Unlock()
		go s.deliver(s.ready)
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
	start := len(resp)
	resp = header(resp, cmd|respBit, StatusOK, seq)
	return finish(cstr(resp, r.o.SystemID), start)
}

// deliver sends due receipts to a receiver bind, at most ReceiptWindow
// unanswered.
func (s *session) deliver(ready <-chan struct{}) {
	defer s.r.wg.Done()
	select {
	case <-ready:
	case <-s.done:
		return
	}
	var buf []byte
	win := s.r.o.ReceiptWindow
	for {
		select {
		case <-s.wake:
		case <-s.done:
			return
		}
		for {
			s.omu.Lock()
			room := win - len(s.out)
			s.omu.Unlock()
			if room <= 0 {
				break
			}
			items := s.r.take(room)
			if len(items) == 0 {
				break
			}
			buf = buf[:0]
			s.omu.Lock()
			if s.dead {
				s.omu.Unlock()
				s.r.requeue(items)
				return
			}
			for _, x := range items {
				s.seq++
				if s.seq == 0 || s.seq > 0x7FFFFFFF {
					s.seq = 1
				}
				s.out[s.seq] = x
				buf = x.appendPDU(buf, s.seq)
			}
			s.omu.Unlock()
			s.r.st.receipts.Add(int64(len(items)))
			if s.write(buf, true) != nil {
				return // close() sends the unanswered again
			}
		}
	}
}

func (s *session) ack(seq uint32) {
	s.omu.Lock()
	_, ok := s.out[seq]
	delete(s.out, seq)
	s.omu.Unlock()
	if ok {
		s.r.st.acked.Add(1)
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}
