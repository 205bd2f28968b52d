package batch

import (
	"strings"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
)

func checkCSV(t *testing.T, csv string, p Plan) *Report {
	t.Helper()
	tb, err := Parse([]byte(csv), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Sender == "" {
		p.Sender = "CMC"
	}
	r, err := Check(tb, p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCheck(t *testing.T) {
	csv := `Телефон;Имя;Сумма
8(029)671-72-59;Иван;12,50
+375 29 671-72-59;Иван;12,50
80296717259;Иван;99
12-34;Ольга;1
;Пётр;2
8017 123-45-67;Анна;3
(33)123-45-67;;5
375441234567;Длинный;` + strings.Repeat("я", 80) + `
`
	tb, _ := Parse([]byte(csv), ReadOptions{})
	tpl, err := ParseTemplate("{Имя}, к оплате {Сумма} руб.", tb.Columns)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Check(tb, Plan{PhoneCol: 0, TextCol: -1, Template: tpl, Sender: "CMC", Price: 0.5, Balance: 3, BalanceKnown: true, Preview: 2})
	if err != nil {
		t.Fatal(err)
	}
	if r.Rows != 8 || len(r.Messages) != 4 || r.Duplicates != 1 || r.SharedNumbers != 1 || len(r.Invalid) != 3 {
		t.Fatalf("rows %d messages %d duplicates %d shared %d invalid %d", r.Rows, len(r.Messages), r.Duplicates, r.SharedNumbers, len(r.Invalid))
	}
	m := r.Messages[0]
	if m.To != "375296717259" || m.Text != "Иван, к оплате 12,50 руб." || m.Line != 2 || m.Merged != 1 || m.Parts != 1 || r.Sender != "CMC" {
		t.Errorf("first message %+v", m)
	}
	if d := r.DuplicateLines; len(d) != 1 || d[0] != (Duplicate{Line: 3, Of: 2, To: "375296717259"}) {
		t.Errorf("duplicate lines %+v", d)
	}
	if r.Messages[1].Text != "Иван, к оплате 99 руб." {
		t.Errorf("same number, another text: %+v", r.Messages[1])
	}
	wantInvalid := []struct {
		line      int
		en, ru    string
		valueSeen string
	}{
		{5, `phone "12-34"`, `номер "12-34"`, "12-34"},
		{6, `no phone number in column "Телефон"`, "нет номера телефона", ""},
		{7, "landline", "стационарный", "8017 123-45-67"},
	}
	for i, w := range wantInvalid {
		p := r.Invalid[i]
		if p.Line != w.line || !strings.Contains(p.Err.EN, w.en) || !strings.Contains(p.Err.RU, w.ru) || p.Value != w.valueSeen || p.Column != "Телефон" {
			t.Errorf("invalid %d: %+v %q", i, p, p.Text(sms.RU))
		}
	}
	if !strings.HasPrefix(r.Invalid[0].Text(sms.EN), "line 5: phone") || !strings.HasPrefix(r.Invalid[0].Text(sms.RU), "строка 5: номер") {
		t.Errorf("%q %q", r.Invalid[0].Text(sms.EN), r.Invalid[0].Text(sms.RU))
	}
	if len(r.Warnings) != 1 || r.Warnings[0].Line != 8 || !strings.Contains(r.Warnings[0].Err.EN, `column "Имя" is empty`) {
		t.Errorf("warnings %+v", r.Warnings)
	}
	// 1 + 1 + 1 + 2 parts (the long Cyrillic text is UCS-2, over 70)
	if r.Parts != 5 || r.MaxParts != 2 || r.UCS2 != 4 || r.Cost != 2.5 || !r.Enough || r.Price != 0.5 {
		t.Errorf("parts %d max %d ucs2 %d cost %v enough %v", r.Parts, r.MaxParts, r.UCS2, r.Cost, r.Enough)
	}
	if len(r.Preview) != 2 || r.Preview[1].Text != r.Messages[1].Text {
		t.Errorf("preview %+v", r.Preview)
	}
	if sm := r.SMS(); len(sm) != 4 || sm[3].To != "375441234567" || sm[3].Sender != "CMC" || sm[3].Text != r.Messages[3].Text {
		t.Errorf("SMS %+v", sm)
	}
	if s := r.Summary(sms.EN); !strings.Contains(s, "8 rows: 4 messages to send (5 parts, cost 2.50), 3 invalid, 1 duplicates merged") {
		t.Error(s)
	}
	// Not enough: cost 5 at 1 a part.
	r, _ = Check(tb, Plan{PhoneCol: 0, TextCol: -1, Template: tpl, Sender: "CMC", Balance: 3, BalanceKnown: true})
	if r.Cost != 5 || r.Enough {
		t.Errorf("cost %v enough %v", r.Cost, r.Enough)
	}
}

func TestCheckTextColumn(t *testing.T) {
	r := checkCSV(t, "Телефон;Текст\n296717259;  Привет  \n296717258;\n296717257;Hello\n", Plan{PhoneCol: 0, TextCol: 1})
	if len(r.Messages) != 2 || r.Messages[0].Text != "Привет" || r.UCS2 != 1 || len(r.Invalid) != 1 ||
		!strings.Contains(r.Invalid[0].Err.EN, `no text in column "Текст"`) || r.Invalid[0].Line != 3 {
		t.Fatalf("%+v %+v", r.Messages, r.Invalid)
	}
	if r.BalanceKnown || r.Enough {
		t.Error("balance unknown: not enough")
	}
}

func TestCheckExcelArtefacts(t *testing.T) {
	r := checkCSV(t, "Телефон;Текст\n375291234567.0;a\n3.75291234568E+11;b\n3,75291E+11;c\n375291234569,0;d\n", Plan{PhoneCol: 0, TextCol: 1})
	if len(r.Messages) != 3 || r.Messages[1].To != "375291234568" || r.Messages[2].To != "375291234569" {
		t.Fatalf("%+v", r.Messages)
	}
	if len(r.Invalid) != 1 || !strings.Contains(r.Invalid[0].Err.EN, "scientific notation and lost its last digits") {
		t.Fatalf("%+v", r.Invalid)
	}
}

func TestCheckPlanErrors(t *testing.T) {
	tb, _ := Parse([]byte("Телефон;Имя\n296717259;Иван\n"), ReadOptions{})
	tpl, _ := ParseTemplate("Привет", tb.Columns)
	other, _ := ParseTemplate("{C}", []string{"A", "B", "C"})
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, sms.Minsk)
	for _, c := range []struct {
		p    Plan
		want string
	}{
		{Plan{PhoneCol: 5, TextCol: -1, Template: tpl, Sender: "CMC"}, "choose the column of phone numbers"},
		{Plan{PhoneCol: 0, TextCol: 1, Template: tpl, Sender: "CMC"}, "not both"},
		{Plan{PhoneCol: 0, TextCol: -1, Sender: "CMC"}, "give a text template"},
		{Plan{PhoneCol: 0, TextCol: -1, Template: other, Sender: "CMC"}, "made for another list"},
		{Plan{PhoneCol: 0, TextCol: -1, Template: tpl, Sender: "СМС"}, "Cyrillic"},
		{Plan{PhoneCol: 0, TextCol: -1, Template: tpl, Sender: "CMC", At: now.Add(5 * time.Minute), Now: now}, "less than 10 minutes"},
		{Plan{PhoneCol: 0, TextCol: -1, Template: tpl, Sender: "CMC", Validity: -time.Hour}, "validity"},
		{Plan{PhoneCol: 0, TextCol: -1, Template: tpl, Sender: "", Price: -1}, "sender is empty; the price"},
	} {
		if _, err := Check(tb, c.p); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.p, err, c.want)
		}
	}
	at := now.Add(time.Hour)
	r, err := Check(tb, Plan{PhoneCol: 0, TextCol: -1, Template: tpl, Sender: "CMC", At: at, Validity: 2 * time.Hour, Now: now})
	if err != nil || !r.At.Equal(at) || r.Validity != 2*time.Hour {
		t.Fatalf("%v %+v", err, r)
	}
	if m := r.SMS()[0]; !m.At.Equal(at) || m.Validity != 2*time.Hour || m.Sender != "CMC" {
		t.Fatalf("%+v", m)
	}
}

