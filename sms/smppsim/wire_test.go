package smppsim_test

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms/smppsim"
)

// This file speaks SMPP by hand, apart from the package under test: an
// independent encoder for requests and decoder for deliver_sm (SMPP 3.4
// §4.6.1), so that a mistake in the SMSC's encoding cannot hide behind
// the same mistake in the check.

const (
	bindReceiver    = 0x00000001
	bindTransmitter = 0x00000002
	submitSM        = 0x00000004
	deliverSM       = 0x00000005
	unbind          = 0x00000006
	bindTransceiver = 0x00000009
	enquireLink     = 0x00000015
	genericNack     = 0x80000000
	resp            = 0x80000000
)

type rawPDU struct {
	cmd, status, seq uint32
	body             []byte
}

type conn struct {
	t   testing.TB
	c   net.Conn
	br  *bufio.Reader
	seq uint32
}

func dial(t testing.TB, addr string) *conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &conn{t: t, c: c, br: bufio.NewReader(c)}
}

func pduBytes(cmd, status, seq uint32, body []byte) []byte {
	b := make([]byte, 16, 16+len(body))
	binary.BigEndian.PutUint32(b, uint32(16+len(body)))
	binary.BigEndian.PutUint32(b[4:], cmd)
	binary.BigEndian.PutUint32(b[8:], status)
	binary.BigEndian.PutUint32(b[12:], seq)
	return append(b, body...)
}

// send writes a request and gives its sequence number.
func (c *conn) send(cmd uint32, body []byte) uint32 {
	c.t.Helper()
	c.seq++
	if _, err := c.c.Write(pduBytes(cmd, 0, c.seq, body)); err != nil {
		c.t.Fatal(err)
	}
	return c.seq
}

func (c *conn) readErr(d time.Duration) (rawPDU, error) {
	c.c.SetReadDeadline(time.Now().Add(d))
	h := make([]byte, 16)
	if _, err := io.ReadFull(c.br, h); err != nil {
		return rawPDU{}, err
	}
	n := binary.BigEndian.Uint32(h)
	if n < 16 || n > 1<<16 {
		return rawPDU{}, fmt.Errorf("command_length %d", n)
	}
	p := rawPDU{cmd: binary.BigEndian.Uint32(h[4:]), status: binary.BigEndian.Uint32(h[8:]), seq: binary.BigEndian.Uint32(h[12:]),
		body: make([]byte, n-16)}
	_, err := io.ReadFull(c.br, p.body)
	return p, err
}

func (c *conn) read() rawPDU {
	c.t.Helper()
	p, err := c.readErr(5 * time.Second)
	if err != nil {
		c.t.Fatal(err)
	}
	return p
}

// call sends a request and reads its answer.
func (c *conn) call(cmd uint32, body []byte) rawPDU {
	c.t.Helper()
	seq := c.send(cmd, body)
	p := c.read()
	if p.seq != seq || (p.cmd != cmd|resp && p.cmd != genericNack) {
		c.t.Fatalf("answer %#x seq %d to %#x seq %d", p.cmd, p.seq, cmd, seq)
	}
	return p
}

func cstring(s string) []byte { return append([]byte(s), 0) }

func bindBody(login, password string, version byte) []byte {
	var b []byte
	b = append(b, cstring(login)...)
	b = append(b, cstring(password)...)
	b = append(b, cstring("")...) // system_type
	b = append(b, version, 0, 0)  // interface_version, addr_ton, addr_npi
	return append(b, cstring("")...)
}

func (c *conn) bind(cmd uint32, login, password string) uint32 {
	c.t.Helper()
	return c.call(cmd, bindBody(login, password, 0x34)).status
}

type submit struct {
	srcTON, srcNPI byte
	src            string
	dstTON, dstNPI byte
	dst            string
	esm            byte
	sched          string
	regd, coding   byte
	sm             []byte
	tlvs           []byte
}

