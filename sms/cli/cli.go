// Package cli is smsdash's command line: send, status, balance, import,
// history, export, settle, sim and version, on github.com/spf13/cobra
// (flags before or after the arguments, GNU --long help, completion). It
// reads the config, falls back to DEMO mode on the built-in simulator when
// there is no config file, and maps outcomes to exit codes that scripts
// can rely on.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	mask "github.com/smsdash/smsdash/sms/secret"
	"github.com/smsdash/smsdash/sms/version"
)

// Exit codes. When several apply, the first of 3, 1, 4 wins: a message
// whose fate is unknown outranks one refused, which outranks one still
// on its way.
const (
	ExitOK      = 0  // every message accepted (delivered, when waited for)
	ExitRefused = 1  // some refused by the gateway or not delivered
	ExitUsage   = 2  // bad usage or config: nothing was done
	ExitNetwork = 3  // a network failure, messages not sent, or an outcome unknown
	ExitPending = 4  // the wait ended before every message was final
	ExitCrash   = 70 // smsdash itself failed (a bug): a crash report says where
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
	// Dashboard runs the dashboard, for smsdash without a command (main
	// wires the ui package, which this one does not import). It runs only
	// on a terminal.
	Dashboard func(ctx context.Context, configPath string) error
	// Serve runs smsdash serve (main wires the ui/serve package); stop
	// ends the sessions gracefully, abort cuts their sends in flight.
	Serve func(stop, abort context.Context, o ServeOptions) error
	// App, when set, is the core every command runs on instead of opening
	// a config: a command over smsdash serve runs on the server's core, as
	// Session. What makes no sense from another machine is refused
	// (remote.go).
	App *app.App
	// Session is who runs the commands: its agent is recorded on what
	// they send and settle. The zero value is the local user (the
	// config's account.agent).
	Session app.Session

	secrets []string // the open config's, masked in a crash report
	ran     bool     // a command's own code ran: an error before is cobra's, of usage
}

// say writes a line for the person at the terminal to stderr. Its
// arguments often hold outside text (a file's column names, a gateway's
// reply), so the line is made safe as a whole.
func (e *Env) say(format string, args ...any) {
	fmt.Fprintln(e.Stderr, "smsdash:", sms.SafeLines(fmt.Sprintf(format, args...)))
}

// Run runs the command line and returns the process exit code.
func Run(ctx context.Context, e *Env) (code int) {
	defer e.catch(&code)
	root := newRoot(e)
	root.SetArgs(e.Args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	e.say("%v", err)
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		return ee.code
	case !e.ran: // flags, arguments: what cobra checks before a command runs
		return ExitUsage
	}
	var code1 sms.Code
	if errors.As(err, &code1) {
		return ExitRefused
	}
	return ExitNetwork
}

// catch turns a panic into a crash report (secrets masked) and ExitCrash,
// as the dashboard's guard does (ui/crash.go).
func (e *Env) catch(code *int) {
	r := recover()
	if r == nil {
		return
	}
	m := mask.New(e.secrets...)
	path, err := version.Report(m.Mask(fmt.Sprint(r)), m.Mask(string(debug.Stack())))
	if err != nil {
		path = "not written: " + err.Error()
	}
	e.say("crashed (a bug in smsdash): %s; the report: %s", m.Mask(fmt.Sprint(r)), path)
	*code = ExitCrash
}

// globals are the flags every command takes.
type globals struct {
	config string
}

func newRoot(e *Env) *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "smsdash",
		Short: "send SMS through the SMS-Assistent gateway and watch them arrive",
		Long: `smsdash sends SMS through the SMS-Assistent gateway and watches them arrive.
Without a command it opens the dashboard (on a terminal).

Without a config file smsdash runs in DEMO mode on its built-in simulator:
nothing reaches a real phone. Its account and history last across runs,
shared by the dashboard and every command; "smsdash demo --reset" starts
them afresh.`,
		Example: `  smsdash                                  # the dashboard
  smsdash send --to 296717259 --text "Ваш код: 4711"
  smsdash status --watch
  smsdash help import`,
		Version:           version.Get().String(),
		Args:              noCommand,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDashboard(cmd.Context(), e, g.config)
		},
		SilenceErrors:              true,
		SilenceUsage:               true,
		SuggestionsMinimumDistance: 2,
	}
	root.SetIn(e.Stdin)
	root.SetOut(e.Stdout)
	root.SetErr(e.Stderr)
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErr("%v (smsdash %s --help lists the flags)", err, c.Name())
	})
	root.SetHelpFunc(func(c *cobra.Command, _ []string) { writeHelp(e, c) })
	root.PersistentFlags().StringVar(&g.config, "config", "", "the config `FILE` (default: ~/.config/smsdash/config.toml)")
	root.Flags().BoolP("version", "v", false, "print the version and the commit it was built from")
	root.AddCommand(newSend(e, g), newStatus(e, g), newBalance(e, g), newImport(e, g), newHistory(e, g),
		newExport(e, g), newSettle(e, g), newUpload(e), newSim(e, g), newDemo(e), newServe(e, g), newVersion(e))
	if e.App != nil {
		root.PersistentPreRunE = remote
	}
	markRun(e, root)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Short = "tell more about a command"
			c.Example = "  smsdash help send"
		case "completion":
			c.Short = "print the shell completion script (bash, zsh, fish, powershell)"
			c.Example = "  source <(smsdash completion bash)\n  smsdash completion fish > ~/.config/fish/completions/smsdash.fish"
		}
	}
	return root
}

