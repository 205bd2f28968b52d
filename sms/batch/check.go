package batch

import (
	"errors"
	"fmt"
	"hash/maphash"
	"strconv"
	"strings"
	"time"

	"github.com/smsdash/smsdash/sms"
)

// DefaultPreview is how many messages Report.Preview holds by default.
const DefaultPreview = 5

// Plan says how a table becomes messages.
type Plan struct {
	PhoneCol int // the column of phone numbers
	// The text: each row's own in TextCol, or Template filled per row.
	// Exactly one is given (TextCol -1 with a Template).
	TextCol  int
	Template *Template
	Sender   string
	At       time.Time     // scheduled send time for the whole batch; zero sends now
	Validity time.Duration // for the whole batch; zero leaves the gateway's default
	// Price is the credits one part costs; 0 counts 1 (the gateway and
	// its simulator charge by part).
	Price float64
	// Balance is the account's credits, when BalanceKnown.
	Balance      float64
	BalanceKnown bool
	Preview      int       // messages in Report.Preview; 0 gives DefaultPreview
	Now          time.Time // for the scheduling rule; zero is time.Now()
}

// Message is one message of the batch as it will be sent. What every
// message of the batch shares (sender, time, validity) is the Report's:
// a million messages do not carry it a million times.
type Message struct {
	To     string // normalised: international digits, no "+"
	Text   string
	Line   int // the row it comes from (see Row.Line)
	Parts  int // SMS parts the gateway will charge
	Merged int // rows with the same number and text merged into this one
}

// Problem is a row that cannot be sent, or a warning about one.
type Problem struct {
	Line   int
	Column string // the column at fault, by name
	Value  string // its cell as written
	Err    *sms.Error
}

// Text gives "line 12: phone "12345": too short" in a person's language.
func (p Problem) Text(l sms.Lang) string {
	if l == sms.RU {
		return "строка " + strconv.Itoa(p.Line) + ": " + p.Err.RU
	}
	return "line " + strconv.Itoa(p.Line) + ": " + p.Err.EN
}

func (p Problem) Error() string { return p.Text(sms.EN) }

// Duplicate is a row merged into an earlier one with the same number and
// text.
type Duplicate struct {
	Line, Of int
	To       string
}

// Report is what Check found: the messages to send and why the other
// rows will not be.
//
// Duplicates: rows with the same normalised number AND the same final text
// are one message (the first row's); the later rows are counted in
// Duplicates and listed in DuplicateLines. The same number with different
// texts (two contracts of one person) stays several messages, counted in
// SharedNumbers so that the agent can look.
type Report struct {
	Rows           int // data rows checked
	Messages       []Message
	Sender         string        // every message's, from the plan
	At             time.Time     // every message's scheduled time; zero sends now
	Validity       time.Duration // every message's; zero leaves the gateway's default
	Invalid        []Problem     // rows left out, in row order
	Warnings       []Problem     // rows sent, but worth a look: an empty value put into the text
	Duplicates     int
	DuplicateLines []Duplicate
	SharedNumbers  int // numbers that get more than one different text
	Parts          int // total parts of Messages
	MaxParts       int // the longest message's parts
	UCS2           int // messages that travel as UCS-2 (70 characters a part)
	Price          float64
	Cost           float64 // Parts × Price
	Balance        float64
	BalanceKnown   bool
	Enough         bool // the balance covers the cost (false when it is unknown)
	Preview        []Message
}

// Covered counts the first messages the balance pays for: all of them
// when it is enough or unknown. Sending those and leaving the rest not
// sent keeps the rest resumable after a top-up, where sending all would
// have the gateway refuse them for good.
func (r *Report) Covered() int {
	if !r.BalanceKnown || r.Enough {
		return len(r.Messages)
	}
	spent := 0.0
	for i, m := range r.Messages {
		if spent += float64(m.Parts) * r.Price; spent > r.Balance {
			return i
		}
	}
	return len(r.Messages)
}

