package sim

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/wire"
)

func TestPathsAndMethods(t *testing.T) {
	s, _ := newSim(Options{})
	auth := form("user", "demo", "password", "demo")
	xmlDoc := `<package login="demo" password="demo"><status><msg sms_id="1"/></status></package>`
	jsonDoc := `{"login":"demo","password":"demo","command":"statuses","status":{"msg":[{"sms_id":"1"}]}}`
	tests := []struct {
		method, path, body string
		code               int
		says               string
	}{
		{"GET", PathCreditsPlain + "?" + auth, "", 200, "100.00"},
		{"POST", PathCreditsPlain, auth, 200, "100.00"},
		{"GET", PathStatusPlain + "?" + auth + "&id=1", "", 200, "-11"},
		{"POST", PathStatusPlain, auth + "&id=1", 200, "-11"},
		{"GET", PathSendPlain + "?" + auth, "", 200, "-4"},
		{"POST", PathSendPlain, auth, 200, "-4"},
		{"POST", PathXML, xmlDoc, 200, "-11</msg>"},
		{"POST", PathJSON, jsonDoc, 200, `"error_code":-11`},
		{"GET", PathXML, "", 405, "POST"},
		{"GET", PathJSON, "", 405, "POST"},
		{"PUT", PathSendPlain, auth, 405, "GET, POST"},
		{"DELETE", PathCreditsPlain, "", 405, ""},
		{"POST", "/api/v1/json/", jsonDoc, 404, ""},
		{"POST", "/api/v1/send_sms", auth, 404, ""},
		{"GET", "/", "", 404, ""},
		{"POST", "/api/v2/xml", xmlDoc, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			code, body := do(t, s, tt.method, tt.path, "application/x-www-form-urlencoded", tt.body)
			if code != tt.code || !strings.Contains(body, tt.says) {
				t.Errorf("HTTP %d %q, want %d saying %q", code, body, tt.code, tt.says)
			}
		})
	}
}

// Every way a client may wrap an XML or JSON document is read.
func TestContentTypes(t *testing.T) {
	xmlDoc := `<?xml version="1.0" encoding="utf-8" ?><package login="demo" password="demo"><message><default sender="CMC"/><msg recipient="296717259">Привет &amp; пока</msg></message></package>`
	jsonDoc := `{"login":"demo","password":"demo","command":"sms_send","message":{"default":{"sender":"CMC"},"msg":[{"recipient":"296717259","sms_text":"Привет & пока"}]}}`
	type wrapped struct{ name, ctype, body string }
	wrap := func(doc string) []wrapped {
		mct, mbody := multipartBody("data", doc)
		mct2, mbody2 := multipartBody("empty", "", "xml", doc)
		return []wrapped{
			{"text/xml", "text/xml", doc},
			{"application/xml", "application/xml; charset=utf-8", doc},
			{"text/json", "text/json", doc},
			{"application/json", "application/json", doc},
			{"no content type", "", doc},
			{"raw body as a form", "application/x-www-form-urlencoded", doc},
			{"with a BOM", "text/plain", "\xef\xbb\xbf" + doc},
			{"form field", "application/x-www-form-urlencoded", "xml=" + url.QueryEscape(doc)},
			{"second form field", "application/x-www-form-urlencoded", "a=1&data=" + url.QueryEscape(doc)},
			{"form without key", "application/x-www-form-urlencoded", url.QueryEscape(doc)},
			{"multipart", mct, mbody},
			{"multipart, second field", mct2, mbody2},
		}
	}
	for _, api := range []struct{ path, doc, ok string }{
		{PathXML, xmlDoc, `<msg sms_id="3000000001" sms_count="1"`},
		{PathJSON, jsonDoc, `{"message":{"msg":[{"sms_id":3000000001,"sms_count":1,"error_code":0}]}}`},
	} {
		for _, tt := range wrap(api.doc) {
			t.Run(api.path+"/"+tt.name, func(t *testing.T) {
				s, _ := newSim(Options{})
				code, reply := do(t, s, "POST", api.path, tt.ctype, tt.body)
				if code != 200 || !strings.Contains(reply, api.ok) {
					t.Errorf("HTTP %d %s", code, reply)
				}
			})
		}
		t.Run(api.path+"/not a document", func(t *testing.T) {
			s, _ := newSim(Options{})
			for _, junk := range []string{"", "hello", "a=b&c=d", "<other/>", "[1,2]", `{"login":`} {
				code, reply := do(t, s, "POST", api.path, "text/plain", junk)
				if code != 400 || !strings.Contains(reply, "not") {
					t.Errorf("%q: HTTP %d %s", junk, code, reply)
				}
			}
		})
	}
}

