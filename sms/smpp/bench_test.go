package smpp

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fiorix/go-smpp/smpp"
	"github.com/fiorix/go-smpp/smpp/pdu"
	"github.com/fiorix/go-smpp/smpp/pdu/pdufield"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/smppsim"
)

// benchSim is an SMSC with credit for any run; its receipts wait an hour,
// so that submit benchmarks measure submits.
func benchSim(b *testing.B) *smppsim.Running {
	o := smppsim.Options{}
	o.Account.Balance = 1e12
	o.Account.QueuedFor = time.Hour
	return startSim(b, o)
}

// BenchmarkSubmit compares the transport with the bare library (a
// go-smpp Transmitter behind a plain semaphore) against the same
// in-process SMSC, at window 1 and 10.
func BenchmarkSubmit(b *testing.B) {
	for _, w := range []int{1, 10} {
		b.Run(fmt.Sprintf("transport/window=%d", w), func(b *testing.B) {
			srv := benchSim(b)
			c, _ := startClient(b, srv.Addr(), func(c *Config) { c.Window = w; c.RespTimeout = 10 * time.Second })
			waitState(b, c, Bound, 5*time.Second)
			msgs := make([]sms.Message, b.N)
			for i := range msgs {
				msgs[i] = msg("375296717259", "Hello from the benchmark")
			}
			b.ReportAllocs()
			b.ResetTimer()
			res := c.Send(context.Background(), msgs)
			b.StopTimer()
			for _, r := range res {
				if r.Outcome != sms.Accepted {
					b.Fatalf("%+v", r)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
		})
		b.Run(fmt.Sprintf("bare/window=%d", w), func(b *testing.B) {
			srv := benchSim(b)
			tx := &smpp.Transmitter{Addr: srv.Addr(), User: "demo", Passwd: "demo", RespTimeout: 10 * time.Second, BindInterval: never}
			if st := <-tx.Bind(); st.Status() != smpp.Connected {
				b.Fatal(st.Error())
			}
			defer tx.Close()
			text := octets{CodingLatin1, []byte("Hello from the benchmark")}
			sem := make(chan struct{}, w)
			var wg sync.WaitGroup
			var failed atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				sem <- struct{}{}
				wg.Add(1)
				go func() {
					defer wg.Done()
					sm := &smpp.ShortMessage{Src: "CMC", Dst: "375296717259", Text: text, Register: pdufield.FinalDeliveryReceipt,
						SourceAddrTON: 5, DestAddrTON: 1, DestAddrNPI: 1}
					if _, err := tx.Submit(sm); err != nil {
						failed.Add(1)
					}
					<-sem
				}()
			}
			wg.Wait()
			b.StopTimer()
			if n := failed.Load(); n > 0 {
				b.Fatalf("%d submits failed", n)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
		})
	}
}

// BenchmarkReceipts measures receipts taken and published (matched,
// batched, handed to OnReceipts), and the bare library's Receiver taking
// the same receipts into a handler that counts them.
func BenchmarkReceipts(b *testing.B) {
	receipts := func(n int) []smppsim.Receipt {
		rs := make([]smppsim.Receipt, n)
		for i := range rs {
			rs[i] = smppsim.Receipt{MessageID: fmt.Sprint(7_000_000_001 + i)}
		}
		return rs
	}
	b.Run("transport", func(b *testing.B) {
		srv := benchSim(b)
		var got atomic.Int64
		done := make(chan struct{})
		c, _ := startClient(b, srv.Addr(), func(c *Config) {
			c.OnReceipts = func(r []sms.StatusReport) {
				if got.Add(int64(len(r))) == int64(b.N) {
					close(done)
				}
			}
		})
		waitState(b, c, Bound, 5*time.Second)
		rs := receipts(b.N)
		b.ReportAllocs()
		b.ResetTimer()
		srv.Push(rs...)
		<-done
		b.StopTimer()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "receipts/s")
	})
	b.Run("bare-receiver", func(b *testing.B) {
		srv := benchSim(b)
		var got atomic.Int64
		done := make(chan struct{})
		r := &smpp.Receiver{Addr: srv.Addr(), User: "demo", Passwd: "demo", BindInterval: never, Handler: func(p pdu.Body) {
			if p.Header().ID == pdu.DeliverSMID && got.Add(1) == int64(b.N) {
				close(done)
			}
		}}
		if st := <-r.Bind(); st.Status() != smpp.Connected {
			b.Fatal(st.Error())
		}
		defer r.Close()
		rs := receipts(b.N)
		b.ReportAllocs()
		b.ResetTimer()
		srv.Push(rs...)
		<-done
		b.StopTimer()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "receipts/s")
	})
}
