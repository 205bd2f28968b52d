package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/smsdash/smsdash/sms"
)

// maxFileSize bounds what Load reads: a real config is a few KB, and the
// decoder allocates up to some 400 bytes for each byte of a file nested
// within maxDepth (25 MB for 64 KiB of inline tables 6 deep).
const maxFileSize = 64 << 10

// Load reads the TOML file at path over Default(), so keys missing from the
// file keep their defaults, then applies the SMSDASH_PASSWORD override and
// validates the result.
//
// SMSDASH_PASSWORD, when set and non-empty, replaces account.password only;
// smpp.password always comes from the file.
//
// Warnings (unknown keys, a file readable by others) are returned even when
// err is non-nil. A missing file yields an error for which
// errors.Is(err, fs.ErrNotExist) holds: the caller should run in DEMO mode.
// Syntax errors read "path:line:col: message"; they never quote a secret.
func Load(path string) (*Config, []string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()

	// Stat the open file rather than the path so the mode we check is the
	// mode of the bytes we read.
	st, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	if st.IsDir() {
		return nil, nil, fmt.Errorf("config: %s is a directory, not a config file", path)
	}
	var warnings []string
	if perm := st.Mode().Perm(); perm&0o077 != 0 {
		what := "readable by others"
		if perm&0o044 == 0 {
			what = "accessible by others"
		}
		warnings = append(warnings, fmt.Sprintf("%s is %s (mode %04o); run chmod 600 %s",
			filepath.Base(path), what, perm, shellQuote(path)))
	}

	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, warnings, fmt.Errorf("config: %w", err)
	}
	c, more, err := parse(path, data)
	return c, append(warnings, more...), err
}

// parse is Load without the file: the bytes of the file at path.
func parse(path string, data []byte) (*Config, []string, error) {
	if len(data) > maxFileSize {
		return nil, nil, &sms.Error{
			EN: fmt.Sprintf("%s: larger than %d KiB, the limit for a config file (one needs a few KB); is it really a config file?", path, maxFileSize>>10),
			RU: fmt.Sprintf("%s: больше %d КиБ — предела для файла настроек (ему хватает нескольких КБ); это точно файл настроек?", path, maxFileSize>>10),
		}
	}
	if line := tooDeep(data); line > 0 {
		return nil, nil, &sms.Error{
			EN: fmt.Sprintf("%s:%d: tables, inline tables and arrays nest deeper than %d levels here, the limit for a config file (one needs 2)", path, line, maxDepth),
			RU: fmt.Sprintf("%s:%d: здесь таблицы, встроенные таблицы и массивы вложены глубже %d уровней — предела для файла настроек (ему хватает 2)", path, line, maxDepth),
		}
	}

	c := Default()
	md, err := toml.Decode(string(data), c)
	if err != nil {
		return nil, nil, decodeError(path, data, err)
	}
	warnings := unknownKeys(path, md.Undecoded())

	// An empty agent or lang in the file means "derive from the
	// environment", like an absent key; config.toml.example relies on it.
	c.Resolve()

	if v := os.Getenv(PasswordEnv); v != "" {
		c.filePassword = c.Account.Password
		c.envPassword = v
		c.Account.Password = v
	}

	if err := c.Validate(); err != nil {
		return nil, warnings, prefixErrors(path, err)
	}
	return c, warnings, nil
}

// unknownKeys turns undecoded keys into warnings, reporting an unknown table
// once rather than once per key inside it.
func unknownKeys(path string, keys []toml.Key) []string {
	var out []string
	var reported []string
	for _, k := range keys {
		s := k.String()
		covered := false
		for _, r := range reported {
			if strings.HasPrefix(s, r+".") {
				covered = true
				break
			}
		}
		if covered {
			continue
		}
		reported = append(reported, s)
		out = append(out, fmt.Sprintf("%s: unknown key %q ignored (misspelt or from a newer smsdash?)", path, s))
	}
	return out
}

// prefixErrors prefixes each joined validation error with the file path,
// keeping the individual errors reachable through errors.Is/As.
func prefixErrors(path string, err error) error {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			errs = append(errs, fmt.Errorf("%s: %w", path, e))
		}
		return errors.Join(errs...)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// secretWords mark keys and lines whose content must not be echoed.
var secretWords = []string{"password", "passwd", "token", "secret"}

