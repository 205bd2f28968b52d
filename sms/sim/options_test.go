package sim

import (
	"flag"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestCheckListenAddr(t *testing.T) {
	tests := []struct {
		addr        string
		allowRemote bool
		says        string // "" for no error
	}{
		{"127.0.0.1:8080", false, ""},
		{"127.0.0.1:0", false, ""},
		{"127.1.2.3:8080", false, ""},
		{"[::1]:8080", false, ""},
		{"localhost:8080", false, ""},
		{"LOCALHOST:8080", false, ""},
		{":8080", false, "every interface"},
		{"0.0.0.0:8080", false, "every interface"},
		{"[::]:8080", false, "every interface"},
		{"192.168.1.10:8080", false, "not a loopback"},
		{"10.0.0.1:80", false, "not a loopback"},
		{"example.com:8080", false, "not an IP address"},
		{"0.0.0.0:8080", true, ""},
		{":8080", true, ""},
		{"192.168.1.10:8080", true, ""},
		{"127.0.0.1", false, "HOST:PORT"},
		{"127.0.0.1:99999", false, "port"},
		{"127.0.0.1:abc", true, "port"},
		{"", false, "HOST:PORT"},
	}
	for _, tt := range tests {
		err := CheckListenAddr(tt.addr, tt.allowRemote)
		switch {
		case tt.says == "" && err != nil:
			t.Errorf("%q (remote %v): %v", tt.addr, tt.allowRemote, err)
		case tt.says != "" && (err == nil || !strings.Contains(err.Error(), tt.says)):
			t.Errorf("%q (remote %v): %v, want it to say %q", tt.addr, tt.allowRemote, err, tt.says)
		}
		if err != nil && tt.says != "HOST:PORT" && tt.says != "port" && !strings.Contains(err.Error(), "loopback") {
			t.Errorf("%q: %v does not say what to do", tt.addr, err)
		}
	}
}

func parseFlags(args ...string) (Options, error) {
	var o Options
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o.RegisterFlags(fs)
	err := fs.Parse(args)
	return o, err
}

func TestRegisterFlags(t *testing.T) {
	o, err := parseFlags()
	if err != nil {
		t.Fatal(err)
	}
	want := Options{Login: "demo", Password: "demo", Balance: 100, Price: 1, Senders: []string{"CMC"}, QueuedFor: 2 * time.Second, SentFor: 3 * time.Second}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("defaults %+v", o)
	}
	o, err = parseFlags("--login", "agent", "--password", "pw", "--token", "tok", "--balance", "12.5", "--price", "0.5",
		"--senders", "CMC, Shop,Info", "--queued-for", "1s", "--sent-for", "250ms", "--latency", "20ms",
		"--fail-500", "0.1", "--fail-unavailable", "0.2", "--drop", "0.05", "--garbage", "1", "--seed", "42",
		"--blocked", "--api-disabled", "--hours", "9-21")
	if err != nil {
		t.Fatal(err)
	}
	want = Options{Login: "agent", Password: "pw", Token: "tok", Balance: 12.5, Price: 0.5, Senders: []string{"CMC", "Shop", "Info"},
		QueuedFor: time.Second, SentFor: 250 * time.Millisecond, Blocked: true, APIDisabled: true, Hours: [2]int{9, 21}, Seed: 42,
		Faults: Faults{Latency: 20 * time.Millisecond, HTTP500: 0.1, Unavailable: 0.2, Drop: 0.05, Garbage: 1}}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("parsed %+v\nwant   %+v", o, want)
	}
	for _, bad := range [][]string{
		{"--hours", "25-3"}, {"--hours", "9"}, {"--hours", "a-b"}, {"--drop", "2"}, {"--garbage", "-0.1"}, {"--fail-500", "NaN"},
		{"--senders", "СМС"}, {"--senders", "375291234567"}, {"--senders", ","}, {"--balance", "x"}, {"--queued-for", "3"},
	} {
		if _, err := parseFlags(bad...); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if o, err := parseFlags("--hours", ""); err != nil || o.Hours != [2]int{} {
		t.Errorf("empty hours: %v %v", o.Hours, err)
	}
	// the defaults show in the usage text, a preset password does not
	var b strings.Builder
	oo := Options{Password: "preset-secret"}
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(&b)
	oo.RegisterFlags(fs)
	fs.PrintDefaults()
	for _, s := range []string{"-senders", "CMC", "-hours", "9-21", "-queued-for", "2s"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("usage lacks %q:\n%s", s, b.String())
		}
	}
	if strings.Contains(b.String(), "preset-secret") || oo.Password != "preset-secret" {
		t.Errorf("password %q; usage:\n%s", oo.Password, b.String())
	}
}

func TestInHours(t *testing.T) {
	tests := []struct {
		hours [2]int
		h     int
		want  bool
	}{
		{[2]int{}, 3, true},
		{[2]int{0, 24}, 23, true},
		{[2]int{9, 21}, 9, true},
		{[2]int{9, 21}, 20, true},
		{[2]int{9, 21}, 21, false},
		{[2]int{9, 21}, 8, false},
		{[2]int{22, 6}, 23, true},
		{[2]int{22, 6}, 5, true},
		{[2]int{22, 6}, 6, false},
		{[2]int{22, 6}, 12, false},
		{[2]int{5, 5}, 12, true},
	}
	for _, tt := range tests {
		if got := inHours(tt.hours, tt.h); got != tt.want {
			t.Errorf("inHours(%v, %d) = %v", tt.hours, tt.h, got)
		}
	}
}

// The zero Options are the demo account.
func TestDefaults(t *testing.T) {
	s := New(Options{})
	if s.Balance() != 100 || s.o.Login != "demo" || s.o.Password != "demo" || s.o.QueuedFor != 2*time.Second || s.o.SentFor != 3*time.Second || s.o.Price != 1 {
		t.Errorf("defaults %+v", s.o)
	}
	if code, body := do(t, s, "POST", PathCreditsPlain, "", form("user", "demo", "password", "demo")); code != 200 || body != "100.00" {
		t.Errorf("demo account: %d %q", code, body)
	}
	if s := New(Options{Balance: -5}); s.Balance() != 0 {
		t.Errorf("negative balance gives %v", s.Balance())
	}
	if s := New(Options{QueuedFor: -1, SentFor: -1}); s.o.QueuedFor != 0 || s.o.SentFor != 0 {
		t.Errorf("negative stages %v %v", s.o.QueuedFor, s.o.SentFor)
	}
}
