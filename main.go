// Command smsdash sends SMS through the SMS-Assistent gateway and watches
// them arrive. With no command it opens the dashboard; with one it runs
// the command line. This file only wires the two to their packages.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/cli"
	"github.com/smsdash/smsdash/ui"
	"github.com/smsdash/smsdash/ui/serve"
)

func main() {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	stop, abort := cli.Interrupts(sigs)
	dashboard := func(_ context.Context, configPath string) error {
		a, err := app.Open(configPath)
		if err != nil {
			return err
		}
		defer a.Close()
		return ui.Run(stop, abort, a, os.Stdin, os.Stdout)
	}
	serveSSH := func(stop, abort context.Context, o cli.ServeOptions) error {
		return serve.Run(stop, abort, o, os.Stderr)
	}
	os.Exit(cli.Run(stop, &cli.Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Abort: abort,
		Dashboard: dashboard, Serve: serveSSH}))
}
