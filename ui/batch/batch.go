// Package batch is the Batch tab: a list (CSV or XLSX) read from a typed
// path or chosen in a file picker, its sheet and header row chosen, its
// columns mapped, a template typed, the check report and the
// preview live as the mapping changes, a confirmation with the cost, and
// the send with progress, cancel and resume.
package batch

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/smsdash/smsdash/sms"
	sbatch "github.com/smsdash/smsdash/sms/batch"
	"github.com/smsdash/smsdash/sms/store"
	"github.com/smsdash/smsdash/ui/common"
	"github.com/smsdash/smsdash/ui/field"
	"github.com/smsdash/smsdash/ui/i18n"
)

// The focusable parts of the form, in tab order.
const (
	fPath   = iota
	fSheet  // XLSX with several sheets only
	fHeader // whether the first row names the columns
	fPhone
	fSource
	fTpl
	fSender
	fAt
	fValid
	fSend
	nFocus
)

const labelW = 11

// The tab's stages.
const (
	stForm = iota
	stConfirm
	stSending
	stDone
)

// Model is the Batch tab.
type Model struct {
	core   sbatch.Core  // sends (sms/app.App)
	hist   *store.Store // what sbatch reads before a send
	files  disk         // what the session may open
	ctx    *common.Context
	keyset common.Memo[*i18n.Texts, keys]
	w, h   int

	path, phone, source, tpl, at, valid field.Input
	focus                               int
	stage                               int

	picker  *picker
	picking bool          // the picker is open
	refresh time.Duration // how often the open picker reads its folder again; 0 never (tests)

	loading  bool
	reading  string // the name of the list being read
	loadSeq  int    // the newest read asked for; an older reply is dropped
	loadErr  error
	table    *sbatch.Table
	src      source // where the table came from
	sheet    string // the sheet asked for; "" the first
	header   int    // headerAuto, headerYes or headerNo
	phoneCol int
	textCol  int // -1: the template
	colErr   error
	template *sbatch.Template
	tplErr   error
	atTime   time.Time
	atErr    error
	validity time.Duration
	validErr error
	report   *sbatch.Report // the newest check's; a newer one may be on its way
	planErr  error
	checkSeq int  // the newest check asked for; older replies are dropped
	checking bool // a check is on its way: report is the one before
	askAfter bool // ctrl+s came while checking: confirm when it is done
	problem  string
	scroll   int // first invalid row shown

	senders     []string
	lastSenders []string
	sender      int

	balance      float64
	balanceKnown bool
	balanceAt    time.Time

	unfinished []store.Unfinished
	resumeID   int64          // the batch the confirmation is for; 0 for a new one
	resumePlan *sbatch.Report // what resuming it sends, once read

	run      *run
	progress sbatch.Progress
	prev     *store.Batch // a batch of the same list that went out before
	summary  *sbatch.Summary
	sendErr  error

	hits common.Hits // the last form's fields and button
}

// The header choices.
const (
	headerAuto = iota // detected
	headerYes
	headerNo
)

// source is where a list comes from: a file, or text pasted into the
// tab (over SSH the agent's files are not on this host).
type source struct {
	path  string // the file; "" for a paste
	paste []byte // the text pasted, its line ends LF
	name  string // the batch's name: the file's, or the paste's (pastedName)
}

func (s source) same(o source) bool { return s.path == o.path && bytes.Equal(s.paste, o.paste) }

// maxPaste bounds a pasted list: it arrives as one key message, and a
// list of tens of thousands of rows is better a file.
const maxPaste = 1 << 20

// pastedList tells a paste that is a list (cells from a spreadsheet come
// tab-separated, lines with CR or LF ends) from one that is a path or a
// word: it has a line break or a tab inside it.
func pastedList(msg tea.KeyMsg) bool {
	return msg.Paste && strings.ContainsAny(strings.TrimSpace(string(msg.Runes)), "\r\n\t")
}

// run is a send under way. A stop lets the package in flight get its
// reply and sends no other (no message left "outcome unknown"); an abort
// cuts that package too. Each is asked first.
type run struct {
	job       *sbatch.Job
	stopping  bool // stopped gracefully
	aborted   bool
	ask       asking
	quitAfter bool // the agent asked to quit: once the send ends
}

// asking is the question a run shows.
type asking int

const (
	askNone asking = iota
	askStop
	askAbort
)

// Sending reports whether a send is under way: quitting asks first.
func (m *Model) Sending() bool { return m.run != nil }

// Drain stops a send still under way when the program has ended without
// the agent's stop (the terminal went: an SSH session dropped), and
// waits for it, so that the package in flight gets its reply and is
// recorded before the history closes.
func (m *Model) Drain() {
	r := m.run
	if r == nil {
		return
	}
	r.job.Stop()
	<-r.job.Done()
}

// askStop asks to stop the run gracefully, or to abort it once stopping.
func (r *run) askStop() {
	switch {
	case !r.stopping:
		r.ask = askStop
	case !r.aborted:
		r.ask = askAbort
	}
}

// answer carries out the question's answer.
func (r *run) answer(yes bool) {
	switch {
	case !yes:
		r.quitAfter = false
	case r.ask == askStop:
		r.stopping = true
		r.job.Stop()
	case r.ask == askAbort:
		r.aborted = true
		r.job.Abort()
	}
	r.ask = askNone
}

type (
	loadedMsg struct {
		seq   int
		src   source
		table *sbatch.Table
		err   error
	}
	balanceMsg    struct{ p []store.BalancePoint }
	unfinishedMsg struct{ list []store.Unfinished }
	resumePlanMsg struct {
		id   int64
		plan *sbatch.Report
		err  error
	}
	checkDueMsg struct{ seq int }
	checkedMsg  struct {
		seq    int
		report *sbatch.Report
		prev   *store.Batch
		err    error
	}
	progressMsg struct {
		r *run
		p sbatch.Progress
	}
	doneMsg struct {
		r   *run
		sum *sbatch.Summary
		err error
	}
)

