package serve

import (
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

func TestParseAuthorizedKeys(t *testing.T) {
	anna, bob, carol := newSigner(t), newSigner(t), newSigner(t)
	line := func(s gossh.Signer) string {
		return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey())))
	}
	file := strings.Join([]string{
		"# the support team",
		`environment="SMSDASH_ROLE=admin" ` + line(anna) + " Anna Petrova",
		"ssh-ed25519 AAAAnot-base64 broken",
		line(bob),
		`environment="SMSDASH_ROLE=root" ` + line(carol) + " carol",
		line(anna) + " anna again",
		"",
	}, "\n")
	keys, bad := parseAuthorizedKeys([]byte(file))
	a, ok := keys[string(anna.PublicKey().Marshal())]
	if !ok || a.Name != "Anna Petrova" || !a.Admin {
		t.Errorf("anna: %+v, %v", a, ok)
	}
	b, ok := keys[string(bob.PublicKey().Marshal())]
	if fp := gossh.FingerprintSHA256(bob.PublicKey()); !ok || b.Name != fp || b.Admin {
		t.Errorf("bob, without a comment: %+v, want the name %s, no admin", b, fp)
	}
	if _, ok := keys[string(carol.PublicKey().Marshal())]; ok {
		t.Error("a line with an unknown role was taken")
	}
	var lines []int
	for _, e := range bad {
		lines = append(lines, e.line)
	}
	if len(lines) != 3 || lines[0] != 3 || lines[1] != 5 || lines[2] != 6 {
		t.Errorf("bad lines %v, want 3 (unparsable), 5 (unknown role), 6 (a key again)", bad)
	}
}

func TestAgentName(t *testing.T) {
	for _, c := range []struct{ comment, want string }{
		{"anna", "anna"},
		{"  Anna \t Petrova ", "Anna Petrova"},
		{"", "SHA256:x"},
		{"\x1b[31m", "␛[31m"}, // a control shown, not run
		{strings.Repeat("я", 100), strings.Repeat("я", maxName)},
	} {
		if got := agentName(c.comment, "SHA256:x"); got != c.want {
			t.Errorf("agentName(%q) = %q, want %q", c.comment, got, c.want)
		}
	}
}

// The parser of an outside file never panics, and whatever it takes has a
// bounded, safe name.
func FuzzParseAuthorizedKeys(f *testing.F) {
	s := newSigner(f)
	f.Add([]byte(`environment="SMSDASH_ROLE=admin" ` + string(gossh.MarshalAuthorizedKey(s.PublicKey()))))
	f.Add([]byte("ssh-ed25519 AAAA\n#x\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, bad := parseAuthorizedKeys(data)
		for _, a := range keys {
			if a.Name == "" || len([]rune(a.Name)) > max(maxName, len(a.Fingerprint)) || strings.ContainsAny(a.Name, "\x1b\r\n") {
				t.Errorf("name %q", a.Name)
			}
		}
		for _, e := range bad {
			if e.line < 1 || e.err == nil {
				t.Errorf("bad line %+v", e)
			}
		}
	})
}
