// Package pgurl is what smsdash makes of a PostgreSQL URL, for every
// connection it opens to a shared history (the store's, the team's lease
// and listener): pgx's config, named, with a bound on connecting, and a
// Masker of every password the URL may bring, so that none reaches an
// error text.
package pgurl

import (
	"errors"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/smsdash/smsdash/sms/secret"
)

// connectTimeout bounds a connection attempt unless the URL sets
// connect_timeout: a SYN to a vanished host is retried for minutes.
const connectTimeout = 10 * time.Second

// Config parses raw, a postgres:// URL, for connections named app (unless
// the URL names them). The Masker hides the passwords raw holds (in its
// user info or a password= parameter) and the one pgx found (PGPASSWORD,
// a passfile): pgx's own errors hide a password on a best-effort basis,
// the Masker for sure. The error is masked already; for a text that is
// not such a URL it repeats nothing of it (pgx's would).
func Config(raw, app string) (*pgx.ConnConfig, *secret.Masker, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, nil, errors.New("not a postgres:// URL")
	}
	pw := u.Query()["password"]
	if p, ok := u.User.Password(); ok {
		pw = append(pw, p)
	}
	mask := secret.New(pw...)
	cfg, err := pgx.ParseConfig(raw)
	if err != nil {
		return nil, nil, mask.Err(err)
	}
	mask.Set(append(pw, cfg.Password)...)
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = app
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = connectTimeout
	}
	return cfg, mask, nil
}

// Keepalives: after keepIdle without traffic a probe every keepInterval,
// and keepCount unanswered probes end the connection.
const (
	keepIdle     = 10 * time.Second
	keepInterval = 5 * time.Second
	keepCount    = 3
	// DeadAfter is how long a connection with KeepAlive lasts, at most,
	// once its peer has vanished without closing it (power, network).
	DeadAfter = keepIdle + keepCount*keepInterval
)

// KeepAlive makes both ends of cfg's connections probe a silent peer, so
// that the server ends the session of a vanished host within DeadAfter
// (and frees the advisory locks it held: the lease, an owner's lock), and
// this side gives up on a vanished server as soon. tcp_user_timeout bounds
// unacknowledged sends alike. It needs PostgreSQL 12 or later.
func KeepAlive(cfg *pgx.ConnConfig) {
	cfg.RuntimeParams["tcp_keepalives_idle"] = strconv.Itoa(int(keepIdle.Seconds()))
	cfg.RuntimeParams["tcp_keepalives_interval"] = strconv.Itoa(int(keepInterval.Seconds()))
	cfg.RuntimeParams["tcp_keepalives_count"] = strconv.Itoa(keepCount)
	cfg.RuntimeParams["tcp_user_timeout"] = strconv.Itoa(int(DeadAfter.Milliseconds()))
	d := &net.Dialer{KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: keepIdle, Interval: keepInterval, Count: keepCount}}
	cfg.DialFunc = d.DialContext
}
