package cli

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/batch"
)

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// upload is for sessions of smsdash serve; one over the limit is refused
// and leaves nothing in the folder.
func TestUploadBounds(t *testing.T) {
	if r := cli(t, "x", "upload", "clients.csv"); r.code != ExitUsage || !strings.Contains(r.stderr, "for sessions of smsdash serve") {
		t.Errorf("local upload: exit %d, %q", r.code, r.stderr)
	}
	dir := filepath.Join(t.TempDir(), "bob")
	var out, errb strings.Builder
	e := &Env{Args: []string{"upload", "big.csv"}, Stdin: io.LimitReader(zeros{}, batch.DefaultMaxBytes+1),
		Stdout: &out, Stderr: &errb, App: &app.App{}, Session: app.Session{Agent: "bob", Files: dir}}
	if code := Run(t.Context(), e); code != ExitUsage || !strings.Contains(errb.String(), "more than 100 MB came") {
		t.Errorf("over the limit: exit %d, %q", code, errb.String())
	}
	if left, err := os.ReadDir(dir); err != nil || len(left) != 0 {
		t.Errorf("the folder holds %v (%v), want nothing", left, err)
	}
}