func TestPlainForms(t *testing.T) {
	mct, mbody := multipartBody("user", "demo", "password", "demo", "recipient", "+375 29 671-72-59", "message", "Код 1234", "sender", "CMC")
	q := form("user", "demo", "password", "demo", "recipient", "80296717259", "message", "Код 1234", "sender", "CMC")
	tests := []struct{ name, method, target, ctype, body string }{
		{"GET query", "GET", PathSendPlain + "?" + q, "", ""},
		{"POST form", "POST", PathSendPlain, "application/x-www-form-urlencoded", q},
		{"POST form, charset", "POST", PathSendPlain, "application/x-www-form-urlencoded; charset=UTF-8", q},
		{"POST multipart", "POST", PathSendPlain, mct, mbody},
		{"POST query", "POST", PathSendPlain + "?" + q, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newSim(Options{})
			code, body := do(t, s, tt.method, tt.target, tt.ctype, tt.body)
			if code != 200 || body != "3000000001" {
				t.Fatalf("HTTP %d %q", code, body)
			}
			if s.Received("375296717259") != 1 || s.Balance() != 99 {
				t.Errorf("received %d, balance %v", s.Received("375296717259"), s.Balance())
			}
			_, body = do(t, s, "GET", PathStatusPlain+"?"+form("user", "demo", "password", "demo", "id", body), "", "")
			if body != "Queued" {
				t.Errorf("status %q", body)
			}
		})
	}
}

