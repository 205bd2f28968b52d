package store

import (
	"bytes"
	"encoding/csv"
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
	if err := s.Export(ctx, &buf, Filter{}); err != nil {
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
	if err := s.Export(ctx, &buf, Filter{Status: "Delivered"}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Errorf("filtered export has %d lines:\n%s", n, buf.String())
	}
}
