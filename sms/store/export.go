package store

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/smsdash/smsdash/sms"
)

var exportHeader = []string{
	"id", "created_at", "batch_id", "agent", "recipient", "sender", "text", "parts", "transport",
	"scheduled_at", "validity_s", "state", "status", "final", "gateway_id", "code", "error",
	"status_at", "updated_at", "resend_of",
}

// Export writes the messages that match f as CSV, in the order Latest
// gives (newest first), with a header row. Times are RFC 3339 in Minsk
// time. Rows are streamed, so a whole history does not sit in memory.
//
// Text from outside (see cell) is defused for spreadsheets. With terminal
// set, w is a terminal, which would act on control characters in that
// text: every cell then goes through sms.Safe (a line break in a text
// shows as ␤, so a record stays one line). Otherwise the cells are the
// exact bytes, for a file or a pipe.
func (s *Store) Export(ctx context.Context, w io.Writer, f Filter, terminal bool) error {
	f.WithResent = true // the record keeps every row; resend_of links them
	if err := s.indexText(ctx, f.Search); err != nil {
		return err
	}
	q, args := f.query(s.d)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return wrap("export", err)
	}
	defer rows.Close()
	cw := csv.NewWriter(w)
	if err := cw.Write(exportHeader); err != nil {
		return wrap("export", err)
	}
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return wrap("export", err)
		}
		rec := []string{
			strconv.FormatInt(r.ID, 10), minsk(r.CreatedAt), optID(r.BatchID), cell(r.Agent),
			cell(r.Recipient), cell(r.Sender), cell(r.Text), strconv.Itoa(r.Parts), r.Transport,
			minsk(r.ScheduledAt), strconv.FormatInt(int64(r.Validity/time.Second), 10), string(r.State),
			r.Status.String(), strconv.FormatBool(r.Final), optID(r.GatewayID), optCode(r.Code),
			cell(r.Error), minsk(r.StatusAt), minsk(r.UpdatedAt), optID(r.ResendOf),
		}
		if terminal {
			for i := range rec {
				rec[i] = sms.Safe(rec[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return wrap("export", err)
		}
	}
	if err := rows.Err(); err != nil {
		return wrap("export", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return wrap("export", err)
	}
	return nil
}

// cell defuses text that a spreadsheet would run as a formula (CSV
// injection, as OWASP advises): a leading = + - @, tab or carriage return
// gets a '. Only text from outside goes through it: the agent (config or
// $USER), recipient (typed or from a list; stored as international digits,
// which it leaves alone), sender, text and error (often the gateway's
// words). What smsdash writes itself stays as it is, so numbers stay
// numbers (a code of -4, ids, parts, times) and so do its words (transport,
// state, status).
func cell(s string) string {
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + s
		}
	}
	return s
}

func minsk(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(sms.Minsk).Format(time.RFC3339)
}

func optID(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func optCode(c sms.Code) string {
	if c == 0 {
		return ""
	}
	return strconv.Itoa(int(c))
}