// Same number and same text merge whatever form the number was typed in;
// a number merged several times is counted once in SharedNumbers.
func TestCheckDuplicates(t *testing.T) {
	var b strings.Builder
	b.WriteString("Телефон;Текст\n")
	forms := []string{"8(029)671-72-59", "+375 29 671-72-59", "80296717259", "296717259", "(29)671-72-59", "375296717259"}
	for _, f := range forms {
		b.WriteString(f + ";A\n")
	}
	b.WriteString("296717259;B\n296717259;C\n296717259;B\n")
	r := checkCSV(t, b.String(), Plan{PhoneCol: 0, TextCol: 1})
	if len(r.Messages) != 3 || r.Duplicates != 6 || r.SharedNumbers != 1 || r.Messages[0].Merged != 5 || r.Messages[1].Merged != 1 {
		t.Fatalf("messages %+v duplicates %d shared %d", r.Messages, r.Duplicates, r.SharedNumbers)
	}
}

// A control character in a row's text refuses the row, naming the cell
// it came from; CRLF line ends (encoding/csv strips the CR) pass. The
// quoted line breaks put the later rows a line further.
func TestCheckControlCharacters(t *testing.T) {
	csv := "Телефон;Имя;Текст\r\n" +
		"296717259;Иван;Привет\r\n" +
		"296717258;Ольга;\"При\x1b[2Jвет\"\r\n" +
		"296717257;Пётр;\"Добрый\r\nдень\"\r\n" +
		"296717256;Анна;\"a\rb\"\r\n" +
		"296717255;Алесь\x07;\"строка\nдве\x7f\"\r\n" +
		"296717254;\u009b31m;C1\r\n"
	r := checkCSV(t, csv, Plan{PhoneCol: 0, TextCol: 2})
	if len(r.Messages) != 3 || r.Messages[1].Text != "Добрый\nдень" || r.Messages[2].Text != "C1" {
		t.Fatalf("messages %+v", r.Messages)
	}
	want := []Problem{
		{Line: 3, Column: "Текст", Value: "При\x1b[2Jвет", Err: &sms.Error{
			EN: `column "Текст": the text has a control character U+001B (ESC) at line:column 1:4 (only line breaks and tabs are allowed)`,
			RU: `столбец "Текст": в тексте управляющий символ U+001B (ESC) в строке:столбце 1:4 (допустимы только переводы строк и табуляция)`}},
		{Line: 6, Column: "Текст", Value: "a\rb", Err: &sms.Error{EN: `column "Текст": the text has a control character U+000D (CR) at line:column 1:2`}},
		{Line: 7, Column: "Текст", Value: "строка\nдве\x7f", Err: &sms.Error{EN: `column "Текст": the text has a control character U+007F (DEL) at line:column 2:4`}},
	}
	if len(r.Invalid) != len(want) {
		t.Fatalf("invalid %+v", r.Invalid)
	}
	for i, w := range want {
		p := r.Invalid[i]
		if p.Line != w.Line || p.Column != w.Column || p.Value != w.Value || !strings.HasPrefix(p.Err.EN, w.Err.EN) || !strings.HasPrefix(p.Err.RU, w.Err.RU) {
			t.Errorf("invalid %d: %+v %q, want %+v %q", i, p, p.Err, w, w.Err)
		}
	}

	// Through a template, the cell that brought it is named, and the
	// place is the cell's.
	tb, _ := Parse([]byte(csv), ReadOptions{})
	tpl, err := ParseTemplate("{Имя}: {Текст}", tb.Columns)
	if err != nil {
		t.Fatal(err)
	}
	r, err = Check(tb, Plan{PhoneCol: 0, TextCol: -1, Template: tpl, Sender: "CMC"})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(r.Invalid))
	for i, p := range r.Invalid {
		got[i] = p.Text(sms.EN)
	}
	wantText := []string{
		`line 3: column "Текст": the text has a control character U+001B (ESC) at line:column 1:4 (only line breaks and tabs are allowed)`,
		`line 6: column "Текст": the text has a control character U+000D (CR) at line:column 1:2 (only line breaks and tabs are allowed)`,
		`line 7: column "Имя": the text has a control character U+0007 (BEL) at line:column 1:6 (only line breaks and tabs are allowed)`,
		`line 9: column "Имя": the text has a control character U+009B at line:column 1:1 (only line breaks and tabs are allowed)`,
	}
	if strings.Join(got, "\n") != strings.Join(wantText, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantText, "\n"))
	}
	if len(r.Messages) != 2 {
		t.Errorf("messages %+v", r.Messages)
	}
}

// A template typed with a control character in it is the plan's error.
func TestCheckTemplateControlCharacter(t *testing.T) {
	tb, _ := Parse([]byte("Телефон;Имя\n296717259;Иван\n"), ReadOptions{})
	tpl, err := ParseTemplate("Привет,\n\x1b[31m{Имя}", tb.Columns)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Check(tb, Plan{PhoneCol: 0, TextCol: -1, Template: tpl, Sender: "CMC"})
	se := asSMSError(err)
	if err == nil || se.EN != "the template: the text has a control character U+001B (ESC) at line:column 2:1 (only line breaks and tabs are allowed)" ||
		!strings.HasPrefix(se.RU, "шаблон: в тексте управляющий символ U+001B (ESC) в строке:столбце 2:1") {
		t.Fatalf("%v %q", err, se)
	}
}
