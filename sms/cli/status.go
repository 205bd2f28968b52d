package cli

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/smsdash/smsdash/sms"
)

func runStatus(ctx context.Context, e *Env, args []string) error {
	fs, cfgPath, asJSON := newFlags(e, "status", "[flags] ID…")
	api := fs.String("api", "", "transport: plain, xml or json (default: the config's)")
	watch := fs.Bool("watch", false, "follow the messages live until every one is final (all messages still followed when no ID is given)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 && !*watch {
		return usageErr("status: give one or more message ids, or --watch")
	}
	ids := make([]int64, fs.NArg())
	for i, a := range fs.Args() {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return usageErr("status: %q is not a message id (a positive number)", a)
		}
		ids[i] = id
	}
	a, err := open(e, *cfgPath)
	if err != nil {
		return err
	}
	defer a.Close()
	g, err := gateway(a, *api)
	if err != nil {
		return err
	}
	if *watch {
		return watchStatuses(ctx, e, a, g, ids, *asJSON)
	}
	reports, err := g.Statuses(ctx, ids)
	if err != nil {
		return err
	}
	if _, err := a.Store.ApplyStatuses(ctx, "http", reports); err != nil {
		e.say("recording statuses: %v", err)
	}
	out := make([]statusJSON, len(reports))
	for i, r := range reports {
		out[i] = newStatusJSON(r, a.Lang())
	}
	if *asJSON {
		return writeJSON(e.Stdout, struct {
			Statuses []statusJSON `json:"statuses"`
		}{out})
	}
	printStatuses(e.Stdout, out)
	for _, r := range reports {
		if r.Code != 0 {
			return &exitError{ExitRefused, fmt.Errorf("the gateway refused to tell the status of some ids")}
		}
	}
	return nil
}

func runBalance(ctx context.Context, e *Env, args []string) error {
	fs, cfgPath, asJSON := newFlags(e, "balance", "[flags]")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("balance: unexpected argument %q", fs.Arg(0))
	}
	a, err := open(e, *cfgPath)
	if err != nil {
		return err
	}
	defer a.Close()
	g, err := gateway(a, "plain") // every API reads credits from the PLAIN URL
	if err != nil {
		return err
	}
	credits, err := g.Balance(ctx)
	if err != nil {
		return err
	}
	if err := a.Store.RecordBalance(ctx, credits, time.Now()); err != nil {
		e.say("recording the balance: %v", err)
	}
	if *asJSON {
		return writeJSON(e.Stdout, struct {
			Credits float64 `json:"credits"`
		}{credits})
	}
	label := "credits"
	if a.Lang() == sms.RU {
		label = "кредитов"
	}
	fmt.Fprintf(e.Stdout, "%.2f %s\n", credits, label)
	return nil
}