// New makes the tab.
func New(ctx *common.Context, core sbatch.Core, hist *store.Store) *Model {
	// No field has focus at first, so that plain 1…5 still switch tabs
	// on the way through; tab or enter goes to the path.
	m := &Model{ctx: ctx, core: core, hist: hist, files: disk{root: ctx.Session.Files},
		phoneCol: -1, textCol: -1, focus: common.NoFocus, refresh: refreshEvery}
	m.refreshSenders()
	return m
}

func (m *Model) Init() tea.Cmd {
	st, base := m.hist, m.ctx.Base
	return tea.Batch(func() tea.Msg {
		p, _ := st.Balances(base, time.Time{}, 1)
		return balanceMsg{p: p}
	}, m.loadUnfinished())
}

func (m *Model) loadUnfinished() tea.Cmd {
	st, base := m.hist, m.ctx.Base
	return func() tea.Msg {
		list, _ := sbatch.Unfinished(base, st)
		return unfinishedMsg{list}
	}
}

func (m *Model) SetSize(w, h int) {
	m.w, m.h = w, h
	if m.picking {
		m.picker.height = m.pickerHeight()
		m.picker.scroll()
	}
}

// Capturing: typing goes into a field or the picker, or the confirmation
// waits for y/n.
func (m *Model) Capturing() bool {
	return m.picking || (m.stage == stForm && m.input() != nil) || m.stage == stConfirm
}

func (m *Model) input() *field.Input {
	switch m.focus {
	case fPath:
		return &m.path
	case fPhone:
		return &m.phone
	case fSource:
		return &m.source
	case fTpl:
		return &m.tpl
	case fAt:
		return &m.at
	case fValid:
		return &m.valid
	}
	return nil
}

func (m *Model) inputs() []*field.Input {
	return []*field.Input{&m.path, &m.phone, &m.source, &m.tpl, &m.at, &m.valid}
}

func (m *Model) setFocus(f int) {
	for _, in := range m.inputs() {
		in.Blur()
	}
	m.focus = f
	if in := m.input(); in != nil {
		in.Focus()
	}
}

type keys struct {
	next, prev, load, browse, send, choose, esc, scroll, resume, show, yes, y, now, no, cancel, abort key.Binding
}

// keys are made once per language: the help bar asks for them at every
// frame.
func (m *Model) keys() keys { return m.keyset.Get(m.ctx.T, m.newKeys) }

func (m *Model) newKeys() keys {
	t, fk := m.ctx.T, m.ctx.FormKeys()
	return keys{
		next:   fk.Next,
		prev:   fk.Prev,
		load:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", t.BatchLoadKey)),
		browse: key.NewBinding(key.WithKeys("ctrl+o"), key.WithHelp("ctrl+o", t.BatchBrowse)),
		send:   key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", t.Send)),
		choose: key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", t.BatchChooseCol)),
		esc:    fk.Esc,
		scroll: key.NewBinding(key.WithKeys("pgdown", "pgup"), key.WithHelp("pgup/pgdn", t.BatchScroll)),
		resume: key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", t.BatchResume)),
		show:   key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", t.BatchShow)),
		yes:    key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y/enter", t.BatchConfirmKey)),
		y:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", t.BatchConfirmKey)),
		now:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", t.BatchResumeNow)),
		no:     key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", t.BatchDeny)),
		cancel: key.NewBinding(key.WithKeys("esc", "ctrl+x"), key.WithHelp("esc/ctrl+x", t.BatchCancel)),
		abort:  key.NewBinding(key.WithKeys("esc", "ctrl+x"), key.WithHelp("esc/ctrl+x", t.BatchAbortKey)),
	}
}

// ShortHelp lists only the keys that work now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys()
	if m.picking {
		return m.pickerHelp()
	}
	switch m.stage {
	case stConfirm:
		yes := k.yes
		if m.warned() {
			yes = k.y
		}
		if m.resumeID != 0 {
			return []key.Binding{yes, k.now, k.no}
		}
		return []key.Binding{yes, k.no}
	case stSending:
		switch r := m.run; {
		case r == nil || r.aborted:
			return nil
		case r.ask != askNone:
			return []key.Binding{k.y, k.no}
		case r.stopping:
			return []key.Binding{k.abort}
		}
		return []key.Binding{k.cancel}
	}
	var out []key.Binding
	if m.table != nil || m.focus != fPath {
		out = append(out, k.next)
	}
	if m.focus == fPath {
		out = append(out, k.load)
	}
	out = append(out, k.browse)
	if m.report != nil && len(m.report.Messages) > 0 {
		out = append(out, k.send)
	}
	if m.focus == fPhone || m.focus == fSource || m.focus == fSheet || m.focus == fHeader || (m.focus == fSender && len(m.senders) > 1) {
		out = append(out, k.choose)
	}
	if len(m.unfinished) > 0 {
		out = append(out, k.resume)
	}
	if m.summary != nil {
		out = append(out, k.show)
	}
	if m.Capturing() {
		out = append(out, k.esc)
	}
	return out
}

func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys()
	out := [][]key.Binding{m.ShortHelp()}
	if !m.picking && (m.stage == stForm || m.stage == stDone) {
		col := []key.Binding{}
		if m.table != nil {
			col = append(col, k.prev)
		}
		if m.report != nil && len(m.report.Invalid) > 0 {
			col = append(col, k.scroll)
		}
		if len(col) > 0 {
			out = append(out, col)
		}
	}
	return out
}

