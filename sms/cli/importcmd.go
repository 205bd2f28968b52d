package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/batch"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/store"
)

type importFlags struct {
	phoneCol, template, textCol, sender, api, at, sheet, header, delim, name, validity string
	preview, show                                                                      int
	price                                                                              float64
	dry, yes, now, unfinished, json                                                    bool
	resume                                                                             int64
}

func newImport(e *Env, g *globals) *cobra.Command {
	var f importFlags
	c := &cobra.Command{
		Use:   "import FILE [flags] | import --resume BATCH_ID | import --unfinished",
		Short: "check a CSV or XLSX list and send it as a batch",
		Long: `Check a CSV (comma, semicolon or tab; UTF-8 or Windows-1251) or XLSX list
and send it as a batch through JSON or XML packages: every invalid row
with its line and reason, duplicates merged, parts and cost against the
balance, and a preview come first. It asks before sending (--yes for
scripts, --dry-run for the report only). A batch stopped or cut short is
finished with --resume BATCH_ID: only what was never sent goes.`,
		Example: `  smsdash import clients.csv --template "Здравствуйте, {Имя}!" --dry-run
  smsdash import clients.xlsx --sheet Должники --text-column Текст --yes
  smsdash import --unfinished
  smsdash import --resume 7 --yes`,
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"csv", "xlsx"}, cobra.ShellCompDirectiveFilterFileExt
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImport(cmd.Context(), e, g, f, args)
		},
	}
	fs := c.Flags()
	fs.StringVar(&f.phoneCol, "phone-column", "", "the `column` of phone numbers: its header, letter (A, B, …) or number (default: guessed)")
	fs.StringVar(&f.template, "template", "", "message `text` with {column} placeholders filled per row ({{ and }} write braces); - reads it from standard input")
	fs.StringVar(&f.textCol, "text-column", "", "the `column` that holds each row's own text, instead of --template")
	fs.StringVar(&f.sender, "sender", "", "sender `name` (default: the config's sender)")
	fs.StringVar(&f.api, "api", "", "`transport`: json or xml (default: the config's; json when it is plain)")
	fs.StringVar(&f.at, "at", "", `send later, Minsk `+"`time`"+`: "YYYY-MM-DD HH:MM" (at least 10 minutes ahead); with --resume, a new time`)
	fs.StringVar(&f.validity, "validity", "", "how long the gateway tries to deliver, in `hours` (1-48; default: the gateway's)")
	fs.StringVar(&f.sheet, "sheet", "", "XLSX: the `sheet` to read (default: the first)")
	fs.StringVar(&f.header, "header", "auto", "`whether` the first row names the columns: yes, no or auto")
	fs.StringVar(&f.delim, "delimiter", "", "CSV `delimiter`: , ; or tab (default: detected)")
	fs.StringVar(&f.name, "name", "", "the batch's `name` in the history (default: the file's name)")
	fs.Float64Var(&f.price, "price", 1, "`credits` one SMS part costs, for the estimate")
	fs.IntVar(&f.preview, "preview", batch.DefaultPreview, "preview the first `N` messages")
	fs.IntVar(&f.show, "show-invalid", 20, "list at most `N` invalid rows (0: all; --json lists all)")
	fs.BoolVar(&f.dry, "dry-run", false, "check and report only: send nothing")
	fs.BoolVar(&f.yes, "yes", false, "send without asking (needed when standard input is not a terminal)")
	fs.Int64Var(&f.resume, "resume", 0, "send what the interrupted batch `BATCH_ID` left unsent (never what may have been sent)")
	fs.BoolVar(&f.now, "now", false, "with --resume: send at once a batch whose scheduled time has passed")
	fs.BoolVar(&f.unfinished, "unfinished", false, "list the batches with messages not sent, to --resume")
	fs.BoolVar(&f.json, "json", false, "print JSON for scripts")
	completeWords(c, "api", "json", "xml")
	completeWords(c, "header", "yes", "no", "auto")
	completeWords(c, "delimiter", ",", ";", "tab")
	completeBatches(c, e, g, "resume", resumable)
	return c
}

