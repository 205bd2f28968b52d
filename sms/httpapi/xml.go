package httpapi

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/wire"
)

// XML is the XML API: batches in packages of BatchSize.
type XML struct{ *client }

const xmlType = "text/xml; charset=utf-8"

func (x *XML) pkg() *wire.XMLPackage {
	return &wire.XMLPackage{Login: x.cfg.Login, Password: x.cfg.Password, Token: x.cfg.Token}
}

// Send implements sms.Gateway.
func (x *XML) Send(ctx context.Context, msgs []sms.Message) []sms.Result {
	return sendAll(ctx, msgs, x.cfg.BatchSize, func(ctx context.Context, idx []int, res []sms.Result) bool {
		return x.sendPackage(ctx, msgs, idx, res)
	})
}

func (x *XML) sendPackage(ctx context.Context, msgs []sms.Message, idx []int, res []sms.Result) (stop bool) {
	p := x.pkg()
	p.DateSend = sms.DateSend(msgs[idx[0]].At)
	p.Message = xmlMessages(msgs, idx)
	body, err := wire.EncodeXML(p)
	if err != nil {
		failed(idx, res, false, err)
		return true
	}
	return x.client.sendPackage(ctx, "XML send", x.cfg.XMLURL, xmlType, body, idx, res, readXMLSend)
}

func readXMLSend(reply []byte) (sms.Code, []sms.Result, error) {
	r, err := wire.ParseXML(reply)
	switch {
	case err != nil:
		return 0, nil, err
	case r.Error != nil:
		code, ok := negativeCode(r.Error.Code)
		if !ok {
			return 0, nil, errors.New("<error> holds no code")
		}
		return code, nil, nil
	case r.Message == nil:
		return 0, nil, errors.New("the reply has no results")
	}
	each := make([]sms.Result, len(r.Message.Msg))
	for k, m := range r.Message.Msg {
		id, _ := strconv.ParseInt(strings.TrimSpace(m.ID), 10, 64)
		parts, _ := strconv.Atoi(strings.TrimSpace(m.Count))
		code, _ := negativeCode(m.Text)
		each[k] = result(id, parts, code)
	}
	return 0, each, nil
}

// xmlMessages builds <message>, hoisting shared values into <default>.
func xmlMessages(msgs []sms.Message, idx []int) *wire.XMLMsgs {
	out := &wire.XMLMsgs{Msg: make([]wire.XMLMsg, len(idx))}
	sh := hoist(msgs, idx)
	if sh.any() {
		out.Default = &wire.XMLMsg{}
		if sh.sameText {
			out.Default.Text = sh.text
		}
		if sh.sameSender {
			out.Default.Sender = sh.sender
		}
		if sh.sameValid {
			out.Default.ValidityPeriod = seconds(sh.validity)
		}
	}
	for k, i := range idx {
		m := &msgs[i]
		w := &out.Msg[k]
		w.Recipient = m.To
		if !sh.sameText {
			w.Text = m.Text
		}
		if !sh.sameSender {
			w.Sender = m.Sender
		}
		if !sh.sameValid {
			w.ValidityPeriod = seconds(m.Validity)
		}
	}
	return out
}

func seconds(d time.Duration) string {
	if s := sms.ValiditySeconds(d); s > 0 {
		return strconv.Itoa(s)
	}
	return ""
}

// Statuses implements sms.Gateway.
func (x *XML) Statuses(ctx context.Context, ids []int64) ([]sms.StatusReport, error) {
	const endpoint = "XML statuses"
	return statusChunks(ctx, x.client, ids, func(chunk []int64, got map[int64]sms.StatusReport) error {
		p := x.pkg()
		p.Status = &wire.XMLMsgs{Msg: make([]wire.XMLMsg, len(chunk))}
		for k, id := range chunk {
			p.Status.Msg[k].ID = strconv.FormatInt(id, 10)
		}
		body, err := wire.EncodeXML(p)
		if err != nil {
			return err
		}
		reply, _, err := x.post(ctx, endpoint, x.cfg.XMLURL, xmlType, body)
		if err != nil {
			return err
		}
		r, err := wire.ParseXML(reply)
		if err == nil && r.Error == nil && r.Status == nil {
			err = errors.New("the reply has no statuses")
		}
		if err != nil {
			return x.unparsable(endpoint, x.cfg.XMLURL, reply, err)
		}
		if r.Error != nil {
			if code, ok := negativeCode(r.Error.Code); ok {
				return code
			}
			return x.unparsable(endpoint, x.cfg.XMLURL, reply, errors.New("<error> holds no code"))
		}
		for _, m := range r.Status.Msg {
			id, err := strconv.ParseInt(strings.TrimSpace(m.ID), 10, 64)
			if err != nil {
				continue // not one we asked about
			}
			parts, _ := strconv.Atoi(strings.TrimSpace(m.Count))
			got[id] = statusReport(id, parts, m.Text, 0)
		}
		return nil
	})
}
