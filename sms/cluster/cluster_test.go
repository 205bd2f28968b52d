package cluster_test

import (
	"context"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/smsdash/smsdash/sms/backoff"
	"github.com/smsdash/smsdash/sms/cluster"
	"github.com/smsdash/smsdash/sms/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// within is the generous bound on what should take a second or so.
const within = 10 * time.Second

// shared gives an empty database on the package's server.
func shared(t *testing.T) string { return pgtest.Shared(t).NewDatabase(t) }

// eventually polls cond until it holds, and fails the test after within.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	const poll = 10 * time.Millisecond
	deadline := time.Now().Add(within)
	for range int(within / poll) {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(poll)
	}
	t.Fatalf("%s: not within %v", what, within)
}

func connect(t *testing.T, dbURL string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func exec(t *testing.T, conn *pgx.Conn, sql string, args ...any) {
	t.Helper()
	if _, err := conn.Exec(t.Context(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func queryRow[T any](t *testing.T, conn *pgx.Conn, sql string, args ...any) T {
	t.Helper()
	var v T
	if err := conn.QueryRow(t.Context(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

// terminate ends a backend from outside, as the server does for a
// process killed with -9, and waits until it has gone.
func terminate(t *testing.T, admin *pgx.Conn, pid int32) {
	t.Helper()
	if !queryRow[bool](t, admin, "SELECT pg_terminate_backend($1, 5000)", pid) {
		t.Fatalf("backend %d did not end", pid)
	}
}

// errs collects what Options.Log gets.
type errs struct {
	mu   sync.Mutex
	list []error
}

func (e *errs) log(err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, err)
}

func (e *errs) get() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]error(nil), e.list...)
}

// TestErrorsHidePassword: pgtest's server trusts every login, so a wrong
// password would succeed; an unknown database, a closed port and a URL
// that does not parse give errors instead, with a password in the URL.
func TestErrorsHidePassword(t *testing.T) {
	const pw = "pw:S3cr%t/x"
	server, err := url.Parse(pgtest.Shared(t).URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	at := func(host, db, query string) string {
		u := url.URL{Scheme: "postgres", User: url.UserPassword("postgres", pw), Host: host, Path: "/" + db, RawQuery: query}
		return u.String()
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := l.Addr().String()
	l.Close()

	connectErrors := map[string]string{
		"unknown database": at(server.Host, "nosuchdb", "sslmode=disable"),
		"closed port":      at(closedPort, "postgres", "sslmode=disable"),
	}
	forms := []string{pw, url.QueryEscape(pw), url.PathEscape(pw), strings.TrimPrefix(url.UserPassword("", pw).String(), ":")}
	check := func(t *testing.T, err error) {
		t.Helper()
		text := err.Error()
		for _, f := range forms {
			if strings.Contains(text, f) {
				t.Errorf("the error shows the password as %q: %s", f, text)
			}
		}
	}
	opt := cluster.Options{Retry: 10 * time.Millisecond, Backoff: backoff.Policy{Min: 10 * time.Millisecond, Max: 10 * time.Millisecond}}
	for what, dbURL := range connectErrors {
		t.Run(what, func(t *testing.T) {
			var leaseErrs, listenErrs errs
			leaseOpt, listenOpt := opt, opt
			leaseOpt.Log, listenOpt.Log = leaseErrs.log, listenErrs.log
			lease, err := cluster.Lead(t.Context(), dbURL, "smsdash poller", leaseOpt)
			if err != nil {
				t.Fatal(err)
			}
			defer lease.Close()
			listener, err := cluster.Listen(t.Context(), dbURL, "smsdash_changes", func() {}, listenOpt)
			if err != nil {
				t.Fatal(err)
			}
			defer listener.Close()
			eventually(t, "errors from both", func() bool { return len(leaseErrs.get()) > 0 && len(listenErrs.get()) > 0 })
			for _, err := range append(leaseErrs.get(), listenErrs.get()...) {
				check(t, err)
			}
			t.Log(leaseErrs.get()[0])
			t.Log(listenErrs.get()[0])
		})
	}
	t.Run("does not parse", func(t *testing.T) {
		dbURL := at(server.Host, "postgres", "sslmode=bogus")
		_, err := cluster.Lead(t.Context(), dbURL, "smsdash poller", opt)
		if err == nil {
			t.Fatal("Lead took a URL with sslmode=bogus")
		}
		check(t, err)
		t.Log(err)
		_, err = cluster.Listen(t.Context(), dbURL, "smsdash_changes", func() {}, opt)
		if err == nil {
			t.Fatal("Listen took a URL with sslmode=bogus")
		}
		check(t, err)
	})
}