func runImport(ctx context.Context, e *Env, g *globals, f importFlags, pos []string) error {
	cfgPath := g.config
	var err error
	if f.unfinished {
		if len(pos) > 0 || f.resume != 0 {
			return usageErr("import: --unfinished takes no file and no --resume")
		}
		return listUnfinished(ctx, e, cfgPath, f.json)
	}
	if f.resume != 0 {
		if len(pos) > 0 {
			return usageErr("import: --resume takes no file (the batch's messages are in the history)")
		}
		if f.resume < 0 {
			return usageErr("import: --resume: %d is not a batch id", f.resume)
		}
		if f.now && f.at != "" {
			return usageErr("import: give --now or --at, not both")
		}
		return resumeImport(ctx, e, cfgPath, f.json, f)
	}
	if len(pos) == 0 && e.App != nil {
		pos = []string{"-"} // over SSH the list comes on standard input
	}
	switch {
	case len(pos) == 0:
		return usageErr("import: give the FILE to import (CSV or XLSX), or --resume BATCH_ID")
	case pos[0] == "-" && f.template == "-":
		return usageErr("import: standard input holds the list: give --template as text")
	case len(pos) > 1:
		return usageErr("import: one FILE at a time (got %q)", pos)
	case f.template != "" && f.textCol != "":
		return usageErr("import: give --template or --text-column, not both")
	case f.now:
		return usageErr("import: --now goes with --resume")
	case f.price < 0:
		return usageErr("import: --price cannot be negative")
	}
	ropt, err := readOptions(f)
	if err != nil {
		return err
	}
	tmplText := f.template
	if tmplText == "-" {
		if tmplText, err = readText("-", e.Stdin); err != nil {
			return err
		}
	}
	path := pos[0]
	a, err := open(e, cfgPath)
	if err != nil {
		return err
	}
	defer e.release(a)
	lang := a.Lang()
	tr, err := batchTransport(a, f.api)
	if err != nil {
		return err
	}

	t, err := readList(e, path, ropt)
	if err != nil {
		return usageErr("%s", langText(err, lang))
	}
	if len(t.Rows) == 0 {
		return usageErr("%s: nothing to send: the list has a header row (%s) and no rows under it", listName(path), strings.Join(t.Columns, ", "))
	}
	plan, err := makePlan(t, f, tmplText, a, time.Now())
	if err != nil {
		return err
	}
	if plan.Balance, plan.BalanceKnown, err = readBalance(ctx, e, a, a.Gateway()); err != nil {
		if !f.dry {
			return err
		}
		e.say("%v", err)
	}
	rep, err := batch.Check(t, plan)
	if err != nil {
		return usageErr("%s", langText(err, lang))
	}
	name := f.name
	if name == "" {
		name = listName(path)
	}
	var prev *store.Batch
	if b, ok, err := a.Store.SameBatch(ctx, name, len(rep.Messages)); err != nil {
		return err
	} else if ok {
		prev = &b
	}
	cautions := rep.Cautions(prev, a.Config().API.Transport)
	out := newImportJSON(path, t, plan, tmplText, rep, lang)
	for _, c := range cautions {
		out.Cautions = append(out.Cautions, c.Text(lang))
	}
	if !f.json {
		printImport(e.Stdout, e.width(), out, f.show)
	}
	finish := func(err error) error {
		if f.json {
			if werr := writeJSON(e.Stdout, out); werr != nil {
				return werr
			}
		}
		return err
	}
	switch {
	case f.dry:
		return finish(nil)
	case len(rep.Messages) == 0:
		return finish(usageErr("import: nothing to send: no row gave a message"))
	case rep.Covered() == 0:
		return finish(&exitError{ExitRefused, fmt.Errorf("import: nothing was sent: the balance %s does not cover even the first message; top up first",
			money(rep.Balance))})
	}
	// Over the balance only what it covers goes: sending all would have
	// the gateway refuse the rest for good; left not sent, they go with
	// --resume after a top-up.
	only := rep.Covered()
	question := fmt.Sprintf("send %s, %s, cost %s, through %s?", nMessages.N(only), nParts.N(rep.Parts), money(rep.Cost), strings.ToUpper(tr))
	if only < len(rep.Messages) {
		question = fmt.Sprintf("send the first %d of %s, through %s?", only, nMessages.N(len(rep.Messages)), strings.ToUpper(tr))
	}
	if f.yes && batch.NeedsYes(cautions) {
		e.say("%s: yes (--yes), despite the caution above", question)
	}
	if ok, err := confirm(ctx, e, f.yes, question); !ok || err != nil {
		return finish(err)
	}
	sum, err := sendBatch(ctx, e, batch.SendOptions{Name: name, Transport: tr, Only: only, Agent: e.Session.AgentIn(a.Config())},
		func(ctx context.Context, opt batch.SendOptions) (*batch.Summary, error) {
			return batch.Send(ctx, a, a.Store, rep, opt)
		})
	if sum != nil {
		out.Sent = newSentJSON(sum, lang)
		if !f.json {
			printSent(e.Stdout, e.width(), out.Sent)
		}
	}
	if err != nil {
		return finish(sendErr(err, lang))
	}
	return finish(summaryExit(sum, lang))
}

