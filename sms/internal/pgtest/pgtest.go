// Package pgtest runs a throwaway PostgreSQL server for tests: Debian's
// postgresql binaries, a data directory in a temporary folder, trust
// authentication, listening on 127.0.0.1 only, durability turned off for
// speed. Only tests import it.
//
// A test that needs a server of its own calls Start; the tests of a package
// share one with Shared, which needs the package's TestMain to call Run:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }
//
// Either way each test takes an empty database with NewDatabase.
//
// PostgreSQL refuses to run as root, so under root (as in CI) initdb and
// postgres run as the postgres system user, or nobody where there is none.
package pgtest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	superuser    = "postgres"
	readyTimeout = 15 * time.Second
	stopTimeout  = 10 * time.Second
	portTries    = 5
)

// Server is a running postgres. Its superuser is postgres, with no password.
type Server struct {
	port     int
	cmd      *exec.Cmd
	exited   chan struct{} // closed once postgres has exited
	nextDB   atomic.Int64
	stopOnce sync.Once
	stopErr  error
}

// Start starts a server for this test alone, in t.TempDir(), and stops it
// when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s, err := start(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Error(err)
		}
	})
	return s
}

var shared struct {
	running bool // Run is running the tests
	once    sync.Once
	dir     string
	srv     *Server
	err     error
}

// Shared returns the test process's one server, started on first use and
// stopped by Run once the tests are done.
func Shared(t testing.TB) *Server {
	t.Helper()
	if !shared.running {
		t.Fatal("pgtest.Shared: the package's TestMain must call pgtest.Run(m), which stops the shared server")
	}
	shared.once.Do(func() {
		shared.dir, shared.err = os.MkdirTemp("", "pgtest")
		if shared.err == nil {
			shared.srv, shared.err = start(shared.dir)
		}
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.srv
}

// Run runs the tests, then stops the shared server if a test started it
// and removes its folder. It returns m.Run's exit code, or 1 if the server
// would not stop.
func Run(m *testing.M) int {
	shared.running = true
	code := m.Run()
	if shared.srv != nil {
		if err := shared.srv.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = max(code, 1)
		}
	}
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	return code
}

// URL is the address of database db on the server.
func (s *Server) URL(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(superuser),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// NewDatabase creates an empty database for this test, returns its URL and
// drops it when the test ends (closing connections the test left open), so
// that a shared server does not fill the disk.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("t%d", s.nextDB.Add(1))
	if err := s.admin("CREATE DATABASE " + name); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := s.admin("DROP DATABASE " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return s.URL(name)
}

func (s *Server) admin(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// Stop shuts the server down fast (open transactions roll back), or kills
// it if it has not stopped in stopTimeout. Later calls do nothing.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-s.exited:
		case <-time.After(stopTimeout):
			_ = s.cmd.Process.Kill()
			<-s.exited
			s.stopErr = fmt.Errorf("pgtest: postgres on port %d did not stop in %v; killed", s.port, stopTimeout)
		}
	})
	return s.stopErr
}