// The documentation's own samples (sections 3, 4 and 7).
func TestDocumentationSamples(t *testing.T) {
	// 3.1, with the documentation's Cyrillic «СМС» as the default sender:
	// only the Latin CMC is registered, so both messages are refused.
	doc31 := `<?xml version="1.0" encoding="utf-8" ?>
<package login="login" password="123456">
  <message>
    <default sender="СМС"/>
    <msg recipient="296717259" sender="notdefault" validity_period="86400">text</msg>
    <msg recipient="8(029)671-72-59">text</msg>
  </message>
</package>`
	opts := Options{Login: "login", Password: "123456"}
	t.Run("3.1", func(t *testing.T) {
		s, _ := newSim(opts)
		_, body := do(t, s, "POST", PathXML, "text/xml", doc31)
		want := `<package><message><msg sms_id="0" sms_count="1">-5</msg><msg sms_id="0" sms_count="1">-5</msg></message></package>`
		if !strings.Contains(body, want) || !strings.HasPrefix(body, `<?xml version="1.0" encoding="utf-8" ?>`) {
			t.Errorf("reply %s", body)
		}
	})
	t.Run("3.1 with notdefault registered", func(t *testing.T) {
		o := opts
		o.Senders = []string{"CMC", "notdefault"}
		s, _ := newSim(o)
		_, body := do(t, s, "POST", PathXML, "text/xml", doc31)
		want := `<msg sms_id="3000000001" sms_count="1"></msg><msg sms_id="0" sms_count="1">-5</msg>`
		if !strings.Contains(body, want) {
			t.Errorf("reply %s", body)
		}
		if r, ok := s.Message(3000000001); !ok || r.Validity != 24*time.Hour || r.Sender != "notdefault" || r.Recipient != "375296717259" {
			t.Errorf("record %+v", r)
		}
	})
	t.Run("3.2", func(t *testing.T) {
		s, _ := newSim(opts)
		_, body := do(t, s, "POST", PathXML, "text/xml", `<?xml version="1.0" encoding="utf-8" ?>  
<package login="login" password="123456">  
  <status>  
    <msg sms_id="1234568"/>  
  </status>  
</package>`)
		if !strings.Contains(body, `<package><status><msg sms_id="1234568">-11</msg></status></package>`) {
			t.Errorf("reply %s", body)
		}
	})
	// 4.1: the sample has a trailing comma, which no JSON parser takes,
	// and a placeholder date_send.
	doc41 := `{
  "login": "username",
  "password": "passowrd",
  "command": "sms_send",
  "date_send": "date_send_sms",
  "message": {
    "default": {
      "sender": "CMC",
      "validity_period": 48,
      "sms_text": "Текст SMS по умолчанию"
    },
    "msg": [
      {
        "recipient": "296717259",
        "sender": "notdefault",
        "validity_period": 24,
        "sms_text": "Текст SMS, который отличается от текста по умолчанию",
      },
      {
        "recipient": "(29)671-72-59"
      }
    ]
  }
}`
	opts41 := Options{Login: "username", Password: "passowrd"}
	t.Run("4.1 as printed", func(t *testing.T) {
		s, _ := newSim(opts41)
		if code, body := do(t, s, "POST", PathJSON, "text/json", doc41); code != 400 {
			t.Errorf("HTTP %d %s", code, body)
		}
	})
	fixed := strings.Replace(doc41, `умолчанию",
      },`, `умолчанию"
      },`, 1)
	t.Run("4.1 placeholder date", func(t *testing.T) {
		s, _ := newSim(opts41)
		if _, body := do(t, s, "POST", PathJSON, "text/json", fixed); body != `{"error":-15}` {
			t.Errorf("reply %s", body)
		}
	})
	t.Run("4.1", func(t *testing.T) {
		s, _ := newSim(opts41)
		_, body := do(t, s, "POST", PathJSON, "text/json", strings.Replace(fixed, `"date_send": "date_send_sms",`, "", 1))
		// "Текст SMS по умолчанию" is 22 UCS-2 characters: one part
		if body != `{"message":{"msg":[{"sms_id":0,"sms_count":1,"error_code":-5},{"sms_id":3000000001,"sms_count":1,"error_code":0}]}}` {
			t.Errorf("reply %s", body)
		}
		if r, _ := s.Message(3000000001); r.Validity != 48*time.Hour || r.Sender != "CMC" {
			t.Errorf("defaults not applied: %+v", r)
		}
	})
	t.Run("4.2", func(t *testing.T) {
		s, _ := newSim(opts41)
		_, body := do(t, s, "POST", PathJSON, "text/json", `{"login": "username","password": "passowrd","command": "statuses",
  "status": {"msg": [{"sms_id": "sms1_id_for_get_status"},{"sms_id": "smsN_id_for_get_status"}]}}`)
		if body != `{"status":{"msg":[{"sms_id":"sms1_id_for_get_status","error_code":-11},{"sms_id":"smsN_id_for_get_status","error_code":-11}]}}` {
			t.Errorf("reply %s", body)
		}
	})
	t.Run("7.1 credits by GET", func(t *testing.T) {
		s, _ := newSim(Options{Login: "ваш_логин", Password: "ваш_пароль", Balance: 12.5})
		code, body := do(t, s, "GET", PathCreditsPlain+"?user=ваш_логин&password=ваш_пароль", "", "")
		if code != 200 || body != "12.50" {
			t.Errorf("HTTP %d %q", code, body)
		}
	})
	t.Run("7.2 send by GET", func(t *testing.T) {
		s, _ := newSim(Options{Login: "ваш_логин", Password: "ваш_пароль"})
		_, body := do(t, s, "GET", PathSendPlain+"?user=ваш_логин&password=ваш_пароль&recipient=296717259&message=текст_сообщения&sender=CMC", "", "")
		if body != "3000000001" {
			t.Errorf("reply %q", body)
		}
	})
	t.Run("7.3 XML without default", func(t *testing.T) {
		s, _ := newSim(Options{Login: "ваш_логин", Password: "ваш_пароль"})
		_, body := do(t, s, "POST", PathXML, "text/xml", `<?xml version="1.0" encoding="utf-8" ?>
<package login="ваш_логин" password="ваш_пароль">
<message>
<msg recipient="296717259" sender="CMC"
validity_period="86400">текст_сообщения1</msg>
<msg recipient="+375 44 123-45-67" sender="CMC"
validity_period="86400">текст_сообщения2</msg>
<msg recipient="80331234568" sender="CMC"
validity_period="86400">текст_сообщения3</msg>
</message>
</package>`)
		for i := int64(0); i < 3; i++ {
			if !strings.Contains(body, fmt.Sprintf(`<msg sms_id="%d" sms_count="1">`, FirstID+i)) {
				t.Errorf("message %d not accepted: %s", i, body)
			}
		}
	})
	t.Run("7.4 JSON with a scheduled date", func(t *testing.T) {
		s, clk := newSim(Options{Login: "ВАШ_ЛОГИН", Password: "ВАШ_ПАРОЛЬ"})
		doc := `{"login":"ВАШ_ЛОГИН","password":"ВАШ_ПАРОЛЬ","command":"sms_send","date_send":"DATE",
"message":{"default":{"sender":"SMS-assist","validity_period":24,"sms_text":"SMS текст по-умолчанию для JSON"},
"msg":[{"recipient":"296717259","sender":"CMC","validity_period":10,"sms_text":"SMS текст 1 сообщение"},
{"recipient":"296717259","sms_text":"SMS текст 3 сообщение"},{"recipient":"296717259"}]}}`
		if _, body := do(t, s, "POST", PathJSON, "text/json", strings.Replace(doc, "DATE", "ГГГГММДДЧЧММ", 1)); body != `{"error":-15}` {
			t.Errorf("placeholder date: %s", body)
		}
		due := t0.Add(time.Hour)
		_, body := do(t, s, "POST", PathJSON, "text/json", strings.Replace(doc, "DATE", sms.DateSend(due), 1))
		// SMS-assist is the old default sender the documentation retired: not registered
		if body != `{"message":{"msg":[{"sms_id":3000000001,"sms_count":1,"error_code":0},{"sms_id":0,"sms_count":1,"error_code":-5},{"sms_id":0,"sms_count":1,"error_code":-5}]}}` {
			t.Errorf("reply %s", body)
		}
		r, _ := s.Message(3000000001)
		if r.Validity != 10*time.Hour || !r.Due.Equal(due) || r.Status != sms.Queued {
			t.Errorf("record %+v", r)
		}
		clk.Add(time.Hour + DefaultQueuedFor)
		if r, _ := s.Message(3000000001); r.Status != sms.Sent {
			t.Errorf("after the due time and the queue: %v", r.Status)
		}
	})
	t.Run("7.5", func(t *testing.T) {
		s, _ := newSim(Options{Login: "ВАШ_ЛОГИН", Password: "ВАШ_ПАРОЛЬ"})
		_, body := do(t, s, "POST", PathJSON, "text/json", `{"login":"ВАШ_ЛОГИН","password":"ВАШ_ПАРОЛЬ","command":"statuses","status":{"msg":[{"sms_id":"14264663"},{"sms_id":"14264664"},{"sms_id":"14264665"}]}}`)
		if strings.Count(body, `"error_code":-11`) != 3 {
			t.Errorf("reply %s", body)
		}
	})
}