// SMS gives the messages as the outbox takes them.
func (r *Report) SMS() []sms.Message {
	out := make([]sms.Message, len(r.Messages))
	for i, m := range r.Messages {
		out[i] = sms.Message{To: m.To, Text: m.Text, Sender: r.Sender, At: r.At, Validity: r.Validity}
	}
	return out
}

// Check turns every row into a message: the phone normalised and
// validated, the text filled, duplicates merged, parts counted; rows that
// cannot be sent are listed with their line and reason. The error is for
// the plan itself (a bad sender, a schedule too soon, a column that does
// not exist), never for a row.
func Check(t *Table, p Plan) (*Report, error) {
	if err := checkPlan(t, &p); err != nil {
		return nil, err
	}
	r := &Report{Rows: len(t.Rows), Sender: p.Sender, At: p.At, Validity: p.Validity,
		Price: p.Price, Balance: p.Balance, BalanceKnown: p.BalanceKnown}
	r.Messages = make([]Message, 0, len(t.Rows))
	phoneName := t.Columns[p.PhoneCol]
	byTo := newNumberIndex(len(t.Rows))
	next := make([]int32, 0, len(t.Rows)) // next message to the same number, -1 at the end
	lastText, lastParts, lastUCS2 := "", -1, false
	var used []int
	if p.Template != nil {
		used = p.Template.used
	}
	for _, row := range t.Rows {
		raw := row.Cell(p.PhoneCol)
		if strings.TrimSpace(raw) == "" {
			r.Invalid = append(r.Invalid, Problem{Line: row.Line, Column: phoneName, Value: raw,
				Err: errf("no phone number in column "+quote(phoneName), "нет номера телефона в столбце "+quote(phoneName))})
			continue
		}
		to, err := normalizePhone(raw)
		if err != nil {
			r.Invalid = append(r.Invalid, Problem{Line: row.Line, Column: phoneName, Value: raw, Err: err})
			continue
		}
		var text string
		if p.Template != nil {
			text = p.Template.Fill(row.Cells)
		} else {
			text = strings.TrimSpace(row.Cell(p.TextCol))
		}
		if strings.TrimSpace(text) == "" {
			col := ""
			if p.Template == nil {
				col = t.Columns[p.TextCol]
			}
			r.Invalid = append(r.Invalid, Problem{Line: row.Line, Column: col, Err: emptyText(p, t)})
			continue
		}
		if err := sms.CheckText(text); err != nil {
			r.Invalid = append(r.Invalid, controlProblem(t, p, row, err))
			continue
		}
		for _, c := range used {
			if strings.TrimSpace(row.Cell(c)) == "" {
				name := t.Columns[c]
				r.Warnings = append(r.Warnings, Problem{Line: row.Line, Column: name,
					Err: errf("column "+quote(name)+" is empty: the text reads "+quote(text),
						"столбец "+quote(name)+" пуст: текст будет "+quote(text))})
				break
			}
		}
		// Merge a row that repeats an earlier message.
		slot := byTo.find(r.Messages, to)
		first, seen := *slot-1, *slot > 0
		if seen {
			dup := false
			for j := first; j >= 0; j = next[j] {
				if r.Messages[j].Text == text {
					r.Messages[j].Merged++
					r.Duplicates++
					r.DuplicateLines = append(r.DuplicateLines, Duplicate{Line: row.Line, Of: r.Messages[j].Line, To: to})
					dup = true
					break
				}
			}
			if dup {
				continue
			}
		}
		if text != lastText || lastParts < 0 {
			l := sms.Measure(text)
			lastText, lastParts, lastUCS2 = text, l.Parts, l.Encoding == sms.UCS2
		}
		i := int32(len(r.Messages))
		r.Messages = append(r.Messages, Message{To: to, Text: text, Line: row.Line, Parts: lastParts})
		next = append(next, -1)
		if seen {
			// Link at the end of the number's chain; count the number
			// once, when it gets its second text.
			j := first
			for next[j] >= 0 {
				j = next[j]
			}
			next[j] = i
			if j == first {
				r.SharedNumbers++
			}
		} else {
			*slot = i + 1
		}
		r.Parts += lastParts
		r.MaxParts = max(r.MaxParts, lastParts)
		if lastUCS2 {
			r.UCS2++
		}
	}
	r.Cost = float64(r.Parts) * p.Price
	r.Enough = r.BalanceKnown && r.Cost <= r.Balance
	n := p.Preview
	if n <= 0 {
		n = DefaultPreview
	}
	r.Preview = r.Messages[:min(n, len(r.Messages)):min(n, len(r.Messages))]
	return r, nil
}

