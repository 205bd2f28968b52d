package ui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildSmsdash builds the real binary into dir, for the end-to-end tests.
func buildSmsdash(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "smsdash")
	if out, err := exec.Command("go", "build", "-o", bin, "..").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// tmuxServer starts a tmux server of its own (the developer's tmux is
// never touched) with one 100x30 session "e2e" running run, and gives a
// function that runs a tmux command on it. The server ends with the test.
func tmuxServer(t *testing.T, name, run string) func(args ...string) string {
	t.Helper()
	socket := fmt.Sprintf("smsdash-%s-%d", name, os.Getpid())
	tmux := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("tmux", append([]string{"-u", "-L", socket, "-f", "/dev/null"}, args...)...)
		cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	tmux("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", run)
	t.Cleanup(func() { exec.Command("tmux", "-L", socket, "kill-server").Run() })
	return tmux
}
