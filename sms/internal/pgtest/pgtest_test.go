package pgtest_test

import (
	"context"
	"net"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/smsdash/smsdash/sms/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

func connect(t *testing.T, dbURL string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func queryRow[T any](t *testing.T, conn *pgx.Conn, sql string, args ...any) T {
	t.Helper()
	var v T
	if err := conn.QueryRow(t.Context(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

func tables(t *testing.T, conn *pgx.Conn) int {
	return queryRow[int](t, conn, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
}

// Each NewDatabase is a database of its own, empty, on a real PostgreSQL.
func TestDatabasesAreSeparate(t *testing.T) {
	s := pgtest.Shared(t)
	if s != pgtest.Shared(t) {
		t.Fatal("Shared started a second server")
	}
	urlA, urlB := s.NewDatabase(t), s.NewDatabase(t)
	if urlA == urlB {
		t.Fatalf("two databases at one URL %s", urlA)
	}
	a, b := connect(t, urlA), connect(t, urlB)

	if v := queryRow[string](t, a, "SELECT version()"); !strings.HasPrefix(v, "PostgreSQL ") {
		t.Errorf("version() = %q, want PostgreSQL", v)
	}
	nameA, nameB := queryRow[string](t, a, "SELECT current_database()"), queryRow[string](t, b, "SELECT current_database()")
	if nameA == nameB {
		t.Fatalf("both connections are to database %s", nameA)
	}
	if n, m := tables(t, a), tables(t, b); n != 0 || m != 0 {
		t.Fatalf("new databases have %d and %d tables, want none", n, m)
	}
	if _, err := a.Exec(t.Context(), "CREATE TABLE notes (id int); INSERT INTO notes VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	if n := queryRow[int](t, a, "SELECT count(*) FROM notes"); n != 1 {
		t.Errorf("notes has %d rows, want 1", n)
	}
	if n, m := tables(t, a), tables(t, b); n != 1 || m != 0 {
		t.Errorf("after CREATE TABLE in %s: %d tables there and %d in %s, want 1 and 0", nameA, n, m, nameB)
	}
}

// A test's database is dropped when the test ends, even with a connection
// the test left open.
func TestDatabaseDropped(t *testing.T) {
	s := pgtest.Shared(t)
	var name string
	t.Run("test", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		dbURL := s.NewDatabase(t)
		u, err := url.Parse(dbURL)
		if err != nil {
			t.Fatal(err)
		}
		name = strings.TrimPrefix(u.Path, "/")
		if _, err := pgx.Connect(ctx, dbURL); err != nil { // left open
			t.Fatal(err)
		}
	})
	admin := connect(t, s.URL("postgres"))
	if n := queryRow[int](t, admin, "SELECT count(*) FROM pg_database WHERE datname = $1", name); n != 0 {
		t.Errorf("database %q still there after its test", name)
	}
}

// The server takes connections on 127.0.0.1 and on no other address.
func TestLoopbackOnly(t *testing.T) {
	s := pgtest.Shared(t)
	u, err := url.Parse(s.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	if u.Hostname() != "127.0.0.1" {
		t.Fatalf("URL %s: host %s, want 127.0.0.1", u, u.Hostname())
	}
	conn := connect(t, u.String())
	if got := queryRow[string](t, conn, "SHOW listen_addresses"); got != "127.0.0.1" {
		t.Errorf("listen_addresses = %q, want 127.0.0.1", got)
	}
	// The rest of 127.0.0.0/8 is this machine too: a server listening on
	// every address would answer there.
	for _, host := range []string{"127.0.0.2", "::1"} {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(host, u.Port()), time.Second)
		if err == nil {
			c.Close()
			t.Errorf("the server takes connections on %s", host)
		}
	}
}

// Start's server runs for its test and is gone after it.
func TestStartStops(t *testing.T) {
	var addr string
	t.Run("running", func(t *testing.T) {
		begin := time.Now()
		s := pgtest.Start(t)
		t.Logf("server started in %v", time.Since(begin).Round(time.Millisecond))
		u, err := url.Parse(s.NewDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		addr = u.Host
		conn := connect(t, u.String())
		if n := queryRow[int](t, conn, "SELECT 1"); n != 1 {
			t.Errorf("SELECT 1 = %d", n)
		}
	})
	if addr == "" {
		t.Fatal("the server did not start")
	}
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		c.Close()
		t.Fatalf("%s still takes connections after the test", addr)
	}
}