// XML <default> and JSON "default": msg attributes win, a msg without
// text takes the default text, validity is clamped to 48 hours.
func TestDefaultsAndValidity(t *testing.T) {
	o := Options{Senders: []string{"CMC", "Shop"}, Balance: 1000}
	t.Run("xml", func(t *testing.T) {
		s, _ := newSim(o)
		_, body := do(t, s, "POST", PathXML, "text/xml", `<package login="demo" password="demo"><message>
<default sender="Shop" validity_period="3600">default text</default>
<msg recipient="296717259"/>
<msg recipient="296717259"> </msg>
<msg recipient="296717259" sender="CMC" validity_period="200000">own text</msg>
<msg recipient="296717259" validity_period="junk">x</msg>
</message></package>`)
		want := []Record{
			{Sender: "Shop", Validity: time.Hour},
			{Sender: "Shop", Validity: time.Hour},
			{Sender: "CMC", Validity: 48 * time.Hour},
			{Sender: "Shop", Validity: 0},
		}
		for i, w := range want {
			r, ok := s.Message(FirstID + int64(i))
			if !ok || r.Sender != w.Sender || r.Validity != w.Validity {
				t.Errorf("message %d: %+v, want %+v (reply %s)", i, r, w, body)
			}
		}
	})
	t.Run("xml without default", func(t *testing.T) {
		s, _ := newSim(o)
		_, body := do(t, s, "POST", PathXML, "text/xml", `<package login="demo" password="demo"><message><msg recipient="296717259" sender="CMC"/><msg recipient="296717259">x</msg></message></package>`)
		if !strings.Contains(body, `<msg sms_id="0" sms_count="0">-3</msg><msg sms_id="0" sms_count="1">-5</msg>`) {
			t.Errorf("reply %s", body)
		}
	})
	t.Run("json", func(t *testing.T) {
		s, _ := newSim(o)
		_, body := do(t, s, "POST", PathJSON, "application/json", `{"login":"demo","password":"demo","command":"sms_send","message":{
"default":{"sender":"Shop","validity_period":"5","sms_text":"default text"},
"msg":[{"recipient":296717259},{"recipient":"296717259","sender":"CMC","validity_period":100,"sms_text":"own"},{"recipient":375296717259,"validity_period":48}]}}`)
		want := []Record{
			{Sender: "Shop", Validity: 5 * time.Hour},
			{Sender: "CMC", Validity: 48 * time.Hour},
			{Sender: "Shop", Validity: 48 * time.Hour},
		}
		for i, w := range want {
			r, ok := s.Message(FirstID + int64(i))
			if !ok || r.Sender != w.Sender || r.Validity != w.Validity {
				t.Errorf("message %d: %+v, want %+v (reply %s)", i, r, w, body)
			}
		}
	})
	t.Run("plain", func(t *testing.T) {
		s, _ := newSim(o)
		for _, h := range []string{"72", "3", "", "x"} {
			do(t, s, "POST", PathSendPlain, "application/x-www-form-urlencoded", form("user", "demo", "password", "demo", "recipient", "296717259", "sender", "CMC", "message", "x", "validity_period", h))
		}
		for i, w := range []time.Duration{48 * time.Hour, 3 * time.Hour, 0, 0} {
			if r, _ := s.Message(FirstID + int64(i)); r.Validity != w {
				t.Errorf("message %d: validity %v, want %v", i, r.Validity, w)
			}
		}
	})
}

