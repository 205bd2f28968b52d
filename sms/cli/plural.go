package cli

import "github.com/smsdash/smsdash/sms"

// The counted words of the CLI's output, which is English: "1 message",
// "2 messages". A sentence whose verb or pronoun follows the count is a
// Plural of its own where it is said.
var (
	nMessages   = sms.PluralEN("%d message", "%d messages")
	nParts      = sms.PluralEN("%d part", "%d parts")
	nRecipients = sms.PluralEN("%d recipient", "%d recipients")
	// nUnknown starts the error of a send that left outcomes unknown.
	nUnknown = sms.PluralEN("%d message with unknown outcome: it may have been sent; check it",
		"%d messages with unknown outcome: they may have been sent; check them")
)
