package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

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
	req := j.request(wire.CommandSend)
	req.DateSend = sms.DateSend(msgs[idx[0]].At)
	req.Message = jsonMessages(msgs, idx)
	body, err := json.Marshal(req)
	if err != nil { // only invalid UTF-8 could do this, and Marshal replaces it
		failed(idx, res, false, err)
		return true
	}
	return j.client.sendPackage(ctx, "JSON send", j.cfg.JSONURL, jsonType, body, idx, res, readJSONSend)
}

func readJSONSend(reply []byte) (sms.Code, []sms.Result, error) {
	r, err := wire.ParseJSONReply(reply)
	switch {
	case err != nil:
		return 0, nil, err
	case r.Error != nil:
		return sms.Code(*r.Error), nil, nil
	case r.Message == nil:
		return 0, nil, errors.New("the reply has no results")
	}
	each := make([]sms.Result, len(r.Message.Msg))
	for k, m := range r.Message.Msg {
		each[k] = result(int64(m.ID), int(m.Count), sms.Code(m.ErrorCode))
	}
	return 0, each, nil
}

// jsonMessages builds the "message" object, hoisting what all messages
// share into "default".
func jsonMessages(msgs []sms.Message, idx []int) *wire.JSONMessage {
	out := &wire.JSONMessage{Msg: make([]wire.JSONMsg, len(idx))}
	sh := hoist(msgs, idx)
	if sh.any() {
		out.Default = &wire.JSONMsg{}
		if sh.sameText {
			out.Default.Text = sh.text
		}
		if sh.sameSender {
			out.Default.Sender = sh.sender
		}
		if sh.sameValid {
			out.Default.ValidityPeriod = wire.Int(sms.ValidityHours(sh.validity))
		}
	}
	for k, i := range idx {
		m := &msgs[i]
		w := &out.Msg[k]
		w.Recipient = wire.Str(m.To)
		if !sh.sameText {
			w.Text = m.Text
		}
		if !sh.sameSender {
			w.Sender = m.Sender
		}
		if !sh.sameValid {
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