// readList reads the list in the file at path, or on standard input for
// "-" (over SSH, where a file would be the server's).
func readList(e *Env, path string, o batch.ReadOptions) (*batch.Table, error) {
	if path == "-" {
		return batch.ReadStream(listName(path), e.Stdin, o)
	}
	return batch.Read(path, o)
}

// listName names a list in the history and in messages: its file's name.
func listName(path string) string {
	if path == "-" {
		return "standard input"
	}
	return filepath.Base(path)
}

func readOptions(f importFlags) (batch.ReadOptions, error) {
	o := batch.ReadOptions{Sheet: f.sheet}
	switch strings.ToLower(f.header) {
	case "auto", "":
	case "yes", "true", "1", "да":
		o.Header = new(true)
	case "no", "false", "0", "нет":
		o.Header = new(false)
	default:
		return o, usageErr("import: --header: %q is not yes, no or auto", f.header)
	}
	switch d := f.delim; d {
	case "":
	case "tab", `\t`, "\t":
		o.Delimiter = '\t'
	default:
		r, size := utf8.DecodeRuneInString(d)
		if size != len(d) || r == '"' || r == '\n' || r == '\r' {
			return o, usageErr("import: --delimiter: %q is not one character (use , ; or tab)", d)
		}
		o.Delimiter = r
	}
	return o, nil
}

// batchTransport checks --api: batches go as packages, never PLAIN.
func batchTransport(a *app.App, api string) (string, error) {
	switch api {
	case "":
		if t := a.Config().API.Transport; t == config.TransportJSON || t == config.TransportXML {
			return t, nil
		}
		return config.TransportJSON, nil
	case config.TransportJSON, config.TransportXML:
		return api, nil
	case config.TransportPlain:
		return "", usageErr("import: --api plain: %s", langText(app.ErrMassPlain, a.Lang()))
	}
	return "", usageErr("import: --api: %q is not json or xml", api)
}

// makePlan resolves the columns, the template and the schedule.
func makePlan(t *batch.Table, f importFlags, tmplText string, a *app.App, now time.Time) (batch.Plan, error) {
	lang := a.Lang()
	p := batch.Plan{PhoneCol: -1, TextCol: -1, Sender: f.sender, Price: f.price, Preview: f.preview, Now: now}
	if p.Sender == "" {
		p.Sender = a.Config().Account.Sender
	}
	if p.Price == 0 {
		p.Price = 1
	}
	var err error
	if p.Validity, err = typedValidity(f.validity); err != nil {
		return p, usageErr("import: --validity: %s", langText(err, lang))
	}
	if f.phoneCol != "" {
		if p.PhoneCol, err = t.Column(f.phoneCol); err != nil {
			return p, usageErr("import: --phone-column: %s", langText(err, lang))
		}
	} else if p.PhoneCol = batch.GuessPhoneColumn(t); p.PhoneCol < 0 {
		return p, usageErr("import: no column looks like phone numbers: choose one with --phone-column (the columns: %s)", strings.Join(t.Columns, ", "))
	}
	switch {
	case tmplText != "":
		if p.Template, err = batch.ParseTemplate(tmplText, t.Columns); err != nil {
			return p, usageErr("import: --template: %s", langText(err, lang))
		}
	case f.textCol != "":
		if p.TextCol, err = t.Column(f.textCol); err != nil {
			return p, usageErr("import: --text-column: %s", langText(err, lang))
		}
	default:
		if p.TextCol = batch.GuessTextColumn(t); p.TextCol < 0 || p.TextCol == p.PhoneCol {
			return p, usageErr("import: give the text: --template \"Здравствуйте, {%s}!\" with {column} placeholders, or --text-column (the columns: %s)",
				t.Columns[min(1, len(t.Columns)-1)], strings.Join(t.Columns, ", "))
		}
	}
	if f.at != "" {
		if p.At, err = sms.ParseSchedule(f.at, now); err != nil {
			return p, usageErr("import: --at: %s", langText(err, lang))
		}
	}
	return p, nil
}

