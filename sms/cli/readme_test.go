package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/sim"
)

// readme is the README's text, read once.
func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// example is one line of the README's examples: the command and the
// exit code its comment gives.
type example struct {
	line string
	args []string
	code int
}

// readmeExamples reads the sh block that follows "Examples (each is run".
func readmeExamples(t *testing.T, text string) []example {
	t.Helper()
	m := regexp.MustCompile("(?s)Examples \\(each is run.*?```sh\n(.*?)```").FindStringSubmatch(text)
	if m == nil {
		t.Fatal("the README has no examples block")
	}
	var out []example
	for _, line := range strings.Split(strings.TrimSpace(m[1]), "\n") {
		cmd, code, ok := strings.Cut(line, "# ")
		n, err := strconv.Atoi(strings.TrimSpace(code))
		if !ok || err != nil {
			t.Fatalf("README example %q: no exit code comment", line)
		}
		args := shellWords(t, strings.TrimSpace(cmd))
		if args[0] != "smsdash" {
			t.Fatalf("README example %q is not smsdash", line)
		}
		out = append(out, example{strings.TrimSpace(cmd), args[1:], n})
	}
	return out
}

// shellWords splits a command line as sh does for these examples:
// spaces, "double" and 'single' quotes.
func shellWords(t *testing.T, s string) []string {
	var out []string
	var cur strings.Builder
	quote, inWord := rune(0), false
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		case r == '|' || r == '<' || r == '>' || r == ';' || r == '&':
			t.Fatalf("%q: the README test runs no shell", s)
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}

// flagsFirst moves a command's flags (with their values) before its
// other arguments: the same command, written the other way.
func flagsFirst(t *testing.T, args []string) []string {
	t.Helper()
	cmd, _, err := newRoot(&Env{}).Find(args)
	if err != nil {
		t.Fatal(err)
	}
	flags, pos := []string{args[0]}, []string(nil)
	for i := 1; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "--") {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		f := cmd.Flags().Lookup(strings.TrimPrefix(a, "--"))
		if f != nil && f.NoOptDefVal == "" && !strings.Contains(a, "=") {
			i++
			flags = append(flags, args[i])
		}
	}
	return append(flags, pos...)
}

// readmeRig is a fresh simulator whose statuses are final at once, its
// config, and a list beside it, in the current directory.
type readmeRig struct {
	srv *sim.Running
	cfg string
}

func newReadmeRig(t *testing.T) readmeRig {
	t.Helper()
	srv, cfg := simConfig(t, sim.Options{Balance: 10, QueuedFor: time.Nanosecond, SentFor: time.Nanosecond})
	dir := filepath.Dir(cfg)
	t.Chdir(dir)
	list := "Телефон;Имя\n"
	for i := range 8 {
		list += fmt.Sprintf("+375 29 700-00-%02d;Клиент %d\n", 10+i, i)
	}
	if err := os.WriteFile("clients.csv", []byte(list), 0o600); err != nil {
		t.Fatal(err)
	}
	c, _, err := config.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.Tracker.PollInterval = config.Duration{Duration: config.MinPollInterval}
	if err := config.Save(cfg, c); err != nil {
		t.Fatal(err)
	}
	return readmeRig{srv, cfg}
}

// Every command the README shows runs as it says, with its flags after
// the arguments (as written) and before them, --config after the command
// and before it: the same exit code, and under --json one JSON document
// of the shape the README documents.
func TestREADMECommands(t *testing.T) {
	t.Setenv("COLUMNS", "")
	text := readme(t)
	examples := readmeExamples(t, text)
	shapes := readmeShapes(t, text)
	for _, order := range []string{"as written", "flags first"} {
		t.Run(order, func(t *testing.T) {
			r := newReadmeRig(t)
			for _, ex := range examples {
				args := append(ex.args, "--config", r.cfg)
				if order == "flags first" {
					args = append([]string{"--config", r.cfg}, flagsFirst(t, ex.args)...)
				}
				// The README's story: a reply lost, then a top-up.
				switch {
				case strings.Contains(ex.line, "Ответ потерян"):
					r.srv.Server().SetFaults(sim.Faults{Drop: 1})
				case strings.Contains(ex.line, "import --resume"):
					r.srv.Server().Charge(-100)
				}
				got := cli(t, "", args...)
				r.srv.Server().SetFaults(sim.Faults{})
				if got.code != ex.code {
					t.Errorf("%s: exit %d, the README says %d\n%s\n%s", strings.Join(args, " "), got.code, ex.code, got.stdout, got.stderr)
					continue
				}
				if !contains(args, "--json") || got.stdout == "" && got.code != ExitOK {
					continue // under --json, stdout is JSON or empty
				}
				shape, ok := shapes[shapeKey(args)]
				if !ok {
					t.Errorf("%s: the README documents no JSON for it", ex.line)
					continue
				}
				docs := []string{got.stdout}
				if contains(args, "--watch") {
					docs = strings.Split(strings.TrimSpace(got.stdout), "\n")
				}
				for _, doc := range docs {
					var v any
					if err := json.Unmarshal([]byte(doc), &v); err != nil {
						t.Errorf("%s: stdout is no JSON: %v\n%s", ex.line, err, got.stdout)
						continue
					}
					checkShape(t, ex.line, "", v, shape)
				}
			}
		})
	}
}