func init() {
	cobra.EnableCommandSorting = false // the commands in the order they are added: the common first
}

// markRun makes every command note in e that its own code runs, and
// list its flags in the order they are added: the main ones first.
func markRun(e *Env, c *cobra.Command) {
	c.Flags().SortFlags = false
	if run := c.RunE; run != nil {
		c.RunE = func(cmd *cobra.Command, args []string) error {
			e.ran = true
			return run(cmd, args)
		}
	}
	for _, sub := range c.Commands() {
		markRun(e, sub)
	}
}

// noCommand: the dashboard takes no arguments, so one is a command
// mistyped.
func noCommand(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	hint := "smsdash --help lists the commands"
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		hint = "did you mean " + strings.Join(s, " or ") + "? " + hint
	}
	return usageErr("unknown command %q (%s)", args[0], hint)
}

// noArgs refuses stray arguments: a flag's value not quoted, a word
// left over.
func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErr("%s: unexpected argument %q (quote a value with spaces; smsdash %s --help)", c.Name(), args[0], c.Name())
	}
	return nil
}

// runDashboard opens the dashboard, which needs a terminal to draw on and
// read keys from.
func runDashboard(ctx context.Context, e *Env, config string) error {
	if !isTerminal(e.Stdin) || !isTerminal(e.Stdout) || e.Dashboard == nil {
		return usageErr("the dashboard needs a terminal; see smsdash --help")
	}
	err := e.Dashboard(ctx, config)
	if errors.Is(err, app.ErrUsage) {
		return &exitError{ExitUsage, err}
	}
	return err
}

// release closes a core open opened; one the caller gave (e.App) stays
// open for its other commands.
func (e *Env) release(a *app.App) {
	if e.App == nil {
		a.Close()
	}
}

// open assembles the core from the config (DEMO mode on the built-in
// simulator when there is no config file), reporting what a person
// should know on stderr.
func open(e *Env, path string) (*app.App, error) {
	a := e.App
	if a == nil {
		var err error
		if a, err = app.Open(path); err != nil {
			if errors.Is(err, app.ErrUsage) {
				return nil, &exitError{ExitUsage, err}
			}
			return nil, err
		}
	}
	e.secrets = a.Config().Secrets()
	if a.Demo {
		e.say("DEMO mode: no config at %s; the built-in simulator's account and the DEMO history are in %s (smsdash demo --reset starts afresh); nothing reaches a real phone", a.ConfigPath, a.DemoDir)
	}
	if e.App != nil {
		return a, nil // what the core's start found is told where it started
	}
	for _, w := range a.Warnings {
		e.say("warning: %v", w)
	}
	if a.NeverLeft > 0 {
		e.say("%s", sms.PluralEN("%d message was waiting to be sent when smsdash last stopped: it was not sent (see smsdash history --status not_sent)",
			"%d messages were waiting to be sent when smsdash last stopped: they were not sent (see smsdash history --status not_sent)").N(a.NeverLeft))
	}
	if a.Recovered > 0 {
		e.say("%s", sms.PluralEN("%d message was being sent when smsdash last stopped: its outcome is unknown (see smsdash history --status unknown); check it before sending again",
			"%d messages were being sent when smsdash last stopped: their outcome is unknown (see smsdash history --status unknown); check them before sending again").N(a.Recovered))
	}
	return a, nil
}

// gateway builds the transport named by api, or the config's.
func gateway(a *app.App, api string) (sms.Gateway, error) {
	g, err := a.Transport(api)
	return g, cliErr(err)
}

// cliErr gives a bad transport (from --api or the config) its exit code.
func cliErr(err error) error {
	if errors.Is(err, app.ErrUsage) {
		return &exitError{ExitUsage, fmt.Errorf("--api: %w", err)}
	}
	return err
}

func newVersion(e *Env) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:               "version [flags]",
		Short:             "print the version and the commit it was built from",
		Long:              "Print smsdash's version, the commit it was built from (and whether that\ntree had changes), and the Go toolchain.",
		Example:           "  smsdash version\n  smsdash --version\n  smsdash version --json",
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(*cobra.Command, []string) error {
			v := version.Get()
			if asJSON {
				return writeJSON(e.Stdout, struct {
					Version  string `json:"version"`
					Commit   string `json:"commit"`
					Modified bool   `json:"modified"`
					Go       string `json:"go"`
				}{v.Version, v.Commit, v.Modified, v.Go})
			}
			_, err := fmt.Fprintln(e.Stdout, v)
			return err
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	return c
}
