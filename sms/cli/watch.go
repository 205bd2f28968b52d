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
// and prints each change as it comes, until every one is final.
func watchStatuses(ctx context.Context, e *Env, a *app.App, g sms.Gateway, ids []int64, asJSON bool) error {
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
	e.say("watching %d message(s); Ctrl-C stops", len(open))
	hub := tracker.NewHub()
	sub := hub.Subscribe()
	defer sub.Close()
	tr := tracker.New(a.Store, g, hub, tracker.Options{PollInterval: a.PollEvery(), BalanceInterval: 24 * time.Hour})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go tr.Run(ctx)
	enc := json.NewEncoder(e.Stdout)
	var lastErr string
	for len(open) > 0 {
		select {
		case <-ctx.Done():
			return nil
		case <-sub.C():
		}
		ev, _ := sub.Take()
		if ev.ErrSet {
			msg := ""
			if ev.Err != nil {
				msg = ev.Err.Error()
			}
			if msg != lastErr && msg != "" {
				e.say("asking statuses: %v (retrying)", msg)
			}
			lastErr = msg
		}
		for _, u := range ev.Updates {
			if !open[u.GatewayID] {
				continue
			}
			if u.To.Final() {
				delete(open, u.GatewayID)
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
	return nil
}

type watchJSON struct {
	At    time.Time  `json:"at"`
	ID    int64      `json:"id"`
	Local int64      `json:"local_id"`
	From  sms.Status `json:"from"`
	To    sms.Status `json:"to"`
	Final bool       `json:"final"`
}