func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case dirMsg, refreshMsg, pickedMsg:
		return m.pickerMsg(msg)
	case tea.KeyMsg:
		return m.key(msg)
	case common.Mouse:
		return m.mouse(msg)
	case loadedMsg:
		return m.fileLoaded(msg)
	case checkDueMsg:
		if msg.seq == m.checkSeq && m.checking {
			return m.runCheck()
		}
	case checkedMsg:
		m.checked(msg)
	case balanceMsg:
		if n := len(msg.p); n > 0 && !msg.p[n-1].At.Before(m.balanceAt) {
			m.balance, m.balanceKnown, m.balanceAt = msg.p[n-1].Credits, true, msg.p[n-1].At
			return m.check()
		}
	case common.Event:
		if b := msg.Balance; b != nil && !b.At.Before(m.balanceAt) {
			m.balance, m.balanceKnown, m.balanceAt = b.Credits, true, b.At
			return m.check()
		}
	case unfinishedMsg:
		m.unfinished = msg.list
	case resumePlanMsg:
		switch {
		case msg.err != nil:
			m.problem = common.ErrText(msg.err, m.ctx.Lang())
		case msg.plan.Covered() == 0:
			m.problem = m.ctx.T.BatchNoneCovered
		case m.stage == stForm || m.stage == stDone:
			m.resumeID, m.resumePlan, m.stage = msg.id, msg.plan, stConfirm
		}
	case progressMsg:
		if msg.r == m.run {
			m.progress = msg.p
			return m.wait(msg.r)
		}
	case doneMsg:
		if msg.r == m.run {
			return m.done(msg)
		}
	case common.StopSend:
		if r := m.run; r != nil {
			r.quitAfter = msg.Quit
			if msg.Ask {
				r.askStop()
			} else if !r.stopping {
				r.ask = askStop
				r.answer(true)
			}
		}
	case common.AbortSend:
		if r := m.run; r != nil && !r.aborted {
			r.quitAfter, r.ask = true, askAbort
			r.answer(true)
		}
	case common.ConfigSaved, common.ConfigChanged:
		m.refreshSenders()
		return m.check()
	}
	return nil
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := m.keys()
	switch m.stage {
	case stConfirm:
		switch {
		case key.Matches(msg, k.y), key.Matches(msg, k.yes) && !m.warned():
			// With a warning shown only y confirms: enter may be a
			// key pressed out of habit.
			return m.start(false)
		case m.resumeID != 0 && key.Matches(msg, k.now):
			return m.start(true)
		case key.Matches(msg, k.no):
			m.stage, m.resumeID = stForm, 0
		}
		return nil
	case stSending:
		r := m.run
		switch {
		case r == nil:
		case r.ask != askNone && key.Matches(msg, k.y):
			r.answer(true)
		case r.ask != askNone && key.Matches(msg, k.no):
			r.answer(false)
		case r.ask == askNone && key.Matches(msg, k.cancel):
			r.askStop()
		}
		return nil
	}
	if pastedList(msg) && (m.picking || m.focus == fPath || m.focus == common.NoFocus) {
		return m.paste(string(msg.Runes))
	}
	if m.picking {
		return m.pickKey(msg)
	}
	in := m.input()
	switch {
	case key.Matches(msg, k.browse):
		return m.openPicker()
	case key.Matches(msg, k.show) && m.summary != nil:
		return common.Cmd(common.ShowBatch{ID: m.summary.BatchID})
	case key.Matches(msg, k.send):
		m.ask()
		return nil
	case key.Matches(msg, k.resume) && len(m.unfinished) > 0:
		return m.askResume(m.unfinished[0].ID)
	case key.Matches(msg, k.esc):
		m.setFocus(common.NoFocus)
		return nil
	case key.Matches(msg, k.scroll):
		m.scrollBy(sign(msg, tea.KeyPgUp) * 3)
		return nil
	case m.focus == fPath && msg.Type == tea.KeyEnter:
		return m.load()
	case m.focus == common.NoFocus && m.table == nil && msg.Type == tea.KeyEnter:
		m.setFocus(fPath)
		return nil
	case (m.focus == fPhone || m.focus == fSource) && key.Matches(msg, k.choose):
		return m.cycle(msg.Type == tea.KeyRight)
	case (m.focus == fSheet || m.focus == fHeader) && key.Matches(msg, k.choose):
		return m.reread(msg.Type == tea.KeyRight)
	case m.focus == fSender && key.Matches(msg, k.choose):
		d := 1
		if msg.Type == tea.KeyLeft {
			d = -1
		}
		m.sender = common.Step(m.sender, d, len(m.senders))
		return m.check()
	case m.focus == fSend && msg.Type == tea.KeyEnter:
		m.ask()
		return nil
	case key.Matches(msg, k.next), in != nil && msg.Type == tea.KeyEnter:
		return m.move(1)
	case key.Matches(msg, k.prev):
		return m.move(-1)
	case in != nil:
		if in.Update(msg) {
			m.problem = ""
			if m.focus != fPath {
				return m.remap()
			}
		}
	}
	return nil
}

// mouse: a click on a field focuses it as tab would (leaving the path
// with a new one loads it), on Send asks as ctrl+s does; the wheel
// scrolls the invalid rows. While the confirmation or a stop question
// waits, a click is no answer: only its keys answer it.
func (m *Model) mouse(ms common.Mouse) tea.Cmd {
	switch {
	case m.picking:
		return m.pickMouse(ms)
	case m.stage == stConfirm || m.stage == stSending:
		return nil
	case ms.Wheel() != 0:
		m.scrollBy(ms.Wheel())
		return nil
	}
	f, ok := m.hits.At(ms)
	if !ms.Click() || !ok {
		return nil
	}
	var cmd tea.Cmd
	if m.focus == fPath && f != fPath && m.pathChanged() {
		cmd = m.load()
	}
	m.setFocus(f)
	if f == fSend {
		m.ask()
	}
	return cmd
}

// move goes to the next field; before a list is loaded only the path is
// there, and leaving it with a new path loads it.
func (m *Model) move(d int) tea.Cmd {
	var cmd tea.Cmd
	if m.focus == common.NoFocus && m.table == nil {
		m.setFocus(fPath)
		return nil
	}
	if m.focus == fPath && m.pathChanged() {
		cmd = m.load()
	}
	if m.table == nil {
		m.setFocus(fPath)
		return cmd
	}
	f := common.Step(m.focus, d, nFocus)
	for !m.usable(f) {
		f = common.Step(f, d, nFocus)
	}
	m.setFocus(f)
	return cmd
}

// usable: the sheet is a choice only when the workbook has several.
func (m *Model) usable(f int) bool {
	return f != fSheet || (m.table != nil && len(m.table.Sheets) > 1)
}

func (m *Model) pathChanged() bool {
	return strings.TrimSpace(m.path.Value()) != "" && m.files.expand(m.path.Value()) != m.src.path
}

