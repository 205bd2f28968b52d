// Package version tells which build of smsdash runs, from what the Go
// toolchain records in the binary: the module's version and the commit it
// was built from. `smsdash --version` prints it, and every crash report
// (the dashboard's and the command line's) starts with it: Report is the
// one writer of those reports.
package version

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"time"
)

// Info is what the build recorded.
type Info struct {
	Version  string // the module's version: a tag, a pseudo-version, or (devel)
	Commit   string // vcs.revision; empty when built outside a checkout
	Modified bool   // vcs.modified: built from a tree with uncommitted changes
	Go       string // the toolchain
}

// Get reads the build info.
func Get() Info {
	i := Info{Version: "(devel)", Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return i
	}
	if v := bi.Main.Version; v != "" {
		i.Version = v
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			i.Commit = s.Value
		case "vcs.modified":
			i.Modified = s.Value == "true"
		}
	}
	return i
}

// String is one line: "smsdash v1.2.0 (commit 0123abcd…, modified) go1.26.8 linux/amd64".
func (i Info) String() string {
	s := "smsdash " + i.Version
	if i.Commit != "" {
		s += " (commit " + i.Commit
		if i.Modified {
			s += ", modified"
		}
		s += ")"
	}
	return s + " " + i.Go + " " + runtime.GOOS + "/" + runtime.GOARCH
}

// Report writes a crash report (0600) in the user's cache directory and
// returns its path: the build, the time, the panic and the stack. The
// caller has masked the secrets in both.
func Report(panicText, stack string) (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "smsdash")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	now := time.Now()
	text := fmt.Sprintf("smsdash crashed at %s\n%s\n\npanic: %s\n\n%s", now.Format(time.RFC3339), Get(), panicText, stack)
	path := filepath.Join(dir, "panic-"+now.Format("20060102-150405.000")+".txt")
	return path, os.WriteFile(path, []byte(text), 0o600)
}
