package cli

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/version"
)

var update = flag.Bool("update", false, "rewrite the help goldens in testdata/help")

// Every command's help goes to stdout, exit 0, fits 80 columns, and is
// the golden text (go test ./sms/cli -run TestHelp -update rewrites
// them); `help CMD` is `CMD --help`.
func TestHelp(t *testing.T) {
	t.Setenv("COLUMNS", "")
	names := []string{""}
	for _, c := range newRoot(&Env{}).Commands() {
		names = append(names, c.Name())
	}
	for _, name := range names {
		args := []string{"--help"}
		if name != "" {
			args = []string{name, "--help"}
		}
		r := cli(t, "", args...)
		if r.code != ExitOK || r.stderr != "" || !strings.Contains(r.stdout, "Usage:") {
			t.Errorf("%v: %d\n%s\n%s", args, r.code, r.stdout, r.stderr)
		}
		for _, l := range strings.Split(r.stdout, "\n") {
			if w := ansi.StringWidth(l); w > 80 {
				t.Errorf("%v: a line of %d columns: %q", args, w, l)
			}
		}
		if name != "" && name != "help" {
			if h := cli(t, "", "help", name); h.stdout != r.stdout || h.code != ExitOK {
				t.Errorf("help %s differs from %s --help:\n%s", name, name, h.stdout)
			}
			if !strings.Contains(r.stdout, "Examples:\n  smsdash ") && !strings.Contains(r.stdout, "Examples:\n  source ") &&
				!strings.Contains(r.stdout, "Examples:\n  ssh -p 2222 host ") { // upload is for SSH sessions
				t.Errorf("%s --help has no example:\n%s", name, r.stdout)
			}
		}
		golden := filepath.Join("testdata", "help", cmp.Or(name, "smsdash")+".golden")
		if *update {
			os.MkdirAll(filepath.Dir(golden), 0o755)
			if err := os.WriteFile(golden, []byte(r.stdout), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (go test ./sms/cli -run TestHelp -update writes it)", err)
		}
		if string(want) != r.stdout {
			t.Errorf("%v differs from %s:\n%s", args, golden, r.stdout)
		}
	}
	// Narrower, the flags wrap within the width.
	t.Setenv("COLUMNS", "60")
	for _, l := range strings.Split(cli(t, "", "import", "--help").stdout, "\n") {
		if strings.HasPrefix(l, "  ") && !strings.HasPrefix(l, "  smsdash") && ansi.StringWidth(l) > 60 {
			t.Errorf("at 60 columns, a line of %d: %q", ansi.StringWidth(l), l)
		}
	}
}

// Mistakes on the command line are usage errors (exit 2) that say what
// is wrong; nothing runs.
func TestUsageMistakes(t *testing.T) {
	_, cfg := simConfig(t, sim.Options{})
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"sned"}, `unknown command "sned" (did you mean send?`},
		{[]string{"send", "--to", "296717259", "--txt", "x"}, "unknown flag: --txt (smsdash send --help lists the flags)"},
		{[]string{"send", "--to", "296717259", "--text", "x", "y"}, `send: unexpected argument "y"`},
		{[]string{"history", "2", "--json"}, `history: unexpected argument "2"`},
		{[]string{"export", "--csv", "-", "x", "--status", "Delivered"}, `export: unexpected argument "x"`},
		{[]string{"export", "--csv", "-", "--json"}, "one of them"},
		{[]string{"history", "--limit", "many"}, "invalid argument \"many\" for \"--limit\""},
		{[]string{"history", "--limit", "-1"}, "--limit: -1 is not a number"},
		{[]string{"sim", "--drop", "2"}, "--drop"},
		{[]string{"help", "nope"}, ""},
	} {
		r := cli(t, "", append(c.args, "--config", cfg)...)
		want := ExitUsage
		if c.args[0] == "help" {
			want = ExitOK // cobra's "Unknown help topic", on stdout
		}
		if r.code != want || !strings.Contains(r.stderr, c.says) {
			t.Errorf("%v: %d %q, want %d saying %q", c.args, r.code, r.stderr, want, c.says)
		}
	}
}

