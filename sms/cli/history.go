package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/store"
)

// filterFlags are the history filters shared by history and export.
type filterFlags struct {
	status, to, since, search *string
	limit                     *int
}

func addFilterFlags(fs interface {
	String(name, value, usage string) *string
	Int(name string, value int, usage string) *int
}, limit int) filterFlags {
	return filterFlags{
		status: fs.String("status", "", "only this `status` (Queued, Sent, Delivered, Expired, Rejected, Unknown, Failed) or outcome (pending, unknown, refused, not_sent, resent); Unknown is the gateway's status, unknown a send whose outcome is unknown"),
		to:     fs.String("to", "", "only this `number` (or numbers containing these digits)"),
		since:  fs.String("since", "", `only messages since a `+"`time`"+`: "YYYY-MM-DD", "YYYY-MM-DD HH:MM" (Minsk) or a duration ago ("24h")`),
		search: fs.String("search", "", "only messages whose text contains this"),
		limit:  fs.Int("limit", limit, "at most this many messages, newest first (0: all)"),
	}
}

func (f filterFlags) filter(now time.Time) (store.Filter, error) {
	out := store.Filter{Recipient: *f.to, Search: *f.search, Limit: *f.limit}
	if *f.status != "" {
		st, err := statusBucket(*f.status)
		if err != nil {
			return out, err
		}
		out.Status = st
	}
	if *f.since != "" {
		t, err := parseSince(*f.since, now)
		if err != nil {
			return out, err
		}
		out.Since = t
	}
	return out, nil
}

var outcomeBuckets = []store.State{store.StatePending, store.StateAccepted, store.StateRefused, store.StateUnknown, store.StateNotSent, store.StateResent}

// statusBucket reads a status word in any case, or a local outcome.
// "Unknown" is the gateway's status; "unknown" the outcome of a send
// that may or may not have reached it.
func statusBucket(s string) (string, error) {
	if s == "Unknown" {
		return s, nil
	}
	if st, ok := sms.ParseStatus(s); ok && st != sms.Unknown {
		return st.String(), nil
	}
	for _, b := range outcomeBuckets {
		if strings.EqualFold(s, string(b)) {
			return string(b), nil
		}
	}
	return "", usageErr("--status: %q is neither a status (Queued, Sent, Delivered, Expired, Rejected, Unknown, Failed) nor an outcome (pending, unknown, refused, not_sent, resent)", s)
}

func parseSince(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	for _, layout := range []string{sms.TypedLayout, "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, sms.Minsk); err == nil {
			return t, nil
		}
	}
	return time.Time{}, usageErr(`--since: %q is not "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or a duration like 24h`, s)
}

func runHistory(ctx context.Context, e *Env, args []string) error {
	fs, cfgPath, asJSON := newFlags(e, "history", "[flags]")
	ff := addFilterFlags(fs, 50)
	if err := parse(fs, args); err != nil {
		return err
	}
	f, err := ff.filter(time.Now())
	if err != nil {
		return err
	}
	a, err := open(e, *cfgPath)
	if err != nil {
		return err
	}
	defer a.Close()
	rows, err := a.Store.Latest(ctx, f)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]historyJSON, len(rows))
		for i, r := range rows {
			out[i] = newHistoryJSON(r)
		}
		return writeJSON(e.Stdout, struct {
			Messages []historyJSON `json:"messages"`
		}{out})
	}
	printHistory(e.Stdout, rows, a.Lang())
	return nil
}

type historyJSON struct {
	Local     int64     `json:"local_id"`
	Created   time.Time `json:"created"`
	To        string    `json:"to"`
	Sender    string    `json:"sender"`
	Text      string    `json:"text"`
	Outcome   string    `json:"outcome"`
	Status    string    `json:"status,omitempty"`
	Final     bool      `json:"final"`
	ID        int64     `json:"id,omitempty"`
	Parts     int       `json:"parts,omitempty"`
	Code      int       `json:"code,omitempty"`
	Error     string    `json:"error,omitempty"`
	Agent     string    `json:"agent"`
	Transport string    `json:"transport"`
}

func newHistoryJSON(r store.Row) historyJSON {
	out := historyJSON{Local: r.ID, Created: r.CreatedAt.In(sms.Minsk), To: r.Recipient, Sender: r.Sender, Text: r.Text,
		Outcome: string(r.State), Final: r.Final, ID: r.GatewayID, Parts: r.Parts, Code: int(r.Code), Error: r.Error,
		Agent: r.Agent, Transport: r.Transport}
	if r.Status != sms.StatusNone {
		out.Status = r.Status.String()
	}
	return out
}

func printHistory(w io.Writer, rows []store.Row, l sms.Lang) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LOCAL\tSENT (MINSK)\tTO\tSTATUS\tID\tTEXT")
	for _, r := range rows {
		status := r.Bucket()
		if r.Code != 0 {
			status = fmt.Sprintf("refused %d %s", r.Code, r.Code.Text(l))
		}
		fmt.Fprintf(tw, "%d\t%s\t+%s\t%s\t%s\t%s\n", r.ID, r.CreatedAt.In(sms.Minsk).Format(sms.TypedLayout), sms.Safe(r.Recipient), status, optInt(r.GatewayID), clip(r.Text, 40))
	}
	tw.Flush()
	if len(rows) == 0 {
		fmt.Fprintln(w, "(no messages)")
	}
}

// clip shortens outside text to n characters on one line, safe for a
// terminal.
func clip(s string, n int) string {
	s = sms.Safe(strings.Join(strings.Fields(s), " "))
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func runExport(ctx context.Context, e *Env, args []string) error {
	fs, cfgPath, _ := newFlags(e, "export", "--csv FILE [flags]")
	file := fs.String("csv", "", "write the history as CSV to this `file` (- for standard output; a terminal is shown control characters visibly)")
	ff := addFilterFlags(fs, 0)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *file == "" {
		return usageErr("export: --csv FILE is required")
	}
	f, err := ff.filter(time.Now())
	if err != nil {
		return err
	}
	a, err := open(e, *cfgPath)
	if err != nil {
		return err
	}
	defer a.Close()
	if *file == "-" {
		return a.Store.Export(ctx, e.Stdout, f, isTerminal(e.Stdout))
	}
	out, err := os.OpenFile(*file, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return usageErr("--csv: %v", err)
	}
	if err := a.Store.Export(ctx, out, f, false); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
