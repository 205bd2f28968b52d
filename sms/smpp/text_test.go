package smpp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		name   string
		text   string
		limit  int
		coding byte
		sizes  []int // octets of each part's text, UDH left out
	}{
		{"ascii", "hello", 0, CodingLatin1, []int{5}},
		{"latin1 is one octet a character", "ÿé£", 0, CodingLatin1, []int{3}},
		{"braces are latin1", "{}[]~^|\\", 0, CodingLatin1, []int{8}},
		{"140", strings.Repeat("a", 140), 0, CodingLatin1, []int{140}},
		{"141", strings.Repeat("a", 141), 0, CodingLatin1, []int{134, 7}},
		{"limit 100", strings.Repeat("a", 101), 100, CodingLatin1, []int{94, 7}},
		{"septets 160", strings.Repeat("a", 160), 160, CodingLatin1, []int{160}},
		{"septets 161", strings.Repeat("a", 161), 160, CodingLatin1, []int{153, 8}},
		// 152 + an escape pair does not fit 153: the brace starts the next part.
		{"escape not split", strings.Repeat("a", 152) + "{" + strings.Repeat("a", 10), 160, CodingLatin1, []int{152, 11}},
		{"escapes count twice", strings.Repeat("{", 80) + "a", 160, CodingLatin1, []int{76, 5}},
		{"euro is no latin1", "5€", 0, CodingUCS2, []int{4}},
		{"cyrillic 70", strings.Repeat("я", 70), 0, CodingUCS2, []int{140}},
		{"cyrillic 71", strings.Repeat("я", 71), 0, CodingUCS2, []int{134, 8}},
		{"emoji fits 70", strings.Repeat("я", 68) + "😀", 0, CodingUCS2, []int{140}},
		// 66 units + a surrogate pair does not fit 67: the emoji moves.
		{"surrogate pair not split", strings.Repeat("я", 66) + "😀" + strings.Repeat("я", 10), 0, CodingUCS2, []int{132, 24}},
		{"invalid utf-8 is U+FFFD", "a\xffb", 0, CodingUCS2, []int{6}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			coding, parts, err := Split(tc.text, tc.limit, 42)
			if err != nil {
				t.Fatal(err)
			}
			if coding != tc.coding || len(parts) != len(tc.sizes) {
				t.Fatalf("coding %d, %d parts; want %d, %d", coding, len(parts), tc.coding, len(tc.sizes))
			}
			for i, p := range parts {
				body := p
				if len(parts) > 1 {
					want := []byte{5, 0, 3, 42, byte(len(parts)), byte(i + 1)}
					if !bytes.Equal(p[:6], want) {
						t.Errorf("part %d UDH % x", i, p[:6])
					}
					body = p[6:]
				}
				if len(body) != tc.sizes[i] {
					t.Errorf("part %d: %d octets, want %d", i, len(body), tc.sizes[i])
				}
			}
			text, err := Join(coding, parts)
			want := strings.ToValidUTF8(tc.text, "\uFFFD")
			if err != nil || text != want {
				t.Errorf("joined %q, %v", text, err)
			}
		})
	}
	if _, _, err := Split(" \n", 0, 0); err != ErrEmptyText {
		t.Errorf("empty: %v", err)
	}
	if _, _, err := Split(strings.Repeat("я", 67*255+1), 0, 0); err == nil {
		t.Error("256 parts accepted")
	}
	if n := Parts(strings.Repeat("a", 300), 0); n != 3 {
		t.Errorf("parts %d", n)
	}
}

func TestLatin1Octets(t *testing.T) {
	_, parts, _ := Split("café ÿ", 0, 0)
	if !bytes.Equal(parts[0], []byte{'c', 'a', 'f', 0xE9, ' ', 0xFF}) {
		t.Errorf("% x", parts[0])
	}
	_, parts, _ = Split("Я😀", 0, 0)
	if !bytes.Equal(parts[0], []byte{0x04, 0x2F, 0xD8, 0x3D, 0xDE, 0x00}) {
		t.Errorf("% x", parts[0])
	}
}