// smsdash without a command opens the dashboard, only on a terminal.
func TestDashboard(t *testing.T) {
	var opened string
	e := &Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{},
		Dashboard: func(_ context.Context, path string) error { opened = path; return nil }}
	if code := Run(context.Background(), e); code != ExitUsage || opened != "" ||
		!strings.Contains(e.Stderr.(*bytes.Buffer).String(), "smsdash: the dashboard needs a terminal; see smsdash --help") {
		t.Errorf("without a terminal: %d %q", code, e.Stderr)
	}
	defer func(f func(any) bool) { isTerminal = f }(isTerminal)
	isTerminal = func(any) bool { return true }
	e.Args = []string{"--config", "/tmp/x.toml"}
	if code := Run(context.Background(), e); code != ExitOK || opened != "/tmp/x.toml" {
		t.Errorf("on a terminal: %d, opened %q", code, opened)
	}
}

// A panic is a crash report with the version, secrets masked, and exit
// 70, as the dashboard's.
func TestCrashReport(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	defer func(f func(any) bool) { isTerminal = f }(isTerminal)
	isTerminal = func(any) bool { return true }
	var errb bytes.Buffer
	e := &Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &errb, secrets: []string{"hunter22"},
		Dashboard: func(context.Context, string) error { panic("boom with hunter22") }}
	if code := Run(context.Background(), e); code != ExitCrash || strings.Contains(errb.String(), "hunter22") {
		t.Fatalf("%d %s", code, errb.String())
	}
	files, _ := filepath.Glob(filepath.Join(os.Getenv("XDG_CACHE_HOME"), "smsdash", "panic-*.txt"))
	if len(files) != 1 || !strings.Contains(errb.String(), files[0]) {
		t.Fatalf("reports %v; said %s", files, errb.String())
	}
	b, _ := os.ReadFile(files[0])
	if s := string(b); !strings.Contains(s, version.Get().String()) || !strings.Contains(s, "panic: boom with ****") || strings.Contains(s, "hunter22") {
		t.Errorf("report:\n%s", s)
	}
}

func TestVersion(t *testing.T) {
	want := version.Get().String() + "\n"
	for _, args := range [][]string{{"--version"}, {"-v"}, {"version"}} {
		if r := cli(t, "", args...); r.code != ExitOK || r.stdout != want {
			t.Errorf("%v: %d %q, want %q", args, r.code, r.stdout, want)
		}
	}
	r := cli(t, "", "version", "--json")
	var v struct{ Version, Go string }
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || v.Version != version.Get().Version || v.Go == "" {
		t.Errorf("version --json: %v %s", err, r.stdout)
	}
}

// Completion completes commands, flags, statuses and batch ids.
func TestCompletion(t *testing.T) {
	_, cfg := simConfig(t, sim.Options{Balance: 2})
	if r := cli(t, "", "--config", cfg, "import", importList(t, 5), "--template", "x", "--yes", "--name", "март"); r.code != ExitNetwork {
		t.Fatalf("an import cut short by the balance: %d %s", r.code, r.stderr)
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"s"}, []string{"send", "status", "settle", "sim"}},
		{[]string{"send", "--v"}, []string{"--validity"}},
		{[]string{"history", "--status", ""}, []string{"Delivered", "not_sent", "unknown"}},
		{[]string{"send", "--api", ""}, []string{"plain", "xml", "json", "smpp"}},
		{[]string{"import", "--resume", ""}, []string{"1\tмарт, 3 not sent, 0 unknown"}},
	} {
		r := cli(t, "", append([]string{"__complete", "--config", cfg}, c.args...)...)
		for _, w := range c.want {
			if r.code != ExitOK || !strings.Contains(r.stdout, w+"\n") && !strings.Contains(r.stdout, w+"\t") {
				t.Errorf("%v: %d, want %q in:\n%s%s", c.args, r.code, w, r.stdout, r.stderr)
			}
		}
	}
	for _, sh := range []string{"bash", "zsh", "fish"} {
		if r := cli(t, "", "completion", sh); r.code != ExitOK || !strings.Contains(r.stdout, "smsdash") {
			t.Errorf("completion %s: %d %s", sh, r.code, r.stderr)
		}
	}
}

