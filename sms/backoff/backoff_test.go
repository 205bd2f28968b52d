package backoff

import (
	"testing"
	"time"
)

// within reports whether d is base ±20 %.
func within(d, base time.Duration) bool { return d >= base-base/5 && d <= base+base/5 }

func TestDelayDoublesUpToMax(t *testing.T) {
	p := Policy{Min: time.Second, Max: 10 * time.Second}
	for _, tc := range []struct {
		failures int
		base     time.Duration
	}{{0, time.Second}, {1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {4, 8 * time.Second}, {5, 10 * time.Second}, {60, 10 * time.Second}} {
		seen := map[time.Duration]bool{}
		for range 200 {
			d := p.Delay(tc.failures)
			if !within(d, tc.base) {
				t.Fatalf("Delay(%d) = %v, want %v ±20%%", tc.failures, d, tc.base)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("Delay(%d): always %v, no jitter", tc.failures, p.Delay(tc.failures))
		}
	}
}

// A Max below Min (a config that says nothing of it) waits Min.
func TestMaxBelowMin(t *testing.T) {
	p := Policy{Min: 2 * time.Second}
	for f := range 5 {
		if d := p.Delay(f + 1); !within(d, 2*time.Second) {
			t.Errorf("Delay(%d) = %v", f+1, d)
		}
	}
	if d := Jitter(0); d != 0 {
		t.Errorf("Jitter(0) = %v", d)
	}
}
