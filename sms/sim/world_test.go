package sim

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
)

// openWorldSim opens a simulator on the world at path, on clk.
func openWorldSim(t testing.TB, path string, clk *clock) *Server {
	t.Helper()
	s, err := Open(path, Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func sendOne(t testing.TB, s *Server, tr, to string) int64 {
	t.Helper()
	whole, res := send(t, s, tr, demoReq(msg{recipient: to, sender: "CMC", text: "hello"}))
	if whole != 0 || len(res) != 1 || res[0].code != 0 {
		t.Fatalf("%s send to %s: %d %+v", tr, to, whole, res)
	}
	return res[0].id
}

// The account outlasts its simulator: the next one on the file goes on
// with the balance, the ids and the statuses, which advance from the
// stored times by the clock of whoever asks.
func TestWorldLasts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.world")
	clk := &clock{t: t0}
	s := openWorldSim(t, path, clk)
	id := sendOne(t, s, "json", "296717259")
	if id != FirstID {
		t.Fatalf("first id %d", id)
	}
	s.Close()

	clk.Add(DefaultQueuedFor + time.Second)
	s = openWorldSim(t, path, clk)
	if _, w := status(t, s, "plain", "demo", "demo", strconv.FormatInt(id, 10)); len(w) != 1 || w[0] != "Sent" {
		t.Errorf("status in the next simulator %v, want Sent", w)
	}
	if b := credits(t, s, "demo", "demo"); b != "99.00" {
		t.Errorf("balance %s, want 99.00", b)
	}
	if next := sendOne(t, s, "xml", "331234500"); next != id+1 {
		t.Errorf("next id %d, want %d", next, id+1)
	}
	s.Close()

	clk.Add(DefaultSentFor)
	s = openWorldSim(t, path, clk)
	if _, w := status(t, s, "json", "demo", "demo", strconv.FormatInt(id, 10), strconv.FormatInt(id+1, 10)); fmt.Sprint(w) != "[Delivered Sent]" {
		t.Errorf("statuses %v, want [Delivered Sent]", w)
	}
	if r, ok := s.Message(id + 1); !ok || r.Recipient != "375331234500" || r.Sender != "CMC" || !r.Due.Equal(t0.Add(DefaultQueuedFor+time.Second)) {
		t.Errorf("message %+v %v", r, ok)
	}
}

// Two simulators on one world (the dashboard's and a command's) see each
// other's sends at once, and concurrent sends never share an id nor
// overspend.
func TestWorldShared(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.world")
	clk := &clock{t: t0}
	a, b := openWorldSim(t, path, clk), openWorldSim(t, path, clk)
	id := sendOne(t, a, "json", "296717259")
	if _, w := status(t, b, "json", "demo", "demo", strconv.FormatInt(id, 10)); fmt.Sprint(w) != "[Queued]" {
		t.Errorf("the other simulator answers %v", w)
	}
	if !b.Charge(2) || a.Balance() != 97 {
		t.Errorf("a shared charge: balance %v, want 97", a.Balance())
	}

	const each = 40
	ids := make(chan int64, 2*each)
	var wg sync.WaitGroup
	for _, s := range []*Server{a, b} {
		wg.Go(func() {
			for range each {
				whole, res := send(t, s, "json", demoReq(msg{recipient: "296717259", sender: "CMC", text: "x"}))
				if whole == 0 && len(res) == 1 && res[0].code == 0 {
					ids <- res[0].id
				}
			}
		})
	}
	wg.Wait()
	close(ids)
	seen := map[int64]bool{}
	for id := range ids {
		if seen[id] {
			t.Errorf("id %d given twice", id)
		}
		seen[id] = true
	}
	if len(seen) != 2*each || a.Balance() != 97-2*each || b.Balance() != a.Balance() {
		t.Errorf("%d accepted, balances %v and %v, want %d and %d", len(seen), a.Balance(), b.Balance(), 2*each, 97-2*each)
	}
	if n := a.Received("375296717259"); n != 1+2*each {
		t.Errorf("received %d", n)
	}
}

// A process killed in the middle of an append leaves a torn entry: the
// next simulator reads the account up to it, and its first change cuts
// it off.
func TestWorldTornTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.world")
	clk := &clock{t: t0}
	s := openWorldSim(t, path, clk)
	id := sendOne(t, s, "json", "296717259")
	s.Close()
	whole, _ := os.ReadFile(path)
	torn := appendEntry(nil, entry{kind: entryMessage, rec: record{phone: 375331234500, parts: 1}, amount: 1})
	tails := [][]byte{
		torn[:entryLen-1],
		bytes.Repeat([]byte{0}, entryLen),                        // blocks allocated, never written
		append(torn[:entryLen-1:entryLen-1], torn[entryLen-1]^1), // a bad checksum
		append(torn[:7:7], torn...),                              // a torn entry before a whole one
	}
	for _, tail := range tails {
		if err := os.WriteFile(path, append(append([]byte(nil), whole...), tail...), 0o600); err != nil {
			t.Fatal(err)
		}
		s = openWorldSim(t, path, clk)
		if s.Balance() != 99 {
			t.Errorf("balance %v past a torn entry", s.Balance())
		}
		if next := sendOne(t, s, "plain", "331234500"); next != id+1 {
			t.Errorf("next id %d, want %d", next, id+1)
		}
		s.Close()
		if fi, _ := os.Stat(path); fi.Size() != int64(len(whole))+entryLen {
			t.Errorf("file of %d bytes, want the torn entry replaced: %d", fi.Size(), len(whole)+entryLen)
		}
	}
}