// load reads the typed path, a new list: its sheet and header choices
// start over.
func (m *Model) load() tea.Cmd {
	p := m.files.expand(m.path.Value())
	if p == "" || m.loading {
		return nil
	}
	m.sheet, m.header = "", headerAuto
	return m.read(source{path: p, name: filepath.Base(p)})
}

// paste reads a list pasted into the tab as a file is read, a new list.
// A terminal ends the lines of a paste with CR.
func (m *Model) paste(text string) tea.Cmd {
	m.picking = false
	if len(text) > maxPaste {
		en, ru := i18n.For(sms.EN), i18n.For(sms.RU)
		kb := (len(text) + 1023) >> 10
		m.loadErr = &sms.Error{EN: fmt.Sprintf(en.BatchPasteTooBig, kb, maxPaste>>10), RU: fmt.Sprintf(ru.BatchPasteTooBig, kb, maxPaste>>10)}
		return nil
	}
	text = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(text)
	m.sheet, m.header = "", headerAuto
	return m.read(source{paste: []byte(text)})
}

// pastedName names a pasted list, in the history and for the caution
// that the same list went out before: by a fingerprint of its text, so
// that the same paste is known again and another is not taken for it.
func (m *Model) pastedName(paste []byte, rows int) string {
	h := fnv.New32a()
	h.Write(paste)
	return fmt.Sprintf(m.ctx.T.BatchPasted, fmt.Sprintf("%06x", h.Sum32()&0xffffff), m.ctx.T.Rows.N(rows))
}

// read reads the list in a command (Update never waits for the disk),
// with the sheet and header choices.
func (m *Model) read(src source) tea.Cmd {
	m.loadSeq++
	m.loading, m.loadErr, m.reading = true, nil, src.name
	if src.paste != nil && src.name == "" {
		m.reading = m.ctx.T.BatchPastedList
	}
	opt, seq := sbatch.ReadOptions{Sheet: m.sheet}, m.loadSeq
	if m.header != headerAuto {
		yes := m.header == headerYes
		opt.Header = &yes
	}
	opt.Open = m.files.open
	return func() tea.Msg {
		if src.paste == nil {
			t, err := sbatch.Read(src.path, opt)
			return loadedMsg{seq, src, t, err}
		}
		t, err := sbatch.Parse(src.paste, opt)
		if err != nil {
			err = pasteErr(err)
		}
		return loadedMsg{seq, src, t, err}
	}
}

// pasteErr names the paste in a reading error, as Read names the file,
// in both languages (the agent may switch while it shows).
func pasteErr(err error) error {
	var se *sms.Error
	if !errors.As(err, &se) {
		se = &sms.Error{EN: err.Error(), RU: err.Error()}
	}
	return &sms.Error{EN: i18n.For(sms.EN).BatchPastedList + ": " + se.EN, RU: i18n.For(sms.RU).BatchPastedList + ": " + se.RU}
}

// reread steps the focused choice (sheet or header) and reads the list
// again with it.
func (m *Model) reread(right bool) tea.Cmd {
	if m.table == nil || m.loading {
		return nil
	}
	d := 1
	if !right {
		d = -1
	}
	if m.focus == fSheet {
		i := max(slices.Index(m.table.Sheets, m.table.Sheet), 0)
		m.sheet = m.table.Sheets[common.Step(i, d, len(m.table.Sheets))]
	} else {
		m.header = common.Step(m.header, d, 3)
	}
	return m.read(m.src)
}

func (m *Model) fileLoaded(msg loadedMsg) tea.Cmd {
	if msg.seq != m.loadSeq {
		return nil
	}
	m.loading = false
	if msg.err != nil {
		m.loadErr = msg.err
		return nil
	}
	again := m.table != nil && msg.src.same(m.src)
	if msg.src.paste != nil && msg.src.name == "" {
		msg.src.name = m.pastedName(msg.src.paste, len(msg.table.Rows))
	}
	m.path.Placeholder = ""
	if msg.src.paste != nil {
		// The list is the paste now: the path field shows its name.
		m.path.SetValue("")
		m.path.Placeholder = msg.src.name
	}
	m.table, m.src, m.scroll, m.problem = msg.table, msg.src, 0, ""
	// Read again with another sheet or header choice, the columns chosen
	// stay where the new table has them.
	if !again || strings.TrimSpace(m.phone.Value()) == "" || !m.has(m.phone.Value()) {
		m.phone.SetValue(m.colName(sbatch.GuessPhoneColumn(m.table)))
	}
	if !again || !m.has(m.source.Value()) {
		m.source.SetValue(m.colName(sbatch.GuessTextColumn(m.table)))
	}
	cmd := m.remap()
	if m.focus == fPath || m.focus == common.NoFocus {
		m.setFocus(fPhone)
		if m.phoneCol >= 0 {
			m.setFocus(fTpl)
			if m.textCol >= 0 {
				m.setFocus(fSender)
			}
		}
	}
	return cmd
}

// has: v names a column of the table, or is empty.
func (m *Model) has(v string) bool {
	if v = strings.TrimSpace(v); v == "" {
		return true
	}
	_, err := m.table.Column(v)
	return err == nil
}

func (m *Model) colName(i int) string {
	if m.table == nil || i < 0 || i >= len(m.table.Columns) {
		return ""
	}
	return m.table.Columns[i]
}

// cycle steps the focused column field through the columns; the text
// source has "the template" before the first column.
func (m *Model) cycle(right bool) tea.Cmd {
	if m.table == nil {
		return nil
	}
	n := len(m.table.Columns)
	d := 1
	if !right {
		d = -1
	}
	if m.focus == fPhone {
		m.phoneCol = common.Step(m.phoneCol, d, n)
		m.phone.SetValue(m.colName(m.phoneCol))
	} else {
		i := common.Step(m.textCol+1, d, n+1) - 1 // -1 is the template
		m.textCol = i
		m.source.SetValue(m.colName(i))
	}
	return m.remap()
}

