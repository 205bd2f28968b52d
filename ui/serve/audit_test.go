package serve

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
)

// The session log: a send, a batch, a mark-sent and a settings save made on the core
// are written with their agent, counts, transport and batch; a session's
// end with its length. No text, number or setting's value is written.
func TestSessionLog(t *testing.T) {
	f := start(t, nil).run(t)
	if out, errOut, code := f.exec(t, "", `send --to 296717259 --text "Секретный код 4711"`, f.bob); code != 0 {
		t.Fatalf("send: exit %d\n%s\n%s", code, out, errOut)
	}
	list := "Телефон;Имя\n296717259;Анна\n331234567;Борис\n"
	if out, errOut, code := f.exec(t, list, `import --template "Здравствуйте, {Имя}!" --yes`, f.anna); code != 0 {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errOut)
	}
	// A send whose reply was lost, as the outbox records it: bob marks it
	// sent.
	ctx, st := context.Background(), f.s.core.Store
	lost, err := st.AddQueued(ctx, 0, "bob", "json", []sms.Message{{To: "375291234567", Text: "Ответ потерян", Sender: "CMC"}})
	if err == nil {
		_, err = st.MarkPending(ctx, lost)
	}
	if err == nil {
		err = st.RecordResults(ctx, lost, []sms.Result{{Outcome: sms.OutcomeUnknown}})
	}
	if err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := f.exec(t, "", fmt.Sprintf("settle %d --mark-sent --yes", lost[0]), f.bob); code != 0 {
		t.Fatalf("settle: exit %d\n%s\n%s", code, out, errOut)
	}
	c := *f.s.core.Config()
	c.Account.Login, c.Account.Password = "acme-login", "typed-s3cret"
	keys := []string{"account.login", "account.password"}
	if _, _, _, err := f.s.core.SaveConfig(app.Session{Agent: "bob"}, &c, keys); err != app.ErrNotAdmin {
		t.Fatalf("bob's save: %v", err)
	}
	if _, _, _, err := f.s.core.SaveConfig(app.Session{Agent: "anna", Admin: true}, &c, keys); err != nil {
		t.Fatalf("anna's save: %v", err)
	}
	// The sessions' ends are written as they close, after their exit.
	ended := regexp.MustCompile(`session \d+: anna: ended after \d+s`)
	for deadline := time.Now().Add(wait); !ended.MatchString(f.logs.String()); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no session end in the log:\n%s", f.logs.String())
		}
	}
	log := f.logs.String()
	for _, want := range []string{
		`send: bob: 1 message via \w+: 1 accepted\n`,
		`send: anna: 2 messages via json, batch \d+: 2 accepted\n`,
		`settings: bob: not saved \(account.login, account.password\): only an administrator may change the settings`,
		`settings: anna: saved account.login, account.password\n`,
		`mark sent: bob: 1 of 1 message\n`,
		`session \d+: bob \(agent, SHA256:\S+\) from 127.0.0.1:\d+: command send\n`,
	} {
		if !regexp.MustCompile(want).MatchString(log) {
			t.Errorf("no %s in the log:\n%s", want, log)
		}
	}
	for _, never := range []string{"Секретный", "4711", "296717259", "331234567", "Здравствуйте", "Анна", "acme-login", "typed-s3cret", "291234567", "потерян"} {
		if strings.Contains(log, never) {
			t.Errorf("%q is in the log:\n%s", never, log)
		}
	}
}
