package sim

import (
	"cmp"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/wire"
)

var errNotXML = errors.New("the body is not an XML API <package> (nor a form field holding one)")

func (s *Server) parseXML(ctype string, body []byte) (parsed, error) {
	p, err := document(ctype, body, wire.ParseXML)
	if err != nil {
		return parsed{}, errNotXML
	}
	k := kindUnknown
	switch {
	case p.Message != nil && p.Status != nil:
		k = kindSendStatus
	case p.Message != nil:
		k = kindSend
	case p.Status != nil:
		k = kindStatus
	}
	return parsed{kind: k, ctype: ctypeXML, run: func(now time.Time, unavailable bool) []byte {
		return s.runXML(p, k, now, unavailable)
	}}, nil
}

func xmlError(code sms.Code) []byte {
	b, _ := wire.EncodeXML(&wire.XMLPackage{Error: &wire.XMLErrCode{Code: strconv.Itoa(int(code))}})
	return b
}

func (s *Server) runXML(p *wire.XMLPackage, k kind, now time.Time, unavailable bool) []byte {
	if code := s.check(creds{p.Login, p.Password, p.Token}, k, unavailable, now); code != 0 {
		return xmlError(code)
	}
	reply := &wire.XMLPackage{}
	if p.Message != nil {
		msgs, def := p.Message.Msg, p.Message.Default
		if def == nil {
			def = &wire.XMLMsg{}
		}
		code, res := s.send(now, p.DateSend, len(msgs), func(i int, m *in) {
			x := &msgs[i]
			m.recipient = x.Recipient
			m.sender = strings.TrimSpace(cmp.Or(x.Sender, def.Sender))
			m.text = x.Text
			if strings.TrimSpace(m.text) == "" {
				m.text = def.Text
			}
			m.validity = sms.ValidityFromSeconds(atoi(cmp.Or(strings.TrimSpace(x.ValidityPeriod), def.ValidityPeriod)))
		})
		if code != 0 {
			return xmlError(code)
		}
		reply.Message = &wire.XMLMsgs{Msg: make([]wire.XMLMsg, len(res))}
		for i, r := range res {
			x := &reply.Message.Msg[i]
			x.ID = strconv.FormatInt(r.id, 10)
			x.Count = strconv.Itoa(r.parts)
			if r.code != 0 {
				x.Text = strconv.Itoa(int(r.code))
			}
		}
	}
	if p.Status != nil {
		ids := make([]string, len(p.Status.Msg))
		for i := range p.Status.Msg {
			ids[i] = p.Status.Msg[i].ID
		}
		res, code := s.statuses(now, ids)
		if code != 0 && p.Message == nil {
			return xmlError(code)
		}
		reply.Status = &wire.XMLMsgs{Msg: make([]wire.XMLMsg, len(res))}
		for i, r := range res {
			x := &reply.Status.Msg[i]
			if !r.found {
				x.ID, x.Text = r.raw, strconv.Itoa(int(sms.CodeBadID))
				continue
			}
			x.ID, x.Count, x.Text = strconv.FormatInt(r.id, 10), strconv.Itoa(int(r.rec.parts)), r.status.String()
		}
	}
	b, err := wire.EncodeXML(reply)
	if err != nil { // only a broken encoder could do this
		return xmlError(sms.CodeOther)
	}
	return b
}