// export: a .csv file opens right in Excel (a BOM) unless --no-bom, and
// a line on stderr says what was written; --json is history's JSON.
func TestExportFile(t *testing.T) {
	_, cfg := simConfig(t, sim.Options{})
	if r := cli(t, "", "--config", cfg, "send", "--to", "296717259,291234567", "--text", "x"); r.code != ExitOK {
		t.Fatal(r.stderr)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		file, flag string
		bom        bool
	}{{"h.csv", "", true}, {"H.CSV", "--no-bom", false}, {"h.txt", "", false}} {
		path := filepath.Join(dir, c.file)
		args := []string{"--config", cfg, "export", "--csv", path}
		if c.flag != "" {
			args = append(args, c.flag)
		}
		r := cli(t, "", args...)
		b, _ := os.ReadFile(path)
		if r.code != ExitOK || bytes.HasPrefix(b, []byte("\ufeff")) != c.bom || !bytes.Contains(b, []byte("id,created_at")) ||
			!strings.Contains(r.stderr, "2 message rows written to "+path) {
			t.Errorf("%s %s: %d bom %v\n%s", c.file, c.flag, r.code, bytes.HasPrefix(b, []byte("\ufeff")), r.stderr)
		}
	}
	r := cli(t, "", "--config", cfg, "export", "--json")
	var h struct{ Messages []historyJSON }
	if err := json.Unmarshal([]byte(r.stdout), &h); err != nil || len(h.Messages) != 2 || r.code != ExitOK {
		t.Errorf("export --json: %v %s", err, r.stdout)
	}
}

// While --wait waits on a terminal, stderr shows how many are final; a
// wait that ends first is exit 4.
func TestWaitProgress(t *testing.T) {
	_, cfg := simConfig(t, sim.Options{})
	defer func(f func(any) bool) { isTerminal = f }(isTerminal)
	isTerminal = func(any) bool { return true }
	at := time.Now().Add(time.Hour).In(sms.Minsk).Format(sms.TypedLayout)
	r := cli(t, "", "--config", cfg, "send", "--to", "296717259", "--text", "x", "--at", at, "--wait", "1s")
	if r.code != ExitPending || !strings.Contains(r.stderr, "\rwaiting for final statuses: 0 of 1 final, ") ||
		!strings.Contains(r.stderr, "1 message not final yet") {
		t.Errorf("%d %q", r.code, r.stderr)
	}
}

// Tables and reports fit the width: a long cell cut with "…", a
// paragraph wrapped between words.
func TestFitsTheWidth(t *testing.T) {
	var b bytes.Buffer
	tb := table{head: []string{"ID", "TEXT"}, flex: 1}
	tb.add("1", strings.Repeat("слово ", 30))
	tb.add("22", "short")
	tb.write(&b, 40)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[1], "…") || lines[2] != "22  short" {
		t.Errorf("table:\n%s", b.String())
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 40 {
			t.Errorf("%d columns: %q", ansi.StringWidth(l), l)
		}
	}
	b.Reset()
	text := "13 rows: 10 messages to send, 2 invalid, 1 duplicate merged, 3 numbers get more than one text"
	para(&b, 30, "  ", text)
	for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		if ansi.StringWidth(l) > 30 || !strings.HasPrefix(l, "  ") {
			t.Errorf("para: %q", l)
		}
	}
	if flat(b.String()) != text {
		t.Errorf("para changed the words: %q", b.String())
	}
	// An import report at 60 columns.
	_, cfg := simConfig(t, sim.Options{Balance: 50})
	t.Setenv("COLUMNS", "60")
	r := cli(t, "", "--config", cfg, "import", importList(t, 3), "--template", tmpl+" Спасибо, что вы с нами!", "--dry-run")
	for _, l := range strings.Split(r.stdout, "\n") {
		if w := ansi.StringWidth(l); w > 60 && strings.Contains(l, " ") {
			t.Errorf("import report: a line of %d columns: %q", w, l)
		}
	}
}
