package config

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

// handWritten is a file as an agent writes one: comments everywhere,
// blank lines, tables in an odd order, keys left out, an inline table,
// dotted keys, a multi-line array, a literal string.
const handWritten = `# my smsdash config, written by hand
# (keep this comment)
smpp = { address = "127.0.0.1:2775", window = 3 }   # inline
tracker.poll_interval = "1m"  # dotted, at the top

[ui]   # the dashboard first, odd order
balance_warn = 5.5   # credits

[account]
senders = [ "CMC",   # the default
  "Shop" ]
login = 'old'      # a literal string
sender = "Shop"
# agent left out on purpose: $USER

[api]
timeout = 45          # seconds, an integer
transport = "xml"
`

// lineDiff is a line diff of a and b: the lines only a has ("-…") and
// only b has ("+…"), in order (a longest common subsequence).
func lineDiff(a, b string) []string {
	x, y := strings.SplitAfter(a, "\n"), strings.SplitAfter(b, "\n")
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			i, j = i+1, j+1
		case i < len(x) && (j == len(y) || lcs[i+1][j] >= lcs[i][j+1]):
			out = append(out, "-"+x[i])
			i++
		default:
			out = append(out, "+"+y[j])
			j++
		}
	}
	return out
}

// TestSaveKeysKeepsTheFile: two keys change (one in place, one left out
// until now); every other byte stays, the old file is the backup, both
// with mode 0600, and nothing the agent left out is written.
func TestSaveKeysKeepsTheFile(t *testing.T) {
	cleanEnv(t)
	path := writeFile(t, handWritten, 0o600)
	c, _, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	c.Account.Login = "new"
	c.Account.Agent = "bob"
	saved, backup, err := SaveKeys(path, c, []string{"account.login", "account.agent"})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	want := []string{
		"-login = 'old'      # a literal string\n",
		"+login = \"new\"      # a literal string\n",
		"+agent = \"bob\"\n",
	}
	if d := lineDiff(handWritten, string(raw)); !slices.Equal(d, want) {
		t.Errorf("diff %q\nwant %q\nfile:\n%s", d, want, raw)
	}
	if !strings.Contains(string(raw), "sender = \"Shop\"\nagent = \"bob\"\n# agent left out") {
		t.Errorf("the new key is not after its table's last key:\n%s", raw)
	}
	if backup != path+".bak" {
		t.Errorf("backup %q", backup)
	}
	if old, err := os.ReadFile(backup); err != nil || string(old) != handWritten {
		t.Errorf("backup %q, %v", old, err)
	}
	for _, p := range []string{path, backup} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", p, st.Mode(), err)
		}
	}
	if saved.Account.Login != "new" || saved.Account.Agent != "bob" || saved.SMPP.Window != 3 || saved.API.Timeout.Duration != 45*time.Second {
		t.Errorf("saved %+v", saved)
	}
	// A second save backs up the first one's file.
	c = saved
	c.UI.Lang = "ru"
	if _, _, err := SaveKeys(path, c, []string{"ui.lang"}); err != nil {
		t.Fatal(err)
	}
	if old, _ := os.ReadFile(backup); string(old) != string(raw) {
		t.Errorf("backup after the second save:\n%s", old)
	}
}

