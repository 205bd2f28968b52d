// Package config loads, validates and saves the smsdash configuration file
// (TOML, by default ~/.config/smsdash/config.toml).
//
// The file holds the SMS-Assistent credentials, so the package is careful
// with them: Save writes the file with mode 0600, Load warns when the file is
// readable by others, and no error or warning produced here ever contains a
// password or token (parse errors on a secret line are reported by position
// only). Secrets lists them for a secret.Masker.
//
// A missing file is not fatal for the program: Load returns an error wrapping
// fs.ErrNotExist and the caller switches to DEMO mode with Demo, which points
// every endpoint at the built-in simulator.
package config

import (
	"fmt"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/smsdash/smsdash/sms"
)

// Transports accepted in api.transport.
const (
	TransportPlain = "plain"
	TransportXML   = "xml"
	TransportJSON  = "json"
	TransportSMPP  = "smpp"
)

// Transports lists the valid api.transport values in the order they are
// reported in errors.
var Transports = []string{TransportPlain, TransportXML, TransportJSON, TransportSMPP}

// Langs lists the valid ui.lang values.
var Langs = []string{"ru", "en"}

// PasswordEnv names the environment variable that overrides account.password,
// so the secret need not be stored on disk.
const PasswordEnv = "SMSDASH_PASSWORD"

// Defaults that are not derived from the environment.
const (
	DefaultSender      = "CMC"
	DefaultTransport   = TransportJSON
	DefaultBatchSize   = 1000 // fewer round trips; the gateway documents no limit
	MinBatchSize       = 1
	MaxBatchSize       = 10000
	DefaultSMPPAddress = "smpp.sms-assistent.by:2776"
	DefaultSMPPWindow  = 10
	DefaultLatin1Limit = 140
	DefaultBalanceWarn = 10

	gatewayBase = "https://userarea.sms-assistent.by"

	// API paths; shared by the real gateway and the simulator.
	PathSendPlain    = "/api/v1/send_sms/plain"
	PathStatusPlain  = "/api/v1/statuses/plain"
	PathCreditsPlain = "/api/v1/credits/plain"
	PathXML          = "/api/v1/xml"
	PathJSON         = "/api/v1/json"
)

// Default and minimum durations.
const (
	DefaultTimeout      = 30 * time.Second
	MinTimeout          = time.Second // below it a slow gateway fails every request
	DefaultPollInterval = 30 * time.Second
	MinPollInterval     = time.Second
)

// Config is the whole configuration file. Field tags give the TOML keys.
type Config struct {
	Account Account `toml:"account"`
	API     API     `toml:"api"`
	SMPP    SMPP    `toml:"smpp"`
	Tracker Tracker `toml:"tracker"`
	UI      UI      `toml:"ui"`
	Store   Store   `toml:"store"`

	// When Load applied SMSDASH_PASSWORD these remember the applied value and
	// the one from the file, so that Save does not persist the environment's
	// secret to disk (unless the caller has since changed Password).
	envPassword  string
	filePassword string
	// envAgent and envLang are what an empty agent and lang stand for
	// ($USER, LANG): Save writes "" for them, so the file keeps following
	// the environment.
	envAgent, envLang string
}

// Account is the [account] section: gateway credentials and sender names.
type Account struct {
	Login    string `toml:"login"`
	Password string `toml:"password"`
	// Token is the gateway's optional "requestAuthToken"; a secret like
	// Password.
	Token string `toml:"token"`
	// Sender is the default sender name, usually one of Senders (a name
	// the gateway knows may also stand alone).
	Sender string `toml:"sender"`
	// Senders are the (gateway-registered) sender names the agent may pick.
	Senders []string `toml:"senders"`
	// Agent is the operator's name recorded with every send.
	Agent string `toml:"agent"`
}

// API is the [api] section: how to reach the HTTP gateway.
type API struct {
	Transport       string   `toml:"transport"`
	SendPlainURL    string   `toml:"send_plain_url"`
	StatusPlainURL  string   `toml:"status_plain_url"`
	CreditsPlainURL string   `toml:"credits_plain_url"`
	XMLURL          string   `toml:"xml_url"`
	JSONURL         string   `toml:"json_url"`
	Timeout         Duration `toml:"timeout"`
	// BatchSize is the number of messages per gateway request.
	BatchSize int `toml:"batch_size"`
}

// SMPP is the [smpp] section, used when api.transport = "smpp".
type SMPP struct {
	Address string `toml:"address"`
	User    string `toml:"user"`
	// Password is separate from account.password and is NOT overridden by
	// SMSDASH_PASSWORD.
	Password   string `toml:"password"`
	SystemType string `toml:"system_type"`
	// Window is the most submit_sm in flight at once.
	Window int `toml:"window"`
	// Rate paces submit_sm to this many a second; 0 means no limit.
	Rate float64 `toml:"rate"`
	// Latin1Limit is the single-part limit of a Latin-1 text in octets:
	// whether the gateway takes 160 is not documented, 140 is safe.
	Latin1Limit int `toml:"latin1_limit"`
}

