package batch

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/smsdash/smsdash/sms"
)

// Header words, lower case. A strong word names a phone column on its
// own; a weak one ("номер" is also a contract's number) needs the
// column's content to agree.
var (
	phoneStrong = []string{"телефон", "тэлефон", "phone", "моб", "mobile", "msisdn", "сотов", "recipient", "получател", "абонент", "tel", "тел"}
	phoneWeak   = []string{"номер", "нумар", "number", "num", "контакт", "contact", "№"}
	textWords   = []string{"текст", "сообщение", "смс", "sms", "text", "message", "паведамленне", "тэкст"}
)

// headerScore rates a header cell as the name of a phone column: 2
// strong, 1 weak, 0 none.
func headerScore(h string) int {
	h = strings.ToLower(strings.TrimSpace(h))
	if h == "" {
		return 0
	}
	for _, w := range phoneStrong {
		if strings.HasPrefix(h, w) || strings.Contains(h, " "+w) {
			return 2
		}
	}
	for _, w := range phoneWeak {
		if strings.Contains(h, w) {
			return 1
		}
	}
	return 0
}

// phoneLike is a cheap test for a cell that is surely meant as a phone
// number: 7 to 15 digits and no letter.
func phoneLike(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case unicode.IsLetter(r):
			return false
		}
	}
	return digits >= 7 && digits <= 15
}

// looksLikeHeader: the first row names a phone column, or it has no phone
// number while one of the next rows has one.
func looksLikeHeader(rows []Row) bool {
	if len(rows) == 0 {
		return false
	}
	for _, c := range rows[0].Cells {
		if phoneLike(c) {
			return false
		}
	}
	for _, c := range rows[0].Cells {
		if headerScore(c) > 0 {
			return true
		}
	}
	for _, r := range rows[1:min(len(rows), 11)] {
		for _, c := range r.Cells {
			if phoneLike(c) {
				return true
			}
		}
	}
	return false
}

// guessSample is how many rows GuessPhoneColumn reads.
const guessSample = 200

// GuessPhoneColumn picks the column that holds the phone numbers, or -1
// when none stands out: a column whose cells mostly are phone numbers
// (sms.NormalizePhone accepts them) wins, the more so when its header says
// so (телефон, phone, номер, моб, …); without such content a header with
// a strong name (телефон, phone, mobile, …) still wins, so that a list of
// bad numbers gets a report of why each is bad.
func GuessPhoneColumn(t *Table) int {
	best, bestScore := -1, 0.0
	for c := range t.Columns {
		seen, ok := 0, 0
		for _, r := range t.Rows[:min(len(t.Rows), guessSample)] {
			v := r.Cell(c)
			if strings.TrimSpace(v) == "" {
				continue
			}
			seen++
			if phoneLike(v) {
				if _, err := sms.NormalizePhone(v); err == nil {
					ok++
				}
			}
		}
		content := 0.0
		if seen > 0 {
			content = float64(ok) / float64(seen)
		}
		h := 0
		if t.Header {
			h = headerScore(t.Columns[c])
		}
		score := float64(3*h) + content
		if content >= 0.5 {
			score += 10
		}
		if (content >= 0.5 || h == 2) && score > bestScore {
			best, bestScore = c, score
		}
	}
	return best
}

// GuessTextColumn picks a column whose header names a message text
// (текст, сообщение, sms, text, message), or -1.
func GuessTextColumn(t *Table) int {
	if !t.Header {
		return -1
	}
	for c, name := range t.Columns {
		h := strings.ToLower(strings.TrimSpace(name))
		for _, w := range textWords {
			if strings.HasPrefix(h, w) {
				return c
			}
		}
	}
	return -1
}

// Column finds a column by its header (case and surrounding spaces are
// ignored), its letter (A, B, … AA) or its number counted from 1; header
// names win. The error lists the columns.
func (t *Table) Column(name string) (int, error) {
	if i := columnIndex(t.Columns, name); i >= 0 {
		return i, nil
	}
	list := columnList(t.Columns)
	return -1, errf("no column "+quote(name)+"; the columns are "+list,
		"нет столбца "+quote(name)+"; столбцы: "+list)
}

func columnIndex(cols []string, name string) int {
	n := strings.TrimSpace(name)
	if n == "" {
		return -1
	}
	for i, c := range cols {
		if c == n {
			return i
		}
	}
	for i, c := range cols {
		if strings.EqualFold(c, n) {
			return i
		}
	}
	if i := letterIndex(n); i >= 0 && i < len(cols) {
		return i
	}
	if i, err := strconv.Atoi(n); err == nil && i >= 1 && i <= len(cols) {
		return i - 1
	}
	return -1
}

// columnList writes the columns for a message: "телефон" (A), "имя" (B);
// a column without a header is its letter alone.
func columnList(cols []string) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		if i == 30 {
			b.WriteString("… (" + strconv.Itoa(len(cols)) + ")")
			break
		}
		l := colLetter(i)
		if c == l {
			b.WriteString(l)
			continue
		}
		b.WriteString(quote(c) + " (" + l + ")")
	}
	if len(cols) == 0 {
		return "(none)"
	}
	return b.String()
}
