// Package compose is the Compose tab: one message to one or more
// numbers, checked as it is typed, sent with ctrl+s (never plain enter).
package compose

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/config"
	"github.com/smsdash/smsdash/sms/outbox"
	"github.com/smsdash/smsdash/sms/store"
	"github.com/smsdash/smsdash/ui/common"
	"github.com/smsdash/smsdash/ui/field"
	"github.com/smsdash/smsdash/ui/i18n"
	"github.com/smsdash/smsdash/ui/theme"
)

// The focusable parts of the form, in tab order.
const (
	fTo = iota
	fFrom
	fText
	fAt
	fValid
	fSend
	nFocus
)

const labelW = 12

// Sender is what Compose needs of the core (sms/app.App is one): the
// config now, the transport a send takes, its outbox, and the tracker to
// poke after a send.
type Sender interface {
	Config() *config.Config
	SendTransport(want string, n int) (string, error)
	Outbox(transport, agent string) (outbox.Outbox, error)
	Poke()
}

// History is what Compose reads of the history: the last send's rows.
type History interface {
	Message(ctx context.Context, id int64) (store.Row, error)
}

// Model is the Compose tab.
type Model struct {
	ctx                  *common.Context
	keyset               common.Memo[*i18n.Texts, keys]
	core                 Sender
	hist                 History
	to, text, at, valid  field.Input
	sender               int // index into the configured senders
	focus                int
	w, h                 int
	sending              bool
	results              []result  // of the last send
	sendErr              error     // the last send stopped on this
	via                  string    // the last send took another transport: why
	problem              string    // why ctrl+s did not send
	lastAt               time.Time // the last send was scheduled for then
	recips               []sms.Recipient
	atTime               time.Time
	atErr, validErr      error
	validity             time.Duration
	lastSenders, senders []string
	hits                 common.Hits // the last view's fields and button
}

// result is one recipient of the last send, its status kept fresh by
// the tracker's events.
type result struct {
	number string
	id     int64 // local
	res    sms.Result
	status sms.Status
	at     time.Time // of status: an older word never replaces a newer
}

// sentMsg is the outcome of a send.
type sentMsg struct {
	Numbers []string
	IDs     []int64
	Results []sms.Result
	At      time.Time // scheduled for; zero: at once
	Err     error
}

// rowsMsg is the history's word on the last send's messages, read once
// it is shown: a status that came before the send's reply reached this
// tab is not missed.
type rowsMsg struct{ rows []store.Row }

// New makes the tab.
func New(ctx *common.Context, core Sender, hist History) *Model {
	m := &Model{ctx: ctx, core: core, hist: hist}
	m.text.Multiline = true
	m.to.Separator = ", " // a pasted column or row of numbers
	m.setFocus(fTo)
	m.refresh()
	return m
}

func (m *Model) Init() tea.Cmd { return nil }

func (m *Model) SetSize(w, h int) { m.w, m.h = w, h }

// Capturing: typing goes into a text field.
func (m *Model) Capturing() bool { return m.input() != nil }

// input is the focused text field, if any.
func (m *Model) input() *field.Input {
	switch m.focus {
	case fTo:
		return &m.to
	case fText:
		return &m.text
	case fAt:
		return &m.at
	case fValid:
		return &m.valid
	}
	return nil
}

func (m *Model) setFocus(f int) {
	for _, in := range []*field.Input{&m.to, &m.text, &m.at, &m.valid} {
		in.Blur()
	}
	m.focus = f
	if in := m.input(); in != nil {
		in.Focus()
	}
}

type keys struct {
	next, prev, send, enter, sender, esc, clear key.Binding
}

// keys are made once per language: the help bar asks for them at every
// frame.
func (m *Model) keys() keys { return m.keyset.Get(m.ctx.T, m.newKeys) }

