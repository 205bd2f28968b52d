package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/smsdash/smsdash/sms"
)

// packages splits messages into packages of at most size that share one
// scheduled time (date_send belongs to the whole package), keeping the
// order of first appearance. Each package lists indexes into msgs.
func packages(msgs []sms.Message, size int) [][]int {
	var out [][]int
	open := map[string]int{} // date_send → index in out of its open package
	for i, m := range msgs {
		key := sms.DateSend(m.At)
		p, ok := open[key]
		if !ok || len(out[p]) == size {
			p = len(out)
			out = append(out, make([]int, 0, min(size, len(msgs)-i)))
			open[key] = p
		}
		out[p] = append(out[p], i)
	}
	return out
}

// sendFunc sends one package and fills res for its indexes; stop says the
// packages after it must not be sent.
type sendFunc func(ctx context.Context, idx []int, res []sms.Result) (stop bool)

var errEarlierFailed = errors.New("not sent: an earlier request failed, see the messages before this one")

// sendAll sends packages one after another. After a package whose outcome
// is unknown or that was refused whole, the rest stay NotSent: the agent
// decides, nothing is sent blindly.
func sendAll(ctx context.Context, msgs []sms.Message, size int, send sendFunc) []sms.Result {
	res := make([]sms.Result, len(msgs))
	pkgs := packages(msgs, size)
	for n, idx := range pkgs {
		if err := ctx.Err(); err != nil {
			markRest(pkgs[n:], res, err)
			break
		}
		if send(ctx, idx, res) {
			markRest(pkgs[n+1:], res, errEarlierFailed)
			break
		}
	}
	return res
}

func markRest(pkgs [][]int, res []sms.Result, err error) {
	for _, idx := range pkgs {
		for _, i := range idx {
			res[i] = sms.Result{Outcome: sms.NotSent, Err: err}
		}
	}
}

// failed records a package that got no usable reply. A request that never
// left, or that HTTP refused before the gateway read it (4xx), is NotSent;
// any other failure after the request left is OutcomeUnknown.
func failed(idx []int, res []sms.Result, sent bool, err error) {
	o := sms.OutcomeUnknown
	var he *Error
	if !sent || (errors.As(err, &he) && he.Status >= 400 && he.Status < 500 &&
		he.Status != http.StatusRequestTimeout && he.Status != http.StatusTooManyRequests) {
		o = sms.NotSent
	}
	for _, i := range idx {
		res[i] = sms.Result{Outcome: o, Err: err}
	}
}

// refused records a whole-package refusal.
func refused(idx []int, res []sms.Result, code sms.Code) {
	for _, i := range idx {
		res[i] = sms.Result{Outcome: sms.Refused, Code: code}
	}
}

var errMissingResult = errors.New("the reply has no result for this message")

// result turns one reply entry into a Result.
func result(id int64, parts int, code sms.Code) sms.Result {
	switch {
	case code != 0:
		return sms.Result{Outcome: sms.Refused, Code: code, Parts: parts}
	case id > 0:
		return sms.Result{Outcome: sms.Accepted, ID: id, Parts: parts}
	}
	return sms.Result{Outcome: sms.OutcomeUnknown, Err: errors.New("the reply has neither an id nor an error code for this message")}
}

// shared is what every message of a package has in common: it goes once
// into the package's default instead of into every message, so a batch
// of one text to many numbers carries the text once.
type shared struct {
	text, sender                    string
	validity                        time.Duration
	sameText, sameSender, sameValid bool
}

func (s shared) any() bool { return s.sameText || s.sameSender || s.sameValid }

func hoist(msgs []sms.Message, idx []int) shared {
	first := &msgs[idx[0]]
	s := shared{text: first.Text, sender: first.Sender, validity: first.Validity, sameText: true, sameSender: true, sameValid: true}
	for _, i := range idx[1:] {
		m := &msgs[i]
		s.sameText = s.sameText && m.Text == s.text
		s.sameSender = s.sameSender && m.Sender == s.sender
		s.sameValid = s.sameValid && m.Validity == s.validity
	}
	return s
}

// readReply parses one package's reply into a whole-request code, or a
// result per message in request order.
type readReply func(reply []byte) (whole sms.Code, each []sms.Result, err error)

// sendPackage posts one package and fills res for its messages; stop
// says the packages after it must not be sent.
func (c *client) sendPackage(ctx context.Context, endpoint, rawURL, ctype string, body []byte, idx []int, res []sms.Result, read readReply) (stop bool) {
	reply, sent, err := c.post(ctx, endpoint, rawURL, ctype, body)
	if err != nil {
		failed(idx, res, sent, err)
		return true
	}
	whole, each, err := read(reply)
	if err != nil {
		failed(idx, res, true, c.unparsable(endpoint, rawURL, reply, err))
		return true
	}
	if whole != 0 {
		refused(idx, res, whole)
		return true
	}
	for k, i := range idx {
		if k >= len(each) {
			res[i] = sms.Result{Outcome: sms.OutcomeUnknown, Err: errMissingResult}
			continue
		}
		res[i] = each[k]
	}
	return false
}

// statusChunks asks statuses in chunks and returns reports in ids order.
// ask fills the reports of one chunk, keyed by id.
func statusChunks(ctx context.Context, c *client, ids []int64, ask func(chunk []int64, got map[int64]sms.StatusReport) error) ([]sms.StatusReport, error) {
	got := make(map[int64]sms.StatusReport, len(ids))
	for start := 0; start < len(ids); start += c.cfg.BatchSize {
		chunk := ids[start:min(start+c.cfg.BatchSize, len(ids))]
		if err := c.retry(ctx, func() error { return ask(chunk, got) }); err != nil {
			return nil, err
		}
	}
	out := make([]sms.StatusReport, len(ids))
	for i, id := range ids {
		r, ok := got[id]
		if !ok {
			r = sms.StatusReport{ID: id}
		}
		out[i] = r
	}
	return out, nil
}

// statusReport reads a status word, or a negative code given as text.
func statusReport(id int64, parts int, word string, code sms.Code) sms.StatusReport {
	r := sms.StatusReport{ID: id, Parts: parts, Code: code}
	if code != 0 {
		return r
	}
	if n, ok := negativeCode(word); ok {
		r.Code = n
		return r
	}
	st, ok := sms.ParseStatus(word)
	if !ok {
		st = sms.Unknown // a word we do not know carries no information
	}
	r.Status = st
	return r
}

// negativeCode reads " -11 " as a gateway code.
func negativeCode(s string) (sms.Code, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n >= 0 {
		return 0, false
	}
	return sms.Code(n), true
}
