package serve

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode"

	gossh "golang.org/x/crypto/ssh"

	"github.com/smsdash/smsdash/sms"
)

// agent is who a session's key says it is.
type agent struct {
	Name        string // the key's comment, else its fingerprint
	Admin       bool
	Fingerprint string // SHA256:…, for the log
}

// roleAdmin is the option that marks an admin's key, in OpenSSH's own
// syntax (sshd accepts it too, and with PermitUserEnvironment sets the
// variable): environment="SMSDASH_ROLE=admin" ssh-ed25519 AAAA… anna
const roleAdmin = `environment="SMSDASH_ROLE=admin"`

// Bounds of an authorized_keys file: far more than any team's keys.
const (
	maxKeysFile = 1 << 20
	maxName     = 64 // runes of an agent's name
)

// lineErr is a line of the file that was skipped, and why.
type lineErr struct {
	line int
	err  error
}

// parseAuthorizedKeys reads an OpenSSH authorized_keys file line by line:
// a line that does not parse is reported with its number and skipped, so
// that one typo never locks out the agents below it. The first line of a
// key wins, as in sshd.
func parseAuthorizedKeys(data []byte) (map[string]agent, []lineErr) {
	keys := map[string]agent{}
	var bad []lineErr
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		pub, comment, options, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			bad = append(bad, lineErr{i + 1, err})
			continue
		}
		a := agent{Fingerprint: gossh.FingerprintSHA256(pub)}
		for _, o := range options {
			switch {
			case o == roleAdmin:
				a.Admin = true
			case strings.HasPrefix(o, "cert-authority"):
				err = errors.New("cert-authority keys are not taken")
			case strings.HasPrefix(o, `environment="SMSDASH_ROLE=`):
				err = fmt.Errorf("unknown role %s: only %s marks an admin", sms.Safe(o), roleAdmin)
			}
		}
		if err != nil {
			bad = append(bad, lineErr{i + 1, err})
			continue
		}
		a.Name = agentName(comment, a.Fingerprint)
		k := string(pub.Marshal())
		if _, dup := keys[k]; dup {
			bad = append(bad, lineErr{i + 1, errors.New("this key is on an earlier line, which counts")})
			continue
		}
		keys[k] = a
	}
	return keys, bad
}

// agentName is the name recorded with every message an agent sends: the
// key's comment (made safe, bounded), else its fingerprint.
func agentName(comment, fingerprint string) string {
	name := sms.Safe(strings.Join(strings.Fields(comment), " "))
	if r := []rune(name); len(r) > maxName {
		name = string(r[:maxName])
	}
	if name == "" {
		return fingerprint
	}
	return name
}

// keyring is the authorized_keys file, read again whenever it changed.
type keyring struct {
	path string
	log  func(format string, args ...any)
	mu   sync.Mutex
	seen fs.FileInfo // of the version read; nil: none
	keys map[string]agent
}

// find says who a key is, if it is in the file as it is now.
func (k *keyring) find(pub gossh.PublicKey) (agent, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.refresh()
	a, ok := k.keys[string(pub.Marshal())]
	return a, ok
}

// refresh reads the file again if it changed (replaced, resized or
// touched). A file gone or unreadable accepts no key until it is back.
func (k *keyring) refresh() {
	fi, err := os.Stat(k.path)
	if err == nil && k.seen != nil && os.SameFile(fi, k.seen) && fi.ModTime().Equal(k.seen.ModTime()) && fi.Size() == k.seen.Size() {
		return
	}
	var data []byte
	if err == nil {
		data, err = readBounded(k.path, maxKeysFile)
	}
	if err != nil {
		if k.seen != nil || k.keys == nil {
			k.log("authorized keys: %v: no key is accepted until it can be read", err)
		}
		k.seen, k.keys = nil, map[string]agent{}
		return
	}
	keys, bad := parseAuthorizedKeys(data)
	for _, b := range bad {
		k.log("authorized keys: %s:%d: %v: line skipped", k.path, b.line, b.err)
	}
	k.log("authorized keys: %s: %d key(s)", k.path, len(keys))
	k.seen, k.keys = fi, keys
}

// readBounded reads a file of at most limit bytes.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err == nil && int64(len(data)) > limit {
		err = fmt.Errorf("%s: larger than %d bytes: not an authorized_keys file", path, limit)
	}
	return data, err
}

// hostKey reads the server's host key at path, or makes one there (0600,
// in a directory 0700) on first start. A key others may read is refused,
// as sshd refuses it: whoever reads it can pose as this server.
func hostKey(path string) (gossh.Signer, error) {
	data, err := readBounded(path, 64<<10)
	if errors.Is(err, fs.ErrNotExist) {
		data, err = makeHostKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("host key: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("host key %s: others may read it (mode %04o): chmod 600 it", path, fi.Mode().Perm())
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("host key %s: %v", path, err)
	}
	return signer, nil
}

func makeHostKey(path string) ([]byte, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := gossh.MarshalPrivateKey(priv, "smsdash serve")
	if err != nil {
		return nil, err
	}
	data := pem.EncodeToMemory(block)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	// O_EXCL: two servers starting at once keep one key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return readBounded(path, 64<<10)
	}
	if err != nil {
		return nil, err
	}
	_, err = f.Write(data)
	if err := errors.Join(err, f.Close()); err != nil {
		os.Remove(path)
		return nil, err
	}
	return data, nil
}

// folder is the agent's folder under the uploads: its name when that is a
// plain word (letters, digits, - _ . @, not starting with a dot), else a
// hash of its key's fingerprint, since a key's comment may hold anything.
func (a agent) folder() string {
	plain := func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-_.@", r)
	}
	if a.Name != "" && a.Name[0] != '.' && !strings.ContainsFunc(a.Name, func(r rune) bool { return !plain(r) }) {
		return a.Name
	}
	sum := sha256.Sum256([]byte(a.Fingerprint))
	return "key-" + hex.EncodeToString(sum[:8])
}
