package config

import (
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/BurntSushi/toml"

	"github.com/smsdash/smsdash/sms"
)

// cleanEnv pins every environment variable the package reads, so results do
// not depend on the machine running the tests.
func cleanEnv(t testing.TB) {
	t.Helper()
	for k, v := range map[string]string{
		"USER":            "tester",
		"LOGNAME":         "",
		"LANG":            "en_US.UTF-8",
		"LC_ALL":          "",
		"LC_MESSAGES":     "",
		PasswordEnv:       "",
		"XDG_CONFIG_HOME": "",
		"XDG_DATA_HOME":   "",
		"XDG_STATE_HOME":  "",
	} {
		t.Setenv(k, v)
	}
}

func writeFile(t testing.TB, content string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	// WriteFile's mode is filtered by the umask; set it exactly.
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefault(t *testing.T) {
	cleanEnv(t)
	c := Default()
	tests := []struct {
		name      string
		got, want any
	}{
		{"account.sender", c.Account.Sender, "CMC"},
		{"account.senders", c.Account.Senders, []string{"CMC"}},
		{"account.agent", c.Account.Agent, "tester"},
		{"api.transport", c.API.Transport, "json"},
		{"api.send_plain_url", c.API.SendPlainURL, "https://userarea.sms-assistent.by/api/v1/send_sms/plain"},
		{"api.status_plain_url", c.API.StatusPlainURL, "https://userarea.sms-assistent.by/api/v1/statuses/plain"},
		{"api.credits_plain_url", c.API.CreditsPlainURL, "https://userarea.sms-assistent.by/api/v1/credits/plain"},
		{"api.xml_url", c.API.XMLURL, "https://userarea.sms-assistent.by/api/v1/xml"},
		{"api.json_url", c.API.JSONURL, "https://userarea.sms-assistent.by/api/v1/json"},
		{"api.timeout", c.API.Timeout.Duration, 30 * time.Second},
		{"api.batch_size", c.API.BatchSize, 1000},
		{"smpp.address", c.SMPP.Address, "smpp.sms-assistent.by:2776"},
		{"tracker.poll_interval", c.Tracker.PollInterval.Duration, 30 * time.Second},
		{"ui.lang", c.UI.Lang, "en"},
		{"ui.balance_warn", c.UI.BalanceWarn, 10.0},
		{"store.path", c.Store.Path, ""},
		{"account.password", c.Account.Password, ""},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %#v, want %#v", tt.name, tt.got, tt.want)
		}
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Default().Validate() = %v", err)
	}
}

func TestDefaultLang(t *testing.T) {
	tests := []struct {
		lcAll, lcMessages, lang string
		want                    string
	}{
		{"", "", "", "en"},
		{"", "", "C", "en"},
		{"", "", "ru_RU.UTF-8", "ru"},
		{"", "", "be_BY.UTF-8", "ru"},
		{"", "", "en_GB.UTF-8", "en"},
		{"", "ru_RU.UTF-8", "en_US.UTF-8", "ru"},
		{"en_US.UTF-8", "ru_RU.UTF-8", "ru_RU.UTF-8", "en"},
		{"be_BY", "", "en_US", "ru"},
	}
	for _, tt := range tests {
		cleanEnv(t)
		t.Setenv("LC_ALL", tt.lcAll)
		t.Setenv("LC_MESSAGES", tt.lcMessages)
		t.Setenv("LANG", tt.lang)
		if got := Default().UI.Lang; got != tt.want {
			t.Errorf("LC_ALL=%q LC_MESSAGES=%q LANG=%q: lang = %q, want %q", tt.lcAll, tt.lcMessages, tt.lang, got, tt.want)
		}
	}
}

func TestDefaultAgentFallback(t *testing.T) {
	cleanEnv(t)
	t.Setenv("USER", "")
	t.Setenv("LOGNAME", "logname-user")
	if got := Default().Account.Agent; got != "logname-user" {
		t.Errorf("agent = %q, want logname-user", got)
	}
}