// remap reads the typed fields and checks the list again.
func (m *Model) remap() tea.Cmd {
	if m.table == nil {
		return nil
	}
	m.colErr = nil
	if v := strings.TrimSpace(m.phone.Value()); v != "" {
		i, err := m.table.Column(v)
		m.phoneCol = i
		if err != nil {
			m.colErr = err
		}
	} else {
		m.phoneCol = -1
	}
	m.textCol = -1
	if v := strings.TrimSpace(m.source.Value()); v != "" {
		i, err := m.table.Column(v)
		m.textCol = i
		if err != nil && m.colErr == nil {
			m.colErr = err
		}
	}
	m.template, m.tplErr = nil, nil
	if m.textCol < 0 && strings.TrimSpace(m.tpl.Value()) != "" {
		m.template, m.tplErr = sbatch.ParseTemplate(m.tpl.Value(), m.table.Columns)
	}
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
	return m.check()
}

// Checks of lists from pauseRows rows on wait for a pause in typing
// (checkPause): keys are not queued behind checks of a long list.
const (
	pauseRows  = 20_000
	checkPause = 150 * time.Millisecond
)

// check asks for batch.Check of the current mapping. It runs off the UI's
// goroutine (about 1.4 µs a row: 0.14 s for 100,000 rows) and only the
// newest counts; meanwhile the report shown is the one before, marked as
// being checked.
func (m *Model) check() tea.Cmd {
	m.checkSeq++
	m.checking = false
	if m.table == nil || m.stage == stSending || m.colErr != nil || m.tplErr != nil || m.atErr != nil || m.validErr != nil {
		m.report, m.planErr = nil, nil
		return nil
	}
	m.checking = true
	if len(m.table.Rows) >= pauseRows {
		seq := m.checkSeq
		return tea.Tick(checkPause, func(time.Time) tea.Msg { return checkDueMsg{seq} })
	}
	return m.runCheck()
}

func (m *Model) runCheck() tea.Cmd {
	seq, table := m.checkSeq, m.table
	plan := sbatch.Plan{
		PhoneCol: m.phoneCol, TextCol: m.textCol, Template: m.template,
		Sender: m.senders[m.sender], At: m.atTime, Validity: m.validity,
		Balance: m.balance, BalanceKnown: m.balanceKnown,
		Preview: 10, Now: m.ctx.Now(),
	}
	if m.textCol >= 0 {
		plan.Template = nil
	}
	st, base, name := m.hist, m.ctx.Base, m.src.name
	return func() tea.Msg {
		r, err := sbatch.Check(table, plan)
		msg := checkedMsg{seq: seq, report: r, err: err}
		if err == nil {
			// The same list sent before: a caution (a read failing here
			// only loses the caution).
			if b, ok, _ := st.SameBatch(base, name, len(r.Messages)); ok {
				msg.prev = &b
			}
		}
		return msg
	}
}

// checked takes the newest check's report; a send asked for while it ran
// is confirmed now.
func (m *Model) checked(msg checkedMsg) {
	if msg.seq != m.checkSeq {
		return
	}
	m.checking, m.report, m.prev, m.planErr = false, msg.report, msg.prev, msg.err
	if m.report != nil {
		m.scroll = min(m.scroll, max(len(m.report.Invalid)-1, 0))
	}
	if m.askAfter {
		m.askAfter = false
		if !m.picking && (m.stage == stForm || m.stage == stDone) {
			m.ask()
		}
	}
}

func (m *Model) refreshSenders() {
	acc := m.core.Config().Account
	if slices.Equal(acc.Senders, m.lastSenders) && m.senders != nil {
		return
	}
	m.lastSenders = slices.Clone(acc.Senders)
	m.senders = m.lastSenders
	if len(m.senders) == 0 {
		m.senders = []string{sms.DefaultSender}
	}
	m.sender = max(slices.Index(m.senders, acc.Sender), 0)
}

// scrollBy scrolls the invalid rows by d.
func (m *Model) scrollBy(d int) {
	if m.report != nil {
		m.scroll = min(max(m.scroll+d, 0), max(len(m.report.Invalid)-1, 0))
	}
}

// ask shows the confirmation, or says what stops the send; while a check
// runs, it waits for its report.
func (m *Model) ask() {
	switch {
	case m.table == nil:
		m.problem = m.ctx.T.BatchNoFile
	case m.checking:
		m.askAfter = true
	case m.report == nil:
		m.problem = m.blocker()
	case len(m.report.Messages) == 0:
		m.problem = m.ctx.T.BatchNothing
	case m.report.Covered() == 0:
		m.problem = m.ctx.T.BatchNoneCovered
	default:
		m.problem, m.resumeID, m.stage = "", 0, stConfirm
	}
}

// askResume reads what resuming the batch sends (its cost against the
// balance, its cautions) off the UI goroutine, then asks.
func (m *Model) askResume(id int64) tea.Cmd {
	st, base, balance, known := m.hist, m.ctx.Base, m.balance, m.balanceKnown
	return func() tea.Msg {
		plan, err := sbatch.ResumePlan(base, st, id, 0, balance, known)
		return resumePlanMsg{id, plan, err}
	}
}

// plan is what the confirmation is about: the list checked, or the
// resume's plan.
func (m *Model) plan() *sbatch.Report {
	if m.resumeID != 0 {
		return m.resumePlan
	}
	return m.report
}

// cautions are the send plan's, as the command line shows them.
func (m *Model) cautions() []sbatch.Caution {
	switch r := m.plan(); {
	case r == nil:
		return nil
	case m.resumeID != 0:
		return r.Cautions(nil, m.core.Config().API.Transport)
	}
	return m.report.Cautions(m.prev, m.core.Config().API.Transport)
}

// warned: a caution asks for the explicit y.
func (m *Model) warned() bool { return sbatch.NeedsYes(m.cautions()) }

// blocker is why there is no report.
func (m *Model) blocker() string {
	l := m.ctx.Lang()
	for _, err := range []error{m.colErr, m.tplErr, m.atErr, m.planErr} {
		if err != nil {
			return common.ErrText(err, l)
		}
	}
	if m.validErr != nil {
		return common.ErrText(m.validErr, l)
	}
	return ""
}

