package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/batch"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/sim"
	"github.com/smsdash/smsdash/sms/store"
)

// importList writes a Windows-1251 semicolon list as Excel saves it:
// n good rows, a bad number, a landline, a repeated row.
func importList(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("Телефон;Имя;Сумма\r\n")
	for i := range n {
		fmt.Fprintf(&b, "+375 29 1%02d-%02d-%02d;Имя %d;%d,50\r\n", i/10000, i/100%100, i%100, i, i)
	}
	b.WriteString("12-34;Плохой;1\r\n8017 123-45-67;Городской;2\r\n+375 29 100-00-00;Имя 0;0,50\r\n")
	data, err := charmap.Windows1251.NewEncoder().Bytes([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "клиенты.csv")
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const tmpl = "Здравствуйте, {Имя}! К оплате {Сумма} руб."

// flat is a report's text with its line breaks and runs of spaces made
// single spaces: what a test looks for, wherever the lines were wrapped.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestImportDryRun(t *testing.T) {
	srv, cfg := simConfig(t, sim.Options{Balance: 50})
	file := importList(t, 10)
	r := cli(t, "", "--config", cfg, "import", file, "--template", tmpl, "--dry-run", "--json", "--preview", "2")
	if r.code != ExitOK {
		t.Fatalf("%d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var out importJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if out.Format != "csv" || out.Encoding != "Windows-1251" || out.Delimiter != ";" || !out.Header || out.PhoneColumn != "Телефон" {
		t.Errorf("source %+v", out)
	}
	if out.Rows != 13 || out.Messages != 10 || out.Duplicates != 1 || len(out.Invalid) != 2 || out.Parts != 10 || out.Cost != 10 ||
		out.Balance == nil || *out.Balance != 50 || !out.Enough || out.Sent != nil {
		t.Errorf("report %+v", out)
	}
	if out.Invalid[0].Line != 12 || out.Invalid[0].Value != "12-34" || out.Invalid[1].Line != 13 || !strings.Contains(out.Invalid[1].Reason, "landline") {
		t.Errorf("invalid %+v", out.Invalid)
	}
	if len(out.Preview) != 2 || out.Preview[0].Text != "Здравствуйте, Имя 0! К оплате 0,50 руб." || out.Preview[0].To != "375291000000" || out.Preview[0].Line != 2 {
		t.Errorf("preview %+v", out.Preview)
	}
	if len(out.DupLines) != 1 || out.DupLines[0].Line != 14 || out.DupLines[0].Of != 2 {
		t.Errorf("duplicates %+v", out.DupLines)
	}
	if st := srv.Server().Stats(); st.SendRequests != 0 {
		t.Errorf("a dry run sent %d requests", st.SendRequests)
	}
	// The same as text, flags before the file too.
	r = cli(t, "", "--config", cfg, "import", "--dry-run", "--template", tmpl, file, "--show-invalid", "1")
	for _, want := range []string{"CSV, Windows-1251, delimiter \";\", header row", "13 rows: 10 messages to send, 2 invalid, 1 duplicate merged",
		"cost 10.00 at 1.00 a part; balance 50.00: enough", "line 12: phone \"12-34\"", "… and 1 more", "+375291000000"} {
		if !strings.Contains(flat(r.stdout), want) {
			t.Errorf("text report lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestImportSend(t *testing.T) {
	srv, cfg := simConfig(t, sim.Options{Balance: 1000})
	file := importList(t, 300)
	r := cli(t, "", "--config", cfg, "import", file, "--template", tmpl, "--yes", "--api", "xml", "--json")
	if r.code != ExitOK {
		t.Fatalf("%d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var out importJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Sent == nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if s := out.Sent; s.Accepted != 300 || s.Transport != "xml" || s.BatchID == 0 || s.NotSent+s.Unknown+s.Refused != 0 || s.Parts != 300 {
		t.Errorf("sent %+v", s)
	}
	for i := range 300 {
		if n := srv.Server().Received(fmt.Sprintf("375291%02d%02d%02d", i/10000, i/100%100, i%100)); n != 1 {
			t.Fatalf("row %d received %d times", i, n)
		}
	}
	// Progress on a stream that is no terminal: plain lines.
	if !strings.Contains(r.stderr, "smsdash: 300 of 300 done (100%), 300 accepted") {
		t.Errorf("progress: %s", r.stderr)
	}
	// The batch's messages are in the history.
	h := cli(t, "", "--config", cfg, "history", "--limit", "0", "--json")
	var hist struct{ Messages []historyJSON }
	if err := json.Unmarshal([]byte(h.stdout), &hist); err != nil || len(hist.Messages) != 300 {
		t.Fatalf("history: %v %d", err, len(hist.Messages))
	}
}

func TestImportConfirm(t *testing.T) {
	srv, cfg := simConfig(t, sim.Options{})
	file := importList(t, 3)
	// Not a terminal and no --yes: refused, nothing sent.
	r := cli(t, "y\n", "--config", cfg, "import", file, "--template", tmpl)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "add --yes") {
		t.Fatalf("%d %s", r.code, r.stderr)
	}
	if st := srv.Server().Stats(); st.SendRequests != 0 {
		t.Fatal("sent without confirmation")
	}
	defer func(f func(any) bool) { isTerminal = f }(isTerminal)
	isTerminal = func(any) bool { return true }
	r = cli(t, "n\n", "--config", cfg, "import", file, "--template", tmpl)
	if r.code != ExitOK || !strings.Contains(r.stderr, "send 3 messages, 3 parts, cost 3.00, through JSON? [y/N]") || !strings.Contains(r.stderr, "not confirmed") {
		t.Fatalf("%d %s", r.code, r.stderr)
	}
	if st := srv.Server().Stats(); st.SendRequests != 0 {
		t.Fatal("sent though declined")
	}
	r = cli(t, "да\n", "--config", cfg, "import", file, "--template", tmpl)
	if r.code != ExitOK || srv.Server().Received("375291000002") != 1 || !strings.Contains(r.stderr, "\r[") {
		t.Fatalf("%d %s %s", r.code, r.stdout, r.stderr)
	}
}

func TestImportUsage(t *testing.T) {
	_, cfg := simConfig(t, sim.Options{Balance: 2})
	file := importList(t, 5)
	headerOnly := filepath.Join(t.TempDir(), "header.csv")
	os.WriteFile(headerOnly, []byte("Телефон;Имя\r\n"), 0o600)
	garbage := filepath.Join(t.TempDir(), "garbage.csv")
	os.WriteFile(garbage, bytes.Repeat([]byte{0, 1, 2, 0xff}, 1000), 0o600)
	for _, c := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"no file", []string{"import"}, ExitUsage, "give the FILE"},
		{"two files", []string{"import", file, file}, ExitUsage, "one FILE"},
		{"both texts", []string{"import", file, "--template", "x", "--text-column", "Имя"}, ExitUsage, "not both"},
		{"plain", []string{"import", file, "--template", "x", "--api", "plain"}, ExitUsage, "never one PLAIN request per number"},
		{"unknown placeholder", []string{"import", file, "--template", "Привет, {Фамилия}"}, ExitUsage, `unknown placeholder {Фамилия} in the template; the columns are "Телефон" (A), "Имя" (B), "Сумма" (C)`},
		{"phone column", []string{"import", file, "--template", "x", "--phone-column", "Мобильный"}, ExitUsage, "no column \"Мобильный\""},
		{"no text", []string{"import", file}, ExitUsage, "give the text"},
		{"missing file", []string{"import", "/nonexistent/list.csv", "--template", "x"}, ExitUsage, "list.csv: no such file"},
		{"garbage", []string{"import", garbage, "--template", "x"}, ExitUsage, "garbage.csv: this is neither a CSV (text) nor an XLSX file"},
		{"header only", []string{"import", headerOnly, "--template", "x"}, ExitUsage, "header.csv: nothing to send: the list has a header row (Телефон, Имя) and no rows"},
		{"bad header flag", []string{"import", file, "--template", "x", "--header", "maybe"}, ExitUsage, "--header"},
		{"too soon", []string{"import", file, "--template", "x", "--at", time.Now().Add(5 * time.Minute).In(sms.Minsk).Format("2006-01-02 15:04")}, ExitUsage, "10 minutes"},
		{"in the past", []string{"import", file, "--template", "x", "--at", "2020-01-01 10:00"}, ExitUsage, "is in the past"},
		{"validity over 48", []string{"import", file, "--template", "x", "--validity", "72"}, ExitUsage, "1–48"},
		{"balance short: the first 2 go, 3 stay to resume", []string{"import", file, "--template", "x", "--yes"}, ExitNetwork, "send the first 2 of 5 messages"},
		{"resume with a file", []string{"import", file, "--resume", "1"}, ExitUsage, "takes no file"},
		{"resume unknown", []string{"import", "--resume", "99"}, ExitUsage, "no batch 99"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := cli(t, "", append([]string{"--config", cfg}, c.args...)...)
			if r.code != c.code || !strings.Contains(r.stdout+r.stderr, c.says) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant it to say %q", r.code, c.code, r.stdout, r.stderr, c.says)
			}
		})
	}
}

func TestImportXLSX(t *testing.T) {
	srv, cfg := simConfig(t, sim.Options{})
	f := excelize.NewFile()
	defer f.Close()
	f.NewSheet("Должники")
	rows := [][]any{{"ФИО", "Моб. телефон", "Текст"}, {"Иван", 375291234567, "Оплатите счёт"}, {"Ольга", "8 (033) 765-43-21", "Ваш заказ готов"}}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			f.SetCellValue("Должники", cell, v)
		}
	}
	p := filepath.Join(t.TempDir(), "list.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	r := cli(t, "", "--config", cfg, "import", p, "--sheet", "Должники", "--text-column", "Текст", "--yes", "--json")
	var out importJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); r.code != ExitOK || err != nil {
		t.Fatalf("%d %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	if out.Format != "xlsx" || out.Sheet != "Должники" || out.PhoneColumn != "Моб. телефон" || out.TextColumn != "Текст" || out.Sent.Accepted != 2 {
		t.Errorf("%+v %+v", out, out.Sent)
	}
	if srv.Server().Received("375337654321") != 1 {
		t.Error("not received")
	}
	r = cli(t, "", "--config", cfg, "import", p, "--text-column", "Текст", "--dry-run")
	if r.code != ExitUsage || !strings.Contains(r.stderr, `list.xlsx: sheet "Sheet1" is empty; choose another of the workbook's sheets: "Sheet1", "Должники"`) {
		t.Errorf("the first sheet is empty: %d %s", r.code, r.stderr)
	}
}

