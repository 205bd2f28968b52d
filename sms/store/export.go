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
func (s *Store) Export(ctx context.Context, w io.Writer, f Filter) error {
	q, args := f.query()
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
			cell(r.Recipient), cell(r.Sender), cell(r.Text), strconv.Itoa(r.Parts), cell(r.Transport),
			minsk(r.ScheduledAt), strconv.FormatInt(int64(r.Validity/time.Second), 10), string(r.State),
			r.Status.String(), strconv.FormatBool(r.Final), optID(r.GatewayID), optCode(r.Code),
			cell(r.Error), minsk(r.StatusAt), minsk(r.UpdatedAt), optID(r.ResendOf),
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
// injection): a leading = + - @ (or tab, carriage return) gets a '.
// Only free text goes through it: numbers such as a code of -4 stay numbers.
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
