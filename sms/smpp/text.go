package smpp

import (
	"encoding/binary"
	"errors"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/smsdash/smsdash/sms"
)

// Data codings the gateway accepts (SPEC 1.4): nothing else is ever sent.
const (
	CodingLatin1 byte = 0x03 // ISO-8859-1, one octet a character
	CodingUCS2   byte = 0x08 // UCS-2BE; characters outside the BMP as UTF-16 surrogate pairs
)

// Length limits.
const (
	// DefaultLatin1Limit is the single-part Latin-1 limit in octets. Whether
	// the gateway takes 160 Latin-1 characters in one part is not
	// documented: 140 octets (one SMS of 8-bit data) is safe.
	DefaultLatin1Limit = 140
	// MinLatin1Limit and MaxLatin1Limit bound the setting.
	MinLatin1Limit = 16
	MaxLatin1Limit = 160
	// MaxParts is the most parts a text can be split into (the UDH counts
	// them in one octet).
	MaxParts = 255

	octetLimit = 140 // one SMS: 140 octets of user data
	udhLen     = 6   // 05 00 03 ref total seq: concatenation with an 8-bit reference
	ucs2Single = octetLimit / 2
	ucs2Part   = (octetLimit - udhLen) / 2 // 67 UTF-16 units
)

// gsmExt are the characters that take an escape in GSM 7-bit; an SMSC that
// turns Latin-1 into GSM counts each twice.
const gsmExt = "\f^{}\\[~]|"

// Text errors, in both languages.
var (
	ErrEmptyText = &sms.Error{EN: "no message text", RU: "нет текста сообщения"}
	errTooLong   = &sms.Error{EN: "the text needs more than 255 parts", RU: "текст длиннее 255 частей"}
)

// Split encodes text the way the gateway takes it and cuts it into the
// short_message octets of each part. ISO-8859-1 (data_coding 3) is used
// when every character fits, else UCS-2BE (data_coding 8); a byte sequence
// that is not UTF-8 travels as U+FFFD, never as raw bytes.
//
// A text that fits one part is returned as one part without a UDH. A
// longer one is split greedily at character boundaries into parts that
// each begin with a 6-octet concatenation UDH (05 00 03 ref total seq),
// to be sent with esm_class 0x40:
//   - UCS-2: 70 units single, 67 a part; a character outside the BMP takes
//     two units and is never split between parts;
//   - Latin-1 with latin1Limit ≤ 140 (octets): latin1Limit single,
//     latin1Limit-6 a part;
//   - Latin-1 with latin1Limit over 140: the limit is read as GSM septets
//     (160 / 153 for 160), because only an SMSC that converts to GSM 7-bit
//     can carry that much; then ^ { } \ [ ~ ] | and form feed count twice,
//     as the escape pair they become, and never straddle two parts.
//
// latin1Limit outside [MinLatin1Limit, MaxLatin1Limit] takes the default.
func Split(text string, latin1Limit int, ref byte) (coding byte, parts [][]byte, err error) {
	if strings.TrimSpace(text) == "" {
		return 0, nil, ErrEmptyText
	}
	if latin1Limit < MinLatin1Limit || latin1Limit > MaxLatin1Limit {
		latin1Limit = DefaultLatin1Limit
	}
	coding = CodingUCS2
	if isLatin1(text) {
		coding, parts = CodingLatin1, splitLatin1(text, latin1Limit, ref)
	} else {
		parts = splitUCS2(text, ref)
	}
	if len(parts) > MaxParts {
		return 0, nil, errTooLong
	}
	return coding, parts, nil
}

// isLatin1 reports whether every character of a valid UTF-8 text is in
// ISO-8859-1. utf8.RuneError (an invalid byte) is not.
func isLatin1(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			for _, r := range s[i:] {
				if r > 0xFF {
					return false
				}
			}
			return true
		}
	}
	return true
}

func latin1Weight(r rune, septets bool) int {
	if septets && r < 0x80 && strings.IndexByte(gsmExt, byte(r)) >= 0 {
		return 2
	}
	return 1
}

func splitLatin1(text string, limit int, ref byte) [][]byte {
	septets := limit > octetLimit
	units, chars := 0, 0
	for _, r := range text {
		units += latin1Weight(r, septets)
		chars++
	}
	if units <= limit {
		b := make([]byte, 0, chars)
		for _, r := range text {
			b = append(b, byte(r))
		}
		return [][]byte{b}
	}
	per := limit - udhLen // octets
	if septets {
		per = limit - 7 // a 6-octet UDH takes 7 septets
	}
	var parts [][]byte
	cur := newPart(ref, per)
	used := 0
	for _, r := range text {
		w := latin1Weight(r, septets)
		if used+w > per {
			parts = append(parts, cur)
			cur = newPart(ref, per)
			used = 0
		}
		cur = append(cur, byte(r))
		used += w
	}
	parts = append(parts, cur)
	return numberParts(parts)
}

func splitUCS2(text string, ref byte) [][]byte {
	units := 0
	for _, r := range text {
		units += utf16.RuneLen(fix(r))
	}
	if units <= ucs2Single {
		b := make([]byte, 0, 2*units)
		for _, r := range text {
			b = appendUTF16(b, fix(r))
		}
		return [][]byte{b}
	}
	var parts [][]byte
	cur := newPart(ref, 2*ucs2Part)
	used := 0
	for _, r := range text {
		r = fix(r)
		w := utf16.RuneLen(r)
		if used+w > ucs2Part {
			parts = append(parts, cur)
			cur = newPart(ref, 2*ucs2Part)
			used = 0
		}
		cur = appendUTF16(cur, r)
		used += w
	}
	parts = append(parts, cur)
	return numberParts(parts)
}

// fix replaces what UTF-16 cannot carry (lone surrogates from a broken
// string) by U+FFFD.
func fix(r rune) rune {
	if utf16.RuneLen(r) < 0 {
		return utf8.RuneError
	}
	return r
}

func appendUTF16(b []byte, r rune) []byte {
	if r >= 0x10000 {
		hi, lo := utf16.EncodeRune(r)
		return binary.BigEndian.AppendUint16(binary.BigEndian.AppendUint16(b, uint16(hi)), uint16(lo))
	}
	return binary.BigEndian.AppendUint16(b, uint16(r))
}

func newPart(ref byte, capacity int) []byte {
	b := make([]byte, udhLen, udhLen+capacity)
	b[0], b[1], b[2], b[3] = 5, 0, 3, ref
	return b
}

// numberParts fills total and sequence into each UDH.
func numberParts(parts [][]byte) [][]byte {
	for i, p := range parts {
		p[4], p[5] = byte(len(parts)), byte(i+1)
	}
	return parts
}

// UDH describes a concatenation header.
type UDH struct {
	Ref        uint16
	Total, Seq int
}

// Decode turns short_message octets of one data coding into text:
// Latin-1 (3) and the SMSC default (0, read as Latin-1, which covers the
// ASCII of receipts) octet by octet, UCS-2 (8) as UTF-16BE.
func Decode(coding byte, b []byte) (string, error) {
	switch coding {
	case CodingUCS2:
		if len(b)%2 != 0 {
			return "", errors.New("UCS-2 text of an odd number of octets")
		}
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = binary.BigEndian.Uint16(b[2*i:])
		}
		return string(utf16.Decode(u)), nil
	case CodingLatin1, 0, 1:
		var sb strings.Builder
		sb.Grow(len(b))
		for _, c := range b {
			sb.WriteRune(rune(c))
		}
		return sb.String(), nil
	}
	return "", errors.New("unsupported data_coding")
}