func TestLoadPartialKeepsDefaults(t *testing.T) {
	tests := []struct {
		name   string
		file   string
		modify func(c *Config)
	}{
		{"empty file", "", func(c *Config) {}},
		{"comments only", "# nothing\n\n", func(c *Config) {}},
		{
			"one key per section",
			"[account]\nlogin = \"shop\"\n[api]\ntransport = \"xml\"\n[ui]\nlang = \"ru\"\n",
			func(c *Config) { c.Account.Login = "shop"; c.API.Transport = "xml"; c.UI.Lang = "ru" },
		},
		{
			"senders and durations",
			"[account]\nsender = \"Shop\"\nsenders = [\"CMC\", \"Shop\"]\n[api]\ntimeout = 5\n[tracker]\npoll_interval = \"1m30s\"\n",
			func(c *Config) {
				c.Account.Sender = "Shop"
				c.Account.Senders = []string{"CMC", "Shop"}
				c.API.Timeout = Duration{5 * time.Second}
				c.Tracker.PollInterval = Duration{90 * time.Second}
			},
		},
		{
			"empty agent and lang mean environment",
			"[account]\nagent = \"\"\n[ui]\nlang = \"\"\n",
			func(c *Config) {},
		},
		{
			"loopback http urls",
			"[api]\njson_url = \"http://127.0.0.1:8080/api/v1/json\"\nxml_url = \"http://localhost/x\"\nsend_plain_url = \"http://[::1]:9/p\"\n",
			func(c *Config) {
				c.API.JSONURL = "http://127.0.0.1:8080/api/v1/json"
				c.API.XMLURL = "http://localhost/x"
				c.API.SendPlainURL = "http://[::1]:9/p"
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			got, warns, err := Load(writeFile(t, tt.file, 0o600))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if len(warns) != 0 {
				t.Errorf("warnings: %q", warns)
			}
			want := Default()
			tt.modify(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestEnvPasswordOverride(t *testing.T) {
	cleanEnv(t)
	file := "[account]\nlogin = \"shop\"\npassword = \"from-file\"\n[smpp]\nuser = \"u\"\npassword = \"smpp-file\"\n"
	path := writeFile(t, file, 0o600)

	t.Setenv(PasswordEnv, "from-env")
	c, _, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Account.Password != "from-env" {
		t.Errorf("account.password = %q, want from-env", c.Account.Password)
	}
	if c.SMPP.Password != "smpp-file" {
		t.Errorf("smpp.password = %q, want the file's value", c.SMPP.Password)
	}

	// Saving must not copy the environment's secret to disk.
	if err := Save(path, c); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), "from-env") {
		t.Errorf("Save wrote the SMSDASH_PASSWORD value to disk:\n%s", raw)
	}
	t.Setenv(PasswordEnv, "")
	c2, _, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c2.Account.Password != "from-file" {
		t.Errorf("after save, file password = %q, want from-file", c2.Account.Password)
	}

	// An explicit change by the caller is saved.
	c.Account.Password = "changed"
	if err := Save(path, c); err != nil {
		t.Fatal(err)
	}
	c3, _, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if c3.Account.Password != "changed" {
		t.Errorf("password = %q, want changed", c3.Account.Password)
	}
}

func TestLoadMissingFile(t *testing.T) {
	cleanEnv(t)
	_, _, err := Load(filepath.Join(t.TempDir(), "nope", "config.toml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want fs.ErrNotExist", err)
	}
}

func TestLoadDirectory(t *testing.T) {
	cleanEnv(t)
	if _, _, err := Load(t.TempDir()); err == nil || errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want a non-ErrNotExist error", err)
	}
}

func TestLoadInvalidTOML(t *testing.T) {
	const secret = "hunter2SECRET"
	tests := []struct {
		name       string
		file       string
		wantPrefix string // after the path
		wantSub    string
	}{
		{"bare value", "[api]\ntransport = \"json\"\nbatch_size = x\n", ":3:14: ", `expected value but found "x"`},
		{"bad duration", "[api]\ntimeout = \"soon\"\n", ":2:", `invalid duration "soon"`},
		{"type mismatch", "[api]\nbatch_size = \"many\"\n", ":2: ", "api.batch_size"},
		{"table as duration", "[tracker]\npoll_interval = [1]\n", ":2:", "invalid duration"},
		{"bare password", "[account]\npassword = " + secret + "\n", ":2:12: ", "account.password"},
		{"unterminated password", "[account]\npassword = \"" + secret + "\n", ":2:", "hidden"},
		{"bad escape in password", "[account]\npassword = \"" + secret + "\\q\"\n", ":2:", "hidden"},
		{"garbage after password", "[account]\npassword = \"x\" " + secret + "\n", ":2:", "hidden"},
		{"number-like password", "[account]\npassword = 123" + secret + "\n", ":2:", "hidden"},
		{"multiline password", "[account]\npassword = \"\"\"\nline\n" + secret + "\\q\n\"\"\"\n", ":4:", "hidden"},
		{"bare token", "[account]\ntoken = " + secret + "\n", ":2:", "hidden"},
		{"bare smpp password", "[smpp]\npassword = " + secret + "\n", ":2:", "hidden"},
		{"password as number", "[account]\npassword = 5\n", ":2: ", "account.password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			path := writeFile(t, tt.file, 0o600)
			_, _, err := Load(path)
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, path+tt.wantPrefix) {
				t.Errorf("error %q does not start with %q", msg, path+tt.wantPrefix)
			}
			if !strings.Contains(msg, tt.wantSub) {
				t.Errorf("error %q does not contain %q", msg, tt.wantSub)
			}
			if strings.Contains(msg, secret) || strings.Contains(msg, "hunter") {
				t.Errorf("error leaks the secret: %q", msg)
			}
			if strings.Count(msg, "\n") != 0 {
				t.Errorf("error should be one line: %q", msg)
			}
		})
	}
}

