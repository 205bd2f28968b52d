package cli

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/smsdash/smsdash/sms/app"
)

// ServeOptions are smsdash serve's flags.
type ServeOptions struct {
	Config         string        // the config FILE ("" for the default, or DEMO mode)
	Listen         string        // host:port
	AllowRemote    bool          // a listen address other than loopback is meant
	HostKey        string        // the host key's FILE ("" for config.HostKeyPath)
	AuthorizedKeys string        // the agents' keys ("" for authorized_keys beside the config)
	Uploads        string        // the agents' folders, one each: the only files a session sees ("" for config.UploadsDir)
	MaxSessions    int           // sessions at once; more are refused
	Idle           time.Duration // a dashboard with no key for this long is ended
}

// Defaults of smsdash serve's flags.
const (
	DefaultListen      = "127.0.0.1:2222"
	DefaultMaxSessions = 50
	DefaultIdle        = 30 * time.Minute
)

// Check refuses options that cannot work, and a listen address reachable
// from other machines unless AllowRemote says that is meant: the
// dashboard sends SMS on the account's money.
func (o ServeOptions) Check() error {
	host, _, err := net.SplitHostPort(o.Listen)
	if err != nil {
		return fmt.Errorf("--listen %q: %v (give host:port, e.g. %s)", o.Listen, err, DefaultListen)
	}
	if !o.AllowRemote {
		ip := net.ParseIP(host)
		if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return fmt.Errorf("--listen %q: not a loopback address; other machines could connect: add --allow-remote if that is meant", o.Listen)
		}
	}
	if o.MaxSessions < 1 {
		return fmt.Errorf("--max-sessions %d: give at least 1", o.MaxSessions)
	}
	if o.Idle < time.Second {
		return fmt.Errorf("--idle %v: give at least 1s", o.Idle)
	}
	return nil
}

func newServe(e *Env, g *globals) *cobra.Command {
	o := ServeOptions{}
	c := &cobra.Command{
		Use:   "serve [flags]",
		Short: "serve the dashboard and the commands over SSH to the agents",
		Long: `Serve the dashboard over SSH: each agent runs "ssh -p 2222 HOST" and gets
the dashboard, or "ssh -p 2222 HOST send --to … --text -" and gets the
command, on this machine's config and history; the account's password
never leaves it. Agents sign in with the public keys in the authorized_keys
file (re-read when it changes); each message is recorded under the name in
its key's comment. An environment="SMSDASH_ROLE=admin" option marks an
admin. The host key is made on first start and kept. It listens on
loopback unless --allow-remote. SIGTERM ends every session gracefully: a
send under way finishes its package, the rest is recorded as not sent.`,
		Example: `  smsdash serve
  smsdash serve --listen 0.0.0.0:2222 --allow-remote
  smsdash serve --authorized-keys /etc/smsdash/agents --idle 1h`,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Config = g.config
			if err := o.Check(); err != nil {
				return &exitError{ExitUsage, err}
			}
			if e.Serve == nil {
				return errors.New("serve: not built into this smsdash")
			}
			err := e.Serve(cmd.Context(), e.abortCtx(), o)
			if errors.Is(err, app.ErrUsage) {
				return &exitError{ExitUsage, err}
			}
			return err
		},
	}
	f := c.Flags()
	f.StringVar(&o.Listen, "listen", DefaultListen, "listen `address` host:port (loopback only unless --allow-remote)")
	f.BoolVar(&o.AllowRemote, "allow-remote", false, "allow a listen address other machines can reach")
	f.StringVar(&o.HostKey, "host-key", "", "the host key `FILE`, made (0600) on first start (default: ~/.local/state/smsdash/ssh_host_ed25519_key)")
	f.StringVar(&o.AuthorizedKeys, "authorized-keys", "", "the agents' public keys, OpenSSH authorized_keys `FILE` (default: authorized_keys beside the config)")
	f.StringVar(&o.Uploads, "uploads", "", "the `DIR` of the agents' folders (one each, made 0700): the only files an agent's Batch tab sees (default: ~/.local/state/smsdash/uploads)")
	f.IntVar(&o.MaxSessions, "max-sessions", DefaultMaxSessions, "`N` sessions at once at most; more are refused")
	f.DurationVar(&o.Idle, "idle", DefaultIdle, "end a dashboard after this `duration` without a key")
	return c
}
