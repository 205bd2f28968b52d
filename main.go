// Command smsdash sends SMS through the SMS-Assistent gateway and watches
// them arrive. With no command it opens the dashboard; with one it runs
// the command line. This file only wires the two to their packages.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/cli"
	"github.com/smsdash/smsdash/ui"
)

func main() {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	stop, abort := cli.Interrupts(sigs)
	var code int
	if path, ok := dashboardArgs(os.Args[1:]); ok {
		code = dashboard(stop, abort, path)
	} else {
		code = cli.Run(stop, &cli.Env{Args: os.Args[1:], Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Abort: abort})
	}
	os.Exit(code)
}

// dashboardArgs: no command (at most --config FILE) opens the dashboard.
func dashboardArgs(args []string) (configPath string, ok bool) {
	switch {
	case len(args) == 0:
		return "", true
	case len(args) == 2 && (args[0] == "--config" || args[0] == "-config"):
		return args[1], true
	case len(args) == 1 && strings.HasPrefix(strings.TrimLeft(args[0], "-"), "config="):
		return strings.SplitN(args[0], "=", 2)[1], true
	}
	return "", false
}

func dashboard(stop, abort context.Context, path string) int {
	a, err := app.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "smsdash:", err)
		if errors.Is(err, app.ErrUsage) {
			return cli.ExitUsage
		}
		return cli.ExitNetwork
	}
	defer a.Close()
	if err := ui.Run(stop, abort, a, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "smsdash:", err)
		return 1
	}
	return 0
}