func TestLoadWarnings(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		mode  os.FileMode
		want  []string // substrings, one per expected warning
		avoid []string
	}{
		{"clean", "[account]\nlogin = \"a\"\n", 0o600, nil, nil},
		{"owner read-only", "", 0o400, nil, nil},
		{
			"unknown keys", "[account]\nlogn = \"a\"\n[extra]\na = 1\nb = 2\n[api]\nretries = 3\n", 0o600,
			[]string{`unknown key "account.logn"`, `unknown key "extra"`, `unknown key "api.retries"`},
			[]string{"extra.a", "extra.b"},
		},
		{"mode 0644", "", 0o644, []string{"config.toml is readable by others (mode 0644); run chmod 600 "}, nil},
		{"mode 0640", "", 0o640, []string{"readable by others (mode 0640)"}, nil},
		{"mode 0620", "", 0o620, []string{"accessible by others (mode 0620)"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if runtime.GOOS == "windows" && tt.mode != 0o600 {
				t.Skip("no Unix permissions")
			}
			cleanEnv(t)
			path := writeFile(t, tt.file, tt.mode)
			_, warns, err := Load(path)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if len(warns) != len(tt.want) {
				t.Fatalf("warnings = %q, want %d", warns, len(tt.want))
			}
			all := strings.Join(warns, "\n")
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("warnings %q lack %q", warns, w)
				}
			}
			for _, w := range tt.avoid {
				if strings.Contains(all, w) {
					t.Errorf("warnings %q contain %q", warns, w)
				}
			}
			if strings.Contains(tt.name, "mode") && !strings.Contains(all, path) {
				t.Errorf("mode warning %q should name the full path for chmod", all)
			}
		})
	}
}

func TestLoadValidationError(t *testing.T) {
	cleanEnv(t)
	path := writeFile(t, "[account]\npassword = \"pw-VALUE\"\n[api]\ntransport = \"soap\"\nbatch_size = 0\n", 0o600)
	_, _, err := Load(path)
	if err == nil {
		t.Fatal("want error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 problems, got %q", err)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, path+": api.") {
			t.Errorf("line %q should start with path and key", l)
		}
	}
	if strings.Contains(err.Error(), "pw-VALUE") {
		t.Errorf("error leaks the password: %q", err)
	}
}