// confirm asks on a terminal; elsewhere --yes is required. A cancel
// (Ctrl-C) while it waits is a no.
func confirm(ctx context.Context, e *Env, yes bool, question string) (bool, error) {
	if yes {
		if ctx.Err() != nil {
			e.say("cancelled: nothing was sent")
			return false, nil
		}
		return true, nil
	}
	if !isTerminal(e.Stdin) {
		return false, usageErr("nothing was sent: standard input is not a terminal, so nobody can confirm; add --yes to send")
	}
	fmt.Fprintf(e.Stderr, "%s [y/N] ", sms.SafeLines(question))
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(e.Stdin).ReadString('\n')
		answer <- line
	}()
	var line string
	select {
	case line = <-answer:
	case <-ctx.Done():
		fmt.Fprintln(e.Stderr)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes", "д", "да":
		if ctx.Err() == nil {
			return true, nil
		}
	}
	e.say("not confirmed: nothing was sent")
	return false, nil
}

func resumeImport(ctx context.Context, e *Env, cfgPath string, asJSON bool, f importFlags) error {
	a, err := open(e, cfgPath)
	if err != nil {
		return err
	}
	defer e.release(a)
	lang := a.Lang()
	tr := ""
	if f.api != "" {
		if tr, err = batchTransport(a, f.api); err != nil {
			return err
		}
	}
	id := f.resume
	st, err := batch.BatchState(ctx, a.Store, id)
	if err != nil {
		return usageErr("import: --resume: %s", langText(err, lang))
	}
	out := newResumeJSON(st, lang)
	// What the resume will do, computed as for a new send: its cost
	// against the balance, and the cautions.
	credits, known, err := readBalance(ctx, e, a, a.Gateway())
	if err != nil {
		return err
	}
	plan, err := batch.ResumePlan(ctx, a.Store, id, f.price, credits, known)
	if err != nil {
		return err
	}
	out.Batch.Parts, out.Batch.Cost = plan.Parts, plan.Cost
	for _, c := range plan.Cautions(nil, a.Config().API.Transport) {
		out.Cautions = append(out.Cautions, c.Text(lang))
	}
	if !asJSON {
		printResume(e.Stdout, e.width(), out, f.show)
	}
	finish := func(err error) error {
		if asJSON {
			if werr := writeJSON(e.Stdout, out); werr != nil {
				return werr
			}
		}
		return err
	}
	if f.dry || st.NotSent == 0 {
		if st.NotSent == 0 && !asJSON {
			fmt.Fprintln(e.Stdout, "nothing to resume: no message of this batch is waiting to be sent")
		}
		return finish(nil)
	}
	only := plan.Covered()
	if only == 0 {
		return finish(&exitError{ExitRefused, fmt.Errorf("import: nothing was sent: the balance %s does not cover even the first message; top up first", money(credits))})
	}
	opt := batch.ResumeOptions{SendOptions: batch.SendOptions{Transport: tr, Only: only, Agent: e.Session.AgentIn(a.Config())}}
	if f.now || f.at != "" {
		opt.Reschedule = true
		if f.at != "" {
			if opt.At, err = sms.ParseSchedule(f.at, time.Now()); err != nil {
				return finish(usageErr("import: --at: %s", langText(err, lang)))
			}
		}
	}
	notSent := sms.PluralEN("the %d message that was not sent", "the %d messages that were not sent").N(st.NotSent)
	question := fmt.Sprintf("resume batch %d: send %s?", id, notSent)
	if only < st.NotSent {
		question = fmt.Sprintf("resume batch %d: send the first %d of %s?", id, only, notSent)
	}
	if ok, err := confirm(ctx, e, f.yes, question); !ok || err != nil {
		return finish(err)
	}
	sum, err := sendBatch(ctx, e, opt.SendOptions, func(ctx context.Context, so batch.SendOptions) (*batch.Summary, error) {
		opt.SendOptions = so
		return batch.Resume(ctx, a, a.Store, id, opt)
	})
	if sum != nil {
		out.Sent = newSentJSON(sum, lang)
		if !asJSON {
			printSent(e.Stdout, e.width(), out.Sent)
		}
	}
	if err != nil {
		return finish(sendErr(err, lang))
	}
	return finish(summaryExit(sum, lang))
}