func (m *Model) newKeys() keys {
	t, fk := m.ctx.T, m.ctx.FormKeys()
	return keys{
		next:   fk.Next,
		prev:   fk.Prev,
		send:   key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", t.Send)),
		enter:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", t.Send)),
		sender: key.NewBinding(key.WithKeys("left", "right", " "), key.WithHelp("←/→", t.ChooseSender)),
		esc:    fk.Esc,
		clear:  key.NewBinding(key.WithKeys("ctrl+n"), key.WithHelp("ctrl+n", t.NewMessage)),
	}
}

// ShortHelp lists only the keys that work now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys()
	out := []key.Binding{k.next}
	if !m.sending {
		out = append(out, k.send)
	}
	switch {
	case m.focus == fSend && !m.sending:
		out = append(out, k.enter)
	case m.focus == fFrom && len(m.senders) > 1:
		out = append(out, k.sender)
	}
	if m.Capturing() {
		out = append(out, k.esc)
	}
	return out
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys()
	col := []key.Binding{k.prev}
	if m.to.Value() != "" || m.text.Value() != "" || len(m.results) > 0 {
		col = append(col, k.clear)
	}
	return [][]key.Binding{m.ShortHelp(), col}
}

func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.key(msg)
	case common.Mouse:
		return m.mouse(msg)
	case sentMsg:
		m.sent(msg)
		return tea.Batch(common.Cmd(common.Sent{IDs: msg.IDs}), m.readRows())
	case rowsMsg:
		for _, r := range msg.rows {
			m.setStatus(r.ID, r.Status, r.UpdatedAt)
		}
	case common.Event:
		for _, u := range msg.Updates {
			m.setStatus(u.ID, u.To, u.At)
		}
	case common.ConfigSaved, common.ConfigChanged:
		m.refresh()
	}
	return nil
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k, in := m.keys(), m.input()
	// In the message text, enter and the arrows edit; in a one-line
	// field they move between fields. Enter never sends from a field.
	multiline := in != nil && in.Multiline
	tab := msg.Type == tea.KeyTab || msg.Type == tea.KeyShiftTab
	switch {
	case key.Matches(msg, k.send):
		return m.send()
	case key.Matches(msg, k.clear):
		m.clearDraft()
		m.results, m.sendErr, m.problem, m.via = nil, nil, "", ""
	case key.Matches(msg, k.esc):
		m.setFocus(common.NoFocus)
	case m.focus == fSend && msg.Type == tea.KeyEnter:
		return m.send()
	case m.focus == fFrom && key.Matches(msg, k.sender):
		d := 1
		if msg.Type == tea.KeyLeft {
			d = -1
		}
		m.sender = common.Step(m.sender, d, len(m.senders))
	case multiline && !tab:
		m.edit(in, msg)
	case key.Matches(msg, k.next), in != nil && msg.Type == tea.KeyEnter:
		m.setFocus(common.Step(m.focus, 1, nFocus))
	case key.Matches(msg, k.prev):
		m.setFocus(common.Step(m.focus, -1, nFocus))
	case in != nil:
		m.edit(in, msg)
	}
	return nil
}

// mouse: a click on a field focuses it, on the button presses it, as
// ctrl+s does.
func (m *Model) mouse(ms common.Mouse) tea.Cmd {
	f, ok := m.hits.At(ms)
	if !ms.Click() || !ok {
		return nil
	}
	m.setFocus(f)
	if f == fSend {
		return m.send()
	}
	return nil
}

func (m *Model) edit(in *field.Input, msg tea.KeyMsg) {
	if in.Update(msg) {
		m.problem = ""
		m.refresh()
	}
}

