package store

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	"github.com/smsdash/smsdash/sms"
)

// Searching the whole history (Filter.Recipient, Filter.Search).
//
// A number is matched on the recipient index: recipients are stored as
// international digits, so the start of a number is a range of it.
//
// A text is matched on messages_text (schemaV8), an FTS5 index of the
// texts with the trigram tokenizer: any substring of three characters or
// more, case folded in every alphabet (LIKE folds Latin letters only,
// and Cyrillic texts are the rule here). On PostgreSQL messages_text
// holds the folded texts under a pg_trgm index, which serves the same
// substrings to LIKE (pgSchemaV1). The index is brought up to date
// by the first text search after new messages, not by the sends: indexing
// costs a send of 100,000 messages several times its own writes, and a
// batch must not wait for a search that may never come. Messages are
// never deleted and their texts never change, and local ids only grow,
// so "indexed up to id N" (text_indexed) says all there is to know.

// textIndexStep is how many messages one write transaction indexes, so
// that catching up after a long history holds the write lock (which a
// sending smsdash may be waiting for) a fraction of a second at a time.
const textIndexStep = 20_000

// indexText brings the text index up to the newest message, if search is
// served by it. It indexes up to the newest message it sees when it
// starts, so a send meanwhile cannot keep it going.
func (s *Store) indexText(ctx context.Context, search string) error {
	if _, _, ok := s.d.textMatch(search); !ok {
		return nil
	}
	var upto, last int64
	err := s.r.QueryRowContext(ctx, `SELECT (SELECT upto FROM text_indexed), (SELECT coalesce(max(id), 0) FROM messages)`).Scan(&upto, &last)
	if err != nil {
		return wrap("index texts", err)
	}
	for upto < last {
		err := s.write(ctx, "index texts", func(tx *sql.Tx) error {
			// Another process may have indexed meanwhile.
			if err := tx.QueryRowContext(ctx, `SELECT upto FROM text_indexed`).Scan(&upto); err != nil {
				return err
			}
			hi := min(upto+textIndexStep, last)
			if hi <= upto {
				return nil
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO messages_text(rowid, text)
				SELECT id, `+s.d.fold(`text`)+` FROM messages WHERE id > ? AND id <= ?`, upto, hi); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE text_indexed SET upto = ?`, hi)
			upto = hi
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// textMatch is the condition on messages_text that finds search, and
// the value it binds: FTS5's one phrase, which the trigram tokenizer
// matches as a substring, or PostgreSQL's LIKE '%…%' of the folded
// search. Searches shorter than a trigram are not served by the index.
func (d dialect) textMatch(search string) (cond, arg string, ok bool) {
	if utf8.RuneCountInString(search) < 3 {
		return "", "", false
	}
	if d.pg {
		// The folded pattern goes back to the column's collation: LIKE
		// under another one cannot use the index.
		return `text LIKE (` + d.fold(`CAST(? AS text)`) + ` COLLATE "default")`, `%` + likeEscaper.Replace(search) + `%`, true
	}
	return `messages_text MATCH ?`, `"` + strings.ReplaceAll(search, `"`, `""`) + `"`, true
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// fold is the SQL of expr's text folded to lower case as the text index
// keeps it (FTS5 folds in its tokenizer, PostgreSQL by ICU's rules: see
// pgSchemaV1).
func (d dialect) fold(expr string) string {
	if d.pg {
		return `lower(` + expr + ` COLLATE "und-x-icu")`
	}
	return expr
}

// shortSearch matches a search of one or two characters, which the
// index cannot serve, by scanning: the text contains it as typed, in
// lower or upper case, or capitalised.
func shortSearch(search string) (string, []any) {
	lower := strings.ToLower(search)
	first, n := utf8.DecodeRuneInString(lower)
	forms := []string{search, lower, strings.ToUpper(search), strings.ToUpper(string(first)) + lower[n:]}
	var conds []string
	var args []any
	for i, f := range forms {
		if !contains(forms[:i], f) {
			conds = append(conds, `instr(text, ?) > 0`)
			args = append(args, f)
		}
	}
	return `(` + strings.Join(conds, " OR ") + `)`, args
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// recipientMatch reads a number the way an agent types it, as package
// sms reads a Belarusian number (spaces, dashes, dots and brackets
// ignored):
//   - a whole number (sms.NormalizePhone takes it) is that recipient;
//   - the start of one is the recipients it begins: "+…" and "375…" are
//     international digits, and "80…" (the trunk prefix) and "(0…" stand
//     for 375, so "8029 67" finds 37529 67…;
//   - any other digits are found anywhere in the number ("7259").
//
// A start is a range of the recipient index.
func recipientMatch(dl dialect, typed string) (string, []any) {
	if n, err := sms.NormalizePhone(typed); err == nil {
		return `recipient = ?`, []any{n}
	}
	t := strings.TrimSpace(typed)
	d := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, t)
	switch {
	case d == "":
		return `instr(recipient, ?) > 0`, []any{t}
	case strings.HasPrefix(t, "+"), strings.HasPrefix(d, "375"):
	case strings.HasPrefix(d, "80"):
		d = "375" + d[2:]
	case strings.HasPrefix(t, "(0"):
		d = "375" + d[1:]
	default:
		return `instr(recipient, ?) > 0`, []any{d}
	}
	// The digits after the last one of the prefix: '9'+1 is ':'.
	args := []any{d, d[:len(d)-1] + string(d[len(d)-1]+1)}
	if len(d) < indexedPrefix {
		return dl.unindexed(`recipient`) + ` >= ? AND ` + dl.unindexed(`recipient`) + ` < ?`, args
	}
	return `recipient >= ? AND recipient < ?`, args
}

// indexedPrefix is the shortest start of a number worth the recipient
// index. The country and operator codes alone ("37529", five digits) are
// a quarter of a history: one row in four is found sooner by reading in
// id order (a page of 100 stops after 400 rows) than by sorting the
// index's quarter, and counted sooner too, reading the table in order
// instead of looking up each row. Two more digits pick one in 400
// (BenchmarkSearch1M).
const indexedPrefix = 7