func contains(args []string, s string) bool {
	for _, a := range args {
		if a == s {
			return true
		}
	}
	return false
}

// shapeKey names the README's JSON block for a command run: the command,
// and the flag that changes its output.
func shapeKey(args []string) string {
	cmd, _, _ := newRoot(&Env{}).Find(args)
	key := cmd.Name()
	for _, f := range []string{"--watch", "--unfinished", "--mark-sent"} {
		if contains(args, f) {
			key += " " + f
		}
	}
	switch key {
	case "status", "settle":
		return "send"
	case "export":
		return "history"
	}
	return key
}

// readmeShapes reads the README's json blocks, each named by the
// `smsdash … --json` in the line before it.
func readmeShapes(t *testing.T, text string) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, m := range regexp.MustCompile("(?s)`smsdash ([^`]*--json)`[^\n]*\n(?:[^\n]*\n)?\n```json\n(.*?)```").FindAllStringSubmatch(text, -1) {
		var v any
		if err := json.Unmarshal([]byte(m[2]), &v); err != nil {
			t.Fatalf("README JSON for %q: %v\n%s", m[1], err, m[2])
		}
		out[shapeKey(strings.Fields(m[1]))] = v
	}
	if len(out) < 7 {
		t.Fatalf("only %d JSON shapes found in the README: %v", len(out), out)
	}
	return out
}

// freeKeys are objects whose keys are data (a count by word or code).
var freeKeys = map[string]bool{".sent.codes": true, ".batch.counts": true}

// checkShape fails for a key the README does not document, or a value
// of another kind than it shows.
func checkShape(t *testing.T, what, path string, got, doc any) {
	t.Helper()
	switch g := got.(type) {
	case map[string]any:
		d, ok := doc.(map[string]any)
		if !ok {
			t.Errorf("%s: %s is an object, the README shows %T", what, path, doc)
			return
		}
		for k, v := range g {
			if freeKeys[path] {
				if _, ok := v.(float64); !ok {
					t.Errorf("%s: %s.%s is %T, want a count", what, path, k, v)
				}
				continue
			}
			dv, ok := d[k]
			if !ok {
				t.Errorf("%s: %s.%s is not in the README", what, path, k)
				continue
			}
			checkShape(t, what, path+"."+k, v, dv)
		}
	case []any:
		d, ok := doc.([]any)
		if !ok || (len(g) > 0 && len(d) == 0) {
			t.Errorf("%s: %s is a list, the README shows %v", what, path, doc)
			return
		}
		for _, v := range g {
			checkShape(t, what, path+"[]", v, d[0])
		}
	default:
		if fmt.Sprintf("%T", got) != fmt.Sprintf("%T", doc) && got != nil {
			t.Errorf("%s: %s is %T (%v), the README shows %T", what, path, got, got, doc)
		}
	}
}

// The README's synopsis is the commands' own usage lines.
func TestREADMESynopsis(t *testing.T) {
	text := readme(t)
	m := regexp.MustCompile("(?s)## The command line\n\n```\n(.*?)```").FindStringSubmatch(text)
	if m == nil {
		t.Fatal("no synopsis")
	}
	root := newRoot(&Env{})
	var want bytes.Buffer
	fmt.Fprintf(&want, "smsdash [--config FILE] COMMAND [flags]\n\n")
	for _, c := range root.Commands() {
		switch c.Name() {
		case "completion":
			fmt.Fprintln(&want, "smsdash completion bash|zsh|fish|powershell")
		case "help":
			fmt.Fprintln(&want, "smsdash help COMMAND")
		default:
			fmt.Fprintln(&want, "smsdash "+c.Use)
		}
	}
	if m[1] != want.String() {
		t.Errorf("the README's synopsis:\n%s\nthe commands':\n%s", m[1], want.String())
	}
	// Every command but help and completion has a README example.
	examples := readmeExamples(t, text)
	for _, c := range root.Commands() {
		seen := c.Name() == "help" || c.Name() == "completion" || c.Name() == "sim"
		for _, ex := range examples {
			seen = seen || ex.args[0] == c.Name()
		}
		if !seen {
			t.Errorf("no README example runs smsdash %s", c.Name())
		}
	}
}
