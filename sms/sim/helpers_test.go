package sim

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/wire"
)

// t0 is noon in Minsk.
var t0 = time.Date(2026, 11, 24, 12, 0, 0, 0, sms.Minsk)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newSim makes a server on a clock at t0 unless o.Now is set.
func newSim(o Options) (*Server, *clock) {
	clk := &clock{t: t0}
	if o.Now == nil {
		o.Now = clk.Now
	}
	return New(o), clk
}

// do runs one request through the handler.
func do(t testing.TB, h http.Handler, method, target, ctype, body string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func form(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v.Encode()
}

// multipartBody builds a multipart/form-data body as PHP's curl sends an array.
func multipartBody(kv ...string) (ctype, body string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for i := 0; i+1 < len(kv); i += 2 {
		w.WriteField(kv[i], kv[i+1])
	}
	w.Close()
	return w.FormDataContentType(), b.String()
}

// msg is one message of a send, for any transport.
type msg struct {
	recipient, sender, text string
	validity                time.Duration
}

// sendReq is a send request, for any transport.
type sendReq struct {
	login, password, token, dateSend string
	msgs                             []msg
}

func demoReq(msgs ...msg) sendReq {
	return sendReq{login: "demo", password: "demo", msgs: msgs}
}

// result is one message's result as a client reads it.
type result struct {
	id    int64
	parts int
	code  int
}

var transports = []string{"plain", "xml", "json"}

// send sends through a transport and reads the reply with the wire
// package, as a client would. whole is a whole-request code.
func send(t testing.TB, h http.Handler, tr string, r sendReq) (whole int, res []result) {
	t.Helper()
	switch tr {
	case "plain":
		for _, m := range r.msgs {
			kv := []string{"user", r.login, "password", r.password, "recipient", m.recipient, "message", m.text, "sender", m.sender}
			if r.token != "" {
				kv = append(kv, "requestAuthToken", r.token)
			}
			if r.dateSend != "" {
				kv = append(kv, "date_send", r.dateSend)
			}
			if m.validity > 0 {
				kv = append(kv, "validity_period", strconv.Itoa(sms.ValidityHours(m.validity)))
			}
			code, body := do(t, h, "POST", PathSendPlain, "application/x-www-form-urlencoded", form(kv...))
			if code != 200 {
				t.Fatalf("plain send: HTTP %d %s", code, body)
			}
			id, c, err := wire.ParsePlainSend([]byte(body))
			if err != nil {
				t.Fatalf("plain send reply %q: %v", body, err)
			}
			res = append(res, result{id: id, code: c})
		}
		return 0, res
	case "xml":
		p := &wire.XMLPackage{Login: r.login, Password: r.password, Token: r.token, DateSend: r.dateSend, Message: &wire.XMLMsgs{}}
		for _, m := range r.msgs {
			x := wire.XMLMsg{Recipient: m.recipient, Sender: m.sender, Text: m.text}
			if m.validity > 0 {
				x.ValidityPeriod = strconv.Itoa(sms.ValiditySeconds(m.validity))
			}
			p.Message.Msg = append(p.Message.Msg, x)
		}
		b, err := wire.EncodeXML(p)
		if err != nil {
			t.Fatal(err)
		}
		code, body := do(t, h, "POST", PathXML, "text/xml", string(b))
		if code != 200 {
			t.Fatalf("xml send: HTTP %d %s", code, body)
		}
		rp, err := wire.ParseXML([]byte(body))
		if err != nil {
			t.Fatalf("xml reply %q: %v", body, err)
		}
		if rp.Error != nil {
			n, _ := strconv.Atoi(strings.TrimSpace(rp.Error.Code))
			return n, nil
		}
		for _, x := range rp.Message.Msg {
			id, _ := strconv.ParseInt(x.ID, 10, 64)
			parts, _ := strconv.Atoi(x.Count)
			c, _ := strconv.Atoi(strings.TrimSpace(x.Text))
			res = append(res, result{id, parts, c})
		}
		return 0, res
	}
	q := wire.JSONRequest{Login: r.login, Password: r.password, Token: r.token, Command: wire.CommandSend, DateSend: r.dateSend, Message: &wire.JSONMessage{}}
	for _, m := range r.msgs {
		q.Message.Msg = append(q.Message.Msg, wire.JSONMsg{Recipient: wire.Str(m.recipient), Sender: m.sender, Text: m.text, ValidityPeriod: wire.Int(sms.ValidityHours(m.validity))})
	}
	b, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	code, body := do(t, h, "POST", PathJSON, "application/json", string(b))
	if code != 200 {
		t.Fatalf("json send: HTTP %d %s", code, body)
	}
	rp, err := wire.ParseJSONReply([]byte(body))
	if err != nil {
		t.Fatalf("json reply %q: %v", body, err)
	}
	if rp.Error != nil {
		return int(*rp.Error), nil
	}
	for _, x := range rp.Message.Msg {
		res = append(res, result{int64(x.ID), int(x.Count), int(x.ErrorCode)})
	}
	return 0, res
}

// firstCode is the whole-request code, else the first message's.
func firstCode(whole int, res []result) int {
	if whole != 0 || len(res) == 0 {
		return whole
	}
	return res[0].code
}

// status asks the status of ids through a transport: whole-request code,
// or one word or code per id.
func status(t testing.TB, h http.Handler, tr, login, password string, ids ...string) (whole int, words []string) {
	t.Helper()
	switch tr {
	case "plain":
		for _, id := range ids {
			code, body := do(t, h, "POST", PathStatusPlain, "application/x-www-form-urlencoded", form("user", login, "password", password, "id", id))
			if code != 200 {
				t.Fatalf("plain status: HTTP %d %s", code, body)
			}
			w, c, err := wire.ParsePlainStatus([]byte(body))
			if err != nil {
				t.Fatalf("plain status reply %q: %v", body, err)
			}
			if c != 0 && c != int(sms.CodeBadID) {
				return c, nil
			}
			if c != 0 {
				w = strconv.Itoa(c)
			}
			words = append(words, w)
		}
		return 0, words
	case "xml":
		p := &wire.XMLPackage{Login: login, Password: password, Status: &wire.XMLMsgs{}}
		for _, id := range ids {
			p.Status.Msg = append(p.Status.Msg, wire.XMLMsg{ID: id})
		}
		b, _ := wire.EncodeXML(p)
		code, body := do(t, h, "POST", PathXML, "application/xml", string(b))
		if code != 200 {
			t.Fatalf("xml status: HTTP %d %s", code, body)
		}
		rp, err := wire.ParseXML([]byte(body))
		if err != nil {
			t.Fatalf("xml status reply %q: %v", body, err)
		}
		if rp.Error != nil {
			n, _ := strconv.Atoi(rp.Error.Code)
			return n, nil
		}
		for _, x := range rp.Status.Msg {
			words = append(words, x.Text)
		}
		return 0, words
	}
	q := wire.JSONRequest{Login: login, Password: password, Command: wire.CommandStatuses, Status: &wire.JSONIDs{}}
	for _, id := range ids {
		q.Status.Msg = append(q.Status.Msg, wire.JSONID{ID: wire.Str(id)})
	}
	b, _ := json.Marshal(q)
	code, body := do(t, h, "POST", PathJSON, "text/json", string(b))
	if code != 200 {
		t.Fatalf("json status: HTTP %d %s", code, body)
	}
	// wire.JSONStatus reads sms_id as an integer and so fails on the echo
	// of a malformed id: read the reply with strings.
	var rp struct {
		Error  *int
		Status *struct {
			Msg []struct {
				Status    string `json:"sms_status"`
				ErrorCode int    `json:"error_code"`
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &rp); err != nil || (rp.Error == nil && rp.Status == nil) {
		t.Fatalf("json status reply %q: %v", body, err)
	}
	if rp.Error != nil {
		return *rp.Error, nil
	}
	for _, x := range rp.Status.Msg {
		w := x.Status
		if x.ErrorCode != 0 {
			w = strconv.Itoa(x.ErrorCode)
		}
		words = append(words, w)
	}
	return 0, words
}

func credits(t testing.TB, h http.Handler, login, password string) string {
	t.Helper()
	_, body := do(t, h, "POST", PathCreditsPlain, "application/x-www-form-urlencoded", form("user", login, "password", password))
	return body
}

func ids(res []result) []string {
	var out []string
	for _, r := range res {
		out = append(out, strconv.FormatInt(r.id, 10))
	}
	return out
}

// client is an HTTP client for Start tests that never reuses connections
// across a dropped one.
func client() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
}

func post(c *http.Client, u, ctype, body string) (int, string, error) {
	resp, err := c.Post(u, ctype, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// doLarge posts n bytes of white space to the JSON path, declaring the
// length or sending it chunked.
func doLarge(t testing.TB, h http.Handler, n int64, declared bool) (int, string) {
	t.Helper()
	req := httptest.NewRequest("POST", PathJSON, io.LimitReader(spaces{}, n))
	req.ContentLength = -1
	if declared {
		req.ContentLength = n
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}
