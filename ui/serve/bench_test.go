package serve

import (
	"runtime"
	"testing"
)

// BenchmarkIdleSessions measures the memory 20 idle dashboard sessions
// hold on the server (heap in use, after a GC, with their clients in this
// process too): go test -bench IdleSessions -benchtime 1x ./ui/serve
func BenchmarkIdleSessions(b *testing.B) {
	const n = 20
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
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/n, "heap-bytes/session")
		b.ReportMetric(float64(runtime.NumGoroutine())/n, "goroutines/session")
		for _, d := range ds {
			d.sess.Close()
		}
	}
}
