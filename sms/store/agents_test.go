package store

import (
	"slices"
	"testing"

	"github.com/smsdash/smsdash/sms"
)

// The filter by agent keeps the messages the agent recorded, with the
// other filters and in pages; Agents lists the agents once each, in order,
// a resend's agent with them.
func TestFilterAgent(t *testing.T) {
	s, batch := searchFixture(t) // ids 1..40, all "ann"
	for i := 41; i <= 46; i++ {
		agent := "bob"
		if i%2 == 0 {
			agent = ""
		}
		if _, err := addPending(s, ctx, 0, agent, "json", []sms.Message{{To: "375296700001", Text: "от другого", Sender: "CMC"}}); err != nil {
			t.Fatal(err)
		}
	}
	if got := ids(t, s, Filter{Agent: "bob"}); !slices.Equal(got, []int64{45, 43, 41}) {
		t.Errorf("bob's = %v", got)
	}
	if got := ids(t, s, Filter{Agent: "ann", BatchID: batch, Status: "Delivered"}); len(got) != 0 {
		t.Errorf("ann's delivered in the batch (the batch's are even, sent) = %v", got)
	}
	if got := ids(t, s, Filter{Agent: "ann", Status: "Delivered", BeforeID: 10, Limit: 2}); !slices.Equal(got, []int64{9, 7}) {
		t.Errorf("ann's delivered before 10, a page of 2 = %v", got)
	}
	if got := ids(t, s, Filter{Agent: "an"}); len(got) != 0 {
		t.Errorf("an agent is matched whole: %v", got)
	}
	c, err := s.CountsFor(ctx, Filter{Agent: "ann"})
	if err != nil || c["Delivered"] != 20 || c["Sent"] != 20 || len(c) != 2 {
		t.Errorf("ann's counts = %v, %v", c, err)
	}
	if err := s.RecordResults(ctx, []int64{41}, []sms.Result{{Outcome: sms.NotSent}}); err != nil {
		t.Fatal(err)
	}
	if again, _, err := s.Resend(ctx, "Вера", "json", []int64{41}); err != nil || len(again) != 1 {
		t.Fatalf("Resend = %v, %v", again, err)
	}
	agents, err := s.Agents(ctx)
	if err != nil || !slices.Equal(agents, []string{"", "ann", "bob", "Вера"}) {
		t.Errorf("Agents = %q, %v", agents, err)
	}
}

func TestAgentsEmpty(t *testing.T) {
	agents, err := openTest(t).Agents(ctx)
	if err != nil || len(agents) != 0 {
		t.Errorf("Agents of an empty history = %q, %v", agents, err)
	}
}
