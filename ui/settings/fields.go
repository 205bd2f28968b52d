package settings

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/ui/i18n"
)

type kind uint8

const (
	text       kind = iota
	secretKind      // masked as it is typed
	choice          // one of choices, picked with ←/→
)

// def is one setting: its TOML key (as config.Validate names it), how
// to read it from a Config and write it back from what was typed.
type def struct {
	key     string
	kind    kind
	choices []string
	get     func(c *config.Config) string
	set     func(c *config.Config, v string, t *i18n.Texts) error
}

func str(p func(c *config.Config) *string) (func(*config.Config) string, func(*config.Config, string, *i18n.Texts) error) {
	return func(c *config.Config) string { return *p(c) },
		func(c *config.Config, v string, _ *i18n.Texts) error { *p(c) = strings.TrimSpace(v); return nil }
}

func duration(p func(c *config.Config) *config.Duration) (func(*config.Config) string, func(*config.Config, string, *i18n.Texts) error) {
	return func(c *config.Config) string { return p(c).Duration.String() },
		func(c *config.Config, v string, t *i18n.Texts) error {
			if err := p(c).UnmarshalText([]byte(v)); err != nil {
				return fmt.Errorf(t.BadDuration, v)
			}
			return nil
		}
}

func textDef(key string, p func(c *config.Config) *string) def {
	get, set := str(p)
	return def{key: key, get: get, set: set}
}

func secretDef(key string, p func(c *config.Config) *string) def {
	d := textDef(key, p)
	d.kind = secretKind
	// A secret is taken as typed: spaces may be part of it.
	d.set = func(c *config.Config, v string, _ *i18n.Texts) error { *p(c) = v; return nil }
	return d
}

func choiceDef(key string, choices []string, p func(c *config.Config) *string) def {
	d := textDef(key, p)
	d.kind, d.choices = choice, choices
	return d
}

// boolDef is a switch, picked with ←/→ like a choice.
func boolDef(key string, p func(c *config.Config) *bool) def {
	return def{
		key:     key,
		kind:    choice,
		choices: []string{"true", "false"},
		get:     func(c *config.Config) string { return strconv.FormatBool(*p(c)) },
		set: func(c *config.Config, v string, _ *i18n.Texts) error {
			*p(c) = v == "true"
			return nil
		},
	}
}

func durationDef(key string, p func(c *config.Config) *config.Duration) def {
	get, set := duration(p)
	return def{key: key, get: get, set: set}
}

func intDef(key string, p func(c *config.Config) *int) def {
	return def{
		key: key,
		get: func(c *config.Config) string { return strconv.Itoa(*p(c)) },
		set: func(c *config.Config, v string, t *i18n.Texts) error {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf(t.BadInteger, v)
			}
			*p(c) = n
			return nil
		},
	}
}

func floatDef(key string, p func(c *config.Config) *float64) def {
	return def{
		key: key,
		get: func(c *config.Config) string { return strconv.FormatFloat(*p(c), 'f', -1, 64) },
		set: func(c *config.Config, v string, t *i18n.Texts) error {
			f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(v), ",", "."), 64)
			if err != nil {
				return fmt.Errorf(t.BadNumber, v)
			}
			*p(c) = f
			return nil
		},
	}
}

// defs is every key of the config file, in the file's order.
var defs = []def{
	textDef("account.login", func(c *config.Config) *string { return &c.Account.Login }),
	secretDef("account.password", func(c *config.Config) *string { return &c.Account.Password }),
	secretDef("account.token", func(c *config.Config) *string { return &c.Account.Token }),
	textDef("account.sender", func(c *config.Config) *string { return &c.Account.Sender }),
	{
		key: "account.senders",
		get: func(c *config.Config) string { return strings.Join(c.Account.Senders, ", ") },
		set: func(c *config.Config, v string, _ *i18n.Texts) error {
			c.Account.Senders = nil
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s != "" && !slices.Contains(c.Account.Senders, s) {
					c.Account.Senders = append(c.Account.Senders, s)
				}
			}
			return nil
		},
	},
	textDef("account.agent", func(c *config.Config) *string { return &c.Account.Agent }),
	choiceDef("api.transport", config.Transports, func(c *config.Config) *string { return &c.API.Transport }),
	textDef("api.send_plain_url", func(c *config.Config) *string { return &c.API.SendPlainURL }),
	textDef("api.status_plain_url", func(c *config.Config) *string { return &c.API.StatusPlainURL }),
	textDef("api.credits_plain_url", func(c *config.Config) *string { return &c.API.CreditsPlainURL }),
	textDef("api.xml_url", func(c *config.Config) *string { return &c.API.XMLURL }),
	textDef("api.json_url", func(c *config.Config) *string { return &c.API.JSONURL }),
	durationDef("api.timeout", func(c *config.Config) *config.Duration { return &c.API.Timeout }),
	intDef("api.batch_size", func(c *config.Config) *int { return &c.API.BatchSize }),
	textDef("smpp.address", func(c *config.Config) *string { return &c.SMPP.Address }),
	textDef("smpp.user", func(c *config.Config) *string { return &c.SMPP.User }),
	secretDef("smpp.password", func(c *config.Config) *string { return &c.SMPP.Password }),
	textDef("smpp.system_type", func(c *config.Config) *string { return &c.SMPP.SystemType }),
	intDef("smpp.window", func(c *config.Config) *int { return &c.SMPP.Window }),
	floatDef("smpp.rate", func(c *config.Config) *float64 { return &c.SMPP.Rate }),
	intDef("smpp.latin1_limit", func(c *config.Config) *int { return &c.SMPP.Latin1Limit }),
	durationDef("tracker.poll_interval", func(c *config.Config) *config.Duration { return &c.Tracker.PollInterval }),
	choiceDef("ui.lang", append([]string{""}, config.Langs...), func(c *config.Config) *string { return &c.UI.Lang }), // "": as LANG says
	floatDef("ui.balance_warn", func(c *config.Config) *float64 { return &c.UI.BalanceWarn }),
	boolDef("ui.mouse", func(c *config.Config) *bool { return &c.UI.Mouse }),
	textDef("store.path", func(c *config.Config) *string { return &c.Store.Path }),
	textDef("store.url", func(c *config.Config) *string { return &c.Store.URL }),
	secretDef("store.password", func(c *config.Config) *string { return &c.Store.Password }),
}

// realGateway are the keys that "real gateway" sets to the values of
// config.Default(): the SMS-Assistent URLs and empty credentials.
var realGateway = []string{
	"api.send_plain_url", "api.status_plain_url", "api.credits_plain_url", "api.xml_url", "api.json_url",
	"smpp.address", "account.login", "account.password", "account.token", "smpp.user", "smpp.password",
}
