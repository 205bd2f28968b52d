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
		if !f.IsExported() {
			continue
		}
		if pe, ok := enV.Field(i).Interface().(sms.Plural); ok {
			pluralComplete(t, f.Name, pe, ruV.Field(i).Interface().(sms.Plural))
			continue
		}
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

// pluralComplete: a counted text has every form its language uses, each
// with the verbs of the English other.
func pluralComplete(t *testing.T, name string, en, ru sms.Plural) {
	t.Helper()
	if en.Lang != sms.EN || ru.Lang != sms.RU {
		t.Errorf("%s: languages %q, %q", name, en.Lang, ru.Lang)
	}
	want := verbs(en.Other)
	if !counted(en.Other) {
		t.Errorf("%s: no count in %q", name, en.Other)
	}
	for _, f := range []string{en.One, en.Other, ru.One, ru.Few, ru.Many, ru.Other} {
		if f == "" {
			t.Errorf("%s: a form is missing (en %+v, ru %+v)", name, en, ru)
		} else if verbs(f) != want {
			t.Errorf("%s: format verbs differ: %q, %q", name, f, en.Other)
		}
	}
}

// TestNoDodges: a text that gives a count does not dodge its plural with
// "(s)" or an abbreviated «сообщ.»: it is an sms.Plural instead.
func TestNoDodges(t *testing.T) {
	for _, l := range []sms.Lang{sms.EN, sms.RU} {
		v := reflect.ValueOf(*For(l))
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			var forms []string
			switch x := v.Field(i); x.Kind() {
			case reflect.String:
				forms = []string{x.String()}
			case reflect.Struct:
				p := x.Interface().(sms.Plural)
				forms = []string{p.One, p.Few, p.Many, p.Other}
			}
			for _, s := range forms {
				if counted(s) && (strings.Contains(s, "(s)") || strings.Contains(s, "сообщ.") || strings.Contains(s, "сообщ ")) {
					t.Errorf("%s (%s): %q dodges a plural", v.Type().Field(i).Name, l, s)
				}
			}
		}
	}
}

// counted: s formats a whole number.
func counted(s string) bool {
	for _, v := range strings.Fields(verbs(s)) {
		if strings.HasSuffix(v, "d") {
			return true
		}
	}
	return false
}

func verbs(s string) string {
	var v []string
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '%' {
			j := i + 1
			for j < len(s) && strings.ContainsRune(".0123456789[]", rune(s[j])) {
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

// TestCounts: the counts in the texts themselves, both languages.
func TestCounts(t *testing.T) {
	ru, en := For(sms.RU), For(sms.EN)
	for _, c := range []struct {
		n               int
		ruMsgs, ruParts string
		enMsgs          string
	}{
		{0, "0 сообщений", "0 частей", "0 messages"},
		{1, "1 сообщение", "1 часть", "1 message"},
		{2, "2 сообщения", "2 части", "2 messages"},
		{5, "5 сообщений", "5 частей", "5 messages"},
		{11, "11 сообщений", "11 частей", "11 messages"},
		{21, "21 сообщение", "21 часть", "21 messages"},
		{22, "22 сообщения", "22 части", "22 messages"},
		{25, "25 сообщений", "25 частей", "25 messages"},
		{101, "101 сообщение", "101 часть", "101 messages"},
		{111, "111 сообщений", "111 частей", "111 messages"},
	} {
		if got := ru.Messages.N(c.n); got != c.ruMsgs {
			t.Errorf("ru %d: %q, want %q", c.n, got, c.ruMsgs)
		}
		if got := ru.Parts.N(c.n); got != c.ruParts {
			t.Errorf("ru %d: %q, want %q", c.n, got, c.ruParts)
		}
		if got := en.Messages.N(c.n); got != c.enMsgs {
			t.Errorf("en %d: %q, want %q", c.n, got, c.enMsgs)
		}
	}
	if got, want := ru.BatchConfirmFirst.N(21, 3), "Отправить первые 3 из 21 сообщения?"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	if got, want := en.Problems.N(1, "api.timeout"), "Not saved: 1 key needs fixing: api.timeout"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}
