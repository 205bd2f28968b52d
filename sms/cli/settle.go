package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/store"
)

type settleOpts struct {
	batch                   int64
	resend, mark, yes, json bool
}

// newSettle is the agent's decision on messages whose outcome is unknown:
// they may have reached the gateway, so smsdash never sends them again by
// itself. --resend sends them again (a recipient may get one twice);
// --mark-sent records them as sent. The history keeps who decided.
func newSettle(e *Env, g *globals) *cobra.Command {
	var o settleOpts
	c := &cobra.Command{
		Use:   "settle (LOCAL_ID… | --batch N) --resend|--mark-sent [flags]",
		Short: "decide on messages whose outcome is unknown: resend or mark sent",
		Long: `Decide on messages whose outcome is unknown: they may have reached the
gateway, so smsdash never sends them again by itself. --resend sends them
again (a recipient may get one twice); --mark-sent records them as sent.
It asks first (--yes for scripts); the history keeps who decided.`,
		Example: `  smsdash history --status unknown
  smsdash settle 12 13 --mark-sent
  smsdash settle --batch 4 --resend --yes --json`,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSettle(cmd.Context(), e, g, o, args)
		},
	}
	f := c.Flags()
	f.Int64Var(&o.batch, "batch", 0, "every message of unknown outcome in this `batch`")
	f.BoolVar(&o.resend, "resend", false, "send them again: a recipient may get the message twice")
	f.BoolVar(&o.mark, "mark-sent", false, "record them as sent (you checked that they arrived)")
	f.BoolVar(&o.yes, "yes", false, "decide without asking (needed when standard input is not a terminal)")
	f.BoolVar(&o.json, "json", false, "print JSON for scripts")
	completeBatches(c, e, g, "batch", unknownBatches)
	return c
}

func runSettle(ctx context.Context, e *Env, g *globals, o settleOpts, pos []string) error {
	switch {
	case o.resend == o.mark:
		return usageErr("settle: give --resend or --mark-sent")
	case (len(pos) > 0) == (o.batch != 0):
		return usageErr("settle: give the local ids (smsdash history --status unknown lists them) or --batch N, not both")
	}
	var err error
	ids := make([]int64, len(pos))
	for i, p := range pos {
		if ids[i], err = strconv.ParseInt(p, 10, 64); err != nil || ids[i] <= 0 {
			return usageErr("settle: %q is not a local message id (a positive number)", p)
		}
	}
	a, err := open(e, g.config)
	if err != nil {
		return err
	}
	defer e.release(a)
	rows, err := unknownRows(ctx, e, a.Store, ids, o.batch)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return usageErr("settle: no message of unknown outcome there (smsdash history --status unknown lists them)")
	}
	if !o.json {
		printUnknown(e.Stdout, e.width(), rows)
	}
	ids = ids[:0]
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	question := sms.PluralEN("mark %d message as sent? It will not be sent again.", "mark these %d messages as sent? They will not be sent again.").N(len(rows))
	if o.resend {
		question = sms.PluralEN("send %d message again? It may have reached its recipient already: a resend may deliver it twice.",
			"send these %d messages again? Each may have reached its recipient already: a resend may deliver it twice.").N(len(rows))
	}
	if ok, err := confirm(ctx, e, o.yes, question); !ok || err != nil {
		return err
	}
	if o.mark {
		n, err := a.MarkSent(ctx, e.Session.AgentIn(a.Config()), ids)
		if err != nil {
			return err
		}
		if o.json {
			return writeJSON(e.Stdout, struct {
				Marked int `json:"marked_sent"`
			}{n})
		}
		fmt.Fprintln(e.Stdout, nMessages.N(n), "marked as sent")
		return nil
	}
	return resendRows(ctx, e, a, rows, o.json)
}

// unknownRows gives the messages of unknown outcome among ids, or in the
// batch; an id in another state is said and left out.
func unknownRows(ctx context.Context, e *Env, st *store.Store, ids []int64, batchID int64) ([]store.Row, error) {
	if batchID != 0 {
		return st.Latest(ctx, store.Filter{BatchID: batchID, Status: string(store.StateUnknown)})
	}
	var rows []store.Row
	for _, id := range ids {
		r, err := st.Message(ctx, id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			e.say("#%d: no such message in the history", id)
		case err != nil:
			return nil, err
		case r.State != store.StateUnknown:
			e.say("#%d: its outcome is %s, not unknown: left alone", id, r.Bucket())
		default:
			rows = append(rows, r)
		}
	}
	return rows, nil
}

func printUnknown(w io.Writer, width int, rows []store.Row) {
	t := table{head: []string{"LOCAL", "TO", "TEXT", "WHY UNKNOWN"}, flex: 3}
	for _, r := range rows {
		t.add(strconv.FormatInt(r.ID, 10), "+"+sms.Safe(r.Recipient), clip(r.Text, 30), clip(r.Error, 200))
	}
	t.write(w, width)
}

// resendRows sends the rows again through their own transport when it
// can, and prints the outcome as send does.
func resendRows(ctx context.Context, e *Env, a *app.App, rows []store.Row, asJSON bool) error {
	agent := e.Session.AgentIn(a.Config())
	ob, err := a.Outbox(rows[0].Transport, agent)
	if err != nil { // its own transport is gone from the config: the config's
		if ob, err = a.Outbox("", agent); err != nil {
			return err
		}
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	newIDs, results, err := ob.Resend(e.abortCtx(), ids)
	if err != nil {
		return err
	}
	out := sendOutput{Results: make([]resultJSON, len(results))}
	for i, r := range results {
		row, err := a.Store.Message(context.WithoutCancel(ctx), newIDs[i])
		if err != nil {
			return err
		}
		out.Results[i] = newResultJSON(row.Recipient, r, a.Lang())
		out.Results[i].Local = newIDs[i]
	}
	if asJSON {
		err = writeJSON(e.Stdout, out)
	} else {
		printSend(e.Stdout, e.width(), out, a.Lang())
	}
	if err != nil {
		return err
	}
	var t tally
	t.results(results)
	return t.err()
}