// A creation cut short starts the account afresh; a file of something
// else is refused and left alone.
func TestWorldFiles(t *testing.T) {
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut.world")
	os.WriteFile(cut, []byte(worldMagic+"\x01\x00"), 0o600)
	clk := &clock{t: t0}
	if s := openWorldSim(t, cut, clk); s.Balance() != DefaultBalance {
		t.Errorf("balance %v after a cut creation", s.Balance())
	}
	other := filepath.Join(dir, "history.db")
	os.WriteFile(other, []byte("SQLite format 3\x00 and more"), 0o600)
	if s, err := Open(other, Options{}); err == nil {
		s.Close()
		t.Fatal("a foreign file opened as a world")
	}
	if b, _ := os.ReadFile(other); string(b) != "SQLite format 3\x00 and more" {
		t.Errorf("foreign file changed: %q", b)
	}
	if fi, err := os.Stat(cut); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("world file mode %v, %v", fi.Mode(), err)
	}
}

// When the world file fails, requests answer -10 (the gateway is down:
// nothing was done) and nothing is charged.
func TestWorldFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.world")
	clk := &clock{t: t0}
	s := openWorldSim(t, path, clk)
	id := sendOne(t, s, "json", "296717259")
	s.world.f.Close() // every read and write fails from here on
	for _, tr := range transports {
		if whole, res := send(t, s, tr, demoReq(msg{recipient: "296717259", sender: "CMC", text: "x"})); firstCode(whole, res) != int(sms.CodeUnavailable) {
			t.Errorf("%s send: %d %+v, want -10", tr, whole, res)
		}
		if whole, w := status(t, s, tr, "demo", "demo", strconv.FormatInt(id, 10)); whole != int(sms.CodeUnavailable) {
			t.Errorf("%s status: %d %v, want -10", tr, whole, w)
		}
	}
	if b := credits(t, s, "demo", "demo"); b != "-10" {
		t.Errorf("credits %q", b)
	}
	if s.Charge(1) || s.Balance() != 99 {
		t.Errorf("charged on a failed world: %v", s.Balance())
	}
}

// Each simulator on a world gets a block of its own.
func TestNumberBlock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.world")
	clk := &clock{t: t0}
	a, b := openWorldSim(t, path, clk), openWorldSim(t, path, clk)
	k0, err0 := a.NumberBlock()
	k1, err1 := b.NumberBlock()
	b.Close()
	k2, err2 := openWorldSim(t, path, clk).NumberBlock()
	if k0 != 0 || k1 != 1 || k2 != 2 || err0 != nil || err1 != nil || err2 != nil {
		t.Errorf("blocks %d %d %d (%v %v %v)", k0, k1, k2, err0, err1, err2)
	}
	if k, err := New(Options{}).NumberBlock(); k != 0 || err != nil {
		t.Errorf("in memory: %d %v", k, err)
	}
}

// Whatever follows the first entry, the world opens without a panic, at
// a balance that is a number, and takes a send that the next simulator
// reads back.
func FuzzWorldFile(f *testing.F) {
	head := appendEntry([]byte(worldMagic), entry{kind: entryOpen, amount: DefaultBalance})
	sent := appendEntry(nil, entry{kind: entryMessage, rec: record{phone: 375296717259, parts: 1, due: t0.UnixNano()}, amount: 1})
	f.Add([]byte{})
	f.Add(sent)
	f.Add(append(sent, sent[:7]...))
	f.Add(appendEntry(nil, entry{kind: entryBlock}))
	f.Add(bytes.Repeat([]byte{0xff}, 3*entryLen))
	f.Fuzz(func(t *testing.T, tail []byte) {
		if len(tail) > 100*entryLen {
			return
		}
		path := filepath.Join(t.TempDir(), "sim.world")
		if err := os.WriteFile(path, append(append([]byte(nil), head...), tail...), 0o600); err != nil {
			t.Fatal(err)
		}
		clk := &clock{t: t0}
		s, err := Open(path, Options{Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		before := s.Balance()
		if before != before {
			t.Fatalf("balance NaN")
		}
		whole, res := send(t, s, "json", demoReq(msg{recipient: "296717259", sender: "CMC", text: "x"}))
		s.Close()
		s2, err := Open(path, Options{Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		if whole == 0 && len(res) == 1 && res[0].code == 0 {
			if _, ok := s2.Message(res[0].id); !ok || s2.Balance() != before-1 {
				t.Errorf("send %d not read back (balance %v, was %v)", res[0].id, s2.Balance(), before)
			}
		}
	})
}
