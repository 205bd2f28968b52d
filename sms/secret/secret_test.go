package secret

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"html"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// encoders write a whole text as servers and libraries do; decoders read
// it back. Each is per character, so the secret inside the text is
// written as the secret alone would be.
var encoders = []struct {
	name   string
	encode func(string) string
	decode func(string) (string, error)
}{
	{"raw", func(s string) string { return s }, func(s string) (string, error) { return s, nil }},
	{"query", url.QueryEscape, url.QueryUnescape},
	{"path", url.PathEscape, url.PathUnescape},
	{"query lower hex", func(s string) string { return lowerHex(url.QueryEscape(s)) }, url.QueryUnescape},
	{"json go", func(s string) string { b, _ := json.Marshal(s); return string(b) }, unjson},
	{"json plain", func(s string) string {
		var b bytes.Buffer
		e := json.NewEncoder(&b)
		e.SetEscapeHTML(false)
		e.Encode(s)
		return strings.TrimSpace(b.String())
	}, unjson},
	{"json php", func(s string) string { return `"` + jsonString(s, false, true, true, false) + `"` }, unjson},
	{"html", html.EscapeString, func(s string) (string, error) { return html.UnescapeString(s), nil }},
	{"xml", func(s string) string { var b strings.Builder; xml.EscapeText(&b, []byte(s)); return b.String() }, unxml},
	{"xml named", func(s string) string {
		return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
	}, unxml},
	{"form in json", func(s string) string { b, _ := json.Marshal(url.QueryEscape(s)); return string(b) },
		func(s string) (string, error) {
			u, err := unjson(s)
			if err != nil {
				return "", err
			}
			return url.QueryUnescape(u)
		}},
	{"json in xml", func(s string) string {
		b, _ := json.Marshal(s)
		var x strings.Builder
		xml.EscapeText(&x, b)
		return x.String()
	}, func(s string) (string, error) {
		x, err := unxml(s)
		if err != nil {
			return "", err
		}
		return unjson(x)
	}},
}

func unjson(s string) (string, error) {
	var out string
	err := json.Unmarshal([]byte(s), &out)
	return out, err
}

func unxml(s string) (string, error) {
	var out struct {
		V string `xml:",chardata"`
	}
	err := xml.Unmarshal([]byte("<v>"+s+"</v>"), &out)
	return out.V, err
}

func TestMaskEncodings(t *testing.T) {
	secrets := []string{`p&ss"w<rd>/'1`, "пароль Ё+%20", "simple123", "🔑 key\\x"}
	m := New(secrets...)
	for _, s := range secrets {
		for _, enc := range encoders {
			text := enc.encode("reply: user=me&password=" + s + "&x=1 end")
			got := m.Mask(text)
			back, err := enc.decode(got)
			if err != nil {
				t.Fatalf("%s: masked text does not decode: %v\n%s", enc.name, err, got)
			}
			if strings.Contains(back, s) || !strings.Contains(got, Hidden) {
				t.Errorf("%s: secret %q survives in %q", enc.name, s, got)
			}
		}
	}
}

func TestMaskBase64(t *testing.T) {
	m := New("S3cr3t&pass")
	for _, pre := range []string{"", "a", "ab", "user:", "логин:"} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding} {
			text := "Authorization: Basic " + enc.EncodeToString([]byte(pre+"S3cr3t&pass"))
			if got := m.Mask(text); !hidden(got, "S3cr3t&pass") {
				t.Errorf("prefix %q: the secret survives in %q", pre, got)
			}
		}
	}
}

// hidden reports whether no base64 text in s still carries the secret.
// Each masked stretch is read as all-zero and as all-one bits, keeping the
// alignment: a secret found both ways came from what was not masked.
func hidden(s, secret string) bool {
	return !carries(strings.ReplaceAll(s, Hidden, "AAAA"), secret) || !carries(strings.ReplaceAll(s, Hidden, "____"), secret)
}

func carries(s, secret string) bool {
	for _, field := range strings.Fields(s) {
		field = strings.TrimRight(field, "=")
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			f := field
			if enc == base64.RawStdEncoding {
				f = strings.ReplaceAll(f, "_", "/")
			}
			b, err := enc.DecodeString(f)
			if err == nil && bytes.Contains(b, []byte(secret)) {
				return true
			}
		}
	}
	return false
}

func TestMaskErr(t *testing.T) {
	inner := errors.New("server said password=hunter22")
	err := New("hunter22").Err(inner)
	if strings.Contains(err.Error(), "hunter22") || !errors.Is(err, inner) {
		t.Errorf("Err: %q, Is %v", err, errors.Is(err, inner))
	}
	if New("x").Err(nil) != nil {
		t.Error("Err(nil) is not nil")
	}
}

func TestMaskSetAndEmpty(t *testing.T) {
	m := New("", "")
	if got := m.Mask("nothing to hide"); got != "nothing to hide" {
		t.Errorf("empty secrets changed the text: %q", got)
	}
	m.Set("old-secret")
	m.Set("new-secret")
	if got := m.Mask("old-secret new-secret"); got != "old-secret "+Hidden {
		t.Errorf("after Set: %q", got)
	}
}

func FuzzMask(f *testing.F) {
	f.Add("p&ss\"word", "user=me&password=", "&x=1", uint8(0))
	f.Add("пароль🔑", "{\"p\":\"", "\"}", uint8(4))
	f.Add("abcdefgh", "Basic dXNlcjo", "", uint8(200))
	f.Fuzz(func(t *testing.T, secret, pre, post string, which uint8) {
		if utf8.RuneCountInString(secret) < 5 || !utf8.ValidString(secret) || !utf8.ValidString(pre) || !utf8.ValidString(post) {
			return
		}
		m := New(secret)
		if int(which) >= len(encoders) {
			// base64 of the whole text (raw or as a JSON body), at
			// whatever offset pre gives
			form := secret
			if which%2 == 1 {
				b, _ := json.Marshal(secret)
				form = string(b[1 : len(b)-1])
			}
			text := base64.StdEncoding.EncodeToString([]byte(pre + form + post))
			if got := m.Mask(text); !hidden(got, form) {
				t.Fatalf("base64: secret %q survives in %q", secret, got)
			}
			return
		}
		enc := encoders[which]
		got := m.Mask(enc.encode(pre + secret + post))
		back, err := enc.decode(got)
		if err != nil {
			return // a masked escape cut in two: nothing readable is left of it
		}
		if strings.Contains(back, secret) {
			t.Fatalf("%s: secret %q survives in %q", enc.name, secret, got)
		}
	})
}
