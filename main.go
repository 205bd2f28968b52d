// Command smsdash sends SMS through the SMS-Assistent gateway and watches
// them arrive. This file only wires the command line to its packages.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/smsdash/smsdash/sms/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, &cli.Env{
		Args:   os.Args[1:],
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
	})
	stop()
	os.Exit(code)
}