// TestSetKeysPlaces: a key in place, in an inline table, a dotted one,
// one added to a table, an inline table, dotted keys, a new table.
func TestSetKeysPlaces(t *testing.T) {
	tests := []struct {
		name, in string
		edits    []edit
		want     string
	}{
		{"in place", "[api]\ntimeout = 45 # s\n", []edit{{"api", "timeout", `"1m"`}}, "[api]\ntimeout = \"1m\" # s\n"},
		{"array in place", "[account]\nsenders = [\n  \"A\", # x\n  \"B\",\n] # end\n", []edit{{"account", "senders", `["C"]`}}, "[account]\nsenders = [\"C\"] # end\n"},
		{"inline in place", "smpp = { window = 3, rate = 1 }\n", []edit{{"smpp", "rate", "2.0"}}, "smpp = { window = 3, rate = 2.0 }\n"},
		{"inline added", "smpp = { window = 3 }\n", []edit{{"smpp", "user", `"u"`}}, "smpp = { user = \"u\", window = 3 }\n"},
		{"empty inline added", "ui = {}\n", []edit{{"ui", "lang", `"ru"`}}, "ui = {lang = \"ru\"}\n"},
		{"dotted in place", "ui.lang = \"en\"\n[api]\n", []edit{{"ui", "lang", `""`}}, "ui.lang = \"\"\n[api]\n"},
		{"dotted added", "ui.lang = \"en\" # c\n[api]\n", []edit{{"ui", "balance_warn", "1.0"}}, "ui.lang = \"en\" # c\nui.balance_warn = 1.0\n[api]\n"},
		{"quoted keys", "[\"ui\"]\n'lang' = \"en\"\n", []edit{{"ui", "lang", `"ru"`}}, "[\"ui\"]\n'lang' = \"ru\"\n"},
		{"added to an empty table", "[ui] # c\n\n[api]\n", []edit{{"ui", "lang", `"ru"`}}, "[ui] # c\nlang = \"ru\"\n\n[api]\n"},
		{"two added in order", "[ui]\nlang = \"en\"", []edit{{"ui", "balance_warn", "1.0"}, {"ui", "x", "1"}}, "[ui]\nlang = \"en\"\nbalance_warn = 1.0\nx = 1\n"},
		{"new tables", "# only a comment", []edit{{"store", "path", `"p"`}, {"ui", "lang", `"ru"`}, {"store", "x", "1"}}, "# only a comment\n\n[store]\npath = \"p\"\nx = 1\n\n[ui]\nlang = \"ru\"\n"},
		{"not in a sub-table", "[ui]\nlang = \"en\"\n[ui.more]\nlang = 1\n", []edit{{"ui", "balance_warn", "1.0"}}, "[ui]\nlang = \"en\"\nbalance_warn = 1.0\n[ui.more]\nlang = 1\n"},
		{"CRLF", "[ui]\r\nlang = \"en\"\r\n", []edit{{"ui", "balance_warn", "1.0"}, {"api", "timeout", "1"}}, "[ui]\r\nlang = \"en\"\r\nbalance_warn = 1.0\r\n\r\n[api]\r\ntimeout = 1\r\n"},
		{"into nothing", "", []edit{{"api", "timeout", "1"}}, "[api]\ntimeout = 1\n"},
		{"BOM", "\xef\xbb\xbf[ui]\nlang = \"en\"\n", []edit{{"ui", "lang", `"ru"`}}, "\xef\xbb\xbf[ui]\nlang = \"ru\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := setKeys([]byte(tt.in), tt.edits)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
			var v map[string]any
			if _, err := toml.Decode(string(got), &v); err != nil {
				t.Errorf("not TOML: %v", err)
			}
		})
	}
	if _, err := setKeys([]byte("[ui\n"), []edit{{"ui", "lang", `"ru"`}}); err == nil {
		t.Error("a broken file was edited")
	}
}

// TestSaveKeysUnsetStaysUnset: an agent and lang that follow the
// environment are written "" when changed to that, and a file without
// them gets none when other keys change.
func TestSaveKeysUnsetStaysUnset(t *testing.T) {
	cleanEnv(t)
	path := writeFile(t, "[ui]\nlang = \"ru\"\n", 0o600)
	c, _, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	c.UI.Lang = "" // back to LANG
	c.API.BatchSize = 5
	c.UI.Mouse = false
	saved, _, err := SaveKeys(path, c, []string{"ui.lang", "api.batch_size", "ui.mouse"})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if string(raw) != "[ui]\nlang = \"\"\nmouse = false\n\n[api]\nbatch_size = 5\n" {
		t.Errorf("file:\n%s", raw)
	}
	if saved.UI.Lang != "en" || !saved.FromEnv("ui.lang") || !saved.FromEnv("account.agent") || saved.Account.Agent != "tester" {
		t.Errorf("lang %q agent %q", saved.UI.Lang, saved.Account.Agent)
	}
}

// TestSaveKeysNew: with no file one is started, with the header and
// only the keys given; no backup.
func TestSaveKeysNew(t *testing.T) {
	cleanEnv(t)
	path := filepath.Join(t.TempDir(), "smsdash", "config.toml")
	c := Default()
	c.Account.Login = "acme"
	_, backup, err := SaveKeys(path, c, []string{"account.login"})
	if err != nil || backup != "" {
		t.Fatalf("%v, backup %q", err, backup)
	}
	raw, _ := os.ReadFile(path)
	if string(raw) != fileHeader+"[account]\nlogin = \"acme\"\n" {
		t.Errorf("file:\n%s", raw)
	}
	if _, err := os.Stat(path + BackupSuffix); err == nil {
		t.Error("a backup of nothing")
	}
}

// TestSaveKeysRefuses: an invalid result, an unknown key and the
// environment's password leave the file as it was.
func TestSaveKeysRefuses(t *testing.T) {
	cleanEnv(t)
	const file = "[account]\npassword = \"from-file\"\n"
	path := writeFile(t, file, 0o600)
	t.Setenv(PasswordEnv, "from-env")
	c, _, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"account.password", "account.nope", "account"} {
		if _, _, err := SaveKeys(path, c, []string{k}); err == nil {
			t.Errorf("%s written", k)
		}
	}
	bad := *c
	bad.API.BatchSize = 0
	if _, _, err := SaveKeys(path, &bad, []string{"api.batch_size"}); err == nil || !strings.Contains(err.Error(), "api.batch_size") {
		t.Errorf("an invalid file saved: %v", err)
	}
	if raw, _ := os.ReadFile(path); string(raw) != file {
		t.Errorf("file changed:\n%s", raw)
	}
	if _, err := os.Stat(path + BackupSuffix); err == nil {
		t.Error("a backup without a save")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("%d entries: temp files left", len(entries))
	}
}

