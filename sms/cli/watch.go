package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/tracker"
)

// watchStatuses follows messages through the tracker's stream of updates
// and prints each change as it comes, until every one is final (the exit
// code then says whether each was delivered; stopped before, 4). The
// stream is what the history says (app.App.Feed): a change another
// smsdash wrote (the dashboard, another watch) counts as well as its own.
func watchStatuses(ctx context.Context, e *Env, a *app.App, g sms.Gateway, ids []int64, asJSON bool) error {
	// Subscribed before reading what to watch: a change is either in
	// that read or published to sub after it.
	sub := a.Hub.Subscribe()
	defer sub.Close()
	tracked, err := a.Store.Tracked(ctx, 0)
	if err != nil {
		return err
	}
	open := map[int64]bool{} // gateway id → still to watch
	if len(ids) == 0 {
		for _, m := range tracked {
			open[m.GatewayID] = true
		}
	} else {
		inHistory := map[int64]bool{}
		for _, m := range tracked {
			inHistory[m.GatewayID] = true
		}
		for _, id := range ids {
			if inHistory[id] {
				open[id] = true
			} else {
				e.say("%d is not followed in this history (final already, or sent from elsewhere): smsdash status %d asks once", id, id)
			}
		}
	}
	if len(open) == 0 {
		e.say("nothing to watch: every message is final")
		return nil
	}
	e.say("watching %s; Ctrl-C stops", nMessages.N(len(open)))
	a.JoinTeam() // on a shared history, the team's poller asks; every change comes at once
	tr := tracker.New(a.Store, g, a.Feed, tracker.Options{PollInterval: a.PollEvery(), BalanceInterval: 24 * time.Hour, Leads: a.Leads})
	ctx, cancel := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { tr.Run(ctx); close(stopped) }()
	defer func() { cancel(); <-stopped }() // before the history closes
	enc := json.NewEncoder(e.Stdout)
	var pollErr, balanceErr lastSaid
	var t tally
	for len(open) > 0 {
		select {
		case <-ctx.Done():
			t.notFinal = len(open)
			return t.err()
		case <-sub.C():
		}
		ev, _ := sub.Take()
		if ev.ErrSet && pollErr.fresh(ev.Err) {
			e.say("asking statuses: %v (retrying)", ev.Err)
		}
		if ev.BalanceErrSet && balanceErr.fresh(ev.BalanceErr) {
			e.say("reading the balance: %v", ev.BalanceErr)
		}
		for _, u := range ev.Updates {
			if !open[u.GatewayID] {
				continue
			}
			if u.To.Final() {
				delete(open, u.GatewayID)
				if u.To != sms.Delivered {
					t.notDelivered++
				}
			}
			if asJSON {
				enc.Encode(watchJSON{At: u.At.In(sms.Minsk), ID: u.GatewayID, Local: u.ID, From: u.From, To: u.To, Final: u.To.Final()})
				continue
			}
			from := u.From.String()
			if from == "" {
				from = "-"
			}
			fmt.Fprintf(e.Stdout, "%s  %d  %s → %s  %s\n", u.At.In(sms.Minsk).Format("15:04:05"), u.GatewayID, from, u.To, u.To.Text(a.Lang()))
		}
	}
	return t.err()
}

// lastSaid is the text of the last failure said, so that a failure
// repeated at every try is said once.
type lastSaid string

// fresh records err and reports whether it is a failure not just said.
func (l *lastSaid) fresh(err error) bool {
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	fresh := msg != "" && msg != string(*l)
	*l = lastSaid(msg)
	return fresh
}

type watchJSON struct {
	At    time.Time  `json:"at"`
	ID    int64      `json:"id"`
	Local int64      `json:"local_id"`
	From  sms.Status `json:"from"`
	To    sms.Status `json:"to"`
	Final bool       `json:"final"`
}
