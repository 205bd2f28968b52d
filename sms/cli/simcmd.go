package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/smppsim"
)

func runSim(ctx context.Context, e *Env, args []string) error {
	fs, _, _ := newFlags(e, "sim", "[flags]")
	addr := fs.String("http", "127.0.0.1:8080", "HTTP listen `address` (loopback only unless --allow-remote)")
	allowRemote := fs.Bool("allow-remote", false, "allow listening on a non-loopback address")
	writeConfig := fs.String("write-config", "", "write a client config `file` that points at this simulator")
	smppAddr := fs.String("smpp", "", "also serve SMPP on this `address` (loopback only unless --allow-remote)")
	state := fs.String("state", "", "keep the account (balance, messages, their statuses) in this `file` across runs, shared with every simulator on it (default: in memory, gone at exit)")
	var opts sim.Options
	opts.RegisterFlags(fs)
	var smppFaults smppsim.Faults
	smppFaults.RegisterFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := sim.CheckListenAddr(*addr, *allowRemote); err != nil {
		return usageErr("--http: %v", err)
	}
	run, err := startSim(*addr, *state, opts)
	if err != nil {
		return err
	}
	defer run.Close()
	smscAddr := ""
	if *smppAddr != "" {
		if err := sim.CheckListenAddr(*smppAddr, *allowRemote); err != nil {
			return usageErr("--smpp: %v", err)
		}
		smsc, err := smppsim.Start(*smppAddr, smppsim.Options{Account: opts, Ledger: run.Server(), Faults: smppFaults})
		if err != nil {
			return usageErr("--smpp: %v", err)
		}
		defer smsc.Close()
		smscAddr = smsc.Addr()
	}
	if *writeConfig != "" {
		cfg := config.Demo(run.URL(), smscAddr)
		cfg.Account.Login, cfg.Account.Password = opts.Login, opts.Password
		cfg.SMPP.User, cfg.SMPP.Password = opts.Login, opts.Password
		store, err := simHistory(*writeConfig)
		if err != nil {
			return usageErr("--write-config: %v", err)
		}
		cfg.Store.Path = store
		if err := config.Save(*writeConfig, cfg); err != nil {
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
	srv := sim.New(o)
	if state != "" {
		var err error
		if srv, err = sim.Open(state, o); err != nil {
			return nil, usageErr("--state: %v", err)
		}
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
