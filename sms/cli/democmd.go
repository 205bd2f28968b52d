package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/config"
)

// newDemo is `smsdash demo [--reset]`: where the DEMO world lasts, or
// its reset.
func newDemo(e *Env) *cobra.Command {
	var reset bool
	c := &cobra.Command{
		Use:   "demo [--reset]",
		Short: "tell where the DEMO world lasts; --reset starts it afresh",
		Long: `Tell where the DEMO world lasts: the simulator's account, its messages and
their statuses, and the DEMO history, shared by the dashboard and every
command run without a config. Nothing in it reaches a real phone.
--reset removes it, so that the next DEMO start begins afresh; it is
refused (exit 1) while another smsdash uses the DEMO world.`,
		Example: `  smsdash demo
  smsdash demo --reset`,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(*cobra.Command, []string) error {
			if reset {
				return resetDemo(e)
			}
			dir, err := config.DemoDir()
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Stdout, "DEMO world: %s (the simulator's account and the DEMO history, shared by the dashboard and every command without a config; nothing in it reaches a real phone)\n", sms.Safe(dir))
			return nil
		},
	}
	c.Flags().BoolVar(&reset, "reset", false, "remove the DEMO world: the next DEMO start begins afresh")
	return c
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
