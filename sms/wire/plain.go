package wire

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
)

// plainBody is a PLAIN reply without a BOM and surrounding white space.
func plainBody(body []byte) string {
	return string(bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))))
}

// ParsePlainSend reads a PLAIN send reply: "> 0" is the message id,
// "< 0" a gateway code. Exactly one of id and code is non-zero.
func ParsePlainSend(body []byte) (id int64, code int, err error) {
	s := plainBody(body)
	n, perr := strconv.ParseInt(s, 10, 64)
	switch {
	case perr != nil:
		return 0, 0, errors.New("not a message id or code")
	case n > 0:
		return n, 0, nil
	case n < 0 && n >= -1000:
		return 0, int(n), nil
	}
	return 0, 0, errors.New("not a message id or code")
}

// ParsePlainStatus reads a PLAIN status reply: a status word, or a
// negative gateway code. Exactly one of word and code is set.
func ParsePlainStatus(body []byte) (word string, code int, err error) {
	s := plainBody(body)
	if n, perr := strconv.Atoi(s); perr == nil {
		if n < 0 && n >= -1000 {
			return "", n, nil
		}
		return "", 0, errors.New("not a status word or code")
	}
	if s == "" || len(s) > 32 || strings.ContainsAny(s, " <>{}\n") {
		return "", 0, errors.New("not a status word or code")
	}
	return s, 0, nil
}

// ParseCredits reads a credits reply ("12.50", " 12,5\n"). A negative whole
// number such as "-2" is a gateway code, not a balance.
func ParseCredits(body []byte) (credits float64, code int, err error) {
	s := plainBody(body)
	if n, perr := strconv.Atoi(s); perr == nil && n < 0 && n >= -1000 {
		return 0, n, nil
	}
	f, perr := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if perr != nil || f != f || f > 1e15 || f < -1e15 { // f != f: NaN
		return 0, 0, errors.New("not a number of credits")
	}
	return f, 0, nil
}
