// Package backoff is the one rule for waiting between attempts: the wait
// doubles after each failure up to a cap, and is spread by jitter so that
// clients that failed together do not come back together.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Policy is a doubling wait from Min to Max.
type Policy struct{ Min, Max time.Duration }

// Delay is the wait after failures failures in a row (1 for the first):
// Min·2^(failures-1), at most Max, then spread by ±20 %.
func (p Policy) Delay(failures int) time.Duration {
	d := p.Min
	for i := 1; i < failures && d < p.Max; i++ {
		d *= 2
	}
	return Jitter(min(d, max(p.Max, p.Min)))
}

// Jitter spreads d by ±20 %.
func Jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return d
	}
	return d - d/5 + time.Duration(rand.Int64N(int64(d)*2/5+1))
}