func listUnfinished(ctx context.Context, e *Env, cfgPath string, asJSON bool) error {
	a, err := open(e, cfgPath)
	if err != nil {
		return err
	}
	defer e.release(a)
	list, err := batch.Unfinished(ctx, a.Store)
	if err != nil {
		return err
	}
	type item struct {
		ID        int64     `json:"batch_id"`
		Name      string    `json:"name"`
		Created   time.Time `json:"created"`
		Agent     string    `json:"agent"`
		Transport string    `json:"transport"`
		Total     int       `json:"total"`
		NotSent   int       `json:"not_sent"`
		Unknown   int       `json:"unknown"`
	}
	out := make([]item, len(list))
	for i, b := range list {
		out[i] = item{b.ID, b.Name, b.CreatedAt.In(sms.Minsk), b.Agent, b.Transport, b.Total, b.NotSent, b.Unknown}
	}
	if asJSON {
		return writeJSON(e.Stdout, struct {
			Batches []item `json:"batches"`
		}{out})
	}
	if len(out) == 0 {
		fmt.Fprintln(e.Stdout, "(no batch has messages waiting to be sent)")
		return nil
	}
	t := table{head: []string{"BATCH", "CREATED (MINSK)", "NAME", "MESSAGES", "NOT SENT", "UNKNOWN"}, flex: 2}
	for _, b := range out {
		t.add(strconv.FormatInt(b.ID, 10), b.Created.Format(sms.TypedLayout), clip(b.Name, 60), strconv.Itoa(b.Total), strconv.Itoa(b.NotSent), strconv.Itoa(b.Unknown))
	}
	t.write(e.Stdout, e.width())
	para(e.Stdout, e.width(), "", "smsdash import --resume BATCH sends what was not sent; unknown ones may have reached the gateway and are left to you")
	return nil
}

// sendErr maps an error of batch.Send or Resume to an exit code: a
// domain error (a refused transport, a schedule) is usage; the history
// failing is 3.
func sendErr(err error, lang sms.Lang) error {
	var se *sms.Error
	if errors.As(err, &se) {
		return usageErr("import: %s", se.Text(lang))
	}
	return err
}

// summaryExit: an unknown outcome or a message not sent outranks a
// refusal, as for send.
func summaryExit(s *batch.Summary, lang sms.Lang) error {
	resume := fmt.Sprintf("smsdash import --resume %d", s.BatchID)
	// notSent's second argument is the reason, in brackets, or nothing.
	notSent := sms.PluralEN("%d message not sent%s; %s sends it", "%d messages not sent%s; %s sends them")
	switch {
	case s.Unknown > 0:
		return &exitError{ExitNetwork, fmt.Errorf("%s (smsdash history --status unknown) before sending again; %d not sent (%s sends those)", nUnknown.N(s.Unknown), s.NotSent, resume)}
	case s.Cancelled:
		return &exitError{ExitNetwork, errors.New("cancelled: " + notSent.N(s.NotSent, "", resume))}
	case s.NotSent > 0:
		return &exitError{ExitNetwork, errors.New(notSent.N(s.NotSent, " ("+langText(s.Err, lang)+")", resume))}
	case s.Refused > 0:
		return &exitError{ExitRefused, fmt.Errorf("%s refused by the gateway", nMessages.N(s.Refused))}
	}
	return nil
}

// langText gives an error in the agent's language (sms.ErrText).
func langText(err error, lang sms.Lang) string { return sms.ErrText(err, lang) }