// refresh re-checks the draft: recipients, schedule, validity, senders.
func (m *Model) refresh() {
	m.recips = sms.ParseRecipients(m.to.Value())
	m.atTime, m.atErr = time.Time{}, nil
	if s := strings.TrimSpace(m.at.Value()); s != "" {
		m.atTime, m.atErr = sms.ParseSchedule(s, m.ctx.Now())
	}
	m.validity, m.validErr = 0, nil
	if s := strings.TrimSpace(m.valid.Value()); s != "" {
		if d, err := sms.ParseValidity(s); err != nil {
			m.validErr = fmt.Errorf("%s", m.ctx.T.ValidityRange)
		} else {
			m.validity = d
		}
	}
	acc := m.core.Config().Account
	if !slices.Equal(acc.Senders, m.lastSenders) {
		// The configured senders changed (Settings): start on the default.
		m.lastSenders = slices.Clone(acc.Senders)
		m.senders = m.lastSenders
		if len(m.senders) == 0 {
			m.senders = []string{sms.DefaultSender}
		}
		m.sender = max(slices.Index(m.senders, acc.Sender), 0)
	}
}

// check says what stops the draft from being sent, or "".
func (m *Model) check() string {
	t, l := m.ctx.T, m.ctx.Lang()
	numbers := 0
	for _, r := range m.recips {
		if r.Err != nil {
			return common.ErrText(r.Err, l)
		}
		numbers++
	}
	switch {
	case numbers == 0:
		return t.NoRecipients
	case numbers > maxRecipients:
		return fmt.Sprintf(t.TooManyRecipients, maxRecipients)
	case strings.TrimSpace(m.text.Value()) == "":
		return t.NoText
	case m.atErr != nil:
		return common.ErrText(m.atErr, l)
	case m.validErr != nil:
		return common.ErrText(m.validErr, l)
	}
	if err := sms.ValidateSender(m.senders[m.sender]); err != nil {
		return common.ErrText(err, l)
	}
	if err := sms.CheckText(m.text.Value()); err != nil {
		return common.ErrText(err, l)
	}
	if err := sms.CheckParts(sms.Measure(m.text.Value()).Parts); err != nil {
		return common.ErrText(err, l)
	}
	return ""
}

// maxRecipients: a longer list is a batch, with its report and progress.
const maxRecipients = 100

func (m *Model) send() tea.Cmd {
	if m.sending {
		return nil
	}
	m.refresh()
	if m.atErr == nil && !m.atTime.IsZero() {
		// The +10 min rule is checked again at the moment of sending.
		m.atErr = sms.CheckSchedule(m.atTime, m.ctx.Now())
	}
	if p := m.check(); p != "" {
		m.problem = p
		return nil
	}
	var msgs []sms.Message
	var numbers []string
	for _, r := range m.recips {
		if r.Dup {
			continue
		}
		numbers = append(numbers, r.Number)
		msgs = append(msgs, sms.Message{To: r.Number, Text: m.text.Value(), Sender: m.senders[m.sender], At: m.atTime, Validity: m.validity})
	}
	m.sending, m.problem, m.results, m.sendErr, m.via = true, "", nil, nil, ""
	core, base, at := m.core, m.ctx.Base, m.atTime
	cfg := core.Config()
	via, _ := core.SendTransport("", len(msgs))
	ob, err := core.Outbox(via, m.ctx.Session.AgentIn(cfg))
	if err != nil {
		m.sending, m.sendErr = false, err
		return nil
	}
	if via != cfg.API.Transport { // PLAIN in the config: more than a few go in one package
		m.via = fmt.Sprintf(m.ctx.T.ViaPackage, strings.ToUpper(via), app.PlainMax)
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, 2*time.Minute)
		defer cancel()
		ids, res, err := ob.Send(ctx, 0, msgs)
		core.Poke()
		return sentMsg{Numbers: numbers, IDs: ids, Results: res, At: at, Err: err}
	}
}

