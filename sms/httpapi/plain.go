package httpapi

import (
	"context"
	"strconv"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/wire"
)

// Plain is the PLAIN API: one message a request, sent as a POST form so
// the password never lands in a URL. The gateway throttles or blocks mass
// sending this way: it is for single, priority messages.
type Plain struct{ *client }

// Send implements sms.Gateway.
func (p *Plain) Send(ctx context.Context, msgs []sms.Message) []sms.Result {
	return sendAll(ctx, msgs, 1, func(ctx context.Context, idx []int, res []sms.Result) bool {
		const endpoint = "PLAIN send"
		m := &msgs[idx[0]]
		validity := ""
		if h := sms.ValidityHours(m.Validity); h > 0 {
			validity = strconv.Itoa(h)
		}
		form := p.form("recipient", m.To, "message", m.Text, "sender", m.Sender,
			"date_send", sms.DateSend(m.At), "validity_period", validity)
		if p.client.sendPackage(ctx, endpoint, p.cfg.SendPlainURL, formType, form, idx, res, readPlainSend) {
			return true
		}
		// a code about this message lets the next go; one about the
		// account (login, funds, block) would only repeat
		code := res[idx[0]].Code
		return code != 0 && !code.AboutMessage()
	})
}

func readPlainSend(reply []byte) (sms.Code, []sms.Result, error) {
	id, code, err := wire.ParsePlainSend(reply)
	if err != nil {
		return 0, nil, err
	}
	return 0, []sms.Result{result(id, 0, sms.Code(code))}, nil
}

// Statuses implements sms.Gateway, one request per id.
func (p *Plain) Statuses(ctx context.Context, ids []int64) ([]sms.StatusReport, error) {
	const endpoint = "PLAIN status"
	out := make([]sms.StatusReport, len(ids))
	for i, id := range ids {
		err := p.retry(ctx, func() error {
			reply, _, err := p.post(ctx, endpoint, p.cfg.StatusPlainURL, formType, p.form("id", strconv.FormatInt(id, 10)))
			if err != nil {
				return err
			}
			word, code, err := wire.ParsePlainStatus(reply)
			if err != nil {
				return p.unparsable(endpoint, p.cfg.StatusPlainURL, reply, err)
			}
			if code != 0 && sms.Code(code) != sms.CodeBadID {
				return sms.Code(code) // about the request, not the id
			}
			out[i] = statusReport(id, 0, word, sms.Code(code))
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
