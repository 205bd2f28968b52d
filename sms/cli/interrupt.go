package cli

import (
	"context"
	"io"
	"os"
	"sync"

	"github.com/smsdash/smsdash/sms/batch"
)

// Interrupts turns the signals a person or a system sends (SIGINT from
// ctrl+c, SIGTERM, SIGHUP when an SSH session drops) into two contexts.
// The first signal ends stop: a command ends, and a send lets the package
// in flight get its reply and sends no other, so that no message is left
// "outcome unknown". The second ends abort, which cuts even the request
// in flight.
func Interrupts(sigs <-chan os.Signal) (stop, abort context.Context) {
	stop, stopNow := context.WithCancel(context.Background())
	abort, abortNow := context.WithCancel(context.Background())
	go func() {
		<-sigs
		stopNow()
		<-sigs
		abortNow()
	}()
	return stop, abort
}

// abortCtx is what cuts a send's request in flight: the second interrupt.
func (e *Env) abortCtx() context.Context {
	if e.Abort != nil {
		return e.Abort
	}
	return context.Background()
}

// sendBatch runs a batch send or resume with the progress bar on stderr.
// ctx ending (the first interrupt) stops it gracefully, which it says;
// the second interrupt aborts.
func sendBatch(ctx context.Context, e *Env, opt batch.SendOptions, run func(context.Context, batch.SendOptions) (*batch.Summary, error)) (*batch.Summary, error) {
	// The bar and the notice come from two goroutines: one lock.
	stderr, tty := &lockedWriter{w: e.Stderr}, isTerminal(e.Stderr)
	bar := newProgressBar(stderr, tty)
	quiet := *e
	quiet.Stderr = stderr
	opt.Progress = bar.update
	job := batch.Start(e.abortCtx(), opt, run)
	select {
	case <-ctx.Done():
		job.Stop()
		if tty {
			stderr.Write([]byte("\n")) // below the bar
		}
		quiet.say("stopping after the package in flight; ctrl+c again to abort now")
	case <-job.Done():
	}
	sum, err := job.Result()
	bar.done()
	return sum, err
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
