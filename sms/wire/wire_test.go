package wire

import (
	"encoding/json"
	"strings"
	"testing"
)

// The gateway documentation's sample replies (sections 3.1.1-3.2, 4.1.1-4.2)
// are golden inputs.
const (
	docXMLSendReply = `<?xml version="1.0" encoding="utf-8" ?>
<package>
  <message>
    <msg sms_id="0" sms_count="1">-5</msg>
    <msg sms_id="1234568" sms_count="1"/>
  </message>
</package>`
	docXMLError        = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>  \n<package>  \n  <error>-2</error>  \n</package>"
	docXMLStatusReply  = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>  \n<package>  \n  <status>  \n    <msg sms_id=\"1234568\" sms_count=\"1\">Delivered</msg>  \n  </status>  \n</package>"
	docJSONSendReply   = `{"message": {"msg":[ {"sms_id":12345678,"sms_count":1,"error_code":0}, {"sms_id":0,"sms_count":1,"error_code":-5} ]} }`
	docJSONStatusReply = `{"status": {"msg": [ {"sms_id":12345678,"sms_count":1,"sms_status":"Delivered"} ] } }`
)

func TestDocumentedXMLReplies(t *testing.T) {
	p, err := ParseXML([]byte(docXMLSendReply))
	if err != nil {
		t.Fatal(err)
	}
	m := p.Message.Msg
	if len(m) != 2 || m[0].ID != "0" || strings.TrimSpace(m[0].Text) != "-5" || m[1].ID != "1234568" || m[1].Count != "1" {
		t.Errorf("send reply: %+v", m)
	}
	p, err = ParseXML([]byte(docXMLError))
	if err != nil || p.Error == nil || strings.TrimSpace(p.Error.Code) != "-2" {
		t.Errorf("error reply: %+v, %v", p, err)
	}
	p, err = ParseXML([]byte(docXMLStatusReply))
	if err != nil || len(p.Status.Msg) != 1 || p.Status.Msg[0].Text != "Delivered" || p.Status.Msg[0].ID != "1234568" {
		t.Errorf("status reply: %+v, %v", p, err)
	}
}

func TestDocumentedJSONReplies(t *testing.T) {
	r, err := ParseJSONReply([]byte(docJSONSendReply))
	if err != nil {
		t.Fatal(err)
	}
	m := r.Message.Msg
	if len(m) != 2 || m[0].ID != 12345678 || m[0].Count != 1 || m[0].ErrorCode != 0 || m[1].ErrorCode != -5 {
		t.Errorf("send reply: %+v", m)
	}
	r, err = ParseJSONReply([]byte(docJSONStatusReply))
	if err != nil || r.Status.Msg[0].Word() != "Delivered" || r.Status.Msg[0].ID != "12345678" {
		t.Errorf("status reply: %+v, %v", r, err)
	}
	r, err = ParseJSONReply([]byte(`{"error": -2}`))
	if err != nil || r.Error == nil || *r.Error != -2 {
		t.Errorf("error reply: %+v, %v", r, err)
	}
}

// Real status replies carry numbers as strings and extra fields.
func TestJSONLenient(t *testing.T) {
	r, err := ParseJSONReply([]byte(`{"status":{"msg":[{"sms_id":"3000000001","sms_count":"2","status":"Sent","operator":"MTS","recipient":375296717259}]},"extra":[1,2]}`))
	if err != nil {
		t.Fatal(err)
	}
	s := r.Status.Msg[0]
	if s.ID != "3000000001" || s.Count != 2 || s.Word() != "Sent" {
		t.Errorf("lenient status: %+v", s)
	}
	r, err = ParseJSONReply([]byte(`{"error":"-10"}`))
	if err != nil || *r.Error != -10 {
		t.Errorf("string error code: %v", err)
	}
	var req JSONRequest
	if err := json.Unmarshal([]byte(`{"login":"l","message":{"msg":[{"recipient":375296717259,"validity_period":"24"},{"recipient":"+375296717259","validity_period":""}]}}`), &req); err != nil {
		t.Fatal(err)
	}
	if req.Message.Msg[0].Recipient != "375296717259" || req.Message.Msg[0].ValidityPeriod != 24 || req.Message.Msg[1].Recipient != "+375296717259" {
		t.Errorf("lenient request: %+v", req.Message.Msg)
	}
	for _, bad := range []string{``, `[]`, `{}`, `{"message":`, `<package/>`, `{"error":"x"}`, `{"message":{"msg":[{"sms_id":1.5}]}}`} {
		if _, err := ParseJSONReply([]byte(bad)); err == nil {
			t.Errorf("ParseJSONReply(%q) accepted", bad)
		}
	}
}

