package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/wire"
)

func benchMessages(n int, sameText bool) []sms.Message {
	msgs := make([]sms.Message, n)
	for i := range msgs {
		text := "Ваш заказ готов к выдаче"
		if !sameText {
			text = fmt.Sprintf("Здравствуйте, клиент %d! Ваш заказ №%d готов.", i, i*7)
		}
		msgs[i] = sms.Message{To: fmt.Sprintf("3752912%05d", i%100000), Text: text, Sender: "CMC"}
	}
	return msgs
}

func indexes(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// Encoding a 10,000-message package and parsing its reply.
func BenchmarkJSONPackage10k(b *testing.B) {
	msgs, idx := benchMessages(10000, false), indexes(10000)
	reply := jsonSendReply(10000)
	b.ReportAllocs()
	for b.Loop() {
		req := wire.JSONRequest{Login: "l", Password: "p", Command: wire.CommandSend, Message: jsonMessages(msgs, idx)}
		if _, err := json.Marshal(req); err != nil {
			b.Fatal(err)
		}
		if r, err := wire.ParseJSONReply(reply); err != nil || len(r.Message.Msg) != 10000 {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func BenchmarkXMLPackage10k(b *testing.B) {
	msgs, idx := benchMessages(10000, false), indexes(10000)
	p := &wire.XMLPackage{Message: &wire.XMLMsgs{Msg: make([]wire.XMLMsg, 10000)}}
	for i := range p.Message.Msg {
		p.Message.Msg[i] = wire.XMLMsg{ID: fmt.Sprint(3000000000 + i), Count: "1"}
	}
	reply, err := wire.EncodeXML(p)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := wire.EncodeXML(&wire.XMLPackage{Login: "l", Password: "p", Message: xmlMessages(msgs, idx)}); err != nil {
			b.Fatal(err)
		}
		if r, err := wire.ParseXML(reply); err != nil || len(r.Message.Msg) != 10000 {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(10000*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func jsonSendReply(n int) []byte {
	r := wire.JSONReply{Message: &wire.JSONResults{Msg: make([]wire.JSONResult, n)}}
	for i := range r.Message.Msg {
		r.Message.Msg[i] = wire.JSONResult{ID: wire.Int(3000000000 + i), Count: 1}
	}
	b, _ := json.Marshal(r)
	return b
}

// 100,000 messages through a transport to the in-process simulator.
func benchSend(b *testing.B, transport string, batch int, sameText bool) {
	msgs := benchMessages(100000, sameText)
	_, cfg := startSim(b, sim.Options{Balance: 1e12})
	cfg.BatchSize = batch
	g := gateway(b, transport, cfg)
	b.ResetTimer()
	for b.Loop() {
		for i, r := range g.Send(context.Background(), msgs) {
			if r.Outcome != sms.Accepted {
				b.Fatalf("message %d: %+v", i, r)
			}
		}
	}
	b.ReportMetric(float64(len(msgs)*b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func BenchmarkSend100kJSON(b *testing.B) {
	for _, batch := range []int{500, 2000, 10000} {
		b.Run(fmt.Sprint("batch", batch), func(b *testing.B) { benchSend(b, "json", batch, false) })
	}
	b.Run("batch2000/one-text", func(b *testing.B) { benchSend(b, "json", 2000, true) })
}

func BenchmarkSend100kXML(b *testing.B) {
	benchSend(b, "xml", 2000, false)
}

// The yardstick: the bare encode → decode → reply → decode round trip of
// the same packages over loopback, against a server that does nothing else.
func BenchmarkBareRoundTripJSON(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req wire.JSONRequest
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		w.Write(jsonSendReply(len(req.Message.Msg)))
	}))
	defer srv.Close()
	msgs := benchMessages(100000, false)
	cfg := Config{Login: "l", Password: "p", JSONURL: srv.URL, BatchSize: 2000}
	g := gateway(b, "json", cfg)
	b.ResetTimer()
	for b.Loop() {
		if r := g.Send(context.Background(), msgs); r[len(r)-1].Outcome != sms.Accepted {
			b.Fatal(r[len(r)-1])
		}
	}
	b.ReportMetric(float64(len(msgs)*b.N)/b.Elapsed().Seconds(), "msgs/s")
}