func money(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// The JSON report (--json), also what the text report prints.
type importJSON struct {
	File          string          `json:"file"`
	Format        string          `json:"format"`
	Encoding      string          `json:"encoding,omitempty"`
	Delimiter     string          `json:"delimiter,omitempty"`
	Sheet         string          `json:"sheet,omitempty"`
	Header        bool            `json:"header"`
	Columns       []string        `json:"columns"`
	PhoneColumn   string          `json:"phone_column"`
	TextColumn    string          `json:"text_column,omitempty"`
	Template      string          `json:"template,omitempty"`
	Sender        string          `json:"sender"`
	At            string          `json:"at,omitempty"` // Minsk time
	ValidityHours int             `json:"validity_hours,omitempty"`
	Rows          int             `json:"rows"`
	Messages      int             `json:"messages"`
	Parts         int             `json:"parts"`
	MaxParts      int             `json:"max_parts"`
	UCS2          int             `json:"ucs2_messages"`
	Price         float64         `json:"price"`
	Cost          float64         `json:"cost"`
	Balance       *float64        `json:"balance,omitempty"`
	Cautions      []string        `json:"cautions,omitempty"` // what to see before it goes
	Enough        bool            `json:"enough"`
	Duplicates    int             `json:"duplicates"`
	DupLines      []dupJSON       `json:"duplicate_lines,omitempty"`
	SharedNumbers int             `json:"shared_numbers"`
	Invalid       []problemJSON   `json:"invalid"`
	Warnings      []problemJSON   `json:"warnings,omitempty"`
	Preview       []previewJSON   `json:"preview"`
	Sent          *sentJSON       `json:"sent,omitempty"`
	Batch         *batchStateJSON `json:"batch,omitempty"`
}

type dupJSON struct {
	Line int    `json:"line"`
	Of   int    `json:"of"`
	To   string `json:"to"`
}

type problemJSON struct {
	Line   int    `json:"line"`
	Column string `json:"column,omitempty"`
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"`
}

type previewJSON struct {
	Line  int    `json:"line"`
	To    string `json:"to"`
	Parts int    `json:"parts"`
	Text  string `json:"text"`
}

type sentJSON struct {
	BatchID   int64          `json:"batch_id"`
	Transport string         `json:"transport"`
	Total     int            `json:"total"`
	Accepted  int            `json:"accepted"`
	Refused   int            `json:"refused"`
	NotSent   int            `json:"not_sent"`
	Unknown   int            `json:"unknown"`
	Parts     int            `json:"parts"`
	Codes     map[string]int `json:"codes,omitempty"` // refusals by gateway code
	Error     string         `json:"error,omitempty"`
	Cancelled bool           `json:"cancelled"`
	Seconds   float64        `json:"seconds"`
	Rate      float64        `json:"messages_per_second"`
}

type batchStateJSON struct {
	ID        int64          `json:"id"`
	Name      string         `json:"name"`
	Created   time.Time      `json:"created"`
	Transport string         `json:"transport"`
	Total     int            `json:"total"`
	Counts    map[string]int `json:"counts"`
	NotSent   int            `json:"not_sent"`
	Parts     int            `json:"parts"` // of the messages not sent
	Cost      float64        `json:"cost"`  // of those, at --price a part
	Unknown   []historyJSON  `json:"unknown"`
}

func newImportJSON(path string, t *batch.Table, p batch.Plan, tmpl string, r *batch.Report, lang sms.Lang) *importJSON {
	out := &importJSON{
		File: path, Format: t.Format, Encoding: t.Encoding, Delimiter: t.Delimiter, Sheet: t.Sheet, Header: t.Header,
		Columns: t.Columns, PhoneColumn: t.Columns[p.PhoneCol], Template: tmpl, Sender: p.Sender,
		ValidityHours: sms.ValidityHours(p.Validity),
		Rows:          r.Rows, Messages: len(r.Messages), Parts: r.Parts, MaxParts: r.MaxParts, UCS2: r.UCS2,
		Price: r.Price, Cost: r.Cost, Enough: r.Enough, Duplicates: r.Duplicates, SharedNumbers: r.SharedNumbers,
		Invalid: make([]problemJSON, len(r.Invalid)), Preview: make([]previewJSON, len(r.Preview)),
	}
	if p.TextCol >= 0 {
		out.TextColumn = t.Columns[p.TextCol]
	}
	if !p.At.IsZero() {
		out.At = p.At.In(sms.Minsk).Format(sms.TypedLayout)
	}
	if r.BalanceKnown {
		b := r.Balance
		out.Balance = &b
	}
	for _, d := range r.DuplicateLines {
		out.DupLines = append(out.DupLines, dupJSON{d.Line, d.Of, d.To})
	}
	for i, pr := range r.Invalid {
		out.Invalid[i] = problemJSON{Line: pr.Line, Column: pr.Column, Value: pr.Value, Reason: pr.Err.Text(lang)}
	}
	for _, pr := range r.Warnings {
		out.Warnings = append(out.Warnings, problemJSON{Line: pr.Line, Column: pr.Column, Reason: pr.Err.Text(lang)})
	}
	for i, m := range r.Preview {
		out.Preview[i] = previewJSON{Line: m.Line, To: m.To, Parts: m.Parts, Text: m.Text}
	}
	return out
}

func newSentJSON(s *batch.Summary, lang sms.Lang) *sentJSON {
	out := &sentJSON{BatchID: s.BatchID, Transport: s.Transport, Total: s.Total, Accepted: s.Accepted, Refused: s.Refused,
		NotSent: s.NotSent, Unknown: s.Unknown, Parts: s.Parts, Cancelled: s.Cancelled, Seconds: s.Elapsed.Seconds()}
	if s.Elapsed > 0 {
		out.Rate = float64(s.Total) / s.Elapsed.Seconds()
	}
	for c, n := range s.Codes {
		if out.Codes == nil {
			out.Codes = map[string]int{}
		}
		out.Codes[strconv.Itoa(int(c))+" "+c.Text(lang)] = n
	}
	if s.Err != nil {
		out.Error = langText(s.Err, lang)
	}
	return out
}

func newResumeJSON(st *batch.State, lang sms.Lang) *importJSON {
	b := &batchStateJSON{ID: st.ID, Name: st.Name, Created: st.CreatedAt.In(sms.Minsk), Transport: st.Transport,
		Total: st.Total, Counts: st.Counts, NotSent: st.NotSent, Unknown: make([]historyJSON, len(st.Unknown))}
	for i, r := range st.Unknown {
		b.Unknown[i] = newHistoryJSON(r)
	}
	return &importJSON{Batch: b, Invalid: []problemJSON{}, Preview: []previewJSON{}}
}

// printImport writes the report: a paragraph a line, wrapped at word
// boundaries within width.
func printImport(w io.Writer, width int, r *importJSON, show int) {
	src := strings.ToUpper(r.Format)
	if r.Format == "csv" {
		d := r.Delimiter
		if d != "tab" {
			d = strconv.Quote(d)
		}
		src += ", " + r.Encoding + ", delimiter " + d
	} else {
		src += ", sheet " + strconv.Quote(r.Sheet)
	}
	head := "no header row"
	if r.Header {
		head = "header row"
	}
	cols := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		cols[i] = clip(c, 40)
	}
	para(w, width, "", fmt.Sprintf("%s: %s, %s; columns: %s", sms.Safe(r.File), src, head, strings.Join(cols, ", ")))
	textSrc := "text from column " + strconv.Quote(r.TextColumn)
	if r.Template != "" {
		textSrc = "template " + strconv.Quote(clip(r.Template, 60))
	}
	line := fmt.Sprintf("phone column %q; %s; sender %s", r.PhoneColumn, textSrc, sms.Safe(r.Sender))
	if r.At != "" {
		line += fmt.Sprintf("; scheduled %s Minsk time", r.At)
	}
	if r.ValidityHours > 0 {
		line += fmt.Sprintf("; validity %d h", r.ValidityHours)
	}
	para(w, width, "", sms.Safe(line))
	line = fmt.Sprintf("%s: %s to send, %d invalid, %s merged", sms.PluralEN("%d row", "%d rows").N(r.Rows), nMessages.N(r.Messages), len(r.Invalid),
		sms.PluralEN("%d duplicate", "%d duplicates").N(r.Duplicates))
	if r.SharedNumbers > 0 {
		line += ", " + sms.PluralEN("%d number gets more than one text", "%d numbers get more than one text").N(r.SharedNumbers)
	}
	para(w, width, "", line)
	line = fmt.Sprintf("%s (longest message %s; %s in UCS-2), cost %s at %s a part", nParts.N(r.Parts), nParts.N(r.MaxParts), nMessages.N(r.UCS2), money(r.Cost), money(r.Price))
	switch {
	case r.Balance == nil:
		line += "; balance unknown"
	case r.Enough:
		line += fmt.Sprintf("; balance %s: enough", money(*r.Balance))
	default:
		line += fmt.Sprintf("; balance %s: NOT ENOUGH, %s short", money(*r.Balance), money(r.Cost-*r.Balance))
	}
	para(w, width, "", line)
	for _, c := range r.Cautions {
		para(w, width, "", "caution: "+sms.Safe(c))
	}
	printProblems(w, width, "invalid rows (not sent)", r.Invalid, show)
	printProblems(w, width, "warnings (sent)", r.Warnings, show)
	if len(r.Preview) > 0 {
		fmt.Fprintln(w, "\npreview:")
		t := table{indent: "  ", head: []string{"LINE", "TO", "PARTS", "TEXT"}, flex: 3}
		for _, p := range r.Preview {
			t.add(strconv.Itoa(p.Line), "+"+sms.Safe(p.To), strconv.Itoa(p.Parts), clip(p.Text, 200))
		}
		t.write(w, width)
	}
}