// Every way people write a number is normalised; JSON numbers are read.
func TestRecipients(t *testing.T) {
	s, _ := newSim(Options{})
	_, body := do(t, s, "POST", PathJSON, "application/json", `{"login":"demo","password":"demo","command":"sms_send","message":{"default":{"sender":"CMC","sms_text":"x"},
"msg":[{"recipient":375296717259},{"recipient":"+375 (29) 671-72-59"},{"recipient":"8(029)671-72-59"},{"recipient":"80296717259"},{"recipient":296717259},
{"recipient":"(29)671-72-59"},{"recipient":"+375 17 123-45-67"},{"recipient":"12345"},{"recipient":""},{"recipient":"29671725x"}]}}`)
	r, err := wire.ParseJSONReply([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range r.Message.Msg {
		want := 0
		if i >= 6 {
			want = -4
		}
		if int(m.ErrorCode) != want {
			t.Errorf("recipient %d: code %d, want %d", i, m.ErrorCode, want)
		}
	}
	if n := s.Received("375296717259"); n != 6 {
		t.Errorf("received %d", n)
	}
	if n := s.Received("+375296717259"); n != 0 {
		t.Errorf("Received takes normalised numbers only: %d", n)
	}
}

// Charging by parts: sms_count and the balance.
func TestCharging(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		parts int
	}{
		{"160 GSM", strings.Repeat("a", 160), 1},
		{"161 GSM", strings.Repeat("a", 161), 2},
		{"80 GSM escapes", strings.Repeat("€", 80), 1},
		{"81 GSM escapes", strings.Repeat("[", 81), 2},
		{"70 Cyrillic", strings.Repeat("я", 70), 1},
		{"71 Cyrillic", strings.Repeat("я", 71), 2},
		{"135 Cyrillic", strings.Repeat("я", 135), 3},
	}
	for _, tt := range tests {
		for _, tr := range transports {
			t.Run(tt.name+"/"+tr, func(t *testing.T) {
				s, _ := newSim(Options{Balance: 10, Price: 1.5})
				whole, res := send(t, s, tr, demoReq(msg{recipient: "296717259", sender: "CMC", text: tt.text}))
				if whole != 0 || res[0].code != 0 {
					t.Fatalf("refused: %d %+v", whole, res)
				}
				if tr != "plain" && res[0].parts != tt.parts {
					t.Errorf("sms_count %d, want %d", res[0].parts, tt.parts)
				}
				want := 10 - 1.5*float64(tt.parts)
				if s.Balance() != want {
					t.Errorf("balance %v, want %v", s.Balance(), want)
				}
				if got := credits(t, s, "demo", "demo"); got != strconv.FormatFloat(want, 'f', 2, 64) {
					t.Errorf("credits reply %q", got)
				}
				if st := s.Stats(); st.Parts != int64(tt.parts) || st.Accepted != 1 {
					t.Errorf("stats %+v", st)
				}
			})
		}
	}
}

// Funds run out mid-batch: refused with -1, and a later, cheaper message
// that still fits is accepted.
func TestInsufficientFundsMidBatch(t *testing.T) {
	two := strings.Repeat("a", 161)
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			s, _ := newSim(Options{Balance: 3})
			var msgs []msg
			for _, text := range []string{"a", "b", two, "c", "d"} {
				msgs = append(msgs, msg{recipient: "296717259", sender: "CMC", text: text})
			}
			whole, res := send(t, s, tr, demoReq(msgs...))
			codes := []int{}
			for _, r := range res {
				codes = append(codes, r.code)
			}
			if whole != 0 || fmt.Sprint(codes) != "[0 0 -1 0 -1]" {
				t.Errorf("codes %d %v", whole, codes)
			}
			if s.Balance() != 0 || s.Received("375296717259") != 3 {
				t.Errorf("balance %v, received %d", s.Balance(), s.Received("375296717259"))
			}
			if st := s.Stats(); st.Messages != 5 || st.Accepted != 3 {
				t.Errorf("stats %+v", st)
			}
			if tr != "plain" && (res[3].id != FirstID+2 || res[2].id != 0) {
				t.Errorf("ids %+v", res)
			}
		})
	}
}