// Tracker is the [tracker] section: delivery-status polling.
type Tracker struct {
	PollInterval Duration `toml:"poll_interval"`
}

// UI is the [ui] section.
type UI struct {
	Lang string `toml:"lang"`
	// BalanceWarn: the balance (in credits) below which the UI warns; 0
	// disables the warning.
	BalanceWarn float64 `toml:"balance_warn"`
	// Mouse: clicks and the wheel work in the dashboard; false leaves the
	// mouse to the terminal, for agents who select text with it.
	Mouse bool `toml:"mouse"`
}

// Store is the [store] section: the local send history.
type Store struct {
	// Path of the history database; "" means the XDG default (see StorePath).
	Path string `toml:"path"`
	// URL, when set, keeps the history in a PostgreSQL database that
	// several smsdash share, on one host or several
	// (postgres://user@host/db?sslmode=verify-full); Path is then unused.
	// The password is never in it: Password, or ~/.pgpass.
	URL      string `toml:"url"`
	Password string `toml:"password"`
}

// Default returns a Config with every default applied. Agent and UI.Lang are
// derived from the environment ($USER, $LC_ALL/$LC_MESSAGES/$LANG).
func Default() *Config {
	c := &Config{
		Account: Account{
			Sender:  DefaultSender,
			Senders: []string{DefaultSender},
		},
		API: API{
			Transport:       DefaultTransport,
			SendPlainURL:    gatewayBase + PathSendPlain,
			StatusPlainURL:  gatewayBase + PathStatusPlain,
			CreditsPlainURL: gatewayBase + PathCreditsPlain,
			XMLURL:          gatewayBase + PathXML,
			JSONURL:         gatewayBase + PathJSON,
			Timeout:         Duration{DefaultTimeout},
			BatchSize:       DefaultBatchSize,
		},
		SMPP:    SMPP{Address: DefaultSMPPAddress, Window: DefaultSMPPWindow, Latin1Limit: DefaultLatin1Limit},
		Tracker: Tracker{PollInterval: Duration{DefaultPollInterval}},
		UI:      UI{BalanceWarn: DefaultBalanceWarn, Mouse: true},
	}
	c.Resolve()
	return c
}

// Resolve fills an empty account.agent and ui.lang from the environment
// ($USER; LC_ALL, LC_MESSAGES or LANG), as Load does: "" in the file means
// "follow the environment".
func (c *Config) Resolve() {
	if c.Account.Agent == "" {
		c.Account.Agent = defaultAgent()
		c.envAgent = c.Account.Agent
	}
	if c.UI.Lang == "" {
		c.UI.Lang = defaultLang()
		c.envLang = c.UI.Lang
	}
}

// FromEnv reports a value that comes from the environment rather than
// the file: account.password from SMSDASH_PASSWORD, account.agent and
// ui.lang left unset or "" ($USER, LANG).
func (c *Config) FromEnv(key string) bool {
	switch key {
	case "account.password":
		return c.envPassword != "" && c.Account.Password == c.envPassword
	case "account.agent":
		return c.envAgent != "" && c.Account.Agent == c.envAgent
	case "ui.lang":
		return c.envLang != "" && c.UI.Lang == c.envLang
	}
	return false
}

// Demo returns the configuration used in DEMO mode: every HTTP endpoint on the
// simulator at httpBase (e.g. "http://127.0.0.1:8080") and SMPP at smppAddr
// (may be "" when the simulator has no SMPP listener).
func Demo(httpBase, smppAddr string) *Config {
	c := Default()
	base := strings.TrimRight(httpBase, "/")
	c.Account.Login = "demo"
	c.Account.Password = "demo"
	c.Account.Sender = DefaultSender
	c.Account.Senders = []string{DefaultSender}
	c.API.SendPlainURL = base + PathSendPlain
	c.API.StatusPlainURL = base + PathStatusPlain
	c.API.CreditsPlainURL = base + PathCreditsPlain
	c.API.XMLURL = base + PathXML
	c.API.JSONURL = base + PathJSON
	c.SMPP = SMPP{Address: smppAddr, User: "demo", Password: "demo", Window: DefaultSMPPWindow, Latin1Limit: DefaultLatin1Limit}
	return c
}

// Secrets lists the password, token and SMPP password, for a
// secret.Masker: they must never leave in any error text or note.
func (c *Config) Secrets() []string {
	return []string{c.Account.Password, c.Account.Token, c.SMPP.Password, c.Store.Password}
}

// DefaultPath returns $XDG_CONFIG_HOME/smsdash/config.toml, or
// ~/.config/smsdash/config.toml when XDG_CONFIG_HOME is unset (or relative,
// which the XDG spec says to ignore). ~/.config is used on every OS on
// purpose: it is where a terminal user looks.
func DefaultPath() (string, error) {
	dir, err := xdgDir("XDG_CONFIG_HOME", ".config")
	if err != nil {
		return "", fmt.Errorf("config: locating the config file: %w", err)
	}
	return filepath.Join(dir, "config.toml"), nil
}

