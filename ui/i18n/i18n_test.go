package i18n

import (
	"reflect"
	"strings"
	"testing"

	"github.com/smsdash/smsdash/sms"
)

// TestComplete: every text is there in both languages, with the same
// format verbs.
func TestComplete(t *testing.T) {
	enV, ruV := reflect.ValueOf(*For(sms.EN)), reflect.ValueOf(*For(sms.RU))
	for i := range enV.NumField() {
		f := enV.Type().Field(i)
		if f.Type.Kind() != reflect.String {
			continue
		}
		e, r := enV.Field(i).String(), ruV.Field(i).String()
		if e == "" || r == "" {
			t.Errorf("%s: missing (en %q, ru %q)", f.Name, e, r)
		}
		if verbs(e) != verbs(r) {
			t.Errorf("%s: format verbs differ: %q, %q", f.Name, e, r)
		}
	}
	for _, m := range []func(*Texts) map[string]string{
		func(t *Texts) map[string]string { return t.buckets },
		func(t *Texts) map[string]string { return t.sources },
		func(t *Texts) map[string]string { return t.sections },
		func(t *Texts) map[string]string { return t.settings },
	} {
		for k := range m(en) {
			if m(ru)[k] == "" || m(en)[k] == "" {
				t.Errorf("%s: missing a language", k)
			}
		}
	}
	if For("de") != For(sms.EN) {
		t.Error("an unknown language falls back to English")
	}
}

func verbs(s string) string {
	var v []string
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '%' {
			j := i + 1
			for j < len(s) && strings.ContainsRune(".0123456789", rune(s[j])) {
				j++
			}
			if j < len(s) {
				v = append(v, s[i:j+1])
			}
			i = j
		}
	}
	return strings.Join(v, " ")
}