// The clock, on an injected Now: Queued, Sent, final; a scheduled message
// stays Queued until it is due.
func TestClock(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			s, clk := newSim(Options{QueuedFor: time.Minute, SentFor: 2 * time.Minute})
			due := t0.Add(30 * time.Minute)
			_, now := send(t, s, tr, demoReq(msg{recipient: "296717259", sender: "CMC", text: "now"}))
			r := demoReq(msg{recipient: "296717259", sender: "CMC", text: "later"})
			r.dateSend = sms.DateSend(due)
			_, later := send(t, s, tr, r)
			idList := append(ids(now), ids(later)...)
			steps := []struct {
				at    time.Duration // since t0
				words string
			}{
				{0, "[Queued Queued]"},
				{time.Minute - time.Nanosecond, "[Queued Queued]"},
				{time.Minute, "[Sent Queued]"},
				{3*time.Minute - time.Nanosecond, "[Sent Queued]"},
				{3 * time.Minute, "[Delivered Queued]"},
				{31*time.Minute - time.Nanosecond, "[Delivered Queued]"},
				{31 * time.Minute, "[Delivered Sent]"},
				{33 * time.Minute, "[Delivered Delivered]"},
				{100 * time.Hour, "[Delivered Delivered]"},
			}
			for _, st := range steps {
				clk.mu.Lock()
				clk.t = t0.Add(st.at)
				clk.mu.Unlock()
				whole, words := status(t, s, tr, "demo", "demo", idList...)
				if whole != 0 || fmt.Sprint(words) != st.words {
					t.Errorf("at +%v: %d %v, want %s", st.at, whole, words, st.words)
				}
			}
		})
	}
}