// start makes a cluster in dir and runs postgres on it until ready.
func start(dir string) (*Server, error) {
	initdb, postgres, err := binaries()
	if err != nil {
		return nil, err
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	sock := filepath.Join(dir, "s") // short: a socket's path has at most 107 bytes
	hba := filepath.Join(dir, "pg_hba.conf")
	logPath := filepath.Join(dir, "postgres.log")
	if err := os.Mkdir(sock, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(hba, []byte("local all all trust\nhost all all 127.0.0.1/32 trust\n"), 0o600); err != nil {
		return nil, err
	}
	if cred != nil {
		if err := handOver(dir, cred); err != nil {
			return nil, err
		}
	}

	cmd := command(cred, dir, initdb, "-D", data, "-U", superuser, "--auth=trust",
		"--no-sync", "--encoding=UTF8", "--locale=C")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pgtest: %s: %v\n%s", cmd, err, out)
	}

	// The free port is found by listening on it and letting go, so another
	// process may take it before postgres binds it: then try another.
	for range portTries {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		s, err := run(cred, dir, postgres, logPath, port,
			"-D", data, "-p", strconv.Itoa(port), "-k", sock,
			"-c", "listen_addresses=127.0.0.1",
			"-c", "hba_file="+hba,
			"-c", "max_connections=100",
			"-c", "fsync=off",
			"-c", "synchronous_commit=off",
			"-c", "full_page_writes=off")
		if err == nil {
			return s, nil
		}
		log, _ := os.ReadFile(logPath)
		if !bytes.Contains(log, []byte("Address already in use")) {
			return nil, fmt.Errorf("%v\nlast lines of %s:\n%s", err, logPath, tail(log, 20))
		}
	}
	return nil, fmt.Errorf("pgtest: no free port for postgres in %d tries", portTries)
}

// run starts postgres and waits until it takes connections.
func run(cred *syscall.Credential, dir, postgres, logPath string, port int, args ...string) (*Server, error) {
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer log.Close() // postgres has its own copy
	cmd := command(cred, dir, postgres, args...)
	cmd.Stdout, cmd.Stderr = log, log
	// Should the test binary die without its cleanups (a test timeout
	// panics), the kernel stops postgres all the same.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("pgtest: %s: %v", cmd, err)
	}
	s := &Server{port: port, cmd: cmd, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()
	if err := s.waitReady(); err != nil {
		_ = s.Stop()
		return nil, err
	}
	return s, nil
}

// waitReady connects until postgres answers, it exits, or readyTimeout.
func (s *Server) waitReady() error {
	const poll = 50 * time.Millisecond
	deadline := time.Now().Add(readyTimeout)
	var err error
	for range int(readyTimeout / poll) {
		if err = s.ping(); err == nil {
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("pgtest: postgres exited while starting (%v)", s.cmd.ProcessState)
		case <-time.After(poll):
		}
		if time.Now().After(deadline) {
			break
		}
	}
	return fmt.Errorf("pgtest: postgres on port %d not ready in %v: %v", s.port, readyTimeout, err)
}

func (s *Server) ping() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	return conn.Ping(ctx)
}

// command runs as cred's user when set, in dir, which that user owns: it
// may not be able to read the test's working directory.
func command(cred *syscall.Credential, dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	return cmd
}

// binaries finds initdb and postgres: the highest version in Debian's
// /usr/lib/postgresql/VERSION/bin, else on PATH.
func binaries() (initdb, postgres string, err error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(dir string) float64 { // "15", or "9.6" before 10
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(dir)), 64)
		return v
	}
	slices.SortFunc(dirs, func(a, b string) int { return cmp.Compare(version(b), version(a)) })
	for _, dir := range dirs {
		initdb, postgres = filepath.Join(dir, "initdb"), filepath.Join(dir, "postgres")
		if executable(initdb) && executable(postgres) {
			return initdb, postgres, nil
		}
	}
	initdb, err1 := exec.LookPath("initdb")
	postgres, err2 := exec.LookPath("postgres")
	if err1 != nil || err2 != nil {
		return "", "", errors.New("pgtest: PostgreSQL's initdb and postgres are in neither /usr/lib/postgresql/*/bin nor PATH: " +
			"install Debian's postgresql package (apt-get install postgresql; .ci/run does)")
	}
	return initdb, postgres, nil
}

func executable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// credential is nil when not root; under root it is the unprivileged user
// to run PostgreSQL as.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil {
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("pgtest: running as root, and there is neither a postgres nor a nobody user to run PostgreSQL as")
}

// handOver gives dir's tree to cred's user and lets it reach dir through the
// folders the test framework made above it (os.MkdirTemp makes them 0700);
// the temporary folder itself (/tmp) is already open to all.
func handOver(dir string, cred *syscall.Credential) error {
	err := filepath.WalkDir(dir, func(path string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(cred.Uid), int(cred.Gid))
	})
	if err != nil {
		return err
	}
	root := filepath.Clean(os.TempDir())
	if d := os.Getenv("GOTMPDIR"); d != "" {
		root = filepath.Clean(d)
	}
	for d := filepath.Dir(dir); strings.HasPrefix(d, root+string(filepath.Separator)); d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		if err := os.Chmod(d, fi.Mode().Perm()|0o011); err != nil {
			return err
		}
	}
	return nil
}

// freePort is a port on 127.0.0.1 that nothing listened on a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail is the last n lines of b.
func tail(b []byte, n int) []byte {
	lines := bytes.SplitAfter(bytes.TrimRight(b, "\n"), []byte("\n"))
	return bytes.Join(lines[max(0, len(lines)-n):], nil)
}
