package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smsdash/smsdash/sms/config"
)

// Two simulators configured in one folder keep their histories apart,
// and --state keeps the account in the file given.
func TestSimWriteConfig(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // each writes its config, then stops at once
	stores := map[string]bool{}
	for _, name := range []string{"a.toml", "b.toml"} {
		var out, errb bytes.Buffer
		state := filepath.Join(dir, name+".world")
		args := []string{"sim", "--http", "127.0.0.1:0", "--write-config", filepath.Join(dir, name), "--state", state}
		if code := Run(ctx, &Env{Args: args, Stdout: &out, Stderr: &errb}); code != ExitOK {
			t.Fatalf("%v: exit %d %s", args, code, errb.String())
		}
		cfg, _, err := config.Load(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		p := cfg.StorePath()
		if filepath.Dir(p) != dir || !strings.HasPrefix(filepath.Base(p), strings.TrimSuffix(name, ".toml")) {
			t.Errorf("%s: history at %s, want it beside and named after the config", name, p)
		}
		stores[p] = true
		if fi, err := os.Stat(state); err != nil || fi.Size() == 0 {
			t.Errorf("--state %s: %v", state, err)
		}
	}
	if len(stores) != 2 {
		t.Errorf("two configs in one folder share a history: %v", stores)
	}
}
