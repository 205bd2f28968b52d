package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
)

type sendOpts struct {
	to, text, sender, api, at, validity string
	wait                                time.Duration
	yes, json                           bool
}

func newSend(e *Env, g *globals) *cobra.Command {
	var o sendOpts
	c := &cobra.Command{
		Use:   "send --to N[,N…] --text T|- [flags]",
		Short: "send an SMS to one or more numbers",
		Long: `Send an SMS to one or more numbers, typed as people type them
(8(029)671-72-59, +375 29 671-72-59, 296717259). A send of more than 10
parts in all asks first (--yes for scripts); one the balance does not
cover offers the first recipients it covers. A message whose outcome is
unknown is never sent again by smsdash: see smsdash settle.`,
		Example: `  smsdash send --to 296717259 --text "Ваш код: 4711"
  smsdash send --to "8(029)671-72-59, +375 33 123-45-00" --text - <text.txt
  smsdash send --to 296717259 --text "Завтра в 10" --at "2026-12-31 09:30"
  smsdash send --to 296717259 --text "Ваш код: 4711" --validity 2 --wait 1m`,
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSend(cmd.Context(), e, g, o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.to, "to", "", "recipient `numbers`, separated by commas or semicolons, in any usual form (+375 29 …, 8(029)…); one given twice is sent once")
	f.StringVar(&o.text, "text", "", "message `text`; - reads it from standard input")
	f.StringVar(&o.sender, "sender", "", "sender `name` (default: the config's sender)")
	f.StringVar(&o.api, "api", "", "`transport`: plain, xml, json or smpp (default: the config's)")
	f.StringVar(&o.at, "at", "", `send later, Minsk `+"`time`"+`: "YYYY-MM-DD HH:MM" (at least 10 minutes ahead)`)
	f.StringVar(&o.validity, "validity", "", "how long the gateway tries to deliver, in `hours` (1-48; default: the gateway's)")
	f.DurationVar(&o.wait, "wait", 0, "wait up to this `duration` for final statuses and print them")
	f.BoolVar(&o.yes, "yes", false, fmt.Sprintf("send without asking when the send is over %d parts or over the balance (needed when standard input is not a terminal)", confirmParts))
	f.BoolVar(&o.json, "json", false, "print JSON for scripts")
	completeWords(c, "api", transports...)
	return c
}

var transports = []string{"plain", "xml", "json", "smpp"}

func runSend(ctx context.Context, e *Env, g *globals, o sendOpts) error {
	msgText, err := readText(o.text, e.Stdin)
	if err != nil {
		return err
	}
	a, err := open(e, g.config)
	if err != nil {
		return err
	}
	defer e.release(a)
	lang := a.Lang()
	if o.sender == "" {
		o.sender = a.Config().Account.Sender
	}
	msgs, err := buildMessages(o.to, msgText, o.sender, o.at, o.validity, time.Now())
	if err != nil {
		return err
	}
	tr, err := a.SendTransport(o.api, len(msgs))
	if err != nil {
		return usageErr("send: --api plain: %s", langText(err, lang))
	}
	if o.api == "" && tr != a.Config().API.Transport {
		e.say("%s: sending through %s, since PLAIN takes at most %d at once", nRecipients.N(len(msgs)), strings.ToUpper(tr), app.PlainMax)
	}
	ob, err := a.Outbox(tr, e.Session.AgentIn(a.Config()))
	if err != nil {
		return cliErr(err)
	}
	only, err := checkCost(ctx, e, a, ob.Gateway, tr, msgs, o.yes)
	if only == 0 || err != nil {
		return err
	}
	ob.Only = only
	ob.Stop = ctx.Done() // the first interrupt: the request in flight gets its reply
	ids, results, err := ob.Send(e.abortCtx(), 0, msgs)
	if err != nil {
		return err // the store failed: what was recorded says the rest
	}
	out := sendOutput{Results: make([]resultJSON, len(msgs))}
	for i, r := range results {
		out.Results[i] = newResultJSON(msgs[i].To, r, lang)
		out.Results[i].Local = ids[i]
	}
	var t tally
	t.results(results)
	if accepted := acceptedIDs(results); o.wait > 0 && len(accepted) > 0 {
		reports, werr := waitFinal(ctx, e, ob.Gateway, accepted, o.wait, a.PollEvery())
		if _, err := a.Store.ApplyStatuses(context.WithoutCancel(ctx), source(ob.Transport), reports); err != nil {
			e.say("recording statuses: %v", err)
		}
		for _, r := range reports {
			out.Statuses = append(out.Statuses, newStatusJSON(r, lang))
		}
		if werr != nil {
			e.say("waiting for statuses: %v", werr)
		}
		t.statuses(accepted, reports)
	}
	if o.json {
		err = writeJSON(e.Stdout, out)
	} else {
		printSend(e.Stdout, e.width(), out, lang)
	}
	if err != nil {
		return err
	}
	return t.err()
}

// confirmParts: a send of more parts than this asks first (or --yes).
const confirmParts = 10

// maxStdin bounds a text read from standard input: far more than the
// longest SMS (sms.MaxParts), so a longer input is a mistake, refused
// rather than cut.
const maxStdin = 1 << 20

// readText gives the text of --text, or of standard input for "-" (line
// ends of Windows made line breaks, the last one dropped), checked as
// every SMS text is.
func readText(text string, stdin io.Reader) (string, error) {
	if text == "-" {
		b, err := io.ReadAll(io.LimitReader(stdin, maxStdin+1))
		if err != nil {
			return "", usageErr("reading the text from standard input: %v", err)
		}
		if len(b) > maxStdin {
			return "", usageErr("--text -: standard input holds more than 1 MiB, far more than one SMS (at most %d parts): nothing was sent", sms.MaxParts)
		}
		text = strings.TrimRight(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	}
	if strings.TrimSpace(text) == "" {
		return "", usageErr("no text (--text \"…\", or --text - to read it from standard input)")
	}
	if err := sms.CheckText(text); err != nil {
		return "", usageErr("--text: %s", err.EN)
	}
	if err := sms.CheckParts(sms.Measure(text).Parts); err != nil {
		return "", usageErr("--text: %s", err.EN)
	}
	return text, nil
}

// readBalance reads the credits before a send (and keeps them in the
// history). A refusal of the account (-2 wrong password, -12 API off, …)
// is the error: a send would be refused the same way. Any other failure
// is said and the send goes on without the figure (known false).
func readBalance(ctx context.Context, e *Env, a *app.App, g sms.Gateway) (credits float64, known bool, err error) {
	bctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	credits, berr := g.Balance(bctx)
	cancel()
	var code sms.Code
	switch {
	case errors.As(berr, &code) && code.AccountWide():
		return 0, false, &exitError{ExitRefused, fmt.Errorf("nothing was sent: reading the balance: %s", code.Explain(a.Lang()))}
	case berr != nil:
		e.say("reading the balance: %v", langText(berr, a.Lang()))
		return 0, false, nil
	}
	if err := a.Store.RecordBalance(ctx, credits, time.Now()); err != nil {
		e.say("recording the balance: %v", err)
	}
	return credits, true, nil
}

// checkCost decides how many of msgs go (0: none). A send the balance
// does not cover offers the first messages it does, since the gateway
// would refuse the rest for good; one of more than confirmParts parts
// asks first. yes answers for a script. The estimate counts a credit a
// part, as import's default --price does.
func checkCost(ctx context.Context, e *Env, a *app.App, g sms.Gateway, tr string, msgs []sms.Message, yes bool) (int, error) {
	parts, covered := 0, len(msgs)
	credits, known, err := readBalance(ctx, e, a, g)
	if err != nil {
		return 0, err
	}
	for i, m := range msgs {
		parts += sms.Measure(m.Text).Parts
		if known && float64(parts) > credits && covered == len(msgs) {
			covered = i
		}
	}
	question := fmt.Sprintf("send %s, %s in all, through %s?", nMessages.N(len(msgs)), nParts.N(parts), strings.ToUpper(tr))
	switch {
	case covered == 0:
		return 0, &exitError{ExitRefused, fmt.Errorf("send: nothing was sent: the balance %s does not cover even the first message; top up first", money(credits))}
	case covered < len(msgs):
		question = fmt.Sprintf("the balance %s does not cover %s: send to the first %d of %s, through %s?", money(credits), nParts.N(parts), covered, nRecipients.N(len(msgs)), strings.ToUpper(tr))
		if yes {
			e.say("%s: yes (--yes)", question)
		}
	case parts <= confirmParts:
		return covered, nil
	}
	if ok, err := confirm(ctx, e, yes, question); !ok || err != nil {
		return 0, err
	}
	return covered, nil
}

// buildMessages checks everything the agent typed and reports every
// problem at once, so that one run fixes them all.
func buildMessages(to, text, sender, at, validity string, now time.Time) ([]sms.Message, error) {
	var problems []string
	var when time.Time
	if at != "" {
		t, err := sms.ParseSchedule(at, now)
		if err != nil {
			problems = append(problems, "--at: "+err.Error())
		}
		when = t
	}
	if err := sms.ValidateSender(sender); err != nil {
		problems = append(problems, "--sender: "+err.Error())
	}
	valid, err := typedValidity(validity)
	if err != nil {
		problems = append(problems, "--validity: "+err.Error())
	}
	var msgs []sms.Message
	for _, r := range sms.ParseRecipients(to) {
		switch {
		case r.Err != nil:
			problems = append(problems, "--to: "+r.Err.Error())
		case !r.Dup:
			msgs = append(msgs, sms.Message{To: r.Number, Text: text, Sender: sender, At: when, Validity: valid})
		}
	}
	if len(msgs) == 0 && len(problems) == 0 {
		problems = append(problems, "--to: no recipient")
	}
	if len(problems) > 0 {
		return nil, &exitError{ExitUsage, errors.New("nothing was sent:\n  " + strings.Join(problems, "\n  "))}
	}
	return msgs, nil
}

// typedValidity reads --validity: empty is the gateway's default.
func typedValidity(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	return sms.ParseValidity(s)
}

// tally counts what became of a send's messages, for the exit code.
type tally struct {
	unknown, notSent, refused int // the send's results
	notDelivered, notFinal    int // their statuses, when waited for or asked
}

func (t *tally) results(results []sms.Result) {
	for _, r := range results {
		switch r.Outcome {
		case sms.OutcomeUnknown:
			t.unknown++
		case sms.NotSent:
			t.notSent++
		case sms.Refused:
			t.refused++
		}
	}
}

// statuses counts the reports on ids: one missing, or not final, is on
// its way still; a final one other than Delivered, or a gateway that
// refuses to tell, is not delivered.
func (t *tally) statuses(ids []int64, reports []sms.StatusReport) {
	final := map[int64]bool{}
	for _, r := range reports {
		switch {
		case r.Code != 0 || r.Status.Final() && r.Status != sms.Delivered:
			t.notDelivered++
		case !r.Status.Final():
			continue
		}
		final[r.ID] = true
	}
	for _, id := range ids {
		if !final[id] {
			t.notFinal++
		}
	}
}

// err is the exit: an unknown outcome or a message not sent outranks a
// refusal, which outranks a message on its way.
func (t tally) err() error {
	switch {
	case t.unknown > 0:
		return &exitError{ExitNetwork, fmt.Errorf("%s before sending again", nUnknown.N(t.unknown))}
	case t.notSent > 0:
		return &exitError{ExitNetwork, fmt.Errorf("%s not sent", nMessages.N(t.notSent))}
	case t.refused > 0:
		return &exitError{ExitRefused, fmt.Errorf("%s refused by the gateway", nMessages.N(t.refused))}
	case t.notDelivered > 0:
		return &exitError{ExitRefused, fmt.Errorf("%s not delivered", nMessages.N(t.notDelivered))}
	case t.notFinal > 0:
		return &exitError{ExitPending, errors.New(sms.PluralEN("%d message not final yet: smsdash status --watch follows it",
			"%d messages not final yet: smsdash status --watch follows them").N(t.notFinal))}
	}
	return nil
}

func acceptedIDs(results []sms.Result) []int64 {
	var ids []int64
	for _, r := range results {
		if r.Outcome == sms.Accepted {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// waitFinal polls until every id has a final status, the time is up or
// ctx ends (an interrupt), and gives the last reports. An error says
// that no answer came at all. On a terminal it shows how many are final
// on stderr, redrawn in place.
func waitFinal(ctx context.Context, e *Env, g sms.Gateway, ids []int64, limit, every time.Duration) ([]sms.StatusReport, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	tty := isTerminal(e.Stderr)
	end := time.Now().Add(limit)
	var last []sms.StatusReport
	var lastErr error
	for {
		reports, err := g.Statuses(ctx, ids)
		if err == nil {
			last = reports
		} else if ctx.Err() == nil {
			lastErr = err
		}
		if err == nil && allFinal(reports) && len(reports) == len(ids) {
			break
		}
		if tty {
			final := 0
			for _, r := range last {
				if r.Status.Final() || r.Code != 0 {
					final++
				}
			}
			fmt.Fprintf(e.Stderr, "\rwaiting for final statuses: %d of %d final, %s left\x1b[K", final, len(ids), time.Until(end).Round(time.Second))
		}
		select {
		case <-ctx.Done():
		case <-time.After(every):
			continue
		}
		break
	}
	if tty {
		fmt.Fprint(e.Stderr, "\r\x1b[K")
	}
	if last == nil && lastErr != nil {
		return nil, lastErr
	}
	return last, nil
}

func allFinal(reports []sms.StatusReport) bool {
	for _, r := range reports {
		if !r.Status.Final() && r.Code == 0 {
			return false
		}
	}
	return true
}

type sendOutput struct {
	Results  []resultJSON `json:"results"`
	Statuses []statusJSON `json:"statuses,omitempty"`
}

type resultJSON struct {
	Local   int64       `json:"local_id"` // the history's id (smsdash history)
	To      string      `json:"to"`
	Outcome sms.Outcome `json:"outcome"`
	ID      int64       `json:"id,omitempty"`
	Parts   int         `json:"parts,omitempty"`
	Code    int         `json:"code,omitempty"`
	Text    string      `json:"text,omitempty"`
	Hint    string      `json:"hint,omitempty"`
}

func newResultJSON(to string, r sms.Result, l sms.Lang) resultJSON {
	out := resultJSON{To: to, Outcome: r.Outcome, ID: r.ID, Parts: r.Parts, Code: int(r.Code)}
	switch {
	case r.Code != 0:
		out.Text, out.Hint = r.Code.Text(l), r.Code.Hint(l)
	case r.Err != nil:
		out.Text = r.Err.Error()
	}
	return out
}

type statusJSON struct {
	ID     int64      `json:"id"`
	Status sms.Status `json:"status,omitempty"`
	Final  bool       `json:"final"`
	Parts  int        `json:"parts,omitempty"`
	Code   int        `json:"code,omitempty"`
	Text   string     `json:"text"`
}

func newStatusJSON(r sms.StatusReport, l sms.Lang) statusJSON {
	out := statusJSON{ID: r.ID, Status: r.Status, Final: r.Status.Final(), Parts: r.Parts, Code: int(r.Code), Text: r.Status.Text(l)}
	if r.Code != 0 {
		out.Text = r.Code.Text(l)
	}
	return out
}

// writeJSON prints v for scripts. encoding/json escapes C0 controls but
// writes C1 controls and bidi overrides raw, which some terminals act on:
// they are escaped too. The JSON means exactly the same.
func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	var out strings.Builder
	for _, r := range string(append(b, '\n')) {
		if r > 0x7e && sms.IsControl(r) {
			fmt.Fprintf(&out, `\u%04x`, r)
		} else {
			out.WriteRune(r)
		}
	}
	_, err = io.WriteString(w, out.String())
	return err
}

func printSend(w io.Writer, width int, out sendOutput, l sms.Lang) {
	t := table{head: []string{"RECIPIENT", "OUTCOME", "ID", "PARTS", "DETAIL"}, flex: 4}
	for _, r := range out.Results {
		detail := r.Text
		if r.Code != 0 {
			detail = fmt.Sprintf("%d %s", r.Code, r.Text)
		}
		if r.Hint != "" {
			detail += " (" + r.Hint + ")"
		}
		t.add("+"+sms.Safe(r.To), r.Outcome.Text(l), optInt(r.ID), optInt(int64(r.Parts)), clip(detail, 500))
	}
	t.write(w, width)
	if len(out.Statuses) > 0 {
		fmt.Fprintln(w)
		printStatuses(w, width, out.Statuses)
	}
}

func printStatuses(w io.Writer, width int, statuses []statusJSON) {
	t := table{head: []string{"ID", "STATUS", "FINAL", "PARTS", "DETAIL"}, flex: 4}
	for _, s := range statuses {
		word := s.Status.String()
		if s.Code != 0 {
			word = fmt.Sprint(s.Code)
		} else if word == "" {
			word = "-"
		}
		final := "no"
		if s.Final {
			final = "yes"
		}
		t.add(strconv.FormatInt(s.ID, 10), word, final, optInt(int64(s.Parts)), clip(s.Text, 500))
	}
	t.write(w, width)
}

func optInt(n int64) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprint(n)
}

// source names where status reports came from, for the history.
func source(transport string) string {
	if transport == "smpp" {
		return "smpp"
	}
	return "http"
}
