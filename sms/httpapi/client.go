// Package httpapi implements sms.Gateway over the gateway's three HTTP
// APIs: PLAIN (one message a request, for priority messages), XML and JSON
// (packages, for batches). Every URL comes from configuration.
package httpapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/backoff"
	"github.com/smsdash/smsdash/sms/secret"
	"github.com/smsdash/smsdash/sms/wire"
)

// Config is what a client needs; sms/config fills it from the TOML file.
type Config struct {
	Login, Password string
	Token           string // optional requestAuthToken, sent beside the password
	SendPlainURL    string
	StatusPlainURL  string
	CreditsPlainURL string
	XMLURL, JSONURL string
	Timeout         time.Duration // per request; default 30 s
	BatchSize       int           // messages or ids a package; default 500
	Retry           Retry
	HTTPClient      *http.Client // nil: a client that always verifies TLS
}

// Retry is how status and balance requests retry on network errors, HTTP
// 5xx and -10. Sends are never retried.
type Retry struct {
	Attempts int           // default 4
	Base     time.Duration // first delay, doubled each time (sms/backoff); default 250 ms
}

// New returns the transport named "plain", "xml" or "json".
func New(transport string, cfg Config) (sms.Gateway, error) {
	c := newClient(cfg)
	switch transport {
	case "plain":
		return &Plain{c}, nil
	case "xml":
		return &XML{c}, nil
	case "json":
		return &JSON{c}, nil
	}
	return nil, fmt.Errorf("transport %q is not an HTTP API (plain, xml, json)", transport)
}

// client is what the three transports share: posting, errors, retries
// and the balance, which every API reads from the PLAIN credits URL.
type client struct {
	cfg  Config
	hc   *http.Client
	mask *secret.Masker
}

func newClient(cfg Config) *client {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 500
	}
	if cfg.Retry.Attempts <= 0 {
		cfg.Retry.Attempts = 4
	}
	if cfg.Retry.Base <= 0 {
		cfg.Retry.Base = 250 * time.Millisecond
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSClientConfig:     &tls.Config{MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout: 10 * time.Second,
			MaxIdleConnsPerHost: 4,
			IdleConnTimeout:     90 * time.Second,
			ForceAttemptHTTP2:   true,
		}}
	}
	// The gateway does not redirect. Following one would post the
	// password and the messages to whatever host Location names, even a
	// plain-http one the config check refuses: the 3xx is the answer.
	noRedirect := *hc
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &client{cfg: cfg, hc: &noRedirect, mask: secret.New(cfg.Password, cfg.Token)}
}

// Error is a failed exchange with one endpoint. It names the endpoint, the
// HTTP status and a short excerpt of the body, never the password.
type Error struct {
	Endpoint string // "JSON send", "PLAIN status", …
	URL      string // without query or user info
	Status   int    // HTTP status; 0 when no reply came
	Redirect string // for a 3xx: the host its Location names
	Excerpt  string // start of the body, secrets masked
	Err      error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Endpoint)
	b.WriteString(" (")
	b.WriteString(e.URL)
	b.WriteString(")")
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Redirect != "" {
		fmt.Fprintf(&b, ": a redirect to %s, not followed (the gateway does not redirect: check the URL; nothing was sent there)", e.Redirect)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Excerpt != "" {
		fmt.Fprintf(&b, "; body: %q", e.Excerpt)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// retryable: the request did nothing the gateway will act on twice.
func (e *Error) retryable() bool {
	return e.Status == 0 || e.Status >= 500 || e.Status == http.StatusTooManyRequests
}

const maxReply = 64 << 20

// post sends one request. sent reports whether it may have reached the
// gateway: once a connection was handed to the request, a failure leaves
// the outcome unknown.
func (c *client) post(ctx context.Context, endpoint, rawURL, contentType string, body []byte) (reply []byte, sent bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	fail := func(status int, excerpt []byte, err error) ([]byte, bool, error) {
		return nil, sent, &Error{Endpoint: endpoint, URL: safeURL(rawURL), Status: status, Excerpt: c.excerpt(excerpt), Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return fail(0, nil, errors.New("bad URL"))
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "smsdash")
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { sent = true }}
	resp, err := c.hc.Do(req.WithContext(httptrace.WithClientTrace(ctx, trace)))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) { // its text repeats the URL, with any query
			err = ue.Err
		}
		if ctx.Err() == context.DeadlineExceeded {
			err = fmt.Errorf("no reply within %s", c.cfg.Timeout)
		}
		return fail(0, nil, err)
	}
	defer resp.Body.Close()
	reply, err = io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return fail(resp.StatusCode, reply, fmt.Errorf("reading the reply: %w", err))
	}
	if resp.StatusCode != http.StatusOK {
		e := &Error{Endpoint: endpoint, URL: safeURL(rawURL), Status: resp.StatusCode, Excerpt: c.excerpt(reply)}
		if resp.StatusCode/100 == 3 {
			e.Redirect = redirectHost(resp.Header.Get("Location"))
		}
		return nil, sent, e
	}
	return reply, true, nil
}

