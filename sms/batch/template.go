package batch

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Template is a message text with {column} placeholders, filled per row.
//
// A placeholder names a column as Table.Column does: by its header (case
// and surrounding spaces ignored), its letter or its number. "{{" writes
// a "{" and "}}" a "}"; a "}" alone is kept as it is. Values are put in
// with their surrounding spaces trimmed.
type Template struct {
	text string
	segs []segment
	used []int // columns used, in order of first use
}

// segment is a literal text, or a column (col >= 0).
type segment struct {
	lit string
	col int
}

// ParseTemplate reads text against the table's columns. An unknown
// placeholder is an error that names every unknown one and lists the
// columns; so is an unclosed "{" and an empty "{}".
func ParseTemplate(text string, cols []string) (*Template, error) {
	t := &Template{text: text}
	var lit strings.Builder
	var unknown []string
	flush := func() {
		if lit.Len() > 0 {
			t.segs = append(t.segs, segment{lit: lit.String(), col: -1})
			lit.Reset()
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '{' && i+1 < len(text) && text[i+1] == '{':
			lit.WriteByte('{')
			i += 2
		case c == '}' && i+1 < len(text) && text[i+1] == '}':
			lit.WriteByte('}')
			i += 2
		case c == '{':
			end := strings.IndexAny(text[i+1:], "{}")
			if end < 0 || text[i+1+end] == '{' {
				at := utf8.RuneCountInString(text[:i]) + 1
				return nil, errf("the template has a { at character "+strconv.Itoa(at)+" that is not closed by }: write {{ for a brace itself",
					"в шаблоне { на позиции "+strconv.Itoa(at)+" не закрыта }: чтобы написать саму скобку, удвойте её: {{")
			}
			name := text[i+1 : i+1+end]
			i += end + 2
			if strings.TrimSpace(name) == "" {
				return nil, errf("the template has an empty placeholder {}: put a column's name in it, or write {{}} for braces",
					"в шаблоне пустая подстановка {}: впишите в неё имя столбца или напишите {{}} для самих скобок")
			}
			col := columnIndex(cols, name)
			if col < 0 {
				unknown = append(unknown, "{"+name+"}")
				continue
			}
			flush()
			t.segs = append(t.segs, segment{col: col})
			seen := false
			for _, u := range t.used {
				seen = seen || u == col
			}
			if !seen {
				t.used = append(t.used, col)
			}
		default:
			lit.WriteByte(c)
			i++
		}
	}
	if len(unknown) > 0 {
		list := columnList(cols)
		word, wordRU := "placeholder", "подстановка"
		if len(unknown) > 1 {
			word, wordRU = "placeholders", "подстановки"
		}
		names := strings.Join(unknown, ", ")
		return nil, errf("unknown "+word+" "+names+" in the template; the columns are "+list,
			"неизвестная "+wordRU+" "+names+" в шаблоне; столбцы: "+list)
	}
	flush()
	return t, nil
}

// Fill writes the text for a row's cells; a missing cell is empty.
func (t *Template) Fill(cells []string) string {
	if len(t.segs) == 1 && t.segs[0].col < 0 {
		return t.segs[0].lit
	}
	n := 0
	for _, s := range t.segs {
		if s.col < 0 {
			n += len(s.lit)
		} else if s.col < len(cells) {
			n += len(cells[s.col])
		}
	}
	var b strings.Builder
	b.Grow(n)
	for _, s := range t.segs {
		switch {
		case s.col < 0:
			b.WriteString(s.lit)
		case s.col < len(cells):
			b.WriteString(strings.TrimSpace(cells[s.col]))
		}
	}
	return b.String()
}

// Columns lists the columns the template uses, in order of first use.
func (t *Template) Columns() []int { return append([]int(nil), t.used...) }

// Static reports whether the text is the same for every row.
func (t *Template) Static() bool { return len(t.used) == 0 }

// String gives the template as it was written.
func (t *Template) String() string { return t.text }
