package serve

import (
	"runtime"
	"testing"
)

// BenchmarkIdleSessions measures the memory 25 idle dashboard sessions
// hold (after a GC; with their clients in this process too, so an upper
// bound): heap and stacks in use, and what the process took from the OS,
// per session. Target: under 5 MB a session.
// go test -run - -bench IdleSessions -benchtime 1x ./ui/serve
func BenchmarkIdleSessions(b *testing.B) {
	const n = 25
	f := start(b, nil).run(b)
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ds := make([]*tty, n)
		for i := range ds {
			ds[i] = f.dashboard(b, f.bob)
		}
		for _, d := range ds {
			d.waitFor(b, "2 Batch")
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		inUse := func(m *runtime.MemStats) float64 { return float64(m.HeapInuse + m.StackInuse) }
		b.ReportMetric((inUse(&after)-inUse(&before))/n, "bytes/session")
		b.ReportMetric(float64(after.Sys-before.Sys)/n, "sys-bytes/session")
		b.ReportMetric(float64(runtime.NumGoroutine())/n, "goroutines/session")
		for _, d := range ds {
			d.sess.Close()
		}
	}
}
