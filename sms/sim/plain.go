package sim

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/smsdash/smsdash/sms"
)

// PLAIN: parameters user, password (or requestAuthToken), and per path
// recipient, message, sender, date_send, validity_period (hours) or id.
// Replies are bare text.

func plainCreds(v url.Values) creds {
	return creds{login: v.Get("user"), password: v.Get("password"), token: v.Get("requestAuthToken")}
}

func codeBody(c sms.Code) []byte { return strconv.AppendInt(nil, int64(c), 10) }

func (s *Server) plainSend(v url.Values) parsed {
	return parsed{kind: kindSend, ctype: ctypePlain, run: func(now time.Time, unavailable bool) []byte {
		if code := s.check(plainCreds(v), kindSend, unavailable, now); code != 0 {
			return codeBody(code)
		}
		code, res := s.send(now, v.Get("date_send"), 1, func(_ int, m *in) {
			m.recipient = v.Get("recipient")
			m.sender = strings.TrimSpace(v.Get("sender"))
			m.text = v.Get("message")
			m.validity = sms.ValidityFromHours(atoi(v.Get("validity_period")))
		})
		switch {
		case code != 0:
			return codeBody(code)
		case res[0].code != 0:
			return codeBody(res[0].code)
		}
		return strconv.AppendInt(nil, res[0].id, 10)
	}}
}

func (s *Server) plainStatus(v url.Values) parsed {
	return parsed{kind: kindStatus, ctype: ctypePlain, run: func(now time.Time, unavailable bool) []byte {
		if code := s.check(plainCreds(v), kindStatus, unavailable, now); code != 0 {
			return codeBody(code)
		}
		res, code := s.statuses(now, []string{v.Get("id")})
		switch {
		case code != 0:
			return codeBody(code)
		case !res[0].found:
			return codeBody(sms.CodeBadID)
		}
		return []byte(res[0].status.String())
	}}
}

func (s *Server) plainCredits(v url.Values) parsed {
	return parsed{kind: kindCredits, ctype: ctypePlain, run: func(now time.Time, unavailable bool) []byte {
		if code := s.check(plainCreds(v), kindCredits, unavailable, now); code != 0 {
			return codeBody(code)
		}
		b, err := s.balanceNow()
		if err != nil {
			return codeBody(sms.CodeUnavailable)
		}
		return strconv.AppendFloat(nil, b, 'f', 2, 64)
	}}
}

// atoi reads a whole number leniently: anything else is 0 (the default).
func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0
	}
	return n
}
