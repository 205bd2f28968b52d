package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/config"
)

// runDemo is `smsdash demo [--reset]`: where the DEMO world lasts, or
// its reset (resetDemo).
func runDemo(_ context.Context, e *Env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	reset := fs.Bool("reset", false, "remove the DEMO world (the simulator's account and the DEMO history): the next DEMO start begins afresh")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: smsdash demo [--reset]\n\nWithout --reset it tells where the DEMO world lasts.\nExit code 1: another smsdash uses the DEMO world, nothing was reset.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("demo: unexpected argument %q", fs.Arg(0))
	}
	if *reset {
		return resetDemo(e)
	}
	dir, err := config.DemoDir()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "DEMO world: %s (the simulator's account and the DEMO history, shared by the dashboard and every command without a config; nothing in it reaches a real phone)\n", sms.Safe(dir))
	return nil
}

// resetDemo removes the DEMO world; it refuses (exit 1) while another
// smsdash uses it.
func resetDemo(e *Env) error {
	dir, err := app.ResetDemo()
	switch {
	case errors.Is(err, app.ErrDemoInUse):
		return &exitError{ExitRefused, err}
	case err != nil:
		return err
	}
	fmt.Fprintf(e.Stdout, "DEMO world reset: %s; the next DEMO start begins afresh\n", sms.Safe(dir))
	return nil
}
