package cli

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/smppsim"
)

type simOpts struct {
	addr, writeConfig, smppAddr string
	allowRemote                 bool
	opts                        sim.Options
	smppFaults                  smppsim.Faults
}

func newSim(e *Env, _ *globals) *cobra.Command {
	o := &simOpts{}
	// The simulator's packages register their options on a flag.FlagSet;
	// cobra takes them as they are.
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.StringVar(&o.addr, "http", "127.0.0.1:8080", "HTTP listen `address` (loopback only unless --allow-remote)")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow listening on a non-loopback address")
	fs.StringVar(&o.writeConfig, "write-config", "", "write a client config `file` that points at this simulator")
	fs.StringVar(&o.smppAddr, "smpp", "", "also serve SMPP on this `address` (loopback only unless --allow-remote)")
	o.opts.RegisterFlags(fs)
	o.smppFaults.RegisterFlags(fs)
	c := &cobra.Command{
		Use:   "sim [flags]",
		Short: "run the gateway simulator on loopback",
		Long: `Run a faithful SMS-Assistent simulator on loopback, until interrupted: the
three HTTP APIs (and SMPP with --smpp), every result code, the balance
charged per part, statuses that move Queued → Sent → final on a clock,
and fault injection. The recipient's last two digits decide the outcome:
00 Rejected, 01 Expired, 02 Failed, 03 stays Unknown, others Delivered.`,
		Example: `  smsdash sim --write-config /tmp/sim/config.toml
  smsdash sim --http 127.0.0.1:0 --smpp 127.0.0.1:2775 --queued-for 1s
  smsdash sim --latency 200ms --drop 0.05 --balance 10`,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSim(cmd.Context(), e, o)
		},
	}
	c.Flags().AddGoFlagSet(fs)
	return c
}

func runSim(ctx context.Context, e *Env, o *simOpts) error {
	if err := sim.CheckListenAddr(o.addr, o.allowRemote); err != nil {
		return usageErr("--http: %v", err)
	}
	run, err := sim.Start(o.addr, o.opts)
	if err != nil {
		return usageErr("--http: %v", err)
	}
	defer run.Close()
	smscAddr := ""
	if o.smppAddr != "" {
		if err := sim.CheckListenAddr(o.smppAddr, o.allowRemote); err != nil {
			return usageErr("--smpp: %v", err)
		}
		smsc, err := smppsim.Start(o.smppAddr, smppsim.Options{Account: o.opts, Ledger: run.Server(), Faults: o.smppFaults})
		if err != nil {
			return usageErr("--smpp: %v", err)
		}
		defer smsc.Close()
		smscAddr = smsc.Addr()
	}
	if o.writeConfig != "" {
		cfg := config.Demo(run.URL(), smscAddr)
		cfg.Account.Login, cfg.Account.Password = o.opts.Login, o.opts.Password
		cfg.SMPP.User, cfg.SMPP.Password = o.opts.Login, o.opts.Password
		// Its own history beside it: simulated sends stay out of the real one.
		cfg.Store.Path = filepath.Join(filepath.Dir(o.writeConfig), "history.db")
		if err := config.Save(o.writeConfig, cfg); err != nil {
			return usageErr("--write-config: %v", err)
		}
	}
	fmt.Fprintf(e.Stdout, "smsdash sim: listening on %s\n", run.URL())
	if smscAddr != "" {
		fmt.Fprintf(e.Stdout, "smsdash sim: SMPP on %s\n", smscAddr)
	}
	<-ctx.Done()
	fmt.Fprintln(e.Stdout, "smsdash sim: stopped")
	return nil
}
