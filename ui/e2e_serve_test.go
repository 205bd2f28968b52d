package ui

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestEndToEndServeTmux drives smsdash serve with the real OpenSSH
// client under tmux: the binary serves DEMO mode on loopback with a key
// made by ssh-keygen; in tmux, ssh -tt opens the dashboard, a message is
// typed into Compose and sent, and its line shows it accepted; ctrl+c
// quits; the history (over ssh too) records it under the key's comment,
// and the server's log names the session. SIGTERM then stops the server.
func TestEndToEndServeTmux(t *testing.T) {
	for _, tool := range []string{"tmux", "ssh", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed; .ci/run installs it (apt-get install -y tmux openssh-client)", tool)
		}
	}
	dir := t.TempDir()
	bin := buildSmsdash(t, dir)
	key := filepath.Join(dir, "agent_key")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tmux-agent", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	keys := filepath.Join(dir, "authorized_keys")
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keys, pub, 0o600); err != nil {
		t.Fatal(err)
	}

	// The server: DEMO mode in directories of its own, on a free port.
	srv := exec.Command(bin, "serve", "--listen", "127.0.0.1:0", "--host-key", filepath.Join(dir, "host_key"), "--authorized-keys", keys)
	srv.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LANG=C.UTF-8"}
	for _, k := range []string{"XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"} {
		srv.Env = append(srv.Env, k+"="+filepath.Join(dir, k))
	}
	logs := &syncBuffer{}
	srv.Stdout, srv.Stderr = logs, logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	t.Cleanup(func() { srv.Process.Kill() })
	// waitLog waits for the server's log to match re, and gives the match.
	waitLog := func(re string) []string {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if m := regexp.MustCompile(re).FindStringSubmatch(logs.String()); m != nil {
				return m
			}
			if time.Now().After(deadline) {
				t.Fatalf("the server never logged %s:\n%s", re, logs.String())
			}
		}
	}
	port := waitLog(`listening on 127\.0\.0\.1:(\d+)`)[1]
	sshOpts := []string{"-F", "/dev/null", "-p", port, "-i", key, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10"}

	// If ssh exits, the pane stays to show how.
	run := strings.Join(quoteAll(append(append([]string{"ssh", "-tt"}, sshOpts...), "127.0.0.1")), " ") + "; echo ssh exited: $?; sleep 600"
	tmux := tmuxServer(t, "e2e-serve", "env TERM=xterm-256color "+run)

	screen := ""
	waitFor := func(re string) {
		t.Helper()
		for range 60 { // 15 s at most
			screen = tmux("capture-pane", "-p", "-t", "e2e")
			if regexp.MustCompile(re).MatchString(screen) {
				return
			}
			time.Sleep(250 * time.Millisecond)
		}
		t.Fatalf("the screen never showed %s:\nscreen:\n%s\nserver log:\n%s", re, screen, logs.String())
	}
	waitFor(`\[1 Compose\]`)
	tmux("send-keys", "-t", "e2e", "-l", "8(029)671-72-59")
	tmux("send-keys", "-t", "e2e", "Tab", "Tab")
	tmux("send-keys", "-t", "e2e", "-l", "Привет по SSH из tmux")
	waitFor("Привет по SSH из tmux")
	tmux("send-keys", "-t", "e2e", "C-s")
	// The last send's line: accepted (later its statuses follow).
	waitFor(`375296717259 +(accepted|Queued|Sent|Delivered)`)
	tmux("send-keys", "-t", "e2e", "C-c")
	waitFor("ssh exited: 0")

	// Over ssh too, the history records the message under the key's name.
	out, err := exec.Command("ssh", append(sshOpts, "127.0.0.1", "history", "--json")...).Output()
	if err != nil {
		t.Fatalf("ssh history --json: %v\n%s", err, logs.String())
	}
	var h struct {
		Messages []struct{ Agent, Text string }
	}
	if err := json.Unmarshal(out, &h); err != nil {
		t.Fatalf("history --json: %v\n%s", err, out)
	}
	if len(h.Messages) != 1 || h.Messages[0].Agent != "tmux-agent" || h.Messages[0].Text != "Привет по SSH из tmux" {
		t.Errorf("the history over ssh: %+v, want the one message by tmux-agent", h.Messages)
	}
	waitLog(`session 1: tmux-agent \(agent, SHA256:[^)]+\) from 127\.0\.0\.1:\d+: dashboard`)
	waitLog(`session 2: tmux-agent .*: command history`)

	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("the server after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("the server did not stop on SIGTERM:\n%s", logs.String())
	}
	waitLog(`stopping: sessions are told`)
}