func nonDefault() *Config {
	c := Default()
	c.Account = Account{
		Login:    "shop",
		Password: `p"a's\s w=rd#[x]` + "\u00e9\u044f\t",
		Token:    "tok-123",
		Sender:   "Shop",
		Senders:  []string{"CMC", "Shop", "Магазин"},
		Agent:    "Анна",
	}
	c.API = API{
		Transport:       "smpp",
		SendPlainURL:    "http://127.0.0.1:8080/api/v1/send_sms/plain",
		StatusPlainURL:  "https://example.by/s?x=1&y=2",
		CreditsPlainURL: "https://example.by/c",
		XMLURL:          "https://example.by/x",
		JSONURL:         "https://example.by/j",
		Timeout:         Duration{1500 * time.Millisecond},
		BatchSize:       10000,
	}
	c.SMPP = SMPP{Address: "[::1]:2775", User: "su", Password: "sp", SystemType: "st", Window: 3, Rate: 50, Latin1Limit: 160}
	c.Tracker.PollInterval = Duration{time.Hour + time.Second}
	c.UI = UI{Lang: "ru", BalanceWarn: 0.25}
	c.Store.Path = "/var/lib/smsdash/h.db"
	return c
}

func TestSaveRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		cfg  func() *Config
	}{
		{"defaults", Default},
		{"non-default", nonDefault},
		{"demo", func() *Config { return Demo("http://127.0.0.1:4567", "127.0.0.1:2775") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			dir := filepath.Join(t.TempDir(), "new", "smsdash")
			path := filepath.Join(dir, "config.toml")
			want := tt.cfg()
			if err := Save(path, want); err != nil {
				t.Fatalf("Save: %v", err)
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if runtime.GOOS != "windows" {
				if m := st.Mode().Perm(); m != 0o600 {
					t.Errorf("file mode = %04o, want 0600", m)
				}
				dst, _ := os.Stat(dir)
				if m := dst.Mode().Perm(); m != 0o700 {
					t.Errorf("dir mode = %04o, want 0700", m)
				}
			}
			raw, _ := os.ReadFile(path)
			if !strings.HasPrefix(string(raw), "# smsdash configuration") {
				t.Errorf("missing header comment:\n%s", raw)
			}
			got, warns, err := Load(path)
			if err != nil {
				t.Fatalf("Load: %v\n%s", err, raw)
			}
			if len(warns) != 0 {
				t.Errorf("warnings: %q", warns)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round trip differs\ngot  %+v\nwant %+v\nfile:\n%s", got, want, raw)
			}
		})
	}
}

func TestSaveReplacesAtomically(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	cleanEnv(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte("[account]\nlogin = \"old\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	c := Default()
	c.Account.Login = "new"
	if err := Save(path, c); err != nil {
		t.Fatal(err)
	}
	got, warns, err := Load(path)
	if err != nil || len(warns) != 0 {
		t.Fatalf("Load: %v %q", err, warns)
	}
	if got.Account.Login != "new" {
		t.Errorf("login = %q", got.Account.Login)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "config.toml" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %q, want only config.toml (no temp files)", names)
	}

	// An invalid config is refused and leaves the file untouched.
	before, _ := os.ReadFile(path)
	c.API.BatchSize = 0
	if err := Save(path, c); err == nil {
		t.Error("Save accepted an invalid config")
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("failed Save changed the file")
	}

	// A failed write (directory not writable) leaves no temp files and the
	// old file intact. Root ignores permissions, so only check as non-root.
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		c.API.BatchSize = 7
		if err := Save(path, c); err == nil {
			t.Error("Save into read-only dir succeeded")
		}
		after, _ := os.ReadFile(path)
		if string(before) != string(after) {
			t.Error("failed Save changed the file")
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("temp files left: %d entries", len(entries))
		}
	}
}

func TestSaveThroughSymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges")
	}
	cleanEnv(t)
	dir := t.TempDir()
	real := filepath.Join(dir, "dotfiles", "smsdash.toml")
	if err := os.MkdirAll(filepath.Dir(real), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(real, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "config.toml")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	c := Default()
	c.Account.Login = "linked"
	if err := Save(link, c); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("symlink replaced: %v", err)
	}
	got, _, err := Load(real)
	if err != nil || got.Account.Login != "linked" {
		t.Fatalf("target not updated: %v", err)
	}
}