// FuzzSplit: the parts reassemble into the text, no part is too long, and
// no part ends inside a surrogate pair.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"hello", strings.Repeat("{", 200), strings.Repeat("я😀", 100), "€" + strings.Repeat("a", 300), "a\xffb"} {
		f.Add(s, 140)
		f.Add(s, 160)
	}
	f.Fuzz(func(t *testing.T, text string, limit int) {
		coding, parts, err := Split(text, limit, 7)
		if err != nil {
			if strings.TrimSpace(text) != "" && err != errTooLong {
				t.Fatalf("error %v", err)
			}
			return
		}
		lim := limit
		if lim < MinLatin1Limit || lim > MaxLatin1Limit {
			lim = DefaultLatin1Limit
		}
		for _, p := range parts {
			max := 140
			if coding == CodingLatin1 && lim > 140 {
				max = lim
			}
			if coding == CodingLatin1 && len(parts) == 1 {
				max = lim
			}
			if len(p) > max {
				t.Fatalf("part of %d octets (limit %d, coding %d)", len(p), max, coding)
			}
			if coding == CodingUCS2 {
				body := p
				if len(parts) > 1 {
					body = p[6:]
				}
				if len(body)%2 != 0 {
					t.Fatal("odd UCS-2 part")
				}
				if len(body) >= 2 && utf16.IsSurrogate(rune(binary.BigEndian.Uint16(body[len(body)-2:]))) {
					last := rune(binary.BigEndian.Uint16(body[len(body)-2:]))
					if last >= 0xD800 && last < 0xDC00 {
						t.Fatal("part ends with a high surrogate")
					}
				}
				if len(body) >= 2 {
					first := rune(binary.BigEndian.Uint16(body))
					if first >= 0xDC00 && first < 0xE000 {
						t.Fatal("part starts with a low surrogate")
					}
				}
			}
		}
		got, err := Join(coding, parts)
		if err != nil {
			t.Fatal(err)
		}
		want := text
		if !utf8.ValidString(text) {
			want = string([]rune(text)) // one U+FFFD for each bad byte, as Split writes
		}
		if got != want {
			t.Fatalf("joined %q, want %q", got, want)
		}
	})
}

// CutUDH and Join read parts back, as a handset does, for the tests.

// CutUDH splits a short_message sent with esm_class 0x40 into its
// concatenation header and its text octets. Information elements other
// than concatenation (8- or 16-bit reference) are skipped.
func CutUDH(sm []byte) (UDH, []byte, error) {
	if len(sm) == 0 || int(sm[0])+1 > len(sm) {
		return UDH{}, nil, errors.New("UDH longer than the message")
	}
	h, rest := sm[1:1+int(sm[0])], sm[1+int(sm[0]):]
	var u UDH
	for len(h) > 0 {
		if len(h) < 2 || int(h[1])+2 > len(h) {
			return UDH{}, nil, errors.New("broken UDH information element")
		}
		iei, data := h[0], h[2:2+int(h[1])]
		switch {
		case iei == 0 && len(data) == 3:
			u = UDH{Ref: uint16(data[0]), Total: int(data[1]), Seq: int(data[2])}
		case iei == 8 && len(data) == 4:
			u = UDH{Ref: binary.BigEndian.Uint16(data), Total: int(data[2]), Seq: int(data[3])}
		}
		h = h[2+int(h[1]):]
	}
	if u.Total == 0 || u.Seq < 1 || u.Seq > u.Total {
		return UDH{}, nil, errors.New("no valid concatenation element in the UDH")
	}
	return u, rest, nil
}

// Join reassembles the parts Split made (in order) into the text.
func Join(coding byte, parts [][]byte) (string, error) {
	if len(parts) == 1 {
		return Decode(coding, parts[0])
	}
	var all []byte
	for i, p := range parts {
		u, rest, err := CutUDH(p)
		if err != nil {
			return "", err
		}
		if u.Seq != i+1 || u.Total != len(parts) {
			return "", errors.New("parts out of order")
		}
		all = append(all, rest...)
	}
	return Decode(coding, all)
}

// Parts counts the parts Split would make, or 0 for an empty text.
func Parts(text string, latin1Limit int) int {
	_, p, err := Split(text, latin1Limit, 0)
	if err != nil {
		return 0
	}
	return len(p)
}
