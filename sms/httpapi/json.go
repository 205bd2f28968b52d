package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/wire"
)

// JSON is the JSON API: batches in packages of BatchSize.
type JSON struct{ *client }

const jsonType = "application/json"

func (j *JSON) request(command string) wire.JSONRequest {
	return wire.JSONRequest{Login: j.cfg.Login, Password: j.cfg.Password, Token: j.cfg.Token, Command: command}
}

// Send implements sms.Gateway.
func (j *JSON) Send(ctx context.Context, msgs []sms.Message) []sms.Result {
	return sendAll(ctx, msgs, j.cfg.BatchSize, func(ctx context.Context, idx []int, res []sms.Result) bool {
		return j.sendPackage(ctx, msgs, idx, res)
	})
}

func (j *JSON) sendPackage(ctx context.Context, msgs []sms.Message, idx []int, res []sms.Result) (stop bool) {
	const endpoint = "JSON send"
	req := j.request(wire.CommandSend)
	req.DateSend = sms.DateSend(msgs[idx[0]].At)
	req.Message = jsonMessages(msgs, idx)
	body, err := json.Marshal(req)
	if err != nil { // only invalid UTF-8 could do this, and Marshal replaces it
		failed(idx, res, false, err)
		return true
	}
	reply, sent, err := j.post(ctx, endpoint, j.cfg.JSONURL, jsonType, body)
	if err != nil {
		failed(idx, res, sent, err)
		return true
	}
	r, err := wire.ParseJSONReply(reply)
	if err == nil && r.Error == nil && r.Message == nil {
		err = errors.New("the reply has no results")
	}
	if err != nil {
		failed(idx, res, true, j.unparsable(endpoint, j.cfg.JSONURL, reply, err))
		return true
	}
	if r.Error != nil {
		refused(idx, res, sms.Code(*r.Error))
		return true
	}
	for k, i := range idx {
		if k >= len(r.Message.Msg) {
			res[i] = sms.Result{Outcome: sms.OutcomeUnknown, Err: errMissingResult}
			continue
		}
		m := r.Message.Msg[k]
		res[i] = result(int64(m.ID), int(m.Count), sms.Code(m.ErrorCode))
	}
	return false
}

// jsonMessages builds the "message" object, hoisting what all messages
// share into "default": a batch of one text to many numbers sends the text once.
func jsonMessages(msgs []sms.Message, idx []int) *wire.JSONMessage {
	out := &wire.JSONMessage{Msg: make([]wire.JSONMsg, len(idx))}
	text, sameText := common(msgs, idx, func(m *sms.Message) string { return m.Text })
	sender, sameSender := common(msgs, idx, func(m *sms.Message) string { return m.Sender })
	valid, sameValid := common(msgs, idx, func(m *sms.Message) time.Duration { return m.Validity })
	if sameText || sameSender || sameValid {
		out.Default = &wire.JSONMsg{}
		if sameText {
			out.Default.Text = text
		}
		if sameSender {
			out.Default.Sender = sender
		}
		if sameValid {
			out.Default.ValidityPeriod = wire.Int(sms.ValidityHours(valid))
		}
	}
	for k, i := range idx {
		m := &msgs[i]
		w := &out.Msg[k]
		w.Recipient = wire.Str(m.To)
		if !sameText {
			w.Text = m.Text
		}
		if !sameSender {
			w.Sender = m.Sender
		}
		if !sameValid {
			w.ValidityPeriod = wire.Int(sms.ValidityHours(m.Validity))
		}
	}
	return out
}

// Statuses implements sms.Gateway.
func (j *JSON) Statuses(ctx context.Context, ids []int64) ([]sms.StatusReport, error) {
	const endpoint = "JSON statuses"
	return statusChunks(ctx, j.client, ids, func(chunk []int64, got map[int64]sms.StatusReport) error {
		req := j.request(wire.CommandStatuses)
		req.Status = &wire.JSONIDs{Msg: make([]wire.JSONID, len(chunk))}
		for k, id := range chunk {
			req.Status.Msg[k].ID = wire.Str(strconv.FormatInt(id, 10))
		}
		body, err := json.Marshal(req)
		if err != nil {
			return err
		}
		reply, _, err := j.post(ctx, endpoint, j.cfg.JSONURL, jsonType, body)
		if err != nil {
			return err
		}
		r, err := wire.ParseJSONReply(reply)
		if err == nil && r.Error == nil && r.Status == nil {
			err = errors.New("the reply has no statuses")
		}
		if err != nil {
			return j.unparsable(endpoint, j.cfg.JSONURL, reply, err)
		}
		if r.Error != nil {
			return sms.Code(*r.Error)
		}
		for _, m := range r.Status.Msg {
			id, err := strconv.ParseInt(strings.TrimSpace(string(m.ID)), 10, 64)
			if err != nil {
				continue // not one we asked about
			}
			got[id] = statusReport(id, int(m.Count), m.Word(), sms.Code(m.ErrorCode))
		}
		return nil
	})
}