// everyKey lists the config's keys, "section.key".
func everyKey() []string {
	var keys []string
	ct := reflect.TypeFor[Config]()
	for i := range ct.NumField() {
		sec := ct.Field(i)
		if sec.Tag.Get("toml") == "" {
			continue
		}
		for j := range sec.Type.NumField() {
			keys = append(keys, sec.Tag.Get("toml")+"."+sec.Type.Field(j).Tag.Get("toml"))
		}
	}
	return keys
}

// FuzzSetKeys: any file the loader takes, and a new value for any key:
// the result is TOML that holds the new value and every other value as
// it was; and where the result loads, SaveKeys writes it with the old
// file as the backup.
func FuzzSetKeys(f *testing.F) {
	if raw, err := os.ReadFile(filepath.Join("..", "..", "config.toml.example")); err == nil {
		f.Add(raw, uint8(0), "x", int64(1), 1.5)
	}
	f.Add([]byte(handWritten), uint8(3), "Shop,CMC", int64(7), 0.25)
	f.Add([]byte(""), uint8(22), "ru", int64(0), 0.0)
	f.Add([]byte("ui = { lang = \"en\" }\naccount.login = \"a\"\n"), uint8(5), "q\"\\\x00é", int64(-3), 1e300)
	f.Add([]byte("[api]\r\ntimeout = 5\r\n[tracker]\r\npoll_interval = \"1h\""), uint8(13), "", int64(90e9), math.Copysign(0, -1))
	f.Add([]byte("\xef\xbb\xbf[smpp]\naddress = \"[::1]:1\"\n"), uint8(17), "a", int64(1), math.Inf(1))

	cleanEnv(f)
	saved := fsync
	fsync = func(*os.File) error { return nil }
	f.Cleanup(func() { fsync = saved })
	keys := everyKey()
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, which uint8, s string, n int64, x float64) {
		if _, _, err := parse("fuzz.toml", data); err != nil {
			return
		}
		key := keys[int(which)%len(keys)]
		before := Default()
		mdBefore, err := toml.Decode(string(data), before)
		if err != nil {
			t.Fatalf("the loader took what toml does not: %v", err)
		}
		after := *before
		v, _ := field(&after, key)
		s = strings.ToValidUTF8(s, "?")
		switch v.Interface().(type) {
		case string:
			v.SetString(s)
		case int:
			v.SetInt(n)
		case float64:
			if math.IsNaN(x) {
				return // never equal to itself
			}
			v.SetFloat(x)
		case Duration:
			v.Set(reflect.ValueOf(Duration{time.Duration(n)}))
		case []string:
			v.Set(reflect.ValueOf(strings.Split(s, ",")))
		}
		lit, err := literal(v)
		if err != nil {
			t.Fatal(err)
		}
		sec, name, _ := strings.Cut(key, ".")
		out, err := setKeys(data, []edit{{sec, name, lit}})
		if err != nil {
			t.Fatalf("%s = %s: %v", key, lit, err)
		}
		got := Default()
		mdAfter, err := toml.Decode(string(out), got)
		if err != nil {
			t.Fatalf("%s = %s: not TOML: %v\n%s", key, lit, err, out)
		}
		if !reflect.DeepEqual(got, &after) {
			t.Fatalf("%s = %s:\ngot  %+v\nwant %+v\n%s", key, lit, got, &after, out)
		}
		// The table's own name is listed or not by how it is written.
		wantKeys, gotKeys := keySet(t, mdBefore), keySet(t, mdAfter)
		wantKeys[key] = true
		delete(wantKeys, sec)
		delete(gotKeys, sec)
		if !reflect.DeepEqual(gotKeys, wantKeys) {
			t.Fatalf("%s = %s: keys %v, want %v\n%s", key, lit, gotKeys, wantKeys, out)
		}
		if _, _, err := parse("fuzz.toml", out); err != nil {
			return // the new value is not valid: SaveKeys refuses it (TestSaveKeysRefuses)
		}
		path := filepath.Join(dir, "config.toml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := SaveKeys(path, &after, []string{key}); err != nil {
			t.Fatalf("%s = %s: %v", key, lit, err)
		}
		written, _ := os.ReadFile(path)
		backup, _ := os.ReadFile(path + BackupSuffix)
		if string(written) != string(out) || string(backup) != string(data) {
			t.Fatalf("written %q backup %q", written, backup)
		}
	})
}