func printProblems(w io.Writer, width int, title string, list []problemJSON, show int) {
	if len(list) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s: %d\n", title, len(list))
	n := len(list)
	if show > 0 {
		n = min(n, show)
	}
	for _, p := range list[:n] {
		para(w, width, "  ", fmt.Sprintf("line %d: %s", p.Line, sms.Safe(p.Reason)))
	}
	if n < len(list) {
		fmt.Fprintf(w, "  … and %d more (--show-invalid 0 lists all; --json gives all)\n", len(list)-n)
	}
}

func printSent(w io.Writer, width int, s *sentJSON) {
	fmt.Fprintln(w)
	para(w, width, "", fmt.Sprintf("batch %d through %s: %d accepted, %d refused, %d not sent, %d outcome unknown; %s; %.1f s, %.0f messages/s",
		s.BatchID, strings.ToUpper(s.Transport), s.Accepted, s.Refused, s.NotSent, s.Unknown, nParts.N(s.Parts), s.Seconds, s.Rate))
	for _, c := range slices.Sorted(maps.Keys(s.Codes)) {
		para(w, width, "  ", fmt.Sprintf("refused %s: %d", sms.Safe(c), s.Codes[c]))
	}
	if s.Accepted > 0 {
		para(w, width, "", "their statuses: smsdash status --watch, or the dashboard's Status tab")
	}
}