// good is a submit the SMSC accepts.
func good(dst string) submit {
	return submit{srcTON: 5, srcNPI: 0, src: "CMC", dstTON: 1, dstNPI: 1, dst: dst, regd: 1, coding: 3, sm: []byte("hello")}
}

func (s submit) body() []byte {
	var b []byte
	b = append(b, cstring("")...) // service_type
	b = append(b, s.srcTON, s.srcNPI)
	b = append(b, cstring(s.src)...)
	b = append(b, s.dstTON, s.dstNPI)
	b = append(b, cstring(s.dst)...)
	b = append(b, s.esm, 0, 0) // esm_class, protocol_id, priority_flag
	b = append(b, cstring(s.sched)...)
	b = append(b, cstring("")...) // validity_period
	b = append(b, s.regd, 0, s.coding, 0, byte(len(s.sm)))
	b = append(b, s.sm...)
	return append(b, s.tlvs...)
}

// deliver is a deliver_sm decoded field by field per SMPP 3.4 §4.6.1.
type deliver struct {
	serviceType                     string
	srcTON, srcNPI                  byte
	src                             string
	dstTON, dstNPI                  byte
	dst                             string
	esm, protocolID, priority       byte
	sched, validity                 string
	regd, replace, coding, default_ byte
	sm                              []byte
	tlv                             map[uint16][]byte
}

var errShort = errors.New("deliver_sm body ends early")

func decodeDeliver(b []byte) (d deliver, err error) {
	i := 0
	cs := func(max int) string {
		if err != nil {
			return ""
		}
		for j := i; j < len(b) && j-i < max; j++ {
			if b[j] == 0 {
				s := string(b[i:j])
				i = j + 1
				return s
			}
		}
		err = fmt.Errorf("C-string at %d not ended within %d octets", i, max)
		return ""
	}
	u8 := func() byte {
		if err != nil {
			return 0
		}
		if i >= len(b) {
			err = errShort
			return 0
		}
		i++
		return b[i-1]
	}
	d.serviceType = cs(6)
	d.srcTON, d.srcNPI = u8(), u8()
	d.src = cs(21)
	d.dstTON, d.dstNPI = u8(), u8()
	d.dst = cs(21)
	d.esm, d.protocolID, d.priority = u8(), u8(), u8()
	d.sched = cs(17)
	d.validity = cs(17)
	d.regd, d.replace, d.coding, d.default_ = u8(), u8(), u8(), u8()
	n := int(u8())
	if err != nil {
		return d, err
	}
	if i+n > len(b) {
		return d, errShort
	}
	d.sm = b[i : i+n]
	i += n
	d.tlv = map[uint16][]byte{}
	for i < len(b) {
		if i+4 > len(b) {
			return d, errors.New("broken TLV header")
		}
		tag, l := binary.BigEndian.Uint16(b[i:]), int(binary.BigEndian.Uint16(b[i+2:]))
		if i+4+l > len(b) {
			return d, errors.New("TLV runs past the end")
		}
		d.tlv[tag] = b[i+4 : i+4+l]
		i += 4 + l
	}
	return d, nil
}

// readDeliver reads deliver_sm PDUs, answers each, and decodes them.
func (c *conn) readDeliver(n int) []deliver {
	c.t.Helper()
	var out []deliver
	for len(out) < n {
		p := c.read()
		if p.cmd != deliverSM {
			c.t.Fatalf("PDU %#x while waiting for deliver_sm", p.cmd)
		}
		d, err := decodeDeliver(p.body)
		if err != nil {
			c.t.Fatalf("deliver_sm % x: %v", p.body, err)
		}
		c.c.Write(pduBytes(deliverSM|resp, 0, p.seq, cstring("")))
		out = append(out, d)
	}
	return out
}

func startSim(t testing.TB, o smppsim.Options) *smppsim.Running {
	t.Helper()
	r, err := smppsim.Start("127.0.0.1:0", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}
