// Package app assembles smsdash from its parts for the command line and
// the dashboard alike: the config (or DEMO mode on the built-in
// simulator), the history, the transport, the outbox and the tracker.
package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/health"
	"github.com/smsdash/smsdash/sms/httpapi"
	"github.com/smsdash/smsdash/sms/outbox"
	"github.com/smsdash/smsdash/sms/secret"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/smpp"
	"github.com/smsdash/smsdash/sms/smppsim"
	"github.com/smsdash/smsdash/sms/store"
	"github.com/smsdash/smsdash/sms/tracker"
)

// App is smsdash's core: one per process, shared by every session (the
// local terminal, each SSH connection, a command). What Open sets in its
// exported fields never changes after; the config, the transport and the
// one tracker are swapped whole by Apply, under a lock, and read through
// methods: Config gives a snapshot that is never changed.
type App struct {
	ConfigPath string
	Demo       bool         // on the built-in simulator: nothing reaches a phone
	Sim        *sim.Running // in DEMO mode
	DemoDir    string       // in DEMO mode: where its world lasts (demo.go)
	Warnings   []string     // from loading the config
	Recovered  int          // sends of a dead smsdash that were on their way, now "outcome unknown"
	NeverLeft  int          // queued when a dead smsdash stopped: recorded as not sent
	Store      *store.Store
	Hub        *tracker.Hub
	Health     *health.Record   // how the last request of each kind went, whoever sent it; changes are published on Hub
	Feed       *tracker.Feed    // publishes on Hub what the history says, from any process
	SMSC       *smppsim.Running // DEMO mode's SMPP side
	demoLock   *flock.Flock     // held shared while in DEMO mode
	// Audit, if set, is told of every send, resend and settings save
	// made on the core, whoever made it (smsdash serve's session log;
	// nil locally). Set it before the sessions start.
	Audit func(Event)

	applying sync.Mutex // one Apply at a time; it may wait for the network
	mu       sync.RWMutex
	cfg      *config.Config // never changed once published: Apply swaps it
	gateway  sms.Gateway    // the transport named via: the config's, unless it could not be set up
	via      string
	tr       *tracker.Tracker
	stop     context.CancelFunc // of the running tracker; nil before Start
	closed   bool
	trackers sync.WaitGroup
	runs     int // trackers started (tests: one per Start and Apply, not per session)

	smppMu sync.Mutex
	smpp   *smpp.Client // started when the transport is smpp

	team team // of a PostgreSQL history (team.go)
}

// ErrUsage marks errors in the config or its path (exit code 2).
var ErrUsage = errors.New("bad config")

// Open loads the config at path, or at the default path when path is "".
// With no file at the default path it starts DEMO mode: the built-in
// simulator on the lasting DEMO world, with its own history (demo.go).
func Open(path string) (*App, error) {
	explicit := path != ""
	if !explicit {
		p, err := config.DefaultPath()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUsage, err)
		}
		path = p
	}
	a := &App{ConfigPath: path}
	cfg, warnings, err := config.Load(path)
	a.Warnings = warnings
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		if cfg, err = a.startDemo(); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: %v", ErrUsage, err)
	}
	storePath := cfg.StoreTarget()
	if a.Demo {
		storePath = filepath.Join(a.DemoDir, demoHistory)
	}
	a.Store, err = store.Open(storePath)
	if err != nil {
		a.Close()
		return nil, err
	}
	// Only what a stopped smsdash left: the rows of one still sending
	// (the dashboard, while this is a short command) are its own.
	a.Recovered, a.NeverLeft, err = a.Store.RecoverPending(context.Background())
	if err != nil {
		a.Close()
		return nil, err
	}
	if err := a.setup(cfg); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// New makes a core over cfg and a history opened by the caller (tests,
// or a program that keeps its own history); Close closes st too.
func New(cfg *config.Config, st *store.Store) (*App, error) {
	a := &App{Store: st}
	if err := a.setup(cfg); err != nil {
		return nil, err
	}
	return a, nil
}

// setup starts the feed, before anything reads the history to show it:
// every change after that reaches the hub; then the transport.
func (a *App) setup(cfg *config.Config) error {
	a.Hub = tracker.NewHub()
	hub := a.Hub
	a.Health = health.New(func() { hub.Publish(tracker.Event{Health: true}) })
	feed, err := tracker.NewFeed(context.Background(), a.Store, a.Hub)
	if err != nil {
		return err
	}
	a.Feed = feed
	a.mu.Lock()
	a.cfg = cfg
	a.mu.Unlock()
	return a.setTransport(cfg)
}

// Config is the configuration now. It is never changed: an admin's save
// publishes a new one (Apply), so a reader keeps what it took.
func (a *App) Config() *config.Config {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.cfg
}

