// Package secret hides the account's secrets (password, token, SMPP
// password) in any text that may leave the program: error texts, notes
// written to the history, crash reports, the screen. A broken or hostile
// server may echo a request back in any encoding, so a Masker hides each
// secret in every form a server or library would write it: raw, URL-,
// JSON- and XML/HTML-escaped (and one inside another), and base64, alone
// or inside a longer base64 text (an Authorization header).
package secret

import (
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"html"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
)

// Hidden is what stands for a secret.
const Hidden = "****"

// Masker hides a set of secrets. Set may be called while other goroutines
// mask (an admin saves new credentials). A nil Masker has none to hide.
type Masker struct {
	forms atomic.Pointer[[]string]
}

// New gives a Masker for the secrets; empty ones are ignored.
func New(secrets ...string) *Masker {
	m := &Masker{}
	m.Set(secrets...)
	return m
}

// Set replaces the secrets hidden.
func (m *Masker) Set(secrets ...string) {
	var forms []string
	for _, s := range secrets {
		if s != "" {
			forms = append(forms, Forms(s)...)
		}
	}
	// Longest first, so that a form is not half-hidden by a shorter one
	// that it contains.
	slices.SortFunc(forms, func(a, b string) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return strings.Compare(a, b)
	})
	forms = slices.Compact(forms)
	m.forms.Store(&forms)
}

// Mask hides every form of every secret in s.
func (m *Masker) Mask(s string) string {
	if m == nil {
		return s
	}
	p := m.forms.Load()
	if p == nil {
		return s
	}
	for _, f := range *p {
		if strings.Contains(s, f) {
			s = strings.ReplaceAll(s, f, Hidden)
		}
	}
	return s
}

// Err wraps err so that its text is masked; errors.Is and errors.As still
// see err (whose own fields hold what its source masked).
func (m *Masker) Err(err error) error {
	if err == nil {
		return nil
	}
	if _, done := err.(masked); done {
		return err
	}
	return masked{err: err, text: m.Mask(err.Error())}
}

type masked struct {
	err  error
	text string
}

func (e masked) Error() string { return e.text }
func (e masked) Unwrap() error { return e.err }

// Forms lists the ways s may be written out: the escapes of URLs, JSON
// and XML/HTML, each also inside another (a form body echoed in a JSON
// error), and each of those in base64.
func Forms(s string) []string {
	one := escapes(s)
	forms := slices.Clone(one)
	for _, f := range one {
		forms = append(forms, escapes(f)...)
		forms = append(forms, base64Forms(f)...) // a request body, echoed in base64
	}
	slices.Sort(forms)
	return slices.Compact(forms)
}

// escapes gives s raw and as each escaping writes it.
func escapes(s string) []string {
	out := []string{s, url.QueryEscape(s), url.PathEscape(s)}
	for _, u := range out[1:] {
		out = append(out, lowerHex(u))
	}
	out = append(out, jsonForms(s)...)
	out = append(out, xmlForms(s)...)
	return out
}

// lowerHex writes percent-escapes in lower case, as some servers do.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lower(b[i+1]), lower(b[i+2])
		}
	}
	return string(b)
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// jsonForms: Go escapes <, > and & as \u003c…; PHP escapes / as \/ and,
// like Python, everything beyond ASCII as \uXXXX; \b and \f are written
// short by most, as \u0008 and \u000c by older ones.
func jsonForms(s string) []string {
	var out []string
	for v := range 16 {
		out = append(out, jsonString(s, v&1 != 0, v&2 != 0, v&4 != 0, v&8 != 0))
	}
	return out
}

func jsonString(s string, html, slash, ascii, longCtl bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b' && !longCtl:
			b.WriteString(`\b`)
		case r == '\f' && !longCtl:
			b.WriteString(`\f`)
		case r == '/' && slash:
			b.WriteString(`\/`)
		case r < 0x20, html && (r == '<' || r == '>' || r == '&'), r == 0x2028, r == 0x2029, ascii && r > 0x7e:
			writeU(&b, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func writeU(b *strings.Builder, r rune) {
	if r > 0xffff {
		r -= 0x10000
		fmt.Fprintf(b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		return
	}
	fmt.Fprintf(b, `\u%04x`, r)
}

// xmlForms: named entities, Go's html and xml packages (&#34; &#39;), and
// numeric references for every special character.
func xmlForms(s string) []string {
	named := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")
	return []string{named.Replace(s), html.EscapeString(s), xmlText(s), numeric(s, false), numeric(s, true)}
}

func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // writes to a Builder: no error
	return b.String()
}

func numeric(s string, hex bool) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`&<>"'`, r) {
			if hex {
				fmt.Fprintf(&b, "&#x%x;", r)
			} else {
				fmt.Fprintf(&b, "&#%d;", r)
			}
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// minCore: a part of a longer base64 text shorter than this is not hidden
// (it would hide ordinary words); 6 characters carry 36 bits of a secret.
const minCore = 6

// base64Forms gives s in base64, and the characters that s alone decides
// when it sits at any of the three offsets inside a longer base64 text
// ("Basic " + base64(login:password)).
func base64Forms(s string) []string {
	var out []string
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		out = append(out, enc.EncodeToString([]byte(s)), enc.WithPadding(base64.NoPadding).EncodeToString([]byte(s)))
		for off := range 3 {
			full := enc.EncodeToString(append(make([]byte, off), s...))
			// Characters wholly inside s: from the one after the first
			// byte boundary s shares, to the last one before its end.
			first := (off*8 + 5) / 6
			last := (off + len(s)) * 8 / 6
			if last-first >= minCore && last <= len(full) {
				out = append(out, full[first:last])
			}
		}
	}
	return out
}
