package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/smsdash/smsdash/sms/wire"
)

// jsonPackage builds a JSON send of n messages; each has its own text
// unless sameText, when the text is the package default.
func jsonPackage(n int, sameText bool) []byte {
	req := wire.JSONRequest{Login: "demo", Password: "demo", Command: wire.CommandSend,
		Message: &wire.JSONMessage{Default: &wire.JSONMsg{Sender: "CMC"}, Msg: make([]wire.JSONMsg, n)}}
	if sameText {
		req.Message.Default.Text = "Ваш заказ готов к выдаче. Спасибо!"
	}
	for i := range req.Message.Msg {
		m := &req.Message.Msg[i]
		m.Recipient = wire.Str(fmt.Sprintf("3752%d%07d", 5+4*(i%2), 5500000+i))
		if !sameText {
			m.Text = fmt.Sprintf("Order %d is ready for pickup, code %04d. Thank you!", i, i%10000)
		}
	}
	b, err := json.Marshal(req)
	if err != nil {
		panic(err)
	}
	return b
}

// benchJSONSend sends packages of n messages to a simulator in memory
// or, with world, on a world file (one transaction a request).
func benchJSONSend(b *testing.B, n int, sameText, world bool) {
	body := jsonPackage(n, sameText)
	s := New(Options{Balance: 1e15})
	if world {
		var err error
		if s, err = Open(filepath.Join(b.TempDir(), "sim.world"), Options{Balance: 1e15}); err != nil {
			b.Fatal(err)
		}
		defer s.Close()
	}
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, PathJSON, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		s.ServeHTTP(rec, req)
		if rec.Code != 200 || !bytes.HasPrefix(rec.Body.Bytes(), []byte(`{"message":{"msg":[{"sms_id":3`)) {
			b.Fatalf("%d %.200s", rec.Code, rec.Body.String())
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkJSONSend10k: one 10,000-message JSON package through ServeHTTP.
func BenchmarkJSONSend10k(b *testing.B) {
	b.Run("own-texts", func(b *testing.B) { benchJSONSend(b, 10000, false, false) })
	b.Run("default-text", func(b *testing.B) { benchJSONSend(b, 10000, true, false) })
	b.Run("world", func(b *testing.B) { benchJSONSend(b, 10000, true, true) })
}

// BenchmarkJSONSend1: a request of one message, where a world's cost
// a request dominates.
func BenchmarkJSONSend1(b *testing.B) {
	b.Run("memory", func(b *testing.B) { benchJSONSend(b, 1, false, false) })
	b.Run("world", func(b *testing.B) { benchJSONSend(b, 1, false, true) })
}

// BenchmarkWorldOpen: opening a world of 100,000 messages, which reads
// them all into memory.
func BenchmarkWorldOpen(b *testing.B) {
	const packages = 10
	path := filepath.Join(b.TempDir(), "sim.world")
	s, err := Open(path, Options{Balance: 1e15})
	if err != nil {
		b.Fatal(err)
	}
	body := jsonPackage(10000, true)
	for range packages {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, PathJSON, bytes.NewReader(body))
		s.ServeHTTP(rec, req)
	}
	s.Close()
	for b.Loop() {
		s, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if n := s.Received("375255500000"); n != packages {
			b.Fatalf("%d messages to the first number, want %d", n, packages)
		}
		s.Close()
	}
	b.ReportMetric(float64(packages*10000*b.N)/b.Elapsed().Seconds(), "msgs/s")
}
