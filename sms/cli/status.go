package cli

import (
	"context"
	"fmt"
	"strconv"

	"github.com/smsdash/smsdash/sms"
)

func runStatus(ctx context.Context, e *Env, args []string) error {
	fs, cfgPath, asJSON := newFlags(e, "status", "[flags] ID…")
	api := fs.String("api", "", "transport: plain, xml or json (default: the config's)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageErr("status: give one or more message ids")
	}
	ids := make([]int64, fs.NArg())
	for i, a := range fs.Args() {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return usageErr("status: %q is not a message id (a positive number)", a)
		}
		ids[i] = id
	}
	s, err := open(e, *cfgPath)
	if err != nil {
		return err
	}
	defer s.Close()
	g, err := s.gateway(*api)
	if err != nil {
		return err
	}
	reports, err := g.Statuses(ctx, ids)
	if err != nil {
		return err
	}
	out := make([]statusJSON, len(reports))
	for i, r := range reports {
		out[i] = newStatusJSON(r, s.lang)
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
	s, err := open(e, *cfgPath)
	if err != nil {
		return err
	}
	defer s.Close()
	g, err := s.gateway("plain") // every API reads credits from the PLAIN URL
	if err != nil {
		return err
	}
	credits, err := g.Balance(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.Stdout, struct {
			Credits float64 `json:"credits"`
		}{credits})
	}
	label := "credits"
	if s.lang == sms.RU {
		label = "кредитов"
	}
	fmt.Fprintf(e.Stdout, "%.2f %s\n", credits, label)
	return nil
}
