package cli

import (
	"errors"
	"testing"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/batch"
)

// The exits count in English: one message and its pronoun for one,
// messages and theirs for more; nothing says "message(s)".
func TestExitPlurals(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{tally{unknown: 1}.err(), "1 message with unknown outcome: it may have been sent; check it before sending again"},
		{tally{unknown: 2}.err(), "2 messages with unknown outcome: they may have been sent; check them before sending again"},
		{tally{notSent: 1}.err(), "1 message not sent"},
		{tally{refused: 3}.err(), "3 messages refused by the gateway"},
		{tally{notDelivered: 1}.err(), "1 message not delivered"},
		{tally{notFinal: 1}.err(), "1 message not final yet: smsdash status --watch follows it"},
		{tally{notFinal: 21}.err(), "21 messages not final yet: smsdash status --watch follows them"},
		{summaryExit(&batch.Summary{BatchID: 7, Unknown: 1, NotSent: 2}, sms.EN),
			"1 message with unknown outcome: it may have been sent; check it (smsdash history --status unknown) before sending again; 2 not sent (smsdash import --resume 7 sends those)"},
		{summaryExit(&batch.Summary{BatchID: 7, NotSent: 1, Cancelled: true}, sms.EN), "cancelled: 1 message not sent; smsdash import --resume 7 sends it"},
		{summaryExit(&batch.Summary{BatchID: 7, NotSent: 2, Cancelled: true}, sms.EN), "cancelled: 2 messages not sent; smsdash import --resume 7 sends them"},
		{summaryExit(&batch.Summary{BatchID: 7, NotSent: 1, Err: errors.New("no route")}, sms.EN), "1 message not sent (no route); smsdash import --resume 7 sends it"},
		{summaryExit(&batch.Summary{BatchID: 7, Refused: 1}, sms.EN), "1 message refused by the gateway"},
	} {
		if c.err == nil || c.err.Error() != c.want {
			t.Errorf("got %v\nwant %s", c.err, c.want)
		}
	}
}
