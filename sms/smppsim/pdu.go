package smppsim

import "encoding/binary"

// Command ids (SMPP 3.4 §5.1.2.1).
const (
	cmdGenericNack     uint32 = 0x80000000
	cmdBindReceiver    uint32 = 0x00000001
	cmdBindTransmitter uint32 = 0x00000002
	cmdQuerySM         uint32 = 0x00000003
	cmdSubmitSM        uint32 = 0x00000004
	cmdDeliverSM       uint32 = 0x00000005
	cmdUnbind          uint32 = 0x00000006
	cmdBindTransceiver uint32 = 0x00000009
	cmdEnquireLink     uint32 = 0x00000015
	respBit            uint32 = 0x80000000
)

// Command statuses the simulator answers (SMPP 3.4 §5.1.3 and the
// gateway's own, SPEC 1.4).
const (
	StatusOK          uint32 = 0x00
	StatusInvMsgLen   uint32 = 0x01
	StatusMalformed   uint32 = 0x02 // the gateway: malformed PDU
	StatusInvCmdID    uint32 = 0x03
	StatusBadBind     uint32 = 0x04 // the gateway: bad bind request; also "not bound for this command"
	StatusAlreadyBnd  uint32 = 0x05
	StatusBadSender   uint32 = 0x0A // the gateway: sender invalid or not allowed
	StatusBadDest     uint32 = 0x0B // the gateway: bad recipient
	StatusBadPassword uint32 = 0x0E // the gateway: wrong SMPP password
	StatusNetwork     uint32 = 0x22 // the gateway: network unavailable
	StatusBadSchedule uint32 = 0x61
	StatusOptNotAllwd uint32 = 0xC1 // optional parameter not allowed: message_payload
	StatusEncoding    uint32 = 0x4A3
	StatusNoFunds     uint32 = 0x4A4
	StatusTooLong     uint32 = 0x4A5
)

// TLV tags.
const (
	tagReceiptedMessageID uint16 = 0x001E
	tagMessagePayload     uint16 = 0x0424
	tagMessageState       uint16 = 0x0427
)

const (
	headerLen = 16
	maxPDU    = 64 << 10
)

// reader walks a PDU body.
type reader struct {
	b   []byte
	bad bool
}

// cstring reads a NUL-terminated field of at most max octets with the NUL.
func (r *reader) cstring(max int) []byte {
	if r.bad {
		return nil
	}
	for i := 0; i < len(r.b) && i < max; i++ {
		if r.b[i] == 0 {
			s := r.b[:i]
			r.b = r.b[i+1:]
			return s
		}
	}
	r.bad = true
	return nil
}

func (r *reader) byte1() byte {
	if r.bad || len(r.b) < 1 {
		r.bad = true
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) bytes(n int) []byte {
	if r.bad || len(r.b) < n {
		r.bad = true
		return nil
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

// tlvs reads the optional parameters that end a body.
func (r *reader) tlvs(fn func(tag uint16, v []byte)) {
	for !r.bad && len(r.b) > 0 {
		if len(r.b) < 4 {
			r.bad = true
			return
		}
		tag, n := binary.BigEndian.Uint16(r.b), int(binary.BigEndian.Uint16(r.b[2:]))
		if len(r.b) < 4+n {
			r.bad = true
			return
		}
		fn(tag, r.b[4:4+n])
		r.b = r.b[4+n:]
	}
}

// header appends a PDU header whose length is patched by finish.
func header(b []byte, cmd, status, seq uint32) []byte {
	b = binary.BigEndian.AppendUint32(b, 0)
	b = binary.BigEndian.AppendUint32(b, cmd)
	b = binary.BigEndian.AppendUint32(b, status)
	return binary.BigEndian.AppendUint32(b, seq)
}

// finish patches the length of the PDU that starts at b[start:].
func finish(b []byte, start int) []byte {
	binary.BigEndian.PutUint32(b[start:], uint32(len(b)-start))
	return b
}

func cstr(b []byte, s string) []byte { return append(append(b, s...), 0) }

// headerOnly appends a PDU without a body.
func headerOnly(b []byte, cmd, status, seq uint32) []byte {
	start := len(b)
	return finish(header(b, cmd, status, seq), start)
}

// deliverSM is the fields of a receipt's deliver_sm.
type deliverSM struct {
	seq            uint32
	srcTON, srcNPI byte
	src            string
	dstTON, dstNPI byte
	dst            string
	text           []byte
	receiptedID    string
	state          byte // message_state TLV; 0 leaves it out
}

// appendDeliverSM writes a receipt's deliver_sm by hand, field by field
// in the order of SMPP 3.4 §4.6.1 (go-smpp's NewDeliverSM would put a
// stray octet before the text): esm_class 0x04 (SMSC delivery receipt),
// data_coding 0, the text in short_message, receipted_message_id and
// message_state as TLVs.
func appendDeliverSM(b []byte, d *deliverSM) []byte {
	start := len(b)
	b = header(b, cmdDeliverSM, 0, d.seq)
	b = cstr(b, "") // service_type
	b = append(b, d.srcTON, d.srcNPI)
	b = cstr(b, d.src)
	b = append(b, d.dstTON, d.dstNPI)
	b = cstr(b, d.dst)
	b = append(b, 0x04, 0, 0) // esm_class, protocol_id, priority_flag
	b = cstr(b, "")           // schedule_delivery_time
	b = cstr(b, "")           // validity_period
	b = append(b, 0, 0, 0, 0) // registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id
	n := min(len(d.text), 254)
	b = append(b, byte(n))
	b = append(b, d.text[:n]...)
	if d.receiptedID != "" {
		b = binary.BigEndian.AppendUint16(b, tagReceiptedMessageID)
		b = binary.BigEndian.AppendUint16(b, uint16(len(d.receiptedID)+1))
		b = cstr(b, d.receiptedID)
	}
	if d.state != 0 {
		b = binary.BigEndian.AppendUint16(b, tagMessageState)
		b = binary.BigEndian.AppendUint16(b, 1)
		b = append(b, d.state)
	}
	return finish(b, start)
}