// start sends (or resumes) in a command; the progress arrives through a
// channel read by a command that re-arms itself. A resume takes the time
// typed in At, if any, else the batch's own; atOnce sends it right away
// (the batch's time may have passed).
func (m *Model) start(atOnce bool) tea.Cmd {
	core, hist, rep, name, id := m.core, m.hist, m.report, m.src.name, m.resumeID
	resume := sbatch.ResumeOptions{Reschedule: atOnce || !m.atTime.IsZero()}
	if !atOnce {
		resume.At = m.atTime
	}
	if id == 0 && (rep == nil || len(rep.Messages) == 0) {
		m.stage = stForm
		return nil
	}
	opt := sbatch.SendOptions{Name: name, Agent: m.ctx.Session.AgentIn(core.Config())}
	send := func(ctx context.Context, opt sbatch.SendOptions) (*sbatch.Summary, error) {
		resume.SendOptions = opt
		return sbatch.Resume(ctx, core, hist, id, resume)
	}
	opt.Only = m.plan().Covered()
	if id == 0 {
		send = func(ctx context.Context, opt sbatch.SendOptions) (*sbatch.Summary, error) {
			return sbatch.Send(ctx, core, hist, rep, opt)
		}
	}
	// Not the program's context: quitting stops gracefully (see run).
	r := &run{job: sbatch.Start(context.WithoutCancel(m.ctx.Base), opt, send)}
	m.run, m.stage, m.summary, m.sendErr, m.progress = r, stSending, nil, nil, sbatch.Progress{}
	if id == 0 {
		m.progress.Total = len(rep.Messages)
	}
	return m.wait(r)
}

func (m *Model) wait(r *run) tea.Cmd {
	return func() tea.Msg {
		select {
		case p := <-r.job.Progress():
			return progressMsg{r, p}
		case <-r.job.Done():
			sum, err := r.job.Result()
			return doneMsg{r: r, sum: sum, err: err}
		}
	}
}

func (m *Model) done(d doneMsg) tea.Cmd {
	quit := d.r.quitAfter
	m.run, m.stage, m.summary, m.sendErr, m.resumeID = nil, stDone, d.sum, d.err, 0
	if d.sum != nil {
		m.progress.Done, m.progress.Total = d.sum.Total-d.sum.NotSent, d.sum.Total
	}
	cmds := []tea.Cmd{m.check(), m.loadUnfinished()}
	if d.sum != nil && d.sum.Accepted > 0 {
		cmds = append(cmds, common.Cmd(common.Sent{}))
	}
	if quit {
		cmds = append(cmds, tea.Quit)
	}
	return tea.Batch(cmds...)
}

// Summary is the last send's outcome, nil before one ends.
func (m *Model) Summary() *sbatch.Summary { return m.summary }

func (m *Model) View() string {
	if m.picking {
		return m.pickerView()
	}
	t, s := m.ctx.T, m.ctx.S
	var out []string
	add := func(lines ...string) { // one screen line each, for the hits
		for _, l := range lines {
			out = append(out, strings.Split(l, "\n")...)
		}
	}
	m.hits.Reset()
	fw := max(m.w-labelW, 10)
	indent := strings.Repeat(" ", labelW)

	add(s.Title.Render(t.BatchTitle))
	m.hits.Mark(len(out), fPath)
	add(m.label(t.BatchPath, fPath) + m.path.View(fw, 1, s))
	switch {
	case m.loading:
		add(indent + s.Faint.Render(fmt.Sprintf(t.BatchLoading, sms.Safe(m.reading))))
	case m.loadErr != nil:
		add(common.Lines(s.Err, common.Wrap("✗ "+common.ErrText(m.loadErr, m.ctx.Lang()), m.w)))
	case m.table != nil:
		info, lead := m.fileInfo(), indent
		if lipgloss.Width(common.Parts(info))+labelW > m.w {
			lead = "  "
		}
		add(m.hits.Join(len(out), append([]common.Part{{Text: lead, Target: common.NoHit}}, info...)...))
	default:
		add(indent + s.Faint.Render(t.BatchPathHint))
	}
	if m.table == nil {
		// A resume needs no list: its confirmation, progress and result
		// show here as for a new send.
		switch m.stage {
		case stForm:
			add("", common.Lines(s.Faint, common.Wrap(t.BatchNoFile, m.w)))
			if line := m.unfinishedLine(); line != "" {
				add("", line)
			}
		default:
			add(m.stageLines(m.h - len(out))...)
		}
		return common.Fit(strings.Join(out, "\n"), m.w, m.h)
	}
	m.hits.Mark(len(out), fPhone)
	add(m.label(t.BatchPhone, fPhone) + m.choice(&m.phone, fPhone, m.colNote(m.phoneCol)))
	m.hits.Mark(len(out), fSource)
	src := &m.source
	if m.textCol < 0 && strings.TrimSpace(m.source.Value()) == "" && m.focus != fSource {
		add(m.label(t.BatchSource, fSource) + s.Faint.Render(t.BatchTemplateCol))
	} else {
		add(m.label(t.BatchSource, fSource) + m.choice(src, fSource, m.colNote(m.textCol)))
	}
	tplLine := m.label(t.BatchTemplate, fTpl)
	if m.textCol >= 0 {
		tplLine += s.Faint.Render("—")
	} else {
		m.tpl.Placeholder = fmt.Sprintf(t.BatchTplHint, m.colName(max(m.firstNonPhone(), 0)))
		tplLine += m.tpl.View(fw, 1, s)
	}
	m.hits.Mark(len(out), fTpl)
	add(tplLine)
	from := sms.Safe(m.senders[m.sender])
	if m.focus == fSender && len(m.senders) > 1 {
		from = "‹ " + from + " ›"
	}
	add(m.hits.Join(len(out),
		common.Part{Text: m.label(t.From, fSender) + common.Pad(from, 14), Target: fSender},
		common.Part{Text: m.label(t.At, fAt) + common.Pad(m.at.View(16, 1, s), 17), Target: fAt},
		common.Part{Text: m.label(t.Validity, fValid) + m.valid.View(3, 1, s), Target: fValid}))
	button := m.hits.Join(len(out), common.Part{Text: indent[1:], Target: common.NoHit},
		common.Part{Text: s.ButtonView(t.BatchSendButton, m.focus == fSend), Target: fSend})
	add(common.Beside(button, s.Err, m.problem, m.w))

	add(m.stageLines(m.h - len(out))...)
	return common.Fit(strings.Join(out, "\n"), m.w, m.h)
}