// Apply puts cfg to work for every session: Config gives it from now on,
// the transport is rebuilt on it and the one tracker restarted (if
// Start ran), and the hub says so (tracker.Event.Config). When the
// transport cannot be set up, cfg is in place all the same (the file
// says it) and the old transport goes on; the error says why.
func (a *App) Apply(cfg *config.Config) error {
	a.applying.Lock()
	defer a.applying.Unlock()
	a.mu.Lock()
	a.cfg = cfg
	a.mu.Unlock()
	err := a.setTransport(cfg)
	a.Hub.Publish(tracker.Event{Config: true})
	return err
}

// setTransport builds the gateway and the tracker on cfg's transport and
// swaps them in, restarting the tracker if one runs.
func (a *App) setTransport(cfg *config.Config) error {
	transport := cfg.API.Transport
	g, err := a.transport(cfg, transport)
	if err != nil {
		return err
	}
	t := tracker.New(a.Store, g, a.Feed, tracker.Options{
		PollInterval: cfg.Tracker.PollInterval.Duration,
		Chunk:        max(cfg.API.BatchSize, 1000),
		OneByOne:     transport == config.TransportPlain,
		Receipts:     transport == config.TransportSMPP,
		Health:       a.Health,
		Leads:        a.Leads,
	})
	a.mu.Lock()
	defer a.mu.Unlock()
	a.gateway, a.via, a.tr = g, transport, t
	if a.stop != nil {
		a.stop()
		a.run()
	}
	return nil
}

// Start runs the one tracker of the process until Close. Every program
// on the core calls it; only the first starts it.
func (a *App) Start() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stop == nil && !a.closed {
		a.run()
	}
}

// run starts a.tr, in the team of its history if it has one; a.mu is held.
func (a *App) run() {
	a.joinTeam(a.cfg)
	ctx, cancel := context.WithCancel(context.Background())
	a.stop = cancel
	a.runs++
	t := a.tr
	a.trackers.Go(func() { t.Run(ctx) })
}

// Gateway is the config's transport.
func (a *App) Gateway() sms.Gateway {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.gateway
}

// Poke asks the tracker for a cycle and a balance reading now (after a
// send: the credits just changed).
func (a *App) Poke() {
	a.mu.RLock()
	t := a.tr
	a.mu.RUnlock()
	t.Poke()
}

// ReadBalance reads the balance now, through the tracker (which records
// and publishes it).
func (a *App) ReadBalance(ctx context.Context) (tracker.Balance, error) {
	a.mu.RLock()
	t := a.tr
	a.mu.RUnlock()
	return t.ReadBalance(ctx)
}

// Outbox gives an outbox that sends through transport ("" the config's)
// and records agent with each message, with the config's package size
// and secrets to mask.
func (a *App) Outbox(transport, agent string) (outbox.Outbox, error) {
	a.mu.RLock()
	c, g, via := a.cfg, a.gateway, a.via
	a.mu.RUnlock()
	if transport == "" {
		transport = c.API.Transport
	}
	if transport != via {
		var err error
		if g, err = a.transport(c, transport); err != nil {
			return outbox.Outbox{}, err
		}
	}
	ob := outbox.Outbox{Store: published{a.Store, a.Feed}, Gateway: g, Transport: transport, Agent: agent,
		Chunk: c.API.BatchSize, Mask: secret.New(c.Secrets()...), Health: a.Health}
	if a.Audit != nil {
		ob.Done = func(r outbox.Report) { a.Audit(Event{Send: &r, Agent: r.Agent}) }
	}
	return ob, nil
}

// published is the history as an outbox writes it: each chunk's outcomes
// go out on the hub as soon as they are recorded, so that every session's
// Status tab shows the send at once, not at the tracker's next reading.
type published struct {
	outbox.Store
	feed *tracker.Feed
}

func (p published) RecordResults(ctx context.Context, ids []int64, results []sms.Result) error {
	err := p.Store.RecordResults(ctx, ids, results)
	if err == nil {
		// A failure to read the history is the tracker's to show, at
		// its next reading; the send itself went well.
		_, _ = p.feed.CatchUp(ctx)
	}
	return err
}

// Event is one change made on the core, for Audit: a send (or resend),
// messages marked sent, or a save of the settings. It holds no message
// text, number nor setting's value.
type Event struct {
	Agent string
	Send  *outbox.Report // a send or a resend, as it ended
	// Marked: the agent settled messages of unknown outcome as sent.
	Marked *Marked
	// Keys are the settings a save wrote (or was refused to write, Err),
	// their names only.
	Keys []string
	Err  error
}

// Marked is a MarkSent: how many messages were asked, how many settled.
type Marked struct{ Asked, Settled int }