func printResume(w io.Writer, width int, r *importJSON, show int) {
	b := r.Batch
	para(w, width, "", sms.Safe(fmt.Sprintf("batch %d %q, created %s (Minsk) through %s, %s", b.ID, b.Name, b.Created.Format(sms.TypedLayout), strings.ToUpper(b.Transport), nMessages.N(b.Total))))
	keys := make([]string, 0, len(b.Counts))
	for k, n := range b.Counts {
		if n > 0 {
			keys = append(keys, fmt.Sprintf("%s %d", k, n))
		}
	}
	slices.Sort(keys)
	para(w, width, "", "now: "+strings.Join(keys, ", "))
	para(w, width, "", fmt.Sprintf("not sent (resume sends them): %d, %s, cost %s", b.NotSent, nParts.N(b.Parts), money(b.Cost)))
	for _, c := range r.Cautions {
		para(w, width, "", "caution: "+sms.Safe(c))
	}
	if len(b.Unknown) > 0 {
		fmt.Fprintln(w)
		para(w, width, "", fmt.Sprintf("outcome unknown: %d: they may have reached the gateway, so resume leaves them alone; check them before sending again", len(b.Unknown)))
		n := len(b.Unknown)
		if show > 0 {
			n = min(n, show)
		}
		for _, u := range b.Unknown[:n] {
			para(w, width, "  ", fmt.Sprintf("#%d +%s %s", u.Local, sms.Safe(u.To), clip(u.Text, 50)))
		}
		if n < len(b.Unknown) {
			fmt.Fprintf(w, "  … and %d more (smsdash history --status unknown)\n", len(b.Unknown)-n)
		}
	}
}

// progressBar draws the send's progress on stderr: a bar redrawn in
// place on a terminal, a line every tenth otherwise.
type progressBar struct {
	w     io.Writer
	tty   bool
	last  time.Time
	tenth int
	drawn bool
}

func newProgressBar(w io.Writer, tty bool) *progressBar { return &progressBar{w: w, tty: tty} }

func (b *progressBar) update(p batch.Progress) {
	if p.Total == 0 {
		return
	}
	pct := p.Percent()
	if !b.tty {
		if t := pct / 10; t > b.tenth || p.Done == p.Total {
			b.tenth = t
			fmt.Fprintf(b.w, "smsdash: %d of %d done (%d%%), %d accepted, %.0f messages/s\n", p.Done, p.Total, pct, p.Accepted, p.Rate)
			if p.Done == p.Total {
				b.tenth = 11
			}
		}
		return
	}
	if time.Since(b.last) < 100*time.Millisecond && p.Done < p.Total {
		return
	}
	b.last = time.Now()
	left := ""
	if l := p.Left(); l > 0 {
		left = ", " + l.Round(time.Second).String() + " left"
	}
	fmt.Fprintf(b.w, "\r%s %d/%d, %d accepted, %.0f msg/s%s\x1b[K", p.Bar(30), p.Done, p.Total, p.Accepted, p.Rate, left)
	b.drawn = true
}

func (b *progressBar) done() {
	if b.tty && b.drawn {
		fmt.Fprintln(b.w)
		b.drawn = false
	}
}