// stageLines draws the stage below the form in height lines: the
// confirmation, the progress, or the result and the report.
func (m *Model) stageLines(height int) []string {
	switch m.stage {
	case stConfirm:
		return m.confirmLines()
	case stSending:
		return m.sendingLines()
	case stDone:
		done := m.doneLines()
		return append(done, m.reportLines(height-len(done))...)
	}
	return m.reportLines(height)
}

func (m *Model) firstNonPhone() int {
	if m.table == nil {
		return -1
	}
	for i := range m.table.Columns {
		if i != m.phoneCol {
			return i
		}
	}
	return -1
}

// fileInfo describes the list read, with the sheet and header choices,
// each a part a click focuses.
func (m *Model) fileInfo() []common.Part {
	t, s, tb := m.ctx.T, m.ctx.S, m.table
	var out []common.Part
	if tb.Format == "xlsx" {
		out = append(out, common.Part{Text: s.Faint.Render(fmt.Sprintf(t.BatchXLSXInfo, t.Rows.N(len(tb.Rows))) + " · "), Target: common.NoHit},
			common.Part{Text: m.option(t.BatchSheetL, sms.Safe(tb.Sheet), fSheet), Target: fSheet})
	} else {
		out = append(out, common.Part{Text: s.Faint.Render(fmt.Sprintf(t.BatchFileInfo, strings.ToUpper(tb.Format), tb.Encoding, tb.Delimiter, t.Rows.N(len(tb.Rows)))), Target: common.NoHit})
	}
	return append(out, common.Part{Text: s.Faint.Render(" · "), Target: common.NoHit},
		common.Part{Text: m.option(t.BatchHeaderL, m.headerText(), fHeader), Target: fHeader})
}

// option draws a choice of the info line: "header: auto (yes)", with
// "‹ … ›" while focused.
func (m *Model) option(label, value string, f int) string {
	s := m.ctx.S
	if m.focus == f {
		return s.Focused.Render(label + ": ‹ " + value + " ›")
	}
	return s.Faint.Render(label+": ") + value
}

func (m *Model) headerText() string {
	t := m.ctx.T
	switch m.header {
	case headerYes:
		return t.Yes
	case headerNo:
		return t.No
	}
	if m.table.Header {
		return t.BatchAuto + " (" + t.Yes + ")"
	}
	return t.BatchAuto + " (" + t.No + ")"
}

// colNote names a column by letter: "(B)".
func (m *Model) colNote(i int) string {
	if i < 0 {
		return ""
	}
	n := ""
	for i++; i > 0; i = (i - 1) / 26 {
		n = string(rune('A'+(i-1)%26)) + n
	}
	return "(" + n + ")"
}

// choice draws a column field: "‹ name › (B)" while focused.
func (m *Model) choice(in *field.Input, f int, note string) string {
	s := m.ctx.S
	v := in.View(24, 1, s)
	if m.focus == f {
		v = "‹ " + v + " ›"
	}
	return v + " " + s.Faint.Render(note)
}

func (m *Model) label(text string, f int) string {
	return m.ctx.Label(text, m.focus == f, labelW)
}

func (m *Model) unfinishedLine() string {
	if len(m.unfinished) == 0 || m.stage == stSending {
		return ""
	}
	u := m.unfinished[0]
	return common.Lines(m.ctx.S.Warn, common.Wrap(fmt.Sprintf(m.ctx.T.BatchUnfinished, u.ID, sms.Safe(u.Name), m.ctx.T.Messages.N(u.NotSent)), m.w))
}

// reportLines: the check's counts, cost, invalid rows, warnings and the
// preview, in height lines.
func (m *Model) reportLines(height int) []string {
	if height <= 0 {
		return nil
	}
	t, s, l := m.ctx.T, m.ctx.S, m.ctx.Lang()
	var out []string
	if u := m.unfinishedLine(); u != "" {
		out = append(out, strings.Split(u, "\n")...)
	}
	r := m.report
	if r == nil {
		if m.checking {
			out = append(out, s.Faint.Render(t.BatchChecking))
		} else if b := m.blocker(); b != "" {
			out = append(out, common.Lines(s.Err, common.Wrap("✗ "+b, m.w)))
		}
		return out
	}
	head := s.Title.Render(t.BatchReport) + "  " + fmt.Sprintf(t.BatchRowsMsgs, t.Rows.N(r.Rows), t.Messages.N(len(r.Messages)), t.Parts.N(r.Parts))
	if m.checking {
		head += "  " + s.Faint.Render(t.BatchChecking)
	}
	out = append(out, common.Trunc(head, m.w))
	var cost string
	switch {
	case !r.BalanceKnown:
		cost = fmt.Sprintf(t.BatchNoBalance, r.Cost)
	case r.Enough:
		cost = s.OK.Render("✓ " + fmt.Sprintf(t.BatchCost, r.Cost, r.Balance))
	default:
		cost = s.Warn.Render("⚠ " + fmt.Sprintf(t.BatchCost, r.Cost, r.Balance) + " — " + t.BatchNotEnough)
	}
	out = append(out, "  "+cost)
	out = append(out, "  "+fmt.Sprintf(t.BatchDupInvalid, r.Duplicates, len(r.Invalid), len(r.Warnings)))
	if r.SharedNumbers > 0 {
		out = append(out, "  "+s.Warn.Render("⚠ "+t.BatchShared.N(r.SharedNumbers)))
	}
	left := height - len(out)
	// Invalid rows get up to a third of what is left, at least 2.
	if n := len(r.Invalid); n > 0 && left > 2 {
		room := min(n-m.scroll, max(left/3, 2))
		out = append(out, s.Err.Render(t.BatchInvalid))
		for i := m.scroll; i < m.scroll+room && i < n; i++ {
			if i == m.scroll+room-1 && i < n-1 {
				out = append(out, s.Faint.Render("  "+fmt.Sprintf(t.BatchMore, n-i)+"  (pgdn)"))
				break
			}
			out = append(out, "  "+s.Err.Render("✗ ")+sms.Safe(r.Invalid[i].Text(l)))
		}
		left = height - len(out)
	}
	if n := len(r.Warnings); n > 0 && left > 3 {
		out = append(out, s.Warn.Render(t.BatchWarnings)+" "+sms.Safe(r.Warnings[0].Text(l)))
		if n > 1 {
			out[len(out)-1] += " " + s.Faint.Render(fmt.Sprintf(t.BatchMore, n-1))
		}
		left = height - len(out)
	}
	if len(r.Preview) > 0 && left > 1 {
		out = append(out, s.Title.Render(t.BatchPreviewT))
		for _, msg := range r.Preview[:min(len(r.Preview), left-1)] {
			line := fmt.Sprintf("  %-12s %d× ", sms.Safe(msg.To), msg.Parts)
			out = append(out, line+sms.Safe(strings.ReplaceAll(msg.Text, "\n", " ")))
		}
	}
	return out
}

