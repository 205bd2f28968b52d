package batch

import (
	"strings"
	"testing"
)

var cols = []string{"Телефон", "Имя", "Сумма", "Дата оплаты"}

func TestTemplate(t *testing.T) {
	cells := []string{"296717259", " Иван ", "12,50", "25.12"}
	for _, c := range []struct{ tmpl, want string }{
		{"Здравствуйте, {Имя}! К оплате {Сумма} руб. до {Дата оплаты}.", "Здравствуйте, Иван! К оплате 12,50 руб. до 25.12."},
		{"{имя}, {  СУММА }", "Иван, 12,50"},
		{"{B} {C} {2}", "Иван 12,50 Иван"},
		{"Без подстановок", "Без подстановок"},
		{"{{Имя}} = {Имя}", "{Имя} = Иван"},
		{"a}}b}c{{", "a}b}c{"},
		{"", ""},
		{"{Имя}{Имя}", "ИванИван"},
	} {
		tpl, err := ParseTemplate(c.tmpl, cols)
		if err != nil {
			t.Errorf("%q: %v", c.tmpl, err)
			continue
		}
		if got := tpl.Fill(cells); got != c.want {
			t.Errorf("%q: %q, want %q", c.tmpl, got, c.want)
		}
		if tpl.String() != c.tmpl {
			t.Errorf("String %q", tpl.String())
		}
	}
	tpl, _ := ParseTemplate("{Сумма} {Имя} {Сумма}", cols)
	if got := tpl.Columns(); len(got) != 2 || got[0] != 2 || got[1] != 1 || tpl.Static() {
		t.Errorf("columns %v", got)
	}
	if got := tpl.Fill([]string{"1"}); got != "  " {
		t.Errorf("short row: %q", got)
	}
}

func TestTemplateErrors(t *testing.T) {
	for _, c := range []struct{ tmpl, en, ru string }{
		{"Привет, {Фамилия} {Отчество}! {Имя}", `unknown placeholders {Фамилия}, {Отчество} in the template; the columns are "Телефон" (A), "Имя" (B), "Сумма" (C), "Дата оплаты" (D)`, "неизвестная подстановки"},
		{"Привет, {Фамилия}", "unknown placeholder {Фамилия}", "неизвестная подстановка {Фамилия}"},
		{"Привет, {Имя", "a { at character 9 that is not closed", "не закрыта"},
		{"Привет, {Имя {Сумма}", "a { at character 9 that is not closed", "позиции 9"},
		{"Привет, {}", "empty placeholder", "пустая подстановка"},
		{"Привет, { }", "empty placeholder", "пустая подстановка"},
		{"{E}", "unknown placeholder {E}", ""},
		{"{5}", "unknown placeholder {5}", ""},
	} {
		_, err := ParseTemplate(c.tmpl, cols)
		if err == nil {
			t.Errorf("%q: no error", c.tmpl)
			continue
		}
		se := asSMSError(err)
		if !strings.Contains(se.EN, c.en) || !strings.Contains(se.RU, c.ru) {
			t.Errorf("%q:\n%s\n%s", c.tmpl, se.EN, se.RU)
		}
	}
}

func TestEscape(t *testing.T) {
	for _, s := range []string{"{Имя}", "}}{{", "a{b}c", "обычный текст", "{", "}"} {
		tpl, err := ParseTemplate(Escape(s), cols)
		if err != nil || tpl.Fill(nil) != s || !tpl.Static() {
			t.Errorf("%q: %v", s, err)
		}
	}
}

// Escape is only for tests: what a template gives back as it is.

// Escape writes text so that a template gives it back as it is: every
// brace doubled.
func Escape(text string) string {
	return strings.NewReplacer("{", "{{", "}", "}}").Replace(text)
}