// MarkSent settles messages of unknown outcome as sent, on agent's
// explicit decision (store.MarkSent), and tells Audit: the one way the
// dashboard and the command line record that decision.
func (a *App) MarkSent(ctx context.Context, agent string, ids []int64) (int, error) {
	n, err := a.Store.MarkSent(ctx, agent, ids)
	if a.Audit != nil {
		a.Audit(Event{Agent: agent, Marked: &Marked{Asked: len(ids), Settled: n}, Err: err})
	}
	return n, err
}

// Transport gives the transport named (the config's for ""). SMPP is one
// connection for the whole program, bound on first use; its receipts go
// to the history and the stream of updates as they arrive.
func (a *App) Transport(name string) (sms.Gateway, error) { return a.transport(a.Config(), name) }

func (a *App) transport(cfg *config.Config, name string) (sms.Gateway, error) {
	if name == "" {
		name = cfg.API.Transport
	}
	if name != config.TransportSMPP {
		return Gateway(cfg, name)
	}
	a.smppMu.Lock()
	defer a.smppMu.Unlock()
	if a.smpp != nil {
		return a.smpp, nil
	}
	balance, err := Gateway(cfg, config.TransportPlain)
	if err != nil {
		return nil, err
	}
	c := cfg.SMPP
	if c.Address == "" {
		return nil, fmt.Errorf("%w: smpp.address is not set", ErrUsage)
	}
	cl := smpp.New(smpp.Config{
		Addr: c.Address, User: c.User, Password: c.Password, SystemType: c.SystemType,
		Window: c.Window, Rate: c.Rate, Latin1Limit: c.Latin1Limit,
		Balance:    balance.Balance,
		OnReceipts: a.receipts,
		OnState:    a.smppState,
	})
	if err := cl.Start(context.Background()); err != nil {
		return nil, err
	}
	a.smpp = cl
	return cl, nil
}

// receipts writes a burst of delivery receipts and publishes the changes.
func (a *App) receipts(reports []sms.StatusReport) {
	ctx := context.Background()
	ups, err := a.Store.ApplyStatuses(ctx, "smpp", reports)
	if err == nil && len(ups) > 0 {
		_, err = a.Feed.CatchUp(ctx)
	}
	a.Health.Report(health.History, err)
	if err != nil {
		a.Hub.Publish(tracker.Event{Err: err, ErrSet: true})
	}
}

// smppState records the link's state for the connection light, and
// publishes it where the tracker's errors show (status --watch).
func (a *App) smppState(s smpp.ConnState) {
	if s.Kind != smpp.Connecting {
		a.Health.Report(health.Link, s.Failure())
	}
	var err error
	if s.Kind != smpp.Bound {
		err = errors.New(s.Text(a.Lang()))
	}
	a.Hub.Publish(tracker.Event{Err: err, ErrSet: true})
}

// Gateway builds the HTTP transport named (or the config's, for ""); for
// "smpp" it gives PLAIN, enough to read the balance (see App.Transport).
func Gateway(c *config.Config, transport string) (sms.Gateway, error) {
	if transport == "" {
		transport = c.API.Transport
	}
	if transport == config.TransportSMPP {
		// SMPP is a connection, not a request: App.Transport holds it.
		// What a bare config can do over SMPP's account is read the
		// balance, which every transport reads over PLAIN.
		transport = config.TransportPlain
	}
	g, err := httpapi.New(transport, httpapi.Config{
		Login: c.Account.Login, Password: c.Account.Password, Token: c.Account.Token,
		SendPlainURL: c.API.SendPlainURL, StatusPlainURL: c.API.StatusPlainURL, CreditsPlainURL: c.API.CreditsPlainURL,
		XMLURL: c.API.XMLURL, JSONURL: c.API.JSONURL,
		Timeout: c.API.Timeout.Duration, BatchSize: c.API.BatchSize,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUsage, err)
	}
	return g, nil
}

// Lang is the config's language of texts for people.
func (a *App) Lang() sms.Lang { return sms.Lang(a.Config().UI.Lang) }

// PollEvery is how often a command that waits asks for statuses.
func (a *App) PollEvery() time.Duration {
	return min(a.Config().Tracker.PollInterval.Duration, 2*time.Second)
}

// Close stops the tracker and the simulator and closes the history
// (Open's); the DEMO world stays for the next start.
func (a *App) Close() {
	a.mu.Lock()
	a.closed = true
	if a.stop != nil {
		a.stop()
	}
	a.mu.Unlock()
	a.trackers.Wait() // before the history closes
	a.leaveTeam()     // once no tracker asks Leads
	if a.smpp != nil {
		a.smpp.Close() // drains the receipts taken so far into the store
	}
	if a.SMSC != nil {
		a.SMSC.Close()
	}
	if a.Store != nil {
		a.Store.Close()
	}
	if a.Sim != nil {
		a.Sim.Close()
	}
	if a.demoLock != nil {
		a.demoLock.Close()
	}
}
