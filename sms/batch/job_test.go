package batch

import (
	"context"
	"strings"
	"testing"
	"time"
)

// A Job hands the send its stop, keeps only the newest progress, and
// gives the result once done; Abort cancels the send's context.
func TestJob(t *testing.T) {
	started := make(chan struct{})
	send := func(ctx context.Context, opt SendOptions) (*Summary, error) {
		for i := 1; i <= 3; i++ {
			opt.Progress(Progress{Done: i, Total: 3})
		}
		close(started)
		select {
		case <-opt.Stop:
			return &Summary{Cancelled: true}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(10 * time.Second):
			return nil, nil
		}
	}
	var seen []int
	j := Start(context.Background(), SendOptions{Progress: func(p Progress) { seen = append(seen, p.Done) }}, send)
	<-started
	if p := <-j.Progress(); p.Done != 3 {
		t.Errorf("progress %+v, want the newest", p)
	}
	j.Stop()
	j.Stop() // twice is fine
	sum, err := j.Result()
	if err != nil || sum == nil || !sum.Cancelled || len(seen) != 3 {
		t.Fatalf("after Stop: %+v %v, the caller saw %v", sum, err, seen)
	}

	started = make(chan struct{})
	j = Start(context.Background(), SendOptions{}, send)
	<-started
	j.Abort()
	if _, err := j.Result(); err != context.Canceled {
		t.Errorf("after Abort: %v", err)
	}
}

// A panic in the send ends the send with an error, not the program; Done
// is closed and the result says what happened.
func TestJobPanic(t *testing.T) {
	j := Start(context.Background(), SendOptions{}, func(context.Context, SendOptions) (*Summary, error) {
		panic("index out of range [7]")
	})
	select {
	case <-j.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the job never ended")
	}
	if _, err := j.Result(); err == nil || !strings.Contains(err.Error(), "a bug in smsdash (index out of range [7])") {
		t.Fatalf("Result: %v", err)
	}
}
