// Package health records what the last request of each kind did (a
// send, a status request, a balance reading, the SMPP link) and whether
// the history could be written, so that the dashboard's connection light
// tells the truth: online, degraded (some kinds fail) or offline, since
// when, and what failed. Every request path reports into one Record.
// Reporting holds a mutex for a moment and calls OnChange only when what
// the light shows changes: it never waits for a reader.
package health

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/smsdash/smsdash/sms"
)

// Kind is what a report is about.
type Kind uint8

const (
	Send Kind = iota
	Statuses
	Balance
	Link // the SMPP connection
	// History is the local history: not a request to the gateway, so it
	// never makes the light online, but its failure shows.
	History
	kinds
)

var kindText = [kinds][2]string{
	{"send", "отправка"},
	{"statuses", "статусы"},
	{"balance", "баланс"},
	{"SMPP link", "связь SMPP"},
	{"history", "история"},
}

// Text names the kind in l.
func (k Kind) Text(l sms.Lang) string {
	if l == sms.RU {
		return kindText[k][1]
	}
	return kindText[k][0]
}

// Level is what the light shows.
type Level uint8

const (
	Unknown  Level = iota // no request has ended yet
	Online                // the last request of every kind worked
	Degraded              // some kinds work, some fail
	Offline               // every kind asked fails
)

// Failure is a kind whose last report was a failure.
type Failure struct {
	Kind  Kind
	Err   error
	Since time.Time // its first failure since it last worked
	At    time.Time // its last failure
}

// State is the record at one moment.
type State struct {
	Level  Level
	Since  time.Time // when Level began
	Failed []Failure // in Kind order
}

// Record holds the last outcome of each kind. The zero value is not
// ready: use New. A nil *Record takes reports and drops them.
type Record struct {
	onChange func()
	now      func() time.Time

	mu    sync.Mutex
	last  [kinds]outcome
	level Level
	since time.Time
}

type outcome struct {
	seen      bool
	err       error
	since, at time.Time
}

// New makes a record; onChange, if set, is called (outside the record's
// lock) after a report that changes the State's level or failures. It
// must not block.
func New(onChange func()) *Record { return &Record{onChange: onChange, now: time.Now} }

// SetClock replaces the clock Report reads (tests: fixed times make
// stable views).
func (r *Record) SetClock(now func() time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.now = now
}

// Report records the outcome of a request of kind k that ended now; err
// nil is a success. A cancel is no outcome: the request was given up.
func (r *Record) Report(k Kind, err error) {
	if r == nil {
		return
	}
	r.mu.Lock()
	now := r.now
	r.mu.Unlock()
	r.ReportAt(k, err, now())
}

// ReportAt is Report for a request that ended at at.
func (r *Record) ReportAt(k Kind, err error, at time.Time) {
	if r == nil || errors.Is(err, context.Canceled) {
		return
	}
	r.mu.Lock()
	o := &r.last[k]
	changed := !o.seen || (o.err == nil) != (err == nil) || err != nil && err.Error() != o.err.Error()
	if err != nil && o.err == nil {
		o.since = at
	}
	o.seen, o.err, o.at = true, err, at
	if level := r.levelLocked(); level != r.level {
		r.level, r.since, changed = level, at, true
	}
	r.mu.Unlock()
	if changed && r.onChange != nil {
		r.onChange()
	}
}

// levelLocked: online when every kind reported works (and a request did),
// offline when every request kind reported fails, degraded between.
func (r *Record) levelLocked() Level {
	var working, failing, requests int
	for k, o := range r.last {
		switch {
		case !o.seen:
			continue
		case o.err != nil:
			failing++
		case Kind(k) != History:
			working++
		}
		if Kind(k) != History {
			requests++
		}
	}
	switch {
	case failing == 0 && working > 0:
		return Online
	case failing == 0:
		return Unknown
	case working == 0 && requests > 0:
		return Offline
	}
	return Degraded
}

// State gives the record now.
func (r *Record) State() State {
	if r == nil {
		return State{}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s := State{Level: r.level, Since: r.since}
	for k, o := range r.last {
		if o.seen && o.err != nil {
			s.Failed = append(s.Failed, Failure{Kind: Kind(k), Err: o.err, Since: o.since, At: o.at})
		}
	}
	return s
}
