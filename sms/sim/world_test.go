package sim

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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

// Simulators in processes of their own, started on a world not made yet,
// share it as those of one process do: it is made once, and concurrent
// sends never share an id nor overspend.
func TestWorldProcesses(t *testing.T) {
	const each = 40
	if path := os.Getenv("SIM_WORLD_CHILD"); path != "" { // a child: send, then exit
		s := openWorldSim(t, path, &clock{t: t0})
		for range each {
			sendOne(t, s, "json", "296717259")
		}
		return
	}
	if testing.Short() {
		t.Skip("runs the test binary as processes")
	}
	path := filepath.Join(t.TempDir(), "sim.world")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var children []*exec.Cmd
	var outs []*bytes.Buffer
	for range 2 {
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestWorldProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), "SIM_WORLD_CHILD="+path)
		out := new(bytes.Buffer)
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		children, outs = append(children, cmd), append(outs, out)
	}
	for i, cmd := range children {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v\n%s", i, err, outs[i])
		}
	}
	s := openWorldSim(t, path, &clock{t: t0})
	_, last := s.Message(FirstID + 2*each - 1)
	_, past := s.Message(FirstID + 2*each)
	if n := s.Received("375296717259"); n != 2*each || !last || past || s.Balance() != DefaultBalance-2*each {
		t.Errorf("%d messages (the last id there %v, one past it %v), balance %v: want %d, ids from FirstID on, and %v",
			n, last, past, s.Balance(), 2*each, DefaultBalance-2*each)
	}
}

// A new or empty file becomes a world (0600); a file of something else,
// SQLite or not, or a world of a later layout, is refused and left alone.
func TestWorldFiles(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: t0}
	empty := filepath.Join(dir, "empty.world")
	os.WriteFile(empty, nil, 0o600)
	if s := openWorldSim(t, empty, clk); s.Balance() != DefaultBalance {
		t.Errorf("balance %v of an empty file", s.Balance())
	}
	if fi, err := os.Stat(filepath.Join(dir, "new.world")); err == nil {
		t.Fatalf("new.world exists already: %v", fi)
	}
	openWorldSim(t, filepath.Join(dir, "new.world"), clk)
	if fi, err := os.Stat(filepath.Join(dir, "new.world")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("world file mode %v, %v", fi.Mode(), err)
	}

	later := filepath.Join(dir, "later.world")
	openWorldSim(t, later, clk).Close()
	sqlExec(t, later, `PRAGMA user_version = 2`)
	foreign := filepath.Join(dir, "history.db")
	sqlExec(t, foreign, `CREATE TABLE messages (id INTEGER PRIMARY KEY, text TEXT)`)
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("SQLite format 3\x00 and more"), 0o600)
	for path, want := range map[string]string{
		later:   "newer than this program knows",
		foreign: "an SQLite file of something else",
		text:    "no SQLite file",
	} {
		before, _ := os.ReadFile(path)
		s, err := Open(path, Options{})
		if err == nil {
			s.Close()
			t.Errorf("%s opened as a world", path)
			continue
		}
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v, want it named and %q", path, err, want)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Errorf("%s changed", path)
		}
	}
}

// sqlExec runs q on the SQLite file at path, as another program would.
func sqlExec(t *testing.T, path, q string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

// A world edited into something no simulator writes is refused, without
// a panic.
func TestWorldBadRows(t *testing.T) {
	clk := &clock{t: t0}
	for _, edit := range []string{
		`UPDATE messages SET parts = 70000`,
		`UPDATE messages SET phone = -1`,
		`UPDATE messages SET id = id + 1`,
		`DELETE FROM account`,
		`UPDATE account SET balance = -1`,
		`UPDATE account SET balance = 1e999`,
		`DROP TABLE messages`,
	} {
		path := filepath.Join(t.TempDir(), "sim.world")
		s := openWorldSim(t, path, clk)
		sendOne(t, s, "json", "296717259")
		s.Close()
		sqlExec(t, path, edit)
		if s, err := Open(path, Options{}); err == nil {
			s.Close()
			t.Errorf("a world after %q opened", edit)
		} else if !strings.Contains(err.Error(), path) {
			t.Errorf("after %q: %v does not name the file", edit, err)
		}
	}
}

// A request is one transaction: should a message fail to be written (a
// full world; here also a trigger), the whole request answers -10, and
// neither the simulator nor the file keep any of it.
func TestWorldAllOrNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.world")
	clk := &clock{t: t0}
	s := openWorldSim(t, path, clk)
	id := sendOne(t, s, "json", "296717259")
	pair := demoReq(msg{recipient: "296717259", sender: "CMC", text: "x"}, msg{recipient: "331234500", sender: "CMC", text: "y"})

	s.world.max = 2
	if whole, res := send(t, s, "json", pair); firstCode(whole, res) != int(sms.CodeUnavailable) {
		t.Errorf("a send past the bound: %d %+v, want -10", whole, res)
	}
	s.world.max = maxMessages
	sqlExec(t, path, `CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN NEW.phone = 375331234500 BEGIN SELECT RAISE(ABORT, 'refused'); END`)
	if whole, res := send(t, s, "xml", pair); firstCode(whole, res) != int(sms.CodeUnavailable) {
		t.Errorf("a send whose second message fails: %d %+v, want -10", whole, res)
	}
	if next := sendOne(t, s, "plain", "296717259"); next != id+1 || s.Balance() != 98 {
		t.Errorf("next id %d, balance %v: want %d and 98", next, s.Balance(), id+1)
	}
	other := openWorldSim(t, path, clk)
	if n := other.Received("375296717259"); n != 2 || other.Balance() != 98 {
		t.Errorf("the file holds %d messages, balance %v: want 2 and 98", n, other.Balance())
	}
}

// A message of a sender the reading simulator has not registered shows
// no sender.
func TestWorldSenders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.world")
	clk := &clock{t: t0}
	id := sendOne(t, openWorldSim(t, path, clk), "json", "296717259")
	other, err := Open(path, Options{Senders: []string{"Other", "CMC"}})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if r, ok := other.Message(id); !ok || r.Sender != "CMC" {
		t.Errorf("registered here too: %+v %v", r, ok)
	}
	other2, err := Open(path, Options{Senders: []string{"Other"}})
	if err != nil {
		t.Fatal(err)
	}
	defer other2.Close()
	if r, ok := other2.Message(id); !ok || r.Sender != "" {
		t.Errorf("not registered here: %+v %v", r, ok)
	}
}

// When the world file fails, requests answer -10 (the gateway is down:
// nothing was done) and nothing is charged.
func TestWorldFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.world")
	clk := &clock{t: t0}
	s := openWorldSim(t, path, clk)
	id := sendOne(t, s, "json", "296717259")
	s.world.db.Close() // every read and write fails from here on
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
