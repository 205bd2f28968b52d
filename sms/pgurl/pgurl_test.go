package pgurl

import (
	"context"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/smsdash/smsdash/sms/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

// TestKeepalives: both ends of a connection probe an idle peer, so that a
// vanished host is noticed in DeadAfter, and the connection is named.
func TestKeepalives(t *testing.T) {
	dbURL := pgtest.Shared(t).NewDatabase(t)
	cfg, _, err := Config(dbURL, "smsdash lease")
	if err != nil {
		t.Fatal(err)
	}
	KeepAlive(cfg)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())

	server := map[string]string{
		"tcp_keepalives_idle":     "10",
		"tcp_keepalives_interval": "5",
		"tcp_keepalives_count":    "3",
		"tcp_user_timeout":        "25000", // ms
		"application_name":        "smsdash lease",
	}
	for name, want := range server {
		var got string
		if err := conn.QueryRow(ctx, "SELECT current_setting($1)", name).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("the server's %s is %q, want %q", name, got, want)
		}
	}

	raw, err := conn.PgConn().Conn().(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	client := []struct{ level, opt, want int }{
		{syscall.SOL_SOCKET, syscall.SO_KEEPALIVE, 1},
		{syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE, 10},
		{syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL, 5},
		{syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT, 3},
	}
	err = raw.Control(func(fd uintptr) {
		for _, c := range client {
			got, err := syscall.GetsockoptInt(int(fd), c.level, c.opt)
			if err != nil || got != c.want {
				t.Errorf("the client's socket option %d/%d is %d (%v), want %d", c.level, c.opt, got, err, c.want)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestConfigKeepsTheURLsName(t *testing.T) {
	cfg, _, err := Config("postgres://u@h/db?application_name=smsdash-host1", "smsdash lease")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.RuntimeParams["application_name"]; got != "smsdash-host1" {
		t.Errorf("application_name is %q, want the URL's", got)
	}
}

// Every password a URL may bring is masked: in its user info, in a
// password= parameter, from PGPASSWORD; and in the error of one that does
// not parse.
func TestConfigMasksPasswords(t *testing.T) {
	t.Setenv("PGPASSWORD", "from-env-9")
	for raw, pws := range map[string][]string{
		"postgres://u:p%40ss-1@h/db?password=q-2": {"p@ss-1", "q-2"},
		"postgresql://u@h/db":                     {"from-env-9"},
	} {
		_, mask, err := Config(raw, "x")
		if err != nil {
			t.Fatal(err)
		}
		for _, pw := range pws {
			if got := mask.Mask("said " + pw); strings.Contains(got, pw) {
				t.Errorf("%s: %q is not masked: %q", raw, pw, got)
			}
		}
	}
	for _, raw := range []string{"postgres://u:s3cret-3@h:port/db", "postgres://u:s3cret-3@h/db?sslmode=bogus",
		"u:s3cret-3@h sslmode=bogus", "mysql://u:s3cret-3@h/db", "postgres://u:s3cret-3@h/db\x00"} {
		if _, _, err := Config(raw, "x"); err == nil || strings.Contains(err.Error(), "s3cret-3") {
			t.Errorf("%q: %v", raw, err)
		}
	}
}