// The final status follows the recipient's last two digits.
func TestFinalStatusByDigits(t *testing.T) {
	tests := []struct {
		recipient string
		want      sms.Status
	}{
		{"375291234500", sms.Rejected},
		{"375291234501", sms.Expired},
		{"375291234502", sms.Failed},
		{"375291234503", sms.Unknown},
		{"375291234504", sms.Delivered},
		{"375291234599", sms.Delivered},
		{"375291234510", sms.Delivered},
		{"375291234100", sms.Rejected},
	}
	s, clk := newSim(Options{Balance: 100})
	var list []msg
	for _, tt := range tests {
		list = append(list, msg{recipient: tt.recipient, sender: "CMC", text: "x"})
	}
	_, res := send(t, s, "json", demoReq(list...))
	for _, after := range []time.Duration{time.Minute, 1000 * time.Hour} {
		clk.Add(after)
		for _, tr := range transports {
			_, words := status(t, s, tr, "demo", "demo", ids(res)...)
			for i, tt := range tests {
				if words[i] != tt.want.String() {
					t.Errorf("%s after %v, %s: %s, want %v", tr, after, tt.recipient, words[i], tt.want)
				}
			}
		}
	}
}

// JSON replies: numbers in send replies, strings and extra fields in
// status replies, as the real service sends them.
func TestJSONReplyTypes(t *testing.T) {
	s, _ := newSim(Options{Balance: 100})
	_, body := do(t, s, "POST", PathJSON, "application/json", `{"login":"demo","password":"demo","command":"sms_send","message":{"default":{"sender":"CMC","sms_text":"x"},"msg":[{"recipient":"296717259"},{"recipient":"255551234"},{"recipient":"441234567"},{"recipient":"+48 601 234 567"},{"recipient":"bad"}]}}`)
	var send map[string]map[string][]map[string]any
	if err := json.Unmarshal([]byte(body), &send); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	for _, m := range send["message"]["msg"] {
		for _, k := range []string{"sms_id", "sms_count", "error_code"} {
			if _, ok := m[k].(float64); !ok {
				t.Errorf("send reply %s is %T, want a number: %s", k, m[k], body)
			}
		}
	}
	_, body = do(t, s, "POST", PathJSON, "application/json", `{"login":"demo","password":"demo","command":"statuses","status":{"msg":[{"sms_id":"3000000001"},{"sms_id":3000000002},{"sms_id":" 3000000003 "},{"sms_id":"3000000004"},{"sms_id":"x\"y<"},{"sms_id":"3000000005"}]}}`)
	var st map[string]map[string][]map[string]any
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	msgs := st["status"]["msg"]
	want := []map[string]any{
		{"sms_id": "3000000001", "sms_count": "1", "sms_status": "Queued", "operator": "A1", "recipient": "375296717259"},
		{"sms_id": "3000000002", "sms_count": "1", "sms_status": "Queued", "operator": "life:)", "recipient": "375255551234"},
		{"sms_id": "3000000003", "sms_count": "1", "sms_status": "Queued", "operator": "A1", "recipient": "375441234567"},
		{"sms_id": "3000000004", "sms_count": "1", "sms_status": "Queued", "recipient": "48601234567"},
		{"sms_id": `x"y<`, "error_code": -11.0},
		{"sms_id": "3000000005", "error_code": -11.0},
	}
	if len(msgs) != len(want) {
		t.Fatalf("reply %s", body)
	}
	for i := range want {
		if fmt.Sprint(msgs[i]) != fmt.Sprint(want[i]) {
			t.Errorf("status %d: %v, want %v", i, msgs[i], want[i])
		}
	}
	// and wire reads them (all but the echo of a malformed id)
	_, body = do(t, s, "POST", PathJSON, "application/json", `{"login":"demo","password":"demo","command":"statuses","status":{"msg":[{"sms_id":"3000000001"},{"sms_id":"3000000005"}]}}`)
	r, err := wire.ParseJSONReply([]byte(body))
	if err != nil || r.Status.Msg[0].ID != "3000000001" || r.Status.Msg[0].Count != 1 || r.Status.Msg[0].Word() != "Queued" {
		t.Errorf("wire reads %+v, %v", r, err)
	}
}

