package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/store"
)

// filterFlags are the history filters shared by history and export.
type filterFlags struct {
	status, to, since, search, agent string
	limit                            int
}

func (f *filterFlags) add(c *cobra.Command, limit int) {
	fs := c.Flags()
	fs.StringVar(&f.status, "status", "", "only this `status` (Queued, Sent, Delivered, Expired, Rejected, Unknown, Failed) or outcome (pending, accepted, unknown, refused, not_sent, resent); Unknown is the gateway's status, unknown a send whose outcome is unknown")
	fs.StringVar(&f.to, "to", "", "only this `number` (or numbers containing these digits)")
	fs.StringVar(&f.since, "since", "", `only messages since a `+"`time`"+`: "YYYY-MM-DD", "YYYY-MM-DD HH:MM" (Minsk) or a duration ago ("24h")`)
	fs.StringVar(&f.search, "search", "", "only messages whose `text` contains this")
	fs.StringVar(&f.agent, "agent", "", "only messages this `agent` sent (or sent again), the name as recorded (smsdash serve: the key's comment)")
	fs.IntVar(&f.limit, "limit", limit, "at most `N` messages, newest first (0: all)")
	completeWords(c, "status", statusWords()...)
}

// statusWords are what --status takes: the gateway's words, then the
// outcomes (the history's words).
func statusWords() []string {
	var out []string
	for _, s := range sms.Statuses {
		out = append(out, s.String())
	}
	for _, b := range outcomeBuckets {
		out = append(out, string(b))
	}
	return out
}

