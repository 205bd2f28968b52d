package cli

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/smppsim"
)

type simOpts struct {
	addr, writeConfig, smppAddr, state string
	allowRemote                        bool
	opts                               sim.Options
	smppFaults                         smppsim.Faults
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
	fs.StringVar(&o.state, "state", "", "keep the account (balance, messages, their statuses) in this `file` across runs, shared with every simulator on it (default: in memory, gone at exit)")
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
	run, err := startSim(o.addr, o.state, o.opts)
	if err != nil {
		return err
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
		store, err := simHistory(o.writeConfig)
		if err != nil {
			return usageErr("--write-config: %v", err)
		}
		cfg.Store.Path = store
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

// startSim starts the simulator on addr, its account in memory or, with
// state, in that world file.
func startSim(addr, state string, o sim.Options) (*sim.Running, error) {
	if state == "" {
		run, err := sim.Start(addr, o)
		if err != nil {
			return nil, usageErr("--http: %v", err)
		}
		return run, nil
	}
	srv, err := sim.Open(state, o)
	if err != nil {
		return nil, usageErr("--state: %v", err)
	}
	run, err := sim.Serve(addr, srv)
	if err != nil {
		srv.Close()
		return nil, usageErr("--http: %v", err)
	}
	return run, nil
}

// simHistory is the history of a config --write-config writes: beside it
// and named after it ("sim.toml": "sim-history.db"), so that simulated
// sends stay out of the real history and two simulators configured in one
// folder keep theirs apart.
func simHistory(configPath string) (string, error) {
	abs, err := filepath.Abs(configPath)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(abs, filepath.Ext(abs)) + "-history.db", nil
}