func looksSecret(s string) bool {
	s = strings.ToLower(s)
	for _, w := range secretWords {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// typeErrRE matches the decoder's non-syntax errors ("toml: line 3 (last key
// "api.batch_size"): incompatible types: ..."); they name types, not values.
var typeErrRE = regexp.MustCompile(`^toml: line (\d+) \(last key "((?:[^"\\]|\\.)*)"\): (?s:(.*))$`)

// decodeError rewrites a TOML error as "path:line:col: message".
//
// The parser's messages can quote the offending input (`expected value but
// found "hunter2" instead`), so when the error is on a line, or after a key,
// that looks like a secret, the message is replaced by a generic one. The
// error's ErrorWithPosition/ErrorWithUsage forms, which print whole input
// lines, are never used.
func decodeError(path string, data []byte, err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if looksSecret(pe.LastKey) || looksSecret(lineAt(data, pe.Position.Line)) {
			msg = "invalid value"
			if pe.LastKey != "" {
				msg += " near " + pe.LastKey
			}
			msg += " (details hidden: the line may contain a secret)"
		}
		switch {
		case pe.Position.Line > 0 && pe.Position.Col > 0:
			return fmt.Errorf("%s:%d:%d: %s", path, pe.Position.Line, pe.Position.Col, msg)
		case pe.Position.Line > 0:
			return fmt.Errorf("%s:%d: %s", path, pe.Position.Line, msg)
		default:
			return fmt.Errorf("%s: %s", path, msg)
		}
	}
	if m := typeErrRE.FindStringSubmatch(err.Error()); m != nil {
		key := m[2]
		if k, uerr := strconv.Unquote(`"` + key + `"`); uerr == nil {
			key = k
		}
		return fmt.Errorf("%s:%s: %s: %s", path, m[1], key, m[3])
	}
	return fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "toml: "))
}

// lineAt returns the 1-based line n of data, or "" if out of range.
func lineAt(data []byte, n int) string {
	if n < 1 {
		return ""
	}
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(data, '\n')
		if j < 0 {
			return ""
		}
		data = data[j+1:]
	}
	if j := bytes.IndexByte(data, '\n'); j >= 0 {
		data = data[:j]
	}
	return string(data)
}

// shellQuote quotes p for the "run chmod" hint only when needed.
func shellQuote(p string) string {
	if p != "" && strings.IndexFunc(p, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '~' ||
			r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return p
	}
	return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
}

// fileHeader starts every file smsdash writes anew (Save, or SaveKeys
// with no file yet); the header says where to look for the keys.
const fileHeader = `# smsdash configuration, written by smsdash.
# See config.toml.example for every key with its default and meaning.
# This file holds credentials and is kept with mode 0600; the account
# password may instead be given in the SMSDASH_PASSWORD environment variable.

`

// fsync is a variable only so the fuzz test, which saves thousands of
// files, can skip the (slow, here irrelevant) flush to disk.
var fsync = (*os.File).Sync

// Save validates c and writes the whole of it to path atomically (see
// writeAtomic); if path is a symlink its target is replaced. SaveKeys is
// the one that keeps a file as its author wrote it.
//
// A password that Load took from SMSDASH_PASSWORD is not written: the file
// keeps the password it had (unless the caller has changed Password since).
// An agent or lang that came from the environment is written "", to go on
// following it.
func Save(path string, c *Config) error {
	if c == nil {
		return errors.New("config: Save: nil Config")
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("config: not saving an invalid configuration: %w", err)
	}
	out := *c
	if c.FromEnv("account.password") {
		out.Account.Password = c.filePassword
	}
	if c.FromEnv("account.agent") {
		out.Account.Agent = ""
	}
	if c.FromEnv("ui.lang") {
		out.UI.Lang = ""
	}

	var buf bytes.Buffer
	buf.WriteString(fileHeader)
	enc := toml.NewEncoder(&buf)
	enc.Indent = ""
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("config: encoding: %w", err)
	}

	return writeAtomic(target(path), buf.Bytes())
}

// target is the file path names: a symlink's target is replaced, not
// the link.
func target(path string) string {
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		return resolved
	}
	return path
}

// writeAtomic replaces the file at path with data atomically: a temporary
// file in the same directory (mode 0600) is written, fsynced and renamed
// over path, then the directory is fsynced. The directory is created with
// mode 0700 if missing.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("config: %w", err)
	}

	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	// CreateTemp already uses 0600; Chmod makes it explicit and independent
	// of how the temp file was created.
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("config: writing %s: %w", tmpName, err)
	}
	if err = fsync(tmp); err != nil {
		return fmt.Errorf("config: syncing %s: %w", tmpName, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("config: closing %s: %w", tmpName, err)
	}
	if err = os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	// The rename is durable only once the directory entry is on disk.
	// Some systems cannot fsync a directory; the file itself is already
	// complete then, so that failure is not reported.
	if d, derr := os.Open(dir); derr == nil {
		_ = fsync(d)
		d.Close()
	}
	return nil
}