// numberIndex finds the first message to a number: an open-addressing
// table of message indexes whose keys are the messages' own To. For a
// million numbers it takes 8 MB, where a map of the strings takes 50.
type numberIndex struct {
	seed  maphash.Seed
	slots []int32 // a message's index + 1; 0 is free
}

func newNumberIndex(n int) numberIndex {
	size := 1
	for size < 2*n { // at most half full: short probes
		size <<= 1
	}
	return numberIndex{seed: maphash.MakeSeed(), slots: make([]int32, size)}
}

// find gives the slot of to: the one that holds its first message, or the
// free one where that goes.
func (x numberIndex) find(msgs []Message, to string) *int32 {
	mask := uint64(len(x.slots) - 1)
	for i := maphash.String(x.seed, to) & mask; ; i = (i + 1) & mask {
		if v := x.slots[i]; v == 0 || msgs[v-1].To == to {
			return &x.slots[i]
		}
	}
}

// checkPlan checks what applies to every row, and fills defaults.
func checkPlan(t *Table, p *Plan) error {
	var problems []*sms.Error
	add := func(en, ru string) { problems = append(problems, errf(en, ru)) }
	if len(t.Columns) == 0 {
		add("the list has no columns", "в списке нет столбцов")
	}
	if p.PhoneCol < 0 || p.PhoneCol >= len(t.Columns) {
		add("choose the column of phone numbers; the columns are "+columnList(t.Columns),
			"выберите столбец с номерами телефонов; столбцы: "+columnList(t.Columns))
	}
	switch {
	case p.Template != nil && p.TextCol >= 0:
		add("give a template or a text column, not both", "укажите шаблон или столбец с текстом, но не оба")
	case p.Template == nil && (p.TextCol < 0 || p.TextCol >= len(t.Columns)):
		add("give a text template, or choose the column that holds each row's text",
			"укажите шаблон текста или выберите столбец, где у каждой строки свой текст")
	case p.Template != nil:
		for _, c := range p.Template.used {
			if c >= len(t.Columns) {
				add("the template was made for another list: its column "+strconv.Itoa(c+1)+" is not in this one",
					"шаблон составлен для другого списка: столбца "+strconv.Itoa(c+1)+" в этом нет")
				break
			}
		}
		if e := sms.CheckText(p.Template.String()); e != nil {
			add("the template: "+e.EN, "шаблон: "+e.RU)
		}
	}
	if err := sms.ValidateSender(p.Sender); err != nil {
		problems = append(problems, asSMSError(err))
	}
	now := p.Now
	if now.IsZero() {
		now = time.Now()
	}
	if !p.At.IsZero() {
		if err := sms.CheckSchedule(p.At, now); err != nil {
			problems = append(problems, asSMSError(err))
		}
	}
	if p.Validity < 0 {
		add("the validity period must be positive", "срок жизни должен быть положительным")
	}
	if p.Price < 0 {
		add("the price of a part cannot be negative", "цена части не может быть отрицательной")
	}
	if p.Price == 0 {
		p.Price = 1
	}
	switch len(problems) {
	case 0:
		return nil
	case 1:
		return problems[0]
	}
	en, ru := make([]string, len(problems)), make([]string, len(problems))
	for i, e := range problems {
		en[i], ru[i] = e.EN, e.RU
	}
	return errf(strings.Join(en, "; "), strings.Join(ru, "; "))
}

