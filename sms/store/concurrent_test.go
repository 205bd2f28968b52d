package store

import (
	"sync"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
)

// The dashboard and the command line use one file at once: the dashboard
// reads and tracks while a second handle (the command line) sends. No
// "database is locked", and every message is counted once.
func TestTwoHandlesOneFile(t *testing.T) {
	path := newTarget(t)
	ui, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ui.Close()
	cli, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if _, _, err := cli.RecoverPending(ctx); err != nil { // what the CLI does at start
		t.Fatal(err)
	}

	const rounds, perRound = 100, 25
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	report := func(err error) {
		if err != nil {
			errs <- err
		}
	}
	wg.Add(4)
	go func() { // the dashboard's view
		defer wg.Done()
		for range 3 * rounds {
			_, err := ui.Latest(ctx, Filter{Limit: 100})
			report(err)
			_, err = ui.Counts(ctx)
			report(err)
			_, err = ui.CountsFor(ctx, Filter{Status: "Delivered"})
			report(err)
		}
	}()
	go func() { // the dashboard's tracker
		defer wg.Done()
		for i := range rounds {
			tr, err := ui.Tracked(ctx, 0)
			report(err)
			var reps []sms.StatusReport
			for _, m := range tr {
				reps = append(reps, sms.StatusReport{ID: m.GatewayID, Status: sms.Delivered})
			}
			_, err = ui.ApplyStatuses(ctx, "http", reps)
			report(err)
			report(ui.RecordBalance(ctx, float64(i), time.Now()))
			_, err = ui.ExpireStale(ctx, time.Now(), time.Hour)
			report(err)
		}
	}()
	go func() { // the command line sends
		defer wg.Done()
		for i := range rounds {
			ids, err := addPending(cli, ctx, 0, "cli", "json", msgs(perRound))
			report(err)
			res := make([]sms.Result, len(ids))
			for j := range res {
				res[j] = sms.Result{Outcome: sms.Accepted, ID: int64(i*perRound + j + 1), Parts: 1}
			}
			report(cli.RecordResults(ctx, ids, res))
		}
	}()
	go func() { // and receives receipts, some before the reply is recorded
		defer wg.Done()
		for i := range rounds {
			_, err := cli.ApplyStatuses(ctx, "smpp", []sms.StatusReport{{ID: int64(i*perRound + 1), Status: sms.Sent}})
			report(err)
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	c, err := ui.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range c {
		total += n
	}
	if total != rounds*perRound {
		t.Errorf("counts %v: %d messages, want %d", c, total, rounds*perRound)
	}
	checkCounts(t, ui, nil)
}
