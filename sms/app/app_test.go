package app

import (
	"context"
	"testing"

	"github.com/smsdash/smsdash/sms"
)

// A view sends under its agent, shares the core, and leaves it open.
func TestAs(t *testing.T) {
	demoEnv(t)
	a := openDemo(t)
	defer a.Close()
	local := a.Config.Account.Agent
	v := a.As("anna", RoleAdmin)
	if v.Config.Account.Agent != "anna" || v.Outbox.Agent != "anna" || v.Role != RoleAdmin {
		t.Errorf("the view: agent %q, outbox %q, role %q", v.Config.Account.Agent, v.Outbox.Agent, v.Role)
	}
	if a.Config.Account.Agent != local || a.Outbox.Agent != local || a.Role != "" {
		t.Errorf("the core changed: agent %q, outbox %q, role %q", a.Config.Account.Agent, a.Outbox.Agent, a.Role)
	}
	v.Config.Account.Senders[0] = "Changed"
	if a.Config.Account.Senders[0] == "Changed" {
		t.Error("the view's senders are the core's")
	}
	if v.Store != a.Store || v.Tracker != a.Tracker || v.Hub != a.Hub {
		t.Error("the view has a core of its own")
	}
	ctx := context.Background()
	ids, res, err := v.Outbox.Send(ctx, 0, []sms.Message{{To: "375296717259", Text: "hi", Sender: "CMC"}})
	if err != nil || len(res) != 1 || res[0].Outcome != sms.Accepted {
		t.Fatalf("send: %+v %v", res, err)
	}
	v.Close() // nothing: the core is a's
	m, err := a.Store.Message(ctx, ids[0])
	if err != nil || m.Agent != "anna" {
		t.Errorf("after the view's Close, the message: %+v %v", m, err)
	}
}