func (m *Model) confirmLines() []string {
	t, s := m.ctx.T, m.ctx.S
	var q, note string
	keys := t.BatchConfirmKeys
	when := common.Minsk(m.atTime, sms.TypedLayout)
	r := m.plan()
	if m.resumeID != 0 {
		u := m.unfinished[0]
		q, note, keys = fmt.Sprintf(t.BatchConfirmResume, u.ID, sms.Safe(u.Name), t.BatchNotSentN.N(u.NotSent), t.Parts.N(r.Parts), r.Cost), common.Wrap(t.BatchResumeOwn, m.w), t.BatchResumeKeys
		if !m.atTime.IsZero() {
			note = common.Wrap(fmt.Sprintf(t.BatchResumeAt, when), m.w)
		}
		if m.warned() {
			keys = t.BatchResumeKeysY
		}
	} else {
		q = fmt.Sprintf(t.BatchConfirm, t.Messages.N(len(r.Messages)), t.Parts.N(r.Parts), r.Cost)
		if !m.atTime.IsZero() {
			note = common.Wrap(fmt.Sprintf(t.BatchWhen, when), m.w)
		}
		if n := r.Covered(); n < len(r.Messages) {
			q = t.BatchConfirmFirst.N(len(r.Messages), n)
		}
		if m.warned() {
			keys = t.BatchConfirmKeysY
		}
	}
	for _, c := range m.cautions() {
		mark, st := "· ", s.Faint
		if c.Confirm {
			mark, st = "⚠ ", s.Warn
		}
		note += "\n" + common.Lines(st, common.Wrap(mark+c.Text(m.ctx.Lang()), m.w))
	}
	out := []string{"", common.Lines(s.Title, common.Wrap(q, m.w))}
	if note = strings.TrimPrefix(note, "\n"); note != "" {
		out = append(out, note)
	}
	return append(out, s.Faint.Render(common.Trunc(keys, m.w)))
}

func (m *Model) sendingLines() []string {
	t, s := m.ctx.T, m.ctx.S
	p := m.progress
	out := []string{"", s.Title.Render(fmt.Sprintf(t.BatchSendingT, p.Done, p.Total, p.Accepted)), m.bar(p)}
	// Before the first package's outcome, the messages are being written
	// down (all of them, before any leaves) or the first is on its way.
	info := t.BatchRecording
	if p.Done > 0 {
		info = fmt.Sprintf(t.BatchRate, p.Rate)
	}
	if left := p.Left(); left > 0 {
		info += " · " + fmt.Sprintf(t.BatchETA, common.Dur(t, left))
	}
	out = append(out, s.Faint.Render(info))
	if r := m.run; r != nil {
		switch {
		case r.ask == askStop && r.quitAfter:
			out = append(out, s.Warn.Render("? "+t.BatchStopQuitAsk))
		case r.ask == askStop:
			out = append(out, s.Warn.Render("? "+t.BatchStopAsk))
		case r.ask == askAbort:
			out = append(out, s.Err.Render("? "+t.BatchAbortAsk))
		case r.aborted:
			out = append(out, s.Err.Render(t.BatchAborting))
		case r.stopping:
			out = append(out, s.Warn.Render(t.BatchCancelling))
		}
	}
	return out
}

// bar is the send's progress bar across the tab, its percentage included.
func (m *Model) bar(p sbatch.Progress) string { return p.Bar(max(m.w-8, 10)) }

func (m *Model) doneLines() []string {
	t, s, l := m.ctx.T, m.ctx.S, m.ctx.Lang()
	sum := m.summary
	if sum == nil {
		if m.sendErr != nil {
			return strings.Split(common.Message(s.Err, fmt.Sprintf(t.BatchStopped, common.ErrText(m.sendErr, l)), m.w), "\n")
		}
		return nil
	}
	head := fmt.Sprintf(t.BatchDone, sum.BatchID, common.Dur(t, sum.Elapsed))
	st := s.OK
	if sum.Cancelled {
		head, st = fmt.Sprintf(t.BatchCancelled, sum.BatchID, common.Dur(t, sum.Elapsed)), s.Warn
	}
	out := []string{st.Render(head), common.Trunc("  "+fmt.Sprintf(t.BatchSummary, sum.Accepted, t.Parts.N(sum.Parts), sum.Refused, sum.NotSent, sum.Unknown), m.w)}
	// The refusals by code, most first: the reason is what the agent acts on.
	codes := slices.Collect(maps.Keys(sum.Codes))
	slices.SortFunc(codes, func(a, b sms.Code) int { return cmp.Or(sum.Codes[b]-sum.Codes[a], int(a-b)) })
	for _, c := range codes {
		out = append(out, s.Err.Render(common.Trunc(fmt.Sprintf("  ✗ "+t.BatchRefusedCode, sum.Codes[c], int(c), c.Text(l)), m.w)))
	}
	err := sum.Err
	if err == nil {
		err = m.sendErr
	}
	if err != nil && !sum.Cancelled {
		out = append(out, strings.Split(common.Message(s.Err, "✗ "+common.ErrText(err, l), m.w), "\n")...)
	}
	out = append(out, s.Faint.Render(t.BatchSeeStatus))
	return out
}
