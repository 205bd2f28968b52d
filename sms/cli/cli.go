// Package cli is smsdash's command line: send, status, balance and sim.
// It reads the config, falls back to DEMO mode on the built-in simulator
// when there is no config file, and maps outcomes to exit codes that
// scripts can rely on.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
)

// Exit codes.
const (
	ExitOK      = 0 // done
	ExitRefused = 1 // the gateway refused (a code)
	ExitUsage   = 2 // bad usage or config
	ExitNetwork = 3 // network failure, or a send whose outcome is unknown
)

// exitError carries an exit code with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &exitError{ExitUsage, fmt.Errorf(format, a...)}
}

// Env is what a command runs with; tests fill it.
type Env struct {
	Args   []string // after the program name
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Abort, when it ends, cuts a send's request in flight (the second
	// interrupt, see Interrupts); the context Run gets stops gracefully.
	// nil: never.
	Abort context.Context
}

// say writes a line for the person at the terminal to stderr. Its
// arguments often hold outside text (a file's column names, a gateway's
// reply), so the line is made safe as a whole.
func (e *Env) say(format string, args ...any) {
	fmt.Fprintln(e.Stderr, "smsdash:", sms.SafeLines(fmt.Sprintf(format, args...)))
}

type command struct {
	name, summary string
	run           func(ctx context.Context, e *Env, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"send", "send an SMS to one or more numbers", runSend},
		{"status", "ask the status of sent messages by id", runStatus},
		{"balance", "read the account's credits", runBalance},
		{"import", "check a CSV or XLSX list and send it as a batch", runImport},
		{"history", "list the messages sent, newest first", runHistory},
		{"export", "write the history as CSV", runExport},
		{"settle", "decide on messages whose outcome is unknown: resend or mark sent", runSettle},
		{"sim", "run the gateway simulator on loopback", runSim},
		{"demo", "tell where the DEMO world lasts; --reset starts it afresh", runDemo},
	}
}

// Run runs the command line and returns the process exit code.
func Run(ctx context.Context, e *Env) int {
	err := dispatch(ctx, e)
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	e.say("%v", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var code sms.Code
	if errors.As(err, &code) {
		return ExitRefused
	}
	return ExitNetwork
}

func dispatch(ctx context.Context, e *Env) error {
	configPath, args, err := takeConfigFlag(e.Args)
	if err != nil {
		return err
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(e.Stdout)
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			if configPath != "" {
				args = append([]string{args[0], "--config", configPath}, args[1:]...)
			}
			return c.run(ctx, e, args[1:])
		}
	}
	printUsage(e.Stderr)
	return usageErr("unknown command %q", args[0])
}

// takeConfigFlag takes a --config given before the command, so that it
// may stand before or after the command name.
func takeConfigFlag(args []string) (string, []string, error) {
	path := ""
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		a := strings.TrimLeft(args[0], "-")
		switch {
		case a == "config" && len(args) > 1:
			path, args = args[1], args[2:]
		case strings.HasPrefix(a, "config="):
			path, args = strings.TrimPrefix(a, "config="), args[1:]
		case a == "h" || a == "help":
			return "", args, nil
		default:
			return "", nil, usageErr("unknown flag %s before the command (only --config goes there)", args[0])
		}
	}
	return path, args, nil
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, `smsdash: send SMS through the SMS-Assistent gateway and watch them arrive.

Usage:
  smsdash [--config FILE] COMMAND [flags]

Commands:`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, `
Without a config file smsdash runs in DEMO mode on its built-in simulator:
nothing reaches a real phone. Its account and history last across runs,
shared by the dashboard and every command; "smsdash demo --reset" starts
them afresh. "smsdash COMMAND --help" tells more.

Exit codes: 0 done, 1 refused by the gateway, 2 bad usage or config,
3 network failure or a send whose outcome is unknown.`)
}

// newFlags makes a command's flag set with the flags every command shares.
func newFlags(e *Env, name, usage string) (*flag.FlagSet, *string, *bool) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.Stderr)
	cfg := fs.String("config", "", "config `file` (default $XDG_CONFIG_HOME/smsdash/config.toml)")
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: smsdash %s %s\n\nFlags:\n", name, usage)
		fs.PrintDefaults()
	}
	return fs, cfg, asJSON
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{ExitUsage, err}
	}
	return nil
}

// open assembles the core from the config (DEMO mode on the built-in
// simulator when there is no config file), reporting what a person
// should know on stderr.
func open(e *Env, path string) (*app.App, error) {
	a, err := app.Open(path)
	if err != nil {
		if errors.Is(err, app.ErrUsage) {
			return nil, &exitError{ExitUsage, err}
		}
		return nil, err
	}
	for _, w := range a.Warnings {
		e.say("warning: %v", w)
	}
	if a.Demo {
		e.say("DEMO mode: no config at %s; the built-in simulator's account and the DEMO history are in %s (smsdash demo --reset starts afresh); nothing reaches a real phone", a.ConfigPath, a.DemoDir)
	}
	if a.NeverLeft > 0 {
		e.say("%d message(s) were waiting to be sent when smsdash last stopped: they were not sent (see smsdash history --status not_sent)", a.NeverLeft)
	}
	if a.Recovered > 0 {
		e.say("%d message(s) were being sent when smsdash last stopped: their outcome is unknown (see smsdash history --status unknown); check before sending again", a.Recovered)
	}
	return a, nil
}

// gateway builds the transport named by api, or the config's.
func gateway(a *app.App, api string) (sms.Gateway, error) {
	g, err := a.Transport(api)
	switch {
	case errors.Is(err, app.ErrUsage):
		return nil, &exitError{ExitUsage, fmt.Errorf("--api: %w", err)}
	case err != nil:
		return nil, err
	}
	return g, nil
}
