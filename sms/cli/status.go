package cli

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/smsdash/smsdash/sms"
)

type statusOpts struct {
	api         string
	watch, json bool
}

func newStatus(e *Env, g *globals) *cobra.Command {
	var o statusOpts
	c := &cobra.Command{
		Use:   "status ID… [flags] | status --watch [ID…] [flags]",
		Short: "ask the status of sent messages by id, or follow them live",
		Long: `Ask the gateway the status of messages by their gateway id (the "id" of
send --json; local ids are history's). --watch follows them live until
every one is final: all the messages still followed when no id is given.
The exit code says how they fared: 0 every one delivered, 1 one not
delivered (or the gateway would not tell), 4 one not final yet.`,
		Example: `  smsdash status 3000000001 3000000002
  smsdash status 3000000001 --json
  smsdash status --watch
  smsdash status --watch 3000000001 --json`,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStatus(cmd.Context(), e, g, o, args)
		},
	}
	f := c.Flags()
	f.StringVar(&o.api, "api", "", "`transport`: plain, xml, json or smpp (default: the config's)")
	f.BoolVar(&o.watch, "watch", false, "follow the messages live until every one is final (all messages still followed when no ID is given)")
	f.BoolVar(&o.json, "json", false, "print JSON for scripts (with --watch: one JSON object a line)")
	completeWords(c, "api", transports...)
	return c
}

func runStatus(ctx context.Context, e *Env, g *globals, o statusOpts, args []string) error {
	if len(args) == 0 && !o.watch {
		return usageErr("status: give one or more message ids, or --watch")
	}
	ids := make([]int64, len(args))
	for i, a := range args {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return usageErr("status: %q is not a message id (a positive number)", a)
		}
		ids[i] = id
	}
	a, err := open(e, g.config)
	if err != nil {
		return err
	}
	defer e.release(a)
	gw, err := gateway(a, o.api)
	if err != nil {
		return err
	}
	if o.watch {
		return watchStatuses(ctx, e, a, gw, ids, o.json)
	}
	reports, err := gw.Statuses(ctx, ids)
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
	if o.json {
		err = writeJSON(e.Stdout, struct {
			Statuses []statusJSON `json:"statuses"`
		}{out})
	} else {
		printStatuses(e.Stdout, e.width(), out)
	}
	if err != nil {
		return err
	}
	var t tally
	t.statuses(ids, reports)
	return t.err()
}

func newBalance(e *Env, g *globals) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:               "balance [flags]",
		Short:             "read the account's credits",
		Long:              "Read the account's credits from the gateway (the history keeps the figure).",
		Example:           "  smsdash balance\n  smsdash balance --json",
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBalance(cmd.Context(), e, g, asJSON)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	return c
}

func runBalance(ctx context.Context, e *Env, g *globals, asJSON bool) error {
	a, err := open(e, g.config)
	if err != nil {
		return err
	}
	defer e.release(a)
	gw, err := gateway(a, "plain") // every API reads credits from the PLAIN URL
	if err != nil {
		return err
	}
	credits, err := gw.Balance(ctx)
	if err != nil {
		return err
	}
	if err := a.Store.RecordBalance(ctx, credits, time.Now()); err != nil {
		e.say("recording the balance: %v", err)
	}
	if asJSON {
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