// controlProblem names the cell that brought a control character into a
// row's text: the text column's, or the first of the template's columns
// whose value has one, with the character's place in that cell.
func controlProblem(t *Table, p Plan, row Row, err *sms.Error) Problem {
	col := p.TextCol
	if p.Template != nil {
		for _, c := range p.Template.used {
			if e := sms.CheckText(strings.TrimSpace(row.Cell(c))); e != nil {
				col, err = c, e
				break
			}
		}
	}
	pr := Problem{Line: row.Line, Err: err}
	if col >= 0 {
		name := t.Columns[col]
		pr.Column, pr.Value = name, row.Cell(col)
		pr.Err = errf("column "+quote(name)+": "+err.EN, "столбец "+quote(name)+": "+err.RU)
	}
	return pr
}

func emptyText(p Plan, t *Table) *sms.Error {
	if p.Template != nil {
		return errf("the text is empty", "текст пуст")
	}
	name := t.Columns[p.TextCol]
	return errf("no text in column "+quote(name), "нет текста в столбце "+quote(name))
}

func asSMSError(err error) *sms.Error {
	var e *sms.Error
	if errors.As(err, &e) {
		return e
	}
	return errf(err.Error(), err.Error())
}

// normalizePhone is sms.NormalizePhone, plus what Excel does to numbers
// it saves: "375291234567.0", and the scientific form "3.75291234567E+11"
// (exact: read back) or "3.75291E+11" (digits lost: said so).
func normalizePhone(raw string) (string, *sms.Error) {
	to, err := sms.NormalizePhone(raw)
	if err == nil {
		return to, nil
	}
	s := strings.TrimSpace(raw)
	if t, ok := cutSuffixes(s, ".0", ",0"); ok && phoneLike(t) {
		if to, err := sms.NormalizePhone(t); err == nil {
			return to, nil
		}
	}
	if digits, lost, ok := scientific(s); ok {
		if lost {
			return "", errf("phone "+quote(raw)+": Excel wrote the number in scientific notation and lost its last digits: format the column as text and save the file again",
				"номер "+quote(raw)+": Excel записал число в экспоненциальной форме и потерял последние цифры: задайте столбцу текстовый формат и сохраните файл заново")
		}
		if to, err := sms.NormalizePhone(digits); err == nil {
			return to, nil
		}
	}
	return "", asSMSError(err)
}

// scientific reads "3.75291234567E+11" (dot or comma) as digits; lost
// says that the mantissa had fewer digits than the number.
func scientific(s string) (digits string, lost, ok bool) {
	mant, exp, found := strings.Cut(strings.ToUpper(s), "E+")
	if !found {
		return "", false, false
	}
	e, err := strconv.Atoi(exp)
	if err != nil || e < 6 || e > 15 {
		return "", false, false
	}
	intPart, frac, _ := strings.Cut(strings.Replace(mant, ",", ".", 1), ".")
	if len(intPart) != 1 || intPart[0] < '1' || intPart[0] > '9' {
		return "", false, false
	}
	for i := 0; i < len(frac); i++ {
		if frac[i] < '0' || frac[i] > '9' {
			return "", false, false
		}
	}
	switch {
	case len(frac) > e:
		return "", false, false
	case len(frac) < e:
		// Zeros would have to be made up at the end: the digits may
		// have been cut off, and a wrong number is worse than none.
		return "", true, true
	}
	return intPart + frac, false, true
}

// Summary is a one-line account of the report for a person.
func (r *Report) Summary(l sms.Lang) string {
	if l == sms.RU {
		return fmt.Sprintf("строк %d: к отправке %d сообщений (%d частей, стоимость %s), с ошибками %d, повторов объединено %d",
			r.Rows, len(r.Messages), r.Parts, money(r.Cost), len(r.Invalid), r.Duplicates)
	}
	return fmt.Sprintf("%d rows: %d messages to send (%d parts, cost %s), %d invalid, %d duplicates merged",
		r.Rows, len(r.Messages), r.Parts, money(r.Cost), len(r.Invalid), r.Duplicates)
}

func money(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func cutSuffixes(s string, suffixes ...string) (string, bool) {
	for _, x := range suffixes {
		if t, ok := strings.CutSuffix(s, x); ok {
			return t, true
		}
	}
	return s, false
}