// sent shows the outcome; the draft goes only when every message was
// accepted, so a failed send can be fixed and sent again.
func (m *Model) sent(s sentMsg) {
	m.sending, m.sendErr, m.results, m.lastAt = false, s.Err, nil, s.At
	all := s.Err == nil && len(s.Results) == len(s.Numbers)
	for i, n := range s.Numbers {
		if i >= len(s.Results) {
			break
		}
		r := result{number: n, res: s.Results[i]}
		if i < len(s.IDs) {
			r.id = s.IDs[i]
		}
		all = all && r.res.Outcome == sms.Accepted
		m.results = append(m.results, r)
	}
	if all {
		m.clearDraft()
	}
}

// readRows reads the last send's accepted messages from the history.
func (m *Model) readRows() tea.Cmd {
	var ids []int64
	for _, r := range m.results {
		if r.res.Outcome == sms.Accepted {
			ids = append(ids, r.id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	hist, base := m.hist, m.ctx.Base
	return func() tea.Msg {
		var rows []store.Row
		for _, id := range ids { // at most maxRecipients
			if r, err := hist.Message(base, id); err == nil {
				rows = append(rows, r)
			}
		}
		return rowsMsg{rows}
	}
}

// setStatus gives a message of the last send the status it reached at
// at, unless a newer one is already shown.
func (m *Model) setStatus(id int64, st sms.Status, at time.Time) {
	for i := range m.results {
		r := &m.results[i]
		if r.id == id && st != sms.StatusNone && !at.Before(r.at) {
			r.status, r.at = st, at
		}
	}
}

func (m *Model) clearDraft() {
	for _, in := range []*field.Input{&m.to, &m.text, &m.at, &m.valid} {
		in.SetValue("")
	}
	m.setFocus(fTo)
	m.refresh()
}

// minText: the text's rows are those the rest of the form and the last
// send's lines leave, at least these.
const minText = 3

func (m *Model) View() string {
	t, s := m.ctx.T, m.ctx.S
	fw := max(m.w-labelW, 10)
	indent := strings.Repeat(" ", labelW)
	field := func(label string, f int, value string) string { return m.label(label, f) + value }
	notes := func(text string) []string {
		lines := strings.Split(text, "\n")
		for i, l := range lines {
			lines[i] = indent + l
		}
		return lines
	}

	m.hits.Reset()
	m.hits.Mark(0, fTo)
	top := []string{field(t.To, fTo, m.to.View(fw, 1, s))}
	for _, l := range m.recipientLines(fw, 4) {
		top = append(top, indent+l)
	}
	from := sms.Safe(m.senders[m.sender])
	if m.focus == fFrom && len(m.senders) > 1 {
		from = "‹ " + from + " ›"
	}
	m.hits.Mark(len(top), fFrom)
	top = append(top, field(t.From, fFrom, from))

	// The lines below the text go where its height puts them.
	var below common.Hits
	bottom := notes(m.counter(fw))
	// Fixed widths, so the notes beside them stay put while typing.
	below.Mark(len(bottom), fAt)
	bottom = append(bottom, field(t.At, fAt, m.at.View(17, 1, s)))
	at := notes(m.atNote())
	bottom = append(bottom, at...)
	below.Mark(len(bottom), fValid)
	bottom = append(bottom, field(t.Validity, fValid, common.Pad(m.valid.View(4, 1, s), 5)+m.validNote()))
	label := t.SendButton
	if m.sending {
		label = t.Sending
	}
	button := below.Join(len(bottom), common.Part{Text: indent[1:], Target: common.NoHit}, common.Part{Text: s.ButtonView(label, m.focus == fSend), Target: fSend})
	if m.problem != "" {
		button = common.Beside(button, s.Err, m.problem, m.w)
	} else {
		button = common.Beside(button, s.Faint, m.cost(), m.w)
	}
	// The schedule's note has two rows, used or not (the second is a gap
	// below the button): a reason that wraps moves nothing.
	bottom = append(append(bottom, strings.Split(button, "\n")...), make([]string, max(2-len(at), 0))...)

	results := m.resultLines()
	textH := max(m.h-len(top)-len(bottom)-len(results), minText)
	// The text's rows stay while typing it: nothing below moves.
	text := strings.Split(m.text.View(fw, textH, s), "\n")
	for len(text) < textH {
		text = append(text, "")
	}
	for i, l := range text {
		label := ""
		if i == 0 {
			label = t.Text
		}
		m.hits.Mark(len(top)+i, fText)
		text[i] = field(label, fText, l)
	}
	m.hits.Place(below, len(top)+len(text))
	lines := append(append(top, text...), bottom...)
	lines = append(lines, m.fitResults(results, m.h-len(lines))...)
	return common.Fit(strings.Join(lines, "\n"), m.w, m.h)
}

// label draws a field's label; the focused one is marked with › as well
// as colour.
func (m *Model) label(text string, f int) string {
	if text == "" {
		return strings.Repeat(" ", labelW)
	}
	return m.ctx.Label(text, m.focus == f, labelW)
}

// recipientLines: the numbers as they will be sent, then each rejected
// input with its reason.
func (m *Model) recipientLines(width, maxLines int) []string {
	t, s, l := m.ctx.T, m.ctx.S, m.ctx.Lang()
	if len(m.recips) == 0 {
		return []string{s.Faint.Render(t.ToHint)}
	}
	var ok, bad []string
	for _, r := range m.recips {
		switch {
		case r.Err != nil:
			bad = append(bad, "✗ "+common.ErrText(r.Err, l))
		case r.Dup:
			ok = append(ok, r.Number+" "+t.Duplicate)
		default:
			ok = append(ok, r.Number)
		}
	}
	var out []string
	if len(ok) > 0 {
		out = append(out, s.OK.Render("✓ ")+common.Trunc(strings.Join(ok, ", "), width-2))
	}
	for i, reason := range bad {
		lines := strings.Split(common.Wrap(reason, width), "\n")
		room := maxLines - len(out)
		if i < len(bad)-1 {
			room-- // for the "and N more" line
		}
		if len(lines) > room {
			out = append(out, s.Err.Render(fmt.Sprintf(t.MoreRejected, len(bad)-i)))
			break
		}
		for _, line := range lines {
			out = append(out, s.Err.Render(line))
		}
	}
	return out
}

// counter says the text's length as the gateway counts it, in plain
// words: the alphabet and what one SMS of it holds, wrapped to width.
func (m *Model) counter(width int) string {
	t, text := m.ctx.T, m.text.Value()
	l := sms.Measure(text)
	if l.Chars == 0 {
		return m.ctx.S.Faint.Render(t.TextHint)
	}
	alphabet := fmt.Sprintf(t.AlphabetLatin, l.PerPart())
	if l.Encoding == sms.UCS2 {
		alphabet = fmt.Sprintf(t.AlphabetCyrillic, l.PerPart())
		if !strings.ContainsFunc(text, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
			alphabet = fmt.Sprintf(t.AlphabetOther, sms.Safe(string(outsideGSM(text))), l.PerPart())
		}
	}
	return common.Lines(m.ctx.S.Faint, common.Wrap(fmt.Sprintf(t.Counter, t.Chars.N(l.Chars), alphabet, l.Parts, l.Left), width))
}

// outsideGSM is the first character of text that the GSM alphabet lacks:
// the one that makes the text travel as UCS-2.
func outsideGSM(text string) rune {
	for _, r := range text {
		if sms.Measure(string(r)).Encoding == sms.UCS2 {
			return r
		}
	}
	return 0
}

// cost is what the draft takes, in SMS parts: recipients × parts. No
// price a part is known here (the gateway's replies and the balance do
// not say one), so it is counted in SMS, as the gateway charges.
func (m *Model) cost() string {
	n := 0
	for _, r := range m.recips {
		if r.Err == nil && !r.Dup {
			n++
		}
	}
	parts := sms.Measure(m.text.Value()).Parts
	if n == 0 || parts == 0 {
		return ""
	}
	t := m.ctx.T
	return fmt.Sprintf(t.Cost, t.Recipients.N(n), t.Parts.N(parts), n*parts)
}

func (m *Model) atNote() string {
	t, s := m.ctx.T, m.ctx.S
	switch {
	case m.atErr != nil:
		return common.Lines(s.Err, common.Wrap("✗ "+common.ErrText(m.atErr, m.ctx.Lang()), m.w-labelW))
	case m.atTime.IsZero():
		return s.Faint.Render(t.AtHint)
	}
	return s.OK.Render("✓ " + fmt.Sprintf(t.AtOK, common.Minsk(m.atTime, sms.TypedLayout), common.Dur(t, m.atTime.Sub(m.ctx.Now()))))
}

func (m *Model) validNote() string {
	t, s := m.ctx.T, m.ctx.S
	switch {
	case m.validErr != nil:
		return s.Err.Render("✗ " + common.ErrText(m.validErr, m.ctx.Lang()))
	case m.validity == 0:
		return s.Faint.Render(t.ValidityHint)
	}
	return s.OK.Render("✓ " + fmt.Sprintf(t.ValidityOK, sms.ValidityHours(m.validity)))
}

// resultLines: a title that says when the last send goes, then one line
// per recipient.
func (m *Model) resultLines() []string {
	if len(m.results) == 0 && m.sendErr == nil {
		return nil
	}
	t, s, l := m.ctx.T, m.ctx.S, m.ctx.Lang()
	title := t.LastSend
	if !m.lastAt.IsZero() {
		title = fmt.Sprintf(t.LastSendAt, common.Minsk(m.lastAt, sms.TypedLayout))
	}
	out := []string{s.Title.Render(title)}
	if m.sendErr != nil {
		out = append(out, strings.Split(common.Message(s.Err, "✗ "+common.ErrText(m.sendErr, l), m.w), "\n")...)
	}
	if m.via != "" {
		out = append(out, s.Faint.Render(m.via))
	}
	for _, r := range m.results {
		out = append(out, strings.Split(common.Wrap(m.resultLine(r), m.w), "\n")...)
	}
	return out
}

// fitResults cuts the last send's lines to height, the last row saying
// how many recipients did not fit.
func (m *Model) fitResults(lines []string, height int) []string {
	switch {
	case len(lines) <= height:
		return lines
	case height < 2:
		return nil
	}
	hidden := min(len(lines)-height+1, len(m.results))
	return append(lines[:height-1:height-1], m.ctx.S.Faint.Render(fmt.Sprintf(m.ctx.T.MoreResults, hidden)))
}

func (m *Model) resultLine(r result) string {
	t, s, l := m.ctx.T, m.ctx.S, m.ctx.Lang()
	res := r.res
	var mark, detail string
	st, word := s.Err, res.Outcome.Text(l)
	switch res.Outcome {
	case sms.Accepted:
		mark, st, word = theme.Symbol(string(store.StateAccepted)), s.OK, res.Outcome.Text(l)
		if r.status != sms.StatusNone { // the tracker's latest word
			b := r.status.String()
			mark, st, word = theme.Symbol(b), s.Bucket(b), t.Bucket(b)
		}
		detail = fmt.Sprintf(t.AcceptedDetail, res.ID, max(res.Parts, 1), r.id)
	case sms.Refused:
		mark = theme.Symbol(string(store.StateRefused))
		detail = t.Code + " " + common.CodeText(res.Code, l)
		if res.Code == 0 && res.Err != nil { // an SMPP refusal that no HTTP code means
			detail = common.ErrText(res.Err, l)
		}
	default:
		mark = theme.Symbol(string(store.StateUnknown))
		if res.Outcome == sms.NotSent {
			mark = theme.Symbol(string(store.StateNotSent))
		}
		detail = common.ErrText(res.Err, l)
	}
	return st.Render(mark+" "+r.number+"  "+word) + "  " + detail
}