// unparsable wraps a reply that came but could not be read.
func (c *client) unparsable(endpoint, rawURL string, body []byte, err error) *Error {
	return &Error{Endpoint: endpoint, URL: safeURL(rawURL), Status: http.StatusOK, Excerpt: c.excerpt(body), Err: err}
}

// excerpt gives the start of a body for an error text, with the password
// and token masked in case a broken server echoed the request. The whole
// body is masked before it is cut, so no part of a secret is left at the
// cut.
func (c *client) excerpt(body []byte) string {
	const n = 120
	s := c.mask.Mask(strings.ToValidUTF8(string(body[:min(len(body), 64<<10)]), "�"))
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return strings.TrimSpace(s)
}

// redirectHost names where a redirect points, without path or query
// (they may carry what the server echoed).
func redirectHost(loc string) string {
	u, err := url.Parse(loc)
	switch {
	case loc == "":
		return "nowhere (no Location)"
	case err != nil:
		return "an unreadable Location"
	case u.Host == "":
		return "a path on the same host"
	}
	return u.Scheme + "://" + u.Host
}

// safeURL drops user info and query: configured URLs must not leak
// secrets into error texts.
func safeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "invalid URL"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// retry runs op until it succeeds, fails for good, or attempts run out.
// op reports a gateway code as its error; -10 is worth retrying.
func (c *client) retry(ctx context.Context, op func() error) error {
	wait := backoff.Policy{Min: c.cfg.Retry.Base, Max: c.cfg.Retry.Base << c.cfg.Retry.Attempts}
	var err error
	for attempt := 1; ; attempt++ {
		err = op()
		if err == nil || attempt >= c.cfg.Retry.Attempts || !temporary(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait.Delay(attempt)):
		}
	}
}

func temporary(err error) bool {
	var code sms.Code
	if errors.As(err, &code) {
		return code.Temporary()
	}
	var he *Error
	return errors.As(err, &he) && he.retryable()
}

// form encodes PLAIN parameters with the credentials.
func (c *client) form(kv ...string) []byte {
	v := url.Values{}
	v.Set("user", c.cfg.Login)
	if c.cfg.Password != "" {
		v.Set("password", c.cfg.Password)
	}
	if c.cfg.Token != "" {
		v.Set("requestAuthToken", c.cfg.Token)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	return []byte(v.Encode())
}

const formType = "application/x-www-form-urlencoded"

// Balance reads the credits from the PLAIN credits URL, which all three
// APIs share.
func (c *client) Balance(ctx context.Context) (float64, error) {
	var credits float64
	err := c.retry(ctx, func() error {
		body, _, err := c.post(ctx, "credits", c.cfg.CreditsPlainURL, formType, c.form())
		if err != nil {
			return err
		}
		v, code, err := wire.ParseCredits(body)
		if err != nil {
			return c.unparsable("credits", c.cfg.CreditsPlainURL, body, err)
		}
		if code != 0 {
			return sms.Code(code)
		}
		credits = v
		return nil
	})
	return credits, err
}
