package sms

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
)

// Texter is an error that says itself in a person's language: the
// core's errors (Error, the transports' and the config's) are Texters.
type Texter interface{ Text(l Lang) string }

// Explainer is an error that says itself with what to do about it (a
// gateway code: its number, text and hint). ErrText prefers it to Text.
type Explainer interface{ Explain(l Lang) string }

// ErrText says what went wrong in l and, where it helps, what to do: the
// one place where an error becomes a text for a person, for the
// dashboard and the command line alike.
//   - An error that says itself (Explainer, Texter) gives its text; the
//     transports' errors say their cause through ErrText in turn.
//   - A network failure (refused, DNS, timeout, TLS, reset, …) is
//     explained, with what to check.
//   - A wrapper that only adds context ("recording: %w") keeps its
//     context before the text of what it wraps.
//   - Anything else gives its own Error().
//
// The text may carry outside text (a reply's excerpt): the UI draws it
// through SafeLines.
func ErrText(err error, l Lang) string {
	switch e := err.(type) {
	case nil:
		return ""
	case Explainer:
		return e.Explain(l)
	case Texter:
		return e.Text(l)
	case interface{ Unwrap() []error }: // errors.Join
		var parts []string
		for _, inner := range e.Unwrap() {
			if inner != nil {
				parts = append(parts, ErrText(inner, l))
			}
		}
		return strings.Join(parts, "; ")
	}
	if s := netText(err, l); s != "" {
		return s
	}
	if inner := errors.Unwrap(err); inner != nil {
		if prefix, ok := strings.CutSuffix(err.Error(), inner.Error()); ok {
			return prefix + ErrText(inner, l)
		}
	}
	var code Code // wrapped in a text that does not end with it
	if errors.As(err, &code) {
		return code.Explain(l)
	}
	return err.Error()
}

// TimeoutError says that no answer came in time: within After (0: the
// network's own limit), from Addr when known.
type TimeoutError struct {
	Addr  string
	After time.Duration
}

func (e *TimeoutError) Error() string { return e.Text(EN) }
func (e *TimeoutError) Timeout() bool { return true }

func (e *TimeoutError) Text(l Lang) string {
	var b strings.Builder
	switch {
	case e.After > 0:
		b.WriteString(pick(l, "no answer within ", "нет ответа за ") + e.After.String())
	default:
		b.WriteString(pick(l, "no answer in time", "ответ не пришёл вовремя"))
	}
	if e.Addr != "" {
		b.WriteString(pick(l, " from ", " от ") + e.Addr)
	}
	b.WriteString(pick(l, ": the network or the gateway is slow or down; check the network, or raise the timeout if the gateway is only slow",
		": сеть или шлюз медленны или недоступны; проверьте сеть или увеличьте тайм-аут, если шлюз просто медленный"))
	return b.String()
}

// netText explains err when it is itself a network failure, else "".
func netText(err error, l Lang) string {
	switch e := err.(type) {
	case *net.OpError:
		return opText(e, l)
	case *net.DNSError:
		return dnsText(e, l)
	case syscall.Errno:
		return errnoText(e, "", l)
	case x509.UnknownAuthorityError, x509.HostnameError, x509.CertificateInvalidError:
		return certText(err, l)
	case *tls.CertificateVerificationError:
		return certText(e.Err, l)
	}
	switch {
	case err == context.DeadlineExceeded || err == os.ErrDeadlineExceeded:
		return (&TimeoutError{}).Text(l)
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return pick(l, "the other side closed the connection without an answer: if it keeps happening, check the URL and port (another service may listen there)",
			"другая сторона закрыла соединение, не ответив: если это повторяется, проверьте URL и порт (там может работать другой сервис)")
	}
	return ""
}

// opText explains a failed dial, read or write; Addr names the far end.
func opText(e *net.OpError, l Lang) string {
	addr := ""
	if e.Addr != nil {
		addr = e.Addr.String()
	}
	var dns *net.DNSError
	var errno syscall.Errno
	switch {
	case errors.As(e.Err, &dns):
		return dnsText(dns, l)
	case errors.As(e.Err, &errno):
		if s := errnoText(errno, addr, l); s != "" {
			return s
		}
	}
	if e.Timeout() {
		return (&TimeoutError{Addr: addr}).Text(l)
	}
	return ""
}

func errnoText(n syscall.Errno, addr string, l Lang) string {
	// at names the far end after a word, when it is known.
	at := func(en, ru string) string {
		if addr == "" {
			return pick(l, en, ru)
		}
		return pick(l, en+" "+addr, ru+" "+addr)
	}
	switch n {
	case syscall.ECONNREFUSED:
		if addr == "" {
			return pick(l, "the connection was refused: check the URL and port", "в соединении отказано: проверьте URL и порт")
		}
		return pick(l, "nothing listens at "+addr+": check the URL and port",
			"по адресу "+addr+" никто не принимает соединений: проверьте URL и порт")
	case syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE:
		return at("the connection was cut (reset) by", "соединение оборвал (reset)") +
			pick(l, ": a firewall, a proxy or the gateway dropped it; if it keeps happening, check the network",
				": его сбросил межсетевой экран, прокси или шлюз; если это повторяется, проверьте сеть")
	case syscall.ENETUNREACH, syscall.EHOSTUNREACH:
		return at("no route to", "нет маршрута до") + pick(l, ": check the network connection", ": проверьте подключение к сети")
	case syscall.ETIMEDOUT:
		return (&TimeoutError{Addr: addr}).Text(l)
	}
	return ""
}

func dnsText(e *net.DNSError, l Lang) string {
	if e.IsNotFound {
		return pick(l, "the host "+e.Name+" is not found (DNS): check its name in the URL",
			"узел "+e.Name+" не найден (DNS): проверьте его имя в URL")
	}
	return pick(l, "the address of "+e.Name+" could not be looked up (DNS does not answer): check the network connection and its DNS settings",
		"не удалось узнать адрес "+e.Name+" (DNS не отвечает): проверьте подключение к сети и настройки DNS")
}

// certText explains a TLS certificate the client refused.
func certText(err error, l Lang) string {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknown):
		return pick(l, "the server's TLS certificate is not trusted (self-signed or from an unknown authority): check that the URL is the gateway's; a proxy that inspects TLS needs its certificate installed on this machine",
			"TLS-сертификат сервера не заслуживает доверия (самоподписанный или неизвестного центра): проверьте, что URL — адрес шлюза; если TLS проверяет прокси, установите его сертификат на эту машину")
	case errors.As(err, &host):
		return pick(l, "the server's TLS certificate is not for "+host.Host+": check the host name in the URL",
			"TLS-сертификат сервера выдан не для "+host.Host+": проверьте имя узла в URL")
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return pick(l, "the server's TLS certificate is not valid now (expired, or not valid yet): check this machine's date and time",
			"TLS-сертификат сервера сейчас недействителен (истёк или ещё не действует): проверьте дату и время на этой машине")
	}
	return pick(l, "the server's TLS certificate was refused ("+err.Error()+"): check that the URL is the gateway's",
		"TLS-сертификат сервера отвергнут ("+err.Error()+"): проверьте, что URL — адрес шлюза")
}

func pick(l Lang, en, ru string) string {
	if l == RU {
		return ru
	}
	return en
}