// cancelAt cancels when the progress it is written passes a share.
type cancelAt struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	cancel func()
}

var sentLine = regexp.MustCompile(`(\d+) of (\d+) done`)

func (c *cancelAt) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(p)
	if m := sentLine.FindStringSubmatch(string(p)); m != nil && m[1] != "0" {
		c.cancel()
	}
	return len(p), nil
}

// An import cancelled (Ctrl-C) keeps what was sent; --resume sends the
// rest and nothing twice.
func TestImportCancelResume(t *testing.T) {
	srv, cfg := simConfig(t, sim.Options{Balance: 1e6, Faults: sim.Faults{Latency: 5 * time.Millisecond}})
	c, _, _ := config.Load(cfg)
	c.API.BatchSize = 20
	config.Save(cfg, c)
	file := importList(t, 400)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run, stop := context.WithCancel(ctx)
	errw := &cancelAt{cancel: stop}
	var out bytes.Buffer
	code := Run(run, &Env{Args: []string{"--config", cfg, "import", file, "--template", tmpl, "--yes"}, Stdin: strings.NewReader(""), Stdout: &out, Stderr: errw})
	if code != ExitNetwork || !strings.Contains(errw.buf.String(), "cancelled") {
		t.Fatalf("%d\n%s\n%s", code, out.String(), errw.buf.String())
	}
	m := regexp.MustCompile(`smsdash import --resume (\d+)`).FindStringSubmatch(errw.buf.String())
	if m == nil {
		t.Fatalf("no resume hint: %s", errw.buf.String())
	}
	r := cli(t, "", "--config", cfg, "import", "--unfinished")
	if r.code != ExitOK || !regexp.MustCompile(`(?m)^`+m[1]+` .* клиенты\.csv +400 +[1-9]\d* +0$`).MatchString(r.stdout) {
		t.Fatalf("--unfinished: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = cli(t, "", "--config", cfg, "import", "--resume", m[1], "--dry-run")
	if r.code != ExitOK || !strings.Contains(flat(r.stdout), "not sent (resume sends them): ") {
		t.Fatalf("%d %s %s", r.code, r.stdout, r.stderr)
	}
	r = cli(t, "", "--config", cfg, "import", "--resume", m[1], "--yes")
	if r.code != ExitOK || !strings.Contains(flat(r.stdout), "0 not sent, 0 outcome unknown") {
		t.Fatalf("%d %s %s", r.code, r.stdout, r.stderr)
	}
	for i := range 400 {
		if n := srv.Server().Received(fmt.Sprintf("375291%02d%02d%02d", i/10000, i/100%100, i%100)); n != 1 {
			t.Fatalf("row %d received %d times", i, n)
		}
	}
	r = cli(t, "", "--config", cfg, "import", "--resume", m[1], "--yes")
	if r.code != ExitOK || !strings.Contains(r.stdout, "nothing to resume") {
		t.Fatalf("%d %s %s", r.code, r.stdout, r.stderr)
	}
	r = cli(t, "", "--config", cfg, "import", "--unfinished", "--json")
	if r.code != ExitOK || strings.TrimSpace(r.stdout) != `{
  "batches": []
}` {
		t.Fatalf("--unfinished: %d %s %s", r.code, r.stdout, r.stderr)
	}
}

// A real process killed (SIGKILL) in the middle of a 20,000-message
// import, then resumed: the gateway has every message exactly once, or,
// for the package that was on its way at the kill, at most once with the
// history saying "outcome unknown".
func TestImportKillResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a real process")
	}
	bin := buildBinary(t)
	smsdash := func(args ...string) *exec.Cmd { return exec.Command(bin, args...) }
	srv, cfgPath, dir, storePath := processRig(t, sim.Faults{Latency: 10 * time.Millisecond})
	const n = 20_000
	numbers := make([]string, n)
	var list strings.Builder
	list.WriteString("Телефон;Имя\n")
	for i := range numbers {
		numbers[i] = fmt.Sprintf("37529%07d", 1_000_000+i)
		fmt.Fprintf(&list, "8 (029) %03d-%02d-%02d;Клиент %d\n", 100+i/10000, i/100%100, i%100, i)
	}
	file := filepath.Join(dir, "list.csv")
	os.WriteFile(file, []byte(list.String()), 0o600)
	env := append(os.Environ(), "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir)

	cmd := smsdash("--config", cfgPath, "import", file, "--template", "Здравствуйте, {Имя}!", "--yes")
	cmd.Env = append(cmd.Env, env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := make(chan string, 1)
	go func() {
		// Kill once a tenth is sent, 5-25 ms later: mid-send, often while
		// a package is on its way (the simulator takes 10 ms to answer).
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := sentLine.FindStringSubmatch(sc.Text()); m != nil && m[1] != "0" {
				time.Sleep(time.Duration(5+rand.IntN(20)) * time.Millisecond)
				cmd.Process.Signal(syscall.SIGKILL)
				killed <- sc.Text()
				break
			}
		}
		io.Copy(io.Discard, stderr)
		close(killed)
	}()
	select {
	case line, ok := <-killed:
		if !ok {
			t.Fatal("the import ended before it could be killed")
		}
		t.Logf("killed after %q", line)
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("no progress within 60 s")
	}
	cmd.Wait()
	before := srv.Server().Stats().Accepted

	st, err := store.Open(storePath)
	if err != nil {
		t.Fatal(err)
	}
	last, err := st.Latest(context.Background(), store.Filter{Limit: 1})
	st.Close()
	if err != nil || len(last) != 1 || last[0].BatchID == 0 {
		t.Fatalf("no batch recorded: %v %+v", err, last)
	}
	id := strconv.FormatInt(last[0].BatchID, 10)

	resume := smsdash("--config", cfgPath, "import", "--resume", id, "--yes")
	resume.Env = append(resume.Env, env...)
	var rout, rerr bytes.Buffer
	resume.Stdout, resume.Stderr = &rout, &rerr
	done := make(chan error, 1)
	if err := resume.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- resume.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("resume: %v\n%s\n%s", err, rout.String(), rerr.String())
		}
	case <-time.After(120 * time.Second):
		resume.Process.Kill()
		t.Fatal("resume did not finish within 120 s")
	}
	t.Logf("accepted before the kill %d; resume: %s\n%s", before, strings.TrimSpace(rout.String()[strings.LastIndex(rout.String(), "batch "):]), rerr.String())

	// What the gateway received, by number.
	got := map[string]int{}
	stats := srv.Server().Stats()
	for i := range stats.Accepted {
		rec, ok := srv.Server().Message(sim.FirstID + i)
		if !ok {
			t.Fatalf("no accepted message %d", sim.FirstID+i)
		}
		got[rec.Recipient]++
	}
	st, err = store.Open(storePath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.Latest(context.Background(), store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	byNumber := map[string][]store.Row{}
	for _, r := range rows {
		byNumber[r.Recipient] = append(byNumber[r.Recipient], r)
	}
	states := map[store.State]int{}
	for _, num := range numbers {
		live := 0 // rows that stand for the message: accepted or unknown
		for _, r := range byNumber[num] {
			states[r.State]++
			switch r.State {
			case store.StateAccepted:
				live++
				if got[num] != 1 {
					t.Fatalf("%s accepted but received %d times", num, got[num])
				}
			case store.StateUnknown:
				live++
				if got[num] > 1 {
					t.Fatalf("%s unknown and received %d times", num, got[num])
				}
			case store.StateResent:
			default:
				t.Fatalf("%s left in state %s", num, r.State)
			}
		}
		if live != 1 {
			t.Fatalf("%s has %d live rows: %+v", num, live, byNumber[num])
		}
		if got[num] > 1 {
			t.Fatalf("%s received %d times", num, got[num])
		}
	}
	if len(got) > n || int(stats.Accepted) > n {
		t.Fatalf("the gateway accepted %d messages for %d numbers", stats.Accepted, len(got))
	}
	t.Logf("rows by state: %v; the gateway accepted %d", states, stats.Accepted)
}

// The balance rule holds for a resume too: it shows the cost of what is
// left, sends the first messages the balance covers, and after a top-up
// the rest, each exactly once.
func TestResumeOverTheBalance(t *testing.T) {
	srv, cfg := simConfig(t, sim.Options{Balance: 3})
	file := importList(t, 8)
	r := cli(t, "", "--config", cfg, "import", file, "--template", "x", "--yes")
	if r.code != ExitNetwork || !strings.Contains(r.stdout, "3 accepted") {
		t.Fatalf("import: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := cli(t, "", "--config", cfg, "import", "--resume", "1", "--yes"); r.code != ExitRefused || !strings.Contains(r.stderr, "does not cover even the first message") {
		t.Fatalf("resume on an empty balance: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	srv.Server().Charge(-2) // a negative charge tops the balance up
	r = cli(t, "", "--config", cfg, "import", "--resume", "1", "--yes")
	if !strings.Contains(flat(r.stdout), "not sent (resume sends them): 5, 5 parts, cost 5.00") ||
		!strings.Contains(flat(r.stdout), "caution: the balance 2.00 covers the first 2 of 5 messages") || !strings.Contains(r.stdout, "2 accepted") {
		t.Fatalf("resume over the balance: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	srv.Server().Charge(-10)
	if r := cli(t, "", "--config", cfg, "import", "--resume", "1", "--yes"); r.code != ExitOK || !strings.Contains(r.stdout, "3 accepted") {
		t.Fatalf("resume after a top-up: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for i := range 8 {
		if n := srv.Server().Received(fmt.Sprintf("375291%02d%02d%02d", i/10000, i/100%100, i%100)); n != 1 {
			t.Errorf("row %d received %d times", i, n)
		}
	}
}

// On a terminal the progress is one bar redrawn in place, ended by a
// newline once; elsewhere it is a line at each tenth and at the end.
func TestProgressBarRedraw(t *testing.T) {
	var tty bytes.Buffer
	b := newProgressBar(&tty, true)
	b.update(batch.Progress{Done: 5, Total: 10, Accepted: 4})
	b.update(batch.Progress{Done: 10, Total: 10, Accepted: 9})
	b.done()
	b.done()
	want := "\r[###############...............]  50% 5/10, 4 accepted, 0 msg/s\x1b[K" +
		"\r[##############################] 100% 10/10, 9 accepted, 0 msg/s\x1b[K\n"
	if tty.String() != want {
		t.Errorf("terminal progress:\n%q\nwant\n%q", tty.String(), want)
	}

	var log bytes.Buffer
	b = newProgressBar(&log, false)
	for _, d := range []int{1, 3, 4, 10} {
		b.update(batch.Progress{Done: d, Total: 10, Accepted: d})
	}
	b.done()
	want = "smsdash: 1 of 10 done (10%), 1 accepted, 0 messages/s\n" +
		"smsdash: 3 of 10 done (30%), 3 accepted, 0 messages/s\n" +
		"smsdash: 4 of 10 done (40%), 4 accepted, 0 messages/s\n" +
		"smsdash: 10 of 10 done (100%), 10 accepted, 0 messages/s\n"
	if log.String() != want {
		t.Errorf("log progress:\n%q\nwant\n%q", log.String(), want)
	}
}