func TestValidate(t *testing.T) {
	const pw = "TopSecretPw"
	const tok = "TopSecretTok"
	tests := []struct {
		name   string
		modify func(c *Config)
		want   []string // substrings; each must appear
	}{
		{"valid", func(c *Config) {}, nil},
		{"transport", func(c *Config) { c.API.Transport = "soap" }, []string{`api.transport: "soap" is not one of plain, xml, json, smpp`}},
		{"empty transport", func(c *Config) { c.API.Transport = "" }, []string{`api.transport: "" is not one of`}},
		{"http url", func(c *Config) { c.API.JSONURL = "http://example.by/api/v1/json" }, []string{"api.json_url:", "https"}},
		{"http url with credentials", func(c *Config) { c.API.XMLURL = "http://user:" + pw + "@example.by/x" }, []string{"api.xml_url:", "https"}},
		{"relative url", func(c *Config) { c.API.SendPlainURL = "/api/v1/send" }, []string{"api.send_plain_url:", "absolute"}},
		{"ftp url", func(c *Config) { c.API.StatusPlainURL = "ftp://example.by/x" }, []string{"api.status_plain_url:"}},
		{"no host", func(c *Config) { c.API.CreditsPlainURL = "https:///x" }, []string{"api.credits_plain_url:", "no host"}},
		{"unparsable url", func(c *Config) { c.API.JSONURL = "https://" + pw + ":x@exa mple.by:port/" }, []string{"api.json_url: not a valid URL"}},
		{"empty url", func(c *Config) { c.API.XMLURL = "" }, []string{"api.xml_url: must not be empty"}},
		{"loopback ok", func(c *Config) {
			c.API.JSONURL = "http://127.0.0.2:1/j"
			c.API.XMLURL = "http://LOCALHOST:1/x"
			c.API.SendPlainURL = "http://[::1]/s"
		}, nil},
		{"batch 0", func(c *Config) { c.API.BatchSize = 0 }, []string{"api.batch_size: 0 is out of range 1..10000"}},
		{"batch big", func(c *Config) { c.API.BatchSize = 10001 }, []string{"api.batch_size: 10001"}},
		{"batch bounds ok", func(c *Config) { c.API.BatchSize = 10000 }, nil},
		{"timeout 0", func(c *Config) { c.API.Timeout = Duration{} }, []string{"api.timeout: 0s is below the minimum of 1s"}},
		{"timeout under 1s", func(c *Config) { c.API.Timeout = Duration{999 * time.Millisecond} }, []string{"api.timeout: 999ms is below the minimum of 1s"}},
		{"timeout 1s ok", func(c *Config) { c.API.Timeout = Duration{time.Second} }, nil},
		{"poll too fast", func(c *Config) { c.Tracker.PollInterval = Duration{500 * time.Millisecond} }, []string{"tracker.poll_interval: 500ms is below the minimum of 1s"}},
		{"poll 1s ok", func(c *Config) { c.Tracker.PollInterval = Duration{time.Second} }, nil},
		{"lang", func(c *Config) { c.UI.Lang = "de" }, []string{`ui.lang: "de" is not one of ru, en`}},
		{"balance negative", func(c *Config) { c.UI.BalanceWarn = -1 }, []string{"ui.balance_warn:"}},
		{"sender not listed is allowed", func(c *Config) { c.Account.Sender = "Other" }, nil},
		{"no senders", func(c *Config) { c.Account.Senders = nil }, []string{"account.senders: must list at least one sender"}},
		{"empty sender", func(c *Config) { c.Account.Sender = "" }, []string{"account.sender: must not be empty"}},
		{"smpp without address", func(c *Config) { c.API.Transport = "smpp"; c.SMPP.Address = "" }, []string{"smpp.address: must be set"}},
		{"smpp bad address", func(c *Config) { c.SMPP.Address = "smpp.example.by" }, []string{`smpp.address: "smpp.example.by" is not host:port`}},
		{"smpp bad port", func(c *Config) { c.SMPP.Address = "h:0" }, []string{"smpp.address:", "port"}},
		{"store on loopback", func(c *Config) { c.Store.URL = "postgres://smsdash@127.0.0.1:5432/smsdash?sslmode=disable" }, nil},
		{"store verified", func(c *Config) { c.Store.URL = "postgresql://smsdash@db.office.by/smsdash?sslmode=verify-full" }, nil},
		{"store unverified", func(c *Config) { c.Store.URL = "postgres://smsdash@db.office.by/smsdash?sslmode=require" }, []string{"store.url:", "sslmode=verify-full"}},
		{"store password in url", func(c *Config) { c.Store.URL = "postgres://smsdash:" + pw + "@127.0.0.1/smsdash" }, []string{"store.url:", "store.password or ~/.pgpass"}},
		{"store not postgres", func(c *Config) { c.Store.URL = "mysql://smsdash@127.0.0.1/smsdash" }, []string{"store.url:", "postgres://"}},
		{"store no database", func(c *Config) { c.Store.URL = "postgres://smsdash@127.0.0.1/" }, []string{"store.url:", "no database"}},
		{"store no host", func(c *Config) { c.Store.URL = "postgres:///smsdash" }, []string{"store.url:", "no host"}},
		{"many at once", func(c *Config) {
			c.API.Transport = "soap"
			c.API.BatchSize = -5
			c.UI.Lang = "xx"
		}, []string{"api.transport:", "api.batch_size:", "ui.lang:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cleanEnv(t)
			c := Default()
			c.Account.Password = pw
			c.Account.Token = tok
			c.SMPP.Password = pw
			tt.modify(c)
			err := c.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want %q", tt.want)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if strings.Contains(msg, pw) || strings.Contains(msg, tok) {
				t.Errorf("error leaks a secret: %q", msg)
			}
			// Every line names a key: "section.key: ...".
			for _, l := range strings.Split(msg, "\n") {
				sec, _, ok := strings.Cut(l, ".")
				if !ok || !slices.Contains([]string{"account", "api", "smpp", "tracker", "ui", "store"}, sec) {
					t.Errorf("line %q does not start with a key", l)
				}
			}
			// And each is a Problem with its Russian text.
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var p *Problem
				if !errors.As(e, &p) || p.Text(sms.RU) == p.Text(sms.EN) || !strings.ContainsFunc(p.RU, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
					t.Errorf("%v: no Russian text", e)
				}
			}
		})
	}
}