// StoreTarget is what the history opens (store.Open): the PostgreSQL URL,
// with the password, when store.url is set, else StorePath. It holds a
// secret: it goes to store.Open and nowhere else.
func (c *Config) StoreTarget() string {
	if c.Store.URL == "" {
		return c.StorePath()
	}
	u, err := url.Parse(c.Store.URL)
	if err != nil || c.Store.Password == "" {
		return c.Store.URL // Validate has refused a bad one
	}
	u.User = url.UserPassword(u.User.Username(), c.Store.Password)
	return u.String()
}

// StorePath returns the history database path: store.path if set (a leading
// "~/" is expanded), else $XDG_DATA_HOME/smsdash/history.db, else
// ~/.local/share/smsdash/history.db. If no home directory can be found it
// falls back to "smsdash-history.db" in the working directory.
func (c *Config) StorePath() string {
	if p := c.Store.Path; p != "" {
		if rest, ok := strings.CutPrefix(p, "~/"); ok {
			if home, err := os.UserHomeDir(); err == nil {
				return filepath.Join(home, rest)
			}
		}
		return p
	}
	dir, err := xdgDir("XDG_DATA_HOME", filepath.Join(".local", "share"))
	if err != nil {
		return "smsdash-history.db"
	}
	return filepath.Join(dir, "history.db")
}

// DemoDir returns the directory of the lasting DEMO world (the
// simulator's account and the DEMO history): $XDG_STATE_HOME/smsdash/demo,
// else ~/.local/state/smsdash/demo. It is state, not data: nothing in it
// is worth a backup, and `smsdash demo --reset` may remove it.
func DemoDir() (string, error) {
	dir, err := xdgDir("XDG_STATE_HOME", filepath.Join(".local", "state"))
	if err != nil {
		return "", fmt.Errorf("config: locating the DEMO directory: %w", err)
	}
	return filepath.Join(dir, "demo"), nil
}

// HostKeyPath returns where smsdash serve keeps its SSH host key:
// $XDG_STATE_HOME/smsdash/ssh_host_ed25519_key, else under
// ~/.local/state/smsdash. A fixed place, never the working directory, so
// that clients see the same key after every restart.
func HostKeyPath() (string, error) {
	dir, err := xdgDir("XDG_STATE_HOME", filepath.Join(".local", "state"))
	if err != nil {
		return "", fmt.Errorf("config: locating the SSH host key: %w", err)
	}
	return filepath.Join(dir, "ssh_host_ed25519_key"), nil
}

// UploadsDir is where smsdash serve keeps each agent's folder of lists:
// $XDG_STATE_HOME/smsdash/uploads, or ~/.local/state/smsdash/uploads.
func UploadsDir() (string, error) {
	dir, err := xdgDir("XDG_STATE_HOME", filepath.Join(".local", "state"))
	if err != nil {
		return "", fmt.Errorf("config: locating the agents' folders: %w", err)
	}
	return filepath.Join(dir, "uploads"), nil
}

// xdgDir is smsdash's directory in an XDG base directory: $env/smsdash
// when env holds an absolute path (the spec says to ignore a relative
// one), else ~/fallback/smsdash, on every OS alike.
func xdgDir(env, fallback string) (string, error) {
	if dir := os.Getenv(env); filepath.IsAbs(dir) {
		return filepath.Join(dir, "smsdash"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, fallback, "smsdash"), nil
}

func defaultAgent() string {
	for _, k := range []string{"USER", "LOGNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

// defaultLang follows POSIX precedence (LC_ALL > LC_MESSAGES > LANG): the
// first non-empty variable decides. Belarusian users get Russian, since the
// UI has no Belarusian translation and Russian is what they read at work.
func defaultLang() string {
	if l := LangFrom(os.Getenv); l != "" {
		return l
	}
	return "en"
}

// LangFrom is the language the locale variables of getenv ask for, by
// POSIX precedence: "ru" for Russian or Belarusian, else "en"; "" when
// none is set. An SSH session's variables are not the server's.
func LangFrom(getenv func(string) string) string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := strings.ToLower(getenv(k))
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "ru") || strings.HasPrefix(v, "be") {
			return "ru"
		}
		return "en"
	}
	return ""
}

// Problem is one thing Validate found wrong: the key ("api.timeout")
// and what is wrong with it, in English and Russian.
type Problem struct {
	Key    string
	EN, RU string
}

// Error gives "section.key: message" in English.
func (p *Problem) Error() string { return p.Key + ": " + p.EN }

// Text gives the message (without the key) in the language l.
func (p *Problem) Text(l sms.Lang) string {
	if l == sms.RU {
		return p.RU
	}
	return p.EN
}

// errKey makes a Problem; both formats take args.
func errKey(key, en, ru string, args ...any) error {
	return &Problem{Key: key, EN: fmt.Sprintf(en, args...), RU: fmt.Sprintf(ru, args...)}
}
