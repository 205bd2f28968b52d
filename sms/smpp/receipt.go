package smpp

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/smsdash/smsdash/sms"
)

// Receipt is a delivery receipt as the gateway writes it in a deliver_sm
// (SPEC 1.4):
//
//	id:<id> sub:<n> dlvrd:<n> submit date:<YYMMDDhhmm> done date:<YYMMDDhhmm> stat:<STAT> err:<code>
type Receipt struct {
	ID              string
	Sub, Dlvrd      int       // 0 when absent
	Submitted, Done time.Time // Minsk time; zero when absent or unreadable
	Stat            string    // the word as written, upper-cased
	Status          sms.Status
	Err             string
	Text            string // the optional text: field
}

// StatStatus maps a receipt's stat word to the API status (SPEC 1.4):
// DELIVRD, DELIVERY → Delivered; EXPIRED → Expired; UNDELIV → Rejected;
// REJECTED, DELETED → Failed; UNKNOWN → Unknown; ACCEPTD, ENROUTE → Sent.
// The long forms of SMPP 3.4's message states are read as well. Case is
// ignored.
func StatStatus(stat string) (sms.Status, bool) {
	switch strings.ToUpper(strings.TrimSpace(stat)) {
	case "DELIVRD", "DELIVERED", "DELIVERY", "DELIVRED":
		return sms.Delivered, true
	case "EXPIRED":
		return sms.Expired, true
	case "UNDELIV", "UNDELIVERABLE", "UNDELIVERED":
		return sms.Rejected, true
	case "REJECTD", "REJECTED", "DELETED":
		return sms.Failed, true
	case "UNKNOWN":
		return sms.Unknown, true
	case "ACCEPTD", "ACCEPTED", "ENROUTE", "SCHEDULED":
		return sms.Sent, true
	}
	return sms.StatusNone, false
}

// messageState maps the message_state TLV (SMPP 3.4 §5.2.28), used when
// the text has no readable stat.
func messageState(v byte) (sms.Status, string) {
	switch v {
	case 1:
		return sms.Sent, "ENROUTE"
	case 2:
		return sms.Delivered, "DELIVRD"
	case 3:
		return sms.Expired, "EXPIRED"
	case 4:
		return sms.Failed, "DELETED"
	case 5:
		return sms.Rejected, "UNDELIV"
	case 6:
		return sms.Sent, "ACCEPTD"
	case 7:
		return sms.Unknown, "UNKNOWN"
	case 8:
		return sms.Failed, "REJECTD"
	}
	return sms.StatusNone, ""
}

// Receipt parse errors.
var (
	ErrReceiptNoID   = errors.New("receipt without an id")
	ErrReceiptNoStat = errors.New("receipt without a known stat")
)

type receiptKey uint8

const (
	keyID receiptKey = iota
	keySub
	keyDlvrd
	keySubmit
	keyDone
	keyStat
	keyErr
	keyText
	nKeys
)

// keyNames lists each key's spellings, longest first where one is a
// prefix of another.
var keyNames = [nKeys][]string{
	keyID:     {"id"},
	keySub:    {"sub"},
	keyDlvrd:  {"dlvrd"},
	keySubmit: {"submit date", "submit_date", "submitdate", "submit-date"},
	keyDone:   {"done date", "done_date", "donedate", "done-date"},
	keyStat:   {"stat"},
	keyErr:    {"err"},
	keyText:   {"text"},
}

// ParseReceipt reads a receipt's text leniently: keys in any case and
// order, spaces (also several, tabs or new lines) around the colons, the
// date keys with a space, an underscore or nothing inside, an optional
// text: field, fields missing other than id and stat. A value is the
// first word after its colon (words up to the next key are ignored),
// except text:, which runs to the next key, or to the end when it comes
// after id and stat (its words are then not read as keys). Of a key given
// twice the first counts.
func ParseReceipt(s string) (Receipt, error) {
	var val [nKeys]string
	var seen [nKeys]bool
	cur, start := receiptKey(nKeys), 0
	for i := 0; i < len(s); {
		if i > 0 && !isSpace(s[i-1]) {
			i++
			continue
		}
		k, end := matchKey(s, i)
		if k == nKeys {
			i++
			continue
		}
		if cur < nKeys && !seen[cur] {
			val[cur], seen[cur] = strings.TrimSpace(s[start:i]), true
		}
		cur, start = k, end
		i = end
		if k == keyText && seen[keyID] && seen[keyStat] {
			break
		}
	}
	if cur < nKeys && !seen[cur] {
		val[cur], seen[cur] = strings.TrimSpace(s[start:]), true
	}
	for k := range keyText { // every value but the text is one word
		if i := strings.IndexAny(val[k], " \t\r\n,;"); i >= 0 {
			val[k] = val[k][:i]
		}
	}
	r := Receipt{ID: val[keyID], Err: val[keyErr], Text: val[keyText]}
	if r.ID == "" {
		return r, ErrReceiptNoID
	}
	r.Stat = strings.ToUpper(val[keyStat])
	st, ok := StatStatus(r.Stat)
	if !ok {
		return r, ErrReceiptNoStat
	}
	r.Status = st
	r.Sub, _ = strconv.Atoi(val[keySub])
	r.Dlvrd, _ = strconv.Atoi(val[keyDlvrd])
	r.Submitted = receiptDate(val[keySubmit])
	r.Done = receiptDate(val[keyDone])
	return r, nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ';'
}

// matchKey matches a key at s[i:], followed by optional spaces and a
// colon; it returns the key and the index after the colon, or nKeys.
func matchKey(s string, i int) (receiptKey, int) {
	for k := range nKeys {
		for _, name := range keyNames[k] {
			if len(s)-i < len(name) || !strings.EqualFold(s[i:i+len(name)], name) {
				continue
			}
			j := i + len(name)
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
			if j < len(s) && s[j] == ':' {
				return k, j + 1
			}
		}
	}
	return nKeys, 0
}

// receiptDate reads YYMMDDhhmm or YYMMDDhhmmss in Minsk time.
func receiptDate(v string) time.Time {
	layout := ""
	switch len(v) {
	case 10:
		layout = "0601021504"
	case 12:
		layout = "060102150405"
	default:
		return time.Time{}
	}
	t, err := time.ParseInLocation(layout, v, sms.Minsk)
	if err != nil {
		return time.Time{}
	}
	return t
}