func (f filterFlags) filter(now time.Time) (store.Filter, error) {
	out := store.Filter{Recipient: f.to, Search: f.search, Agent: f.agent, Limit: f.limit}
	if f.limit < 0 {
		return out, usageErr("--limit: %d is not a number of messages (0: all)", f.limit)
	}
	if f.status != "" {
		st, err := statusBucket(f.status)
		if err != nil {
			return out, err
		}
		out.Status = st
	}
	if f.since != "" {
		t, err := parseSince(f.since, now)
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
	return "", usageErr("--status: %q is neither a status (Queued, Sent, Delivered, Expired, Rejected, Unknown, Failed) nor an outcome (pending, accepted, unknown, refused, not_sent, resent)", s)
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

func newHistory(e *Env, g *globals) *cobra.Command {
	var ff filterFlags
	var asJSON bool
	c := &cobra.Command{
		Use:   "history [flags]",
		Short: "list the messages sent, newest first",
		Long: `List the messages of the history, newest first: each message once, at its
latest row (a resend or a resume is a step in its history).`,
		Example: `  smsdash history
  smsdash history --status unknown
  smsdash history --status Delivered --since 24h --json
  smsdash history --to 296717259 --search "код" --limit 10
  smsdash history --agent anna --since 24h`,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runHistory(cmd.Context(), e, g, ff, asJSON)
		},
	}
	ff.add(c, 50)
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	return c
}

func runHistory(ctx context.Context, e *Env, g *globals, ff filterFlags, asJSON bool) error {
	f, err := ff.filter(time.Now())
	if err != nil {
		return err
	}
	a, err := open(e, g.config)
	if err != nil {
		return err
	}
	defer e.release(a)
	rows, err := a.Store.Latest(ctx, f)
	if err != nil {
		return err
	}
	if asJSON {
		return writeHistoryJSON(e.Stdout, rows)
	}
	printHistory(e.Stdout, e.width(), rows, a.Lang())
	return nil
}

// writeHistoryJSON is history's and export's JSON: {"messages": […]}.
func writeHistoryJSON(w io.Writer, rows []store.Row) error {
	out := make([]historyJSON, len(rows))
	for i, r := range rows {
		out[i] = newHistoryJSON(r)
	}
	return writeJSON(w, struct {
		Messages []historyJSON `json:"messages"`
	}{out})
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
	BatchID   int64     `json:"batch_id,omitempty"`
	ResendOf  int64     `json:"resend_of,omitempty"` // the local id this row sent again
}

func newHistoryJSON(r store.Row) historyJSON {
	out := historyJSON{Local: r.ID, Created: r.CreatedAt.In(sms.Minsk), To: r.Recipient, Sender: r.Sender, Text: r.Text,
		Outcome: string(r.State), Final: r.Final, ID: r.GatewayID, Parts: r.Parts, Code: int(r.Code), Error: r.Error,
		Agent: r.Agent, Transport: r.Transport, BatchID: r.BatchID, ResendOf: r.ResendOf}
	if r.Status != sms.StatusNone {
		out.Status = r.Status.String()
	}
	return out
}

func printHistory(w io.Writer, width int, rows []store.Row, l sms.Lang) {
	t := table{head: []string{"LOCAL", "SENT (MINSK)", "TO", "STATUS", "ID", "TEXT"}, flex: 5}
	for _, r := range rows {
		status := r.Bucket()
		if r.Code != 0 {
			status = fmt.Sprintf("refused %d %s", r.Code, r.Code.Text(l))
		}
		t.add(strconv.FormatInt(r.ID, 10), r.CreatedAt.In(sms.Minsk).Format(sms.TypedLayout), "+"+sms.Safe(r.Recipient), clip(status, 40), optInt(r.GatewayID), clip(r.Text, 200))
	}
	t.write(w, width)
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

type exportOpts struct {
	csv         string
	json, noBOM bool
}

func newExport(e *Env, g *globals) *cobra.Command {
	var ff filterFlags
	var o exportOpts
	c := &cobra.Command{
		Use:   "export --csv FILE|- [flags] | export --json [flags]",
		Short: "write the history as CSV (every row) or JSON",
		Long: `Write the history's messages, every row (resends linked by resend_of), as
CSV to a file or standard output, or as JSON on standard output. A .csv
file starts with a UTF-8 byte order mark, so that Excel opens it right
(--no-bom for other tools). Text that a spreadsheet would run as a formula
gets a leading '. On a terminal, --csv - shows control characters visibly.`,
		Example: `  smsdash export --csv history.csv
  smsdash export --csv - --status Delivered --no-bom | wc -l
  smsdash export --json --since 2026-12-01 > december.json`,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runExport(cmd.Context(), e, g, ff, o)
		},
	}
	c.Flags().StringVar(&o.csv, "csv", "", "write CSV to this `FILE` (- for standard output)")
	c.Flags().BoolVar(&o.json, "json", false, "print JSON on standard output instead")
	c.Flags().BoolVar(&o.noBOM, "no-bom", false, "no UTF-8 byte order mark at the start of a .csv file")
	ff.add(c, 0)
	_ = c.MarkFlagFilename("csv", "csv")
	return c
}

// bom is UTF-8's byte order mark: Excel reads a CSV that starts with it
// as UTF-8 (without, as the machine's code page).
const bom = "\ufeff"

func runExport(ctx context.Context, e *Env, g *globals, ff filterFlags, o exportOpts) error {
	if (o.csv == "") == !o.json {
		return usageErr("export: give --csv FILE (- for standard output) or --json, one of them")
	}
	f, err := ff.filter(time.Now())
	if err != nil {
		return err
	}
	a, err := open(e, g.config)
	if err != nil {
		return err
	}
	defer e.release(a)
	if o.json {
		f.WithResent = true // every row, as the CSV
		rows, err := a.Store.Latest(ctx, f)
		if err != nil {
			return err
		}
		return writeHistoryJSON(e.Stdout, rows)
	}
	if o.csv == "-" {
		return a.Store.Export(ctx, e.Stdout, f, isTerminal(e.Stdout))
	}
	file, err := os.OpenFile(o.csv, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return usageErr("--csv: %v", err)
	}
	out := &recordCounter{w: file}
	withBOM := !o.noBOM && strings.EqualFold(filepath.Ext(o.csv), ".csv")
	if withBOM {
		_, err = io.WriteString(file, bom)
	}
	if err == nil {
		err = a.Store.Export(ctx, out, f, false)
	}
	if err := errors.Join(err, file.Close()); err != nil {
		return err
	}
	enc := "UTF-8"
	if withBOM {
		enc = "UTF-8 with BOM, for Excel; --no-bom for other tools"
	}
	e.say("%s written to %s (%s)", sms.PluralEN("%d message row", "%d message rows").N(out.records-1), o.csv, enc)
	return nil
}
