package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"

	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/smppsim"
)

// The DEMO world lasts in config.DemoDir, shared by the dashboard and
// every command, across restarts: the simulator's account (its world
// file: balance, messages, their due times, so statuses advance) and the
// DEMO history. Nothing in it is the real account's: the real history is
// elsewhere (config.StorePath), and the simulator answers on loopback only.
// Every smsdash in DEMO holds a shared lock on demoLock while it runs;
// ResetDemo takes it exclusively, so it never pulls the world from under
// one. The OS drops a killed process's lock.
const (
	demoWorld   = "simulator.world"
	demoHistory = "history.db"
	demoLock    = "in-use.lock"
)

// smscBlock is how many SMPP message ids the DEMO SMSC of one process may
// give: each process's SMSC numbers in a block of its own (sim.NumberBlock),
// so ids never repeat in the lasting DEMO history.
const smscBlock = 1_000_000

// ErrDemoInUse refuses a reset while another smsdash uses the DEMO world
// (and a DEMO start while a reset runs).
var ErrDemoInUse = errors.New("the DEMO world is in use by another smsdash (the dashboard or a command)")

// startDemo starts DEMO mode on the lasting world: the simulator on
// loopback over the world's account, its SMPP side charging the same
// account, and the DEMO config pointing at both.
func (a *App) startDemo() (cfg *config.Config, err error) {
	dir, err := config.DemoDir()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUsage, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("DEMO: %w", err)
	}
	lock := flock.New(filepath.Join(dir, demoLock), flock.SetPermissions(0o600))
	ok, err := lock.TryRLock()
	switch {
	case err != nil:
		return nil, fmt.Errorf("DEMO: locking %s: %w", dir, err)
	case !ok:
		return nil, fmt.Errorf("%w: it is being reset (smsdash demo --reset); try again", ErrDemoInUse)
	}
	defer func() {
		if err != nil {
			lock.Close()
		}
	}()
	srv, err := sim.Open(filepath.Join(dir, demoWorld), sim.Options{})
	if err != nil {
		return nil, fmt.Errorf("starting the demo simulator: %w (smsdash demo --reset starts the DEMO world afresh)", err)
	}
	run, err := sim.Serve("127.0.0.1:0", srv)
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("starting the demo simulator: %w", err)
	}
	block, err := srv.NumberBlock()
	var smsc *smppsim.Running
	if err == nil {
		// One account on both sides: SMPP sends spend the balance HTTP reads.
		smsc, err = smppsim.Start("127.0.0.1:0", smppsim.Options{Ledger: srv, FirstID: smppsim.FirstID + block*smscBlock})
	}
	if err != nil {
		run.Close()
		return nil, fmt.Errorf("starting the demo simulator: %w", err)
	}
	a.Demo, a.Sim, a.SMSC, a.DemoDir, a.demoLock = true, run, smsc, dir, lock
	// The config's store.path stays the real one's default: a config
	// saved from DEMO must not take the DEMO history along.
	return config.Demo(run.URL(), smsc.Addr()), nil
}

// ResetDemo removes the DEMO world (the simulator's account and the DEMO
// history) so that the next DEMO start begins afresh, and gives its
// directory. It refuses with ErrDemoInUse while another smsdash holds
// the world. A config file, the real history and any other file are not
// touched.
func ResetDemo() (dir string, err error) {
	dir, err = config.DemoDir()
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return dir, nil // nothing to reset
	}
	lock := flock.New(filepath.Join(dir, demoLock), flock.SetPermissions(0o600))
	ok, err := lock.TryLock()
	switch {
	case err != nil:
		return dir, fmt.Errorf("locking %s: %w", dir, err)
	case !ok:
		return dir, fmt.Errorf("%w: close it, then reset", ErrDemoInUse)
	}
	defer lock.Close()
	// The lock file stays: removing it would let a start lock a new file
	// of the same name while the reset still runs.
	errs := []error{os.RemoveAll(filepath.Join(dir, demoHistory+".owners"))}
	for _, db := range []string{demoWorld, demoHistory} { // SQLite files, each with its journals
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			errs = append(errs, os.RemoveAll(filepath.Join(dir, db+suffix)))
		}
	}
	return dir, errors.Join(errs...)
}