// StoreTarget is the file, or the URL with store.password put in (for
// store.Open only); the password is a secret to mask.
func TestStoreTarget(t *testing.T) {
	cleanEnv(t)
	c := Default()
	c.Store.Path = "/var/lib/smsdash/history.db"
	if got := c.StoreTarget(); got != c.Store.Path {
		t.Errorf("without a URL: %q", got)
	}
	c.Store.URL = "postgres://smsdash@127.0.0.1:5432/smsdash?sslmode=disable"
	if got := c.StoreTarget(); got != c.Store.URL {
		t.Errorf("with no password: %q", got)
	}
	c.Store.Password = "p@ss/wörd"
	u, err := url.Parse(c.StoreTarget())
	if pw, _ := u.User.Password(); err != nil || pw != c.Store.Password || u.User.Username() != "smsdash" || u.Host != "127.0.0.1:5432" || u.Path != "/smsdash" {
		t.Errorf("with a password: %v %v", u, err)
	}
	if !slices.Contains(c.Secrets(), c.Store.Password) {
		t.Errorf("Secrets() = %q lacks store.password", c.Secrets())
	}
}

func TestDuration(t *testing.T) {
	type doc struct {
		D Duration `toml:"d"`
	}
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{`d = "30s"`, 30 * time.Second, false},
		{`d = 30`, 30 * time.Second, false},
		{`d = "30"`, 30 * time.Second, false},
		{`d = "1m30s"`, 90 * time.Second, false},
		{`d = "1.5h"`, 90 * time.Minute, false},
		{`d = "250ms"`, 250 * time.Millisecond, false},
		{`d = 0`, 0, false},
		{`d = "soon"`, 0, true},
		{`d = 1.5`, 0, true},
		{`d = true`, 0, true},
		{`d = 9223372036854775807`, 0, true},
	}
	for _, tt := range tests {
		var d doc
		_, err := toml.Decode(tt.in, &d)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && d.D.Duration != tt.want {
			t.Errorf("%s: got %v, want %v", tt.in, d.D.Duration, tt.want)
		}
	}

	for _, d := range []time.Duration{0, time.Second, 90 * time.Second, 1500 * time.Millisecond, 49 * time.Hour} {
		text, err := Duration{d}.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Duration
		if err := back.UnmarshalText(text); err != nil || back.Duration != d {
			t.Errorf("MarshalText/UnmarshalText(%v) = %v, %v", d, back.Duration, err)
		}
	}
	out, err := toml.Marshal(doc{Duration{90 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(out)) != `d = "1m30s"` {
		t.Errorf("encoded as %q", out)
	}
}

func TestDemo(t *testing.T) {
	cleanEnv(t)
	c := Demo("http://127.0.0.1:4567/", "127.0.0.1:2775")
	if err := c.Validate(); err != nil {
		t.Fatalf("Demo config invalid: %v", err)
	}
	checks := map[string][2]string{
		"send":    {c.API.SendPlainURL, "http://127.0.0.1:4567/api/v1/send_sms/plain"},
		"status":  {c.API.StatusPlainURL, "http://127.0.0.1:4567/api/v1/statuses/plain"},
		"credits": {c.API.CreditsPlainURL, "http://127.0.0.1:4567/api/v1/credits/plain"},
		"xml":     {c.API.XMLURL, "http://127.0.0.1:4567/api/v1/xml"},
		"json":    {c.API.JSONURL, "http://127.0.0.1:4567/api/v1/json"},
		"login":   {c.Account.Login, "demo"},
		"pass":    {c.Account.Password, "demo"},
		"sender":  {c.Account.Sender, "CMC"},
		"smpp":    {c.SMPP.Address, "127.0.0.1:2775"},
		"su":      {c.SMPP.User, "demo"},
		"sp":      {c.SMPP.Password, "demo"},
	}
	for name, v := range checks {
		if v[0] != v[1] {
			t.Errorf("%s = %q, want %q", name, v[0], v[1])
		}
	}
	if !reflect.DeepEqual(c.Account.Senders, []string{"CMC"}) {
		t.Errorf("senders = %q", c.Account.Senders)
	}
	if err := Demo("http://127.0.0.1:1", "").Validate(); err != nil {
		t.Errorf("Demo without SMPP invalid: %v", err)
	}
}

func TestPaths(t *testing.T) {
	cleanEnv(t)
	home := t.TempDir()
	t.Setenv("HOME", home)

	p, err := DefaultPath()
	if err != nil || p != filepath.Join(home, ".config", "smsdash", "config.toml") {
		t.Errorf("DefaultPath() = %q, %v", p, err)
	}
	t.Setenv("XDG_CONFIG_HOME", "/xdg/config")
	if p, _ := DefaultPath(); p != filepath.Join("/xdg/config", "smsdash", "config.toml") {
		t.Errorf("DefaultPath() with XDG = %q", p)
	}
	t.Setenv("XDG_CONFIG_HOME", "relative/ignored")
	if p, _ := DefaultPath(); p != filepath.Join(home, ".config", "smsdash", "config.toml") {
		t.Errorf("relative XDG_CONFIG_HOME not ignored: %q", p)
	}

	c := Default()
	if p := c.StorePath(); p != filepath.Join(home, ".local", "share", "smsdash", "history.db") {
		t.Errorf("StorePath() = %q", p)
	}
	t.Setenv("XDG_DATA_HOME", "/xdg/data")
	if p := c.StorePath(); p != filepath.Join("/xdg/data", "smsdash", "history.db") {
		t.Errorf("StorePath() with XDG = %q", p)
	}
	c.Store.Path = "/explicit/h.db"
	if p := c.StorePath(); p != "/explicit/h.db" {
		t.Errorf("StorePath() explicit = %q", p)
	}
	c.Store.Path = "~/h.db"
	if p := c.StorePath(); p != filepath.Join(home, "h.db") {
		t.Errorf("StorePath() ~ = %q", p)
	}

	if p, err := DemoDir(); err != nil || p != filepath.Join(home, ".local", "state", "smsdash", "demo") {
		t.Errorf("DemoDir() = %q, %v", p, err)
	}
	if p, err := HostKeyPath(); err != nil || p != filepath.Join(home, ".local", "state", "smsdash", "ssh_host_ed25519_key") {
		t.Errorf("HostKeyPath() = %q, %v", p, err)
	}
	t.Setenv("XDG_STATE_HOME", "/xdg/state")
	if p, _ := DemoDir(); p != filepath.Join("/xdg/state", "smsdash", "demo") {
		t.Errorf("DemoDir() with XDG = %q", p)
	}
	if p, _ := HostKeyPath(); p != filepath.Join("/xdg/state", "smsdash", "ssh_host_ed25519_key") {
		t.Errorf("HostKeyPath() with XDG = %q", p)
	}
	t.Setenv("XDG_STATE_HOME", "relative/ignored")
	if p, _ := DemoDir(); p != filepath.Join(home, ".local", "state", "smsdash", "demo") {
		t.Errorf("relative XDG_STATE_HOME not ignored: %q", p)
	}
}

// keySet returns the dotted keys a TOML document defines.
func keySet(t *testing.T, md toml.MetaData) map[string]bool {
	t.Helper()
	set := map[string]bool{}
	for _, k := range md.Keys() {
		set[k.String()] = true
	}
	return set
}

func TestExampleFile(t *testing.T) {
	cleanEnv(t)
	example := filepath.Join("..", "..", "config.toml.example")
	raw, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	// Load it as a user would (copied, with the mode Save uses).
	c, warns, err := Load(writeFile(t, string(raw), 0o600))
	if err != nil {
		t.Fatalf("Load(example): %v", err)
	}
	if len(warns) != 0 {
		t.Errorf("example warnings: %q", warns)
	}
	// Its values are the defaults.
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("example differs from Default()\ngot  %+v\nwant %+v", c, Default())
	}

	var fromExample Config
	mdExample, err := toml.Decode(string(raw), &fromExample)
	if err != nil {
		t.Fatal(err)
	}
	encoded, err := toml.Marshal(Default())
	if err != nil {
		t.Fatal(err)
	}
	var fromDefault Config
	mdDefault, err := toml.Decode(string(encoded), &fromDefault)
	if err != nil {
		t.Fatal(err)
	}
	exampleKeys, defaultKeys := keySet(t, mdExample), keySet(t, mdDefault)
	for k := range defaultKeys {
		if !exampleKeys[k] {
			t.Errorf("config.toml.example lacks key %s", k)
		}
	}
	for k := range exampleKeys {
		if !defaultKeys[k] {
			t.Errorf("config.toml.example has key %s that Config does not", k)
		}
	}

	text := string(raw)
	for _, s := range []string{"SMSDASH_PASSWORD", "0600", "DEMO"} {
		if !strings.Contains(text, s) {
			t.Errorf("config.toml.example does not mention %s", s)
		}
	}
}

