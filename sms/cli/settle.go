package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/store"
)

// runSettle is the agent's decision on messages whose outcome is unknown:
// they may have reached the gateway, so smsdash never sends them again by
// itself. --resend sends them again (a recipient may get one twice);
// --mark-sent records them as sent. The history keeps who decided.
func runSettle(ctx context.Context, e *Env, args []string) error {
	fs, cfgPath, asJSON := newFlags(e, "settle", "(ID… | --batch N) --resend|--mark-sent [--yes]")
	batchID := fs.Int64("batch", 0, "every message of unknown outcome in this `batch`")
	resend := fs.Bool("resend", false, "send them again: a recipient may get the message twice")
	mark := fs.Bool("mark-sent", false, "record them as sent (you checked that they arrived)")
	yes := fs.Bool("yes", false, "decide without asking (needed when standard input is not a terminal)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *resend == *mark:
		return usageErr("settle: give --resend or --mark-sent")
	case (len(pos) > 0) == (*batchID != 0):
		return usageErr("settle: give the local ids (smsdash history --status unknown lists them) or --batch N, not both")
	}
	ids := make([]int64, len(pos))
	for i, p := range pos {
		if ids[i], err = strconv.ParseInt(p, 10, 64); err != nil || ids[i] <= 0 {
			return usageErr("settle: %q is not a local message id (a positive number)", p)
		}
	}
	a, err := open(e, *cfgPath)
	if err != nil {
		return err
	}
	defer a.Close()
	rows, err := unknownRows(ctx, e, a.Store, ids, *batchID)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return usageErr("settle: no message of unknown outcome there (smsdash history --status unknown lists them)")
	}
	if !*asJSON {
		printUnknown(e.Stdout, rows)
	}
	ids = ids[:0]
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	question := fmt.Sprintf("mark these %d message(s) as sent? They will not be sent again.", len(rows))
	if *resend {
		question = fmt.Sprintf("send these %d message(s) again? Each may have reached its recipient already: a resend may deliver it twice.", len(rows))
	}
	if ok, err := confirm(ctx, e, *yes, question); !ok || err != nil {
		return err
	}
	if *mark {
		n, err := a.Store.MarkSent(ctx, a.Config.Account.Agent, ids)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.Stdout, struct {
				Marked int `json:"marked_sent"`
			}{n})
		}
		fmt.Fprintf(e.Stdout, "%d message(s) marked as sent\n", n)
		return nil
	}
	return resendRows(ctx, e, a, rows, *asJSON)
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

func printUnknown(w io.Writer, rows []store.Row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "LOCAL\tTO\tTEXT\tWHY UNKNOWN")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t+%s\t%s\t%s\n", r.ID, sms.Safe(r.Recipient), clip(r.Text, 30), clip(r.Error, 40))
	}
	tw.Flush()
}

// resendRows sends the rows again through their own transport when it
// can, and prints the outcome as send does.
func resendRows(ctx context.Context, e *Env, a *app.App, rows []store.Row, asJSON bool) error {
	ob := *a.Outbox
	if tr := rows[0].Transport; tr != ob.Transport {
		if g, err := gateway(a, tr); err == nil {
			ob = a.NewOutbox(g, tr)
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
		printSend(e.Stdout, out, a.Lang())
	}
	if err != nil {
		return err
	}
	return sendExit(results)
}
