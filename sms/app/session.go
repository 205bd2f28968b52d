package app

import (
	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/secret"
)

// Session is one person on the core: the local terminal, an SSH
// connection. The core is shared; what is the person's own is here.
type Session struct {
	// Agent is recorded with every send and settlement; "" is the
	// config's account.agent, as it is at the time (the local terminal).
	Agent string
	// Admin may change the configuration; others may only read it.
	Admin bool
	// Files is the folder whose files the session may open, seen as "/":
	// nothing above it, no link that leads out; "" is the local disk.
	Files string
	// Lang is the session's language; "" takes the config's at start.
	Lang sms.Lang
}

// Local is the session of the terminal smsdash runs in: its owner, an
// admin, on the local disk, as the config says.
func Local() Session { return Session{Admin: true} }

// AgentIn is the agent the session's sends record, with the config c.
func (s Session) AgentIn(c *config.Config) string {
	if s.Agent == "" {
		return c.Account.Agent
	}
	return s.Agent
}

// ErrNotAdmin refuses a change of the configuration to a session that
// may only read it.
var ErrNotAdmin = &sms.Error{
	EN: "only an administrator may change the settings: this session may read them",
	RU: "менять настройки может только администратор: в этом сеансе их можно только смотреть",
}

// MayConfigure says whether the session may change the configuration
// (ErrNotAdmin if not): the one rule for saving it and moving it aside.
func (s Session) MayConfigure() error {
	if !s.Admin {
		return ErrNotAdmin
	}
	return nil
}

// SaveConfig writes keys of c to the config file, for s, and puts what
// was saved to work (Apply). In DEMO only the [ui] keys take effect at
// once: the rest points at the real gateway, and leaving DEMO takes a
// restart, so the DEMO badge never lies. The error of putting it to
// work (the transport could not be set up) comes apart from the save's.
func (a *App) SaveConfig(s Session, c *config.Config, keys []string) (saved *config.Config, backup string, setup, err error) {
	if a.Audit != nil {
		was := a.Config()
		defer func() {
			// A refusal may quote what was typed: the secrets typed are masked too.
			mask := secret.New(append(was.Secrets(), c.Secrets()...)...)
			a.Audit(Event{Agent: s.AgentIn(was), Keys: keys, Err: mask.Err(err)})
		}()
	}
	if err := s.MayConfigure(); err != nil {
		return nil, "", nil, err
	}
	saved, backup, err = config.SaveKeys(a.ConfigPath, c, keys)
	if err != nil {
		return nil, "", nil, err
	}
	use := saved
	if a.Demo {
		demo := *a.Config()
		demo.UI.BalanceWarn, demo.UI.Lang = saved.UI.BalanceWarn, saved.UI.Lang
		use = &demo
	}
	return saved, backup, a.Apply(use), nil
}
