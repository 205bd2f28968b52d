package batch

import (
	"context"
	"fmt"
	"sync"

	"github.com/smsdash/smsdash/sms"
)

// Job is a batch send under way, the same for the tab and the command
// line: the newest progress, a graceful Stop (the package in flight gets
// its reply, no other leaves: nothing is left "outcome unknown"), an
// Abort that cuts that package too, and the result once Done.
type Job struct {
	stop     chan struct{}
	stopOnce sync.Once
	abort    context.CancelFunc
	progress chan Progress
	done     chan struct{}
	sum      *Summary
	err      error
}

// Start runs send (Send or Resume, its arguments bound) on its own
// goroutine with opt; opt.Progress, if set, is still called in the
// sending goroutine. ctx ending aborts, as Abort does.
func Start(ctx context.Context, opt SendOptions, send func(context.Context, SendOptions) (*Summary, error)) *Job {
	ctx, cancel := context.WithCancel(ctx)
	j := &Job{stop: make(chan struct{}), abort: cancel, progress: make(chan Progress, 1), done: make(chan struct{})}
	report := opt.Progress
	opt.Stop = j.stop
	opt.Progress = func(p Progress) {
		if report != nil {
			report(p)
		}
		j.offer(p)
	}
	go func() {
		defer cancel()
		defer close(j.done)
		// A bug in the send must not end the program, nor every session
		// of smsdash serve: it ends this send, with what it was.
		defer func() {
			if r := recover(); r != nil {
				j.err = &sms.Error{
					EN: fmt.Sprintf("the send stopped on a bug in smsdash (%v): what went out is in the history; see the batch in the Status tab before sending again", r),
					RU: fmt.Sprintf("отправка остановилась из-за ошибки в smsdash (%v): что ушло, есть в истории; посмотрите пакет на вкладке «Статусы», прежде чем отправлять снова", r),
				}
			}
		}()
		j.sum, j.err = send(ctx, opt)
	}()
	return j
}

// offer keeps only the newest progress: a reader that falls behind sees
// where the send is, not where it was.
func (j *Job) offer(p Progress) {
	for {
		select {
		case j.progress <- p:
			return
		default:
			select {
			case <-j.progress:
			default:
			}
		}
	}
}

// Stop stops the send gracefully; it may be called more than once.
func (j *Job) Stop() { j.stopOnce.Do(func() { close(j.stop) }) }

// Abort cuts the send now: the package in flight may end "outcome
// unknown".
func (j *Job) Abort() { j.abort() }

// Progress gives the newest progress as it comes.
func (j *Job) Progress() <-chan Progress { return j.progress }

// Done is closed when the send has ended.
func (j *Job) Done() <-chan struct{} { return j.done }

// Result is the send's summary and error, once Done is closed.
func (j *Job) Result() (*Summary, error) {
	<-j.done
	return j.sum, j.err
}
