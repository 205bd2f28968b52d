// Package compose is the Compose tab: one message to one or more
// numbers, checked as it is typed, sent with ctrl+s (never plain enter).
package compose

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/smsdash/smsdash/sms"
	"github.com/smsdash/smsdash/sms/app"
	"github.com/smsdash/smsdash/sms/store"
	"github.com/smsdash/smsdash/ui/common"
	"github.com/smsdash/smsdash/ui/field"
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

// Model is the Compose tab.
type Model struct {
	ctx                  *common.Context
	to, text, at, valid  field.Input
	sender               int // index into the configured senders
	focus                int
	w, h                 int
	sending              bool
	results              []result // of the last send
	sendErr              error    // the last send stopped on this
	via                  string   // the last send took another transport: why
	problem              string   // why ctrl+s did not send
	recips               []recipient
	atTime               time.Time
	atErr, validErr      error
	validity             time.Duration
	lastSenders, senders []string
}

type recipient struct {
	typed, number string
	err           error
	dup           bool // the same number typed twice: sent once
}

type result struct {
	number string
	id     int64
	res    sms.Result
}

// sentMsg is the outcome of a send.
type sentMsg struct {
	Numbers []string
	IDs     []int64
	Results []sms.Result
	Err     error
}

// New makes the tab.
func New(ctx *common.Context) *Model {
	m := &Model{ctx: ctx}
	m.text.Multiline = true
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

func (m *Model) keys() keys {
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
	case sentMsg:
		m.sent(msg)
		return common.Cmd(common.Sent{IDs: msg.IDs})
	case common.ConfigSaved:
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

func (m *Model) edit(in *field.Input, msg tea.KeyMsg) {
	if in.Update(msg) {
		m.problem = ""
		m.refresh()
	}
}

// refresh re-checks the draft: recipients, schedule, validity, senders.
func (m *Model) refresh() {
	m.recips = parseRecipients(m.to.Value())
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
	acc := m.ctx.App.Config.Account
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

// parseRecipients splits on commas, semicolons and line breaks (a number
// itself may hold spaces: "+375 29 671-72-59").
func parseRecipients(s string) []recipient {
	var out []recipient
	seen := map[string]bool{}
	for _, typed := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		typed = strings.TrimSpace(typed)
		if typed == "" {
			continue
		}
		n, err := sms.NormalizePhone(typed)
		r := recipient{typed: typed, number: n, err: err, dup: err == nil && seen[n]}
		seen[n] = seen[n] || err == nil
		out = append(out, r)
	}
	return out
}

// check says what stops the draft from being sent, or "".
func (m *Model) check() string {
	t, l := m.ctx.T, m.ctx.Lang()
	numbers := 0
	for _, r := range m.recips {
		if r.err != nil {
			return common.ErrText(r.err, l)
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
		if r.dup {
			continue
		}
		numbers = append(numbers, r.number)
		msgs = append(msgs, sms.Message{To: r.number, Text: m.text.Value(), Sender: m.senders[m.sender], At: m.atTime, Validity: m.validity})
	}
	m.sending, m.problem, m.results, m.sendErr, m.via = true, "", nil, nil, ""
	// Read on this goroutine: Settings may replace them later.
	a := m.ctx.App
	ob, tr, base := a.Outbox, a.Tracker, m.ctx.Base
	if via, _ := a.SendTransport("", len(msgs)); via != ob.Transport {
		// PLAIN in the config: more than a few go in one package.
		g, err := a.Transport(via)
		if err != nil {
			m.sending, m.sendErr = false, err
			return nil
		}
		pkg := a.NewOutbox(g, via)
		ob, m.via = &pkg, fmt.Sprintf(m.ctx.T.ViaPackage, strings.ToUpper(via), app.PlainMax)
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(base, 2*time.Minute)
		defer cancel()
		ids, res, err := ob.Send(ctx, 0, msgs)
		tr.Poke()
		return sentMsg{Numbers: numbers, IDs: ids, Results: res, Err: err}
	}
}

// sent shows the outcome; the draft goes only when every message was
// accepted, so a failed send can be fixed and sent again.
func (m *Model) sent(s sentMsg) {
	m.sending, m.sendErr, m.results = false, s.Err, nil
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

func (m *Model) clearDraft() {
	for _, in := range []*field.Input{&m.to, &m.text, &m.at, &m.valid} {
		in.SetValue("")
	}
	m.setFocus(fTo)
	m.refresh()
}

func (m *Model) View() string {
	t, s := m.ctx.T, m.ctx.S
	fw := max(m.w-labelW, 10)
	var b strings.Builder
	line := func(label string, f int, value string) {
		b.WriteString(m.label(label, f))
		b.WriteString(value)
		b.WriteByte('\n')
	}
	indent := strings.Repeat(" ", labelW)
	note := func(text string) {
		for _, l := range strings.Split(text, "\n") {
			b.WriteString(indent + l + "\n")
		}
	}

	line(t.To, fTo, m.to.View(fw, 1, s))
	for _, l := range m.recipientLines(fw, 4) {
		note(l)
	}
	from := sms.Safe(m.senders[m.sender])
	if m.focus == fFrom && len(m.senders) > 1 {
		from = "‹ " + from + " ›"
	}
	line(t.From, fFrom, from)
	textH := 4
	if m.h < 22 {
		textH = 3
	}
	// The text keeps its height, so nothing below it moves while typing.
	text := strings.Split(m.text.View(fw, textH, s), "\n")
	for len(text) < textH {
		text = append(text, "")
	}
	for i, l := range text {
		label := ""
		if i == 0 {
			label = t.Text
		}
		line(label, fText, l)
	}
	note(m.counter())
	// Fixed widths, so the notes beside them stay put while typing.
	line(t.At, fAt, m.at.View(17, 1, s))
	note(m.atNote())
	line(t.Validity, fValid, common.Pad(m.valid.View(4, 1, s), 5)+m.validNote())

	label := t.SendButton
	if m.sending {
		label = t.Sending
	}
	b.WriteString(indent[1:] + s.ButtonView(label, m.focus == fSend))
	if m.problem != "" {
		b.WriteString("  " + s.Err.Render(m.problem))
	}
	b.WriteByte('\n')
	used := strings.Count(b.String(), "\n")
	b.WriteString(m.resultLines(m.h - used))
	return common.Fit(b.String(), m.w, m.h)
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
		case r.err != nil:
			bad = append(bad, "✗ "+common.ErrText(r.err, l))
		case r.dup:
			ok = append(ok, r.number+" "+t.Duplicate)
		default:
			ok = append(ok, r.number)
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

func (m *Model) counter() string {
	t := m.ctx.T
	l := sms.Measure(m.text.Value())
	if l.Chars == 0 {
		return m.ctx.S.Faint.Render(t.TextHint)
	}
	return m.ctx.S.Faint.Render(fmt.Sprintf(t.Counter, l.Chars, l.Encoding, l.Parts, l.Left))
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

// resultLines: one line per recipient of the last send.
func (m *Model) resultLines(height int) string {
	if height <= 0 || (len(m.results) == 0 && m.sendErr == nil) {
		return ""
	}
	t, s, l := m.ctx.T, m.ctx.S, m.ctx.Lang()
	var out []string
	if m.sendErr != nil {
		out = append(out, s.Err.Render("✗ "+common.ErrText(m.sendErr, l)))
	}
	if m.via != "" {
		out = append(out, s.Faint.Render(m.via))
	}
	for i, r := range m.results {
		if len(out) == height-1 && i < len(m.results)-1 {
			out = append(out, s.Faint.Render(fmt.Sprintf(t.MoreResults, len(m.results)-i)))
			break
		}
		out = append(out, m.resultLine(r))
	}
	return s.Title.Render(t.LastSend) + "\n" + strings.Join(out, "\n")
}

func (m *Model) resultLine(r result) string {
	t, s, l := m.ctx.T, m.ctx.S, m.ctx.Lang()
	res := r.res
	var mark, detail string
	st := s.Err
	switch res.Outcome {
	case sms.Accepted:
		mark, st = theme.Symbol(string(store.StateAccepted)), s.OK
		detail = fmt.Sprintf(t.AcceptedDetail, res.ID, max(res.Parts, 1), r.id)
	case sms.Refused:
		mark = "✗"
		detail = t.Code + " " + common.CodeText(res.Code, l)
	default:
		mark = "?"
		if res.Outcome == sms.NotSent {
			mark = "-"
		}
		detail = common.ErrText(res.Err, l)
	}
	return st.Render(mark+" "+r.number+"  "+res.Outcome.Text(l)) + "  " + detail
}
