package cli

import (
	"testing"
	"time"
)

// --to follows sms.ParseRecipients, as Compose does: semicolons and line
// breaks separate too, and a number given twice is sent once.
func TestSendToList(t *testing.T) {
	msgs, err := buildMessages("291112233; 8(029)111-22-33\n+375 33 123-45-00", "x", "CMC", "", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].To != "375291112233" || msgs[1].To != "375331234500" {
		t.Errorf("messages: %+v", msgs)
	}
}
