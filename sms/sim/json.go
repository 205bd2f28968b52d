package sim

import (
	"cmp"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/wire"
)

var errNotJSON = errors.New("the body is not a JSON API request object (nor a form field holding one)")

func parseJSONRequest(b []byte) (*wire.JSONRequest, error) {
	var r wire.JSONRequest
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

func (s *Server) parseJSON(ctype string, body []byte) (parsed, error) {
	req, err := document(ctype, body, parseJSONRequest)
	if err != nil {
		return parsed{}, errNotJSON
	}
	k := kindUnknown
	switch cmd := strings.ToLower(strings.TrimSpace(req.Command)); {
	case cmd == wire.CommandSend:
		k = kindSend
	case cmd == wire.CommandStatuses:
		k = kindStatus
	case cmd != "":
	case req.Message != nil && req.Status != nil:
		k = kindSendStatus
	case req.Message != nil:
		k = kindSend
	case req.Status != nil:
		k = kindStatus
	}
	return parsed{kind: k, ctype: ctypeJSON, run: func(now time.Time, unavailable bool) []byte {
		return s.runJSON(req, k, now, unavailable)
	}}, nil
}

func jsonError(code sms.Code) []byte {
	b := append(make([]byte, 0, 16), `{"error":`...)
	b = strconv.AppendInt(b, int64(code), 10)
	return append(b, '}')
}

func (s *Server) runJSON(req *wire.JSONRequest, k kind, now time.Time, unavailable bool) []byte {
	if code := s.check(creds{req.Login, req.Password, req.Token}, k, unavailable, now); code != 0 {
		return jsonError(code)
	}
	var sendRes []out
	if k.sends() {
		var msgs []wire.JSONMsg
		def := &wire.JSONMsg{}
		if req.Message != nil {
			msgs = req.Message.Msg
			if req.Message.Default != nil {
				def = req.Message.Default
			}
		}
		var code sms.Code
		code, sendRes = s.send(now, req.DateSend, len(msgs), func(i int, m *in) {
			x := &msgs[i]
			m.recipient = string(x.Recipient)
			m.sender = strings.TrimSpace(cmp.Or(x.Sender, def.Sender))
			m.text = cmp.Or(x.Text, def.Text)
			m.validity = sms.ValidityFromHours(int(cmp.Or(x.ValidityPeriod, def.ValidityPeriod)))
		})
		if code != 0 {
			return jsonError(code)
		}
	}
	var statusRes []statusOut
	if k == kindStatus || k == kindSendStatus {
		var ids []string
		if req.Status != nil {
			ids = make([]string, len(req.Status.Msg))
			for i := range req.Status.Msg {
				ids[i] = string(req.Status.Msg[i].ID)
			}
		}
		var code sms.Code
		if statusRes, code = s.statuses(now, ids); code != 0 && !k.sends() {
			return jsonError(code)
		}
	}
	// {"message":{"msg":[{"sms_id":3000000001,"sms_count":1,"error_code":0},…]}}
	b := make([]byte, 0, 32+len(sendRes)*56+len(statusRes)*128)
	b = append(b, '{')
	if k.sends() {
		b = append(b, `"message":{"msg":[`...)
		for i, r := range sendRes {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"sms_id":`...)
			b = strconv.AppendInt(b, r.id, 10)
			b = append(b, `,"sms_count":`...)
			b = strconv.AppendInt(b, int64(r.parts), 10)
			b = append(b, `,"error_code":`...)
			b = strconv.AppendInt(b, int64(r.code), 10)
			b = append(b, '}')
		}
		b = append(b, "]}"...)
	}
	if k == kindStatus || k == kindSendStatus {
		if k.sends() {
			b = append(b, ',')
		}
		// Real status replies carry numbers as strings, and more fields:
		// {"sms_id":"3000000001","sms_count":"1","sms_status":"Delivered","operator":"MTS","recipient":"375296717259"}
		b = append(b, `"status":{"msg":[`...)
		for i, r := range statusRes {
			if i > 0 {
				b = append(b, ',')
			}
			if !r.found {
				b = append(b, `{"sms_id":`...)
				b = appendJSONString(b, r.raw)
				b = append(b, `,"error_code":`...)
				b = strconv.AppendInt(b, int64(sms.CodeBadID), 10)
				b = append(b, '}')
				continue
			}
			b = append(b, `{"sms_id":"`...)
			b = strconv.AppendInt(b, r.id, 10)
			b = append(b, `","sms_count":"`...)
			b = strconv.AppendInt(b, int64(r.rec.parts), 10)
			b = append(b, `","sms_status":"`...)
			b = append(b, r.status.String()...)
			if op := operator(r.rec.phone); op != "" {
				b = append(b, `","operator":"`...)
				b = append(b, op...)
			}
			b = append(b, `","recipient":"`...)
			b = strconv.AppendUint(b, r.rec.phone, 10)
			b = append(b, `"}`...)
		}
		b = append(b, "]}"...)
	}
	return append(b, '}')
}

// appendJSONString appends s as a JSON string; the fast path covers what
// ids normally are.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
