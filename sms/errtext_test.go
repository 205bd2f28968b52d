package sms

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// closedAddr is a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// serve accepts connections on loopback and hands each to handle.
func serve(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			handle(c)
		}
	}()
	return ln.Addr().String()
}

// TestErrTextNetwork: each kind of network failure, made for real on
// loopback where it can be, is explained with what to check, in both
// languages, and never as Go's raw text.
func TestErrTextNetwork(t *testing.T) {
	get := func(url string, c *http.Client) error {
		if c == nil {
			c = &http.Client{}
		}
		resp, err := c.Get(url)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("GET %s worked", url)
		}
		return err
	}
	tlsSrv := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	trusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: x509.NewCertPool()}}}
	trusting.Transport.(*http.Transport).TLSClientConfig.RootCAs.AddCert(tlsSrv.Certificate())

	tests := []struct {
		name   string
		err    func(t *testing.T) error
		en, ru []string // parts each text must hold
	}{
		{"refused", func(t *testing.T) error {
			addr := closedAddr(t)
			_, err := net.Dial("tcp", addr)
			return err
		}, []string{"nothing listens at 127.0.0.1:", ": check the URL and port"}, []string{"никто не принимает соединений", "проверьте URL и порт"}},
		{"refused over http", func(t *testing.T) error {
			return get("http://"+closedAddr(t)+"/api", nil)
		}, []string{"nothing listens at 127.0.0.1:", "check the URL and port"}, []string{"никто не принимает"}},
		{"self-signed certificate", func(t *testing.T) error {
			return get(tlsSrv.URL, nil)
		}, []string{"TLS certificate is not trusted (self-signed", "check that the URL is the gateway's"}, []string{"самоподписанный", "проверьте, что URL"}},
		{"certificate for another host", func(t *testing.T) error {
			// The test server's certificate names 127.0.0.1 and example.com.
			return get(strings.Replace(tlsSrv.URL, "127.0.0.1", "localhost", 1), trusting)
		}, []string{"TLS certificate is not for localhost", "check the host name in the URL"}, []string{"выдан не для localhost"}},
		{"timeout", func(t *testing.T) error {
			addr := serve(t, func(c net.Conn) { t.Cleanup(func() { c.Close() }) }) // never answers
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
			_, err = c.Read(make([]byte, 1))
			return err
		}, []string{"no answer in time from 127.0.0.1:", "check the network"}, []string{"ответ не пришёл вовремя", "проверьте сеть"}},
		{"reset", func(t *testing.T) error {
			addr := serve(t, func(c net.Conn) {
				c.(*net.TCPConn).SetLinger(0) // close with RST
				c.Close()
			})
			c, err := net.Dial("tcp", addr)
			if err != nil { // the RST came before connect returned
				return err
			}
			defer c.Close()
			_, err = c.Read(make([]byte, 1))
			return err
		}, []string{"connection was cut (reset) by 127.0.0.1:", "a firewall, a proxy or the gateway"}, []string{"соединение оборвал (reset) 127.0.0.1:", "проверьте сеть"}},
		{"closed without an answer", func(t *testing.T) error {
			addr := serve(t, func(c net.Conn) { // reads the request, then closes
				defer c.Close()
				var got []byte
				buf := make([]byte, 512)
				for !bytes.Contains(got, []byte("\r\n\r\n")) {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					got = append(got, buf[:n]...)
				}
			})
			return get("http://"+addr+"/", &http.Client{Transport: &http.Transport{DisableKeepAlives: true}})
		}, []string{"closed the connection without an answer", "check the URL and port"}, []string{"закрыла соединение, не ответив"}},
		{"host not found", func(t *testing.T) error {
			// No lookup leaves the machine: the error a resolver gives.
			return &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "userarea.example.invalid", IsNotFound: true}}
		}, []string{"the host userarea.example.invalid is not found (DNS)", "check its name in the URL"}, []string{"узел userarea.example.invalid не найден", "проверьте его имя"}},
		{"DNS does not answer", func(t *testing.T) error {
			return &net.DNSError{Err: "server misbehaving", Name: "userarea.example.invalid", IsTemporary: true}
		}, []string{"could not be looked up", "check the network connection"}, []string{"DNS не отвечает", "проверьте подключение"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err(t)
			if err == nil {
				t.Fatal("no error")
			}
			for l, parts := range map[Lang][]string{EN: tc.en, RU: tc.ru} {
				got := ErrText(err, l)
				for _, p := range parts {
					if !strings.Contains(got, p) {
						t.Errorf("%s: %q lacks %q (the error: %v)", l, got, p, err)
					}
				}
				for _, raw := range []string{"connect:", "tls:", "x509:", "read tcp", "i/o timeout", "EOF"} {
					if strings.Contains(got, raw) {
						t.Errorf("%s: %q shows Go's raw %q", l, got, raw)
					}
				}
			}
		})
	}
}

// TestErrTextKinds: an error's own text, the context of a wrapper, a
// gateway code anywhere in it, a joined error, and Error() for the rest.
func TestErrTextKinds(t *testing.T) {
	domain := &Error{EN: "no message text", RU: "нет текста"}
	tests := []struct {
		err    error
		en, ru string
	}{
		{nil, "", ""},
		{domain, "no message text", "нет текста"},
		{CodeAuth, CodeAuth.Explain(EN), CodeAuth.Explain(RU)},
		{fmt.Errorf("reading the balance: %w", CodeAuth), "reading the balance: " + CodeAuth.Explain(EN), "reading the balance: " + CodeAuth.Explain(RU)},
		{fmt.Errorf("%w (after 3 tries)", CodeUnavailable), CodeUnavailable.Explain(EN), CodeUnavailable.Explain(RU)},
		{errors.Join(domain, CodeNoFunds), "no message text; " + CodeNoFunds.Explain(EN), "нет текста; " + CodeNoFunds.Explain(RU)},
		{errors.New("database is locked"), "database is locked", "database is locked"},
		{&TimeoutError{After: 30 * time.Second}, "no answer within 30s: the network or the gateway is slow", "нет ответа за 30s: сеть или шлюз"},
	}
	for _, tc := range tests {
		if en, ru := ErrText(tc.err, EN), ErrText(tc.err, RU); !strings.HasPrefix(en, tc.en) || !strings.HasPrefix(ru, tc.ru) {
			t.Errorf("%v: %q / %q, want %q / %q", tc.err, en, ru, tc.en, tc.ru)
		}
	}
}
