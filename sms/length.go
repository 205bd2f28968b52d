package sms

import "strconv"

// Encoding is how the text will travel: GSM 7-bit when every character is in
// the GSM alphabet, otherwise UCS-2.
type Encoding uint8

const (
	GSM7 Encoding = iota
	UCS2
)

// Length describes a text as the gateway counts it (SPEC 1.10).
type Length struct {
	Encoding Encoding
	Chars    int // characters as a person counts them (runes)
	Units    int // septets (GSM) or UTF-16 code units (UCS-2)
	Parts    int // SMS parts the gateway will charge; 0 for an empty text
	Left     int // units still free in the last part
}

// Single- and multi-part capacities in units.
const (
	gsmSingle, gsmPart   = 160, 153
	ucs2Single, ucs2Part = 70, 67
)

// gsmBasic lists the GSM 03.38 default alphabet beyond ASCII; gsmExt the
// characters that take an escape and so count twice.
const (
	gsmBasicNonASCII = "£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà"
	gsmExt           = "\f^{}\\[~]|€"
)

// asciiWeight: 1 basic, 2 extension, 0 not in GSM 7-bit.
var asciiWeight [128]uint8

func init() {
	asciiWeight['\n'], asciiWeight['\r'] = 1, 1
	for c := ' '; c < 127; c++ {
		if c != '`' { // the only printable ASCII character GSM lacks
			asciiWeight[c] = 1
		}
	}
	for _, c := range gsmExt {
		if c < 128 {
			asciiWeight[c] = 2
		}
	}
}

func gsmWeight(r rune) int {
	if r < 128 {
		return int(asciiWeight[r])
	}
	if r == '€' {
		return 2
	}
	for _, b := range gsmBasicNonASCII {
		if b == r {
			return 1
		}
	}
	return 0
}

// MaxParts is the most parts one SMS can have: the concatenation header
// numbers them in one byte.
const MaxParts = 255

// CheckParts refuses a text longer than MaxParts parts.
func CheckParts(parts int) *Error {
	if parts <= MaxParts {
		return nil
	}
	n := strconv.Itoa(parts)
	return errorf("the text is "+n+" SMS parts long; one message has at most 255 (about 39,000 Latin or 17,000 Cyrillic characters)",
		"текст длиной "+n+" частей SMS; в одном сообщении их не больше 255 (около 39 000 латинских или 17 000 кириллических символов)")
}

// Measure counts a text's characters, units and parts. Parts are packed
// greedily, never splitting an escape pair or a surrogate pair, as the
// gateway and handsets do.
func Measure(text string) Length {
	l := Length{Encoding: GSM7}
	for _, r := range text {
		l.Chars++
		if l.Encoding == GSM7 && gsmWeight(r) == 0 {
			l.Encoding = UCS2
		}
	}
	single, part := gsmSingle, gsmPart
	if l.Encoding == UCS2 {
		single, part = ucs2Single, ucs2Part
	}
	used := 0
	for _, r := range text {
		w := 1
		if l.Encoding == GSM7 {
			w = gsmWeight(r)
		} else if r > 0xFFFF {
			w = 2
		}
		l.Units += w
		if used+w > part {
			l.Parts++
			used = 0
		}
		used += w
	}
	switch {
	case l.Units == 0:
		return l
	case l.Units <= single:
		l.Parts, l.Left = 1, single-l.Units
	default:
		l.Parts++
		l.Left = part - used
	}
	return l
}

// PerPart is how many units each part of the text holds: 160 (GSM) or 70
// (UCS-2) when it fits one part, 153 or 67 when it is split, the rest
// going to the header that joins the parts.
func (l Length) PerPart() int {
	switch {
	case l.Encoding == UCS2 && l.Parts > 1:
		return ucs2Part
	case l.Encoding == UCS2:
		return ucs2Single
	case l.Parts > 1:
		return gsmPart
	}
	return gsmSingle
}
