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
	const endpoint = "XML send"
	p := x.pkg()
	p.DateSend = sms.DateSend(msgs[idx[0]].At)
	p.Message = xmlMessages(msgs, idx)
	body, err := wire.EncodeXML(p)
	if err != nil {
		failed(idx, res, false, err)
		return true
	}
	reply, sent, err := x.post(ctx, endpoint, x.cfg.XMLURL, xmlType, body)
	if err != nil {
		failed(idx, res, sent, err)
		return true
	}
	r, err := wire.ParseXML(reply)
	if err == nil && r.Error == nil && r.Message == nil {
		err = errors.New("the reply has no results")
	}
	if err != nil {
		failed(idx, res, true, x.unparsable(endpoint, x.cfg.XMLURL, reply, err))
		return true
	}
	if r.Error != nil {
		code, ok := negativeCode(r.Error.Code)
		if !ok {
			failed(idx, res, true, x.unparsable(endpoint, x.cfg.XMLURL, reply, errors.New("<error> holds no code")))
			return true
		}
		refused(idx, res, code)
		return true
	}
	for k, i := range idx {
		if k >= len(r.Message.Msg) {
			res[i] = sms.Result{Outcome: sms.OutcomeUnknown, Err: errMissingResult}
			continue
		}
		m := r.Message.Msg[k]
		id, _ := strconv.ParseInt(strings.TrimSpace(m.ID), 10, 64)
		parts, _ := strconv.Atoi(strings.TrimSpace(m.Count))
		code, _ := negativeCode(m.Text)
		res[i] = result(id, parts, code)
	}
	return false
}

// xmlMessages builds <message>, hoisting shared values into <default>.
func xmlMessages(msgs []sms.Message, idx []int) *wire.XMLMsgs {
	out := &wire.XMLMsgs{Msg: make([]wire.XMLMsg, len(idx))}
	text, sameText := common(msgs, idx, func(m *sms.Message) string { return m.Text })
	sender, sameSender := common(msgs, idx, func(m *sms.Message) string { return m.Sender })
	valid, sameValid := common(msgs, idx, func(m *sms.Message) time.Duration { return m.Validity })
	if sameText || sameSender || sameValid {
		out.Default = &wire.XMLMsg{}
		if sameText {
			out.Default.Text = text
		}
		if sameSender {
			out.Default.Sender = sender
		}
		if sameValid {
			out.Default.ValidityPeriod = seconds(valid)
		}
	}
	for k, i := range idx {
		m := &msgs[i]
		w := &out.Msg[k]
		w.Recipient = m.To
		if !sameText {
			w.Text = m.Text
		}
		if !sameSender {
			w.Sender = m.Sender
		}
		if !sameValid {
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
