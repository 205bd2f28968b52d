package config

import (
	"errors"
	"math"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Validate reports every problem at once (joined with errors.Join), one per
// line, each a *Problem starting with the offending key, so a user can fix
// the whole file in one go. Secret values (passwords, token) are never
// quoted.
func (c *Config) Validate() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}

	// [account]
	if c.Account.Sender == "" {
		add(errKey("account.sender", "must not be empty", "не может быть пустым"))
	}
	if len(c.Account.Senders) == 0 {
		add(errKey("account.senders", "must list at least one sender", "нужен хотя бы один отправитель"))
	}
	for i, s := range c.Account.Senders {
		if strings.TrimSpace(s) == "" {
			add(errKey("account.senders", "entry %d is empty", "элемент %d пуст", i+1))
		}
	}

	// [api]
	if !slices.Contains(Transports, c.API.Transport) {
		add(errKey("api.transport", "%q is not one of %s", "%q — не одно из значений %s", c.API.Transport, strings.Join(Transports, ", ")))
	}
	add(checkURL("api.send_plain_url", c.API.SendPlainURL))
	add(checkURL("api.status_plain_url", c.API.StatusPlainURL))
	add(checkURL("api.credits_plain_url", c.API.CreditsPlainURL))
	add(checkURL("api.xml_url", c.API.XMLURL))
	add(checkURL("api.json_url", c.API.JSONURL))
	if c.API.Timeout.Duration < MinTimeout {
		add(errKey("api.timeout", "%s is below the minimum of %s", "%s меньше минимума %s", c.API.Timeout.Duration, MinTimeout))
	}
	if c.API.BatchSize < MinBatchSize || c.API.BatchSize > MaxBatchSize {
		add(errKey("api.batch_size", "%d is out of range %d..%d", "%d вне диапазона %d..%d", c.API.BatchSize, MinBatchSize, MaxBatchSize))
	}

	// [smpp]: the address only matters for the smpp transport, but a
	// malformed one is reported whenever it is set.
	switch {
	case c.SMPP.Address != "":
		add(checkHostPort("smpp.address", c.SMPP.Address))
	case c.API.Transport == TransportSMPP:
		add(errKey("smpp.address", "must be set when api.transport is %q", "нужен, когда api.transport — %q", TransportSMPP))
	}
	if c.SMPP.Window < 1 || c.SMPP.Window > 1000 {
		add(errKey("smpp.window", "%d is out of range 1..1000", "%d вне диапазона 1..1000", c.SMPP.Window))
	}
	if c.SMPP.Rate < 0 || math.IsNaN(c.SMPP.Rate) || math.IsInf(c.SMPP.Rate, 0) {
		add(errKey("smpp.rate", "must be 0 (no limit) or a positive number of messages a second", "0 (без ограничения) или положительное число сообщений в секунду"))
	}
	if c.SMPP.Latin1Limit < 70 || c.SMPP.Latin1Limit > 160 {
		add(errKey("smpp.latin1_limit", "%d is out of range 70..160 octets", "%d вне диапазона 70..160 октетов", c.SMPP.Latin1Limit))
	}

	// [tracker]
	if c.Tracker.PollInterval.Duration < MinPollInterval {
		add(errKey("tracker.poll_interval", "%s is below the minimum of %s", "%s меньше минимума %s", c.Tracker.PollInterval.Duration, MinPollInterval))
	}

	// [store]
	if c.Store.URL != "" {
		add(checkStoreURL(c.Store.URL))
	}

	// [ui]
	if !slices.Contains(Langs, c.UI.Lang) {
		add(errKey("ui.lang", "%q is not one of %s", "%q — не одно из значений %s", c.UI.Lang, strings.Join(Langs, ", ")))
	}
	if math.IsNaN(c.UI.BalanceWarn) || math.IsInf(c.UI.BalanceWarn, 0) || c.UI.BalanceWarn < 0 {
		add(errKey("ui.balance_warn", "must be a finite number >= 0 (0 disables the warning)", "конечное число >= 0 (0 отключает предупреждение)"))
	}

	return errors.Join(errs...)
}

// checkURL requires an absolute http(s) URL with a host; plain http is only
// allowed for loopback hosts, where the DEMO simulator runs, because the
// requests carry the account password.
func checkURL(key, raw string) error {
	if raw == "" {
		return errKey(key, "must not be empty", "не может быть пустым")
	}
	u, err := parseURL(key, raw)
	if err != nil {
		return err
	}
	shown := u.Redacted()
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return errKey(key, "%q must be an absolute http:// or https:// URL", "%q: нужен полный адрес http:// или https://", shown)
	case u.Host == "" || u.Hostname() == "":
		return errKey(key, "%q has no host", "%q: не указан сервер", shown)
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return errKey(key, "%q must use https (plain http is only allowed for localhost)", "%q: нужен https (простой http допустим только для localhost)", shown)
	}
	return nil
}

// parseURL parses the URL of key. url.Error would repeat the whole input
// (which may embed credentials); its inner error only names the bad
// fragment.
func parseURL(key, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, errKey(key, "not a valid URL: %v", "неверный адрес: %v", err)
	}
	return u, nil
}

// checkStoreURL requires a postgres:// URL with a host and a database, no
// password in it (it would be shown and logged as part of the URL:
// store.password or ~/.pgpass hold it), and a verified TLS connection to
// any host but this one: the history holds every message sent.
func checkStoreURL(raw string) error {
	const key = "store.url"
	u, err := parseURL(key, raw)
	if err != nil {
		return err
	}
	shown := u.Redacted()
	_, hasPassword := u.User.Password()
	switch {
	case u.Scheme != "postgres" && u.Scheme != "postgresql":
		return errKey(key, "%q must be a postgres:// URL", "%q: нужен адрес postgres://", shown)
	case u.Hostname() == "":
		return errKey(key, "%q has no host", "%q: не указан сервер", shown)
	case strings.Trim(u.Path, "/") == "":
		return errKey(key, "%q names no database (postgres://user@host/DATABASE)", "%q: не указана база (postgres://user@host/БАЗА)", shown)
	case hasPassword:
		return errKey(key, "%q holds a password: put it in store.password or ~/.pgpass instead", "%q содержит пароль: укажите его в store.password или ~/.pgpass", shown)
	case !isLoopback(u.Hostname()) && u.Query().Get("sslmode") != "verify-full":
		return errKey(key, "%q must verify the server's certificate: add ?sslmode=verify-full (plain or unverified connections are only allowed to localhost)",
			"%q: сертификат сервера нужно проверять — добавьте ?sslmode=verify-full (без проверки можно только к localhost)", shown)
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func checkHostPort(key, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errKey(key, "%q is not host:port", "%q: нужно сервер:порт", addr)
	}
	if host == "" {
		return errKey(key, "%q has no host", "%q: не указан сервер", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return errKey(key, "%q: port must be a number 1..65535", "%q: порт — число 1..65535", addr)
	}
	return nil
}
