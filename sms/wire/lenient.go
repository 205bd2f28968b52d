package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf8"
)

// Int is an integer that real replies send either as a JSON number or as a
// string ("sms_count": 1 in send replies, "1" in status replies). An empty
// string or null is 0.
type Int int64

func (n *Int) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		b = bytes.TrimSpace(b[1 : len(b)-1])
	}
	if len(b) == 0 || string(b) == "null" {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		// 1.0 and 1e3 are numbers too; accept whole values only.
		f, ferr := strconv.ParseFloat(string(b), 64)
		if ferr != nil || f != float64(int64(f)) {
			return errors.New("not an integer: " + strconv.Quote(truncate(string(b))))
		}
		v = int64(f)
	}
	*n = Int(v)
	return nil
}

// Str is a string that may arrive as a JSON number ("recipient": 375291234567).
type Str string

func (s *Str) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*s = ""
	case b[0] == '"':
		if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b) {
			*s = Str(b[1 : len(b)-1]) // no escapes: the common case, without a second decode
			return nil
		}
		return json.Unmarshal(b, (*string)(s))
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		*s = Str(b)
	default:
		return errors.New("expected a string or a number, got " + strconv.Quote(truncate(string(b))))
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 32 {
		return s[:32] + "…"
	}
	return s
}
