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

// App is a running smsdash core.
type App struct {
	Config     *config.Config
	ConfigPath string
	Demo       bool         // on the built-in simulator: nothing reaches a phone
	Sim        *sim.Running // in DEMO mode
	DemoDir    string       // in DEMO mode: where its world lasts (demo.go)
	Warnings   []string     // from loading the config
	Recovered  int          // sends of a dead smsdash that were on their way, now "outcome unknown"
	NeverLeft  int          // queued when a dead smsdash stopped: recorded as not sent
	Store      *store.Store
	Gateway    sms.Gateway
	Outbox     *outbox.Outbox
	Hub        *tracker.Hub
	Health     *health.Record // how the last request of each kind went, whoever sent it; changes are published on Hub
	Feed       *tracker.Feed  // publishes on Hub what the history says, from any process
	Tracker    *tracker.Tracker
	SMSC       *smppsim.Running // DEMO mode's SMPP side
	smpp       *smpp.Client     // started when the transport is smpp
	demoLock   *flock.Flock     // held shared while in DEMO mode
	view       bool             // made by As: the core is its opener's
	// Role is a view's (As): RoleAgent or RoleAdmin. The local terminal's
	// App has none: it runs on its own config.
	Role string
}

// Roles of the agents of smsdash serve.
const (
	RoleAgent = "agent"
	RoleAdmin = "admin"
)

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
		a.Config = cfg
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		if err := a.startDemo(); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: %v", ErrUsage, err)
	}
	storePath := a.Config.StorePath()
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
	if err := a.SetTransport(a.Config.API.Transport); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// SetTransport switches the transport ("plain", "xml", "json", "smpp")
// and rebuilds the outbox and tracker on it. The first call starts the
// feed, before anything reads the history to show it (Open calls it
// right after opening the history): every change after that reaches
// the hub.
func (a *App) SetTransport(transport string) error {
	if a.Feed == nil {
		if a.Hub == nil {
			a.Hub = tracker.NewHub()
		}
		hub := a.Hub
		a.Health = health.New(func() { hub.Publish(tracker.Event{Health: true}) })
		feed, err := tracker.NewFeed(context.Background(), a.Store, a.Hub)
		if err != nil {
			return err
		}
		a.Feed = feed
	}
	g, err := a.Transport(transport)
	if err != nil {
		return err
	}
	c := a.Config
	a.Gateway = g
	ob := a.NewOutbox(g, transport)
	a.Outbox = &ob
	a.Tracker = tracker.New(a.Store, g, a.Feed, tracker.Options{
		PollInterval: c.Tracker.PollInterval.Duration,
		Chunk:        max(c.API.BatchSize, 1000),
		OneByOne:     transport == config.TransportPlain,
		Receipts:     transport == config.TransportSMPP,
		Health:       a.Health,
	})
	return nil
}

// NewOutbox gives an outbox that sends through g and records in the
// history, with the config's agent, package size and secrets to mask.
func (a *App) NewOutbox(g sms.Gateway, transport string) outbox.Outbox {
	c := a.Config
	return outbox.Outbox{Store: a.Store, Gateway: g, Transport: transport, Agent: c.Account.Agent,
		Chunk: c.API.BatchSize, Mask: secret.New(c.Secrets()...), Health: a.Health}
}

// Transport gives the transport named (the config's for ""). SMPP is one
// connection for the whole program, bound on first use; its receipts go
// to the history and the stream of updates as they arrive.
func (a *App) Transport(name string) (sms.Gateway, error) {
	if name == "" {
		name = a.Config.API.Transport
	}
	if name != config.TransportSMPP {
		return Gateway(a.Config, name)
	}
	if a.smpp != nil {
		return a.smpp, nil
	}
	balance, err := Gateway(a.Config, config.TransportPlain)
	if err != nil {
		return nil, err
	}
	c := a.Config.SMPP
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

// Lang is the language of texts for people.
func (a *App) Lang() sms.Lang { return sms.Lang(a.Config.UI.Lang) }

// PollEvery is how often a command that waits asks for statuses.
func (a *App) PollEvery() time.Duration {
	return min(a.Config.Tracker.PollInterval.Duration, 2*time.Second)
}

// As gives a view of the core for one agent in a role (a session of
// smsdash serve): the same history, transport, tracker and hub, with its own copy
// of the config whose account.agent is agent, so that every message it
// sends, settles or resumes is recorded under that name, and its own
// outbox. Changing a view's config or transport (Settings) changes that
// view alone. Its Close does nothing: the core is closed by its opener.
func (a *App) As(agent, role string) *App {
	v := *a
	v.Role = role
	cfg := *a.Config
	cfg.Account.Senders = append([]string(nil), a.Config.Account.Senders...)
	cfg.Account.Agent = agent
	v.Config = &cfg
	ob := v.NewOutbox(a.Outbox.Gateway, a.Outbox.Transport)
	v.Outbox = &ob
	v.view = true
	return &v
}

// Close stops the simulator and closes the history; the DEMO world stays
// for the next start.
func (a *App) Close() {
	if a.view {
		return
	}
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