// One package may both send and ask statuses.
func TestMixedPackages(t *testing.T) {
	s, _ := newSim(Options{})
	_, body := do(t, s, "POST", PathXML, "text/xml", `<package login="demo" password="demo"><message><msg recipient="296717259" sender="CMC">x</msg></message><status><msg sms_id="3000000001"/></status></package>`)
	if !strings.Contains(body, `<message><msg sms_id="3000000001" sms_count="1"></msg></message><status><msg sms_id="3000000001" sms_count="1">Queued</msg></status>`) {
		t.Errorf("xml: %s", body)
	}
	_, body = do(t, s, "POST", PathJSON, "text/json", `{"login":"demo","password":"demo","message":{"msg":[{"recipient":"296717259","sender":"CMC","sms_text":"x"}]},"status":{"msg":[{"sms_id":"3000000002"}]}}`)
	if body != `{"message":{"msg":[{"sms_id":3000000002,"sms_count":1,"error_code":0}]},"status":{"msg":[{"sms_id":"3000000002","sms_count":"1","sms_status":"Queued","operator":"A1","recipient":"375296717259"}]}}` {
		t.Errorf("json: %s", body)
	}
	if st := s.Stats(); st.SendRequests != 2 || st.StatusRequests != 2 {
		t.Errorf("stats %+v", st)
	}
}

// The password never comes back in any reply.
func TestPasswordNeverEchoed(t *testing.T) {
	const secret = "s3cr3t-Пароль"
	s, _ := newSim(Options{Login: "agent", Password: secret, Faults: Faults{Garbage: 0}})
	wrong := secret + "-wrong"
	bodies := []struct{ path, ctype, body string }{
		{PathSendPlain, "application/x-www-form-urlencoded", form("user", "agent", "password", wrong, "recipient", "296717259", "message", "x", "sender", "CMC")},
		{PathCreditsPlain, "application/x-www-form-urlencoded", form("user", "agent", "password", wrong)},
		{PathXML, "text/xml", `<package login="agent" password="` + wrong + `"><message><msg recipient="1">x</msg></message></package>`},
		{PathJSON, "text/json", `{"login":"agent","password":"` + wrong + `","command":"sms_send","message":{"msg":[]}}`},
		{PathJSON, "text/json", `{"login":"agent","password":"` + wrong + `","message":{"msg":[{"validity_period":"` + wrong + `"}]}}`},
		{PathXML, "text/xml", `<package login="agent" password="` + wrong + `"><message>`},
	}
	for _, b := range bodies {
		code, reply := do(t, s, "POST", b.path, b.ctype, b.body)
		if strings.Contains(reply, secret) || (code == 200 && !strings.Contains(reply, "-2")) {
			t.Errorf("%s: HTTP %d %q", b.path, code, reply)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	s, _ := newSim(Options{})
	// a declared length over the limit is refused before reading
	code, body := doLarge(t, s, MaxBody+1, true)
	if code != 413 || !strings.Contains(body, "64 MiB") {
		t.Errorf("declared: HTTP %d %q", code, body)
	}
	// a chunked body is cut at the limit
	code, body = doLarge(t, s, MaxBody+1, false)
	if code != 413 {
		t.Errorf("chunked: HTTP %d %q", code, body)
	}
}
