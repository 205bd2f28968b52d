package cli

import (
	"context"
	"fmt"
	"path/filepath"

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
	run, err := sim.Start(*addr, opts)
	if err != nil {
		return usageErr("--http: %v", err)
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
		// Its own history beside it: simulated sends stay out of the real one.
		cfg.Store.Path = filepath.Join(filepath.Dir(*writeConfig), "history.db")
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
