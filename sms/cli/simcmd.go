package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/sim"
)

func runSim(ctx context.Context, e *Env, args []string) error {
	fs, _, _ := newFlags(e, "sim", "[flags]")
	addr := fs.String("http", "127.0.0.1:8080", "HTTP listen `address` (loopback only unless --allow-remote)")
	allowRemote := fs.Bool("allow-remote", false, "allow listening on a non-loopback address")
	writeConfig := fs.String("write-config", "", "write a client config `file` that points at this simulator")
	var opts sim.Options
	opts.RegisterFlags(fs)
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
	if *writeConfig != "" {
		cfg := config.Demo(run.URL(), "")
		cfg.Account.Login, cfg.Account.Password = opts.Login, opts.Password
		// Its own history beside it: simulated sends stay out of the real one.
		cfg.Store.Path = filepath.Join(filepath.Dir(*writeConfig), "history.db")
		if err := config.Save(*writeConfig, cfg); err != nil {
			return usageErr("--write-config: %v", err)
		}
	}
	fmt.Fprintf(e.Stdout, "smsdash sim: listening on %s\n", run.URL())
	<-ctx.Done()
	fmt.Fprintln(e.Stdout, "smsdash sim: stopped")
	return nil
}
