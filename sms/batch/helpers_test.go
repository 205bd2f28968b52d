package batch

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/store"
)

// messy writes number i (operator 29, 33, 44 or 25) in one of the forms
// people type.
func messy(rng *rand.Rand, i int) string {
	ops := [...]string{"29", "33", "44", "25"}
	op := ops[i%len(ops)]
	local := []byte(fmt.Sprintf("%07d", i%10_000_000))
	switch {
	case op == "25":
		local[0] = '5' // 25 is followed by 5-7 or 9
	case op == "29" && local[0] == '0':
		local[0] = '1'
	}
	d := string(local)
	switch rng.IntN(7) {
	case 0:
		return "8(0" + op + ")" + d[:3] + "-" + d[3:5] + "-" + d[5:]
	case 1:
		return "+375 " + op + " " + d[:3] + "-" + d[3:5] + "-" + d[5:]
	case 2:
		return "80" + op + d
	case 3:
		return op + d
	case 4:
		return "(" + op + ")" + d[:3] + "-" + d[3:5] + "-" + d[5:]
	case 5:
		return "375" + op + d
	default:
		return " +375(" + op + ")" + d + " "
	}
}

// messyCSV makes a semicolon list of n rows: phone;name;amount, with
// about 2% bad numbers and 2% repeated rows.
func messyCSV(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	names := []string{"Иван", "Ольга", "Сергей", "Анна", "Дмитрий", "Мария", "Алесь", "Наталья"}
	var b bytes.Buffer
	b.Grow(n * 40)
	b.WriteString("Телефон;Имя;Сумма\r\n")
	prev := ""
	for i := range n {
		var line string
		switch r := rng.IntN(100); {
		case r < 2 && prev != "":
			line = prev
		case r < 3:
			line = fmt.Sprintf("12-34;%s;%d,%02d", names[i%len(names)], i%500, i%100)
		case r < 4:
			line = fmt.Sprintf("8017%07d;%s;%d,%02d", i, names[i%len(names)], i%500, i%100)
		default:
			line = fmt.Sprintf("%s;%s;%d,%02d", messy(rng, i), names[i%len(names)], i%500, i%100)
		}
		b.WriteString(line)
		b.WriteString("\r\n")
		prev = line
	}
	return b.Bytes()
}

func cp1251(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// testApp is the core on a simulator and a history in a temporary
// directory.
func testApp(t testing.TB, o sim.Options, batchSize int) (*app.App, *sim.Running) {
	t.Helper()
	if o.Balance == 0 {
		o.Balance = 1e9
	}
	if o.QueuedFor == 0 {
		o.QueuedFor, o.SentFor = 10*time.Millisecond, 10*time.Millisecond
	}
	run, err := sim.Start("127.0.0.1:0", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { run.Close() })
	cfg := config.Demo(run.URL(), "")
	cfg.API.BatchSize = batchSize
	cfg.API.Timeout = config.Duration{Duration: 10 * time.Second}
	cfg.Account.Agent = "ann"
	st, err := store.Open(filepath.Join(t.TempDir(), "history.db"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.API.Transport = config.TransportJSON
	a, err := app.New(cfg, st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a, run
}

// reconfigure puts to work a's config as change leaves it.
func reconfigure(t testing.TB, a *app.App, change func(*config.Config)) {
	t.Helper()
	c := *a.Config()
	change(&c)
	if err := a.Apply(&c); err != nil {
		t.Fatal(err)
	}
}

func simOptions() sim.Options { return sim.Options{} }