func TestXMLEscaping(t *testing.T) {
	text := `Цена < 5 & "скидка" 'тут' > 3` + "\nвторая строка"
	p := &XMLPackage{Login: `a"b`, Password: `p&<'`, Message: &XMLMsgs{Msg: []XMLMsg{{Recipient: "375296717259", Text: text}}}}
	b, err := EncodeXML(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), `<?xml version="1.0" encoding="utf-8" ?>`) || !strings.Contains(string(b), "Цена &lt; 5 &amp;") {
		t.Errorf("encoded: %s", b)
	}
	back, err := ParseXML(b)
	if err != nil {
		t.Fatal(err)
	}
	if back.Message.Msg[0].Text != text || back.Login != `a"b` || back.Password != `p&<'` {
		t.Errorf("round trip: %+v", back)
	}
	for _, bad := range []string{``, `<html><body>502</body></html>`, `<package><message>`, `garbage`} {
		if _, err := ParseXML([]byte(bad)); err == nil {
			t.Errorf("ParseXML(%q) accepted", bad)
		}
	}
}

func TestPlain(t *testing.T) {
	sends := []struct {
		in   string
		id   int64
		code int
		ok   bool
	}{
		{"1234568", 1234568, 0, true},
		{" 4294967297\r\n", 4294967297, 0, true},
		{"\xef\xbb\xbf-2", 0, -2, true},
		{"-15\n", 0, -15, true},
		{"0", 0, 0, false},
		{"", 0, 0, false},
		{"OK", 0, 0, false},
		{"<html>", 0, 0, false},
		{"-99999", 0, 0, false},
	}
	for _, tt := range sends {
		id, code, err := ParsePlainSend([]byte(tt.in))
		if (err == nil) != tt.ok || id != tt.id || code != tt.code {
			t.Errorf("ParsePlainSend(%q) = %d, %d, %v", tt.in, id, code, err)
		}
	}
	statuses := []struct {
		in, word string
		code     int
		ok       bool
	}{
		{"Delivered", "Delivered", 0, true},
		{" Queued\n", "Queued", 0, true},
		{"-11", "", -11, true},
		{"", "", 0, false},
		{"<html><body>", "", 0, false},
		{"5", "", 0, false},
	}
	for _, tt := range statuses {
		word, code, err := ParsePlainStatus([]byte(tt.in))
		if (err == nil) != tt.ok || word != tt.word || code != tt.code {
			t.Errorf("ParsePlainStatus(%q) = %q, %d, %v", tt.in, word, code, err)
		}
	}
	credits := []struct {
		in   string
		v    float64
		code int
		ok   bool
	}{
		{"12.50", 12.5, 0, true},
		{" 12,5 \n", 12.5, 0, true},
		{"0", 0, 0, true},
		{"-2", 0, -2, true},
		{"-2.50", -2.5, 0, true},
		{"abc", 0, 0, false},
		{"NaN", 0, 0, false},
		{"Inf", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range credits {
		v, code, err := ParseCredits([]byte(tt.in))
		if (err == nil) != tt.ok || v != tt.v || code != tt.code {
			t.Errorf("ParseCredits(%q) = %v, %d, %v", tt.in, v, code, err)
		}
	}
}

func FuzzParsePlain(f *testing.F) {
	for _, s := range []string{"1234568", "-2", "Delivered", "12.50", "12,5", " \n", "\xef\xbb\xbf-1"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if id, code, err := ParsePlainSend(b); err == nil && (id > 0) == (code < 0) {
			t.Fatalf("send %q: id %d and code %d", b, id, code)
		}
		if word, code, err := ParsePlainStatus(b); err == nil && (word != "") == (code < 0) {
			t.Fatalf("status %q: word %q and code %d", b, word, code)
		}
		if v, code, err := ParseCredits(b); err == nil && v != 0 && code != 0 {
			t.Fatalf("credits %q: %v and code %d", b, v, code)
		}
	})
}

func FuzzParseJSONReply(f *testing.F) {
	for _, s := range []string{docJSONSendReply, docJSONStatusReply, `{"error":-2}`, `{"status":{"msg":[{"sms_id":"1","sms_count":"1"}]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseJSONReply(b)
		if err != nil {
			return
		}
		again, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if _, err := ParseJSONReply(again); err != nil {
			t.Fatalf("re-encoded %s does not parse: %v", again, err)
		}
	})
}

func FuzzParseXML(f *testing.F) {
	for _, s := range []string{docXMLSendReply, docXMLError, docXMLStatusReply} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseXML(b)
		if err != nil {
			return
		}
		enc, err := EncodeXML(p)
		if err != nil {
			return // e.g. names that cannot be written back
		}
		if _, err := ParseXML(enc); err != nil {
			t.Fatalf("re-encoded %s does not parse: %v", enc, err)
		}
	})
}
