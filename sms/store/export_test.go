package store

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
)

func TestExportCSV(t *testing.T) {
	s := openTest(t)
	texts := []string{
		"plain",
		"a, b and \"quoted\"",
		"line one\nline two\r\nthree",
		"Привет! Ваш код: 1234",
		"=HYPERLINK(\"http://evil\")",
		"+375291234567 call me",
		"-5 credits",
		"@SUM(A1)",
		"\t=1+1",
	}
	m := make([]sms.Message, len(texts))
	for i, text := range texts {
		m[i] = sms.Message{To: "375291234567", Text: text, Sender: "=CMC", At: t0.Add(time.Hour)}
	}
	ids, err := addPending(s, ctx, 0, "Анна", "json", m)
	if err != nil {
		t.Fatal(err)
	}
	res := make([]sms.Result, len(ids))
	for i := range res {
		res[i] = sms.Result{Outcome: sms.Refused, Code: sms.CodeBadRecipient, Err: sms.CodeBadRecipient}
	}
	res[0] = sms.Result{Outcome: sms.Accepted, ID: 1 << 33, Parts: 1}
	s.RecordResults(ctx, ids, res)
	s.ApplyStatuses(ctx, "http", []sms.StatusReport{{ID: 1 << 33, Status: sms.Delivered}})

	var buf bytes.Buffer
	if err := s.Export(ctx, &buf, Filter{}, false); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("not valid CSV: %v\n%s", err, buf.String())
	}
	if len(recs) != len(texts)+1 || strings.Join(recs[0], ",") != strings.Join(exportHeader, ",") {
		t.Fatalf("%d records, header %v", len(recs), recs[0])
	}
	col := func(name string) int {
		for i, h := range exportHeader {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return 0
	}
	for i, text := range texts {
		rec := recs[len(texts)-i]                      // newest first
		want := strings.ReplaceAll(text, "\r\n", "\n") // as csv.Reader reads it
		if strings.ContainsAny(text[:1], "=+-@\t") {
			want = "'" + text
		}
		if rec[col("text")] != want {
			t.Errorf("text %q exported as %q", text, rec[col("text")])
		}
		if rec[col("sender")] != "'=CMC" || rec[col("agent")] != "Анна" || rec[col("recipient")] != "375291234567" {
			t.Errorf("record %v", rec)
		}
		if rec[col("scheduled_at")] != "2026-03-01T13:00:00+03:00" || rec[col("created_at")] != "2026-03-01T12:00:00+03:00" {
			t.Errorf("times %q %q: want RFC 3339 Minsk time", rec[col("scheduled_at")], rec[col("created_at")])
		}
	}
	first := recs[len(recs)-1]
	if first[col("status")] != "Delivered" || first[col("gateway_id")] != "8589934592" || first[col("state")] != "accepted" || first[col("final")] != "true" {
		t.Errorf("accepted record %v", first)
	}
	if refused := recs[1]; refused[col("code")] != "-4" || refused[col("state")] != "refused" {
		t.Errorf("refused record %v: a code stays a number", refused)
	}

	buf.Reset()
	if err := s.Export(ctx, &buf, Filter{Status: "Delivered"}, false); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Errorf("filtered export has %d lines:\n%s", n, buf.String())
	}
}

// exportOne records one message with the given outside texts and exports
// it; it returns the CSV and its one record by column name.
func exportOne(t *testing.T, agent string, m sms.Message, res sms.Result, terminal bool) (string, map[string]string) {
	t.Helper()
	s := openTest(t)
	ids, err := addPending(s, ctx, 0, agent, "json", []sms.Message{m})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RecordResults(ctx, ids, []sms.Result{res}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.Export(ctx, &buf, Filter{}, terminal); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(buf.String())).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("%d records, %v:\n%s", len(recs), err, buf.String())
	}
	rec := map[string]string{}
	for i, h := range exportHeader {
		rec[h] = recs[1][i]
	}
	return buf.String(), rec
}

// Outside text is defused wherever it is; what smsdash writes is not.
func TestExportDefusesOutsideText(t *testing.T) {
	_, rec := exportOne(t, "@anna", sms.Message{To: "375291234567", Text: "-5 credits", Sender: "+CMC"},
		sms.Result{Outcome: sms.Refused, Code: sms.CodeBadRecipient, Err: errors.New("=cmd|' /C calc'!A0")}, false)
	want := map[string]string{
		"agent": "'@anna", "text": "'-5 credits", "sender": "'+CMC", "error": "'=cmd|' /C calc'!A0",
		"recipient": "375291234567", "code": "-4", "transport": "json", "state": "refused", "id": "1", "parts": "0",
	}
	for k, v := range want {
		if rec[k] != v {
			t.Errorf("%s = %q, want %q", k, rec[k], v)
		}
	}
}

func TestExportForTerminal(t *testing.T) {
	text := "\x1b]0;owned\a\x1b[2J line\nnext\r\n\u202eevil \x9b"
	if testPG {
		text = strings.ReplaceAll(text, "\x9b", "\u009b") // PostgreSQL keeps UTF-8 text only
	}
	m := sms.Message{To: "375291234567", Text: text, Sender: "CMC"}
	unknown := sms.Result{Outcome: sms.OutcomeUnknown, Err: errors.New("reset\x1b[31m")}

	// A file or pipe gets the exact bytes.
	_, rec := exportOne(t, "ann", m, unknown, false)
	if rec["text"] != strings.ReplaceAll(text, "\r\n", "\n") || rec["error"] != "reset\x1b[31m" {
		t.Errorf("to a file: text %q, error %q; want the exact bytes", rec["text"], rec["error"])
	}

	// A terminal sees every control character, on one line a record.
	out, rec := exportOne(t, "ann", m, unknown, true)
	if rec["text"] != sms.Safe(text) || rec["error"] != sms.Safe("reset\x1b[31m") {
		t.Errorf("to a terminal: text %q, error %q; want them through sms.Safe", rec["text"], rec["error"])
	}
	if strings.Count(out, "\n") != 2 || strings.ContainsFunc(out, func(r rune) bool { return r != '\n' && (r < 0x20 || r >= 0x7f && r <= 0x9f || r == 0x202e) }) {
		t.Errorf("to a terminal, control characters are left or a record takes several lines:\n%q", out)
	}
}
