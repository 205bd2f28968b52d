package version

import (
	"os"
	"runtime"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	i := Info{Version: "v1.2.0", Commit: "0123abcd", Modified: true, Go: "go1.26.8"}
	want := "smsdash v1.2.0 (commit 0123abcd, modified) go1.26.8 " + runtime.GOOS + "/" + runtime.GOARCH
	if got := i.String(); got != want {
		t.Errorf("%q, want %q", got, want)
	}
	i.Commit = ""
	if got := i.String(); strings.Contains(got, "commit") || !strings.HasPrefix(got, "smsdash v1.2.0 go1.26.8") {
		t.Errorf("without a commit: %q", got)
	}
	if g := Get(); g.Version == "" || g.Go != runtime.Version() {
		t.Errorf("Get: %+v", g)
	}
}

func TestReport(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	path, err := Report("boom", "goroutine 1")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, Get().String()) || !strings.Contains(s, "panic: boom\n\ngoroutine 1") {
		t.Errorf("report:\n%s", s)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
}