func FuzzLoad(f *testing.F) {
	if raw, err := os.ReadFile(filepath.Join("..", "..", "config.toml.example")); err == nil {
		f.Add(raw)
	}
	f.Add([]byte(""))
	f.Add([]byte("[account]\nlogin = \"a\"\npassword = \"b\"\nsender = \"S\"\nsenders = [\"S\", \"CMC\"]\n"))
	f.Add([]byte("[api]\ntimeout = 5\nbatch_size = 10000\n[tracker]\npoll_interval = \"1h\"\n"))
	f.Add([]byte("[ui]\nbalance_warn = 1e300\nlang = \"ru\"\n[store]\npath = \"\\u0000\\n\"\n"))
	f.Add([]byte("[account]\npassword = hunter2\n"))
	f.Add([]byte("[api]\ntransport = \"soap\"\n"))
	f.Add([]byte("\xef\xbb\xbf[smpp]\naddress = \"[::1]:1\"\nsystem_type = \"\\\"\"\n"))

	cleanEnv(f)
	// Durability is tested elsewhere; fsync would dominate every exec.
	saved := fsync
	fsync = func(*os.File) error { return nil }
	f.Cleanup(func() { fsync = saved })
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "config.toml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		c, _, err := Load(path)
		if err != nil {
			if c != nil {
				t.Fatalf("Load returned a Config with error %v", err)
			}
			return
		}
		out := filepath.Join(dir, "saved.toml")
		if err := Save(out, c); err != nil {
			t.Fatalf("Save of a loaded config: %v", err)
		}
		back, warns, err := Load(out)
		if err != nil {
			raw, _ := os.ReadFile(out)
			t.Fatalf("reload: %v\n%s", err, raw)
		}
		if len(warns) != 0 {
			t.Errorf("reload warnings: %q", warns)
		}
		if !reflect.DeepEqual(back, c) {
			t.Fatalf("round trip differs\ngot  %#v\nwant %#v", back, c)
		}
	})
}
